// The replies an aggregate_actor<D> builds: its state as replies carry it, a read of it, and a
// command the decider refused.
#pragma once

#include <cstdint>
#include <string>

#include "actors/aggregate_state.hpp"
#include "actors/outcome.hpp"
#include "actors/personal_data.hpp"
#include "actors/protocol.hpp"
#include "domain/deciders.hpp"

namespace ordo::actors::detail {

// The state as replies carry it: the decider's JSON plus "version", written without a DOM.
template <domain::decider D>
std::string state_json(const typename D::state& state, std::uint64_t version) {
  return domain::render_state_json<D>(state, version);
}

// The aggregate's status as its state's JSON names it, for replies without the state; empty for
// a type without one.
template <domain::decider D>
std::string status_text(const typename D::state& state) {
  if constexpr (requires { to_string(state.status); })
    return std::string(to_string(state.status));
  else
    return {};
}

// What a reply tells of the state after a command: the state itself when the caller asked for it,
// else only the status (what a saga's step needs).
template <domain::decider D>
void describe_state(command_reply& reply, const command_envelope& command,
                    const typename D::state& state, std::uint64_t version) {
  if (command.reply_with_state)
    reply.state = state_json<D>(state, version);
  else
    reply.status = status_text<D>(state);
}

template <domain::decider D>
command_reply state_reply(const aggregate_state<D>& st) {
  command_reply reply;
  reply.version = st.version;
  if (st.version == 0) {
    reply.code = outcome::not_found;
    reply.message = std::string(D::type_name) + " " + std::string(st.id()) + " does not exist";
    return reply;
  }
  reply.state = state_json<D>(st.state, st.version);
  return reply;
}

// state_reply with the personal fields opened for the caller.
template <domain::decider D>
command_reply opened_state_reply(const aggregate_state<D>& st) {
  auto reply = state_reply<D>(st);
  open_personal_data(st.context->settings.personal_data, reply);
  return reply;
}

template <domain::decider D>
command_reply error_reply(const domain::error& e, std::uint64_t version) {
  command_reply reply;
  reply.code = outcome_of(e.code);
  reply.message = e.message;
  reply.status = e.status;
  reply.version = version;
  for (auto& f : e.fields) reply.fields.push_back({f.field, f.message});
  return reply;
}

}  // namespace ordo::actors::detail
