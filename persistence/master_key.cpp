// master_key::load: the node's master key file, created once and then only read.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "persistence/detail/crypto.hpp"
#include "persistence/personal_data.hpp"

namespace ordo::persistence {
namespace {

std::unexpected<storage_error> key_file_error(const std::string& path, const std::string& what) {
  return storage_failure(storage_errc::invalid_argument, "master key file " + path + " " + what);
}

std::string errno_text(int error) {
  return std::strerror(error);
}

class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_(fd) {}
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    auto n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool fsync_directory_of(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  fd_guard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd.get() >= 0 && ::fsync(fd.get()) == 0;
}

// Writes a new key into a temporary file of its own, then links it under `path`: link() fails
// when `path` exists, so of two processes creating the key at once one wins, and no reader ever
// sees a file with fewer than 32 bytes in it. Ok also when another process won.
result<void> create_key_file(const std::string& path) {
  std::array<std::uint8_t, master_key::size> bytes{};
  if (!detail::random_bytes(bytes.data(), bytes.size()))
    return key_file_error(path, "cannot be created: no random bytes (OpenSSL)");
  std::array<std::uint8_t, 8> suffix{};
  (void)detail::random_bytes(suffix.data(), suffix.size());
  constexpr std::string_view hex = "0123456789abcdef";
  std::string temp = path + ".new-" + std::to_string(::getpid()) + "-";
  for (auto byte : suffix) {
    temp += hex[byte >> 4];
    temp += hex[byte & 15];
  }
  fd_guard fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    auto error = errno;
    detail::cleanse(bytes.data(), bytes.size());
    return key_file_error(path, "cannot be created: " + errno_text(error));
  }
  bool written = write_all(fd.get(), bytes.data(), bytes.size()) && ::fsync(fd.get()) == 0;
  detail::cleanse(bytes.data(), bytes.size());
  auto error = errno;
  if (!written) {
    ::unlink(temp.c_str());
    return key_file_error(path, "cannot be created: " + errno_text(error));
  }
  bool linked = ::link(temp.c_str(), path.c_str()) == 0;
  error = errno;
  ::unlink(temp.c_str());
  if (!linked && error != EEXIST)
    return key_file_error(path, "cannot be created: " + errno_text(error));
  if (!fsync_directory_of(path))
    return key_file_error(path, "cannot be created: its directory cannot be synced");
  return {};
}

}  // namespace

result<master_key> master_key::load(const std::string& path, bool create_if_missing) {
  if (path.empty()) return storage_failure(storage_errc::invalid_argument, "no master key file");
  fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0 && errno == ENOENT && create_if_missing) {
    if (auto created = create_key_file(path); !created) return std::unexpected(created.error());
    return load(path, false);
  }
  if (fd.get() < 0) return key_file_error(path, "cannot be read: " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return key_file_error(path, "cannot be read: " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) return key_file_error(path, "is not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return key_file_error(path, std::string("has mode ") + mode +
                                    ": it must not be readable or writable by group or others "
                                    "(0600 or 0400)");
  }
  if (st.st_size != static_cast<off_t>(size))
    return key_file_error(path, "holds " + std::to_string(st.st_size) + " bytes, not exactly " +
                                    std::to_string(size));
  master_key key;
  key.path_ = path;
  std::size_t got = 0;
  while (got < size) {
    auto n = ::read(fd.get(), key.bytes_.data() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return key_file_error(path, "cannot be read in full");
    got += static_cast<std::size_t>(n);
  }
  return key;
}

master_key::~master_key() {
  detail::cleanse(bytes_.data(), bytes_.size());
}

master_key master_key::from_bytes(const std::array<std::uint8_t, size>& bytes, std::string path) {
  master_key key;
  key.bytes_ = bytes;
  key.path_ = std::move(path);
  return key;
}

}  // namespace ordo::persistence
