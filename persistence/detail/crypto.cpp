#include "persistence/detail/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <memory>

namespace ordo::persistence::detail {
namespace {

struct cipher_ctx_free {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free>;

// Fetched once: OpenSSL 3 looks EVP_aes_256_gcm() up in its provider on every init otherwise,
// which costs more than encrypting a short field. Never freed (lives as long as the process).
const EVP_CIPHER* aes_256_gcm() {
  static const EVP_CIPHER* cipher = [] {
    const EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return fetched ? fetched : EVP_aes_256_gcm();
  }();
  return cipher;
}

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

secret_key::~secret_key() {
  OPENSSL_cleanse(bytes.data(), bytes.size());
}

void cleanse(void* data, std::size_t size) {
  OPENSSL_cleanse(data, size);
}

bool random_bytes(std::uint8_t* out, std::size_t size) {
  return size <= INT_MAX && RAND_bytes(out, static_cast<int>(size)) == 1;
}

std::optional<std::string> gcm_seal(const secret_key& key, std::string_view aad,
                                    std::string_view plain) {
  if (plain.size() > INT_MAX / 2 || aad.size() > INT_MAX / 2) return std::nullopt;
  std::string out(gcm_nonce_bytes + plain.size() + gcm_tag_bytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  auto* cipher_text = nonce + gcm_nonce_bytes;
  if (!random_bytes(nonce, gcm_nonce_bytes)) return std::nullopt;
  cipher_ctx ctx(EVP_CIPHER_CTX_new());
  int written = 0;
  int final_written = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, key.bytes.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &written, bytes_of(aad),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher_text, &written, bytes_of(plain),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher_text + written, &final_written) != 1 ||
      static_cast<std::size_t>(written + final_written) != plain.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, gcm_tag_bytes,
                          cipher_text + plain.size()) != 1)
    return std::nullopt;
  return out;
}

std::optional<std::string> gcm_open(const secret_key& key, std::string_view aad,
                                    std::string_view sealed) {
  if (sealed.size() < gcm_nonce_bytes + gcm_tag_bytes || sealed.size() > INT_MAX / 2 ||
      aad.size() > INT_MAX / 2)
    return std::nullopt;
  auto nonce = bytes_of(sealed);
  auto cipher_text =
      sealed.substr(gcm_nonce_bytes, sealed.size() - gcm_nonce_bytes - gcm_tag_bytes);
  // EVP_CTRL_GCM_SET_TAG takes a non-const pointer; it only reads.
  std::array<unsigned char, gcm_tag_bytes> tag{};
  std::copy_n(bytes_of(sealed) + sealed.size() - gcm_tag_bytes, gcm_tag_bytes, tag.begin());
  std::string plain(cipher_text.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  cipher_ctx ctx(EVP_CIPHER_CTX_new());
  int written = 0;
  int final_written = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), aes_256_gcm(), nullptr, key.bytes.data(), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &written, bytes_of(aad),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &written, bytes_of(cipher_text),
                        static_cast<int>(cipher_text.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, gcm_tag_bytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out + written, &final_written) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return std::nullopt;
  }
  return plain;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    auto v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    out += alphabet[v & 63];
  }
  if (auto rest = bytes.size() - i; rest > 0) {
    auto v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += rest == 2 ? alphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    std::size_t chars = last ? 4 - padding : 4;
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      int s = k < chars ? sextet(text[i + k]) : 0;
      if (s < 0) return std::nullopt;  // also an '=' before the end
      v = v << 6 | static_cast<std::uint32_t>(s);
    }
    out += static_cast<char>(v >> 16 & 0xff);
    if (chars > 2) out += static_cast<char>(v >> 8 & 0xff);
    if (chars > 3) out += static_cast<char>(v & 0xff);
    // The bits of the last character that no byte uses must be 0 (one text per byte string).
    if (chars == 2 && (v & 0xffff) != 0) return std::nullopt;
    if (chars == 3 && (v & 0xff) != 0) return std::nullopt;
  }
  return out;
}

}  // namespace ordo::persistence::detail
