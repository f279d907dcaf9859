// The chaos run's client and bookkeeping: what each order's commands got back (acknowledged,
// refused, or unknown after its retries), what the cluster shows at the end, and the checks
// between the two.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "node_process.hpp"

namespace ordo::e2e {

// Where a node's HTTP API listens.
struct http_endpoint {
  std::string host;
  int port = 0;
};

// A command answered 2xx: the Idempotency-Key it carried and the ETag version it reported.
struct acknowledged {
  std::string key;
  std::int64_t version = 0;
};

struct order_record {
  std::string id;
  bool created = false;         // create acknowledged
  bool create_unknown = false;  // create unanswered after its retries: the order may not exist
  std::map<std::string, std::int64_t> acked_items;    // sku -> quantity, add_item acknowledged
  std::map<std::string, std::int64_t> unknown_items;  // sku -> quantity, outcome unknown
  std::string token;                                  // the payment token of `place`, if sent
  bool place_acked = false;
  bool place_unknown = false;
  bool cancel_acked = false;
  bool ship_acked = false;
  std::vector<acknowledged> acked;
  std::vector<std::string> unexpected;  // answers no correct node gives (4xx where none fits)
};

// Sends commands through random nodes; a 0 (no answer), 429, 503 or 504 is retried with the same
// Idempotency-Key, through any node, for up to `retry_for`.
class chaos_client {
 public:
  chaos_client(std::uint64_t seed, std::vector<http_endpoint> nodes);
  response send(const std::string& method, const std::string& path, const nlohmann::json& body,
                const std::string& key);
  // One order's life: create, 1-3 items, place (tok_ok, or tok_decline one time in five), then
  // one time in four a cancel, else one time in three a ship once the order reads confirmed.
  order_record run_order(const std::string& id, const std::string& customer,
                         const std::vector<std::string>& skus);
  static bool is_unknown(int status) {
    return status == 0 || status == 429 || status == 503 || status == 504;
  }
  // How often each unknown answer (0: none) came back, retries included.
  const std::map<int, int>& unknown_answers() const { return unknown_answers_; }

 private:
  std::mt19937_64 random_;
  std::map<int, int> unknown_answers_;
  std::vector<http_endpoint> nodes_;
};

struct order_seen {
  bool exists = false;
  std::string status;
  std::string reason;
  std::int64_t version = 0;
  std::map<std::string, std::int64_t> items;
};

struct saga_seen {
  std::string status;  // active | finished
  std::string step;
  std::string outcome;  // "" while active
  std::string node;
};

struct stock_seen {
  std::int64_t on_hand = -1, reserved = -1, available = -1;
};

struct events_seen {
  std::int64_t highest_version = 0;
  std::map<std::int64_t, std::string> command_ids;  // version -> command id
};

// What the cluster shows at the end, read through its nodes (any node serves any order).
struct cluster_view {
  std::map<std::string, order_seen> orders;
  std::vector<std::string> unreadable;     // orders no node answered for
  std::map<std::string, saga_seen> sagas;  // by order id, from every node's /v1/inspect/sagas
  std::vector<std::string> lagging;        // projections with events still to apply
  std::map<std::string, stock_seen> stock;
  std::map<std::string, events_seen> events;

  // Empty once every order is past `placed` and every saga is finished (a shipped order's saga
  // once it has shipped the stock); else what is not.
  std::string unsettled(const std::vector<order_record>& records) const;
  std::vector<std::string> saga_problems(const std::vector<order_record>& records) const;
  std::vector<std::string> stock_problems(const std::vector<order_record>& records,
                                          const std::vector<std::string>& skus,
                                          std::int64_t units_per_sku) const;
  std::vector<std::string> acknowledged_problems(const std::vector<order_record>& records) const;
};

// Orders and sagas; with `in_full` also stock and the journals of orders with acknowledged
// commands.
cluster_view read_cluster(const std::vector<order_record>& records,
                          const std::vector<std::string>& skus,
                          const std::vector<http_endpoint>& nodes, bool in_full);

std::string summarize(const std::vector<order_record>& records);

}  // namespace ordo::e2e
