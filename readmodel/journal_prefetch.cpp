#include "readmodel/journal_prefetch.hpp"

#include <utility>

namespace ordo::readmodel {

journal_prefetch::journal_prefetch(const persistence::journal& journal, std::uint64_t from_position,
                                   std::size_t batch_events)
    : journal_(journal), batch_events_(batch_events) {
  start_read(from_position);
}

journal_prefetch::~journal_prefetch() {
  if (reading_.valid()) reading_.wait();
}

void journal_prefetch::start_read(std::uint64_t from_position) {
  reading_ =
      std::async(std::launch::async, [this, from_position, events = std::move(spare_)]() mutable {
        auto status = journal_.read_all(from_position, batch_events_, events);
        return read_result{std::move(events), std::move(status)};
      });
}

persistence::result<std::span<const persistence::recorded_event>> journal_prefetch::next() {
  spare_ = std::move(current_);
  current_.clear();
  if (!reading_.valid()) return std::span<const persistence::recorded_event>();
  auto read = reading_.get();
  current_ = std::move(read.events);
  if (!read.status) return std::unexpected(std::move(read.status.error()));
  if (current_.size() == batch_events_) start_read(current_.back().position + 1);
  return std::span<const persistence::recorded_event>(current_);
}

}  // namespace ordo::readmodel
