// The Stock aggregate (stream stock-<sku>): one sku's units on hand and the orders holding some.
//
// available = on_hand - reserved, never negative: a reservation is granted only from available
// units and shipping takes units out of both on_hand and reserved.
//
// Choices:
// - A sku comes into existence with its first restock (status none = never restocked). Reserving
//   a never-restocked sku is out_of_stock (available 0), not not_found: to the fulfillment saga
//   both mean "cannot have it", and the HTTP inventory read still answers 404 for it.
// - Reserve, release and ship are idempotent per order, so a retried saga step is harmless:
//   reserve for an order that already holds a reservation returns no events (whatever the
//   quantity); release or ship without a reservation returns no events.
// Checks run in the order: fields (validation_failed), idempotency, availability.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.hpp"

namespace ordo::domain::stock {

inline constexpr std::int64_t max_restock_quantity = 1'000'000;

enum class stock_status { none, active };

std::string_view to_string(stock_status status);
std::optional<stock_status> parse_stock_status(std::string_view text);

struct state {
  std::string sku;
  stock_status status = stock_status::none;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;                         // sum of `reservations`
  std::map<std::string, std::int64_t> reservations;  // order id -> units held
  std::int64_t shipped = 0;                          // units shipped, ever
  bool operator==(const state&) const = default;
};

inline std::int64_t available(const state& s) {
  return s.on_hand - s.reserved;
}

// --- commands ---

struct restock {
  static constexpr std::string_view name = "restock";
  std::string sku;
  std::int64_t quantity = 0;  // 1..max_restock_quantity
  bool operator==(const restock&) const = default;
};

struct reserve {
  static constexpr std::string_view name = "reserve";
  std::string order_id;
  std::int64_t quantity = 0;  // >= 1
  bool operator==(const reserve&) const = default;
};

struct release {
  static constexpr std::string_view name = "release";
  std::string order_id;
  bool operator==(const release&) const = default;
};

// Commits the order's reservation: the units leave the warehouse.
struct ship {
  static constexpr std::string_view name = "ship";
  std::string order_id;
  bool operator==(const ship&) const = default;
};

using command = std::variant<restock, reserve, release, ship>;

// --- events ---

struct restocked {
  static constexpr std::string_view type_name = "Restocked";
  static constexpr std::uint32_t schema_version = 1;
  std::string sku;
  std::int64_t quantity = 0;
  bool operator==(const restocked&) const = default;
};

struct stock_reserved {
  static constexpr std::string_view type_name = "StockReserved";
  static constexpr std::uint32_t schema_version = 1;
  std::string sku;
  std::string order_id;
  std::int64_t quantity = 0;
  bool operator==(const stock_reserved&) const = default;
};

struct stock_released {
  static constexpr std::string_view type_name = "StockReleased";
  static constexpr std::uint32_t schema_version = 1;
  std::string sku;
  std::string order_id;
  std::int64_t quantity = 0;
  bool operator==(const stock_released&) const = default;
};

struct stock_shipped {
  static constexpr std::string_view type_name = "StockShipped";
  static constexpr std::uint32_t schema_version = 1;
  std::string sku;
  std::string order_id;
  std::int64_t quantity = 0;
  bool operator==(const stock_shipped&) const = default;
};

using event = std::variant<restocked, stock_reserved, stock_released, stock_shipped>;

// --- the decider ---

result<std::vector<event>> decide(const state& s, const command& cmd, timestamp now);
// Total: never fails, never validates.
void evolve(state& s, const event& e, timestamp at);

std::string_view command_name(const command& cmd);
std::string_view event_type(const event& e);

}  // namespace ordo::domain::stock
