#include "persistence/detail/rocks_open.hpp"

#include <rocksdb/env.h>
#include <rocksdb/listener.h>

#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <mutex>

namespace ordo::persistence::detail {
namespace {

// Writes RocksDB's info LOG (none for a read-only open, which must not write to the directory)
// and keeps the lines in which the WAL's recovery reports dropping bytes: the only place where
// RocksDB names the damaged file. The LOG is a plain stdio file whose write errors are ignored:
// RocksDB's own logger aborts (an assertion in WritableFileWriter, Debian's build keeps them)
// when it logs again after a write of the LOG failed on a full disk.
class wal_drop_logger : public rocksdb::Logger {
 public:
  explicit wal_drop_logger(std::FILE* file)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), file_(file) {}
  ~wal_drop_logger() override {
    if (file_) std::fclose(file_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    char line[1024];
    std::vsnprintf(line, sizeof line, format, ap);
    std::string_view text(line);
    std::lock_guard lock(mutex_);
    if (auto at = text.find(": dropping "); at != std::string_view::npos) {
      // "[db/db_impl/db_impl_open.cc:981] /dir/000012.log: dropping 94 bytes; Corruption: ..."
      auto start = text.starts_with('[') ? text.find("] ") : std::string_view::npos;
      drops_.emplace_back(start == std::string_view::npos ? text : text.substr(start + 2));
    }
    if (file_ && level >= GetInfoLogLevel()) {
      std::fprintf(file_, "%s\n", line);
      std::fflush(file_);
      std::clearerr(file_);
    }
  }
  std::vector<std::string> drops() {
    std::lock_guard lock(mutex_);
    return drops_;
  }

 private:
  std::FILE* file_;
  std::mutex mutex_;
  std::vector<std::string> drops_;
};

// Records RocksDB's background errors for the journal writer, and turns RocksDB's own recovery
// off: the writer resumes the database when it can, so that one place knows the journal's state.
class background_listener : public rocksdb::EventListener {
 public:
  explicit background_listener(std::shared_ptr<background_error> state)
      : state_(std::move(state)) {}
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    if (!error || error->ok()) return;
    std::lock_guard lock(state_->mutex);
    state_->text = error->ToString();
    state_->pending.store(true, std::memory_order_release);
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    if (auto_recovery) *auto_recovery = false;
  }

 private:
  std::shared_ptr<background_error> state_;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (auto& line : lines) out += (out.empty() ? "" : "; ") + line;
  return out;
}

}  // namespace

result<std::unique_ptr<rocks>> open_rocks(const open_spec& spec, rocksdb::DBOptions options,
                                          std::vector<rocksdb::ColumnFamilyDescriptor> families) {
  const auto& path = spec.path;
  if (path.empty()) return storage_failure(storage_errc::invalid_argument, "empty data directory");
  std::error_code ec;
  if (spec.create_if_missing && !spec.read_only) std::filesystem::create_directories(path, ec);
  if (!std::filesystem::is_directory(path, ec))
    return storage_failure(storage_errc::invalid_argument,
                           "data directory " + path + " does not exist");
  if ((!spec.create_if_missing || spec.read_only) &&
      !std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec))
    return storage_failure(storage_errc::invalid_argument,
                           "data directory " + path + " holds no ordo database");

  auto db = std::make_unique<rocks>();
  db->path = path;
  db->read_only = spec.read_only;
  options.create_if_missing = spec.create_if_missing && !spec.read_only;
  options.create_missing_column_families = !spec.read_only;
  options.wal_recovery_mode = spec.wal == wal_damage::refuse
                                  ? rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords
                                  : rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  options.max_bgerror_resume_count = 0;  // the journal writer resumes (see background_listener)
  std::FILE* log_file =
      spec.read_only ? nullptr : std::fopen((std::filesystem::path(path) / "LOG").c_str(), "a");
  auto logger = std::make_shared<wal_drop_logger>(log_file);
  options.info_log = logger;
  if (!spec.read_only)
    options.listeners.push_back(std::make_shared<background_listener>(db->background));

  auto busy = [&] {
    return storage_failure(storage_errc::busy,
                           "data directory " + path + " is in use by another process");
  };
  if (spec.read_only) {
    // OpenForReadOnly takes no lock; take RocksDB's own, so that no node starts meanwhile.
    auto env = options.env ? options.env : rocksdb::Env::Default();
    if (!env->LockFile(path + "/LOCK", &db->lock).ok()) return busy();
  }
  rocksdb::DB* raw = nullptr;
  auto status = spec.read_only
                    ? rocksdb::DB::OpenForReadOnly(options, path, families, &db->handles, &raw)
                    : rocksdb::DB::Open(options, path, families, &db->handles, &raw);
  db->wal_drops = logger->drops();
  if (!status.ok()) {
    auto text = status.ToString();
    if (status.IsIOError() && text.find("lock") != std::string::npos) return busy();
    if (!spec.create_if_missing && text.find("does not exist") != std::string::npos)
      return storage_failure(storage_errc::invalid_argument,
                             "data directory " + path + " holds no ordo database");
    if (status.IsCorruption() && !db->wal_drops.empty())
      return storage_failure(
          storage_errc::corrupt,
          "the write-ahead log of " + path + " is damaged before its end (" +
              joined(db->wal_drops) +
              "): the events written after the damage would be lost; 'ordo repair --data " + path +
              " --accept-loss' opens the journal without them");
    return std::unexpected(from_status(status, "cannot open " + path));
  }
  db->db.reset(raw);
  db->events = db->handles[1];
  db->positions = db->handles[2];
  db->streams = db->handles[3];
  db->snapshots = db->handles[4];
  db->kv = db->handles[5];
  return db;
}

}  // namespace ordo::persistence::detail
