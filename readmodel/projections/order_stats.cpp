#include "readmodel/projections/order_stats.hpp"

#include <array>
#include <limits>
#include <variant>

#include "domain/codec.hpp"
#include "domain/json_reader.hpp"
#include "readmodel/projections/json_text.hpp"
#include "readmodel/projections/order_view.hpp"

namespace ordo::readmodel::projections {
namespace {

using nlohmann::json;
namespace order = domain::order;
using order::order_status;

// The statuses an order can be counted in, in the order the API lists them.
constexpr std::array<order_status, 6> counted_statuses{
    order_status::draft,   order_status::placed,    order_status::confirmed,
    order_status::shipped, order_status::cancelled, order_status::rejected};

bool earns_revenue(order_status s) {
  return s == order_status::confirmed || s == order_status::shipped;
}

using order_tally = order_stats::order_tally;
using totals = order_stats::totals;
using wide_cents = order_stats::wide_cents;

constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
constexpr auto int64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::string_view exact_revenue_key = "confirmed_revenue_cents_exact";

bool fits_int64(wide_cents cents) {
  return cents >= int64_min && cents <= int64_max;
}

// The API's figure: int64, saturated.
std::int64_t saturated(wide_cents cents) {
  return cents > int64_max   ? int64_max
         : cents < int64_min ? int64_min
                             : static_cast<std::int64_t>(cents);
}

// `cents` moved by `delta`, saturating at the 128-bit range (out of reach: see wide_cents).
wide_cents moved(wide_cents cents, wide_cents delta) {
  wide_cents result = 0;
  if (!__builtin_add_overflow(cents, delta, &result)) return result;
  return delta > 0 ? std::numeric_limits<wide_cents>::max()
                   : std::numeric_limits<wide_cents>::min();
}

std::string decimal(wide_cents cents) {
  bool negative = cents < 0;
  std::string digits;
  do {
    auto digit = static_cast<int>(cents % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (negative ? -digit : digit)));
    cents /= 10;
  } while (cents != 0);
  return negative ? "-" + digits : digits;
}

std::optional<wide_cents> parse_decimal(std::string_view text) {
  bool negative = text.starts_with('-');
  if (negative) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  wide_cents value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    wide_cents digit = negative ? -(c - '0') : c - '0';
    if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, digit, &value))
      return std::nullopt;
  }
  return value;
}

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};

// Only status changes move the figures; adding or removing items does not (revenue counts from
// confirmation, after which items are fixed).
void follow(order_tally& tally, const order::event& event) {
  std::visit(overloaded{
                 [&](const order::order_created&) { tally.status = order_status::draft; },
                 [&](const order::order_placed& e) {
                   tally.status = order_status::placed;
                   tally.total_cents = e.total_cents;
                 },
                 [&](const order::order_confirmed&) { tally.status = order_status::confirmed; },
                 [&](const order::order_rejected&) { tally.status = order_status::rejected; },
                 [&](const order::order_cancelled&) { tally.status = order_status::cancelled; },
                 [&](const order::order_shipped&) { tally.status = order_status::shipped; },
                 [](const auto&) {},
             },
             event);
}

// Adding or removing items moves no figure (see follow): such events are skipped undecoded and
// their tally row is left as it is (a rebuild reads millions of them). Every other type, known or
// not, goes through follow.
bool moves_no_figure(std::string_view type) {
  return type == order::item_added::type_name || type == order::item_removed::type_name;
}

std::unexpected<persistence::storage_error> corrupt_row(
    std::string_view key, const std::vector<domain::field_error>& errors) {
  auto why = errors.empty() ? std::string("not a JSON object")
                            : errors.front().field + " " + errors.front().message;
  return persistence::storage_failure(persistence::storage_errc::corrupt,
                                      "unreadable view row " + std::string(key) + ": " + why);
}

persistence::result<order_tally> decode_tally(std::string_view key, std::string_view bytes) {
  auto row = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  std::vector<domain::field_error> errors;
  domain::json_reader r(row, errors);
  order_tally tally;
  tally.status = r.enumerated("status", order::parse_order_status, order_status::none);
  tally.total_cents = r.integer("total_cents");
  tally.version = static_cast<std::uint64_t>(r.integer("version"));
  if (!errors.empty() || row.is_discarded()) return corrupt_row(key, errors);
  return tally;
}

