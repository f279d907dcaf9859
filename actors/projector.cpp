#include "actors/projector.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "actors/apply_delays.hpp"
#include "actors/messages.hpp"
#include "actors/parked_awaits.hpp"
#include "readmodel/projection_rebuild.hpp"
#include "readmodel/projections/catalog.hpp"

namespace ordo::actors {
namespace {

constexpr std::uint32_t fetch_max_events = 1024;
// One step of a catch-up from the journal: large enough that a view behind catches up in few
// writes, small enough that queries and awaits queued meanwhile are answered soon.
constexpr std::size_t journal_chunk_events = 4096;
constexpr std::chrono::milliseconds first_retry_delay{200};
constexpr std::chrono::milliseconds max_retry_delay{5000};
// Longer than the API's longest wait (wait_ms <= 10 000): a caller has given up before this.
constexpr std::int64_t max_await_ms = 15'000;
constexpr std::chrono::seconds await_sweep_interval{1};
constexpr int background_nice = 10;

// Where one view stands.
enum class phase {
  load,      // read its checkpoint
  clear,     // a rebuild deletes its rows and checkpoint (one range delete)
  catch_up,  // behind the group: reads the journal alone
  joined,    // at the group's position, applied with the group's batches
};

struct view_slot {
  std::unique_ptr<readmodel::projection> view;
  std::uint64_t position = 0;  // the last position committed
  phase at = phase::load;
  bool rebuilding = false;  // from a rebuild request until caught up with the journal
  std::uint32_t failures = 0;
  std::int64_t retry_at_ms = 0;  // a failed step is not tried again before this
  std::string last_error;
  apply_delays delays;  // of live batches
};

struct projector_state {
  static inline const char* name = "ordo.projector";
  runtime_context* context = nullptr;
  event_bus_actor bus;
  projector_options options;
  std::vector<view_slot> views;
  std::uint64_t group_position = 0;  // where every joined view stands
  // Bumped whenever the group's position is set anew: a fetch reply from before is ignored.
  std::uint64_t epoch = 0;
  bool fetch_pending = false;
  bool gathering = false;  // the next fetch waits for options.gather (see projector_options)
  bool group_reads_journal = false;  // the bus's buffer does not reach back to the group
  std::uint32_t group_failures = 0;
  std::int64_t group_retry_at_ms = 0;
  bool tick_pending = false;
  bool prioritised = false;
  std::size_t next_laggard = 0;
  parked_awaits awaits{max_parked_awaits};
  bool sweep_armed = false;

