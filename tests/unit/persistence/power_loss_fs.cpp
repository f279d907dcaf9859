#include "power_loss_fs.hpp"

#include <filesystem>

namespace ordo::persistence::testing {
namespace {

namespace fs = std::filesystem;
using rocksdb::IOStatus;

std::string normal(const std::string& path) {
  return fs::path(path).lexically_normal().string();
}

IOStatus no_power() {
  return IOStatus::IOError("power_loss_fs: the power is cut");
}

// A file written through power_loss_fs: tells it what was written and synced; fails once the
// power is cut.
class tracked_file : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  tracked_file(std::unique_ptr<rocksdb::FSWritableFile> file, power_loss_fs& owner,
               std::string name)
      : FSWritableFileOwnerWrapper(std::move(file)), owner_(owner), name_(std::move(name)) {}

  IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                  rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    auto offset = target()->GetFileSize(options, dbg);
    auto s = target()->Append(data, options, dbg);
    if (s.ok()) owner_.wrote(name_, offset + data.size());
    return s;
  }
  IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    auto offset = target()->GetFileSize(options, dbg);
    auto s = target()->Append(data, options, info, dbg);
    if (s.ok()) owner_.wrote(name_, offset + data.size());
    return s;
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    auto s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) owner_.wrote(name_, offset + data.size());
    return s;
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const rocksdb::IOOptions& options,
                            const rocksdb::DataVerificationInfo& info,
                            rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    auto s = target()->PositionedAppend(data, offset, options, info, dbg);
    if (s.ok()) owner_.wrote(name_, offset + data.size());
    return s;
  }
  IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                    rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    auto s = target()->Truncate(size, options, dbg);
    if (s.ok()) owner_.truncated(name_, size);
    return s;
  }
  IOStatus Flush(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    return target()->Flush(options, dbg);
  }
  IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    auto s = target()->Sync(options, dbg);
    if (s.ok()) owner_.synced(name_);
    return s;
  }
  IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    auto s = target()->Fsync(options, dbg);
    if (s.ok()) owner_.synced(name_);
    return s;
  }
  // sync_file_range: starts writeback, promises nothing about durability.
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& options,
                     rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    return target()->RangeSync(offset, nbytes, options, dbg);
  }
  // Closing writes nothing more to the disk than the page cache holds: not a sync.
  IOStatus Close(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    auto s = target()->Close(options, dbg);
    return owner_.power_cut() ? no_power() : s;
  }

 private:
  power_loss_fs& owner_;
  std::string name_;
};

class tracked_directory : public rocksdb::FSDirectory {
 public:
  tracked_directory(std::unique_ptr<rocksdb::FSDirectory> directory, power_loss_fs& owner,
                    std::string name)
      : directory_(std::move(directory)), owner_(owner), name_(std::move(name)) {}

  IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (owner_.power_cut()) return no_power();
    auto s = directory_->Fsync(options, dbg);
    if (s.ok()) owner_.directory_synced(name_);
    return s;
  }
  IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& dir_options) override {
    if (owner_.power_cut()) return no_power();
    auto s = directory_->FsyncWithDirOptions(options, dbg, dir_options);
    if (s.ok()) owner_.directory_synced(name_);
    return s;
  }
  IOStatus Close(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return directory_->Close(options, dbg);
  }
  size_t GetUniqueId(char* id, size_t max_size) const override {
    return directory_->GetUniqueId(id, max_size);
  }

 private:
  std::unique_ptr<rocksdb::FSDirectory> directory_;
  power_loss_fs& owner_;
  std::string name_;
};

}  // namespace

void power_loss_fs::track(const std::string& file, bool created) {
  std::lock_guard lock(mutex_);
  file_state state;
  if (!created) {
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    state.size = state.synced = ec ? 0 : size;
    state.entry_durable = true;
  }
  files_[file] = state;
}

void power_loss_fs::wrote(const std::string& file, std::uint64_t end_offset) {
  std::lock_guard lock(mutex_);
  auto& state = files_[file];
  state.size = std::max(state.size, end_offset);
}

void power_loss_fs::truncated(const std::string& file, std::uint64_t size) {
  std::lock_guard lock(mutex_);
  auto& state = files_[file];
  state.size = size;
  state.synced = std::min(state.synced, size);
}

