// Compact JSON text written straight into a string, byte for byte what domain::compact_json
// writes for the same value, for the view rows that projections write on every batch: building
// an nlohmann::json first and dumping it costs about twenty times as much (bench/replay).
//
// Objects must be written with their keys in ascending order, the order in which nlohmann's
// objects (std::map) dump them (tests/unit/readmodel/row_encoding_test.cpp holds each row writer to
// the nlohmann form).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::readmodel::projections {

class json_text {
 public:
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // REQUIRES: inside an object, after the previous key's value; keys in ascending order.
  void key(std::string_view name);

  void value(std::string_view text);
  void value(std::int64_t number);
  void value(std::uint64_t number);

  // The text so far; leaves the writer empty.
  std::string take() { return std::move(out_); }

 private:
  void open(char bracket);
  void close(char bracket);
  void before_value();
  void append_string(std::string_view text);

  std::string out_;
  std::vector<bool> first_;  // per open object or array: nothing written in it yet
  bool after_key_ = false;   // the next value is a key's
};

}  // namespace ordo::readmodel::projections
