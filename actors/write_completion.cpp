#include "actors/write_completion.hpp"

#include "actors/aggregate_state.hpp"
#include "actors/messages.hpp"
#include "actors/shard.hpp"

namespace ordo::actors {
namespace {

class shard_completion final : public persistence::append_group {
 public:
  explicit shard_completion(shard_actor shard) : shard_(std::move(shard)) {}

  void complete(std::vector<persistence::completed_append> appends) override {
    // High priority: the aggregates of these appends hold their next commands until they hear.
    caf::anon_send<caf::message_priority::high>(
        shard_, written_batch{std::make_shared<std::vector<persistence::completed_append>>(
                    std::move(appends))});
  }

 private:
  shard_actor shard_;
};

}  // namespace

std::shared_ptr<persistence::append_group> make_shard_completion(shard_actor shard) {
  return std::make_shared<shard_completion>(std::move(shard));
}

void append_for_aggregate(runtime_context& context, std::string_view type, std::string_view id,
                          const caf::actor& aggregate, std::uint64_t epoch,
                          persistence::append_request request) {
  auto shard = shard_of(type, id, static_cast<std::uint32_t>(context.write_completions.size()));
  context.db->events().append_async(std::move(request), context.write_completions[shard],
                                    std::make_unique<aggregate_append>(aggregate, epoch));
}

void deliver_written(const written_batch& batch) {
  for (auto& append : *batch.appends) {
    // Only aggregate_append tokens go into a shard's group (append_for_aggregate).
    auto& token = static_cast<aggregate_append&>(*append.token);
    // anon_send: a typed actor may not send() to an untyped one; the aggregate needs no sender.
    caf::anon_send(token.aggregate, written_atom::value,
                   append_outcome{token.epoch, std::move(append.outcome)});
  }
}

}  // namespace ordo::actors