void power_loss_fs::synced(const std::string& file) {
  std::lock_guard lock(mutex_);
  auto& state = files_[file];
  state.synced = state.size;
}

void power_loss_fs::directory_synced(const std::string& directory) {
  std::lock_guard lock(mutex_);
  for (auto& [file, state] : files_)
    if (fs::path(file).parent_path() == fs::path(directory)) state.entry_durable = true;
}

power_loss_fs::loss power_loss_fs::lose_unsynced() {
  std::lock_guard lock(mutex_);
  loss lost;
  for (auto& [file, state] : files_) {
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;
    if (!state.entry_durable) {
      fs::remove(file, ec);
      ++lost.deleted_files;
      continue;
    }
    auto size = fs::file_size(file, ec);
    if (!ec && size > state.synced) {
      fs::resize_file(file, state.synced, ec);
      ++lost.truncated_files;
      lost.lost_bytes += size - state.synced;
    }
  }
  files_.clear();
  return lost;
}

IOStatus power_loss_fs::NewWritableFile(const std::string& f, const rocksdb::FileOptions& options,
                                        std::unique_ptr<rocksdb::FSWritableFile>* r,
                                        rocksdb::IODebugContext* dbg) {
  if (cut_) return no_power();
  std::unique_ptr<rocksdb::FSWritableFile> file;
  auto s = target()->NewWritableFile(f, options, &file, dbg);
  if (!s.ok()) return s;
  track(normal(f), /*created=*/true);
  *r = std::make_unique<tracked_file>(std::move(file), *this, normal(f));
  return s;
}

IOStatus power_loss_fs::ReopenWritableFile(const std::string& f,
                                           const rocksdb::FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* r,
                                           rocksdb::IODebugContext* dbg) {
  if (cut_) return no_power();
  bool existed = fs::exists(f);
  std::unique_ptr<rocksdb::FSWritableFile> file;
  auto s = target()->ReopenWritableFile(f, options, &file, dbg);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mutex_);
    if (files_.contains(normal(f))) existed = false;  // already tracked: keep what it knows
  }
  if (existed) track(normal(f), /*created=*/false);
  *r = std::make_unique<tracked_file>(std::move(file), *this, normal(f));
  return s;
}

IOStatus power_loss_fs::ReuseWritableFile(const std::string& f, const std::string& old,
                                          const rocksdb::FileOptions& options,
                                          std::unique_ptr<rocksdb::FSWritableFile>* r,
                                          rocksdb::IODebugContext* dbg) {
  // A recycled log is a rename and a rewrite: keep it simple, create a new file instead.
  if (auto s = DeleteFile(old, rocksdb::IOOptions(), dbg); !s.ok()) return s;
  return NewWritableFile(f, options, r, dbg);
}

IOStatus power_loss_fs::NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                     std::unique_ptr<rocksdb::FSDirectory>* r,
                                     rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> directory;
  auto s = target()->NewDirectory(name, options, &directory, dbg);
  if (!s.ok()) return s;
  *r = std::make_unique<tracked_directory>(std::move(directory), *this, normal(name));
  return s;
}

IOStatus power_loss_fs::DeleteFile(const std::string& f, const rocksdb::IOOptions& options,
                                   rocksdb::IODebugContext* dbg) {
  if (cut_) return no_power();
  auto s = target()->DeleteFile(f, options, dbg);
  if (s.ok()) {
    std::lock_guard lock(mutex_);
    files_.erase(normal(f));
  }
  return s;
}

IOStatus power_loss_fs::RenameFile(const std::string& src, const std::string& target_name,
                                   const rocksdb::IOOptions& options,
                                   rocksdb::IODebugContext* dbg) {
  if (cut_) return no_power();
  auto s = target()->RenameFile(src, target_name, options, dbg);
  if (!s.ok()) return s;
  std::lock_guard lock(mutex_);
  file_state state;
  if (auto it = files_.find(normal(src)); it != files_.end()) {
    state = it->second;
    files_.erase(it);
  } else {
    std::error_code ec;
    auto size = fs::file_size(target_name, ec);
    state.size = state.synced = ec ? 0 : size;
  }
  // The new name is durable only once its directory is synced. (Simplified: until then the file
  // is lost, where a real file system would keep the old name or the old target.)
  state.entry_durable = false;
  files_[normal(target_name)] = state;
  return s;
}

}  // namespace ordo::persistence::testing
