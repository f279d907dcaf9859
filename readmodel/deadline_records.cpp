#include "readmodel/deadline_records.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ordo::readmodel {
namespace {

std::string encode(const domain::scheduled_command& d) {
  const auto& c = d.command;
  nlohmann::json json{{"due_ms", d.due_ms},   {"type", c.aggregate_type},
                      {"id", c.aggregate_id}, {"command", c.command},
                      {"body", c.body},       {"command_id", c.command_id}};
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<stored_deadline> decode(std::string_view key, std::string_view value) {
  auto json = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto text = [&](const char* field) -> std::optional<std::string> {
    auto it = json.find(field);
    if (it == json.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto due = json.find("due_ms");
  auto type = text("type"), id = text("id"), command = text("command"), body = text("body"),
       command_id = text("command_id");
  if (due == json.end() || !due->is_number_integer() || !type || !id || !command || !body ||
      !command_id)
    return std::nullopt;
  stored_deadline d;
  d.stream = std::string(key.substr(deadline_prefix.size()));
  d.wake_up.due_ms = due->get<std::int64_t>();
  d.wake_up.command.aggregate_type = std::move(*type);
  d.wake_up.command.aggregate_id = std::move(*id);
  d.wake_up.command.command = std::move(*command);
  d.wake_up.command.body = std::move(*body);
  d.wake_up.command.command_id = std::move(*command_id);
  return d;
}

}  // namespace

std::string deadline_key(std::string_view stream) {
  return std::string(deadline_prefix) + std::string(stream);
}

std::optional<stored_deadline> decode_deadline_record(std::string_view key,
                                                      std::string_view value) {
  if (!key.starts_with(deadline_prefix)) return std::nullopt;
  return decode(key, value);
}

persistence::kv_write deadline_record_write(
    std::string_view stream, const std::optional<domain::scheduled_command>& wake_up) {
  if (!wake_up) return {deadline_key(stream), std::nullopt};
  return {deadline_key(stream), encode(*wake_up)};
}

persistence::result<std::vector<stored_deadline>> load_deadline_records(
    const persistence::kv_store& kv) {
  std::vector<stored_deadline> deadlines;
  std::string after;
  for (;;) {
    auto page = kv.scan(deadline_prefix, after, 1000);
    if (!page) return std::unexpected(std::move(page.error()));
    for (auto& [key, value] : *page) {
      if (auto d = decode(key, value))
        deadlines.push_back(std::move(*d));
      else
        std::fprintf(stderr, "ordo: ignoring unreadable deadline under %s\n", key.c_str());
    }
    if (page->size() < 1000) break;
    after = page->back().first;
  }
  return deadlines;
}

}  // namespace ordo::readmodel
