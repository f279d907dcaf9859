#include "domain/customer.hpp"

#include "domain/validation.hpp"

namespace ordo::domain::customer {

result<std::vector<event>> decide(const state& /*s*/, const command& cmd, timestamp /*now*/) {
  const auto& c = std::get<erase_personal_data>(cmd);
  field_checks check;
  check.id("customer_id", c.customer_id);
  if (!check.ok()) return check.failure();
  return std::vector<event>{personal_data_erased{c.customer_id}};
}

void evolve(state& s, const event& e, timestamp at) {
  const auto& erased = std::get<personal_data_erased>(e);
  s.customer_id = erased.customer_id;
  ++s.erasures;
  s.last_erased_at = at;
}

std::string_view command_name(const command& cmd) {
  return std::visit([](const auto& c) { return c.name; }, cmd);
}

std::string_view event_type(const event& e) {
  return std::visit([](const auto& x) { return x.type_name; }, e);
}

}  // namespace ordo::domain::customer
