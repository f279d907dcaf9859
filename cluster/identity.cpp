#include "cluster/identity.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <vector>

#include "cluster/owner_map.hpp"
#include "cluster/wire_version.hpp"

namespace ordo::cluster {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr int record_format = 1;

struct identity {
  std::string node;
  std::uint32_t shards = 0;
  std::vector<std::string> members;  // sorted; empty for a single node
  std::uint32_t wire = 0;
  bool single() const { return members.empty(); }
  bool operator==(const identity&) const = default;
};

std::vector<std::string> sorted_member_ids(const config::cluster_settings& cluster) {
  std::vector<std::string> ids;
  if (cluster.clustered())
    for (const auto& member : cluster.nodes) ids.push_back(member.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
  return text;
}

std::string fingerprint_of(std::uint32_t wire, std::uint32_t shards,
                           const std::vector<std::string>& ids) {
  // Each id as "<length>:<id>": the text names one list only, whatever the ids hold.
  std::string text = "ordo-cluster wire=" + std::to_string(wire) +
                     " shards=" + std::to_string(shards) + " members=";
  for (const auto& id : ids) text += std::to_string(id.size()) + ":" + id;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(mix64(fnv1a64(text))));
  return hex;
}

identity identity_of(const config::settings& s) {
  return {s.node.id, s.cluster.shards, sorted_member_ids(s.cluster), wire_version};
}

json to_json(const identity& id) {
  return {
      {"format", record_format}, {"node", id.node},
      {"shards", id.shards},     {"members", id.members},
      {"wire_version", id.wire}, {"fingerprint", fingerprint_of(id.wire, id.shards, id.members)}};
}

std::expected<identity, std::string> from_json(const json& record) {
  if (!record.is_object()) return std::unexpected("not a JSON object");
  if (record.value("format", json()) != record_format)
    return std::unexpected("\"format\" is not " + std::to_string(record_format));
  identity id;
  auto node = record.find("node");
  auto shards = record.find("shards");
  auto members = record.find("members");
  auto wire = record.find("wire_version");
  if (node == record.end() || !node->is_string() || node->get_ref<const std::string&>().empty())
    return std::unexpected("\"node\" is not a non-empty string");
  if (shards == record.end() || !shards->is_number_unsigned() ||
      shards->get<std::uint64_t>() == 0 || shards->get<std::uint64_t>() > UINT32_MAX)
    return std::unexpected("\"shards\" is not a positive integer");
  if (members == record.end() || !members->is_array() ||
      !std::all_of(members->begin(), members->end(), [](const json& m) { return m.is_string(); }))
    return std::unexpected("\"members\" is not an array of strings");
  if (wire == record.end() || !wire->is_number_unsigned() ||
      wire->get<std::uint64_t>() > UINT32_MAX)
    return std::unexpected("\"wire_version\" is not an integer");
  id.node = node->get<std::string>();
  id.shards = shards->get<std::uint32_t>();
  id.members = members->get<std::vector<std::string>>();
  std::sort(id.members.begin(), id.members.end());
  id.wire = wire->get<std::uint32_t>();
  return id;
}

std::string errno_text(int error) {
  return std::strerror(error);
}

// Writes `text` to `file` atomically and durably. replace = false: only if `file` does not exist
// (link fails with EEXIST when another start recorded one meanwhile: returns false).
std::expected<bool, std::string> write_record(const fs::path& dir, const fs::path& file,
                                              const std::string& text, bool replace) {
  auto temporary = file;
  temporary += ".tmp-" + std::to_string(::getpid());
  auto failed = [&](const char* step, int error) {
    ::unlink(temporary.c_str());
    return std::unexpected("cannot record the identity of data directory " + dir.string() + " in " +
                           file.string() + ": " + step + ": " + errno_text(error));
  };
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failed("open", errno);
  for (std::size_t written = 0; written < text.size();) {
    auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return failed("write", error);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int error = errno;
    ::close(fd);
    return failed("fsync", error);
  }
  ::close(fd);
  if (replace) {
    if (::rename(temporary.c_str(), file.c_str()) != 0) return failed("rename", errno);
  } else {
    if (::link(temporary.c_str(), file.c_str()) != 0) {
      if (errno == EEXIST) {
        ::unlink(temporary.c_str());
        return false;
      }
      return failed("link", errno);
    }
    ::unlink(temporary.c_str());
  }
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return failed("open directory", errno);
  int synced = ::fsync(dir_fd);
  int error = errno;
  ::close(dir_fd);
  if (synced != 0) return failed("fsync directory", error);
  return true;
}

// The recorded identity, nullopt when there is none, or why it cannot be read.
std::expected<std::optional<identity>, std::string> read_record(const fs::path& dir,
                                                                const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec))) {
    if (ec && ec != std::errc::no_such_file_or_directory)
      return std::unexpected("cannot read " + file.string() + ": " + ec.message());
    return std::nullopt;
  }
  auto unreadable = [&](const std::string& why) {
    return std::unexpected("data directory " + dir.string() + ": its identity " + file.string() +
                           " is unreadable (" + why +
                           "); remove it to let this start record its own, knowingly");
  };
  std::ifstream in(file, std::ios::binary);
  if (!in) return unreadable(errno_text(errno));
  std::ostringstream text;
  text << in.rdbuf();
  auto record = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded()) return unreadable("not valid JSON");
  auto id = from_json(record);
  if (!id) return unreadable(id.error());
  return *id;
}

