// ordo_bench_handoff: what one hand-off between threads costs on this machine, the unit in which
// the command path's floor is counted (docs/architecture.md: a command crosses its caller, a CAF
// worker, the journal's writer and back). Each case is one round trip at 1 in flight; beside
// wall time per round trip it reports the whole process's CPU time per round trip
// (process_cpu_us), since a hand-off costs both threads.
//
//   direct_call             the same work without a hand-off (the baseline)
//   condition_variable      thread A wakes thread B, B wakes A: two hand-offs
//   plain_thread_to_actor   a plain thread enqueues into a CAF actor that wakes it back, as the
//                           gateway's callers do (two hand-offs)
//   actor_to_actor          an actor asks another and awaits its answer, inside CAF
//
// CAF runs with ordo's scheduler settings (actors::configure_scheduler).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <caf/all.hpp>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "actors/runtime.hpp"

namespace {

double process_cpu_us() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) { return t.tv_sec * 1e6 + t.tv_usec; };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

// Reports the process's CPU time per iteration of the loop `state` just ran.
class cpu_per_round_trip {
 public:
  explicit cpu_per_round_trip(benchmark::State& state) : state_(state) {}
  ~cpu_per_round_trip() {
    auto rounds = static_cast<double>(state_.iterations());
    if (rounds > 0) state_.counters["process_cpu_us"] = (process_cpu_us() - started_) / rounds;
  }

 private:
  benchmark::State& state_;
  double started_ = process_cpu_us();
};

// One side's "your turn": a flag, a mutex and a condition variable, as actors::reply_signal.
class turn {
 public:
  void give() {
    {
      std::lock_guard lock(mutex_);
      mine_ = true;
    }
    changed_.notify_one();
  }
  void take() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return mine_; });
    mine_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool mine_ = false;
};

struct wake_back {
  turn* caller;
};

}  // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(wake_back)

namespace {

std::atomic<std::uint64_t> work_done{0};

void work() {
  work_done.fetch_add(1, std::memory_order_relaxed);
}

void direct_call(benchmark::State& state) {
  std::function<void()> job = work;
  cpu_per_round_trip cpu(state);
  for (auto _ : state) job();
}

void condition_variable(benchmark::State& state) {
  turn to_partner, to_caller;
  std::atomic<bool> stop{false};
  std::thread partner([&] {
    for (;;) {
      to_partner.take();
      if (stop.load()) return;
      work();
      to_caller.give();
    }
  });
  {
    cpu_per_round_trip cpu(state);
    for (auto _ : state) {
      to_partner.give();
      to_caller.take();
    }
  }
  stop = true;
  to_partner.give();
  partner.join();
}

// ORDO_BENCH_CAF="name=value;name=value" adds CAF settings, to compare scheduler settings.
struct actor_system_with_ordos_scheduler {
  actor_system_with_ordos_scheduler() {
    ordo::actors::runtime_settings settings;
    if (const char* extra = std::getenv("ORDO_BENCH_CAF")) {
      std::string text = extra;
      for (std::size_t at = 0; at < text.size();) {
        auto end = std::min(text.find(';', at), text.size());
        auto setting = text.substr(at, end - at);
        if (auto equals = setting.find('='); equals != std::string::npos)
          settings.caf_settings.emplace_back(setting.substr(0, equals), setting.substr(equals + 1));
        at = end + 1;
      }
    }
    ordo::actors::configure_scheduler(config, settings);
  }
  caf::actor_system_config config;
};

void plain_thread_to_actor(benchmark::State& state) {
  actor_system_with_ordos_scheduler setup;
  caf::actor_system system{setup.config};
  auto actor = system.spawn([]() -> caf::behavior {
    return {[](const wake_back& message) {
      work();
      message.caller->give();
    }};
  });
  turn mine;
  {
    cpu_per_round_trip cpu(state);
    for (auto _ : state) {
      caf::anon_send(actor, wake_back{&mine});
      mine.take();
    }
  }
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

void actor_to_actor(benchmark::State& state) {
  actor_system_with_ordos_scheduler setup;
  caf::actor_system system{setup.config};
  auto answering = system.spawn([]() -> caf::behavior {
    return {[](std::uint64_t n) {
      work();
      return n;
    }};
  });
  // The asking actor runs `rounds` request/response round trips one after the other, then
  // tells the benchmark thread.
  turn finished;
  auto asking = system.spawn([&](caf::event_based_actor* self) -> caf::behavior {
    auto next = std::make_shared<std::function<void(std::uint64_t)>>();
    *next = [self, answering, next, &finished](std::uint64_t left) {
      if (left == 0) return finished.give();
      self->request(answering, caf::infinite, left).then([next](std::uint64_t n) {
        (*next)(n - 1);
      });
    };
    return {[next](std::uint64_t rounds) { (*next)(rounds); }};
  });
  {
    cpu_per_round_trip cpu(state);
    for (auto _ : state) {
      caf::anon_send(asking, std::uint64_t{1000});
      finished.take();
    }
  }
  state.counters["round_trips_per_iteration"] = 1000;
  caf::anon_send_exit(asking, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(answering, caf::exit_reason::user_shutdown);
}

}  // namespace

BENCHMARK(direct_call);
BENCHMARK(condition_variable)->UseRealTime();
BENCHMARK(plain_thread_to_actor)->UseRealTime();
BENCHMARK(actor_to_actor)->UseRealTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
