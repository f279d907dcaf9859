#include "chaos_ledger.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

namespace ordo::e2e {

namespace {

using json = nlohmann::json;

constexpr auto retry_for = std::chrono::seconds(12);

std::int64_t etag_version(const response& r) {
  auto tag = r.header("ETag");
  auto digits = tag.find_first_of("0123456789");
  return digits == std::string::npos ? 0 : std::stoll(tag.substr(digits));
}

std::map<std::string, std::int64_t> items_of(const json& order) {
  std::map<std::string, std::int64_t> items;
  if (order.contains("items"))
    for (const auto& item : order["items"])
      items[item.value("sku", "")] += item.value("quantity", std::int64_t{0});
  return items;
}

// Reads `path` through the nodes in turn, from `first`, until one answers other than 0/503.
response read_any(const std::vector<http_endpoint>& nodes, std::size_t first,
                  const std::string& path) {
  response r;
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    const auto& node = nodes[(first + k) % nodes.size()];
    r = api_client(node.host, node.port, {}, 10).get(path);
    if (r.status != 0 && r.status != 503) return r;
  }
  return r;
}

bool reached_placed(const order_record& r, const order_seen& seen) {
  return r.place_acked || seen.status == "confirmed" || seen.status == "rejected" ||
         seen.status == "shipped";
}

}  // namespace

chaos_client::chaos_client(std::uint64_t seed, std::vector<http_endpoint> nodes)
    : random_(seed), nodes_(std::move(nodes)) {}

response chaos_client::send(const std::string& method, const std::string& path, const json& body,
                            const std::string& key) {
  auto until = std::chrono::steady_clock::now() + retry_for;
  for (;;) {
    const auto& node = nodes_[random_() % nodes_.size()];
    // Past the command timeout (5 s) a command answers 504: the client waits a little longer.
    auto r = api_client(node.host, node.port, {}, 8)
                 .call(method, path, body.dump(), {{"Idempotency-Key", key}});
    if (!is_unknown(r.status)) return r;
    ++unknown_answers_[r.status];
    if (std::chrono::steady_clock::now() > until) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + random_() % 300));
  }
}

order_record chaos_client::run_order(const std::string& id, const std::string& customer,
                                     const std::vector<std::string>& skus) {
  order_record rec;
  rec.id = id;
  auto note_unexpected = [&](const std::string& what, const response& r) {
    rec.unexpected.push_back(id + " " + what + ": " + std::to_string(r.status) + " " + r.body);
  };
  auto acknowledge = [&](const std::string& key, const response& r) {
    rec.acked.push_back({key, etag_version(r)});
  };

  auto key = id + ":create";
  auto created = send("POST", "/v1/orders", {{"customer_id", customer}, {"order_id", id}}, key);
  if (is_unknown(created.status)) {
    rec.create_unknown = true;  // whether it exists is read at the end; nothing more is sent
    return rec;
  }
  if (created.status != 201) {
    note_unexpected("create", created);
    return rec;
  }
  rec.created = true;
  acknowledge(key, created);

  // 1-3 distinct skus, so each sku's final quantity is exactly one command's.
  std::vector<std::string> pool = skus;
  std::shuffle(pool.begin(), pool.end(), random_);
  auto item_count = 1 + random_() % 3;
  for (std::size_t k = 0; k < item_count; ++k) {
    const auto& sku = pool[k];
    std::int64_t quantity = 1 + static_cast<std::int64_t>(random_() % 3);
    key = id + ":item:" + sku;
    auto added = send("POST", "/v1/orders/" + id + "/items",
                      {{"sku", sku}, {"quantity", quantity}, {"unit_price_cents", 250}}, key);
    if (is_unknown(added.status)) {
      rec.unknown_items[sku] = quantity;
    } else if (added.status == 200) {
      rec.acked_items[sku] = quantity;
      acknowledge(key, added);
    } else {
      note_unexpected("add_item " + sku, added);
    }
  }
  if (rec.acked_items.empty() && rec.unknown_items.empty()) return rec;

  rec.token = random_() % 5 == 0 ? "tok_decline" : "tok_ok";
  key = id + ":place";
  auto placed = send("POST", "/v1/orders/" + id + "/place", {{"payment_token", rec.token}}, key);
  if (is_unknown(placed.status)) {
    rec.place_unknown = true;
  } else if (placed.status == 202) {
    rec.place_acked = true;
    acknowledge(key, placed);
  } else if (!(placed.status == 409 && rec.acked_items.empty())) {
    // 409 fits only an order whose items all went unanswered and were not applied.
    note_unexpected("place", placed);
  }

  if (random_() % 4 == 0) {
    // Soon after placing: the cancel races the saga (reserving, authorizing or confirmed).
    std::this_thread::sleep_for(std::chrono::milliseconds(random_() % 300));
    key = id + ":cancel";
    auto cancelled = send("POST", "/v1/orders/" + id + "/cancel", json::object(), key);
    if (cancelled.status == 200) {
      rec.cancel_acked = true;
      acknowledge(key, cancelled);
    } else if (!is_unknown(cancelled.status) && cancelled.status != 409) {
      // 409: the saga rejected it first (or the order never got items); both are fine.
      note_unexpected("cancel", cancelled);
    }
  } else if (random_() % 3 == 0) {
    // Shipped once the saga has confirmed it (within a few seconds, unless it is rejected).
    bool confirmed = false;
    bool rejected = false;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!confirmed && !rejected && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const auto& node = nodes_[random_() % nodes_.size()];
      auto read = api_client(node.host, node.port, {}, 8).get("/v1/orders/" + id);
      auto status = read.status == 200 ? read.json().value("status", "") : "";
      confirmed = status == "confirmed";
      rejected = status == "rejected" || status == "draft";
    }
    key = id + ":ship";
    if (confirmed) {
      auto shipped = send("POST", "/v1/orders/" + id + "/ship", json::object(), key);
      if (shipped.status == 200) {
        rec.ship_acked = true;
        acknowledge(key, shipped);
      } else if (!is_unknown(shipped.status)) {
        note_unexpected("ship", shipped);  // it read confirmed, and nothing else changes it here
      }
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(random_() % 50));
  return rec;
}

