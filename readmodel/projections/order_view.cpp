#include "readmodel/projections/order_view.hpp"

#include <utility>

#include "domain/codec.hpp"
#include "domain/deciders.hpp"
#include "domain/json_reader.hpp"
#include "domain/order_codec.hpp"
#include "domain/time_format.hpp"
#include "readmodel/projections/json_text.hpp"

namespace ordo::readmodel::projections {
namespace {

using nlohmann::json;
namespace order = domain::order;

constexpr std::string_view order_stream_prefix = "order-";

std::unexpected<persistence::storage_error> corrupt_row(std::string_view key, std::string why) {
  return persistence::storage_failure(persistence::storage_errc::corrupt,
                                      "unreadable view row " + std::string(key) + ": " + why);
}

std::vector<order::line_item> read_items(domain::json_reader& r) {
  return r.array("items", [](domain::json_reader& item) {
    return order::line_item{item.text("sku"), item.integer("quantity"),
                            item.integer("unit_price_cents")};
  });
}

}  // namespace

std::optional<std::string_view> order_id_of(const persistence::recorded_event& e) {
  std::string_view stream = e.stream;
  if (!stream.starts_with(order_stream_prefix) || stream.size() == order_stream_prefix.size())
    return std::nullopt;
  return stream.substr(order_stream_prefix.size());
}

persistence::result<order::event> decode_order_event(const persistence::recorded_event& e) {
  auto decoded = order::decode(e.type, e.schema_version, e.data);
  if (decoded) return std::move(*decoded);
  persistence::storage_error error{persistence::storage_errc::corrupt,
                                   "cannot apply " + e.stream + " v" + std::to_string(e.version) +
                                       " (position " + std::to_string(e.position) +
                                       "): " + decoded.error().message};
  error.stream = e.stream;
  error.version = e.version;
  error.position = e.position;
  return std::unexpected(std::move(error));
}

bool advance(order_view& view, const order::event& event,
             const persistence::recorded_event& recorded) {
  if (recorded.version <= view.version) return false;
  domain::order_decider::evolve(view.state, event, recorded.timestamp_ms);
  view.state.shipping.reset();
  view.state.payment_token.reset();
  view.version = recorded.version;
  return true;
}

std::int64_t item_count(const std::vector<order::line_item>& items) {
  std::int64_t count = 0;
  for (auto& item : items) count += item.quantity;
  return count;
}

json summary_json(const order_view& view) {
  const auto& s = view.state;
  return {{"order_id", s.order_id},
          {"customer_id", s.customer_id},
          {"status", std::string(order::to_string(s.status))},
          {"item_count", item_count(s.items)},
          {"total_cents", order::total_cents(s.items)},
          {"version", view.version},
          {"updated_at", domain::format_rfc3339(s.updated_at)}};
}

namespace {

void write_summary(json_text& out, const order_view& view) {
  const auto& s = view.state;
  out.begin_object();
  out.key("customer_id");
  out.value(s.customer_id);
  out.key("item_count");
  out.value(item_count(s.items));
  out.key("order_id");
  out.value(s.order_id);
  out.key("status");
  out.value(order::to_string(s.status));
  out.key("total_cents");
  out.value(order::total_cents(s.items));
  out.key("updated_at");
  out.value(domain::format_rfc3339(s.updated_at));
  out.key("version");
  out.value(view.version);
  out.end_object();
}

}  // namespace

std::string encode_summary(const order_view& view) {
  json_text out;
  write_summary(out, view);
  return out.take();
}

// Times stay integers here (exact); only the summary formats them. Keys in ascending order (see
// json_text).
std::string encode_order_view(const order_view& view) {
  const auto& s = view.state;
  json_text out;
  out.begin_object();
  out.key("order");
  out.begin_object();
  out.key("created_at");
  out.value(s.created_at);
  out.key("customer_id");
  out.value(s.customer_id);
  out.key("items");
  out.begin_array();
  for (auto& item : s.items) {
    out.begin_object();
    out.key("quantity");
    out.value(item.quantity);
    out.key("sku");
    out.value(item.sku);
    out.key("unit_price_cents");
    out.value(item.unit_price_cents);
    out.end_object();
  }
  out.end_array();
  out.key("order_id");
  out.value(s.order_id);
  if (s.reason) {
    out.key("reason");
    out.value(*s.reason);
  }
  out.key("status");
  out.value(order::to_string(s.status));
  out.key("updated_at");
  out.value(s.updated_at);
  out.key("version");
  out.value(view.version);
  out.end_object();
  out.key("summary");
  write_summary(out, view);
  out.end_object();
  return out.take();
}

persistence::result<order_view> decode_order_view(std::string_view key, std::string_view bytes) {
  auto row = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (row.is_discarded() || !row.is_object()) return corrupt_row(key, "not a JSON object");
  auto stored = row.find("order");
  if (stored == row.end()) return corrupt_row(key, "no \"order\"");
  std::vector<domain::field_error> errors;
  domain::json_reader r(*stored, errors, "order");
  order_view view;
  auto& s = view.state;
  s.order_id = r.text("order_id");
  s.customer_id = r.text("customer_id");
  s.status = r.enumerated("status", order::parse_order_status, order::order_status::none);
  s.items = read_items(r);
  s.reason = r.optional_text("reason");
  s.created_at = r.integer("created_at");
  s.updated_at = r.integer("updated_at");
  auto version = r.integer("version");
  if (!errors.empty()) return corrupt_row(key, errors.front().field + " " + errors.front().message);
  if (version < 0) return corrupt_row(key, "negative version");
  view.version = static_cast<std::uint64_t>(version);
  return view;
}

}  // namespace ordo::readmodel::projections
