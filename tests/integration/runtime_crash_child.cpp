// The process the runtime crash test kills: it runs the actor runtime (with its projections) over
// the database in DIR with sync_mode::always and sends commands from several threads to ~200
// orders and 20 stock skus until it is SIGKILLed. Every acknowledged command (reply ok, not a
// duplicate) is reported on stdout as one line, written with one write(2):
//   create <order> <version> <command id>
//   add <order> <sku> <quantity> <version> <command id>
//   restock <sku> <quantity> <version> <command id>
//   status <order> <placed|cancelled> <version> <command id>
// Before the first command it prints "ready". Usage: ordo_runtime_crash_child DIR SEED
// (SEED must differ per run: command ids are "<seed>-<thread>-<n>").
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "actors/runtime.hpp"
#include "persistence/database.hpp"

namespace {

using nlohmann::json;
using namespace ordo;

constexpr int thread_count = 8;
constexpr int order_count = 200;
constexpr int sku_count = 20;
// Orders o-180..o-199 may also be placed or cancelled, so that the stats see several statuses;
// the others stay drafts and keep taking items.
constexpr int first_closable_order = 180;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "runtime crash child: %s\n", why.c_str());
  std::_Exit(3);
}

// One write(2) per line: a pipe write of under PIPE_BUF bytes is atomic, so a kill never leaves
// half a line, and nothing waits in a stdio buffer when the kill comes.
void report(const std::string& line) {
  const auto text = line + "\n";
  if (write(STDOUT_FILENO, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    die("cannot report to the parent");
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct sender {
  actors::gateway& gate;
  std::string seed;
  int thread;
  std::uint64_t n = 0;

  // Sends one command with a fresh command id; the reply and the id it carried.
  std::pair<actors::command_reply, std::string> send(const std::string& type, const std::string& id,
                                                     const std::string& command, const json& body) {
    actors::command_envelope e;
    e.aggregate_type = type;
    e.aggregate_id = id;
    e.command = command;
    e.body = body.dump();
    e.command_id = seed + "-" + std::to_string(thread) + "-" + std::to_string(n++);
    e.issued_at_ms = now_ms();
    auto command_id = e.command_id;
    return {gate.send(std::move(e)), std::move(command_id)};
  }
};

bool acknowledged(const actors::command_reply& reply) {
  return reply.ok() && !reply.duplicate;
}

void run_commands(actors::gateway& gate, const std::string& seed, int thread) {
  sender s{gate, seed, thread};
  std::mt19937_64 rng(std::hash<std::string>{}(seed) ^ (static_cast<std::uint64_t>(thread) << 32));
  std::uniform_int_distribution<int> pick_action(0, 99), pick_order(0, order_count - 1),
      pick_sku(0, sku_count - 1), pick_quantity(1, 5), pick_restock(1, 100);
  for (;;) {
    const int action = pick_action(rng);
    const int k = pick_order(rng);
    const auto order = "o-" + std::to_string(k);
    const auto sku = "sku-" + std::to_string(pick_sku(rng));
    if (action < 10) {
      auto [reply, id] =
          s.send("order", order, "create", {{"customer_id", "c-" + std::to_string(k % 13)}});
      if (acknowledged(reply))
        report("create " + order + " " + std::to_string(reply.version) + " " + id);
    } else if (action < 15 && k >= first_closable_order) {
      const bool place = action % 2 == 0;
      auto [reply, id] = place ? s.send("order", order, "place", {{"payment_token", "tok_ok"}})
                               : s.send("order", order, "cancel", {{"reason", "crash test"}});
      if (acknowledged(reply))
        report("status " + order + (place ? " placed " : " cancelled ") +
               std::to_string(reply.version) + " " + id);
    } else if (action < 85) {
      const int item_index = pick_sku(rng) % 8;
      const auto item = "item-" + std::to_string(item_index);
      const int quantity = pick_quantity(rng);
      // One price per sku: the domain refuses to merge a line at another price.
      auto [reply, id] =
          s.send("order", order, "add_item",
                 {{"sku", item}, {"quantity", quantity}, {"unit_price_cents", 100 + item_index}});
      if (acknowledged(reply))
        report("add " + order + " " + item + " " + std::to_string(quantity) + " " +
               std::to_string(reply.version) + " " + id);
    } else {
      const int quantity = pick_restock(rng);
      auto [reply, id] = s.send("stock", sku, "restock", {{"quantity", quantity}});
      if (acknowledged(reply))
        report("restock " + sku + " " + std::to_string(quantity) + " " +
               std::to_string(reply.version) + " " + id);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <data directory> <seed>\n", argv[0]);
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
  auto opened =
      persistence::database::open({.path = argv[1], .sync = persistence::sync_mode::always});
  if (!opened) die("open: " + opened.error().message);
  // Small snapshot interval and max_live: recovery from snapshot + tail and passivation under
  // load are part of what a kill interrupts.
  actors::runtime_settings settings;
  settings.run_sagas = false;  // this load confirms and rejects orders by hand
  settings.snapshot_every = 16;
  settings.max_live = 96;
  settings.shards = 8;
  actors::runtime node(**opened, settings);
  report("ready");
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t)
    threads.emplace_back(run_commands, std::ref(node.gateway()), std::string(argv[2]), t);
  for (auto& t : threads) t.join();  // never: the parent kills the process
  return 0;
}