cluster_view read_cluster(const std::vector<order_record>& records,
                          const std::vector<std::string>& skus,
                          const std::vector<http_endpoint>& nodes, bool in_full) {
  cluster_view view;
  std::size_t turn = 0;
  for (const auto& rec : records) {
    if (!rec.created && !rec.create_unknown) continue;
    auto r = read_any(nodes, turn++, "/v1/orders/" + rec.id);
    order_seen seen;
    if (r.status == 200) {
      auto body = r.json();
      seen = {true, body.value("status", ""), body.value("reason", ""),
              body.value("version", std::int64_t{0}), items_of(body)};
    } else if (r.status != 404) {
      view.unreadable.push_back(rec.id + " (" + std::to_string(r.status) + ")");
      continue;
    }
    view.orders[rec.id] = seen;
  }
  // Each node lists the sagas it owns (they live with their order).
  for (std::size_t node = 0; node < nodes.size(); ++node) {
    std::string after;
    for (int page = 0; page < 100; ++page) {
      auto r = api_client(nodes[node].host, nodes[node].port, {}, 10)
                   .get("/v1/inspect/sagas?limit=1000" + (after.empty() ? "" : "&after=" + after));
      if (r.status != 200) {
        view.unreadable.push_back("sagas of node " + std::to_string(node + 1) + " (" +
                                  std::to_string(r.status) + ")");
        break;
      }
      auto body = r.json();
      for (const auto& s : body["sagas"])
        view.sagas[s.value("order_id", "")] = {
            s.value("status", ""), s.value("step", ""),
            s["outcome"].is_string() ? s["outcome"].get<std::string>() : "",
            "n" + std::to_string(node + 1)};
      if (!body["next"].is_string()) break;
      after = body["next"].get<std::string>();
    }
  }
  // The views must have caught up with the journals before they are believed.
  for (std::size_t node = 0; node < nodes.size(); ++node) {
    auto r = api_client(nodes[node].host, nodes[node].port, {}, 10).get("/v1/inspect/projections");
    auto body = r.json();
    if (r.status != 200 || !body.contains("projections")) {
      view.lagging.push_back("node " + std::to_string(node + 1) + " (" + std::to_string(r.status) +
                             ")");
      continue;
    }
    for (const auto& p : body["projections"])
      if (p.value("lag_events", std::int64_t{0}) != 0 || p.value("status", "") != "live")
        view.lagging.push_back(p.value("name", "") + " on node " + std::to_string(node + 1));
  }
  if (!in_full) return view;

  for (const auto& sku : skus) {
    stock_seen s;
    auto r = read_any(nodes, turn++, "/v1/inventory/" + sku);
    if (r.status == 200) {
      auto body = r.json();
      s.on_hand = body.value("on_hand", std::int64_t{-1});
      s.reserved = body.value("reserved", std::int64_t{-1});
      s.available = body.value("available", std::int64_t{-1});
    }
    view.stock[sku] = s;
  }
  for (const auto& rec : records) {
    if (rec.acked.empty()) continue;
    auto r = read_any(nodes, turn++, "/v1/orders/" + rec.id + "/events?limit=10000");
    events_seen e;
    if (r.status == 200) {
      auto body = r.json();
      e.highest_version = body.value("highest_version", std::int64_t{0});
      for (const auto& envelope : body["events"])
        e.command_ids[envelope.value("version", std::int64_t{0})] =
            envelope.value("command_id", "");
    }
    view.events[rec.id] = e;
  }
  return view;
}

