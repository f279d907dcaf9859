// A RocksDB FileSystem that remembers what was synced and can lose the rest, as a machine that
// loses power does: kill -9 keeps everything that reached the page cache, so only this shows
// whether an acknowledged write was really made durable.
//
// It records, per file written through it, how many bytes were made durable by Sync/Fsync (not
// by Flush, Close or RangeSync, which leave data in the page cache or the disk's cache), and
// whether the file's directory entry was made durable by an fsync of its directory after the file
// was created or renamed into it. cut_power() then makes every write, sync, rename and delete
// fail; lose_unsynced() (once the database is closed) truncates each file to its synced bytes
// and deletes the files whose directory entry never became durable.
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace ordo::persistence::testing {

class power_loss_fs : public rocksdb::FileSystemWrapper {
 public:
  explicit power_loss_fs(std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default())
      : FileSystemWrapper(std::move(base)) {}

  static const char* kClassName() { return "power_loss_fs"; }
  const char* Name() const override { return kClassName(); }

  // From now on nothing more reaches the disk: every write, sync, rename and delete fails.
  void cut_power() { cut_ = true; }
  bool power_cut() const { return cut_; }

  struct loss {
    std::uint64_t truncated_files = 0;  // files that lost bytes
    std::uint64_t lost_bytes = 0;
    std::uint64_t deleted_files = 0;  // files whose directory entry was never synced
  };
  // Drops what was not durable at the cut. REQUIRES: cut_power(), and the database closed.
  loss lose_unsynced();

  // Bookkeeping, called by the wrapped files and directories.
  void wrote(const std::string& file, std::uint64_t end_offset);
  void truncated(const std::string& file, std::uint64_t size);
  void synced(const std::string& file);
  void directory_synced(const std::string& directory);

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;

 private:
  struct file_state {
    std::uint64_t size = 0;
    std::uint64_t synced = 0;
    bool entry_durable = false;
  };
  // A file that is new to the bookkeeping: created now (empty, entry not yet durable) or an
  // existing one (all of it durable, as it was before the test could lose anything).
  void track(const std::string& file, bool created);

  std::atomic<bool> cut_{false};
  std::mutex mutex_;
  std::map<std::string, file_state> files_;  // by normalised path
};

}  // namespace ordo::persistence::testing
