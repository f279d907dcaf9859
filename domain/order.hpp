// The Order aggregate (stream order-<id>): a customer's basket from draft to shipped.
//
// Status machine: none -> draft -> placed -> confirmed -> shipped; draft|placed|confirmed ->
// cancelled; placed -> rejected. shipped, cancelled and rejected are final.
//
// decide() checks in this order, so each answer is the most specific one:
//   1. existence: create on an existing order is already_exists, anything else on none not_found;
//   2. the command's own fields (validation_failed, every bad field listed);
//   3. the status (invalid_state, with error.status = the current status);
//   4. the rules that depend on the items (merged quantity, price, distinct skus, non-empty).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/boxed_optional.hpp"
#include "domain/personal_data.hpp"
#include "domain/result.hpp"

namespace ordo::domain::order {

inline constexpr std::int64_t max_item_quantity = 10'000;
inline constexpr std::int64_t max_unit_price_cents = 1'000'000'000;
inline constexpr std::size_t max_distinct_skus = 100;
inline constexpr std::size_t max_reason_length = 500;
inline constexpr std::array<std::string_view, 3> reject_reasons{"out_of_stock", "payment_declined",
                                                                "payment_timeout"};

enum class order_status { none, draft, placed, confirmed, shipped, cancelled, rejected };

// "none", "draft", "placed", ...: the API's status strings.
std::string_view to_string(order_status status);
std::optional<order_status> parse_order_status(std::string_view text);

struct line_item {
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
  bool operator==(const line_item&) const = default;
};

// Personal data: the layers above store it encrypted and may show it as "[erased]".
struct shipping_details {
  std::string name;
  std::string email;
  std::string address;
  bool operator==(const shipping_details&) const = default;
};

// Every live order aggregate holds one: the fields most orders never set (or set late) are boxed
// (8 bytes while empty instead of 40 or 104).
struct state {
  std::string order_id;
  std::string customer_id;
  order_status status = order_status::none;
  std::vector<line_item> items;        // one per sku, in the order they were first added
  boxed_optional<std::string> reason;  // why it was rejected or cancelled
  boxed_optional<shipping_details> shipping;
  boxed_optional<std::string> payment_token;  // recorded when placed
  timestamp created_at = 0;
  timestamp updated_at = 0;
  bool operator==(const state&) const = default;
};

// sum(quantity * unit_price_cents); cannot overflow within the limits above.
std::int64_t total_cents(const std::vector<line_item>& items);

// --- commands ---

struct create {
  static constexpr std::string_view name = "create";
  std::string order_id;
  std::string customer_id;
  std::vector<line_item> items;  // optional initial items, merged like add_item
  std::optional<shipping_details> shipping;
  bool operator==(const create&) const = default;
};

struct add_item {
  static constexpr std::string_view name = "add_item";
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
  bool operator==(const add_item&) const = default;
};

struct remove_item {
  static constexpr std::string_view name = "remove_item";
  std::string sku;
  bool operator==(const remove_item&) const = default;
};

struct place {
  static constexpr std::string_view name = "place";
  std::string payment_token;  // tok_ok | tok_decline | tok_hang
  bool operator==(const place&) const = default;
};

// Sent by the fulfillment saga once stock is reserved and payment authorized.
struct confirm {
  static constexpr std::string_view name = "confirm";
  bool operator==(const confirm&) const = default;
};

// Sent by the fulfillment saga; `reason` is one of reject_reasons.
struct reject {
  static constexpr std::string_view name = "reject";
  std::string reason;
  bool operator==(const reject&) const = default;
};

struct cancel {
  static constexpr std::string_view name = "cancel";
  std::optional<std::string> reason;  // free text, 1..max_reason_length bytes when given
  bool operator==(const cancel&) const = default;
};

struct ship {
  static constexpr std::string_view name = "ship";
  bool operator==(const ship&) const = default;
};

using command = std::variant<create, add_item, remove_item, place, confirm, reject, cancel, ship>;

// --- events (every one carries order_id so that readers need not parse stream names) ---

struct order_created {
  static constexpr std::string_view type_name = "OrderCreated";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::string customer_id;
  std::optional<shipping_details> shipping;
  bool operator==(const order_created&) const = default;
};

// Adds `quantity` to the sku's line (or starts the line).
struct item_added {
  static constexpr std::string_view type_name = "ItemAdded";
  // v1 had no currency; v2 added it (upcast: "USD").
  static constexpr std::uint32_t schema_version = 2;
  std::string order_id;
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_cents = 0;
  std::string currency = "USD";  // ordo trades in one currency; recorded for the day it won't
  bool operator==(const item_added&) const = default;
};

struct item_removed {
  static constexpr std::string_view type_name = "ItemRemoved";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::string sku;
  bool operator==(const item_removed&) const = default;
};

// Carries everything the fulfillment saga needs, so it never reads the order.
struct order_placed {
  static constexpr std::string_view type_name = "OrderPlaced";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::string customer_id;
  std::vector<line_item> items;
  std::int64_t total_cents = 0;
  std::string payment_token;
  bool operator==(const order_placed&) const = default;
};

struct order_confirmed {
  static constexpr std::string_view type_name = "OrderConfirmed";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  bool operator==(const order_confirmed&) const = default;
};

struct order_rejected {
  static constexpr std::string_view type_name = "OrderRejected";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::string reason;
  bool operator==(const order_rejected&) const = default;
};

// `from_status` tells compensation what to undo (nothing from draft; stock and payment after).
struct order_cancelled {
  static constexpr std::string_view type_name = "OrderCancelled";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::optional<std::string> reason;
  order_status from_status = order_status::draft;
  bool operator==(const order_cancelled&) const = default;
};

struct order_shipped {
  static constexpr std::string_view type_name = "OrderShipped";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  bool operator==(const order_shipped&) const = default;
};

using event = std::variant<order_created, item_added, item_removed, order_placed, order_confirmed,
                           order_rejected, order_cancelled, order_shipped>;

// --- the decider ---

// Events for `cmd` on `s`, or why not. `now` is unused today: times come from the envelope.
result<std::vector<event>> decide(const state& s, const command& cmd, timestamp now);

// Applies a recorded event; total (never fails, never validates). `at` is the event's time.
void evolve(state& s, const event& e, timestamp at);

std::string_view command_name(const command& cmd);  // "add_item"
std::string_view event_type(const event& e);        // "ItemAdded"

// Visits the personal fields (domain/personal_data.hpp) an event or a state holds: the shipping
// details of OrderCreated and of the state.
void visit_personal_fields(event& e, const personal_field_visitor& visit);
void visit_personal_fields(state& s, const personal_field_visitor& visit);

}  // namespace ordo::domain::order
