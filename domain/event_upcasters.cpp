#include "domain/event_upcasters.hpp"

#include <variant>

#include "domain/order.hpp"
#include "domain/customer.hpp"
#include "domain/payment.hpp"
#include "domain/saga.hpp"
#include "domain/stock.hpp"

namespace ordo::domain {

namespace {

// Declares every alternative of an event variant at the version its struct is written with.
template <class Variant>
void declare_all(upcaster_registry& registry) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (registry.declare(std::variant_alternative_t<I, Variant>::type_name,
                      std::variant_alternative_t<I, Variant>::schema_version),
     ...);
  }
  (std::make_index_sequence<std::variant_size_v<Variant>>{});
}

// ItemAdded v1 predates currencies: every price was in US dollars.
nlohmann::json item_added_v1_to_v2(nlohmann::json data) {
  if (!data.contains("currency")) data["currency"] = "USD";
  return data;
}

upcaster_registry build() {
  upcaster_registry registry;
  declare_all<order::event>(registry);
  declare_all<stock::event>(registry);
  declare_all<payment::event>(registry);
  declare_all<customer::event>(registry);
  declare_all<saga::event>(registry);
  registry.add_step(order::item_added::type_name, 1, item_added_v1_to_v2);
  return registry;
}

}  // namespace

const upcaster_registry& event_upcasters() {
  static const upcaster_registry registry = build();
  return registry;
}

}  // namespace ordo::domain
