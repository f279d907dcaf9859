#include "domain/payment_codec.hpp"

#include "domain/detail/payment_event_scan.hpp"
#include "domain/detail/variant_codec.hpp"
#include "domain/json_reader.hpp"
#include "domain/snapshot_codec.hpp"

namespace ordo::domain::payment {

namespace {

using nlohmann::json;

json write(const payment_requested& e) {
  return {{"order_id", e.order_id}, {"amount_cents", e.amount_cents}, {"token", e.token}};
}

payment_requested read(json_reader& r, std::type_identity<payment_requested>) {
  payment_requested e;
  e.order_id = r.text("order_id");
  e.amount_cents = r.integer("amount_cents");
  e.token = r.text("token");
  return e;
}

json write(const payment_declined& e) {
  return {{"order_id", e.order_id}, {"reason", e.reason}};
}

payment_declined read(json_reader& r, std::type_identity<payment_declined>) {
  payment_declined e;
  e.order_id = r.text("order_id");
  e.reason = r.text("reason");
  return e;
}

json write(const payment_voided& e) {
  return {{"order_id", e.order_id}};
}

payment_voided read(json_reader& r, std::type_identity<payment_voided>) {
  return {r.text("order_id")};
}

// Authorized, captured and refunded share one shape: which order, how much.
template <class E>
json write_amount(const E& e) {
  return {{"order_id", e.order_id}, {"amount_cents", e.amount_cents}};
}

template <class E>
E read_amount(json_reader& r) {
  E e;
  e.order_id = r.text("order_id");
  e.amount_cents = r.integer("amount_cents");
  return e;
}

json write(const payment_authorized& e) {
  return write_amount(e);
}
json write(const payment_captured& e) {
  return write_amount(e);
}
json write(const payment_refunded& e) {
  return write_amount(e);
}

payment_authorized read(json_reader& r, std::type_identity<payment_authorized>) {
  return read_amount<payment_authorized>(r);
}
payment_captured read(json_reader& r, std::type_identity<payment_captured>) {
  return read_amount<payment_captured>(r);
}
payment_refunded read(json_reader& r, std::type_identity<payment_refunded>) {
  return read_amount<payment_refunded>(r);
}

json write_state(const state& s) {
  json out{
      {"order_id", s.order_id}, {"status", to_string(s.status)}, {"amount_cents", s.amount_cents}};
  if (s.token) out["token"] = *s.token;
  return out;
}

// --- the same bytes without a DOM; keys in nlohmann's (sorted) order ---

using detail::json_writer;

void write(const payment_requested& e, json_writer& out) {
  out.begin_object();
  out.member("amount_cents", e.amount_cents);
  out.member("order_id", e.order_id);
  out.member("token", e.token);
  out.end_object();
}

void write(const payment_declined& e, json_writer& out) {
  out.begin_object();
  out.member("order_id", e.order_id);
  out.member("reason", e.reason);
  out.end_object();
}

void write(const payment_voided& e, json_writer& out) {
  out.begin_object();
  out.member("order_id", e.order_id);
  out.end_object();
}

template <class E>
void write_amount(const E& e, json_writer& out) {
  out.begin_object();
  out.member("amount_cents", e.amount_cents);
  out.member("order_id", e.order_id);
  out.end_object();
}

void write(const payment_authorized& e, json_writer& out) {
  write_amount(e, out);
}
void write(const payment_captured& e, json_writer& out) {
  write_amount(e, out);
}
void write(const payment_refunded& e, json_writer& out) {
  write_amount(e, out);
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
  if (auto scanned = detail::scan_payment_event(type, schema_version, data)) return std::move(*scanned);
  return decode_with_dom({std::string(type), schema_version, std::string(data)});
}

result<event> decode_with_dom(const encoded_event& encoded) {
  return detail::decode_variant<event>(encoded, "payment",
                                       [](json_reader& r, auto type) { return read(r, type); });
}

// The snapshot is the view: the state has nothing the view leaves out.
std::string save_state(const state& s) {
  return write_snapshot(write_state(s), snapshot_schema);
}

result<state> load_state(std::string_view bytes, std::uint32_t schema) {
  return load_snapshot<state>(bytes, schema, snapshot_schema, "payment", [](json_reader& r) {
    state s;
    s.order_id = r.text("order_id");
    s.status = r.enumerated("status", parse_payment_status, payment_status::none);
    s.amount_cents = r.integer("amount_cents");
    s.token = r.optional_text("token");
    return s;
  });
}

json to_json(const state& s) {
  return write_state(s);
}

std::string render_json(const state& s, std::uint64_t version) {
  std::string text;
  detail::json_writer out(text);
  out.begin_object();
  out.member("amount_cents", s.amount_cents);
  out.member("order_id", s.order_id);
  out.member("status", to_string(s.status));
  if (s.token) out.member("token", *s.token);
  out.member("version", version);
  out.end_object();
  return text;
}

}  // namespace ordo::domain::payment
