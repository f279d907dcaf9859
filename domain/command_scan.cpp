#include "domain/detail/command_scan.hpp"

#include <array>
#include <limits>

#include "domain/detail/json_scanner.hpp"

namespace ordo::domain::detail {
namespace {

template <std::size_t N>
using keys = std::array<std::string_view, N>;

// Reads an object whose known members are `known`, the first `required` of them required;
// `read(i)` reads the value of known[i]. Other members are skipped. A known member twice fails
// (the DOM says which one counts).
template <std::size_t N, class Read>
bool scan_object(json_scanner& in, const keys<N>& known, unsigned required, Read read) {
  if (!in.begin_object()) return false;
  unsigned seen = 0;
  for (std::string_view key; in.next_key(key);) {
    std::size_t i = 0;
    while (i < N && known[i] != key) ++i;
    if (i == N) {
      if (!in.skip_value()) return false;
      continue;
    }
    const unsigned bit = 1u << i;
    if ((seen & bit) != 0) return false;
    seen |= bit;
    if (!read(i)) return false;
  }
  const unsigned mask = (1u << required) - 1;
  return !in.failed() && (seen & mask) == mask;
}

// The whole body: one object of `known` members, nothing after it. `command` holds what the
// fields do not set (the addressed id) before the scan.
template <class Command, std::size_t N, class Read>
std::optional<Command> scan_body(std::string_view body, Command command, const keys<N>& known,
                                 unsigned required, Read read) {
  json_scanner in(body);
  if (!scan_object(in, known, required, [&](std::size_t i) { return read(in, i, command); }) ||
      !in.at_end())
    return std::nullopt;
  return command;
}

// An own id (order_id, sku) may be absent or null (the addressed id stays) or name the addressed
// id; another id is an error, which the DOM path words.
bool own_id(json_scanner& in, std::string_view aggregate_id) {
  if (in.null()) return true;
  std::string_view named;
  return in.text(named) && named == aggregate_id;
}

// A body with no fields the command reads: any plain object.
template <class Command>
std::optional<Command> no_fields(std::string_view body) {
  return scan_body(body, Command{}, keys<0>{}, 0,
                   [](json_scanner&, std::size_t, Command&) { return false; });
}

// A command of one required text field.
template <class Command>
std::optional<Command> one_text(std::string_view body, std::string_view key,
                                std::string Command::*field) {
  return scan_body(body, Command{}, keys<1>{key}, 1,
                   [&](json_scanner& in, std::size_t, Command& c) { return in.text(c.*field); });
}

bool read_line_items(json_scanner& in, std::vector<order::line_item>& items) {
  if (!in.begin_array()) return false;
  while (in.next_element()) {
    auto& item = items.emplace_back();
    if (!scan_object(in, keys<3>{"sku", "quantity", "unit_price_cents"}, 3, [&](std::size_t i) {
          if (i == 0) return in.text(item.sku);
          if (i == 1) return in.integer(item.quantity);
          return in.integer(item.unit_price_cents);
        }))
      return false;
  }
  return !in.failed();
}

bool read_shipping(json_scanner& in, std::optional<order::shipping_details>& shipping) {
  if (in.null()) return true;
  auto& s = shipping.emplace();
  return scan_object(in, keys<3>{"name", "email", "address"}, 3, [&](std::size_t i) {
    if (i == 0) return in.text(s.name);
    if (i == 1) return in.text(s.email);
    return in.text(s.address);
  });
}

template <class Variant, class Command>
std::optional<Variant> widen(std::optional<Command> c) {
  if (!c) return std::nullopt;
  return Variant{std::move(*c)};
}

}  // namespace

std::optional<order::command> scan_command(std::type_identity<order_decider>, std::string_view name,
                                           std::string_view aggregate_id, std::string_view body) {
  using namespace order;
  if (name == add_item::name)
    return widen<command>(scan_body(body, add_item{},
                                    keys<3>{"sku", "quantity", "unit_price_cents"}, 3,
                                    [](json_scanner& in, std::size_t i, add_item& c) {
                                      if (i == 0) return in.text(c.sku);
                                      if (i == 1) return in.integer(c.quantity);
                                      return in.integer(c.unit_price_cents);
                                    }));
  if (name == create::name) {
    create initial;
    initial.order_id = std::string(aggregate_id);
    return widen<command>(scan_body(body, std::move(initial),
                                    keys<4>{"customer_id", "order_id", "items", "shipping"}, 1,
                                    [&](json_scanner& in, std::size_t i, create& c) {
                                      if (i == 0) return in.text(c.customer_id);
                                      if (i == 1) return own_id(in, aggregate_id);
                                      if (i == 2) return in.null() || read_line_items(in, c.items);
                                      return read_shipping(in, c.shipping);
                                    }));
  }
  if (name == remove_item::name) return widen<command>(one_text(body, "sku", &remove_item::sku));
  if (name == place::name)
    return widen<command>(one_text(body, "payment_token", &place::payment_token));
  if (name == confirm::name) return widen<command>(no_fields<confirm>(body));
  if (name == reject::name) return widen<command>(one_text(body, "reason", &reject::reason));
  if (name == cancel::name)
    return widen<command>(scan_body(body, cancel{}, keys<1>{"reason"}, 0,
                                    [](json_scanner& in, std::size_t, cancel& c) {
                                      return in.null() || in.text(c.reason.emplace());
                                    }));
  if (name == ship::name) return widen<command>(no_fields<ship>(body));
  return std::nullopt;
}

std::optional<stock::command> scan_command(std::type_identity<stock_decider>, std::string_view name,
                                           std::string_view aggregate_id, std::string_view body) {
  using namespace stock;
  if (name == restock::name)
    return widen<command>(scan_body(body, restock{std::string(aggregate_id), 0},
                                    keys<2>{"quantity", "sku"}, 1,
                                    [&](json_scanner& in, std::size_t i, restock& c) {
                                      if (i == 0) return in.integer(c.quantity);
                                      return own_id(in, aggregate_id);
                                    }));
  if (name == reserve::name)
    return widen<command>(scan_body(body, reserve{}, keys<2>{"order_id", "quantity"}, 2,
                                    [](json_scanner& in, std::size_t i, reserve& c) {
                                      if (i == 0) return in.text(c.order_id);
                                      return in.integer(c.quantity);
                                    }));
  if (name == release::name) return widen<command>(one_text(body, "order_id", &release::order_id));
  if (name == ship::name) return widen<command>(one_text(body, "order_id", &ship::order_id));
  return std::nullopt;
}

std::optional<payment::command> scan_command(std::type_identity<payment_decider>,
                                             std::string_view name, std::string_view aggregate_id,
                                             std::string_view body) {
  using namespace payment;
  if (name == authorize::name) {
    authorize initial;
    initial.order_id = std::string(aggregate_id);
    return widen<command>(scan_body(body, std::move(initial),
                                    keys<3>{"amount_cents", "token", "order_id"}, 2,
                                    [&](json_scanner& in, std::size_t i, authorize& c) {
                                      if (i == 0) return in.integer(c.amount_cents);
                                      if (i == 1) return in.text(c.token);
                                      return own_id(in, aggregate_id);
                                    }));
  }
  if (name == void_payment::name) return widen<command>(no_fields<void_payment>(body));
  if (name == capture::name) return widen<command>(no_fields<capture>(body));
  if (name == refund::name) return widen<command>(no_fields<refund>(body));
  return std::nullopt;
}

std::optional<saga::command> scan_command(std::type_identity<saga_decider>, std::string_view name,
                                          std::string_view aggregate_id, std::string_view body) {
  using namespace saga;
  if (name == start::name) {
    start initial;
    initial.order_id = std::string(aggregate_id);
    return widen<command>(
        scan_body(body, std::move(initial),
                  keys<5>{"items", "total_cents", "payment_token", "step_timeout_ms", "order_id"},
                  4, [&](json_scanner& in, std::size_t i, start& c) {
                    if (i == 0) {
                      if (!in.begin_array()) return false;
                      while (in.next_element()) {
                        auto& item = c.items.emplace_back();
                        if (!scan_object(in, keys<2>{"sku", "quantity"}, 2, [&](std::size_t j) {
                              return j == 0 ? in.text(item.sku) : in.integer(item.quantity);
                            }))
                          return false;
                      }
                      return !in.failed();
                    }
                    if (i == 1) return in.integer(c.total_cents);
                    if (i == 2) return in.text(c.payment_token);
                    if (i == 3) return in.integer(c.step_timeout_ms);
                    return own_id(in, aggregate_id);
                  }));
  }
  if (name == stock_reserved::name)
    return widen<command>(one_text(body, "sku", &stock_reserved::sku));
  if (name == stock_unavailable::name)
    return widen<command>(one_text(body, "sku", &stock_unavailable::sku));
  if (name == stock_released::name)
    return widen<command>(one_text(body, "sku", &stock_released::sku));
  if (name == stock_shipped::name)
    return widen<command>(one_text(body, "sku", &stock_shipped::sku));
  if (name == payment_result::name)
    return widen<command>(one_text(body, "status", &payment_result::status));
  if (name == order_result::name)
    return widen<command>(one_text(body, "status", &order_result::status));
  if (name == order_cancelled::name) return widen<command>(no_fields<order_cancelled>(body));
  if (name == order_shipped::name) return widen<command>(no_fields<order_shipped>(body));
  if (name == timeout::name)
    return widen<command>(scan_body(body, timeout{}, keys<2>{"step", "attempt"}, 2,
                                    [](json_scanner& in, std::size_t i, timeout& c) {
                                      if (i == 0) return in.text(c.step);
                                      std::int64_t attempt = 0;
                                      if (!in.integer(attempt) || attempt < 0 ||
                                          attempt > std::numeric_limits<std::uint32_t>::max())
                                        return false;
                                      c.attempt = static_cast<std::uint32_t>(attempt);
                                      return true;
                                    }));
  return std::nullopt;
}

}  // namespace ordo::domain::detail
