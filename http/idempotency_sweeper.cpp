#include "http/idempotency_sweeper.hpp"

#include <algorithm>
#include <cstdio>

#include "actors/command_outcome_store.hpp"

namespace ordo::http {

namespace {

constexpr std::size_t records_per_batch = 1000;

std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

idempotency_sweeper::idempotency_sweeper(idempotency_store& store, persistence::kv_store& kv,
                                         std::chrono::milliseconds ttl)
    : store_(store),
      kv_(kv),
      ttl_(ttl),
      every_(std::clamp<std::chrono::milliseconds>(ttl / 4, std::chrono::milliseconds(50),
                                                   std::chrono::minutes(1))),
      task_(every_, [this] { sweep(wall_clock_ms()); }) {}

void idempotency_sweeper::sweep(std::int64_t now_ms) {
  for (;;) {
    auto expired = store_.expire(now_ms, records_per_batch);
    if (!expired) {
      std::fprintf(stderr, "ordo: idempotency sweep: %s\n", expired.error().message.c_str());
      return;  // the next sweep tries again
    }
    keys_expired_.fetch_add(expired->keys, std::memory_order_relaxed);
    if (expired->index_entries < records_per_batch) break;
    if (task_.stopping()) return;
  }
  if (auto cleared = actors::expire_command_outcomes(kv_, now_ms, ttl_.count()); !cleared)
    std::fprintf(stderr, "ordo: command outcome sweep: %s\n", cleared.error().message.c_str());
}

}  // namespace ordo::http
