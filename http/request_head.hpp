// Where a request head (request line and header fields) ends in the bytes read so far, found the
// way httplib reads it: the request line is the first line, and the head ends at the first line
// after it that is exactly CRLF.
#pragma once

#include <cstddef>
#include <string_view>

namespace ordo::http {

// Bytes a request head may have (request line, header fields, the blank line). A longer head is
// refused before more of it is kept: a client cannot make the node hold more per connection.
inline constexpr std::size_t max_head_bytes = 64 * 1024;

// One past the blank line that ends the head in `bytes`, or 0 while the head is incomplete.
// `scanned` keeps how far earlier calls looked, so that bytes arriving one at a time are searched
// once each; start it at 0 for a new head.
std::size_t head_end(std::string_view bytes, std::size_t& scanned);

}  // namespace ordo::http
