#include "actors/gateway.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <future>

#include "actors/command_call.hpp"
#include "actors/messages.hpp"
#include "actors/reply_deadlines.hpp"
#include "actors/shard.hpp"
#include "readmodel/projections/catalog.hpp"

namespace ordo::actors {
namespace {

// A unit of work for a gateway actor: it runs inside the actor so it can issue requests.
struct gateway_job {
  std::function<void(caf::event_based_actor*)> run;
};

}  // namespace
}  // namespace ordo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::gateway_job)

namespace ordo::actors {
namespace {

caf::behavior carrier(caf::event_based_actor* self) {
  return {
      [self](gateway_job& job) { job.run(self); },
  };
}

}  // namespace

command_reply make_reply(outcome code, std::string message) {
  command_reply reply;
  reply.code = code;
  reply.message = std::move(message);
  return reply;
}

command_reply outcome_unknown_reply(std::string why) {
  return make_reply(outcome::outcome_unknown,
                    std::move(why) + "; the command may still be applied");
}

struct gateway::actors {
  std::vector<shard_actor> shards;
  std::vector<projector_actor> projections;
  std::vector<caf::actor> carriers;
  std::atomic<std::size_t> next_carrier{0};

  const shard_actor& shard_for(std::string_view type, std::string_view id) const {
    return shards[shard_of(type, id, static_cast<std::uint32_t>(shards.size()))];
  }

  // Runs `job` inside one of the gateway's actors, which may issue requests from there.
  void dispatch(std::function<void(caf::event_based_actor*)> job) {
    auto i = next_carrier.fetch_add(1, std::memory_order_relaxed) % carriers.size();
    caf::anon_send(carriers[i], gateway_job{std::move(job)});
  }
};

gateway::gateway(caf::actor_system& system, std::vector<shard_actor> shards,
                 std::vector<projector_actor> projections, const runtime_settings& settings)
    : actors_(std::make_unique<actors>()),
      settings_(settings),
      deadlines_(std::make_unique<reply_deadlines>(
          std::chrono::milliseconds(settings.command_timeout_ms))) {
  actors_->shards = std::move(shards);
  actors_->projections = std::move(projections);
  for (std::size_t i = 0; i < std::max<std::size_t>(1, settings.gateway_actors); ++i)
    actors_->carriers.push_back(system.spawn(carrier));
}

gateway::~gateway() {
  for (auto& c : actors_->carriers) caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
}

bool gateway::admit() {
  if (in_flight_->fetch_add(1, std::memory_order_acq_rel) >= settings_.max_in_flight) {
    in_flight_->fetch_sub(1, std::memory_order_acq_rel);
    return false;
  }
  return true;
}

void gateway::enqueue(command_envelope command, std::shared_ptr<command_call> call) {
  const auto& shard = actors_->shard_for(command.aggregate_type, command.aggregate_id);
  caf::anon_send(shard, tracked_command{std::move(command), reply_ticket(std::move(call))});
}

void gateway::send_async(command_envelope command, reply_handler done) {
  if (!admit()) {
    done(make_reply(outcome::overloaded, "too many commands in flight; retry later"));
    return;
  }
  // Not make_shared: the deadline's weak_ptr would keep the whole call allocated (its handler
  // with what that captures) until the timeout passes, not just the control block: 200 bytes of
  // every command of the last command_timeout_ms.
  std::shared_ptr<command_call> call(std::make_unique<command_call>(
      [in_flight = in_flight_, done = std::move(done)](command_reply r) {
        in_flight->fetch_sub(1, std::memory_order_acq_rel);
        done(std::move(r));
      }));
  deadlines_->watch(call);
  enqueue(std::move(command), std::move(call));
}

command_reply gateway::send(command_envelope command) {
  if (!admit()) return make_reply(outcome::overloaded, "too many commands in flight; retry later");
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.command_timeout_ms);
  auto call = std::make_shared<command_call>();
  enqueue(std::move(command), call);
  auto reply = call->wait_until(deadline);
  in_flight_->fetch_sub(1, std::memory_order_acq_rel);
  return reply;
}

template <class T>
T gateway::wait(std::function<void(std::function<void(T)>)> start, T on_timeout) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  start([promise](T value) { promise->set_value(std::move(value)); });
  // The actors answer within command_timeout_ms; the margin covers scheduling delays.
  auto limit = std::chrono::milliseconds(settings_.command_timeout_ms + 1000);
  if (future.wait_for(limit) != std::future_status::ready) return on_timeout;
  return future.get();
}