// {"status", "total_cents", "version"} as domain::compact_json writes it (json_text: keys in
// ascending order); one per changed order per batch, so no DOM.
std::string encode_tally(const order_tally& tally) {
  json_text out;
  out.begin_object();
  out.key("status");
  out.value(order::to_string(tally.status));
  out.key("total_cents");
  out.value(tally.total_cents);
  out.key("version");
  out.value(tally.version);
  out.end_object();
  return out.take();
}

persistence::result<totals> decode_totals(const std::optional<std::string>& bytes) {
  totals t;
  if (!bytes) return t;
  auto row = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  std::vector<domain::field_error> errors;
  domain::json_reader r(row, errors);
  auto counts = r.optional_object("orders_by_status", [&](domain::json_reader& by_status) {
    for (auto status : counted_statuses)
      t.by_status[status] = by_status.integer(order::to_string(status));
    return true;
  });
  if (!counts) r.add_error("orders_by_status", "is missing");
  t.revenue_cents = r.integer("confirmed_revenue_cents");
  if (auto exact = r.optional_text(exact_revenue_key)) {
    auto cents = parse_decimal(*exact);
    if (!cents) r.add_error(exact_revenue_key, "must be a decimal integer");
    t.revenue_cents = cents.value_or(t.revenue_cents);
  }
  t.position = static_cast<std::uint64_t>(r.integer("position"));
  if (!errors.empty() || row.is_discarded()) return corrupt_row(order_stats::totals_key, errors);
  return t;
}

json totals_json(const totals& t) {
  json by_status = json::object();
  for (auto status : counted_statuses) {
    auto count = t.by_status.find(status);
    by_status[std::string(order::to_string(status))] =
        count == t.by_status.end() ? 0 : count->second;
  }
  return {{"orders_by_status", std::move(by_status)},
          {"confirmed_revenue_cents", saturated(t.revenue_cents)},
          {"position", t.position}};
}

// The totals row: the API's shape, plus the exact revenue when the API's figure saturates.
json totals_row(const totals& t) {
  auto row = totals_json(t);
  if (!fits_int64(t.revenue_cents)) row[std::string(exact_revenue_key)] = decimal(t.revenue_cents);
  return row;
}

}  // namespace

order_stats::order_stats() : tallies_(order_key(""), decode_tally) {}

bool order_stats::decodes_order_event(const persistence::recorded_event& e) const {
  return !moves_no_figure(e.type);
}

void order_stats::forget() {
  tallies_.forget();
  totals_.reset();
}

persistence::result<void> order_stats::apply(std::span<const decoded_event> events,
                                             row_batch& rows) {
  if (events.empty()) return {};
  if (!totals_) {
    auto stored = rows.get(totals_key);
    if (!stored) return std::unexpected(std::move(stored.error()));
    auto figures = decode_totals(*stored);
    if (!figures) return std::unexpected(std::move(figures.error()));
    totals_ = std::move(*figures);
  }
  auto& figures = *totals_;
  for (auto& decoded : events) {
    auto& recorded = decoded.recorded();
    auto order_id = decoded.order_id();
    if (!order_id || moves_no_figure(recorded.type)) continue;
    auto& event = decoded.order_event();
    if (!event) return std::unexpected(event.error());
    auto found = tallies_.find(rows, *order_id, row_source_of(recorded));
    if (!found) return std::unexpected(std::move(found.error()));
    auto& tally = **found;
    if (recorded.version <= tally.version) continue;  // already counted
    // Take the order out of the figures as it was, and put it back in as it is now.
    if (tally.status != order_status::none) {
      --figures.by_status[tally.status];
      if (earns_revenue(tally.status))
        figures.revenue_cents = moved(figures.revenue_cents, -wide_cents{tally.total_cents});
    }
    follow(tally, *event);
    tally.version = recorded.version;
    if (tally.status != order_status::none) {
      ++figures.by_status[tally.status];
      if (earns_revenue(tally.status))
        figures.revenue_cents = moved(figures.revenue_cents, wide_cents{tally.total_cents});
    }
    found->changed();
  }
  figures.position = events.back().recorded().position;
  tallies_.write_changed([&](std::string_view key, std::string_view, const order_tally& tally) {
    rows.put(key, encode_tally(tally));
  });
  rows.put(totals_key, domain::compact_json(totals_row(figures)));
  return {};
}

persistence::result<nlohmann::json> load_stats(const persistence::kv_store& kv) {
  auto stored = kv.get(order_stats::totals_key);
  if (!stored) return std::unexpected(std::move(stored.error()));
  auto figures = decode_totals(*stored);
  if (!figures) return std::unexpected(std::move(figures.error()));
  return totals_json(*figures);
}

}  // namespace ordo::readmodel::projections
