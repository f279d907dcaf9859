// The privacy routes (GET/DELETE /v1/customers/{id}/personal-data) and what keeps an erasure
// going to members that could not take it at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "http/periodic_task.hpp"
#include "http/routes.hpp"

namespace ordo::http {

// The parts of a privacy request other members run (route_context::member_parts).
inline constexpr std::string_view export_part = "privacy: export part";
inline constexpr std::string_view erase_part = "privacy: erase";

void add_privacy_routes(router& routes, route_context& context);

// Sends the erasures this node keeps for members that were down (privacy/pending-erasure/ in the
// kv store) once they are up, every `every`, and forgets each one the member confirmed. Does
// nothing on a single node.
class erasure_resender {
 public:
  erasure_resender(route_context& context, std::chrono::milliseconds every);
  erasure_resender(const erasure_resender&) = delete;
  erasure_resender& operator=(const erasure_resender&) = delete;

  // One round (the task runs it every `every`): how many erasures members confirmed.
  std::size_t resend_once();

 private:
  route_context& context_;
  periodic_task task_;  // last: starts after the rest is set
};

}  // namespace ordo::http
