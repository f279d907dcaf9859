// The background sweep of expired idempotency records: the HTTP layer's key records
// (http/idempotency.hpp) and the aggregates' durable command outcomes
// (actors/command_outcome_store.hpp). One thread, started by the API and stopped (promptly, and
// joined) when the API goes. It runs every quarter of the TTL (at least every 50 ms, at most every
// minute) and each run deletes everything expired, in batches, so that it keeps up with any
// sustained rate of keyed requests.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "http/idempotency.hpp"
#include "http/periodic_task.hpp"
#include "persistence/kv_store.hpp"

namespace ordo::http {

class idempotency_sweeper {
 public:
  idempotency_sweeper(idempotency_store& store, persistence::kv_store& kv,
                      std::chrono::milliseconds ttl);
  ~idempotency_sweeper() = default;  // stops the sweep and joins its thread (task_)
  idempotency_sweeper(const idempotency_sweeper&) = delete;
  idempotency_sweeper& operator=(const idempotency_sweeper&) = delete;

  // Runs one sweep now, on the calling thread.
  void sweep(std::int64_t now_ms);
  // Key records deleted since the start (the metric ordo_idempotency_keys_expired_total).
  const std::atomic<std::uint64_t>& keys_expired() const { return keys_expired_; }

 private:
  idempotency_store& store_;
  persistence::kv_store& kv_;
  std::chrono::milliseconds ttl_;
  std::chrono::milliseconds every_;
  std::atomic<std::uint64_t> keys_expired_{0};
  periodic_task task_;  // last: starts once everything above is ready
};

}  // namespace ordo::http
