// ordo_bench_journal: the journal's append and replay rates next to plain RocksDB doing the same
// work, measured in the same run. See README.md.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "persistence/database.hpp"
#include "raw.hpp"
#include "workload.hpp"

namespace ordo::bench {
namespace {

namespace fs = std::filesystem;
using persistence::sync_mode;

constexpr double write_target = 0.8;
constexpr double replay_target = 0.7;
constexpr std::size_t payload_bytes = 200;

struct config {
  double scale = 1.0;
  std::string base_dir = fs::temp_directory_path().string();
  bool callback = true;  // run the callback driver
  bool thread = true;    // run the driver-thread driver
  bool writes = true;
  bool replay = true;
  int repeat = 3;  // every figure is the median of this many runs
};

std::uint64_t scaled(const config& c, std::uint64_t n) {
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(n * c.scale)));
}

// A fresh directory for one measurement, removed afterwards.
struct temp_dir {
  std::string path;
  explicit temp_dir(const std::string& base) {
    std::string pattern = (fs::path(base) / "ordo-bench-journal-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      std::exit(2);
    }
    path = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "ordo_bench_journal: %s\n", what.c_str());
  std::exit(1);
}

std::unique_ptr<persistence::database> open_ordo(const std::string& path, sync_mode sync) {
  persistence::database_options options;
  options.path = path;
  options.sync = sync;
  auto db = persistence::database::open(options);
  if (!db) fail("cannot open ordo's database: " + db.error().message);
  return std::move(*db);
}

double rate(std::uint64_t events, double seconds) {
  return seconds > 0 ? events / seconds : 0;
}

struct journal_figures {
  double rate = 0;
  double per_batch = 0;
};

journal_figures run_journal(const config& c, std::size_t streams, std::uint64_t per_stream,
                            sync_mode sync, driver_mode mode, const event_shape& shape) {
  temp_dir dir(c.base_dir);
  std::vector<stream_spec> specs;
  for (std::size_t s = 0; s < streams; ++s) specs.push_back({stream_name(s), per_stream, 1});
  auto db = open_ordo(dir.path, sync);
  auto r = drive(db->events(), specs, shape, mode);
  if (r.failures > 0 || r.events != streams * per_stream)
    fail("journal run: " + std::to_string(r.failures) + " failed appends: " + r.first_error);
  db.reset();
  return {rate(r.events, r.seconds), r.batches ? double(r.events) / r.batches : 0};
}

