#include "persistence/personal_data.hpp"

#include <charconv>
#include <list>
#include <unordered_map>
#include <vector>

#include "persistence/detail/crypto.hpp"

namespace ordo::persistence {
namespace {

using detail::secret_key;

// kv layout: one record per customer that ever had a key, and one check record.
constexpr std::string_view key_prefix = "privacy/key/";
constexpr std::string_view check_key = "privacy/master-check";
constexpr std::string_view check_plain = "ordo master key check v1";
constexpr std::string_view check_aad = "ordo-master-check";

// A customer's key record: state ('L' live, 'E' erased) | generation (u64 BE) | for a live key,
// the data key wrapped by the master key (nonce | ciphertext | tag, 60 bytes), binary.
constexpr char live_mark = 'L';
constexpr char erased_mark = 'E';
constexpr std::size_t wrapped_bytes =
    detail::gcm_nonce_bytes + detail::aes_key_bytes + detail::gcm_tag_bytes;

struct key_record {
  std::uint64_t generation = 0;
  bool live = false;
  std::string wrapped;  // live only
};

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>(v >> shift & 0xff);
}

std::uint64_t get_u64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(in[i]);
  return v;
}

std::string encode_record(const key_record& r) {
  std::string out(1, r.live ? live_mark : erased_mark);
  put_u64(out, r.generation);
  if (r.live) out += r.wrapped;
  return out;
}

std::optional<key_record> decode_record(std::string_view value) {
  if (value.size() < 9) return std::nullopt;
  key_record r{.generation = get_u64(value.substr(1, 8)), .live = value[0] == live_mark};
  if (r.live && value.size() == 9 + wrapped_bytes) {
    r.wrapped = std::string(value.substr(9));
    return r;
  }
  if (value[0] == erased_mark && value.size() == 9) return r;
  return std::nullopt;
}

std::string record_key(std::string_view customer) {
  return std::string(key_prefix) + std::string(customer);
}

std::string wrap_aad(std::string_view customer, std::uint64_t generation) {
  return "ordo-data-key\n" + std::string(customer) + "\n" + std::to_string(generation);
}

// domain::is_valid_id's rule (persistence does not link domain): ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$
bool is_valid_customer(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto alnum = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id[0])) return false;
  for (char c : id)
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::unexpected<storage_error> invalid_customer(std::string_view customer) {
  return storage_failure(storage_errc::invalid_argument,
                         "invalid customer id '" + std::string(customer.substr(0, 80)) +
                             "': must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
}

// A sealed value's parts: "pd1:<customer>:<generation>:<base64>".
struct sealed_parts {
  std::string_view customer;
  std::uint64_t generation = 0;
  std::string_view payload;
};

std::optional<sealed_parts> parse_sealed(std::string_view value) {
  if (!personal_data_keys::is_sealed(value)) return std::nullopt;
  value.remove_prefix(personal_data_keys::sealed_prefix.size());
  auto colon = value.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  sealed_parts parts{.customer = value.substr(0, colon)};
  value.remove_prefix(colon + 1);
  colon = value.find(':');
  if (colon == std::string_view::npos || colon == 0 || value[0] == '0') return std::nullopt;
  auto [end, ec] = std::from_chars(value.data(), value.data() + colon, parts.generation);
  if (ec != std::errc() || end != value.data() + colon) return std::nullopt;
  parts.payload = value.substr(colon + 1);
  return parts;
}

}  // namespace

struct personal_data_keys::impl {
  using key_ptr = std::shared_ptr<const secret_key>;
  struct cached {
    std::uint64_t generation;
    key_ptr key;
  };
  using lru_list = std::list<std::pair<std::string, cached>>;

  kv_store& kv;
  master_key master;
  std::size_t capacity;

  // Guards the cache and every read-decide-write of key records, so that two seals do not both
  // create a key, and an open racing a destroy does not put the destroyed key back in the cache.
  std::mutex mutex;
  lru_list lru;  // most recently used first
  std::unordered_map<std::string, lru_list::iterator> index;
  bool check_written = false;

  impl(kv_store& store, master_key key, std::size_t cache_capacity)
      : kv(store), master(std::move(key)), capacity(cache_capacity) {}

