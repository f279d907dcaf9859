#include "domain/stock_codec.hpp"

#include "domain/detail/stock_event_scan.hpp"
#include "domain/detail/variant_codec.hpp"
#include "domain/json_reader.hpp"
#include "domain/snapshot_codec.hpp"

namespace ordo::domain::stock {

namespace {

using nlohmann::json;

json write(const restocked& e) {
  return {{"sku", e.sku}, {"quantity", e.quantity}};
}

restocked read(json_reader& r, std::type_identity<restocked>) {
  restocked e;
  e.sku = r.text("sku");
  e.quantity = r.integer("quantity");
  return e;
}

// Reserved, released and shipped share one shape: which order, how many units.
template <class E>
json write_movement(const E& e) {
  return {{"sku", e.sku}, {"order_id", e.order_id}, {"quantity", e.quantity}};
}

template <class E>
E read_movement(json_reader& r) {
  E e;
  e.sku = r.text("sku");
  e.order_id = r.text("order_id");
  e.quantity = r.integer("quantity");
  return e;
}

json write(const stock_reserved& e) {
  return write_movement(e);
}
json write(const stock_released& e) {
  return write_movement(e);
}
json write(const stock_shipped& e) {
  return write_movement(e);
}

stock_reserved read(json_reader& r, std::type_identity<stock_reserved>) {
  return read_movement<stock_reserved>(r);
}
stock_released read(json_reader& r, std::type_identity<stock_released>) {
  return read_movement<stock_released>(r);
}
stock_shipped read(json_reader& r, std::type_identity<stock_shipped>) {
  return read_movement<stock_shipped>(r);
}

// --- the same bytes without a DOM; keys in nlohmann's (sorted) order ---

using detail::json_writer;

void write(const restocked& e, json_writer& out) {
  out.begin_object();
  out.member("quantity", e.quantity);
  out.member("sku", e.sku);
  out.end_object();
}

template <class E>
void write_movement(const E& e, json_writer& out) {
  out.begin_object();
  out.member("order_id", e.order_id);
  out.member("quantity", e.quantity);
  out.member("sku", e.sku);
  out.end_object();
}

void write(const stock_reserved& e, json_writer& out) {
  write_movement(e, out);
}
void write(const stock_released& e, json_writer& out) {
  write_movement(e, out);
}
void write(const stock_shipped& e, json_writer& out) {
  write_movement(e, out);
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

// Events of the plain shape the encoder writes skip the DOM; everything else (and every error)
// goes through it.
result<event> decode(std::string_view type, std::uint32_t schema_version, std::string_view data) {
  if (auto scanned = detail::scan_stock_event(type, schema_version, data)) return std::move(*scanned);
  return decode_with_dom({std::string(type), schema_version, std::string(data)});
}

result<event> decode_with_dom(const encoded_event& encoded) {
  return detail::decode_variant<event>(encoded, "stock",
                                       [](json_reader& r, auto type) { return read(r, type); });
}

std::string save_state(const state& s) {
  json reservations = json::array();
  for (const auto& [order_id, quantity] : s.reservations) {
    reservations.push_back({{"order_id", order_id}, {"quantity", quantity}});
  }
  return write_snapshot({{"sku", s.sku},
                         {"status", to_string(s.status)},
                         {"on_hand", s.on_hand},
                         {"reserved", s.reserved},
                         {"reservations", std::move(reservations)},
                         {"shipped", s.shipped}},
                        snapshot_schema);
}

result<state> load_state(std::string_view bytes, std::uint32_t schema) {
  return load_snapshot<state>(bytes, schema, snapshot_schema, "stock", [](json_reader& r) {
    state s;
    s.sku = r.text("sku");
    s.status = r.enumerated("status", parse_stock_status, stock_status::none);
    s.on_hand = r.integer("on_hand");
    s.reserved = r.integer("reserved");
    const auto held = r.array("reservations", [](json_reader& h) {
      return std::pair{h.text("order_id"), h.integer("quantity")};
    });
    s.reservations.insert(held.begin(), held.end());
    s.shipped = r.integer("shipped");
    return s;
  });
}

json to_json(const state& s) {
  return {{"sku", s.sku},
          {"on_hand", s.on_hand},
          {"reserved", s.reserved},
          {"available", std::max<std::int64_t>(available(s), 0)}};
}

std::string render_json(const state& s, std::uint64_t version) {
  std::string text;
  detail::json_writer out(text);
  out.begin_object();
  out.member("available", std::max<std::int64_t>(available(s), 0));
  out.member("on_hand", s.on_hand);
  out.member("reserved", s.reserved);
  out.member("sku", s.sku);
  out.member("version", version);
  out.end_object();
  return text;
}

}  // namespace ordo::domain::stock
