// replay_aggregate: the state at every version equals the live fold, through snapshots (newest
// readable one within the bound) and upcasters; --at picks the last event at or before the time.
#include <gtest/gtest.h>

#include "projections_support.hpp"
#include "readmodel/aggregate_codec.hpp"
#include "readmodel/replay.hpp"

namespace ordo::readmodel::testing {
namespace {

using domain::order_decider;
constexpr std::int64_t t0 = 1'700'000'000'000;
constexpr std::uint64_t history_length = 500;

std::int64_t time_of(std::uint64_t version) {
  return t0 + static_cast<std::int64_t>(version) * 1000;
}

class replay_test : public projection_db_test {
 protected:
  void SetUp() override {
    projection_db_test::SetUp();
    order_decider::state live{};
    for (std::uint64_t v = 1; v <= history_length; ++v) {
      auto e = event_at(v);
      persistence::event_data data = order_event_data(e, time_of(v));
      if (v == 2) {  // an ItemAdded written before currencies existed
        data.schema_version = 1;
        data.data = R"({"order_id":"o1","sku":"sku-2","quantity":3,"unit_price_cents":102})";
      }
      append("order-o1", data);
      order_decider::evolve(live, e, time_of(v));
      auto json = order_decider::to_json(live);
      json["version"] = v;
      live_.push_back(json);
      states_.push_back(live);
    }
  }

  static domain::order::event event_at(std::uint64_t v) {
    namespace order = domain::order;
    if (v == 1) return order::order_created{"o1", "c1", std::nullopt};
    auto sku = "sku-" + std::to_string(v % 40);
    if (v % 7 == 0) return order::item_removed{"o1", sku};
    return order::item_added{"o1", sku, static_cast<std::int64_t>(v % 5 + 1),
                             static_cast<std::int64_t>(100 + v % 40), "USD"};
  }

  void append(const std::string& stream, const persistence::event_data& data) {
    persistence::append_request request{.stream = stream,
                                        .expected = persistence::expected_version::any()};
    request.events.push_back(data);
    auto appended = db_->events().append(std::move(request));
    ASSERT_TRUE(appended) << appended.error().message;
  }

  void save_snapshot(std::uint64_t version, std::int64_t taken_at) {
    auto bytes =
        encode_aggregate_snapshot<order_decider>(states_[version - 1], remembered_commands{});
    ASSERT_TRUE(db_->snapshots().save(
        {"order-o1", version, order_decider::snapshot_schema, taken_at, bytes}));
  }

  replayed_aggregate replay_ok(const replay_bound& bound, const replay_options& options = {}) {
    auto replayed = replay_aggregate(*db_, "order-o1", bound, options);
    EXPECT_TRUE(replayed) << replayed.error().message;
    return replayed ? *replayed : replayed_aggregate{};
  }

