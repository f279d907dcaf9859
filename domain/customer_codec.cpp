#include "domain/customer_codec.hpp"

#include "domain/detail/variant_codec.hpp"
#include "domain/json_reader.hpp"
#include "domain/snapshot_codec.hpp"
#include "domain/time_format.hpp"

namespace ordo::domain::customer {

namespace {

using nlohmann::json;

json write(const personal_data_erased& e) {
  return {{"customer_id", e.customer_id}};
}

personal_data_erased read(json_reader& r, std::type_identity<personal_data_erased>) {
  return {r.text("customer_id")};
}

json write_state(const state& s) {
  return {{"customer_id", s.customer_id},
          {"erasures", s.erasures},
          {"last_erased_at_ms", s.last_erased_at}};
}

}  // namespace

encoded_event encode(const event& e) {
  return detail::encode_variant(e, [](const auto& x) { return write(x); });
}

result<event> decode(const encoded_event& encoded) {
  return detail::decode_variant<event>(encoded, "customer",
                                       [](json_reader& r, auto type) { return read(r, type); });
}

std::string save_state(const state& s) {
  return write_snapshot(write_state(s), snapshot_schema);
}

result<state> load_state(std::string_view bytes, std::uint32_t schema) {
  return load_snapshot<state>(bytes, schema, snapshot_schema, "customer", [](json_reader& r) {
    state s;
    s.customer_id = r.text("customer_id");
    s.erasures = static_cast<std::uint64_t>(r.integer("erasures"));
    s.last_erased_at = r.integer("last_erased_at_ms");
    return s;
  });
}

json to_json(const state& s) {
  json out{{"customer_id", s.customer_id}, {"erasures", s.erasures}};
  if (s.erasures > 0) out["last_erased_at"] = format_rfc3339(s.last_erased_at);
  return out;
}

}  // namespace ordo::domain::customer
