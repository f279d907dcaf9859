#include "actors/saga_trigger.hpp"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "actors/context.hpp"
#include "actors/gateway.hpp"
#include "actors/outgoing_envelope.hpp"
#include "actors/projections/order_view.hpp"
#include "domain/saga.hpp"

namespace ordo::actors {

persistence::result<void> saga_trigger::apply(std::span<const persistence::recorded_event> events,
                                              row_batch& /*rows*/) {
  std::vector<command_envelope> commands;
  for (const auto& recorded : events) {
    if (!projections::order_id_of(recorded) || !domain::saga::acts_on_order_event(recorded.type))
      continue;
    auto event = projections::decode_order_event(recorded);
    if (!event) return std::unexpected(std::move(event.error()));
    auto command = domain::saga::on_order_event(*event, step_timeout_ms_);
    if (!command) continue;
    // The saga's clock: its first deadline counts from when it is started, also after a crash
    // (envelope_of stamps the time of sending).
    commands.push_back(envelope_of(*command, recorded.correlation_id,
                                   recorded.stream + "@" + std::to_string(recorded.version)));
  }
  if (commands.empty()) return {};
  auto replies = deliver_(commands);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].code == "unavailable" || replies[i].code == "overloaded")
      return persistence::storage_failure(persistence::storage_errc::io_error,
                                          "saga " + commands[i].aggregate_id + " did not take " +
                                              commands[i].command + ": " + replies[i].message);
  }
  return {};
}

std::vector<command_reply> deliver_in_order(gateway& gateway,
                                            std::vector<command_envelope> commands,
                                            std::size_t max_concurrent) {
  // One chain per aggregate, in first-appearance order; each chain lists command indexes.
  std::vector<std::vector<std::size_t>> chains;
  std::map<std::pair<std::string, std::string>, std::size_t> chain_of;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto key = std::make_pair(commands[i].aggregate_type, commands[i].aggregate_id);
    auto [it, added] = chain_of.try_emplace(std::move(key), chains.size());
    if (added) chains.emplace_back();
    chains[it->second].push_back(i);
  }

  struct progress {
    std::mutex mutex;
    std::condition_variable done;
    std::vector<command_reply> replies;
    std::size_t next_chain = 0;
    std::size_t chains_left = 0;
  };
  auto shared = std::make_shared<progress>();
  shared->replies.resize(commands.size());
  shared->chains_left = chains.size();
  auto all = std::make_shared<std::vector<command_envelope>>(std::move(commands));
  auto chain_list = std::make_shared<std::vector<std::vector<std::size_t>>>(std::move(chains));

  // Sends command `step` of chain `chain`; its reply sends the next one, or starts a new chain.
  auto send_ptr = std::make_shared<std::function<void(std::size_t, std::size_t)>>();
  *send_ptr = [&gateway, shared, all, chain_list, weak = std::weak_ptr(send_ptr)](
                  std::size_t chain, std::size_t step) {
    auto index = (*chain_list)[chain][step];
    gateway.send_async((*all)[index],
                       [shared, chain_list, weak, chain, step, index](command_reply r) {
                         auto again = weak.lock();
                         std::optional<std::pair<std::size_t, std::size_t>> next;
                         {
                           std::lock_guard lock(shared->mutex);
                           shared->replies[index] = std::move(r);
                           if (step + 1 < (*chain_list)[chain].size()) {
                             next = {chain, step + 1};
                           } else {
                             --shared->chains_left;
                             if (shared->next_chain < chain_list->size())
                               next = {shared->next_chain++, 0};
                             if (shared->chains_left == 0) shared->done.notify_all();
                           }
                         }
                         if (next && again) (*again)(next->first, next->second);
                       });
  };
  std::size_t first_wave;
  {
    std::lock_guard lock(shared->mutex);
    first_wave = std::min(max_concurrent, chain_list->size());
    shared->next_chain = first_wave;
  }
  for (std::size_t c = 0; c < first_wave; ++c) (*send_ptr)(c, 0);
  std::unique_lock lock(shared->mutex);
  shared->done.wait(lock, [&] { return shared->chains_left == 0; });
  return std::move(shared->replies);
}

}  // namespace ordo::actors
