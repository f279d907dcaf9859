#include "actors/projection_actor.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "actors/messages.hpp"
#include "readmodel/projection_rebuild.hpp"
#include "readmodel/projections/catalog.hpp"

namespace ordo::actors {
namespace {

constexpr std::uint32_t fetch_max_events = 512;
// One step of a catch-up: small enough that queries and awaits queued meanwhile are
// answered soon.
constexpr std::size_t journal_chunk_events = 1024;
constexpr std::chrono::milliseconds first_retry_delay{200};
constexpr std::chrono::milliseconds max_retry_delay{5000};
// Longer than the API's longest wait (wait_ms <= 10 000): a caller has given up before this.
constexpr std::int64_t max_await_ms = 15'000;
constexpr std::chrono::seconds await_sweep_interval{1};
constexpr std::size_t delay_samples = 1000;

// What the actor does next. Only one step is under way at a time (a pending fetch or a pending
// tick, never both), per epoch.
enum class step {
  load,          // read the checkpoint
  clear,         // a rebuild deletes the rows and the checkpoint (one range delete)
  read_journal,  // behind the bus's buffer: read the journal directly
  follow_bus,    // fetch from the bus
};

struct parked_await {
  std::int64_t since_ms;
  caf::response_promise promise;
};

struct projection_state {
  static inline const char* name = "ordo.projection";
  runtime_context* context = nullptr;
  caf::actor bus;  // the event bus this projection follows
  std::shared_ptr<readmodel::projection> view;
  std::uint64_t position = 0;  // the last position committed
  // Bumped by every rebuild: replies to fetches and timers from before it are ignored.
  std::uint64_t epoch = 0;
  step next = step::load;
  bool rebuilding = false;     // from a rebuild request until caught up with the journal
  std::uint32_t failures = 0;  // consecutive, for the retry backoff
  std::string last_error;
  std::multimap<std::uint64_t, parked_await> awaits;  // by the position they wait for
  bool sweep_armed = false;
  std::vector<std::int64_t> delays;  // ring of apply delays of live batches, ms
  std::size_t next_delay = 0;

