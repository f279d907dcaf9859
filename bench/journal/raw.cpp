#include "raw.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <memory>

namespace ordo::bench {
namespace {

void put_u64_be(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Closes the DB and its column family handles however the function leaves.
struct open_db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  ~open_db() {
    if (!db) return;
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close();
  }
};

}  // namespace

raw_write_result raw_write(const std::string& dir, const std::vector<std::string>& streams,
                           std::uint64_t rounds, bool sync, const std::string& value,
                           raw_layout layout) {
  raw_write_result out;
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {{rocksdb::kDefaultColumnFamilyName, {}}};
  if (layout == raw_layout::journal_layout)
    for (const char* name : {"events", "positions", "streams"}) families.push_back({name, {}});
  open_db handle;
  rocksdb::DB* raw = nullptr;
  if (auto s = rocksdb::DB::Open(options, dir, families, &handle.handles, &raw); !s.ok()) {
    out.error = s.ToString();
    return out;
  }
  handle.db.reset(raw);
  auto* events_cf = handle.handles[0];
  auto* positions_cf = layout == raw_layout::journal_layout ? handle.handles[2] : nullptr;
  auto* streams_cf = layout == raw_layout::journal_layout ? handle.handles[3] : nullptr;
  if (layout == raw_layout::journal_layout) events_cf = handle.handles[1];

  rocksdb::WriteOptions wo;
  wo.sync = sync;
  const std::string index_value(12, '\x07');  // a sealed u64 position
  std::string key;
  std::string position_key;
  std::uint64_t position = 0;
  auto start = std::chrono::steady_clock::now();
  for (std::uint64_t version = 1; version <= rounds; ++version) {
    rocksdb::WriteBatch wb;
    for (const auto& stream : streams) {
      key.assign(stream);
      key.push_back('\0');
      put_u64_be(key, version);
      if (layout == raw_layout::single_put) {
        wb.Put(key, value);
      } else {
        position_key.clear();
        put_u64_be(position_key, ++position);
        wb.Put(positions_cf, position_key, value);
        wb.Put(events_cf, key, index_value);
      }
    }
    if (layout == raw_layout::journal_layout) wb.Put(streams_cf, rocksdb::Slice(), index_value);
    if (auto s = handle.db->Write(wo, &wb); !s.ok()) {
      out.error = s.ToString();
      return out;
    }
    out.events += streams.size();
    ++out.batches;
  }
  out.seconds = since(start);
  return out;
}

scan_result raw_scan(const std::string& dir, const std::string& column_family,
                     std::size_t readahead_bytes) {
  scan_result out;
  rocksdb::DBOptions options;
  std::vector<std::string> names;
  if (auto s = rocksdb::DB::ListColumnFamilies(options, dir, &names); !s.ok()) {
    out.error = s.ToString();
    return out;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  std::size_t wanted = names.size();
  for (std::size_t i = 0; i < names.size(); ++i) {
    families.push_back({names[i], {}});
    if (names[i] == column_family) wanted = i;
  }
  if (wanted == names.size()) {
    out.error = "no column family " + column_family + " in " + dir;
    return out;
  }
  open_db handle;
  rocksdb::DB* raw = nullptr;
  if (auto s = rocksdb::DB::Open(options, dir, families, &handle.handles, &raw); !s.ok()) {
    out.error = s.ToString();
    return out;
  }
  handle.db.reset(raw);

  rocksdb::ReadOptions ro;
  ro.readahead_size = readahead_bytes;
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<rocksdb::Iterator> it(handle.db->NewIterator(ro, handle.handles[wanted]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++out.events;
    out.bytes += it->value().size();
  }
  if (!it->status().ok()) out.error = it->status().ToString();
  it.reset();
  out.seconds = since(start);
  return out;
}

}  // namespace ordo::bench
