// Shared by the projection tests: order histories made of real, encoded domain events, and a
// database in a temp dir to fold them into.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "domain/deciders.hpp"
#include "persistence/database.hpp"
#include "readmodel/projection.hpp"

namespace ordo::readmodel::testing {

namespace order = domain::order;

// A path in the temp dir that does not exist yet (tag names the test).
inline std::filesystem::path fresh_temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("ordo-" + tag + "-" + std::to_string(rd()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir;
}

inline constexpr std::int64_t history_start_ms = 1'700'000'000'000;

// The journal's form of one domain event, encoded by the order decider.
inline persistence::event_data order_event_data(const order::event& e, std::int64_t at_ms) {
  auto encoded = domain::order_decider::encode(e);
  persistence::event_data data;
  data.type = encoded.type;
  data.schema_version = encoded.schema_version;
  data.timestamp_ms = at_ms;
  data.data = encoded.data;
  return data;
}

// Order histories as the journal would record them: versions count per stream, positions
// globally, each event 1 s after the previous one. take() hands out what was added since the
// last take(), so a test can feed batches.
class order_history {
 public:
  explicit order_history(std::uint64_t first_position = 1) : position_(first_position) {}

  void create(const std::string& id, const std::string& customer) {
    add(id, order::order_created{id, customer, std::nullopt});
    customers_[id] = customer;
  }
  void add_item(const std::string& id, const std::string& sku, std::int64_t quantity,
                std::int64_t price) {
    add(id, order::item_added{id, sku, quantity, price, "USD"});
    auto& items = items_[id];
    for (auto& item : items)
      if (item.sku == sku) return void(item.quantity += quantity);
    items.push_back({sku, quantity, price});
  }
  void remove_item(const std::string& id, const std::string& sku) {
    add(id, order::item_removed{id, sku});
    std::erase_if(items_[id], [&](auto& item) { return item.sku == sku; });
  }
  void place(const std::string& id) {
    add(id, order::order_placed{id, customers_[id], items_[id], order::total_cents(items_[id]),
                                "tok_ok"});
  }
  void confirm(const std::string& id) { add(id, order::order_confirmed{id}); }
  void ship(const std::string& id) { add(id, order::order_shipped{id}); }
  void reject(const std::string& id) { add(id, order::order_rejected{id, "out_of_stock"}); }
  void cancel(const std::string& id, order::order_status from) {
    add(id, order::order_cancelled{id, std::string("changed my mind"), from});
  }
  // An event of a stream no order projection reads.
  // A saga event of saga-<id>, as the saga writes it.
  void saga(const std::string& id, const domain::saga::event& e) {
    clock_ += 1000;
    auto encoded = domain::saga_decider::encode(e);
    persistence::recorded_event recorded;
    recorded.type = encoded.type;
    recorded.schema_version = encoded.schema_version;
    recorded.data = encoded.data;
    recorded.timestamp_ms = clock_;
    recorded.stream = "saga-" + id;
    recorded.version = ++versions_[recorded.stream];
    recorded.position = position_++;
    pending_.push_back(std::move(recorded));
  }

  void other_stream(const std::string& stream) {
    persistence::recorded_event e;
    e.type = "Restocked";
    e.data = "{}";
    e.stream = stream;
    e.version = ++versions_[stream];
    e.position = position_++;
    e.timestamp_ms = clock_;
    pending_.push_back(std::move(e));
  }

  std::vector<persistence::recorded_event> take() { return std::exchange(pending_, {}); }
  std::int64_t last_time() const { return clock_; }

 private:
  void add(const std::string& id, order::event e) {
    clock_ += 1000;
    persistence::recorded_event recorded;
    static_cast<persistence::event_data&>(recorded) = order_event_data(e, clock_);
    recorded.stream = "order-" + id;
    recorded.version = ++versions_[recorded.stream];
    recorded.position = position_++;
    pending_.push_back(std::move(recorded));
  }

  std::uint64_t position_;
  std::int64_t clock_ = history_start_ms;
  std::map<std::string, std::uint64_t> versions_;
  std::map<std::string, std::string> customers_;
  std::map<std::string, std::vector<order::line_item>> items_;
  std::vector<persistence::recorded_event> pending_;
};

// Appends recorded events to a journal one by one, as their aggregates would have.
inline void append_to(persistence::journal& journal,
                      const std::vector<persistence::recorded_event>& events) {
  for (auto& e : events) {
    persistence::append_request request;
    request.stream = e.stream;
    request.expected = persistence::expected_version::exact(e.version - 1);
    request.events.push_back(static_cast<const persistence::event_data&>(e));
    auto appended = journal.append(std::move(request));
    ASSERT_TRUE(appended) << appended.error().message;
  }
}

// A database in a fresh temp dir, removed afterwards.
class projection_db_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_temp_dir("projections");
    auto opened =
        persistence::database::open({.path = dir_.string(), .sync = persistence::sync_mode::none});
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  persistence::kv_store& kv() { return db_->kv(); }

  // Applies the events after the projection's checkpoint and commits, as the actor does.
  void feed(projection& view, const std::vector<persistence::recorded_event>& events) {
    auto at = load_checkpoint(kv(), view.name());
    ASSERT_TRUE(at) << at.error().message;
    auto committed = apply_and_commit(view, kv(), events, at->position);
    ASSERT_TRUE(committed) << committed.error().message;
  }

  std::filesystem::path dir_;
  std::unique_ptr<persistence::database> db_;
};

}  // namespace ordo::readmodel::testing
