#include "persistence/journal_writer.hpp"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>

#include "persistence/detail/encoding.hpp"
#include "persistence/detail/stream_meta.hpp"

namespace ordo::persistence {
namespace {

// Bounds the writer's version cache; past it the cache starts over (misses cost one index seek).
constexpr std::size_t max_cached_streams = 1 << 20;

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
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(request), std::move(done)});
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  done(storage_failure(storage_errc::closed, "the journal is closed"));
}

void journal::writer::set_listener(commit_listener listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

void journal::writer::set_fault(std::function<bool()> fault) {
  std::lock_guard lock(mutex_);
  fault_ = std::move(fault);
}

void journal::writer::run() {
  std::vector<pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
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
  {
    std::lock_guard lock(mutex_);
    fault = fault_;
  }
  std::unique_lock listener_lock(listener_mutex_);
  const bool listening = static_cast<bool>(listener_);
  listener_lock.unlock();
  std::vector<recorded_event> committed;

  for (auto& [request, done] : batch) {
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

  if (wb.Count() > 0) {
    std::string high_water;
    detail::put_u64_be(high_water, position);
    wb.Put(db_.streams, rocksdb::Slice(detail::last_position_key.data(), 0), detail::seal(high_water));
    rocksdb::WriteOptions wo;
    wo.sync = sync_ == sync_mode::always;
    std::optional<storage_error> failure;
    auto started = std::chrono::steady_clock::now();
    if (fault && fault()) {
      failure = storage_error{storage_errc::io_error, "journal write failed (injected fault)"};
    } else if (auto status = db_.db->Write(wo, &wb); !status.ok()) {
      failure = detail::from_status(status, "journal write failed");
    }
    {
      std::lock_guard lock(stats_mutex_);
      if (failure) {
        ++stats_.failed_batches;
      } else {
        ++stats_.batches;
        stats_.events_appended += position - committed_position.load(std::memory_order_relaxed);
        observe(stats_.batch_events, static_cast<double>(position - committed_position.load(std::memory_order_relaxed)));
        observe(stats_.write_seconds,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
    }
    if (failure) {
      // Nothing of the batch is visible: fail every request that was part of it.
      for (auto& outcome : outcomes)
        if (outcome) outcome = std::unexpected(*failure);
    } else {
      for (auto& [stream, version] : staged) highest_[stream] = version;
      committed_position.store(position, std::memory_order_release);
      if (!committed.empty()) {
        std::lock_guard lock(listener_mutex_);
        if (listener_) listener_(committed);
      }
    }
  }

  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(outcomes[i]));
}

}  // namespace ordo::persistence
