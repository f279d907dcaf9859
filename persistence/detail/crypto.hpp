// The cryptography of personal data (OpenSSL EVP): AES-256-GCM with 12-byte nonces and 16-byte
// tags, random bytes from the OS's CSPRNG, key material that wipes itself, and strict base64.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ordo::persistence::detail {

constexpr std::size_t aes_key_bytes = 32;
constexpr std::size_t gcm_nonce_bytes = 12;
constexpr std::size_t gcm_tag_bytes = 16;

// 32 bytes of key material, overwritten (OPENSSL_cleanse) when destroyed.
struct secret_key {
  std::array<std::uint8_t, aes_key_bytes> bytes{};
  secret_key() = default;
  explicit secret_key(const std::array<std::uint8_t, aes_key_bytes>& from) : bytes(from) {}
  secret_key(const secret_key&) = default;
  secret_key& operator=(const secret_key&) = default;
  ~secret_key();
};

// Overwrites `size` bytes at `data` in a way the compiler does not optimise away.
void cleanse(void* data, std::size_t size);

// Fills `out` from the OS's CSPRNG (RAND_bytes); false when it cannot.
bool random_bytes(std::uint8_t* out, std::size_t size);

// nonce (12, fresh and random) | ciphertext | tag (16); nullopt when OpenSSL fails.
std::optional<std::string> gcm_seal(const secret_key& key, std::string_view aad,
                                    std::string_view plain);
// The plain text of a gcm_seal() result, or nullopt when it fails authentication (a changed
// byte anywhere, another key, other associated data) or is too short.
std::optional<std::string> gcm_open(const secret_key& key, std::string_view aad,
                                    std::string_view sealed);

// Standard base64 with '=' padding.
std::string base64_encode(std::string_view bytes);
// Refuses anything encode() would not have produced: characters outside the alphabet, wrong
// padding, non-zero bits left over in the last character.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ordo::persistence::detail
