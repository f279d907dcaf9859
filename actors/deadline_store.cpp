#include "actors/deadline_store.hpp"

#include <optional>

namespace ordo::actors {

persistence::kv_write deadline_write(const deadline_update& update) {
  if (update.cancelled) return readmodel::deadline_record_write(update.stream, std::nullopt);
  const auto& c = update.command;
  domain::scheduled_command wake_up{
      update.due_ms, {c.aggregate_type, c.aggregate_id, c.command, c.body, c.command_id}};
  return readmodel::deadline_record_write(update.stream, wake_up);
}

persistence::result<std::vector<deadline_update>> load_deadlines(const persistence::kv_store& kv) {
  auto records = readmodel::load_deadline_records(kv);
  if (!records) return std::unexpected(std::move(records.error()));
  std::vector<deadline_update> deadlines;
  deadlines.reserve(records->size());
  for (auto& record : *records) {
    auto& c = record.wake_up.command;
    deadline_update d;
    d.stream = std::move(record.stream);
    d.due_ms = record.wake_up.due_ms;
    d.command.aggregate_type = std::move(c.aggregate_type);
    d.command.aggregate_id = std::move(c.aggregate_id);
    d.command.command = std::move(c.command);
    d.command.body = std::move(c.body);
    d.command.command_id = std::move(c.command_id);
    d.command.causation_id = d.command.command_id;
    deadlines.push_back(std::move(d));
  }
  return deadlines;
}

}  // namespace ordo::actors
