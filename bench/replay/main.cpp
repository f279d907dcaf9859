// ordo_bench_replay: how fast the offline tools go through a journal, next to a raw RocksDB
// iterator scan of the same `positions` column family in the same run.
//
//   ordo_bench_replay [--events N] [--dir DIR] [--keep] [--reuse] [--only PROJECTION]
//
// Builds a journal of N order events (default 5 000 000) with the import path: orders of five
// events (created, two items added, placed, confirmed), 1 000 orders in flight, so streams
// interleave in the log as they do under load. Then measures, in order: the raw scan (twice; the
// second, warm, is the baseline), verify, and the offline rebuild of each projection.
// --keep leaves DIR in place; --reuse measures the journal a kept DIR holds instead of building
// one (the projections' rows from the earlier run are cleared first, outside the timing).
// --only measures one projection's rebuild. Each rebuild is also shown against a second
// baseline: the raw scan plus raw RocksDB writes of as many rows of the same size (raw_row_writes).
#include <rocksdb/db.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/deciders.hpp"
#include "persistence/import.hpp"
#include "persistence/verify.hpp"
#include "readmodel/projection_rebuild.hpp"
#include "readmodel/projection_verify.hpp"
#include "readmodel/projections/catalog.hpp"
#include "readmodel/replay.hpp"

