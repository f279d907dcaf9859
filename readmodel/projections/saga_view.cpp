#include "readmodel/projections/saga_view.hpp"

#include <variant>

#include "domain/codec.hpp"
#include "domain/deciders.hpp"
#include "readmodel/view_queries.hpp"

namespace ordo::readmodel::projections {
namespace {

using nlohmann::json;
namespace saga = domain::saga;

struct saga_row {
  saga_info info;
  std::uint64_t version = 0;
};

std::unexpected<persistence::storage_error> corrupt(std::string_view key, std::string_view why) {
  return persistence::storage_failure(
      persistence::storage_errc::corrupt,
      "unreadable view row " + std::string(key) + ": " + std::string(why));
}

json encode_row(const saga_row& row) {
  const auto& i = row.info;
  return {{"saga_id", i.saga_id},
          {"order_id", i.order_id},
          {"status", i.status},
          {"step", i.step},
          {"outcome", i.outcome},
          {"deadline_ms", i.deadline_ms},
          {"started_at_ms", i.started_at_ms},
          {"version", row.version}};
}

persistence::result<saga_row> decode_row(std::string_view key, const std::string& bytes) {
  auto j = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return corrupt(key, "not a JSON object");
  try {
    saga_row row;
    row.info.saga_id = j.at("saga_id").get<std::string>();
    row.info.order_id = j.at("order_id").get<std::string>();
    row.info.status = j.at("status").get<std::string>();
    row.info.step = j.at("step").get<std::string>();
    row.info.outcome = j.at("outcome").get<std::string>();
    row.info.deadline_ms = j.at("deadline_ms").get<std::int64_t>();
    row.info.started_at_ms = j.at("started_at_ms").get<std::int64_t>();
    row.version = j.at("version").get<std::uint64_t>();
    return row;
  } catch (const json::exception& e) {
    return corrupt(key, e.what());
  }
}

persistence::result<saga_totals> decode_totals(const std::optional<std::string>& bytes) {
  saga_totals totals;
  if (!bytes) return totals;
  auto j = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  try {
    totals.active = j.at("active").get<std::int64_t>();
    totals.finished = j.at("finished").get<std::map<std::string, std::int64_t>>();
    return totals;
  } catch (const json::exception& e) {
    return corrupt(saga_view::totals_key, e.what());
  }
}

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};

// Moves the row (and the totals) along one saga event.
void follow(saga_row& row, saga_totals& totals, const saga::event& event, std::int64_t at) {
  auto& info = row.info;
  auto activate = [&] {
    if (info.status != "active") ++totals.active;
    info.status = "active";
    info.outcome.clear();
  };
  std::visit(overloaded{
                 [&](const saga::saga_started& e) {
                   activate();
                   info.order_id = e.order_id;
                   info.step = saga::to_string(saga::saga_step::reserving);
                   info.deadline_ms = e.deadline;
                   info.started_at_ms = at;
                 },
                 [&](const saga::saga_step_entered& e) {
                   activate();
                   info.step = e.step;
                   info.deadline_ms = e.deadline;
                 },
                 [&](const saga::saga_step_retried& e) { info.deadline_ms = e.deadline; },
                 [&](const saga::saga_finished& e) {
                   if (info.status == "active") --totals.active;
                   info.status = "finished";
                   info.outcome = e.outcome;
                   info.step = saga::to_string(e.outcome == saga::outcome_confirmed
                                                   ? saga::saga_step::awaiting_shipment
                                                   : saga::saga_step::done);
                   info.deadline_ms = 0;
                   ++totals.finished[e.outcome];
                 },
                 [](const auto&) {},
             },
             event);
}

std::string saga_key(std::string_view id) {
  return std::string(saga_view::saga_prefix).append(id);
}

}  // namespace

persistence::result<void> saga_view::apply(std::span<const decoded_event> events, row_batch& rows) {
  constexpr std::string_view stream_prefix = "saga-";
  auto stored = rows.get(totals_key);
  if (!stored) return std::unexpected(std::move(stored.error()));
  auto totals = decode_totals(*stored);
  if (!totals) return std::unexpected(std::move(totals.error()));
  bool changed = false;
  for (const auto& decoded : events) {
    auto& recorded = decoded.recorded();
    if (!recorded.stream.starts_with(stream_prefix)) continue;
    auto id = std::string_view(recorded.stream).substr(stream_prefix.size());
    auto event =
        domain::saga_decider::decode({recorded.type, recorded.schema_version, recorded.data});
    if (!event) return corrupt(recorded.stream, event.error().message);
    auto key = saga_key(id);
    auto bytes = rows.get(key);
    if (!bytes) return std::unexpected(std::move(bytes.error()));
    saga_row row;
    row.info.saga_id = std::string(id);
    if (*bytes) {
      auto decoded = decode_row(key, **bytes);
      if (!decoded) return std::unexpected(std::move(decoded.error()));
      row = std::move(*decoded);
    }
    if (recorded.version <= row.version) continue;  // applied already
    follow(row, *totals, *event, recorded.timestamp_ms);
    row.version = recorded.version;
    rows.put(key, domain::compact_json(encode_row(row)));
    changed = true;
  }
  if (changed) {
    rows.put(totals_key, domain::compact_json(
                             json{{"active", totals->active}, {"finished", totals->finished}}));
  }
  return {};
}

persistence::result<saga_totals> load_saga_totals(const persistence::kv_store& kv) {
  auto stored = kv.get(saga_view::totals_key);
  if (!stored) return std::unexpected(std::move(stored.error()));
  return decode_totals(*stored);
}

persistence::result<saga_page> list_sagas(const persistence::kv_store& kv,
                                          const std::optional<std::string>& status,
                                          std::size_t limit,
                                          const std::optional<std::string>& after) {
  saga_page page;
  auto start = after ? saga_key(*after) : std::string();
  std::size_t scanned = 0;
  while (page.sagas.size() < limit && scanned < max_rows_scanned) {
    auto rows = kv.scan(saga_view::saga_prefix, start,
                        std::min<std::size_t>(1000, max_rows_scanned - scanned));
    if (!rows) return std::unexpected(std::move(rows.error()));
    for (auto& [key, value] : *rows) {
      ++scanned;
      start = key;
      auto row = decode_row(key, value);
      if (!row) return std::unexpected(std::move(row.error()));
      if (status && row->info.status != *status) continue;
      page.sagas.push_back(std::move(row->info));
      if (page.sagas.size() == limit) break;
    }
    if (rows->size() < 1000 || page.sagas.size() == limit) {
      bool exhausted = rows->size() < 1000 && page.sagas.size() < limit;
      if (!exhausted) page.next = start.substr(saga_view::saga_prefix.size());
      return page;
    }
  }
  page.next = start.substr(saga_view::saga_prefix.size());
  return page;
}

}  // namespace ordo::readmodel::projections
