// Internal: what the codecs' fast paths share (order_event_scan.cpp, stock_event_scan.cpp,
// payment_event_scan.cpp). An event's data is read with json_scanner, without a DOM, when it has
// the plain shape the encoder writes; anything else goes to the DOM decoder, which answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include "domain/detail/json_scanner.hpp"

namespace ordo::domain::detail {

// The fields of one object read so far, by number: a field read twice or a required one missing
// sends the event to the DOM path (which says which, or which value wins).
class field_set {
 public:
  // Marks `field` read; false if it was read before.
  bool first(unsigned field) {
    const unsigned bit = 1u << field;
    if ((seen_ & bit) != 0) return false;
    seen_ |= bit;
    return true;
  }
  // Fields 0 .. count - 1 are the required ones.
  bool has_required(unsigned count) const {
    const unsigned mask = (1u << count) - 1;
    return (seen_ & mask) == mask;
  }

 private:
  unsigned seen_ = 0;
};

// Reads an object member by member with `member(key, seen) -> bool` (false: a field this path
// does not read, or a value it cannot), then checks the first `required` fields were there.
template <class Member>
bool read_object(json_scanner& in, unsigned required, Member member) {
  if (!in.begin_object()) return false;
  field_set seen;
  for (std::string_view key; in.next_key(key);)
    if (!member(key, seen)) return false;
  return !in.failed() && seen.has_required(required);
}

// The event of the alternative of `Event` named `type` at its current schema version, read with
// `read(in, alternative&) -> bool` over the whole of `data`; nullopt (the DOM's turn) when no
// alternative has that name and version, or `read` declines, or bytes follow the object.
template <class Event, class Read>
std::optional<Event> scan_event(std::string_view type, std::uint32_t schema_version,
                                std::string_view data, Read read) {
  std::optional<Event> out;
  auto try_alternative = [&]<std::size_t I>() {
    using E = std::variant_alternative_t<I, Event>;
    if (E::type_name != type || schema_version != E::schema_version) return false;
    json_scanner in(data);
    E e;
    if (read(in, e) && in.at_end()) out.emplace(std::in_place_index<I>, std::move(e));
    return true;
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (try_alternative.template operator()<I>() || ...);
  }
  (std::make_index_sequence<std::variant_size_v<Event>>{});
  return out;
}

}  // namespace ordo::domain::detail
