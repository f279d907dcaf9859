// A view's apply delays: for each live batch, how long after its first new event was appended the
// view committed it (ms). The last `capacity` of them in a ring, and their 99th percentile for
// inspection (projection_info::apply_delay_p99_ms).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ordo::actors {

class apply_delays {
 public:
  static constexpr std::size_t capacity = 1000;

  void record(std::int64_t delay_ms) {
    if (samples_.size() < capacity)
      samples_.push_back(delay_ms);
    else
      samples_[next_] = delay_ms;
    next_ = (next_ + 1) % capacity;
  }

  // Nearest rank; 0 without samples.
  std::int64_t p99() const {
    if (samples_.empty()) return 0;
    auto sorted = samples_;
    auto rank = (sorted.size() * 99 + 99) / 100 - 1;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank),
                     sorted.end());
    return sorted[rank];
  }

 private:
  std::vector<std::int64_t> samples_;
  std::size_t next_ = 0;
};

}  // namespace ordo::actors
