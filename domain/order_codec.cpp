#include "domain/order_codec.hpp"

#include "domain/detail/order_event_scan.hpp"
#include "domain/detail/variant_codec.hpp"
#include "domain/json_reader.hpp"
#include "domain/snapshot_codec.hpp"
#include "domain/time_format.hpp"

namespace ordo::domain::order {

namespace {

using nlohmann::json;

json write_items(const std::vector<line_item>& items) {
  json out = json::array();
  for (const line_item& item : items) {
    out.push_back({{"sku", item.sku},
                   {"quantity", item.quantity},
                   {"unit_price_cents", item.unit_price_cents}});
  }
  return out;
}

std::vector<line_item> read_items(json_reader& r) {
  return r.array("items", [](json_reader& item) {
    line_item line;
    line.sku = item.text("sku");
    line.quantity = item.integer("quantity");
    line.unit_price_cents = item.integer("unit_price_cents");
    return line;
  });
}

json write_shipping(const shipping_details& s) {
  return {{"name", s.name}, {"email", s.email}, {"address", s.address}};
}

std::optional<shipping_details> read_shipping(json_reader& r) {
  return r.optional_object("shipping", [](json_reader& s) {
    shipping_details details;
    details.name = s.text("name");
    details.email = s.text("email");
    details.address = s.text("address");
    return details;
  });
}

order_status read_status(json_reader& r, std::string_view key) {
  return r.enumerated(key, parse_order_status, order_status::none);
}

// --- event data ---

json write(const order_created& e) {
  json data{{"order_id", e.order_id}, {"customer_id", e.customer_id}};
  if (e.shipping) data["shipping"] = write_shipping(*e.shipping);
  return data;
}

order_created read(json_reader& r, std::type_identity<order_created>) {
  order_created e;
  e.order_id = r.text("order_id");
  e.customer_id = r.text("customer_id");
  e.shipping = read_shipping(r);
  return e;
}

json write(const item_added& e) {
  return {{"order_id", e.order_id},
          {"sku", e.sku},
          {"quantity", e.quantity},
          {"unit_price_cents", e.unit_price_cents},
          {"currency", e.currency}};
}

item_added read(json_reader& r, std::type_identity<item_added>) {
  item_added e;
  e.order_id = r.text("order_id");
  e.sku = r.text("sku");
  e.quantity = r.integer("quantity");
  e.unit_price_cents = r.integer("unit_price_cents");
  e.currency = r.text("currency");
  return e;
}

json write(const item_removed& e) {
  return {{"order_id", e.order_id}, {"sku", e.sku}};
}

item_removed read(json_reader& r, std::type_identity<item_removed>) {
  item_removed e;
  e.order_id = r.text("order_id");
  e.sku = r.text("sku");
  return e;
}

json write(const order_placed& e) {
  return {{"order_id", e.order_id},
          {"customer_id", e.customer_id},
          {"items", write_items(e.items)},
          {"total_cents", e.total_cents},
          {"payment_token", e.payment_token}};
}

order_placed read(json_reader& r, std::type_identity<order_placed>) {
  order_placed e;
  e.order_id = r.text("order_id");
  e.customer_id = r.text("customer_id");
  e.items = read_items(r);
  e.total_cents = r.integer("total_cents");
  e.payment_token = r.text("payment_token");
  return e;
}

json write(const order_confirmed& e) {
  return {{"order_id", e.order_id}};
}

order_confirmed read(json_reader& r, std::type_identity<order_confirmed>) {
  return {r.text("order_id")};
}

json write(const order_rejected& e) {
  return {{"order_id", e.order_id}, {"reason", e.reason}};
}

order_rejected read(json_reader& r, std::type_identity<order_rejected>) {
  order_rejected e;
  e.order_id = r.text("order_id");
  e.reason = r.text("reason");
  return e;
}

json write(const order_cancelled& e) {
  json data{{"order_id", e.order_id}, {"from_status", to_string(e.from_status)}};
  if (e.reason) data["reason"] = *e.reason;
  return data;
}

order_cancelled read(json_reader& r, std::type_identity<order_cancelled>) {
  order_cancelled e;
  e.order_id = r.text("order_id");
  e.reason = r.optional_text("reason");
  e.from_status = read_status(r, "from_status");
  return e;
}

json write(const order_shipped& e) {
  return {{"order_id", e.order_id}};
}

order_shipped read(json_reader& r, std::type_identity<order_shipped>) {
  return {r.text("order_id")};
}

// --- the same bytes without a DOM; keys in nlohmann's (sorted) order ---

using detail::json_writer;

void write_items(const std::vector<line_item>& items, json_writer& out) {
  out.begin_array();
  for (const line_item& item : items) {
    out.begin_object();
    out.member("quantity", item.quantity);
    out.member("sku", item.sku);
    out.member("unit_price_cents", item.unit_price_cents);
    out.end_object();
  }
  out.end_array();
}

void write_shipping(const shipping_details& s, json_writer& out) {
  out.begin_object();
  out.member("address", s.address);
  out.member("email", s.email);
  out.member("name", s.name);
  out.end_object();
}

void write(const order_created& e, json_writer& out) {
  out.begin_object();
  out.member("customer_id", e.customer_id);
  out.member("order_id", e.order_id);
  if (e.shipping) {
    out.key("shipping");
    write_shipping(*e.shipping, out);
  }
  out.end_object();
}

void write(const item_added& e, json_writer& out) {
  out.begin_object();
  out.member("currency", e.currency);
  out.member("order_id", e.order_id);
  out.member("quantity", e.quantity);
  out.member("sku", e.sku);
  out.member("unit_price_cents", e.unit_price_cents);
  out.end_object();
}

void write(const item_removed& e, json_writer& out) {
  out.begin_object();
  out.member("order_id", e.order_id);
  out.member("sku", e.sku);
  out.end_object();
}

void write(const order_placed& e, json_writer& out) {
  out.begin_object();
  out.member("customer_id", e.customer_id);
  out.key("items");
  write_items(e.items, out);
  out.member("order_id", e.order_id);
  out.member("payment_token", e.payment_token);
  out.member("total_cents", e.total_cents);
  out.end_object();
}

void write_order_id_only(const std::string& order_id, json_writer& out) {
  out.begin_object();
  out.member("order_id", order_id);
  out.end_object();
}

void write(const order_confirmed& e, json_writer& out) {
  write_order_id_only(e.order_id, out);
}
void write(const order_shipped& e, json_writer& out) {
  write_order_id_only(e.order_id, out);
}

void write(const order_rejected& e, json_writer& out) {
  out.begin_object();
  out.member("order_id", e.order_id);
  out.member("reason", e.reason);
  out.end_object();
}

void write(const order_cancelled& e, json_writer& out) {
  out.begin_object();
  out.member("from_status", to_string(e.from_status));
  out.member("order_id", e.order_id);
  if (e.reason) out.member("reason", *e.reason);
  out.end_object();
}

}  // namespace

encoded_event encode(const event& e) {
  return detail::write_variant(e, [](const auto& x, json_writer& out) { write(x, out); });
}

encoded_event encode_with_dom(const event& e) {
  return detail::encode_variant(e, [](const auto& x) { return write(x); });
}

result<event> decode(const encoded_event& encoded) {
  return decode(encoded.type, encoded.schema_version, encoded.data);
}

// Most events are of the plain shape the encoder writes: those skip the DOM. Everything else
// (and every error) goes through it.
result<event> decode(std::string_view type, std::uint32_t schema_version, std::string_view data) {
  if (auto scanned = detail::scan_order_event(type, schema_version, data))
    return std::move(*scanned);
  return decode_with_dom({std::string(type), schema_version, std::string(data)});
}

result<event> decode_with_dom(const encoded_event& encoded) {
  return detail::decode_variant<event>(encoded, "order",
                                       [](json_reader& r, auto type) { return read(r, type); });
}

// Snapshots keep times as integers (exact) and every field, including the payment token.
std::string save_state(const state& s) {
  json data{{"order_id", s.order_id},        {"customer_id", s.customer_id},
            {"status", to_string(s.status)}, {"items", write_items(s.items)},
            {"created_at", s.created_at},    {"updated_at", s.updated_at}};
  if (s.reason) data["reason"] = *s.reason;
  if (s.shipping) data["shipping"] = write_shipping(*s.shipping);
  if (s.payment_token) data["payment_token"] = *s.payment_token;
  return write_snapshot(std::move(data), snapshot_schema);
}

result<state> load_state(std::string_view bytes, std::uint32_t schema) {
  return load_snapshot<state>(bytes, schema, snapshot_schema, "order", [](json_reader& r) {
    state s;
    s.order_id = r.text("order_id");
    s.customer_id = r.text("customer_id");
    s.status = read_status(r, "status");
    s.items = read_items(r);
    s.reason = r.optional_text("reason");
    s.shipping = read_shipping(r);
    s.payment_token = r.optional_text("payment_token");
    s.created_at = r.integer("created_at");
    s.updated_at = r.integer("updated_at");
    return s;
  });
}

json to_json(const state& s) {
  json out{{"order_id", s.order_id},
           {"customer_id", s.customer_id},
           {"status", to_string(s.status)},
           {"items", write_items(s.items)},
           {"total_cents", total_cents(s.items)},
           {"created_at", format_rfc3339(s.created_at)},
           {"updated_at", format_rfc3339(s.updated_at)}};
  if (s.reason) out["reason"] = *s.reason;
  if (s.shipping) out["shipping"] = write_shipping(*s.shipping);
  return out;
}

}  // namespace ordo::domain::order

namespace ordo::domain::order {

std::string render_json(const state& s, std::uint64_t version) {
  std::string text;
  text.reserve(256 + 64 * s.items.size());
  detail::json_writer out(text);
  out.begin_object();
  out.member("created_at", format_rfc3339(s.created_at));
  out.member("customer_id", s.customer_id);
  out.key("items");
  write_items(s.items, out);
  out.member("order_id", s.order_id);
  if (s.reason) out.member("reason", *s.reason);
  if (s.shipping) {
    out.key("shipping");
    write_shipping(*s.shipping, out);
  }
  out.member("status", to_string(s.status));
  out.member("total_cents", total_cents(s.items));
  out.member("updated_at", format_rfc3339(s.updated_at));
  out.member("version", version);
  out.end_object();
  return text;
}

}  // namespace ordo::domain::order