double run_raw(const config& c, std::size_t streams, std::uint64_t per_stream, sync_mode sync,
               raw_layout layout, const std::string& value) {
  temp_dir dir(c.base_dir);
  std::vector<std::string> names;
  for (std::size_t s = 0; s < streams; ++s) names.push_back(stream_name(s));
  auto r = raw_write(dir.path, names, per_stream, sync == sync_mode::always, value, layout);
  if (!r.error.empty()) fail("raw RocksDB run: " + r.error);
  return rate(r.events, r.seconds);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct write_case {
  sync_mode sync;
  std::size_t streams;
  std::uint64_t events;  // before scaling
};

// One case's figures, each the median over the repetitions.
struct write_row {
  std::string name;
  std::uint64_t events = 0;
  double raw = 0, layout = 0;
  std::optional<journal_figures> cb, thr;
};

std::string verdict(const std::vector<write_row>& rows,
                    std::optional<journal_figures> write_row::*f) {
  std::string below;
  for (const auto& r : rows)
    if ((r.*f) && (r.*f)->rate < write_target * r.raw)
      below += (below.empty() ? "" : ", ") + r.name;
  return below.empty() ? "met in every case" : "NOT met for " + below;
}

void write_benchmarks(const config& c, const event_shape& shape) {
  const std::vector<write_case> cases = {
      {sync_mode::none, 1, 200'000},    {sync_mode::none, 64, 200'000},
      {sync_mode::none, 1024, 200'000}, {sync_mode::always, 1, 10'000},
      {sync_mode::always, 64, 100'000}, {sync_mode::always, 1024, 200'000},
  };
  const auto record = journal_record_bytes(shape, stream_name(0));
  const auto value = raw_value(shape, record);
  std::vector<write_row> rows;
  for (const auto& k : cases) {
    auto per_stream = std::max<std::uint64_t>(1, scaled(c, k.events) / k.streams);
    write_row row;
    row.events = per_stream * k.streams;
    row.name = std::string("sync=") + (k.sync == sync_mode::always ? "always" : "none") +
               " C=" + std::to_string(k.streams);
    std::vector<double> raw, layout, cb, cb_batch, thr, thr_batch;
    for (int rep = 0; rep < c.repeat; ++rep) {
      std::fprintf(stderr, "running %s (%llu events), repetition %d...\n", row.name.c_str(),
                   static_cast<unsigned long long>(row.events), rep + 1);
      raw.push_back(run_raw(c, k.streams, per_stream, k.sync, raw_layout::single_put, value));
      layout.push_back(
          run_raw(c, k.streams, per_stream, k.sync, raw_layout::journal_layout, value));
      if (c.callback) {
        auto f = run_journal(c, k.streams, per_stream, k.sync, driver_mode::callback, shape);
        cb.push_back(f.rate);
        cb_batch.push_back(f.per_batch);
      }
      if (c.thread) {
        auto f = run_journal(c, k.streams, per_stream, k.sync, driver_mode::thread, shape);
        thr.push_back(f.rate);
        thr_batch.push_back(f.per_batch);
      }
    }
    row.raw = median(raw);
    row.layout = median(layout);
    if (c.callback) row.cb = journal_figures{median(cb), median(cb_batch)};
    if (c.thread) row.thr = journal_figures{median(thr), median(thr_batch)};
    rows.push_back(row);
  }

  std::printf("\n== Appends: %zu-byte payload, %zu-byte journal record (raw values: %zu bytes)\n",
              shape.payload.size(), record, value.size());
  std::printf("   events/s, median of %d; ratio = ordo / raw RocksDB; target >= %.1fx\n", c.repeat,
              write_target);
  std::printf("%-18s %7s | %11s %11s | %11s %6s %8s | %11s %6s %8s\n", "case", "events",
              "raw RocksDB", "raw layout*", "ordo (cb)", "ratio", "ev/batch", "ordo (thr)", "ratio",
              "ev/batch");
  for (const auto& r : rows) {
    std::printf("%-18s %7llu | %11.0f %11.0f |", r.name.c_str(),
                static_cast<unsigned long long>(r.events), r.raw, r.layout);
    for (const auto& f : {r.cb, r.thr}) {
      if (f)
        std::printf(" %11.0f %5.2fx %8.1f |", f->rate, r.raw > 0 ? f->rate / r.raw : 0,
                    f->per_batch);
      else
        std::printf(" %11s %6s %8s |", "-", "-", "-");
    }
    std::printf("\n");
  }
  std::printf(
      "   * raw layout: plain RocksDB writing the journal's WriteBatch shape (record into "
      "positions,\n     index entry into events, one high-water put per batch); for "
      "information.\n   cb: next append issued from the journal callback (writer thread); "
      "thr: callback hands\n   the stream to one driver thread that issues it (what actors "
      "do).\n");
  if (c.callback) std::printf("target (cb): %s\n", verdict(rows, &write_row::cb).c_str());
  if (c.thread) std::printf("target (thr): %s\n", verdict(rows, &write_row::thr).c_str());
}

void replay_benchmark(const config& c, const event_shape& shape) {
  const std::size_t streams = 1000;
  const auto per_stream = std::max<std::uint64_t>(1, scaled(c, 1'000'000) / streams);
  const auto big_events = scaled(c, 10'000);
  temp_dir dir(c.base_dir);
  // 1000 streams, one event per append, plus one long stream appended 10 events at a time so
  // that its events are interleaved with the others' over the whole log.
  std::vector<stream_spec> specs;
  for (std::size_t s = 0; s < streams; ++s) specs.push_back({stream_name(s), per_stream, 1});
  const std::string big = "order-big";
  specs.push_back({big, big_events, 10});
  const auto total = streams * per_stream + big_events;
  std::fprintf(stderr, "replay: writing %llu events...\n", static_cast<unsigned long long>(total));
  double fill_rate = 0;
  {
    auto db = open_ordo(dir.path, sync_mode::none);
    auto r = drive(db->events(), specs, shape, driver_mode::callback);
    if (r.failures > 0 || r.events != total) fail("replay fill: " + r.first_error);
    fill_rate = rate(r.events, r.seconds);
  }
  // Reopen once unmeasured: recovery flushes the WAL's tail into an SST, so that every measured
  // scan below reads the same files with no flush running.
  open_ordo(dir.path, sync_mode::none).reset();
  // Every repetition reopens each DB, so no one starts with a warm block cache.
  std::vector<double> ordo_scan, raw_default, raw_ahead, read_rate;
  std::uint64_t raw_bytes = 0;
  auto seconds_since = [](std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (int rep = 0; rep < c.repeat; ++rep) {
    std::fprintf(stderr, "replay: repetition %d...\n", rep + 1);
    {
      auto db = open_ordo(dir.path, sync_mode::none);
      std::uint64_t seen = 0, data_bytes = 0;
      auto start = std::chrono::steady_clock::now();
      auto r = db->events().for_each(1, [&](const persistence::recorded_event& e) {
        ++seen;
        data_bytes += e.data.size();
        return true;
      });
      auto seconds = seconds_since(start);
      if (!r) fail("for_each: " + r.error().message);
      if (seen != total || data_bytes != total * shape.payload.size())
        fail("for_each saw " + std::to_string(seen) + " events");
      ordo_scan.push_back(rate(seen, seconds));

      start = std::chrono::steady_clock::now();
      auto events = db->events().read(big);
      seconds = seconds_since(start);
      if (!events || events->size() != big_events) fail("read(" + big + ") failed");
      read_rate.push_back(rate(events->size(), seconds));
    }
    for (std::size_t readahead : {std::size_t{0}, std::size_t{2} << 20}) {
      auto r = raw_scan(dir.path, "positions", readahead);
      if (!r.error.empty()) fail("raw scan: " + r.error);
      if (r.events != total) fail("raw scan saw " + std::to_string(r.events) + " events");
      (readahead ? raw_ahead : raw_default).push_back(rate(r.events, r.seconds));
      raw_bytes = r.bytes;
    }
  }
  double ordo = median(ordo_scan), plain = median(raw_default), ahead = median(raw_ahead);
  std::printf("\n== Replay of %llu events (%.0f bytes per record; written at %.0f events/s)\n",
              static_cast<unsigned long long>(total), double(raw_bytes) / total, fill_rate);
  std::printf("   events/s, median of %d; target: ordo for_each >= %.1fx raw scan\n", c.repeat,
              replay_target);
  std::printf("%-16s | %-24s %6s | %-26s %6s\n", "ordo for_each", "raw scan, default RO", "ratio",
              "raw scan, readahead 2 MiB*", "ratio");
  std::printf("%-16.0f | %-24.0f %5.2fx | %-26.0f %5.2fx\n", ordo, plain, ordo / plain, ahead,
              ordo / ahead);
  std::printf(
      "   * the ReadOptions journal::for_each itself uses (readahead_size = 2 MiB)\n"
      "journal::read(stream) of one %llu-event stream: %.0f events/s (information)\n",
      static_cast<unsigned long long>(big_events), median(read_rate));
  std::printf(
      "target: %s against the default-ReadOptions scan, %s against the same-ReadOptions scan\n",
      ordo >= replay_target * plain ? "met" : "NOT met",
      ordo >= replay_target * ahead ? "met" : "NOT met");
}

// The 1-minute load average: the figures mean little if it is well above 0 before the run.
std::string load_average() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  char buf[64] = "?";
  if (f) {
    if (!std::fgets(buf, sizeof buf, f)) buf[0] = '\0';
    std::fclose(f);
  }
  std::string s(buf);
  return s.substr(0, s.find(' '));
}

int usage(const char* self) {
  std::fprintf(stderr,
               "usage: %s [--scale F] [--repeat N] [--dir PATH] [--driver callback|thread|both] "
               "[--only writes|replay]\n",
               self);
  return 2;
}

}  // namespace
}  // namespace ordo::bench

