// The durable outcomes of client commands (command ids "idem/<key>", actors/command_ids.hpp): an
// aggregate writes the full reply of each client command it decides into the same WriteBatch as
// the command's events (or alone, for a rejection), and looks there before deciding a client
// command its in-memory table does not remember. So a key keeps its command from running twice
// for the key TTL, whatever happens in between (passivation, restarts, thousands of other
// commands), and a retry gets the first reply exactly (status, body, version, errors).
//
// kv layout: "cmd-outcome/<generation, 16 hex>/<stream>/<command id>" -> record, where the
// generation is issued_at_ms / ttl_ms. An outcome is fresh for ttl_ms after it was issued, so a
// lookup at time t reads the generations of t and of t - ttl_ms, and every generation below
// that can go at once (expire_command_outcomes: one range delete per generation). A key reused
// after its TTL writes into a later generation than its expired record, so expiry never races
// with the new record. Changing the TTL forgets the outcomes stored before (their generations no
// longer match).
//
// Record: format byte 0x01, issued_at_ms, the outcome (one byte, its value), version, flags (bit 0: the command
// appended events), message, status, state, then the field problems; integers as LEB128,
// strings as length + bytes. The position is not stored (the journal assigns it while the batch
// is written): a lookup reads it from the event at `version`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/protocol.hpp"
#include "persistence/database.hpp"

namespace ordo::actors {

inline constexpr std::string_view command_outcome_prefix = "cmd-outcome/";

struct stored_command_outcome {
  command_reply reply;
  std::int64_t issued_at_ms = 0;
  bool operator==(const stored_command_outcome&) const = default;
};

std::string command_outcome_key(std::string_view stream, std::string_view command_id,
                                std::int64_t issued_at_ms, std::int64_t ttl_ms);
std::string encode_command_outcome(const command_reply& reply, std::int64_t issued_at_ms,
                                   bool appended_events);
// nullopt for bytes that are not a record this version can read. The reply's position is 0.
std::optional<stored_command_outcome> decode_command_outcome(std::string_view bytes);

// The write that stores `reply` (decided for `command_id` of `stream`, issued at issued_at_ms;
// appended_events: the command appended events, the last at reply.version).
persistence::kv_write command_outcome_write(std::string_view stream, std::string_view command_id,
                                            const command_reply& reply, std::int64_t issued_at_ms,
                                            std::int64_t ttl_ms, bool appended_events);

// The outcome stored for `command_id` of `stream` that is still fresh at now_ms (issued less than
// ttl_ms before), with its position read from the journal; nullopt when there is none.
persistence::result<std::optional<stored_command_outcome>> find_command_outcome(
    persistence::database& db, std::string_view stream, std::string_view command_id,
    std::int64_t now_ms, std::int64_t ttl_ms);

// Deletes every generation that holds only expired outcomes; returns how many generations went.
persistence::result<std::size_t> expire_command_outcomes(persistence::kv_store& kv,
                                                         std::int64_t now_ms, std::int64_t ttl_ms);

}  // namespace ordo::actors