std::string cluster_view::unsettled(const std::vector<order_record>& records) const {
  std::ostringstream out;
  for (const auto& u : unreadable) out << "unreadable " << u << "; ";
  for (const auto& [order, saga] : sagas)
    if (saga.status != "finished")
      out << "saga of " << order << " on " << saga.node << " is " << saga.status << " at "
          << saga.step << "; ";
  for (const auto& lag : lagging) out << "projection " << lag << " lags; ";
  for (const auto& rec : records) {
    auto it = orders.find(rec.id);
    if (it == orders.end() || !it->second.exists) continue;
    const auto& status = it->second.status;
    if (status == "placed") out << rec.id << " still placed; ";
    auto saga = sagas.find(rec.id);
    if (saga == sagas.end()) {
      if (reached_placed(rec, it->second))
        out << "no saga of " << rec.id << " (" << status << ") in any node's view; ";
      continue;
    }
    // A finished saga whose outcome the order has left behind (a cancel after its confirmation,
    // a ship) still has work to do: the stock follows the order a moment later.
    const auto& outcome = saga->second.outcome;
    if ((status == "cancelled" && outcome == "confirmed") ||
        (status == "shipped" && outcome != "shipped"))
      out << "saga of " << rec.id << " finished " << outcome << ", the order is " << status << "; ";
  }
  return out.str();
}

std::vector<std::string> cluster_view::saga_problems(
    const std::vector<order_record>& records) const {
  std::vector<std::string> problems;
  for (const auto& rec : records) {
    auto it = orders.find(rec.id);
    if (it == orders.end() || !it->second.exists) continue;
    const auto& order = it->second;
    auto saga = sagas.find(rec.id);
    if (saga == sagas.end()) continue;  // unsettled() requires one where the order was placed
    const auto& outcome = saga->second.outcome;
    if (order.status == "confirmed" && outcome != "confirmed")
      problems.push_back(rec.id + " is confirmed, its saga's outcome is " + outcome);
    if (order.status == "rejected" && outcome != order.reason)
      problems.push_back(rec.id + " is rejected (" + order.reason + "), its saga's outcome is " +
                         outcome);
    if (order.status == "shipped" && outcome != "shipped")
      problems.push_back(rec.id + " is shipped, its saga's outcome is " + outcome);
    if ((order.status == "confirmed" || order.status == "shipped") && rec.token != "tok_ok")
      problems.push_back(rec.id + " is " + order.status + " with payment token " + rec.token);
  }
  return problems;
}

