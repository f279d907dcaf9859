// Turning the gateway's answers into HTTP: the problem for each error code, ETags and
// consistency tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/protocol.hpp"
#include "http/reply.hpp"

namespace ordo::http {

// The problem+json for a reply whose code is not ok (its name is the problem's code):
// validation_failed lists "errors", invalid_state carries "aggregate_status", version_conflict
// "expected" and "actual"; unavailable (503), outcome_unknown (504) and overloaded (429) carry
// Retry-After.
reply problem_from(const actors::command_reply& answer, std::int64_t expected_version);

// ETag: "<version>".
std::string etag(std::uint64_t version);

// X-Consistency-Token: opaque to clients. A single node's is "p<journal position>"; a cluster
// member's names the node whose journal the position is in, "<node>:p<position>". A client may
// send back several joined by ',' (writes on several nodes, or a merged view's "position").
std::string consistency_token(std::uint64_t position, std::string_view node = {});

struct token_part {
  std::string node;  // empty in a single node's token
  std::uint64_t position = 0;
};
// The parts of a token, or nullopt when it is not one this API gives out.
std::optional<std::vector<token_part>> parse_consistency_token(std::string_view token);

}  // namespace ordo::http