  persistence::kv_store& kv() { return context->db->kv(); }
  persistence::journal& journal() { return context->db->events(); }
};

using projector_ptr = projector_actor::stateful_pointer<projector_state>;

// What a (tick_atom, kind) message is for.
constexpr std::uint64_t soon = 0;      // continue_soon
constexpr std::uint64_t retry = 1;     // a failed step's backoff passed
constexpr std::uint64_t gathered = 2;  // the gathering after a batch ended

void work(projector_ptr self);

std::chrono::milliseconds backoff(std::uint32_t failures) {
  return std::min(max_retry_delay, first_retry_delay * (1u << std::min(failures, 5u)));
}

// Runs work() after the messages already queued (queries stay answered during a long catch-up).
void continue_soon(projector_ptr self) {
  if (self->state.tick_pending) return;
  self->state.tick_pending = true;
  self->send(self, tick_atom::value, soon);
}

void retry_later(projector_ptr self, std::chrono::milliseconds delay) {
  self->delayed_send(self, delay, tick_atom::value, retry);
}

void failed(projector_ptr self, view_slot& slot, std::string why) {
  slot.last_error = std::move(why);
  auto delay = backoff(slot.failures++);
  slot.retry_at_ms = now_ms() + delay.count();
  retry_later(self, delay);
}

// The group's fetch, journal read or write failed: it tries again after a backoff.
void group_failed(projector_ptr self) {
  auto& st = self->state;
  auto delay = backoff(st.group_failures++);
  st.group_retry_at_ms = now_ms() + delay.count();
  retry_later(self, delay);
}

void succeeded(view_slot& slot) {
  slot.failures = 0;
  slot.retry_at_ms = 0;
  slot.last_error.clear();
}

std::uint64_t lowest_position(projector_ptr self) {
  std::uint64_t lowest = UINT64_MAX;
  for (auto& slot : self->state.views) lowest = std::min(lowest, slot.position);
  return lowest;
}

void answer_awaits(projector_ptr self) {
  if (!self->state.awaits.empty()) self->state.awaits.answer_reached(lowest_position(self));
}

void refresh_rebuilding(projector_ptr self) {
  auto last = self->state.journal().last_position();
  for (auto& slot : self->state.views)
    if (slot.rebuilding && slot.at != phase::clear && slot.position >= last)
      slot.rebuilding = false;
}

// With no view in the group, the views furthest ahead form it anew. A view whose last step
// failed waits for its retry first: rejoining at once would fetch and fail again without pause.
void regroup(projector_ptr self) {
  auto& st = self->state;
  auto joined = [](const view_slot& s) { return s.at == phase::joined; };
  if (std::ranges::any_of(st.views, joined)) return;
  ++st.epoch;  // orphans a fetch under way
  st.fetch_pending = false;
  st.group_reads_journal = false;
  auto now = now_ms();
  auto ready = [now](const view_slot& s) {
    return s.at == phase::catch_up && now >= s.retry_at_ms;
  };
  bool any = false;
  std::uint64_t furthest = 0;
  for (auto& slot : st.views)
    if (ready(slot)) {
      furthest = any ? std::max(furthest, slot.position) : slot.position;
      any = true;
    }
  if (!any) return;
  st.group_position = furthest;
  for (auto& slot : st.views)
    if (ready(slot) && slot.position == furthest) slot.at = phase::joined;
}

// Applies `events` to every joined view and commits all their rows and checkpoints in one write.
// False when the write failed (nothing was written); a view whose apply failed leaves the group.
bool commit_group(projector_ptr self, std::span<const persistence::recorded_event> events,
                  bool live) {
  auto& st = self->state;
  std::vector<readmodel::view_cursor> cursors;
  std::vector<view_slot*> slots;
  for (auto& slot : st.views)
    if (slot.at == phase::joined) {
      cursors.push_back({slot.view.get(), slot.position});
      slots.push_back(&slot);
    }
  auto decoded = readmodel::decode_events(events);
  auto batch = readmodel::apply_batch(cursors, st.kv(), decoded);
  auto written = batch ? readmodel::commit_batch(st.kv(), *batch, st.options.logging)
                       : persistence::result<void>(std::unexpected(batch.error()));
  if (!written) {
    for (auto* slot : slots) {
      slot->view->forget();
      slot->last_error = written.error().message;
    }
    group_failed(self);
    return false;
  }
  st.group_failures = 0;
  st.group_retry_at_ms = 0;
  auto newest = events.empty() ? st.group_position : events.back().position;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    auto& slot = *slots[i];
    if (batch->failures[i]) {  // it goes on alone from where it stands
      slot.at = phase::catch_up;
      failed(self, slot, batch->failures[i]->message);
      continue;
    }
    if (live && batch->positions[i] > slot.position) {
      auto first = std::ranges::find_if(
          events, [&](const persistence::recorded_event& e) { return e.position > slot.position; });
      slot.delays.record(std::max<std::int64_t>(0, now_ms() - first->timestamp_ms));
    }
    slot.position = batch->positions[i];
    succeeded(slot);
  }
  st.group_position = std::max(st.group_position, newest);
  answer_awaits(self);
  regroup(self);
  return true;
}

void fetch(projector_ptr self);

void on_fetched(projector_ptr self, std::uint64_t epoch, const event_batch& batch) {
  auto& st = self->state;
  if (epoch != st.epoch) return;
  st.fetch_pending = false;
  auto events = batch.events();
  if (!events.empty() && events.front().position > st.group_position + 1) {
    st.group_reads_journal = true;  // the bus's buffer does not reach back to the group
    return continue_soon(self);
  }
  if (!commit_group(self, events, /*live=*/true)) return;
  if (st.options.gather.count() > 0 && events.size() < fetch_max_events && st.awaits.empty()) {
    st.gathering = true;
    self->delayed_send(self, st.options.gather, tick_atom::value, gathered);
    return;
  }
  fetch(self);
}

void fetch(projector_ptr self) {
  auto& st = self->state;
  bool any_joined = std::ranges::any_of(st.views, [](auto& s) { return s.at == phase::joined; });
  if (!any_joined || st.fetch_pending || st.gathering || st.group_reads_journal ||
      now_ms() < st.group_retry_at_ms)
    return;
  st.fetch_pending = true;
  auto epoch = st.epoch;
  self->request(st.bus, caf::infinite, fetch_atom::value, st.group_position, fetch_max_events)
      .then(
          [self, epoch](bus_fetch_reply& reply) {
            if (!reply.behind) return on_fetched(self, epoch, reply.batch);
            if (epoch != self->state.epoch) return;
            self->state.fetch_pending = false;
            self->state.group_reads_journal = true;
            continue_soon(self);
          },
          [self, epoch](caf::error& err) {
            auto& st = self->state;
            if (epoch != st.epoch) return;
            st.fetch_pending = false;
            for (auto& slot : st.views)
              if (slot.at == phase::joined)
                slot.last_error = "event bus: " + self->system().render(err);
            group_failed(self);
          });
}

// One chunk of the journal for the group.
void group_read_journal(projector_ptr self) {
  auto& st = self->state;
  if (now_ms() < st.group_retry_at_ms) return;
  auto events = st.journal().read_all(st.group_position + 1, journal_chunk_events);
  if (!events) {
    for (auto& slot : st.views)
      if (slot.at == phase::joined) slot.last_error = events.error().message;
    return group_failed(self);
  }
  if (!commit_group(self, *events, /*live=*/false)) return;
  if (events->size() < journal_chunk_events)
    st.group_reads_journal = false;  // the bus has the rest
}

void load(projector_ptr self, view_slot& slot) {
  auto& st = self->state;
  auto loaded = readmodel::load_checkpoint(st.kv(), slot.view->name());
  if (!loaded) return failed(self, slot, loaded.error().message);
  auto outdated = slot.view->needs_rebuild(st.kv());
  if (!outdated) return failed(self, slot, outdated.error().message);
  succeeded(slot);
  // An earlier version stopped while clearing for a rebuild, or left rows in a format this one
  // does not read: rebuild.
  if (loaded->clearing || *outdated) {
    slot.rebuilding = true;
    slot.at = phase::clear;
  } else {
    slot.position = loaded->position;
    slot.at = phase::catch_up;
  }
}

// One step of a view outside the group: clear it, or apply a chunk of the journal up to the
// group's position (the same step as an offline rebuild, cut off there).
void laggard_step(projector_ptr self, view_slot& slot) {
  auto& st = self->state;
  if (slot.at == phase::clear) {
    if (auto cleared = readmodel::clear_projection(st.kv(), *slot.view); !cleared)
      return failed(self, slot, cleared.error().message);
    succeeded(slot);
    slot.position = 0;
    slot.at = phase::catch_up;
    return;
  }
  if (slot.position < st.group_position) {
    auto events = st.journal().read_all(slot.position + 1, journal_chunk_events);
    if (!events) return failed(self, slot, events.error().message);
    auto beyond =
        std::ranges::find_if(*events, [&](auto& e) { return e.position > st.group_position; });
    events->erase(beyond, events->end());
    auto committed = readmodel::apply_and_commit(*slot.view, st.kv(), *events, slot.position,
                                                 st.options.logging);
    if (!committed) return failed(self, slot, committed.error().message);
    succeeded(slot);
    slot.position = *committed;
    answer_awaits(self);
  }
  if (slot.position >= st.group_position &&
      std::ranges::any_of(st.views, [](auto& s) { return s.at == phase::joined; }))
    slot.at = phase::joined;
}

void prioritise(projector_ptr self) {
  auto& st = self->state;
  if (st.prioritised || !st.options.background) return;
  st.prioritised = true;
  // On Linux a thread has its own nice value; this is the actor's own (detached) thread.
  // Raising a nice value needs no privilege; should it fail, the thread runs as before.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), background_nice);
}

// Does what is due: loads checkpoints, one journal chunk for the group when it is behind the
// bus, one step of one view outside the group; keeps a fetch under way for the group.
void work(projector_ptr self) {
  prioritise(self);
  auto& st = self->state;
  auto now = now_ms();
  bool more = false;
  for (auto& slot : st.views)
    if (slot.at == phase::load && now >= slot.retry_at_ms) load(self, slot);
  regroup(self);
  if (st.group_reads_journal) {
    group_read_journal(self);
    more = st.group_reads_journal && now_ms() >= st.group_retry_at_ms;
  }
  for (std::size_t tried = 0; tried < st.views.size(); ++tried) {
    auto& slot = st.views[st.next_laggard];
    st.next_laggard = (st.next_laggard + 1) % st.views.size();
    if (slot.at == phase::clear || slot.at == phase::catch_up) {
      if (now < slot.retry_at_ms) continue;
      laggard_step(self, slot);
      break;
    }
  }
  regroup(self);
  for (auto& slot : st.views)
    if ((slot.at == phase::clear || slot.at == phase::catch_up) && now_ms() >= slot.retry_at_ms)
      more = true;
  refresh_rebuilding(self);
  answer_awaits(self);
  fetch(self);
  if (more) continue_soon(self);
}

view_slot* find_view(projector_ptr self, std::string_view name) {
  for (auto& slot : self->state.views)
    if (slot.view->name() == name) return &slot;
  return nullptr;
}

bool start_rebuild(projector_ptr self, const std::string& name) {
  auto* slot = find_view(self, name);
  if (!slot) return false;
  slot->view->forget();
  slot->at = phase::clear;
  slot->rebuilding = true;
  slot->position = 0;
  succeeded(*slot);  // a failure before starts no backoff for the rebuild
  regroup(self);
  continue_soon(self);
  return true;
}

void park_await(projector_ptr self, std::uint64_t target,
                caf::typed_response_promise<bool> promise) {
  auto& st = self->state;
  st.awaits.park(target, std::move(promise), now_ms());
  if (st.gathering) {  // someone waits for the views: no more gathering
    st.gathering = false;
    fetch(self);
  }
  if (!st.sweep_armed) {
    st.sweep_armed = true;
    self->delayed_send(self, await_sweep_interval, tick_atom::value);
  }
}

// Answers false to awaits whose callers have surely given up, so they do not fill the slots.
void sweep_awaits(projector_ptr self) {
  auto& st = self->state;
  st.awaits.expire_before(now_ms() - max_await_ms);
  st.sweep_armed = !st.awaits.empty();
  if (st.sweep_armed) self->delayed_send(self, await_sweep_interval, tick_atom::value);
}

projection_info describe(projector_ptr self, const std::string& name) {
  auto& st = self->state;
  auto* slot = find_view(self, name);
  if (!slot) return {};
  refresh_rebuilding(self);
  projection_info info;
  info.name = name;
  info.position = slot->position;
  auto last = st.journal().last_position();
  info.lag_events = last > slot->position ? last - slot->position : 0;
  if (info.lag_events > 0) {
    if (auto oldest = st.journal().read_all(slot->position + 1, 1); oldest && !oldest->empty())
      info.lag_ms = std::max<std::int64_t>(0, now_ms() - oldest->front().timestamp_ms);
  }
  info.apply_delay_p99_ms = slot->delays.p99();
  if (slot->rebuilding)
    info.status = "rebuilding";
  else if (slot->at == phase::joined && !st.group_reads_journal)
    info.status = "live";
  else
    info.status = "catching_up";
  info.last_error = slot->last_error;
  info.retrying = slot->view->retrying();
  return info;
}

void stop(projector_ptr self) {
  self->state.awaits.answer_all_false();
  self->quit();
}

projector_actor::behavior_type projector_behavior(projector_ptr self, runtime_context* context,
                                                  event_bus_actor bus,
                                                  std::shared_ptr<std::vector<view_slot>> views,
                                                  projector_options options) {
  auto& st = self->state;
  st.context = context;
  st.bus = bus;
  st.options = options;
  st.views = std::move(*views);
  // Without the bus there is nothing to follow: the runtime is shutting down. Quit rather than
  // retry forever, which would keep the actor system from ending.
  self->monitor(bus);
  self->set_down_handler([self](caf::down_msg&) { stop(self); });
  continue_soon(self);  // load the checkpoints from inside the actor
  return {
      [self](tick_atom, std::uint64_t kind) {
        if (kind == soon) self->state.tick_pending = false;
        if (kind == gathered) self->state.gathering = false;
        work(self);
      },
      [self](tick_atom) { sweep_awaits(self); },
      [self](await_atom, std::uint64_t position) -> caf::result<bool> {
        if (position <= lowest_position(self)) return true;
        auto promise = self->make_response_promise<bool>();
        park_await(self, position, promise);
        return promise;
      },
      [self](rebuild_atom, const std::string& name) { return start_rebuild(self, name); },
      [self](inspect_atom, const std::string& name) { return describe(self, name); },
      [self](stop_atom) { stop(self); },
  };
}

}  // namespace

