#include "persistence/journal_writer.hpp"

#include <rocksdb/write_batch.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>

#include "persistence/detail/encoding.hpp"
#include "persistence/detail/stream_meta.hpp"

namespace ordo::persistence {
namespace {

// Bounds the writer's version cache; past it the cache starts over (misses cost one index seek).
constexpr std::size_t max_cached_streams = 1 << 20;

// How often a journal that cannot write tries to resume the database while no append arrives.
constexpr auto resume_every = std::chrono::milliseconds(200);

// A failed write's error: io_error when RocksDB refused it before any of its bytes could become
// durable (no space while appending to the WAL: at most a torn record, which recovery drops;
// writes refused while stopped), outcome_unknown when its WAL record may be complete (a failed
// sync, a failed memtable insert after the WAL write, anything not known to be a refusal).
storage_error classify_write_failure(const rocksdb::Status& status) {
  auto text = status.ToString();
  auto error = detail::from_status(status, "journal write failed");
  bool synced = text.find("sync") != std::string::npos;
  bool refused = status.IsNotSupported() || status.IsInvalidArgument() || status.IsBusy() ||
                 status.IsIncomplete() || status.IsTryAgain() ||
                 (!synced && (status.IsNoSpace() ||
                              text.find("While appending to file") != std::string::npos));
  error.code = refused ? storage_errc::io_error : storage_errc::outcome_unknown;
  if (!refused) error.message += " (the batch may be durable: its outcome is unknown)";
  return error;
}

std::unexpected<storage_error> version_mismatch(const append_request& r, std::uint64_t actual) {
  std::string wanted;
  switch (r.expected.mode) {
    case expected_version::kind::no_stream: wanted = "no stream"; break;
    case expected_version::kind::exists: wanted = "an existing stream"; break;
    case expected_version::kind::exact: wanted = "version " + std::to_string(r.expected.version); break;
    case expected_version::kind::any: wanted = "any version"; break;
  }
  storage_error err{storage_errc::wrong_expected_version,
                    "stream " + r.stream + " expected " + wanted + " but is at version " +
                        std::to_string(actual)};
  err.stream = r.stream;
  err.actual_version = actual;
  return std::unexpected(std::move(err));
}

bool version_matches(const expected_version& expected, std::uint64_t actual) {
  switch (expected.mode) {
    case expected_version::kind::any: return true;
    case expected_version::kind::no_stream: return actual == 0;
    case expected_version::kind::exists: return actual > 0;
    case expected_version::kind::exact: return actual == expected.version;
  }
  return false;
}

histogram make_histogram(std::vector<double> bounds) {
  histogram h;
  h.counts.assign(bounds.size() + 1, 0);
  h.upper_bounds = std::move(bounds);
  return h;
}

void observe(histogram& h, double value) {
  auto bucket = std::lower_bound(h.upper_bounds.begin(), h.upper_bounds.end(), value) - h.upper_bounds.begin();
  ++h.counts[static_cast<std::size_t>(bucket)];
  h.sum += value;
  ++h.count;
}

}  // namespace

journal::writer::writer(detail::rocks& db, sync_mode sync, std::size_t max_batch_events,
                        std::uint64_t last_position)
    : committed_position(last_position),
      db_(db),
      sync_(sync),
      max_batch_events_(max_batch_events == 0 ? 1 : max_batch_events),
      thread_() {
  stats_.batch_events = make_histogram({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192});
  stats_.write_seconds = make_histogram(
      {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  thread_ = std::thread([this] { run(); });
}

journal_stats journal::writer::stats() const {
  std::lock_guard lock(stats_mutex_);
  auto copy = stats_;
  copy.last_position = committed_position.load(std::memory_order_acquire);
  return copy;
}

journal::writer::~writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void journal::writer::enqueue(append_request request, append_callback done) {
  enqueue(pending{std::move(request), std::move(done), nullptr, nullptr});
}

void journal::writer::enqueue(append_request request, std::shared_ptr<append_group> group,
                              std::unique_ptr<append_token> token) {
  enqueue(pending{std::move(request), nullptr, std::move(group), std::move(token)});
}

void journal::writer::enqueue(pending append) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(append));
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  std::vector<pending> refused;
  refused.push_back(std::move(append));
  std::vector<result<append_result>> outcome;
  outcome.push_back(storage_failure(storage_errc::closed, "the journal is closed"));
  complete(refused, outcome);
}

void journal::writer::complete(std::vector<pending>& batch,
                               std::vector<result<append_result>>& outcomes) {
  // Grouped appends first, one call per group: a batch holds appends of a few groups (shards).
  std::vector<std::pair<append_group*, std::vector<completed_append>>> groups;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].group) continue;
    auto group = batch[i].group.get();
    auto it = std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == group; });
    if (it == groups.end()) {
      groups.emplace_back(group, std::vector<completed_append>{});
      it = groups.end() - 1;
    }
    it->second.push_back({std::move(batch[i].token), std::move(outcomes[i])});
  }
  for (auto& [group, appends] : groups) group->complete(std::move(appends));
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (batch[i].done) batch[i].done(std::move(outcomes[i]));
}