namespace {

namespace order = ordo::domain::order;
using ordo::domain::order_decider;
using clock_type = std::chrono::steady_clock;

constexpr std::uint64_t events_per_order = 5;
constexpr std::uint64_t orders_in_flight = 1000;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

order::event event_of(const std::string& id, std::uint64_t step) {
  switch (step) {
    case 0:
      return order::order_created{id, "c" + id.substr(id.size() - 2), std::nullopt};
    case 1:
      return order::item_added{id, "sku-a", 2, 1250, "USD"};
    case 2:
      return order::item_added{id, "sku-b", 1, 9900, "USD"};
    case 3:
      return order::order_placed{id,
                                 "c" + id.substr(id.size() - 2),
                                 {{"sku-a", 2, 1250}, {"sku-b", 1, 9900}},
                                 12400,
                                 "tok_ok"};
    default:
      return order::order_confirmed{id};
  }
}

bool build(const std::string& dir, std::uint64_t events) {
  auto importer = ordo::persistence::journal_importer::open(dir, 8192);
  if (!importer) return std::fprintf(stderr, "%s\n", importer.error().message.c_str()), false;
  std::uint64_t orders = (events + events_per_order - 1) / events_per_order;
  std::uint64_t position = 0;
  // Round robin over a window of orders in flight: each takes its next step per round.
  for (std::uint64_t first = 0; first < orders && position < events; first += orders_in_flight) {
    auto last = std::min(orders, first + orders_in_flight);
    for (std::uint64_t step = 0; step < events_per_order; ++step) {
      for (auto o = first; o < last && position < events; ++o) {
        auto id = "o" + std::to_string(1'000'000 + o);
        auto encoded = order_decider::encode(event_of(id, step));
        ordo::persistence::recorded_event e;
        e.type = encoded.type;
        e.schema_version = encoded.schema_version;
        e.data = std::move(encoded.data);
        e.timestamp_ms = 1'700'000'000'000 + static_cast<std::int64_t>(position);
        e.command_id = "cmd-" + std::to_string(position);
        e.correlation_id = "req-" + std::to_string(o);
        e.stream = "order-" + id;
        e.version = step + 1;
        e.position = ++position;
        if (auto added = (*importer)->add(e); !added)
          return std::fprintf(stderr, "%s\n", added.error().message.c_str()), false;
      }
    }
  }
  auto done = (*importer)->finish();
  if (!done) return std::fprintf(stderr, "%s\n", done.error().message.c_str()), false;
  return true;
}

// The baseline: every key and value of `positions`, touched, with the same readahead verify uses.
std::uint64_t raw_scan(const std::string& dir) {
  std::vector<std::string> names;
  rocksdb::DB::ListColumnFamilies({}, dir, &names);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open({}, dir, families, &handles, &raw).ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  std::uint64_t count = 0, bytes = 0;
  for (auto* h : handles) {
    if (h->GetName() != "positions") continue;
    rocksdb::ReadOptions ro;
    ro.readahead_size = 2 << 20;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += it->key().size() + it->value().size() + static_cast<unsigned char>(it->value()[0]);
      ++count;
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close();
  std::fprintf(stderr, "raw scan: %llu bytes\n", static_cast<unsigned long long>(bytes));
  return count;
}

// What a projection's rebuild left: its rows and their bytes (keys and values as stored).
struct row_census {
  std::uint64_t rows = 0;
  std::uint64_t key_bytes = 0;
  std::uint64_t value_bytes = 0;
};

row_census count_rows(ordo::persistence::kv_store& kv, std::string_view prefix) {
  row_census census;
  std::string after;
  for (;;) {
    auto page = kv.scan(prefix, after, 10'000);
    if (!page || page->empty()) return census;
    for (auto& [key, value] : *page) {
      ++census.rows;
      census.key_bytes += key.size();
      census.value_bytes += value.size();
    }
    after = page->back().first;
  }
}

// The second baseline: writing as many rows of the same sizes with raw RocksDB WriteBatches into
// an empty database (default options, WAL on, no sync: as the rebuild writes), `batches` batches
// in all. A rebuild must at least read every event and write every row, so raw scan + raw row
// writes is what it could reach with no work of its own.
double raw_row_writes(const std::string& dir, const row_census& census, std::uint64_t batches) {
  std::filesystem::remove_all(dir);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir, &raw).ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  auto rows = std::max<std::uint64_t>(census.rows, 1);
  std::string value(census.value_bytes / rows, 'v');
  auto key_size = std::max<std::size_t>(census.key_bytes / rows, 12);
  auto per_batch = std::max<std::uint64_t>(rows / std::max<std::uint64_t>(batches, 1), 1);
  auto start = clock_type::now();
  rocksdb::WriteBatch wb;
  std::string key;
  for (std::uint64_t i = 0; i < census.rows; ++i) {
    key = "view/raw/" + std::to_string(1'000'000'000 + i);
    key.resize(key_size, 'k');
    wb.Put(key, value);
    if ((i + 1) % per_batch == 0 || i + 1 == census.rows) {
      if (!db->Write(rocksdb::WriteOptions(), &wb).ok()) return 0;
      wb.Clear();
    }
  }
  auto seconds = seconds_since(start);
  db->Close();
  db.reset();
  std::filesystem::remove_all(dir);
  return seconds;
}

// Deletes the rows an earlier run's rebuilds left, so that a reused journal measures the same
// work as a fresh one.
bool clear_projections(const std::string& dir) {
  auto db = ordo::persistence::database::open(
      {.path = dir, .create_if_missing = false, .sync = ordo::persistence::sync_mode::none});
  if (!db) return std::fprintf(stderr, "%s\n", db.error().message.c_str()), false;
  for (auto name : ordo::readmodel::projection_names()) {
    auto view = ordo::readmodel::make_projection(name);
    if (auto cleared = ordo::readmodel::clear_projection((*db)->kv(), *view); !cleared)
      return std::fprintf(stderr, "%s\n", cleared.error().message.c_str()), false;
  }
  return true;
}

struct row {
  std::string what;
  std::uint64_t events;
  double seconds;
  row_census census{};
  double raw_write_seconds = 0;  // raw_row_writes of the census; 0 for rows that write none
};

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t events = 5'000'000;
  std::string dir = (std::filesystem::temp_directory_path() / "ordo-bench-replay").string();
  bool keep = false;
  bool reuse = false;
  std::string only;  // empty: every projection
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--events" && i + 1 < argc)
      events = std::stoull(argv[++i]);
    else if (arg == "--dir" && i + 1 < argc)
      dir = argv[++i];
    else if (arg == "--keep")
      keep = true;
    else if (arg == "--reuse")
      reuse = keep = true;
    else if (arg == "--only" && i + 1 < argc)
      only = argv[++i];
    else
      return std::fprintf(stderr,
                          "usage: ordo_bench_replay [--events N] [--dir DIR] [--keep] [--reuse] "
                          "[--only PROJECTION]\n"),
             2;
  }
  auto start = clock_type::now();
  if (reuse) {
    if (!clear_projections(dir)) return 1;
  } else {
    std::filesystem::remove_all(dir);
    if (!build(dir, events)) return 1;
    std::fprintf(stderr, "built %llu events in %.1f s\n", static_cast<unsigned long long>(events),
                 seconds_since(start));
  }

  std::vector<row> rows;
  raw_scan(dir);  // cold pass: warms the page cache for every measurement after it
  start = clock_type::now();
  auto scanned = raw_scan(dir);
  rows.push_back({"raw RocksDB scan of positions (baseline)", scanned, seconds_since(start)});

  start = clock_type::now();
  auto report =
      ordo::persistence::verify_directory(dir, {.check_snapshot = ordo::readmodel::snapshot_problem,
                                                .check_kv = ordo::readmodel::checkpoint_problems});
  if (!report || !report->ok()) return std::fprintf(stderr, "verify failed\n"), 1;
  rows.push_back({"ordo verify", report->records, seconds_since(start)});

  {
    auto db = ordo::persistence::database::open(
        {.path = dir, .create_if_missing = false, .sync = ordo::persistence::sync_mode::none});
    if (!db) return std::fprintf(stderr, "%s\n", db.error().message.c_str()), 1;
    for (auto name : ordo::readmodel::projection_names()) {
      if (!only.empty() && name != only) continue;
      auto view = ordo::readmodel::make_projection(name);
      start = clock_type::now();
      auto rebuilt = ordo::readmodel::rebuild_projection(**db, *view);
      if (!rebuilt) return std::fprintf(stderr, "%s\n", rebuilt.error().message.c_str()), 1;
      auto seconds = seconds_since(start);
      auto census = count_rows((*db)->kv(), view->row_prefix());
      auto batches = (rebuilt->events + ordo::readmodel::rebuild_batch_events - 1) /
                     ordo::readmodel::rebuild_batch_events;
      rows.push_back({"ordo replay --projection " + std::string(name), rebuilt->events, seconds,
                      census, raw_row_writes(dir + "-row-writes", census, batches)});
    }
  }
  if (!keep) std::filesystem::remove_all(dir);

  double baseline = static_cast<double>(rows.front().events) / rows.front().seconds;
  std::printf(
      "| what | events | seconds | events/s | ratio to raw scan |\n|---|---|---|---|---|\n");
  for (auto& r : rows) {
    double rate = static_cast<double>(r.events) / r.seconds;
    std::printf("| %s | %llu | %.2f | %.0f | %.2fx |\n", r.what.c_str(),
                static_cast<unsigned long long>(r.events), r.seconds, rate, rate / baseline);
  }
  // How far each rebuild is from reading every event and writing every row with raw RocksDB.
  std::printf(
      "\n| rebuild | rows | bytes/row | raw row writes s | raw scan + raw writes s | rebuild s | "
      "ratio |\n|---|---|---|---|---|---|---|\n");
  for (auto& r : rows) {
    if (r.census.rows == 0) continue;
    double bound = static_cast<double>(r.events) / baseline + r.raw_write_seconds;
    std::printf("| %s | %llu | %llu | %.2f | %.2f | %.2f | %.2fx |\n", r.what.c_str(),
                static_cast<unsigned long long>(r.census.rows),
                static_cast<unsigned long long>((r.census.key_bytes + r.census.value_bytes) /
                                                r.census.rows),
                r.raw_write_seconds, bound, r.seconds, bound / r.seconds);
  }
  return 0;
}
