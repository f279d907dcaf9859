// Command bodies, for every command of every decider: parse_command (the scanned path answers as
// the DOM path), then decide against states in every status, each event through encode (the
// writer's bytes are the DOM's) and decode, the new state through save and load and rendering.
#include <array>
#include <string>
#include <type_traits>
#include <vector>

#include "domain/command_json.hpp"
#include "domain/deciders.hpp"
#include "domain/order_total.hpp"
#include "request_parsers.hpp"

namespace ordo::fuzz {

namespace {

using domain::order_decider;
using domain::payment_decider;
using domain::stock_decider;

constexpr domain::timestamp now = 1'790'000'000'000;

// The state after `command`, which must succeed (the states below are built from known-good
// commands).
template <class D>
typename D::state after(typename D::state s, const typename D::command& command) {
  auto events = D::decide(s, command, now);
  require(events.has_value(), "a scripted command succeeds", D::command_name(command));
  for (const auto& e : *events) D::evolve(s, e, now);
  return s;
}

std::vector<order_decider::state> order_states() {
  using namespace domain::order;
  const order_decider::state none{};
  auto created = after<order_decider>(none, create{"o-1", "c-1", {}, std::nullopt});
  auto draft = after<order_decider>(created, add_item{"sku-1", 2, 150});
  auto placed = after<order_decider>(draft, place{"tok_ok"});
  auto confirmed = after<order_decider>(placed, confirm{});
  // Every sku it may hold, each at its largest quantity, priced so that the total is at its cap.
  constexpr auto full_price =
      max_order_total_cents / (static_cast<std::int64_t>(max_distinct_skus) * max_item_quantity);
  auto full = created;
  for (std::size_t i = 0; i < max_distinct_skus; ++i)
    full = after<order_decider>(
        full, add_item{"sku-" + std::to_string(i), max_item_quantity, full_price});
  return {none,
          created,
          draft,
          placed,
          confirmed,
          after<order_decider>(confirmed, ship{}),
          after<order_decider>(draft, cancel{"changed my mind"}),
          after<order_decider>(placed, reject{"out_of_stock"}),
          full};
}

std::vector<stock_decider::state> stock_states() {
  using namespace domain::stock;
  const stock_decider::state none{};
  auto stocked = after<stock_decider>(none, restock{"sku-1", 100});
  auto reserved = after<stock_decider>(stocked, reserve{"o-1", 60});
  return {none, stocked, reserved, after<stock_decider>(reserved, ship{"o-1"})};
}

std::vector<payment_decider::state> payment_states() {
  using namespace domain::payment;
  const payment_decider::state none{};
  auto authorized = after<payment_decider>(none, authorize{"o-1", 1000, "tok_ok"});
  return {none,
          authorized,
          after<payment_decider>(none, authorize{"o-1", 1000, "tok_decline"}),
          after<payment_decider>(none, authorize{"o-1", 1000, "tok_hang"}),
          after<payment_decider>(authorized, void_payment{}),
          after<payment_decider>(authorized, capture{})};
}

// Each event survives encode and decode; the state they lead to survives save and load.
// The event's bytes as the DOM writes them.
template <class D>
domain::encoded_event dom_encoding(const typename D::event& e) {
  if constexpr (std::is_same_v<D, order_decider>) return domain::order::encode_with_dom(e);
  if constexpr (std::is_same_v<D, stock_decider>) return domain::stock::encode_with_dom(e);
  if constexpr (std::is_same_v<D, payment_decider>) return domain::payment::encode_with_dom(e);
}

template <class D>
void check_events(const typename D::state& before, const std::vector<typename D::event>& events,
                  std::string_view input) {
  if (events.empty()) return;
  auto s = before;
  for (const auto& e : events) {
    require(D::encode(e) == dom_encoding<D>(e), "the event writer writes the DOM's bytes", input);
    auto decoded = D::decode(D::encode(e));
    require(decoded.has_value() && *decoded == e, "an event survives encode and decode", input);
    D::evolve(s, e, now);
  }
  auto loaded = D::load_state(D::save_state(s), D::snapshot_schema);
  require(loaded.has_value() && *loaded == s, "a state survives save and load", input);
  auto rendered = D::to_json(s);
  rendered["version"] = 3;
  require(D::render_json(s, 3) == domain::compact_json(rendered),
          "the state writer writes the DOM's bytes", input);
}

template <class D, std::size_t N>
void run_decider(std::string_view aggregate_id, const std::array<std::string_view, N>& names,
                 const std::vector<typename D::state>& states, std::string_view body) {
  for (auto name : names) {
    auto command = domain::parse_command<D>(name, aggregate_id, body);
    require(command == domain::parse_command_with_dom<D>(name, aggregate_id, body),
            "a scanned body parses as the DOM parses it", body);
    if (!command) {
      const auto& e = command.error();
      require(e.code == domain::error_code::validation_failed && !e.fields.empty(),
              "a refused body is validation_failed naming a field", body);
      continue;
    }
    require(D::command_name(*command) == name, "a parsed command has the name it was parsed as",
            body);
    for (const auto& s : states) {
      auto events = D::decide(s, *command, now);
      if (events) check_events<D>(s, *events, body);
    }
  }
}

}  // namespace

void run_command_parsers(std::string_view bytes) {
  static const auto orders = order_states();
  static const auto stocks = stock_states();
  static const auto payments = payment_states();
  run_decider<order_decider>(
      "o-1",
      std::array<std::string_view, 9>{"create", "add_item", "remove_item", "place", "confirm",
                                      "reject", "cancel", "ship", "unknown"},
      orders, bytes);
  run_decider<stock_decider>(
      "sku-1", std::array<std::string_view, 4>{"restock", "reserve", "release", "ship"}, stocks,
      bytes);
  run_decider<payment_decider>(
      "o-1", std::array<std::string_view, 4>{"authorize", "void", "capture", "refund"}, payments,
      bytes);
}

}  // namespace ordo::fuzz
