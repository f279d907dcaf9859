#include "actors/command_call.hpp"

namespace ordo::actors {

namespace {

command_reply reply_of(outcome code, const char* message) {
  command_reply reply;
  reply.code = code;
  reply.message = message;
  return reply;
}

}  // namespace

command_reply command_call::never_handed_reply() {
  return reply_of(outcome::unavailable,
                  "the aggregate did not receive the command in time; nothing was applied");
}

command_reply command_call::not_answered_reply() {
  return reply_of(outcome::outcome_unknown,
                  "the aggregate did not answer in time; the command may still be applied");
}

command_reply command_call::dropped_unread_reply() {
  return reply_of(outcome::unavailable,
                  "the aggregate stopped before it read the command; nothing was applied");
}

command_reply command_call::dropped_after_accept_reply() {
  return reply_of(outcome::outcome_unknown,
                  "the aggregate stopped before it answered; the command may still be applied");
}

}  // namespace ordo::actors