std::vector<std::string> cluster_view::stock_problems(const std::vector<order_record>& records,
                                                      const std::vector<std::string>& skus,
                                                      std::int64_t units_per_sku) const {
  std::vector<std::string> problems;
  for (const auto& sku : skus) {
    // Confirmed orders hold exactly their quantities; shipped ones took theirs out of on_hand;
    // rejected and cancelled ones hold nothing.
    std::int64_t expected_reserved = 0;
    std::int64_t shipped = 0;
    int holders = 0;
    for (const auto& rec : records) {
      auto it = orders.find(rec.id);
      if (it == orders.end()) continue;
      auto item = it->second.items.find(sku);
      if (item == it->second.items.end()) continue;
      if (it->second.status == "confirmed") {
        expected_reserved += item->second;
        ++holders;
      }
      if (it->second.status == "shipped") shipped += item->second;
    }
    auto found = stock.find(sku);
    if (found == stock.end()) {
      problems.push_back(sku + ": not read");
      continue;
    }
    const auto& s = found->second;
    std::ostringstream line;
    if (s.on_hand != units_per_sku - shipped)
      line << " on_hand " << s.on_hand << " (restocked " << units_per_sku << ", shipped " << shipped
           << ")";
    if (s.reserved != expected_reserved)
      line << " reserved " << s.reserved << ", the " << holders << " confirmed orders with it hold "
           << expected_reserved;
    if (s.available != s.on_hand - s.reserved) line << " available " << s.available;
    if (!line.str().empty()) problems.push_back(sku + ":" + line.str());
  }
  return problems;
}

std::vector<std::string> cluster_view::acknowledged_problems(
    const std::vector<order_record>& records) const {
  std::vector<std::string> problems;
  for (const auto& rec : records) {
    for (const auto& u : rec.unexpected) problems.push_back("unexpected answer: " + u);
    if (rec.acked.empty()) continue;
    auto it = orders.find(rec.id);
    if (it == orders.end() || !it->second.exists) {
      problems.push_back(rec.id + ": acknowledged, but no node has it");
      continue;
    }
    const auto& order = it->second;
    const auto& journal = events.at(rec.id);
    for (const auto& a : rec.acked) {
      if (journal.highest_version < a.version)
        problems.push_back(rec.id + ": highest version " + std::to_string(journal.highest_version) +
                           " below the acknowledged " + std::to_string(a.version) + " of " + a.key);
      auto at = journal.command_ids.find(a.version);
      if (at == journal.command_ids.end() || at->second != "idem/" + a.key)
        problems.push_back(rec.id + ": the event at version " + std::to_string(a.version) +
                           " is not " + a.key + "'s (" +
                           (at == journal.command_ids.end() ? "none" : at->second) + ")");
    }
    for (const auto& [sku, quantity] : rec.acked_items)
      if (order.items.contains(sku) ? order.items.at(sku) != quantity : true)
        problems.push_back(rec.id + ": acknowledged " + std::to_string(quantity) + " of " + sku +
                           ", the order has " +
                           std::to_string(order.items.contains(sku) ? order.items.at(sku) : 0));
    for (const auto& [sku, quantity] : order.items) {
      auto unknown = rec.unknown_items.find(sku);
      if (!rec.acked_items.contains(sku) &&
          (unknown == rec.unknown_items.end() || unknown->second != quantity))
        problems.push_back(rec.id + ": has " + std::to_string(quantity) + " of " + sku +
                           " that no command sent");
    }
    if (rec.place_acked && order.status != "confirmed" && order.status != "rejected" &&
        order.status != "cancelled" && order.status != "shipped")
      problems.push_back(rec.id + ": placed (acknowledged) but " + order.status);
    if (rec.cancel_acked && order.status != "cancelled")
      problems.push_back(rec.id + ": cancel acknowledged but " + order.status);
    if (rec.ship_acked && order.status != "shipped")
      problems.push_back(rec.id + ": ship acknowledged but " + order.status);
  }
  return problems;
}

std::string summarize(const std::vector<order_record>& records) {
  std::size_t created = 0, create_unknown = 0, acked = 0, unknown = 0, placed = 0, cancels = 0,
              ships = 0;
  for (const auto& r : records) {
    created += r.created;
    create_unknown += r.create_unknown;
    acked += r.acked.size();
    unknown += r.create_unknown + r.unknown_items.size() + r.place_unknown;
    placed += r.place_acked;
    cancels += r.cancel_acked;
    ships += r.ship_acked;
  }
  std::ostringstream out;
  out << records.size() << " orders: " << created << " created (" << create_unknown
      << " creates unknown), " << placed << " placed, " << cancels << " cancelled, " << ships
      << " shipped; " << acked << " commands acknowledged, " << unknown
      << " left unknown after retries";
  return out.str();
}

}  // namespace ordo::e2e
