#include "actors/saga_trigger.hpp"

#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "actors/context.hpp"
#include "actors/gateway.hpp"
#include "actors/outgoing_envelope.hpp"
#include "domain/saga.hpp"
#include "readmodel/projections/order_view.hpp"

namespace ordo::actors {

namespace {

nlohmann::json to_json(const command_envelope& c) {
  return {{"aggregate_type", c.aggregate_type}, {"aggregate_id", c.aggregate_id},
          {"command", c.command},               {"body", c.body},
          {"command_id", c.command_id},         {"correlation_id", c.correlation_id},
          {"causation_id", c.causation_id}};
}

std::optional<command_envelope> envelope_from(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  command_envelope c;
  try {
    c.aggregate_type = j.at("aggregate_type").get<std::string>();
    c.aggregate_id = j.at("aggregate_id").get<std::string>();
    c.command = j.at("command").get<std::string>();
    c.body = j.at("body").get<std::string>();
    c.command_id = j.at("command_id").get<std::string>();
    c.correlation_id = j.at("correlation_id").get<std::string>();
    c.causation_id = j.at("causation_id").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return c;
}

std::string row_key(const std::string& saga_id) {
  return std::string(saga_trigger::retrying_prefix) + saga_id;
}

}  // namespace

saga_trigger::saga_trigger(deliver_fn deliver, std::int64_t step_timeout_ms,
                           const persistence::kv_store& kv, retry_policy policy)
    : deliver_(std::move(deliver)), step_timeout_ms_(step_timeout_ms), policy_(policy) {
  // Commands parked by an earlier run: due at once. An unreadable row is reported and skipped
  // (its saga's deadline, or the order's next event, still moves it on).
  std::string after;
  for (;;) {
    auto rows = kv.scan(retrying_prefix, after, 1000);
    if (!rows) {
      std::fprintf(stderr, "ordo: saga trigger cannot read its parked commands: %s\n",
                   rows.error().message.c_str());
      break;
    }
    for (auto& [key, value] : *rows) {
      auto saga_id = key.substr(retrying_prefix.size());
      auto list = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
      parked entry;
      entry.due = clock::now();
      entry.last_error = "parked before the node restarted";
      for (auto& item : list.is_array() ? list : nlohmann::json::array())
        if (auto command = envelope_from(item)) entry.commands.push_back(std::move(*command));
      if (entry.commands.empty()) {
        std::fprintf(stderr, "ordo: saga trigger skips unreadable row %s\n", key.c_str());
        continue;
      }
      parked_.emplace(std::move(saga_id), std::move(entry));
    }
    if (rows->size() < 1000) break;
    after = rows->back().first;
  }
  retrier_ = std::thread([this] { retry_loop(); });
}

saga_trigger::~saga_trigger() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  retrier_.join();
}

bool saga_trigger::transient(const command_reply& reply) {
  return is_transient(reply.code);
}

void saga_trigger::park(const command_envelope& command, const std::string& why) {
  auto [it, added] = parked_.try_emplace(command.aggregate_id);
  if (added) {
    it->second.due = clock::now() + policy_.first_delay;
    it->second.last_error = why;
    wake_.notify_all();
  }
  it->second.commands.push_back(command);
  dirty_.insert(command.aggregate_id);
}

persistence::result<void> saga_trigger::apply(std::span<const readmodel::decoded_event> events,
                                              readmodel::row_batch& rows) {
  std::vector<command_envelope> commands;
  for (const auto& decoded : events) {
    auto& recorded = decoded.recorded();
    if (!decoded.order_id() || !domain::saga::acts_on_order_event(recorded.type)) continue;
    auto& event = decoded.order_event();
    if (!event) return std::unexpected(event.error());
    auto command = domain::saga::on_order_event(*event, step_timeout_ms_);
    if (!command) continue;
    // The saga's clock: its first deadline counts from when it is started, also after a crash
    // (envelope_of stamps the time of sending).
    commands.push_back(envelope_of(*command, recorded.correlation_id,
                                   recorded.stream + "@" + std::to_string(recorded.version)));
  }
  // A saga with parked commands gets the new ones after those: they join its queue.
  std::vector<command_envelope> to_send;
  {
    std::lock_guard lock(mutex_);
    for (auto& command : commands) {
      if (parked_.count(command.aggregate_id) > 0)
        park(command, "");
      else
        to_send.push_back(std::move(command));
    }
  }
  auto replies = to_send.empty() ? std::vector<command_reply>{} : deliver_(to_send);
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < to_send.size(); ++i) {
    // Once one command of a saga is parked, the later ones of the batch follow it (even those
    // answered: sent again, they change nothing).
    if (parked_.count(to_send[i].aggregate_id) > 0 || transient(replies[i]))
      park(to_send[i], std::string(to_string(replies[i].code)) + ": " + replies[i].message);
  }
  // The rows follow what is parked now.
  for (auto& saga_id : dirty_) {
    auto it = parked_.find(saga_id);
    if (it == parked_.end()) {
      rows.erase(row_key(saga_id));
      continue;
    }
    auto list = nlohmann::json::array();
    for (auto& command : it->second.commands) list.push_back(to_json(command));
    rows.put(row_key(saga_id), list.dump());
  }
  last_written_ = std::move(dirty_);
  dirty_.clear();
  return {};
}

void saga_trigger::forget() {
  // The rows of the last apply() were not committed: write them again with the next batch.
  std::lock_guard lock(mutex_);
  dirty_.insert(last_written_.begin(), last_written_.end());
}

std::vector<std::string> saga_trigger::retrying() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> lines;
  for (auto& [saga_id, entry] : parked_)
    lines.push_back("saga " + saga_id + ": " + std::to_string(entry.commands.size()) +
                    " command(s) waiting, " + std::to_string(entry.attempts) +
                    " attempt(s), last: " + entry.last_error);
  return lines;
}

void saga_trigger::retry_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto due = parked_.end();
    for (auto it = parked_.begin(); it != parked_.end(); ++it)
      if (due == parked_.end() || it->second.due < due->second.due) due = it;
    if (due == parked_.end()) {
      wake_.wait(lock);
      continue;
    }
    if (due->second.due > clock::now()) {
      wake_.wait_until(lock, due->second.due);
      continue;
    }
    auto saga_id = due->first;
    auto commands = due->second.commands;
    lock.unlock();
    retry(saga_id, std::move(commands));
    lock.lock();
  }
}

void saga_trigger::retry(const std::string& saga_id, std::vector<command_envelope> commands) {
  for (auto& command : commands) command.issued_at_ms = now_ms();
  auto replies = deliver_(commands);
  std::lock_guard lock(mutex_);
  auto it = parked_.find(saga_id);
  if (it == parked_.end()) return;
  auto& entry = it->second;
  // Commands are answered in order: drop the ones taken before the first that was not.
  std::size_t taken = 0;
  while (taken < replies.size() && !transient(replies[taken])) ++taken;
  entry.commands.erase(entry.commands.begin(),
                       entry.commands.begin() + static_cast<std::ptrdiff_t>(taken));
  dirty_.insert(saga_id);
  if (entry.commands.empty()) {
    parked_.erase(it);
    return;
  }
  if (taken < replies.size()) {
    entry.last_error = std::string(to_string(replies[taken].code)) + ": " + replies[taken].message;
    ++entry.attempts;
  }
  auto delay = std::min(policy_.max_delay,
                        policy_.first_delay * (1u << std::min<std::uint32_t>(entry.attempts, 5)));
  entry.due = clock::now() + (taken == replies.size() ? std::chrono::milliseconds(0) : delay);
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
