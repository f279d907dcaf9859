#include "actors/runtime.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "actors/aggregate_types.hpp"
#include "actors/deadline_scheduler.hpp"
#include "actors/event_bus.hpp"
#include "actors/messages.hpp"
#include "actors/projector.hpp"
#include "actors/saga_trigger.hpp"
#include "actors/shard.hpp"
#include "actors/snapshot_writer.hpp"
#include "actors/write_completion.hpp"

namespace ordo::actors {

namespace {

// Sets CAF's `name` to `text` in CAF's value syntax ("500", "50us"). CAF itself only prints a
// line for an unknown name or a value of the wrong type and starts anyway: read the value back
// and refuse instead.
void set_caf_option(caf::actor_system_config& config, const std::string& name,
                    const std::string& text) {
  auto value = caf::config_value::parse(text);
  if (!value) throw std::invalid_argument("CAF setting " + name + ": cannot parse " + text);
  config.set(name, *value);
  auto stored = caf::get_if(&config.content, name);
  if (stored == nullptr || *stored != *value)
    throw std::invalid_argument("CAF setting " + name + " does not exist or cannot take " + text);
}

}  // namespace

std::size_t configure_scheduler(caf::actor_system_config& config,
                                const runtime_settings& settings) {
  auto threads = settings.threads != 0
                     ? settings.threads
                     : std::max<std::size_t>(2, std::thread::hardware_concurrency());
  config.set("scheduler.max-threads", threads);
  // CAF's idle worker polls its queue 100 times, then 500 times with a 50 µs sleep between polls,
  // and only then waits on its condition variable. An enqueue from outside CAF (the journal's
  // writer, HTTP threads, callers of the gateway) wakes only a worker in that wait: one in the
  // sleeping polls notices it after its sleep ends, and 500 such polls follow every burst of work
  // (each a sleep and a wake-up). Without them a worker waits on the condition variable right
  // after its busy polls: measured (docs/benchmarks.md, 2026-12-05) CPU per command at 1 in
  // flight fell from ~500 µs to ~310-470 µs, with no change at 64 and 256 in flight.
  config.set("work-stealing.moderate-poll-attempts", 0);
  for (auto& [name, value] : settings.caf_settings) set_caf_option(config, name, value);
  return threads;
}

runtime::runtime(persistence::database& db, runtime_settings settings,
                 std::function<void(caf::actor_system_config&)> configure, shard_stand_in stand_in)
    : config_(std::make_unique<caf::actor_system_config>()) {
  context_.db = &db;
  context_.settings = settings;
  auto threads = configure_scheduler(*config_, settings);
  config_->add_message_types<caf::id_block::ordo>();
  if (configure) configure(*config_);
  system_ = std::make_unique<caf::actor_system>(*config_);

  context_.spawn_aggregate = [ctx = &context_](shard_actor::base& parent, const std::string& type,
                                               const std::string& id) {
    return spawn_aggregate(parent, ctx, type, id);
  };
  context_.snapshot_writer = spawn_snapshot_writer(*system_, &context_);
  context_.bus = spawn_event_bus(*system_, &context_);
  connect_journal_to_bus(db.events(), context_.bus);
  projector_ = spawn_projector(*system_, &context_);
  // Stand-ins first: the local shards share max_live, so their number must be known.
  std::vector<shard_actor> stand_ins;
  for (std::uint32_t i = 0; i < std::max<std::uint32_t>(1, settings.shards); ++i)
    stand_ins.push_back(stand_in ? stand_in(*system_, i) : shard_actor{});
  context_.local_shards = static_cast<std::uint32_t>(
      std::count_if(stand_ins.begin(), stand_ins.end(), [](const auto& s) { return !s; }));
  // The local shards go round-robin to a few hosts, by default one per worker thread: a busy
  // host takes each new message into a mailbox that is already scheduled, where 64 shards would
  // each have to be scheduled (and a worker woken) for one command.
  auto wanted_hosts = settings.shard_hosts != 0 ? settings.shard_hosts : threads;
  context_.shard_hosts = static_cast<std::uint32_t>(
      std::max<std::size_t>(1, std::min<std::size_t>(wanted_hosts, context_.local_shards)));
  std::vector<shard_actor> hosts;
  std::vector<std::shared_ptr<persistence::append_group>> host_completions;
  for (std::uint32_t h = 0; h < context_.shard_hosts; ++h) {
    hosts.push_back(spawn_shard(*system_, &context_, h));
    host_completions.push_back(make_shard_completion(hosts.back()));
  }
  std::uint32_t next_host = 0;
  for (auto& stand_in_or_none : stand_ins) {
    if (stand_in_or_none) {
      shards_.push_back(std::move(stand_in_or_none));
      context_.write_completions.push_back(make_shard_completion(shards_.back()));
    } else {
      auto h = next_host++ % context_.shard_hosts;
      shards_.push_back(hosts[h]);
      context_.write_completions.push_back(host_completions[h]);
    }
  }
  context_.shards = shards_;
  deadlines_ = context_.deadlines = spawn_deadline_scheduler(*system_, &context_);
  gateway_ = std::make_unique<class gateway>(*system_, shards_, std::vector{projector_}, settings);
  if (settings.run_sagas) {
    auto deliver = [gateway = gateway_.get()](std::vector<command_envelope> commands) {
      return deliver_in_order(*gateway, std::move(commands));
    };
    saga_trigger_ = spawn_projection(
        *system_, &context_,
        std::make_unique<saga_trigger>(deliver, settings.saga_step_timeout_ms, db.kv()));
  }
}

namespace {

// Stops `actors` and waits until they are gone. An actor may appear more than once (a stand-in
// for several shards): each monitor gets its own down_msg, and a second stop_atom finds it gone.
template <class Handle>
void stop_and_wait(caf::actor_system& system, const std::vector<Handle>& actors) {
  caf::scoped_actor self{system};
  for (auto& actor : actors) {
    self->monitor(actor);
    self->send(actor, stop_atom::value);
  }
  for (std::size_t i = 0; i < actors.size(); ++i) self->receive([](caf::down_msg&) {});
}

}  // namespace

runtime::~runtime() {
  // The saga trigger delivers through the gateway, and the scheduler sends into the shards.
  // No handle may outlive this block: the actor system waits for its detached actors to be gone.
  {
    std::vector<caf::actor> senders{caf::actor_cast<caf::actor>(deadlines_)};
    if (saga_trigger_) senders.push_back(caf::actor_cast<caf::actor>(saga_trigger_));
    stop_and_wait(*system_, senders);
  }
  saga_trigger_ = nullptr;
  deadlines_ = nullptr;
  gateway_.reset();
  // Stop the shards and wait until they are gone: a shard quits only after its aggregates, so
  // from here on no aggregate reads the context (the handles released below).
  stop_and_wait(*system_, shards_);
  shards_.clear();
  // Appends the aggregates started call back into actors: let them finish first.
  context_.db->events().flush();
  context_.write_completions.clear();  // they hold the shards' handles
  context_.db->events().set_commit_listener({});
  caf::anon_send(projector_, stop_atom::value);
  projector_ = nullptr;
  caf::anon_send(context_.bus, stop_atom::value);
  caf::anon_send(context_.snapshot_writer, stop_atom::value);
  context_.bus = nullptr;
  context_.snapshot_writer = nullptr;
  context_.spawn_aggregate = nullptr;
  system_->await_all_actors_done();
  // A journal callback sends into the actor system, so none may be pending when it goes away.
  context_.db->events().flush();
  system_.reset();
}

}  // namespace ordo::actors
