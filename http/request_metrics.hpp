// Counters the HTTP front keeps itself, lock-free: requests by route template and status
// (ordo_http_requests_total), and the commands it sent by type and outcome with their durations
// (ordo_commands_total, ordo_command_duration_seconds).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/outcome.hpp"
#include "http/prometheus_text.hpp"

namespace ordo::http {

class request_metrics {
 public:
  // `routes`: the route templates, in router order; index routes.size() counts unmatched paths.
  explicit request_metrics(std::vector<std::string> routes);

  void count_request(std::size_t route, int status);
  // `type`: "order.add_item".
  void count_command(std::string_view type, actors::outcome outcome,
                     std::chrono::steady_clock::duration took);

  void write(prometheus_text& out) const;

 private:
  static constexpr int lowest_status = 100;
  static constexpr int status_span = 500;  // 100..599

  std::vector<std::string> routes_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> requests_;  // [route][status - 100]
  std::unique_ptr<std::atomic<std::uint64_t>[]> commands_;  // [type][outcome]
  std::unique_ptr<std::atomic<std::uint64_t>[]> duration_buckets_;
  std::atomic<std::uint64_t> duration_sum_ns_{0};
};

}  // namespace ordo::http