std::string describe(const identity& id) {
  return id.single() ? "single node " + id.node
                     : "member " + id.node + " of the cluster " + joined(id.members) + " (" +
                           std::to_string(id.shards) + " shards)";
}

// Why `current` may not start on a directory recorded as `recorded`, or nullopt.
std::optional<std::string> refusal(const fs::path& dir, const fs::path& file,
                                   const identity& recorded, const identity& current) {
  if (recorded.single() && current.single()) return std::nullopt;
  std::string why;
  if (recorded.node != current.node) {
    why = "belongs to node " + recorded.node + ", not " + current.node +
          ": each node keeps its own journal (start it as " + recorded.node + ", or give " +
          current.node + " a directory of its own)";
  } else if (recorded.single() || current.single() || recorded.shards != current.shards ||
             recorded.members != current.members) {
    why = "belongs to the " + describe(recorded) + ", not the " + describe(current) +
          ": the shards' owners would change, and the streams this journal holds would get a "
          "second history elsewhere";
  } else {
    return std::nullopt;
  }
  return "data directory " + dir.string() + " " + why + " (recorded in " + file.string() +
         "; remove it to let this start record its own, knowingly)";
}

}  // namespace

std::string fingerprint(const config::cluster_settings& cluster) {
  return fingerprint_of(wire_version, cluster.shards, sorted_member_ids(cluster));
}

std::expected<void, std::string> check_identity(const fs::path& data_dir,
                                                const config::settings& s) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec)
    return std::unexpected("cannot create data directory " + data_dir.string() + ": " +
                           ec.message());
  auto file = data_dir / identity_file_name;
  auto current = identity_of(s);
  auto text = to_json(current).dump() + "\n";
  // Twice at most: a first start that finds another recording at the same moment checks that one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto recorded = read_record(data_dir, file);
    if (!recorded) return std::unexpected(recorded.error());
    if (!*recorded) {
      auto written = write_record(data_dir, file, text, /*replace=*/false);
      if (!written) return std::unexpected(written.error());
      if (*written) return {};
      continue;
    }
    if (auto why = refusal(data_dir, file, **recorded, current)) return std::unexpected(*why);
    if (**recorded != current) {  // a single node renamed or resharded, or a new wire version
      auto written = write_record(data_dir, file, text, /*replace=*/true);
      if (!written) return std::unexpected(written.error());
    }
    return {};
  }
  return std::unexpected("data directory " + data_dir.string() + ": " + file.string() +
                         " appeared and vanished while this start read it");
}

}  // namespace ordo::cluster