void journal::writer::set_listener(commit_listener listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

void journal::writer::set_fault(std::function<bool()> fault, storage_errc as) {
  std::lock_guard lock(mutex_);
  fault_ = std::move(fault);
  fault_code_ = as;
}

std::optional<std::string> journal::writer::failure() const {
  std::lock_guard lock(health_mutex_);
  return failing_;
}

void journal::writer::note_failure(const storage_error& error) {
  if (error.code == storage_errc::outcome_unknown) outcome_unknown_ = true;
  std::lock_guard lock(health_mutex_);
  failing_ = error.message;
}

bool journal::writer::writable() {
  if (db_.background->pending.exchange(false, std::memory_order_acq_rel)) {
    std::string text;
    {
      std::lock_guard lock(db_.background->mutex);
      text = db_.background->text;
    }
    note_failure({storage_errc::io_error, "the database stopped writing: " + text});
  }
  {
    std::lock_guard lock(health_mutex_);
    if (!failing_) return true;
  }
  if (outcome_unknown_) return false;  // only a restart tells what the failed write left
  // Resume() flushes the memtables and clears RocksDB's background error. Not while the disk is
  // still full: RocksDB 7.8 (Debian's build keeps its assertions) aborts when a resume's flush
  // fails on a WAL writer that already failed. Wait for some room first, as RocksDB's own
  // SstFileManager recovery does (the memtables' arenas overstate what their flush writes).
  constexpr std::uint64_t room_to_resume = 4 << 20;
  struct statvfs fs {};
  if (::statvfs(db_.path.c_str(), &fs) == 0 &&
      static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize < room_to_resume)
    return false;
  auto status = db_.db->Resume();
  std::lock_guard lock(health_mutex_);
  if (!status.ok()) {
    if (!status.IsBusy()) failing_ = "the database cannot resume writing: " + status.ToString();
    return false;
  }
  failing_.reset();
  return true;
}

void journal::writer::run() {
  std::vector<pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // While failing, wake now and then to resume the database without waiting for an append.
      while (!stopping_ && queue_.empty()) {
        if (failure() && !outcome_unknown_) {
          wake_.wait_for(lock, resume_every);
          if (!stopping_ && queue_.empty()) {
            lock.unlock();
            (void)writable();
            lock.lock();
          }
        } else {
          wake_.wait(lock);
        }
      }
      if (queue_.empty()) return;  // stopping and drained
      // Take everything queued, up to the batch limit (always at least one request).
      std::size_t events = 0;
      while (!queue_.empty() && (batch.empty() || events + queue_.front().request.events.size() <=
                                                      max_batch_events_)) {
        events += queue_.front().request.events.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    write(batch);
    batch.clear();
  }
}

result<std::uint64_t> journal::writer::current_version(
    const std::string& stream, const std::unordered_map<std::string, std::uint64_t>& staged) {
  if (auto it = staged.find(stream); it != staged.end()) return it->second;
  if (auto it = highest_.find(stream); it != highest_.end()) return it->second;
  auto version = detail::stream_highest_version(db_, stream);
  if (version) {
    if (highest_.size() >= max_cached_streams) highest_.clear();
    highest_.emplace(stream, *version);
  }
  return version;
}

void journal::writer::write(std::vector<pending>& batch) {
  rocksdb::WriteBatch wb;
  std::vector<result<append_result>> outcomes;
  outcomes.reserve(batch.size());
  std::unordered_map<std::string, std::uint64_t> staged;  // stream -> version after this batch
  std::uint64_t position = committed_position.load(std::memory_order_relaxed);

  std::function<bool()> fault;
  storage_errc fault_as = storage_errc::io_error;
  {
    std::lock_guard lock(mutex_);
    fault = fault_;
    fault_as = fault_code_;
  }
  std::unique_lock listener_lock(listener_mutex_);
  const bool listening = static_cast<bool>(listener_);
  listener_lock.unlock();
  std::vector<recorded_event> committed;

  for (auto& append : batch) {
    auto& request = append.request;
    if (request.stream.empty() && request.events.empty() && request.kv_writes.empty()) {
      outcomes.push_back(append_result{});  // a flush() barrier
      continue;
    }
    if (!detail::is_valid_stream(request.stream)) {
      outcomes.push_back(storage_failure(storage_errc::invalid_argument,
                                         "invalid stream id (1..255 bytes, no NUL)"));
      continue;
    }
    bool bad_key = false;
    for (auto& w : request.kv_writes) bad_key |= w.key.empty();
    if (bad_key) {
      outcomes.push_back(storage_failure(storage_errc::invalid_argument, "empty kv key"));
      continue;
    }
    auto current = current_version(request.stream, staged);
    if (!current) {
      outcomes.push_back(std::unexpected(current.error()));
      continue;
    }
    if (!version_matches(request.expected, *current)) {
      outcomes.push_back(version_mismatch(request, *current));
      continue;
    }
    append_result appended{0, *current, 0, 0};
    std::uint64_t version = *current;
    for (auto& data : request.events) {
      recorded_event event;
      static_cast<event_data&>(event) = std::move(data);
      event.stream = request.stream;
      event.version = ++version;
      event.position = ++position;
      auto position_key = detail::position_key(event.position);
      wb.Put(db_.positions, position_key, detail::encode_event_record(event));
      wb.Put(db_.events, detail::stream_key(request.stream, event.version), detail::seal(position_key));
      if (appended.first_version == 0) {
        appended.first_version = event.version;
        appended.first_position = event.position;
      }
      appended.last_version = event.version;
      appended.last_position = event.position;
      if (listening) committed.push_back(std::move(event));
    }
    for (auto& w : request.kv_writes) {
      if (w.value)
        wb.Put(db_.kv, w.key, detail::seal(*w.value));
      else
        wb.Delete(db_.kv, w.key);
    }
    staged[request.stream] = version;
    outcomes.push_back(appended);
  }

  if (wb.Count() > 0 && !writable()) {
    // Nothing is tried, so nothing of the batch can become durable.
    auto why = failure().value_or("the journal cannot write");
    for (auto& outcome : outcomes)
      if (outcome)
        outcome = storage_failure(storage_errc::io_error, "the journal cannot write: " + why);
    wb.Clear();
  }

  if (wb.Count() > 0) {
    std::string high_water;
    detail::put_u64_be(high_water, position);
    wb.Put(db_.streams, rocksdb::Slice(detail::last_position_key.data(), 0), detail::seal(high_water));
    rocksdb::WriteOptions wo;
    wo.sync = sync_ == sync_mode::always;
    std::optional<storage_error> failed;
    auto started = std::chrono::steady_clock::now();
    bool injected = fault && fault();
    if (injected) {
      failed = storage_error{fault_as, fault_as == storage_errc::io_error
                                           ? "journal write failed (injected fault)"
                                           : "journal sync failed (injected fault): its outcome "
                                             "is unknown"};
    } else if (auto status = db_.db->Write(wo, &wb); !status.ok()) {
      failed = classify_write_failure(status);
    }
    {
      std::lock_guard lock(stats_mutex_);
      if (failed) {
        ++stats_.failed_batches;
      } else {
        ++stats_.batches;
        stats_.events_appended += position - committed_position.load(std::memory_order_relaxed);
        observe(stats_.batch_events, static_cast<double>(position - committed_position.load(std::memory_order_relaxed)));
        observe(stats_.write_seconds,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
    }
    if (failed) {
      // Nothing of the batch is visible now: fail every request that was part of it.
      for (auto& outcome : outcomes)
        if (outcome) outcome = std::unexpected(*failed);
      // An injected refusal leaves the writer as it was (each batch fails while it lasts).
      if (!injected || failed->code == storage_errc::outcome_unknown) note_failure(*failed);
      // Start again from what the database holds; a batch whose outcome is unknown keeps its
      // positions, which are never given out again (gaps in positions are allowed).
      highest_.clear();
      auto last = detail::load_last_position(db_);
      auto floor = failed->code == storage_errc::outcome_unknown
                       ? position
                       : committed_position.load(std::memory_order_relaxed);
      committed_position.store(last ? std::max(*last, floor) : floor, std::memory_order_release);
    } else {
      for (auto& [stream, version] : staged) highest_[stream] = version;
      committed_position.store(position, std::memory_order_release);
      if (!committed.empty()) {
        std::lock_guard lock(listener_mutex_);
        if (listener_) listener_(committed);
      }
    }
  }

  complete(batch, outcomes);
}

}  // namespace ordo::persistence
