// How a request frames itself, checked once its headers are read and before httplib reads a body:
// how many header fields it has, and how it announces its body (Content-Length, Transfer-Encoding).
// A request whose framing is ambiguous or oversized is answered without reading its body, so no
// body is ever read by a rule other than the one the answer assumed.
#pragma once

#include <cstddef>
#include <optional>

#include "http/reply.hpp"

namespace httplib {
struct Request;
}  // namespace httplib

namespace ordo::http {

// Header fields a request may have, besides the four that httplib adds (REMOTE_ADDR, ...).
inline constexpr std::size_t max_header_fields = 100;

// The problem to answer instead of reading the request, or nullopt if it frames its body well:
//   - more than max_header_fields header fields: 400 validation_failed (field "headers");
//   - Content-Length that is not one decimal number (or several that differ), Transfer-Encoding
//     other than a single "chunked", or both: 400 validation_failed naming the header;
//   - a body on GET, HEAD or OPTIONS: 400 validation_failed (field "body");
//   - Content-Length over max_body_bytes: 413 payload_too_large.
// Every such answer carries `Connection: close`: the body was not read.
std::optional<reply> framing_problem(const httplib::Request& req, std::size_t max_body_bytes);

// 413 payload_too_large for a body over max_body_bytes, with `Connection: close`.
reply too_large(std::size_t max_body_bytes);

// True if the request carries a body: bytes were read, or its headers announce some (a body the
// transport consumed without keeping its bytes, such as multipart/form-data, still counts).
bool carries_body(const httplib::Request& req);

}  // namespace ordo::http