projector_actor spawn_projector(caf::actor_system& system, runtime_context* context,
                                std::vector<std::unique_ptr<readmodel::projection>> views,
                                projector_options options) {
  auto slots = std::make_shared<std::vector<view_slot>>();
  for (auto& view : views) slots->push_back(view_slot{.view = std::move(view)});
  // The bus handle is taken here, on the spawning thread: the actor starts on its own thread and
  // must not read the context's handle, which the runtime clears when it shuts down.
  return system.spawn<caf::detached>(projector_behavior, context, context->bus, std::move(slots),
                                     options);
}

projector_actor spawn_projector(caf::actor_system& system, runtime_context* context) {
  std::vector<std::unique_ptr<readmodel::projection>> views;
  for (auto name : readmodel::projection_names()) views.push_back(readmodel::make_projection(name));
  return spawn_projector(system, context, std::move(views),
                         {.logging = readmodel::view_logging::no_wal,
                          .background = true,
                          .gather = std::chrono::microseconds(context->settings.views_gather_us)});
}

projector_actor spawn_projection(caf::actor_system& system, runtime_context* context,
                                 std::unique_ptr<readmodel::projection> view) {
  std::vector<std::unique_ptr<readmodel::projection>> views;
  views.push_back(std::move(view));
  return spawn_projector(system, context, std::move(views),
                         {.logging = readmodel::view_logging::wal,
                          .background = false,
                          .gather = std::chrono::microseconds(context->settings.views_gather_us)});
}

}  // namespace ordo::actors