  secret_key master_secret() const { return secret_key(master.bytes()); }

  std::unexpected<storage_error> wrong_master(std::string what) const {
    return storage_failure(
        storage_errc::invalid_argument,
        "master key file " + (master.path().empty() ? "(none)" : master.path()) +
            " is not the key this data directory's data keys are wrapped with (" + what + ")");
  }

  // Callers hold `mutex`.
  void remember(std::string_view customer, std::uint64_t generation, key_ptr key) {
    forget(customer);
    if (capacity == 0) return;
    lru.emplace_front(std::string(customer), cached{generation, std::move(key)});
    index.emplace(lru.front().first, lru.begin());
    while (lru.size() > capacity) {
      index.erase(lru.back().first);
      lru.pop_back();  // the key wipes itself when no seal or open still uses it
    }
  }
  void forget(std::string_view customer) {
    if (auto it = index.find(std::string(customer)); it != index.end()) {
      lru.erase(it->second);
      index.erase(it);
    }
  }
  std::optional<cached> lookup(std::string_view customer) {
    auto it = index.find(std::string(customer));
    if (it == index.end()) return std::nullopt;
    lru.splice(lru.begin(), lru, it->second);
    return it->second->second;
  }

  result<std::optional<key_record>> read_record(std::string_view customer) {
    auto value = kv.get(record_key(customer));
    if (!value) return std::unexpected(value.error());
    if (!*value) return std::optional<key_record>{};
    auto record = decode_record(**value);
    if (!record)
      return storage_failure(storage_errc::corrupt,
                             "damaged data key record of customer " + std::string(customer));
    return std::optional<key_record>(std::move(*record));
  }

  result<key_ptr> unwrap(std::string_view customer, const key_record& record) {
    auto raw =
        detail::gcm_open(master_secret(), wrap_aad(customer, record.generation), record.wrapped);
    if (!raw || raw->size() != detail::aes_key_bytes)
      return wrong_master("the data key of customer " + std::string(customer) + " does not unwrap");
    auto key = std::make_shared<secret_key>();
    std::copy(raw->begin(), raw->end(), key->bytes.begin());
    detail::cleanse(raw->data(), raw->size());
    return key_ptr(std::move(key));
  }

  // The check record as a kv write: a known text wrapped by the master key.
  result<kv_write> check_write() const {
    auto wrapped = detail::gcm_seal(master_secret(), check_aad, check_plain);
    if (!wrapped) return storage_failure(storage_errc::io_error, "AES-GCM failed (OpenSSL)");
    return kv_write{std::string(check_key), std::move(*wrapped)};
  }

  // Verifies the check record against `key`; true when there is none.
  result<bool> check_matches(const secret_key& key) {
    auto stored = kv.get(check_key);
    if (!stored) return std::unexpected(stored.error());
    if (!*stored) return true;
    auto plain = detail::gcm_open(key, check_aad, **stored);
    return plain && *plain == check_plain;
  }

  // Writes `writes` (key records), synced, with the check record when it may not exist yet: every
  // directory with a key record has one, so check_master() can tell its master key. Holds `mutex`.
  result<void> write_with_check(std::vector<kv_write> writes) {
    if (!check_written) {
      auto matches = check_matches(master_secret());
      if (!matches) return std::unexpected(matches.error());
      if (!*matches) return wrong_master("the check record does not unwrap");
      auto check = check_write();
      if (!check) return std::unexpected(check.error());
      writes.push_back(std::move(*check));
    }
    if (auto w = kv.write(writes, true); !w) return std::unexpected(w.error());
    check_written = true;
    return {};
  }

