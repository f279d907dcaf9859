#include "http/idempotency.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

namespace ordo::http {

namespace {

using json = nlohmann::json;

constexpr std::string_view record_prefix = "idem/";
constexpr std::string_view time_prefix = "idem-at/";

std::string record_key(std::string_view key) {
  return std::string(record_prefix) + std::string(key);
}

// Zero-padded hex, so that the index sorts by time.
std::string time_key(std::int64_t at_ms, std::string_view key) {
  char stamp[17];
  std::snprintf(stamp, sizeof stamp, "%016llx", static_cast<unsigned long long>(at_ms));
  return std::string(time_prefix) + stamp + "/" + std::string(key);
}

reply stored_reply(const json& record) {
  reply r;
  r.status = record.value("status", 200);
  r.content_type = record.value("content_type", "application/json");
  r.body = record.value("body", "");
  if (auto headers = record.find("headers"); headers != record.end() && headers->is_array())
    for (const auto& h : *headers)
      if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string())
        r.with_header(h[0].get<std::string>(), h[1].get<std::string>());
  r.with_header("Idempotent-Replayed", "true");
  return r;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

bool is_valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  for (unsigned char c : key)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

std::string request_fingerprint(std::string_view method, std::string_view path,
                                std::string_view body) {
  std::string text;
  text.append(method).append("\n").append(path).append("\n").append(body);
  return sha256_hex(text);
}

std::mutex& idempotency_store::lock_for(std::string_view key) {
  return stripes_[std::hash<std::string_view>{}(key) % stripes_.size()];
}

persistence::result<void> idempotency_store::write_record(std::string_view key, std::string record,
                                                          std::int64_t now_ms) {
  std::vector<persistence::kv_write> writes{{record_key(key), std::move(record)},
                                            {time_key(now_ms, key), std::string()}};
  return kv_.write(writes);
}

persistence::result<idempotency_store::decision> idempotency_store::begin(
    std::string_view key, std::string_view fingerprint, std::int64_t now_ms) {
  std::lock_guard lock(lock_for(key));
  auto found = kv_.get(record_key(key));
  if (!found) return std::unexpected(found.error());
  if (*found) {
    auto record = json::parse(**found, nullptr, /*allow_exceptions=*/false);
    auto stored_at = record.is_object() ? record.value("stored_at_ms", std::int64_t{0}) : 0;
    bool fresh =
        now_ms - stored_at < std::chrono::duration_cast<std::chrono::milliseconds>(ttl_).count();
    if (record.is_object() && fresh) {
      if (record.value("fingerprint", "") != fingerprint) return decision{verdict::reused, {}};
      if (record.contains("status")) return decision{verdict::replay, stored_reply(record)};
      return decision{verdict::run, {}};  // pending: this request again
    }
  }
  json pending{{"fingerprint", fingerprint}, {"stored_at_ms", now_ms}};
  if (auto written = write_record(key, pending.dump(), now_ms); !written)
    return std::unexpected(written.error());
  return decision{verdict::run, {}};
}

persistence::result<void> idempotency_store::finish(std::string_view key,
                                                    std::string_view fingerprint,
                                                    const reply& response, std::int64_t now_ms) {
  json headers = json::array();
  for (const auto& [name, value] : response.headers) headers.push_back({name, value});
  json record{{"fingerprint", fingerprint}, {"stored_at_ms", now_ms},
              {"status", response.status},  {"content_type", response.content_type},
              {"body", response.body},      {"headers", std::move(headers)}};
  std::lock_guard lock(lock_for(key));
  return write_record(key, record.dump(-1, ' ', false, json::error_handler_t::replace), now_ms);
}

persistence::result<idempotency_store::expiry> idempotency_store::expire(std::int64_t now_ms,
                                                                         std::size_t max_records) {
  auto cutoff = now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(ttl_).count();
  auto index = kv_.scan(time_prefix, {}, max_records);
  if (!index) return std::unexpected(index.error());
  expiry expired;
  for (const auto& [entry, ignored] : *index) {
    auto stamp_and_key = std::string_view(entry).substr(time_prefix.size());
    std::int64_t stamp = 0;
    std::from_chars(stamp_and_key.data(),
                    stamp_and_key.data() + std::min<std::size_t>(16, stamp_and_key.size()), stamp,
                    16);
    if (stamp >= cutoff || stamp_and_key.size() < 18) break;
    auto key = stamp_and_key.substr(17);
    std::lock_guard lock(lock_for(key));
    std::vector<persistence::kv_write> writes{{entry, std::nullopt}};
    // The key may have been stored again since: then its record belongs to a newer index entry.
    auto found = kv_.get(record_key(key));
    if (!found) return std::unexpected(found.error());
    auto record = *found ? json::parse(**found, nullptr, false) : json();
    bool stale = !record.is_object() || record.value("stored_at_ms", std::int64_t{0}) < cutoff;
    if (stale) writes.push_back({record_key(key), std::nullopt});
    if (auto written = kv_.write(writes); !written) return std::unexpected(written.error());
    ++expired.index_entries;
    if (stale && *found) ++expired.keys;
  }
  return expired;
}

}  // namespace ordo::http