  std::vector<nlohmann::json> live_;  // the live state's JSON after each version
  std::vector<order_decider::state> states_;
};

TEST_F(replay_test, EveryVersionEqualsTheLiveStateAfterThatManyEvents) {
  for (std::uint64_t v = 1; v <= history_length; ++v) {
    auto replayed = replay_ok({.version = v});
    ASSERT_EQ(replayed.state, live_[v - 1]) << "at version " << v;
    ASSERT_EQ(replayed.version, v);
    ASSERT_EQ(replayed.events_folded, v);
  }
}

TEST_F(replay_test, EveryVersionEqualsTheLiveStateThroughSnapshots) {
  save_snapshot(100, time_of(100));
  save_snapshot(250, time_of(250));
  // A snapshot whose bytes pass the CRC but that the decider cannot load: skipped.
  ASSERT_TRUE(
      db_->snapshots().save({"order-o1", 300, order_decider::snapshot_schema, time_of(300), "{}"}));
  for (std::uint64_t v = 1; v <= history_length; ++v) {
    auto replayed = replay_ok({.version = v});
    ASSERT_EQ(replayed.state, live_[v - 1]) << "at version " << v;
    auto expected_snapshot = v >= 250 ? 250u : v >= 100 ? 100u : 0u;
    ASSERT_EQ(replayed.snapshot_version, expected_snapshot) << "at version " << v;
    ASSERT_EQ(replayed.events_folded, v - expected_snapshot);
  }
}

TEST_F(replay_test, UpcastEventFoldsLikeTheCurrentSchema) {
  auto replayed = replay_ok({.version = 2}, {.keep_events = true});
  EXPECT_EQ(replayed.state, live_[1]);
  ASSERT_EQ(replayed.events.size(), 2u);
  EXPECT_EQ(replayed.events[1].schema_version, 1u);
}

TEST_F(replay_test, AtPicksTheLastEventAtOrBeforeTheTime) {
  EXPECT_EQ(replay_ok({.at = time_of(37)}).version, 37u);
  EXPECT_EQ(replay_ok({.at = time_of(37) + 999}).version, 37u);
  EXPECT_EQ(replay_ok({.at = time_of(38) - 1}).state, live_[36]);
  EXPECT_EQ(replay_ok({.at = time_of(10'000)}).version, history_length);
  auto before = replay_aggregate(*db_, "order-o1", {.at = time_of(1) - 1});
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code, replay_errc::not_at_bound);
}

TEST_F(replay_test, SnapshotTakenAfterTheTimeIsIgnored) {
  save_snapshot(100, time_of(100));
  save_snapshot(200, time_of(400));  // taken late: not a view of the time before it was taken
  auto replayed = replay_ok({.at = time_of(250)});
  EXPECT_EQ(replayed.version, 250u);
  EXPECT_EQ(replayed.snapshot_version, 100u);
  EXPECT_EQ(replayed.state, live_[249]);
  EXPECT_EQ(replay_ok({.at = time_of(450)}).snapshot_version, 200u);
}

TEST_F(replay_test, NoBoundGivesTheLatestState) {
  save_snapshot(450, time_of(450));
  auto replayed = replay_ok({});
  EXPECT_EQ(replayed.state, live_.back());
  EXPECT_EQ(replayed.snapshot_version, 450u);
  EXPECT_EQ(replay_ok({}, {.use_snapshots = false}).events_folded, history_length);
}

TEST_F(replay_test, UnknownStreamAndVersionBeyondTheEndAreErrors) {
  auto unknown = replay_aggregate(*db_, "order-nope", {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, replay_errc::unknown_stream);
  auto beyond = replay_aggregate(*db_, "order-o1", {.version = history_length + 1});
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code, replay_errc::not_at_bound);
  append("invoice-o1", order_event_data(event_at(1), t0));
  auto invoice = replay_aggregate(*db_, "invoice-o1", {});
  ASSERT_FALSE(invoice);
  EXPECT_EQ(invoice.error().code, replay_errc::unsupported_stream);
  // A saga stream is folded by the saga decider, which cannot read an order's event.
  append("saga-o1", order_event_data(event_at(1), t0));
  auto saga = replay_aggregate(*db_, "saga-o1", {});
  ASSERT_FALSE(saga);
  EXPECT_EQ(saga.error().code, replay_errc::undecodable);
}

TEST_F(replay_test, StockStreamsReplayWithTheirDecider) {
  namespace stock = domain::stock;
  stock::state live{};
  for (std::int64_t q = 1; q <= 3; ++q) {
    stock::event e = stock::restocked{"w1", q * 10};
    auto encoded = domain::stock_decider::encode(e);
    append("stock-w1", {.type = encoded.type,
                        .schema_version = encoded.schema_version,
                        .timestamp_ms = t0 + q,
                        .data = encoded.data});
    domain::stock_decider::evolve(live, e, t0 + q);
  }
  auto replayed = replay_aggregate(*db_, "stock-w1", {});
  ASSERT_TRUE(replayed) << replayed.error().message;
  auto expected = domain::stock_decider::to_json(live);
  expected["version"] = 3;
  EXPECT_EQ(replayed->state, expected);
}

TEST_F(replay_test, SnapshotProblemNamesWhatTheDeciderCannotLoad) {
  persistence::snapshot good{
      "order-o1", 3, order_decider::snapshot_schema, t0,
      encode_aggregate_snapshot<order_decider>(states_[2], remembered_commands{})};
  EXPECT_EQ(snapshot_problem(good), std::nullopt);
  auto bad = good;
  bad.bytes = R"({"state":"garbage"})";
  EXPECT_NE(snapshot_problem(bad), std::nullopt);
  auto other_schema = good;
  other_schema.schema = order_decider::snapshot_schema + 1;
  EXPECT_NE(snapshot_problem(other_schema), std::nullopt);
}

}  // namespace
}  // namespace ordo::readmodel::testing
