#include "persistence/repair.hpp"

#include "persistence/detail/encoding.hpp"
#include "persistence/detail/exclusive_open.hpp"
#include "persistence/detail/stream_meta.hpp"

namespace ordo::persistence {

result<repair_report> repair_directory(const std::string& path) {
  // Point-in-time recovery stops at the first damaged record; the open then persists what it
  // recovered, so the damaged WAL is gone afterwards.
  auto db = detail::open_exclusive(path, /*create_if_missing=*/false, /*read_only=*/false,
                                   detail::wal_damage::accept_loss);
  if (!db) return std::unexpected(db.error());
  repair_report report;
  report.wal_drops = (*db)->wal_drops;

  auto last = detail::load_last_position(**db);
  if (!last && last.error().code == storage_errc::corrupt) {
    auto logged = detail::last_log_position(**db);
    if (!logged) return std::unexpected(logged.error());
    std::string mark;
    detail::put_u64_be(mark, *logged);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    auto status = (*db)->db->Put(wo, (*db)->streams, rocksdb::Slice(), detail::seal(mark));
    if (!status.ok())
      return std::unexpected(detail::from_status(status, "rewriting the high-water mark"));
    report.watermark_rewritten = true;
    last = *logged;
  }
  if (!last) return std::unexpected(last.error());
  report.last_position = *last;
  if (auto status = (*db)->db->FlushWAL(true); !status.ok())
    return std::unexpected(detail::from_status(status, "syncing " + path));
  return report;
}

}  // namespace ordo::persistence