int main(int argc, char** argv) {
  using namespace ordo::bench;
  config c;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return usage(argv[0]);
    std::string value = argv[++i];
    if (arg == "--scale") {
      c.scale = std::atof(value.c_str());
      if (!(c.scale > 0)) return usage(argv[0]);
    } else if (arg == "--repeat") {
      c.repeat = std::atoi(value.c_str());
      if (c.repeat < 1) return usage(argv[0]);
    } else if (arg == "--dir") {
      c.base_dir = value;
    } else if (arg == "--driver" && (value == "callback" || value == "thread" || value == "both")) {
      c.callback = value != "thread";
      c.thread = value != "callback";
    } else if (arg == "--only" && (value == "writes" || value == "replay")) {
      c.writes = value == "writes";
      c.replay = value == "replay";
    } else {
      return usage(argv[0]);
    }
  }
  auto shape = make_shape(payload_bytes);
  std::printf(
      "ordo journal benchmark (scale %.3g, %d repetitions, temp dirs under %s, %u CPUs, "
      "load average %s)\n",
      c.scale, c.repeat, c.base_dir.c_str(), std::thread::hardware_concurrency(),
      load_average().c_str());
  if (c.writes) write_benchmarks(c, shape);
  if (c.replay) replay_benchmark(c, shape);
  std::printf("\nload average at the end: %s\n", load_average().c_str());
  return 0;
}
