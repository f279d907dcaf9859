#include "domain/saga_codec.hpp"

#include <limits>

#include "domain/detail/variant_codec.hpp"
#include "domain/json_reader.hpp"
#include "domain/snapshot_codec.hpp"
#include "domain/time_format.hpp"

namespace ordo::domain::saga {

namespace {

using nlohmann::json;

json write_items(const std::vector<line>& items) {
  json out = json::array();
  for (const line& item : items) out.push_back({{"sku", item.sku}, {"quantity", item.quantity}});
  return out;
}

std::vector<line> read_items(json_reader& r) {
  return r.array("items", [](json_reader& item) {
    line l;
    l.sku = item.text("sku");
    l.quantity = item.integer("quantity");
    return l;
  });
}

// A step name that evolve() knows; anything else is unreadable data.
std::string read_step_name(json_reader& r, std::string_view key) {
  return std::string(to_string(r.enumerated(key, parse_saga_step, saga_step::none)));
}

std::uint32_t read_attempt(json_reader& r, std::string_view key) {
  const std::int64_t attempt = r.integer(key);
  if (attempt < 0 || attempt > std::numeric_limits<std::uint32_t>::max()) {
    r.add_error(
        key, "must be between 0 and " + std::to_string(std::numeric_limits<std::uint32_t>::max()));
    return 0;
  }
  return static_cast<std::uint32_t>(attempt);
}

std::set<std::string> read_sku_set(json_reader& r, std::string_view key) {
  const std::vector<std::string> skus = r.texts(key);
  return {skus.begin(), skus.end()};
}

// --- event data ---

json write(const saga_started& e) {
  return {{"order_id", e.order_id},
          {"items", write_items(e.items)},
          {"total_cents", e.total_cents},
          {"payment_token", e.payment_token},
          {"step_timeout_ms", e.step_timeout_ms},
          {"deadline", e.deadline}};
}

saga_started read(json_reader& r, std::type_identity<saga_started>) {
  saga_started e;
  e.order_id = r.text("order_id");
  e.items = read_items(r);
  e.total_cents = r.integer("total_cents");
  e.payment_token = r.text("payment_token");
  e.step_timeout_ms = r.integer("step_timeout_ms");
  e.deadline = r.integer("deadline");
  return e;
}

// Reserved and settled share one shape: which sku.
json write(const saga_sku_reserved& e) {
  return {{"sku", e.sku}};
}
json write(const saga_sku_settled& e) {
  return {{"sku", e.sku}};
}

saga_sku_reserved read(json_reader& r, std::type_identity<saga_sku_reserved>) {
  return {r.text("sku")};
}
saga_sku_settled read(json_reader& r, std::type_identity<saga_sku_settled>) {
  return {r.text("sku")};
}

json write(const saga_step_entered& e) {
  return {{"step", e.step},
          {"deadline", e.deadline},
          {"outcome", e.outcome},
          {"reject_order", e.reject_order}};
}

saga_step_entered read(json_reader& r, std::type_identity<saga_step_entered>) {
  saga_step_entered e;
  e.step = read_step_name(r, "step");
  e.deadline = r.integer("deadline");
  e.outcome = r.text("outcome");
  e.reject_order = r.boolean("reject_order");
  return e;
}

json write(const saga_payment_recorded& e) {
  return {{"status", e.status}, {"settled", e.settled}};
}

saga_payment_recorded read(json_reader& r, std::type_identity<saga_payment_recorded>) {
  saga_payment_recorded e;
  e.status = r.text("status");
  e.settled = r.boolean("settled");
  return e;
}

json write(const saga_order_settled& e) {
  return {{"status", e.status}};
}

saga_order_settled read(json_reader& r, std::type_identity<saga_order_settled>) {
  return {r.text("status")};
}

json write(const saga_step_retried& e) {
  return {{"attempt", e.attempt}, {"deadline", e.deadline}};
}

saga_step_retried read(json_reader& r, std::type_identity<saga_step_retried>) {
  saga_step_retried e;
  e.attempt = read_attempt(r, "attempt");
  e.deadline = r.integer("deadline");
  return e;
}

json write(const saga_finished& e) {
  return {{"outcome", e.outcome}};
}

saga_finished read(json_reader& r, std::type_identity<saga_finished>) {
  return {r.text("outcome")};
}

// --- the same bytes without a DOM; keys in nlohmann's (sorted) order ---

using detail::json_writer;

void write_items(const std::vector<line>& items, json_writer& out) {
  out.begin_array();
  for (const line& item : items) {
    out.begin_object();
    out.member("quantity", item.quantity);
    out.member("sku", item.sku);
    out.end_object();
  }
  out.end_array();
}

void write_sku_set(const std::set<std::string>& skus, json_writer& out) {
  out.begin_array();
  for (const std::string& sku : skus) out.text(sku);
  out.end_array();
}

void write(const saga_started& e, json_writer& out) {
  out.begin_object();
  out.member("deadline", e.deadline);
  out.key("items");
  write_items(e.items, out);
  out.member("order_id", e.order_id);
  out.member("payment_token", e.payment_token);
  out.member("step_timeout_ms", e.step_timeout_ms);
  out.member("total_cents", e.total_cents);
  out.end_object();
}

void write_sku_only(const std::string& sku, json_writer& out) {
  out.begin_object();
  out.member("sku", sku);
  out.end_object();
}

void write(const saga_sku_reserved& e, json_writer& out) {
  write_sku_only(e.sku, out);
}
void write(const saga_sku_settled& e, json_writer& out) {
  write_sku_only(e.sku, out);
}

void write(const saga_step_entered& e, json_writer& out) {
  out.begin_object();
  out.member("deadline", e.deadline);
  out.member("outcome", e.outcome);
  out.member("reject_order", e.reject_order);
  out.member("step", e.step);
  out.end_object();
}

void write(const saga_payment_recorded& e, json_writer& out) {
  out.begin_object();
  out.member("settled", e.settled);
  out.member("status", e.status);
  out.end_object();
}

void write(const saga_order_settled& e, json_writer& out) {
  out.begin_object();
  out.member("status", e.status);
  out.end_object();
}

void write(const saga_step_retried& e, json_writer& out) {
  out.begin_object();
  out.member("attempt", e.attempt);
  out.member("deadline", e.deadline);
  out.end_object();
}

void write(const saga_finished& e, json_writer& out) {
  out.begin_object();
  out.member("outcome", e.outcome);
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
  return detail::decode_variant<event>(encoded, "saga",
                                       [](json_reader& r, auto type) { return read(r, type); });
}

// Snapshots keep every field, times as integers (exact).
std::string save_state(const state& s) {
  return write_snapshot({{"order_id", s.order_id},
                         {"status", to_string(s.status)},
                         {"step", to_string(s.step)},
                         {"items", write_items(s.items)},
                         {"total_cents", s.total_cents},
                         {"payment_token", s.payment_token},
                         {"step_timeout_ms", s.step_timeout_ms},
                         {"outcome", s.outcome},
                         {"reject_order", s.reject_order},
                         {"payment_requested", s.payment_requested},
                         {"payment_status", s.payment_status},
                         {"reserved", s.reserved},
                         {"settled", s.settled},
                         {"payment_settled", s.payment_settled},
                         {"order_settled", s.order_settled},
                         {"attempt", s.attempt},
                         {"started_at", s.started_at},
                         {"step_started_at", s.step_started_at},
                         {"deadline", s.deadline}},
                        snapshot_schema);
}

result<state> load_state(std::string_view bytes, std::uint32_t schema) {
  return load_snapshot<state>(bytes, schema, snapshot_schema, "saga", [](json_reader& r) {
    state s;
    s.order_id = r.text("order_id");
    s.status = r.enumerated("status", parse_saga_status, saga_status::none);
    s.step = r.enumerated("step", parse_saga_step, saga_step::none);
    s.items = read_items(r);
    s.total_cents = r.integer("total_cents");
    s.payment_token = r.text("payment_token");
    s.step_timeout_ms = r.integer("step_timeout_ms");
    s.outcome = r.text("outcome");
    s.reject_order = r.boolean("reject_order");
    s.payment_requested = r.boolean("payment_requested");
    s.payment_status = r.text("payment_status");
    s.reserved = read_sku_set(r, "reserved");
    s.settled = read_sku_set(r, "settled");
    s.payment_settled = r.boolean("payment_settled");
    s.order_settled = r.boolean("order_settled");
    s.attempt = read_attempt(r, "attempt");
    s.started_at = r.integer("started_at");
    s.step_started_at = r.integer("step_started_at");
    s.deadline = r.integer("deadline");
    return s;
  });
}

json to_json(const state& s) {
  return {{"saga_id", s.order_id},
          {"order_id", s.order_id},
          {"status", to_string(s.status)},
          {"step", to_string(s.step)},
          {"outcome", s.outcome},
          {"deadline", s.deadline == 0 ? json(nullptr) : json(format_rfc3339(s.deadline))},
          {"started_at", format_rfc3339(s.started_at)},
          {"attempt", s.attempt},
          {"items", write_items(s.items)},
          {"total_cents", s.total_cents},
          {"payment_status", s.payment_status},
          {"reserved", s.reserved},
          {"settled", s.settled}};
}

std::string render_json(const state& s, std::uint64_t version) {
  std::string text;
  detail::json_writer out(text);
  out.begin_object();
  out.member("attempt", s.attempt);
  out.key("deadline");
  if (s.deadline == 0) {
    out.null();
  } else {
    out.text(format_rfc3339(s.deadline));
  }
  out.key("items");
  write_items(s.items, out);
  out.member("order_id", s.order_id);
  out.member("outcome", s.outcome);
  out.member("payment_status", s.payment_status);
  out.key("reserved");
  write_sku_set(s.reserved, out);
  out.member("saga_id", s.order_id);
  out.key("settled");
  write_sku_set(s.settled, out);
  out.member("started_at", format_rfc3339(s.started_at));
  out.member("status", to_string(s.status));
  out.member("step", to_string(s.step));
  out.member("total_cents", s.total_cents);
  out.member("version", version);
  out.end_object();
  return text;
}

}  // namespace ordo::domain::saga
