// saga_trigger: the projection that starts and informs fulfillment sagas. It follows the journal
// like a read model (same actor, same checkpoint discipline), but instead of rows it turns
// OrderPlaced, OrderCancelled and OrderShipped into commands for saga-<order id>
// (domain::saga::on_order_event) and commits its checkpoint once every command of the batch was
// answered. A crash in between sends them again, which the sagas ignore (deterministic command
// ids, idempotent steps).
//
// A saga that answers unavailable, overloaded or outcome_unknown does not hold up the others: its
// commands are parked in a row of its own ("view/saga_trigger/retrying/<saga id>", committed with
// the checkpoint, so they survive a crash) and sent again by a retry thread with back-off, in
// order; later commands for that saga join its queue. retrying() reports the parked sagas for
// inspection.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "actors/protocol.hpp"
#include "readmodel/projection.hpp"

namespace ordo::actors {

class gateway;

class saga_trigger final : public readmodel::projection {
 public:
  // Sends the commands and returns their replies, in the same order; commands for one aggregate
  // must reach it in the order given.
  using deliver_fn = std::function<std::vector<command_reply>(std::vector<command_envelope>)>;

  struct retry_policy {
    std::chrono::milliseconds first_delay{200};
    std::chrono::milliseconds max_delay{5000};
  };

  static constexpr std::string_view projection_name = "saga_trigger";
  static constexpr std::string_view prefix = "view/saga_trigger/";
  static constexpr std::string_view retrying_prefix = "view/saga_trigger/retrying/";

  // `kv`: where the parked commands of an earlier run are loaded from (they are sent again at
  // once); it must outlive the trigger.
  saga_trigger(deliver_fn deliver, std::int64_t step_timeout_ms, const persistence::kv_store& kv,
               retry_policy policy);
  saga_trigger(deliver_fn deliver, std::int64_t step_timeout_ms, const persistence::kv_store& kv)
      : saga_trigger(std::move(deliver), step_timeout_ms, kv, retry_policy{}) {}
  ~saga_trigger() override;  // stops the retry thread (after the delivery under way, if any)

  std::string_view name() const override { return projection_name; }
  std::string_view row_prefix() const override { return prefix; }
  persistence::result<void> apply(std::span<const readmodel::decoded_event> events,
                                  readmodel::row_batch& rows) override;
  void forget() override;
  std::vector<std::string> retrying() const override;

 private:
  using clock = std::chrono::steady_clock;
  struct parked {
    std::vector<command_envelope> commands;  // in the order they must arrive
    std::uint32_t attempts = 0;
    clock::time_point due;
    std::string last_error;
  };

  static bool transient(const command_reply& reply);
  void park(const command_envelope& command, const std::string& why);  // REQUIRES: mutex_ held
  void retry_loop();
  void retry(const std::string& saga_id, std::vector<command_envelope> commands);

  deliver_fn deliver_;
  std::int64_t step_timeout_ms_;
  retry_policy policy_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, parked> parked_;  // by saga id
  std::set<std::string> dirty_;           // saga ids whose row the next apply() rewrites
  std::set<std::string> last_written_;    // saga ids whose row the last apply() wrote
  bool stopping_ = false;
  std::thread retrier_;
};

// Delivers through `gateway`, commands for different aggregates concurrently (at most
// `max_concurrent` chains at once), commands for the same aggregate one after the other. Blocks
// until every command is answered; the gateway answers each within its command timeout.
std::vector<command_reply> deliver_in_order(gateway& gateway,
                                            std::vector<command_envelope> commands,
                                            std::size_t max_concurrent = 256);

}  // namespace ordo::actors
