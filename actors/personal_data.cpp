#include "actors/personal_data.hpp"

#include "readmodel/personal_data_json.hpp"

namespace ordo::actors {

void open_personal_data(persistence::personal_data_keys* keys, command_reply& reply) {
  if (!keys || reply.state.empty()) return;
  auto opened = readmodel::open_personal_text(std::move(reply.state), *keys);
  if (opened) {
    reply.state = std::move(*opened);
    return;
  }
  reply.state.clear();
  reply.code = outcome::internal_error;
  reply.message = opened.error().message;
}

}  // namespace ordo::actors
