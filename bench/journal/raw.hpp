// The baselines: plain RocksDB doing the same writes and scans as the journal, without ordo.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ordo::bench {

enum class raw_layout {
  // One put per event into the default column family: key stream|0x00|version (u64 BE),
  // value = a record-sized value. The baseline the targets are stated against.
  single_put,
  // The journal's own WriteBatch shape: per event a record put into `positions` (key: position
  // u64 BE) and a 12-byte put into `events`, plus one 12-byte high-water put into `streams` per
  // batch. For information: separates the layout's cost from ordo's own code.
  journal_layout,
};

struct raw_write_result {
  std::uint64_t events = 0;
  std::uint64_t batches = 0;
  double seconds = 0;
  std::string error;  // empty on success
};

// Opens a fresh DB in `dir` (default options plus create_if_missing) and writes `rounds`
// WriteBatches back to back from this thread, each holding the next event of every stream.
raw_write_result raw_write(const std::string& dir, const std::vector<std::string>& streams,
                           std::uint64_t rounds, bool sync, const std::string& value,
                           raw_layout layout);

struct scan_result {
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;  // sum of value sizes
  double seconds = 0;
  std::string error;
};

// Opens the existing DB in `dir` with every column family RocksDB lists there (default
// options) and times a full iterator scan of `column_family`. readahead_bytes is
// ReadOptions::readahead_size: 0 is RocksDB's default (automatic readahead, 8 KiB growing to
// 256 KiB); journal::for_each uses 2 MiB.
scan_result raw_scan(const std::string& dir, const std::string& column_family,
                     std::size_t readahead_bytes);

}  // namespace ordo::bench
