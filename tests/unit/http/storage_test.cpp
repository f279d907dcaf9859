// The HTTP front's use of storage: idempotency records and their expiry; and the Prometheus text
// it renders.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <thread>

#include "actors/command_outcome_store.hpp"
#include "http/idempotency.hpp"
#include "http/idempotency_sweeper.hpp"
#include "http/prometheus_text.hpp"
#include "persistence/database.hpp"

namespace ordo::http {
namespace {

using json = nlohmann::json;

class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("ordo-http-" + std::to_string(rd()));
    auto opened =
        persistence::database::open({.path = dir_.string(), .sync = persistence::sync_mode::none});
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<persistence::database> db_;
};

constexpr std::int64_t hour_ms = 3600 * 1000;

TEST_F(StorageTest, IdempotencyKeyReplaysTheFirstAnswerOfTheSameRequest) {
  idempotency_store store(db_->kv(), std::chrono::hours(24));
  auto fp = request_fingerprint("POST", "/v1/orders", R"({"customer_id":"c1"})");
  auto first = store.begin("k1", fp, 1000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->what, idempotency_store::verdict::run);
  auto answer = json_reply(201, {{"order_id", "o1"}});
  answer.with_header("ETag", "\"1\"");
  ASSERT_TRUE(store.finish("k1", fp, answer, 1000));

  auto again = store.begin("k1", fp, 2000);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->what, idempotency_store::verdict::replay);
  EXPECT_EQ(again->stored.status, 201);
  EXPECT_EQ(again->stored.body, answer.body);
  ASSERT_NE(again->stored.header("ETag"), nullptr);
  EXPECT_EQ(*again->stored.header("ETag"), "\"1\"");
  EXPECT_NE(again->stored.header("Idempotent-Replayed"), nullptr);
}

TEST_F(StorageTest, IdempotencyKeyOfAnotherRequestIsReused) {
  idempotency_store store(db_->kv(), std::chrono::hours(24));
  auto fp = request_fingerprint("POST", "/v1/orders", "{}");
  ASSERT_TRUE(store.begin("k1", fp, 1000));
  // Pending (no answer stored yet) already binds the key to its request.
  auto other = store.begin("k1", request_fingerprint("POST", "/v1/orders", "{ }"), 1000);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->what, idempotency_store::verdict::reused);
  auto same = store.begin("k1", fp, 1000);
  EXPECT_EQ(same->what, idempotency_store::verdict::run);
}

TEST_F(StorageTest, IdempotencyRecordsExpireAfterTheirTtl) {
  idempotency_store store(db_->kv(), std::chrono::hours(24));
  auto fp = request_fingerprint("DELETE", "/x", "");
  ASSERT_TRUE(store.begin("old", fp, 0));
  ASSERT_TRUE(store.finish("old", fp, json_reply(200, {}), 0));
  ASSERT_TRUE(store.begin("new", fp, 23 * hour_ms));
  // Past the ttl a key is free again, even before the sweep.
  EXPECT_EQ(store.begin("old", request_fingerprint("POST", "/y", ""), 25 * hour_ms)->what,
            idempotency_store::verdict::run);
  ASSERT_TRUE(store.begin("gone", fp, hour_ms / 2));
  auto expired = store.expire(25 * hour_ms, 100);
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->index_entries, 2u);  // old's first index entry and gone
  EXPECT_EQ(expired->keys, 1u);           // gone; old's new record stays
  EXPECT_TRUE(db_->kv().get("idem/old").value().has_value());
  EXPECT_FALSE(db_->kv().get("idem/gone").value().has_value());
  EXPECT_TRUE(db_->kv().get("idem/new").value().has_value());
}

TEST_F(StorageTest, TheBackgroundSweepDeletesEveryExpiredKeyAndCommandOutcome) {
  using namespace std::chrono;
  constexpr auto ttl = milliseconds(1000);
  auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  idempotency_store store(db_->kv(), ttl);
  auto fp = request_fingerprint("POST", "/x", "{}");
  constexpr int keys = 2500;  // more than one batch of the sweep
  for (int i = 0; i < keys; ++i) {
    auto key = "k" + std::to_string(i);
    ASSERT_TRUE(store.begin(key, fp, now - 5000));
    ASSERT_TRUE(store.finish(key, fp, json_reply(200, {}), now - 5000));
  }
  actors::command_reply reply;
  auto old_outcome =
      actors::command_outcome_write("stock-s1", "idem/k1", reply, now - 5000, ttl.count(), false);
  ASSERT_TRUE(db_->kv().write(std::span(&old_outcome, 1)));
  {
    idempotency_sweeper sweeper(store, db_->kv(), ttl);
    auto deadline = steady_clock::now() + seconds(20);
    while ((sweeper.keys_expired().load() < keys ||
            !db_->kv().scan(actors::command_outcome_prefix, {}, 1)->empty()) &&
           steady_clock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(20));
    EXPECT_EQ(sweeper.keys_expired().load(), static_cast<std::uint64_t>(keys));
  }  // stops and joins its thread
  EXPECT_TRUE(db_->kv().scan("idem/", {}, 1)->empty());
  EXPECT_TRUE(db_->kv().scan("idem-at/", {}, 1)->empty());
  EXPECT_TRUE(db_->kv().scan(actors::command_outcome_prefix, {}, 1)->empty());
}

TEST(IdempotencyKeys, ArePrintableAndAtMost128) {
  EXPECT_TRUE(is_valid_idempotency_key("a"));
  EXPECT_TRUE(is_valid_idempotency_key(std::string(128, 'k')));
  EXPECT_FALSE(is_valid_idempotency_key(""));
  EXPECT_FALSE(is_valid_idempotency_key(std::string(129, 'k')));
  EXPECT_FALSE(is_valid_idempotency_key("a\nb"));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(PrometheusText, WritesFamiliesSamplesAndCumulativeHistograms) {
  prometheus_text out;
  out.family("x_total", "counter", "Things.");
  out.sample("x_total", {{"route", "GET /a\"b"}}, 3);
  persistence::histogram h{{0.5, 1}, {1, 2, 3}, 4.25, 6};
  out.family("y_seconds", "histogram", "Times.");
  out.histogram("y_seconds", {}, h);
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\n# TYPE x_total counter\nx_total{route=\"GET /a\\\"b\"} 3\n"
            "# HELP y_seconds Times.\n# TYPE y_seconds histogram\n"
            "y_seconds_bucket{le=\"0.5\"} 1\ny_seconds_bucket{le=\"1\"} 3\n"
            "y_seconds_bucket{le=\"+Inf\"} 6\ny_seconds_sum 4.25\ny_seconds_count 6\n");
}

}  // namespace
}  // namespace ordo::http