  // The customer's live key for sealing, created (durably) when there is none. Holds `mutex`.
  result<cached> key_for_seal(std::string_view customer) {
    if (auto hit = lookup(customer)) return *hit;
    auto record = read_record(customer);
    if (!record) return std::unexpected(record.error());
    if (*record && (*record)->live) {
      auto key = unwrap(customer, **record);
      if (!key) return std::unexpected(key.error());
      remember(customer, (*record)->generation, *key);
      return cached{(*record)->generation, *key};
    }
    // None yet, or erased: a key of the next generation.
    std::uint64_t generation = *record ? (*record)->generation + 1 : 1;
    auto key = std::make_shared<secret_key>();
    if (!detail::random_bytes(key->bytes.data(), key->bytes.size()))
      return storage_failure(storage_errc::io_error, "no random bytes for a data key (OpenSSL)");
    std::string_view raw(reinterpret_cast<const char*>(key->bytes.data()), key->bytes.size());
    auto wrapped = detail::gcm_seal(master_secret(), wrap_aad(customer, generation), raw);
    if (!wrapped) return storage_failure(storage_errc::io_error, "AES-GCM failed (OpenSSL)");
    std::vector<kv_write> writes{
        {record_key(customer), encode_record({generation, true, std::move(*wrapped)})}};
    // Synced before any value sealed with the key can be written anywhere.
    if (auto w = write_with_check(std::move(writes)); !w) return std::unexpected(w.error());
    remember(customer, generation, key);
    return cached{generation, key_ptr(std::move(key))};
  }
};

personal_data_keys::personal_data_keys(kv_store& kv, master_key master, std::size_t cache_capacity)
    : impl_(std::make_unique<impl>(kv, std::move(master), cache_capacity)) {}

personal_data_keys::~personal_data_keys() = default;

result<void> personal_data_keys::check_master() {
  std::lock_guard lock(impl_->mutex);
  auto matches = impl_->check_matches(impl_->master_secret());
  if (!matches) return std::unexpected(matches.error());
  if (!*matches) return impl_->wrong_master("the check record does not unwrap");
  // No check record yet: the first key written writes it. A directory with keys but no check
  // record was not written by this code.
  auto stored = impl_->kv.get(check_key);
  if (!stored) return std::unexpected(stored.error());
  if (*stored) {
    impl_->check_written = true;
    return {};
  }
  auto keys = impl_->kv.scan(key_prefix, {}, 1);
  if (!keys) return std::unexpected(keys.error());
  if (!keys->empty())
    return storage_failure(storage_errc::corrupt,
                           "data keys without a master key check record in the kv store");
  return {};
}

result<std::string> personal_data_keys::seal(std::string_view customer, std::string_view field,
                                             std::string_view plain) {
  if (!is_valid_customer(customer)) return invalid_customer(customer);
  impl::cached key;
  {
    std::lock_guard lock(impl_->mutex);
    auto found = impl_->key_for_seal(customer);
    if (!found) return std::unexpected(found.error());
    key = std::move(*found);
  }
  auto aad = std::string(customer) + "\n" + std::string(field);
  auto sealed = detail::gcm_seal(*key.key, aad, plain);
  if (!sealed) return storage_failure(storage_errc::io_error, "AES-GCM failed (OpenSSL)");
  std::string out(sealed_prefix);
  out += customer;
  out += ':';
  out += std::to_string(key.generation);
  out += ':';
  out += detail::base64_encode(*sealed);
  return out;
}

result<opened_value> personal_data_keys::open(std::string_view customer, std::string_view field,
                                              std::string_view sealed) {
  if (!is_valid_customer(customer)) return invalid_customer(customer);
  auto corrupt = [&](std::string why) {
    return storage_failure(storage_errc::corrupt, "personal data field " + std::string(field) +
                                                      " of customer " + std::string(customer) +
                                                      ": " + why);
  };
  auto parts = parse_sealed(sealed);
  if (!parts) return corrupt("not a sealed value");
  if (parts->customer != customer) return corrupt("sealed for another customer");
  auto payload = detail::base64_decode(parts->payload);
  if (!payload) return corrupt("the sealed value is damaged (not base64)");

  impl::key_ptr key;
  {
    std::lock_guard lock(impl_->mutex);
    auto hit = impl_->lookup(customer);
    if (hit && hit->generation == parts->generation) {
      key = hit->key;
    } else {
      auto record = impl_->read_record(customer);
      if (!record) return std::unexpected(record.error());
      if (!*record) return corrupt("the customer has no data key");
      auto& r = **record;
      // Generations only grow, each after its predecessor was destroyed.
      if (parts->generation < r.generation || (parts->generation == r.generation && !r.live))
        return opened_value{.erased = true};
      if (parts->generation > r.generation)
        return corrupt("sealed with key generation " + std::to_string(parts->generation) +
                       ", the customer's newest is " + std::to_string(r.generation));
      auto unwrapped = impl_->unwrap(customer, r);
      if (!unwrapped) return std::unexpected(unwrapped.error());
      key = *unwrapped;
      impl_->remember(customer, r.generation, key);
    }
  }
  auto aad = std::string(customer) + "\n" + std::string(field);
  auto plain = detail::gcm_open(*key, aad, *payload);
  if (!plain) return corrupt("the sealed value fails authentication (tampered, or moved)");
  return opened_value{.erased = false, .plain = std::move(*plain)};
}

