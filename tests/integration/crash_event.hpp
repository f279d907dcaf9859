// What the crash child writes and the crash test checks: each event's payload names its stream,
// version, batch size and index in the batch, followed by padding derived from those, so that
// the parent can tell a whole batch from part of one and intact bytes from damaged ones.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace ordo::persistence::crash {

constexpr int stream_count = 32;
constexpr int max_batch_size = 5;
constexpr std::string_view event_type = "CrashTested";

inline std::string stream_name(int i) {
  return (i < 10 ? "crash-0" : "crash-") + std::to_string(i);
}

// Written in the same batch as the events: the stream's version after that batch.
inline std::string progress_key(const std::string& stream) {
  return "crash-progress/" + stream;
}

struct event_tag {
  std::string stream;
  std::uint64_t version = 0;
  std::uint32_t batch_size = 0;
  std::uint32_t index = 0;  // 0 .. batch_size - 1
  bool operator==(const event_tag&) const = default;
};

inline std::string encode(const event_tag& tag) {
  std::string out = tag.stream + " " + std::to_string(tag.version) + " " +
                    std::to_string(tag.batch_size) + " " + std::to_string(tag.index) + "|";
  const std::uint64_t padding = (tag.version * 37 + tag.index * 11) % 700;
  for (std::uint64_t j = 0; j < padding; ++j)
    out += static_cast<char>('a' + (tag.version + j) % 26);
  return out;
}

// The tag the payload encodes, or none unless the payload is exactly encode(tag).
inline std::optional<event_tag> decode(std::string_view data) {
  const auto bar = data.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  const std::string header(data.substr(0, bar));
  char stream[64];
  unsigned long long version = 0;
  unsigned batch_size = 0, index = 0;
  if (std::sscanf(header.c_str(), "%63s %llu %u %u", stream, &version, &batch_size, &index) != 4) {
    return std::nullopt;
  }
  event_tag tag{stream, version, batch_size, index};
  if (encode(tag) != data) return std::nullopt;
  return tag;
}

}  // namespace ordo::persistence::crash
