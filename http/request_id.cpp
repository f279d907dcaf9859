#include "http/request_id.hpp"

#include <httplib.h>

#include <random>

#include "http/idempotency.hpp"

namespace ordo::http {

namespace {

std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    auto bits = random();  // 16 hex digits of it
    for (int i = 0; i < 16; ++i, bits >>= 4) id[half * 16 + i] = hex[bits & 0xf];
  }
  return id;
}

}  // namespace

std::string request_id_of(const httplib::Request& req) {
  auto given = req.get_header_value("X-Request-Id");
  // The same rule as an Idempotency-Key: short, printable, safe to echo and store.
  if (is_valid_idempotency_key(given)) return given;
  return new_request_id();
}

}  // namespace ordo::http