result<void> personal_data_keys::destroy(std::string_view customer) {
  if (!is_valid_customer(customer)) return invalid_customer(customer);
  {
    std::lock_guard lock(impl_->mutex);
    auto record = impl_->read_record(customer);
    if (!record) return std::unexpected(record.error());
    // An unknown customer is recorded as erased at generation 0: its first key will be 1.
    key_record erased{.generation = *record ? (*record)->generation : 0, .live = false};
    if (!*record || (*record)->live) {
      if (auto w = impl_->write_with_check({{record_key(customer), encode_record(erased)}}); !w)
        return std::unexpected(w.error());
    }
    impl_->forget(customer);
  }
  // Also when it was erased already: a crash may have come between the record and the purge.
  return impl_->kv.purge_history(record_key(customer));
}

result<customer_key_state> personal_data_keys::state(std::string_view customer) {
  if (!is_valid_customer(customer)) return invalid_customer(customer);
  std::lock_guard lock(impl_->mutex);
  auto record = impl_->read_record(customer);
  if (!record) return std::unexpected(record.error());
  if (!*record) return customer_key_state::none;
  return (*record)->live ? customer_key_state::live : customer_key_state::erased;
}

std::size_t personal_data_keys::cached_keys() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->lru.size();
}

result<std::size_t> personal_data_keys::rewrap_all(const master_key& next) {
  std::lock_guard lock(impl_->mutex);
  auto matches = impl_->check_matches(impl_->master_secret());
  if (!matches) return std::unexpected(matches.error());
  if (!*matches) return impl_->wrong_master("the check record does not unwrap");
  std::vector<kv_write> writes;
  const secret_key next_secret(next.bytes());
  std::string after;
  for (;;) {
    auto page = impl_->kv.scan(key_prefix, after, 1000);
    if (!page) return std::unexpected(page.error());
    for (auto& [key, value] : *page) {
      auto customer = std::string_view(key).substr(key_prefix.size());
      auto record = decode_record(value);
      if (!record)
        return storage_failure(storage_errc::corrupt,
                               "damaged data key record of customer " + std::string(customer));
      if (!record->live) continue;
      auto raw = impl_->unwrap(customer, *record);
      if (!raw) return std::unexpected(raw.error());
      std::string_view bytes(reinterpret_cast<const char*>((*raw)->bytes.data()),
                             (*raw)->bytes.size());
      auto wrapped = detail::gcm_seal(next_secret, wrap_aad(customer, record->generation), bytes);
      if (!wrapped) return storage_failure(storage_errc::io_error, "AES-GCM failed (OpenSSL)");
      record->wrapped = std::move(*wrapped);
      writes.push_back({key, encode_record(*record)});
    }
    if (page->size() < 1000) break;
    after = page->back().first;
  }
  std::size_t count = writes.size();
  auto check = detail::gcm_seal(next_secret, check_aad, check_plain);
  if (!check) return storage_failure(storage_errc::io_error, "AES-GCM failed (OpenSSL)");
  writes.push_back({std::string(check_key), std::move(*check)});
  if (auto w = impl_->kv.write(writes, true); !w) return std::unexpected(w.error());
  impl_->master = next;
  impl_->check_written = true;
  // The keys wrapped by the old master leave the files too: its key file may then be destroyed
  // without a copy of it being enough to unwrap anything that remains.
  if (auto purged = impl_->kv.purge_history("privacy/"); !purged)
    return std::unexpected(purged.error());
  return count;
}

}  // namespace ordo::persistence
