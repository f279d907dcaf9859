#include "workload.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace ordo::bench {
namespace {

using persistence::append_request;
using persistence::append_result;
using persistence::expected_version;
using persistence::result;

// Deterministic xorshift, so every run writes the same bytes.
struct rng {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

std::string uuid(rng& r) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s = "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx";
  for (auto& c : s)
    if (c == 'x') c = hex[r.next() % 16];
  return s;
}

std::size_t varint_bytes(std::size_t n) {
  std::size_t bytes = 1;
  for (; n >= 0x80; n >>= 7) ++bytes;
  return bytes;
}

std::size_t framed(std::string_view s) {
  return varint_bytes(s.size()) + s.size();
}

}  // namespace

event_shape make_shape(std::size_t payload_bytes) {
  rng r{0x9E3779B97F4A7C15ull};
  event_shape shape;
  shape.command_id = uuid(r);
  shape.correlation_id = uuid(r);
  shape.causation_id = uuid(r);
  std::string head =
      R"({"sku":"SKU-7F3A9C21","name":"Stainless steel water bottle, 750 ml","quantity":3,)"
      R"("unit_price":{"amount":"19.99","currency":"EUR"},"note":")";
  std::string tail = "\"}";
  std::string note;
  while (head.size() + note.size() + tail.size() < payload_bytes) {
    auto v = r.next() % 27;
    note.push_back(v == 26 ? ' ' : static_cast<char>('a' + v));
  }
  shape.payload = head + note + tail;
  return shape;
}

std::string stream_name(std::size_t index) {
  std::string digits = std::to_string(index);
  return "order-" + std::string(digits.size() < 8 ? 8 - digits.size() : 0, '0') + digits;
}

persistence::event_data make_event(const event_shape& shape, std::uint64_t unique) {
  static constexpr char hex[] = "0123456789abcdef";
  persistence::event_data e;
  e.type = shape.type;
  e.schema_version = 1;
  e.timestamp_ms = 1'714'566'896'789 + static_cast<std::int64_t>(unique % 1'000'000);
  e.command_id = shape.command_id;
  for (std::size_t i = 0; i < 12; ++i)  // a distinct id per event, as commands have
    e.command_id[e.command_id.size() - 1 - i] = hex[(unique >> (4 * i)) & 0xF];
  e.correlation_id = shape.correlation_id;
  e.causation_id = shape.causation_id;
  e.data = shape.payload;
  return e;
}

std::size_t journal_record_bytes(const event_shape& shape, std::string_view stream) {
  return 4 /* CRC32C */ + 1 /* format */ + framed(stream) + 8 /* version */ + 8 /* position */ +
         1 /* schema varint */ + 8 /* timestamp */ + framed(shape.type) + framed(shape.command_id) +
         framed(shape.correlation_id) + framed(shape.causation_id) + framed(shape.payload);
}

std::string raw_value(const event_shape& shape, std::size_t bytes) {
  std::string meta = shape.type + shape.command_id + shape.correlation_id + shape.causation_id;
  std::size_t meta_bytes = bytes > shape.payload.size() ? bytes - shape.payload.size() : 0;
  meta.resize(meta_bytes, '\x01');
  return meta + shape.payload.substr(0, bytes - meta_bytes);
}

namespace {

class driver {
 public:
  driver(persistence::journal& journal, const std::vector<stream_spec>& streams,
         const event_shape& shape, driver_mode mode)
      : journal_(journal), streams_(streams), shape_(shape), mode_(mode), issued_(streams.size()) {}

  drive_result run() {
    for (auto& s : streams_) active_ += s.events > 0 ? 1 : 0;
    seen_position_ = journal_.last_position();
    auto start = std::chrono::steady_clock::now();
    if (active_ == 0) return result_;
    for (std::size_t s = 0; s < streams_.size(); ++s)
      if (streams_[s].events > 0) issue(s);
    // Thread mode: this thread is the driver. Callback mode: it only waits for the end.
    std::vector<std::size_t> ready;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return finished_ || !ready_.empty(); });
      if (ready_.empty()) break;  // finished
      ready.swap(ready_);
      lock.unlock();
      for (auto s : ready) issue(s);
      ready.clear();
      lock.lock();
    }
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result_;
  }

 private:
  void issue(std::size_t s) {
    const auto& spec = streams_[s];
    std::uint64_t from = issued_[s];
    auto n = std::min<std::uint64_t>(spec.per_append, spec.events - from);
    append_request request;
    request.stream = spec.name;
    request.expected = expected_version::exact(from);
    request.events.reserve(n);
    for (std::uint64_t i = 1; i <= n; ++i)
      request.events.push_back(make_event(shape_, (std::uint64_t{s} << 32) | (from + i)));
    issued_[s] = from + n;
    journal_.append_async(std::move(request),
                          [this, s](result<append_result> r) { on_done(s, std::move(r)); });
  }

  // On the journal's writer thread: cheap bookkeeping, then the next append or a hand-off.
  void on_done(std::size_t s, result<append_result> r) {
    // Every callback of one batch runs after that batch moved the committed position.
    if (auto position = journal_.last_position(); position != seen_position_) {
      ++result_.batches;
      seen_position_ = position;
    }
    bool more = false;
    if (!r) {
      if (result_.failures++ == 0) result_.first_error = r.error().message;
    } else {
      result_.events += r->last_version - r->first_version + 1;
      ++result_.appends;
      more = issued_[s] < streams_[s].events;
    }
    if (more && mode_ == driver_mode::callback) {
      issue(s);
    } else if (more) {
      std::lock_guard lock(mutex_);
      ready_.push_back(s);
      if (ready_.size() == 1) wake_.notify_one();
    } else if (--active_ == 0) {
      std::lock_guard lock(mutex_);
      finished_ = true;
      wake_.notify_one();
    }
  }

  persistence::journal& journal_;
  const std::vector<stream_spec>& streams_;
  const event_shape& shape_;
  const driver_mode mode_;
  std::vector<std::uint64_t> issued_;  // per stream: events issued = the next expected version

  // After run() started, touched on the writer thread only (run() reads them after finished_).
  std::size_t active_ = 0;
  std::uint64_t seen_position_ = 0;
  drive_result result_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::size_t> ready_;  // thread mode: streams whose next append is due
  bool finished_ = false;
};

}  // namespace

drive_result drive(persistence::journal& journal, const std::vector<stream_spec>& streams,
                   const event_shape& shape, driver_mode mode) {
  driver d(journal, streams, shape, mode);
  return d.run();
}

}  // namespace ordo::bench