namespace {

// Issues one request of `Reply` to `actor` with xs and delivers the answer (or `fallback`).
template <class Reply, class Handle, class... Ts>
std::function<void(caf::event_based_actor*)> request_job(Handle actor,
                                                         std::chrono::milliseconds timeout,
                                                         std::function<void(Reply)> deliver,
                                                         Reply fallback, Ts... xs) {
  return [=](caf::event_based_actor* self) {
    self->request(actor, timeout, xs...)
        .then([deliver](Reply& r) { deliver(std::move(r)); },
              [deliver, fallback](caf::error&) { deliver(fallback); });
  };
}

}  // namespace

template <class Reply, class Handle, class... Ts>
Reply gateway::ask(const Handle& actor, Reply fallback, Ts... xs) {
  return wait<Reply>(
      [&](std::function<void(Reply)> deliver) {
        actors_->dispatch(
            request_job<Reply>(actor, std::chrono::milliseconds(settings_.command_timeout_ms),
                               deliver, fallback, xs...));
      },
      fallback);
}

command_reply gateway::query(const std::string& type, const std::string& id) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.command_timeout_ms);
  auto call = std::make_shared<command_call>();
  caf::anon_send(actors_->shard_for(type, id), tracked_query{type, id, reply_ticket(call)});
  auto reply = call->wait_until(deadline);
  // A read changes nothing: whether or not it reached the aggregate, no answer is just that.
  if (reply.code == outcome::outcome_unknown)
    return make_reply(outcome::unavailable, "no reply in time");
  return reply;
}

command_reply gateway::snapshot(const std::string& type, const std::string& id) {
  return ask(actors_->shard_for(type, id), make_reply(outcome::unavailable, "no reply in time"),
             snapshot_atom::value, type, id);
}

bool gateway::passivate(const std::string& type, const std::string& id) {
  return ask(actors_->shard_for(type, id), false, passivate_atom::value, type, id);
}

std::optional<aggregate_info> gateway::inspect(const std::string& type, const std::string& id) {
  auto info = ask(actors_->shard_for(type, id), aggregate_info{}, inspect_atom::value, type, id);
  if (info.aggregate_type.empty() || info.version == 0) return std::nullopt;
  return info;
}

std::vector<aggregate_info> gateway::inspect_live(const std::string& type, std::size_t limit) {
  std::vector<aggregate_info> all;
  // A shard host appears once per shard it runs (and a stand-in once per shard it stands in for):
  // ask each actor once.
  std::vector<shard_actor> asked;
  for (auto& shard : actors_->shards) {
    if (all.size() >= limit) break;
    if (std::find(asked.begin(), asked.end(), shard) != asked.end()) continue;
    asked.push_back(shard);
    auto part = ask(shard, std::vector<aggregate_info>{}, inspect_atom::value, type,
                    static_cast<std::uint64_t>(limit - all.size()));
    for (auto& info : part) all.push_back(std::move(info));
  }
  return all;
}

bool gateway::await_position(std::uint64_t position, std::chrono::milliseconds timeout) {
  if (actors_->projections.empty()) return true;
  auto promise = std::make_shared<std::promise<bool>>();
  auto future = promise->get_future();
  auto projections = actors_->projections;
  actors_->dispatch([projections, position, timeout, promise](caf::event_based_actor* self) {
    auto remaining = std::make_shared<std::size_t>(projections.size());
    auto answered = std::make_shared<bool>(false);
    auto answer = [promise, answered](bool value) {
      if (*answered) return;
      *answered = true;
      promise->set_value(value);
    };
    for (auto& projection : projections) {
      self->request(projection, timeout, await_atom::value, position)
          .then(
              [remaining, answer](bool reached) mutable {
                if (!reached) return answer(false);
                if (--*remaining == 0) answer(true);
              },
              [answer](caf::error&) mutable { answer(false); });
    }
  });
  if (future.wait_for(timeout + std::chrono::milliseconds(500)) != std::future_status::ready)
    return false;
  return future.get();
}

std::vector<projection_status> gateway::projections() {
  std::vector<projection_status> all;
  for (auto name : readmodel::projection_names()) {
    for (auto& projector : actors_->projections) {
      auto info = ask(projector, projection_info{}, inspect_atom::value, std::string(name));
      if (info.name.empty()) continue;  // not one of this projector's views
      all.push_back(std::move(info));
      break;
    }
  }
  return all;
}

bool gateway::rebuild_projection(const std::string& name) {
  for (auto& projector : actors_->projections) {
    auto accepted = wait<bool>(
        [&](std::function<void(bool)> deliver) {
          actors_->dispatch(
              request_job<bool>(projector, std::chrono::milliseconds(settings_.command_timeout_ms),
                                deliver, false, rebuild_atom::value, name));
        },
        false);
    if (accepted) return true;
  }
  return false;
}

}  // namespace ordo::actors
