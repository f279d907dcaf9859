// Personal data sealed per customer (crypto-shredding): every personal field is encrypted with
// AES-256-GCM under a data key of its customer before it reaches an event, a snapshot, a view row
// or an idempotency record; destroying the key erases every copy at once, wherever it was
// copied. Data keys live in the kv store wrapped (AES-256-GCM) by the node's master key, which
// comes from a file outside the data directory (privacy.master_key_file).
//
// A sealed value is readable text that names its key:
//   "pd1:<customer id>:<key generation>:<base64 of nonce (12) | ciphertext | tag (16)>"
// The associated data of the encryption is "<customer id>\n<field>" (field e.g. "shipping.name"),
// so a ciphertext moved to another customer or field fails to open. A fresh random nonce per seal.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"

namespace ordo::persistence {

// The node's master key: 32 random bytes in a file of their own.
class master_key {
 public:
  static constexpr std::size_t size = 32;
  // Reads `path`. When it does not exist and `create_if_missing`, creates it first (32 bytes from
  // the OS's CSPRNG, mode 0600, O_EXCL: two processes starting at once end up with one key).
  // Errors (invalid_argument) name the file and say what is wrong: cannot be read, is readable or
  // writable by group or others (mode must be 0600 or 0400), is not exactly 32 bytes.
  static result<master_key> load(const std::string& path, bool create_if_missing);
  // For tests and rotation.
  static master_key from_bytes(const std::array<std::uint8_t, size>& bytes, std::string path = {});

  master_key() = default;
  master_key(const master_key&) = default;
  master_key& operator=(const master_key&) = default;
  ~master_key();  // wipes the bytes

  const std::string& path() const { return path_; }
  const std::array<std::uint8_t, size>& bytes() const { return bytes_; }

 private:
  std::array<std::uint8_t, size> bytes_{};
  std::string path_;
};

// What opening a sealed value found.
struct opened_value {
  bool erased = false;  // the customer's key (of that generation) was destroyed
  std::string plain;    // the value, when not erased
};

enum class customer_key_state { none, live, erased };

class personal_data_keys {
 public:
  static constexpr std::string_view sealed_prefix = "pd1:";
  static constexpr std::string_view erased_text = "[erased]";

  // `kv` outlives this. At most `cache_capacity` unwrapped data keys are kept in memory.
  personal_data_keys(kv_store& kv, master_key master, std::size_t cache_capacity = 4096);
  ~personal_data_keys();  // wipes the cached keys

  // Checks that `master` is the key this data directory's data keys are wrapped with (a check
  // record written, wrapped, on first use). Error (invalid_argument) naming the key file when it
  // is not; storage errors as they come.
  result<void> check_master();

  // The sealed form of `plain` as field `field` of `customer`'s personal data. Creates the
  // customer's data key on first use (durably, with a WAL sync, before returning: no event can
  // hold a value sealed with a key that could be lost). After an erasure the customer gets a key
  // of the next generation. Thread-safe.
  result<std::string> seal(std::string_view customer, std::string_view field,
                           std::string_view plain);
  // Opens a sealed value of `customer`'s field `field`. Erased when the key of its generation was
  // destroyed. Error `corrupt` when the value is not a sealed value, names another customer,
  // or fails authentication (tampered ciphertext, or moved to another customer/field).
  result<opened_value> open(std::string_view customer, std::string_view field,
                            std::string_view sealed);
  static bool is_sealed(std::string_view value) { return value.starts_with(sealed_prefix); }

  // Destroys `customer`'s data key durably (a record that says erased, with its generation, WAL
  // synced), then makes the key's bytes leave RocksDB's files: flushes every column family so the
  // WAL that held the key is retired, and compacts the key's range so no SST keeps an old version.
  // Idempotent: an erased or unknown customer is fine (and recorded as erased). Thread-safe.
  result<void> destroy(std::string_view customer);
  result<customer_key_state> state(std::string_view customer);

  // Re-wraps every data key and the check record with `next`, in one atomic synced write (the
  // offline `ordo keys rotate`). Afterwards this object uses `next`. The count of keys re-wrapped.
  result<std::size_t> rewrap_all(const master_key& next);

  // How many unwrapped data keys the cache holds (at most cache_capacity).
  std::size_t cached_keys() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ordo::persistence
