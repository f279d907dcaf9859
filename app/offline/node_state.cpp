#include "app/offline/node_state.hpp"

#include <nlohmann/json.hpp>

#include "domain/aggregate_types.hpp"
#include "readmodel/deadline_records.hpp"
#include "readmodel/replay.hpp"

namespace ordo::app::offline {
namespace {

constexpr std::string_view idempotency_prefix = "idem/";
constexpr std::string_view idempotency_index_prefix = "idem-at/";

// "idem/<key>": {"fingerprint": text, "stored_at_ms": integer, ...}.
std::optional<std::string> idempotency_problem(std::string_view payload) {
  auto record = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return "the idempotency record is not a JSON object";
  auto fingerprint = record.find("fingerprint");
  auto stored_at = record.find("stored_at_ms");
  if (fingerprint == record.end() || !fingerprint->is_string() || stored_at == record.end() ||
      !stored_at->is_number_integer())
    return "the idempotency record lacks its fingerprint or stored_at_ms";
  return std::nullopt;
}

// "idem-at/<16 hex digits>/<key>", an empty value.
std::optional<std::string> idempotency_index_problem(std::string_view key) {
  auto rest = key.substr(idempotency_index_prefix.size());
  if (rest.size() < 18 || rest[16] != '/' ||
      rest.substr(0, 16).find_first_not_of("0123456789abcdef") != std::string_view::npos)
    return "the idempotency expiry entry is not idem-at/<16 hex digits>/<key>";
  return std::nullopt;
}

}  // namespace

bool is_derived_kv_record(std::string_view key) {
  return key.starts_with("view/") || key.starts_with("checkpoint/");
}

std::optional<persistence::kv_record_verdict> node_state_verdict(
    std::string_view key, std::optional<std::string_view> payload) {
  if (is_derived_kv_record(key)) return std::nullopt;
  persistence::kv_record_verdict verdict;
  if (key.starts_with(readmodel::deadline_prefix)) {
    verdict.stream = std::string(key.substr(readmodel::deadline_prefix.size()));
    if (payload && !readmodel::decode_deadline_record(key, *payload))
      verdict.problem = "the deadline is not {due_ms, type, id, command, body, command_id}";
  } else if (key.starts_with(idempotency_prefix)) {
    if (payload) verdict.problem = idempotency_problem(*payload);
  } else if (key.starts_with(idempotency_index_prefix)) {
    verdict.problem = idempotency_index_problem(key);
  }
  return verdict;
}

std::optional<std::string> unknown_event_problem(const persistence::recorded_event& e) {
  if (!domain::aggregate_type_of_stream(e.stream))
    return "stream " + e.stream + " is of no known aggregate type";
  return readmodel::event_problem(e);
}

}  // namespace ordo::app::offline
