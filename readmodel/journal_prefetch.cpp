#include "readmodel/journal_prefetch.hpp"

#include <utility>

namespace ordo::readmodel {

journal_prefetch::journal_prefetch(const persistence::journal& journal, std::uint64_t from_position,
                                   std::size_t batch_events, decode_ahead_fn decode_ahead)
    : journal_(journal), batch_events_(batch_events), decode_ahead_(std::move(decode_ahead)) {
  start_read(from_position);
}

journal_prefetch::~journal_prefetch() {
  if (reading_.valid()) reading_.wait();
}

void journal_prefetch::start_read(std::uint64_t from_position) {
  reading_ =
      std::async(std::launch::async, [this, from_position, read = std::move(spare_)]() mutable {
        read.decoded.clear();  // before the events they refer to are overwritten
        auto status = journal_.read_all(from_position, batch_events_, read.events);
        if (status) {
          read.decoded.reserve(read.events.size());
          for (auto& e : read.events) {
            auto& decoded = read.decoded.emplace_back(e);
            if (decoded.order_id() && decode_ahead_ && decode_ahead_(e))
              (void)decoded.order_event();
          }
        }
        return read_result{std::move(read), std::move(status)};
      });
}

persistence::result<std::span<const decoded_event>> journal_prefetch::next() {
  spare_ = std::move(current_);
  current_ = batch{};
  if (!reading_.valid()) return std::span<const decoded_event>();
  auto read = reading_.get();
  current_ = std::move(read.read);
  if (!read.status) return std::unexpected(std::move(read.status.error()));
  if (current_.events.size() == batch_events_) start_read(current_.events.back().position + 1);
  return std::span<const decoded_event>(current_.decoded);
}

}  // namespace ordo::readmodel
