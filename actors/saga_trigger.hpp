// saga_trigger: the projection that starts and informs fulfillment sagas. It follows the journal
// like a read model (same actor, same checkpoint discipline), but instead of rows it turns
// OrderPlaced, OrderCancelled and OrderShipped into commands for saga-<order id>
// (domain::saga::on_order_event) and commits its checkpoint only once every command of the batch
// was answered. A crash in between sends them again, which the sagas ignore (deterministic
// command ids, idempotent steps). An answer of unavailable or overloaded fails the batch, which
// the projection actor retries with backoff.
#pragma once

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "actors/projection.hpp"
#include "actors/protocol.hpp"

namespace ordo::actors {

class gateway;

class saga_trigger final : public projection {
 public:
  // Sends the commands and returns their replies, in the same order; commands for one aggregate
  // must reach it in the order given.
  using deliver_fn = std::function<std::vector<command_reply>(std::vector<command_envelope>)>;

  static constexpr std::string_view projection_name = "saga_trigger";
  static constexpr std::string_view prefix = "view/saga_trigger/";

  saga_trigger(deliver_fn deliver, std::int64_t step_timeout_ms)
      : deliver_(std::move(deliver)), step_timeout_ms_(step_timeout_ms) {}

  std::string_view name() const override { return projection_name; }
  std::string_view row_prefix() const override { return prefix; }
  persistence::result<void> apply(std::span<const persistence::recorded_event> events,
                                  row_batch& rows) override;

 private:
  deliver_fn deliver_;
  std::int64_t step_timeout_ms_;
};

// Delivers through `gateway`, commands for different aggregates concurrently (at most
// `max_concurrent` chains at once), commands for the same aggregate one after the other. Blocks
// until every command is answered; the gateway answers each within its command timeout.
std::vector<command_reply> deliver_in_order(gateway& gateway,
                                            std::vector<command_envelope> commands,
                                            std::size_t max_concurrent = 256);

}  // namespace ordo::actors
