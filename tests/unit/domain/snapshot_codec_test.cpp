// State snapshots: every state round-trips; bytes of another schema or shape are refused.
#include <gtest/gtest.h>

#include "given_when_then.hpp"

namespace ordo::domain::testing {
namespace {

using ::testing::HasSubstr;

template <decider D>
void expect_round_trip(const typename D::state& s) {
  const std::string bytes = D::save_state(s);
  const auto loaded = D::load_state(bytes, D::snapshot_schema);
  ASSERT_TRUE(loaded) << bytes << "\n" << describe(loaded.error());
  EXPECT_TRUE(*loaded == s) << bytes;
}

TEST(SnapshotCodec, OrderStatesRoundTrip) {
  expect_round_trip<order_decider>({});
  order::state full;
  full.order_id = "o1";
  full.customer_id = "c1";
  full.status = order::order_status::cancelled;
  full.items = {{"w1", 2, 500}, {"w2", 10'000, 1'000'000'000}};
  full.reason = "too slow";
  full.shipping = order::shipping_details{"Ada", "ada@example.com", "1 Loop Rd"};
  full.payment_token = "tok_hang";
  full.created_at = 1'795'430'520'123;
  full.updated_at = 1'795'430'580'456;
  expect_round_trip<order_decider>(full);
}

TEST(SnapshotCodec, OrderInEveryStatusRoundTrips) {
  for (auto status :
       {order::order_status::draft, order::order_status::placed, order::order_status::confirmed,
        order::order_status::shipped, order::order_status::rejected}) {
    order::state s;
    s.order_id = "o1";
    s.status = status;
    expect_round_trip<order_decider>(s);
  }
}

TEST(SnapshotCodec, StockStatesRoundTrip) {
  expect_round_trip<stock_decider>({});
  stock::state s;
  s.sku = "w1";
  s.status = stock::stock_status::active;
  s.on_hand = 20;
  s.reserved = 7;
  s.reservations = {{"o1", 3}, {"o2", 4}};
  s.shipped = 11;
  expect_round_trip<stock_decider>(s);
}

TEST(SnapshotCodec, PaymentStatesRoundTrip) {
  expect_round_trip<payment_decider>({});
  for (auto status : {payment::payment_status::pending, payment::payment_status::authorized,
                      payment::payment_status::declined, payment::payment_status::voided,
                      payment::payment_status::captured, payment::payment_status::refunded}) {
    expect_round_trip<payment_decider>({"o1", status, 1000, "tok_ok"});
  }
}

TEST(SnapshotCodec, SnapshotsAreTaggedWithTheirSchema) {
  EXPECT_THAT(order_decider::save_state({}), HasSubstr(R"("schema":1)"));
}

template <decider D>
error load_error(std::string_view bytes, std::uint32_t schema = D::snapshot_schema) {
  const auto loaded = D::load_state(bytes, schema);
  if (loaded) {
    ADD_FAILURE() << "loaded " << bytes;
    return {};
  }
  EXPECT_EQ(loaded.error().code, error_code::validation_failed);
  return loaded.error();
}

TEST(SnapshotCodec, AnotherSchemaIsRefused) {
  const std::string bytes = stock_decider::save_state({});
  EXPECT_THAT(load_error<stock_decider>(bytes, 2).message, HasSubstr("stock snapshot (schema 2)"));
  EXPECT_THAT(load_error<stock_decider>(bytes, 0).message, HasSubstr("schema 0"));
}

TEST(SnapshotCodec, AMismatchedTagInsideIsRefused) {
  load_error<payment_decider>(
      R"({"schema":2,"state":{"order_id":"o1","status":"none","amount_cents":0}})");
  load_error<payment_decider>(R"({"state":{"order_id":"o1","status":"none","amount_cents":0}})");
}

TEST(SnapshotCodec, GarbageIsRefused) {
  for (std::string_view bytes : {"", "{", "[]", "\x01\x02", R"({"schema":1})",
                                 R"({"schema":1,"state":[]})", R"({"schema":"1","state":{}})"}) {
    load_error<order_decider>(bytes);
  }
}

TEST(SnapshotCodec, AWrongFieldTypeNamesTheField) {
  const error e = load_error<stock_decider>(
      R"({"schema":1,"state":{"sku":"w1","status":"active","on_hand":"20","reserved":0,"reservations":[],"shipped":0}})");
  EXPECT_THAT(fields_of(e), ::testing::ElementsAre("state.on_hand"));
}

TEST(SnapshotCodec, AnUnknownStatusIsRefused) {
  const error e = load_error<payment_decider>(
      R"({"schema":1,"state":{"order_id":"o1","status":"lost","amount_cents":0}})");
  EXPECT_THAT(fields_of(e), ::testing::ElementsAre("state.status"));
}

}  // namespace
}  // namespace ordo::domain::testing
