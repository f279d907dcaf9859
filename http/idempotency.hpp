// Idempotency keys (docs/API.md): the first response to a POST/DELETE with an Idempotency-Key is
// kept in the kv store; the same key with the same request gets that response again, the same
// key with another request is refused.
//
// Records: "idem/<key>" -> {"fingerprint", "stored_at_ms", and once answered "status",
// "content_type", "body", "headers"}, plus a time index "idem-at/<ms, 16 hex>/<key>" for expiry.
// A record without a response is pending: written before the command runs, so that a request
// with the same key but another body is refused even while (or after a crash during) the first
// one runs. Commands carry a command id derived from the key, so running a pending request again
// (after a crash between the journal append and storing the response) does not apply it twice.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "actors/command_ids.hpp"
#include "http/reply.hpp"
#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"

namespace ordo::http {

std::string sha256_hex(std::string_view bytes);

// 1..128 printable ASCII characters.
bool is_valid_idempotency_key(std::string_view key);

// What identifies a request for idempotency: method, path and body.
std::string request_fingerprint(std::string_view method, std::string_view path,
                                std::string_view body);

// The command id of the command a request with this key sends to its aggregate.
inline std::string command_id_for_key(std::string_view key) {
  return actors::client_command_id(key);
}

class idempotency_store {
 public:
  idempotency_store(persistence::kv_store& kv, std::chrono::milliseconds ttl)
      : kv_(kv), ttl_(ttl) {}

  enum class verdict {
    run,     // new key (or a pending one with the same fingerprint): run the request
    replay,  // answered before: send `stored`
    reused,  // the key belongs to another request: 422
  };
  struct decision {
    verdict what = verdict::run;
    reply stored;
  };

  // Looks the key up and, for a new key, records it as pending for `fingerprint`.
  persistence::result<decision> begin(std::string_view key, std::string_view fingerprint,
                                      std::int64_t now_ms);

  // Keeps `response` for the key. Call it for final answers only: a 429 or 5xx leaves the key
  // pending, so that a retry runs the request again.
  persistence::result<void> finish(std::string_view key, std::string_view fingerprint,
                                   const reply& response, std::int64_t now_ms);

  struct expiry {
    std::size_t index_entries = 0;  // time index entries deleted (at most max_records)
    std::size_t keys = 0;           // key records among them deleted
  };
  // Deletes up to `max_records` time index entries older than the ttl, oldest first, with their
  // key records unless stored again since. http/idempotency_sweeper.hpp calls it in the background.
  persistence::result<expiry> expire(std::int64_t now_ms, std::size_t max_records);

 private:
  std::mutex& lock_for(std::string_view key);
  persistence::result<void> write_record(std::string_view key, std::string record,
                                         std::int64_t now_ms);

  persistence::kv_store& kv_;
  std::chrono::milliseconds ttl_;
  // begin() reads and then writes a key: requests with the same key take turns there. The kv store
  // has no compare-and-set, and one node serves each request, so a lock stripe per key hash is
  // enough.
  std::array<std::mutex, 64> stripes_;
};

}  // namespace ordo::http