  persistence::kv_store& kv() { return context->db->kv(); }
  persistence::journal& journal() { return context->db->events(); }
};

using projection_actor = caf::stateful_actor<projection_state>*;

void run(projection_actor self);

// Continues with the next step after the messages already queued (queries stay answered while a
// long catch-up or clear runs).
void continue_soon(projection_actor self) {
  self->send(self, tick_atom::value, self->state.epoch);
}

void retry_later(projection_actor self, std::string why) {
  auto& st = self->state;
  st.last_error = std::move(why);
  auto delay = std::min(max_retry_delay, first_retry_delay * (1u << std::min(st.failures, 5u)));
  ++st.failures;
  self->delayed_send(self, delay, tick_atom::value, st.epoch);
}

void refresh_rebuilding(projection_actor self) {
  auto& st = self->state;
  if (st.rebuilding && st.next != step::clear && st.position >= st.journal().last_position())
    st.rebuilding = false;
}

void answer_awaits(projection_actor self) {
  auto& awaits = self->state.awaits;
  auto reached = awaits.upper_bound(self->state.position);
  for (auto it = awaits.begin(); it != reached; ++it) it->second.promise.deliver(true);
  awaits.erase(awaits.begin(), reached);
}

// Bookkeeping after a commit that brought the checkpoint to `position`.
void committed(projection_actor self, std::uint64_t position) {
  auto& st = self->state;
  st.position = position;
  st.failures = 0;
  st.last_error.clear();
  answer_awaits(self);
  refresh_rebuilding(self);
}

// Applies and commits a batch from the bus; false (with last_error set) when that failed.
bool commit_live(projection_actor self, std::span<const persistence::recorded_event> events) {
  auto& st = self->state;
  auto done = readmodel::apply_and_commit(*st.view, st.kv(), events, st.position);
  if (!done) {
    st.last_error = done.error().message;
    return false;
  }
  if (*done > st.position) {
    auto first = std::find_if(events.begin(), events.end(),
                              [&](auto& e) { return e.position > st.position; });
    auto delay = std::max<std::int64_t>(0, now_ms() - first->timestamp_ms);
    if (st.delays.size() < delay_samples)
      st.delays.push_back(delay);
    else
      st.delays[st.next_delay] = delay;
    st.next_delay = (st.next_delay + 1) % delay_samples;
  }
  committed(self, *done);
  return true;
}

void load(projection_actor self) {
  auto& st = self->state;
  auto loaded = readmodel::load_checkpoint(st.kv(), st.view->name());
  if (!loaded) return retry_later(self, loaded.error().message);
  st.failures = 0;
  st.last_error.clear();
  if (loaded->clearing) {  // an earlier version stopped while clearing for a rebuild: finish it
    st.rebuilding = true;
    st.next = step::clear;
  } else {
    st.position = loaded->position;
    st.next = step::follow_bus;
  }
  run(self);
}

// Deletes every row and the checkpoint (see clear_projection).
void clear(projection_actor self) {
  auto& st = self->state;
  auto cleared = readmodel::clear_projection(st.kv(), *st.view);
  if (!cleared) return retry_later(self, cleared.error().message);
  st.failures = 0;
  st.last_error.clear();
  st.position = 0;
  st.next = step::follow_bus;
  run(self);
}

// Applies a chunk of the journal (see apply_journal_step), the same step as an offline rebuild.
void read_journal(projection_actor self) {
  auto& st = self->state;
  auto step = readmodel::apply_journal_step(st.journal(), st.kv(), *st.view, st.position,
                                            journal_chunk_events);
  if (!step) return retry_later(self, step.error().message);
  committed(self, step->position);
  if (step->caught_up) {
    st.next = step::follow_bus;  // caught up with the journal: the bus has the rest
    return run(self);
  }
  continue_soon(self);
}

void fetch(projection_actor self) {
  auto& st = self->state;
  auto epoch = st.epoch;
  auto stale = [self, epoch] { return self->state.epoch != epoch; };
  auto handle =
      self->request(st.bus, caf::infinite, fetch_atom::value, st.position, fetch_max_events);
  // The bus answers a fetch with one of two shapes; then() takes a handler for one shape only,
  // so register a behavior for the response directly.
  self->add_multiplexed_response_handler(
      handle.id(), caf::behavior{
                       [self, stale](event_batch& batch) {
                         if (stale()) return;
                         auto& st = self->state;
                         auto events = batch.events();
                         if (!events.empty() && events.front().position > st.position + 1) {
                           st.next =
                               step::read_journal;  // the bus's buffer does not reach back to us
                           return run(self);
                         }
                         if (!commit_live(self, events)) return retry_later(self, st.last_error);
                         run(self);
                       },
                       [self, stale](catchup_atom, std::uint64_t) {
                         if (stale()) return;
                         self->state.next = step::read_journal;
                         run(self);
                       },
                       [self, stale](caf::error& err) {
                         if (stale()) return;
                         retry_later(self, "event bus: " + self->system().render(err));
                       },
                   });
}

void run(projection_actor self) {
  switch (self->state.next) {
    case step::load:
      return load(self);
    case step::clear:
      return clear(self);
    case step::read_journal:
      return read_journal(self);
    case step::follow_bus:
      refresh_rebuilding(self);
      return fetch(self);
  }
}

void start_rebuild(projection_actor self) {
  auto& st = self->state;
  ++st.epoch;  // orphans the fetch or timer under way
  st.rebuilding = true;
  st.position = 0;
  st.next = step::clear;
  st.failures = 0;
  st.last_error.clear();
  continue_soon(self);
}

void park_await(projection_actor self, std::uint64_t target, caf::response_promise promise) {
  auto& st = self->state;
  if (st.awaits.size() >= max_parked_awaits) return promise.deliver(false);
  st.awaits.emplace(target, parked_await{now_ms(), std::move(promise)});
  if (!st.sweep_armed) {
    st.sweep_armed = true;
    self->delayed_send(self, await_sweep_interval, tick_atom::value);
  }
}

// Answers false to awaits whose callers have surely given up, so they do not fill the slots.
void sweep_awaits(projection_actor self) {
  auto& st = self->state;
  auto cutoff = now_ms() - max_await_ms;
  for (auto it = st.awaits.begin(); it != st.awaits.end();) {
    if (it->second.since_ms < cutoff) {
      it->second.promise.deliver(false);
      it = st.awaits.erase(it);
    } else {
      ++it;
    }
  }
  st.sweep_armed = !st.awaits.empty();
  if (st.sweep_armed) self->delayed_send(self, await_sweep_interval, tick_atom::value);
}

std::int64_t p99(std::vector<std::int64_t> samples) {
  if (samples.empty()) return 0;
  auto rank = (samples.size() * 99 + 99) / 100 - 1;  // nearest rank
  std::nth_element(samples.begin(), samples.begin() + rank, samples.end());
  return samples[rank];
}

projection_info describe(projection_actor self) {
  auto& st = self->state;
  refresh_rebuilding(self);
  projection_info info;
  info.name = std::string(st.view->name());
  info.position = st.position;
  auto last = st.journal().last_position();
  info.lag_events = last > st.position ? last - st.position : 0;
  if (info.lag_events > 0) {
    if (auto oldest = st.journal().read_all(st.position + 1, 1); oldest && !oldest->empty())
      info.lag_ms = std::max<std::int64_t>(0, now_ms() - oldest->front().timestamp_ms);
  }
  info.apply_delay_p99_ms = p99(st.delays);
  if (st.rebuilding)
    info.status = "rebuilding";
  else if (st.next == step::follow_bus)
    info.status = "live";
  else
    info.status = "catching_up";
  info.last_error = st.last_error;
  info.retrying = st.view->retrying();
  return info;
}

void stop(projection_actor self) {
  for (auto& [position, parked] : self->state.awaits) parked.promise.deliver(false);
  self->state.awaits.clear();
  self->quit();
}

caf::behavior projection_behavior(projection_actor self, runtime_context* context, caf::actor bus,
                                  std::shared_ptr<readmodel::projection> view) {
  self->state.context = context;
  self->state.bus = bus;
  self->state.view = std::move(view);
  // Without the bus there is nothing to follow: the runtime is shutting down. Quit rather than
  // retry forever, which would keep the actor system from ending.
  self->monitor(bus);
  self->set_down_handler([self](caf::down_msg&) { stop(self); });
  continue_soon(self);  // load the checkpoint from inside the actor
  return {
      [self](tick_atom, std::uint64_t epoch) {
        if (epoch == self->state.epoch) run(self);
      },
      [self](tick_atom) { sweep_awaits(self); },
      [self](await_atom, std::uint64_t position) {
        auto promise = self->make_response_promise();
        if (position <= self->state.position)
          promise.deliver(true);
        else
          park_await(self, position, std::move(promise));
      },
      [self](rebuild_atom) {
        start_rebuild(self);
        return true;
      },
      [self](inspect_atom) { return describe(self); },
      [self](stop_atom) { stop(self); },
  };
}

}  // namespace

caf::actor spawn_projection(caf::actor_system& system, runtime_context* context,
                            std::unique_ptr<readmodel::projection> view) {
  // The bus handle is taken here, on the spawning thread: the actor starts on its own thread and
  // must not read the context's handle, which the runtime clears when it shuts down.
  return system.spawn<caf::detached>(projection_behavior, context, context->bus,
                                     std::shared_ptr<readmodel::projection>(std::move(view)));
}

std::vector<caf::actor> spawn_projections(caf::actor_system& system, runtime_context* context) {
  std::vector<caf::actor> actors;
  for (auto name : readmodel::projection_names())
    actors.push_back(spawn_projection(system, context, readmodel::make_projection(name)));
  return actors;
}

}  // namespace ordo::actors
