// Saga bytes and views: every event round-trips, snapshots keep every field, unreadable bytes are
// errors naming what is wrong, and the inspection JSON.
#include <gtest/gtest.h>

#include <set>

#include "domain/event_upcasters.hpp"
#include "saga_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

using namespace saga;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<event> one_of_each_event() {
  return {saga_started_event(),
          saga_sku_reserved{"w1"},
          saga_step_entered{"authorizing", given_deadline, "", false},
          saga_step_entered{"compensating", given_deadline, "payment_timeout", true},
          saga_payment_recorded{"authorized", false},
          saga_payment_recorded{"captured", true},
          saga_sku_settled{"w2"},
          saga_order_settled{"rejected"},
          saga_step_retried{4'294'967'295u, next_deadline},
          saga_finished{"confirmed"}};
}

TEST(SagaCodec, EveryEventRoundTrips) {
  std::set<std::string_view> covered;
  for (const event& e : one_of_each_event()) {
    const encoded_event encoded = saga_decider::encode(e);
    covered.insert(event_type(e));
    EXPECT_EQ(encoded.type, event_type(e));
    EXPECT_EQ(encoded.schema_version, event_upcasters().current_version(encoded.type));
    const auto decoded = saga_decider::decode(encoded);
    ASSERT_TRUE(decoded) << encoded.type << ": " << describe(decoded.error());
    EXPECT_TRUE(*decoded == e) << encoded.type << " " << encoded.data;
  }
  EXPECT_EQ(covered.size(), std::variant_size_v<event>);
}

TEST(SagaCodec, DataIsCompactJsonWithSnakeCaseFields) {
  EXPECT_EQ(
      saga_decider::encode(saga_step_entered{"compensating", 42, "out_of_stock", true}).data,
      R"({"deadline":42,"outcome":"out_of_stock","reject_order":true,"step":"compensating"})");
  EXPECT_EQ(saga_decider::encode(saga_started{"o1", {{"w1", 2}}, 1000, "tok_ok", 5, 7}).data,
            R"({"deadline":7,"items":[{"quantity":2,"sku":"w1"}],"order_id":"o1",)"
            R"("payment_token":"tok_ok","step_timeout_ms":5,"total_cents":1000})");
}

error decode_error(const encoded_event& encoded) {
  const auto decoded = saga_decider::decode(encoded);
  if (decoded) {
    ADD_FAILURE() << "decoded " << encoded.type << " " << encoded.data;
    return {};
  }
  EXPECT_EQ(decoded.error().code, error_code::validation_failed);
  return decoded.error();
}

TEST(SagaCodec, GarbageIsAnErrorNotAnException) {
  for (std::string data : {"", "{", "nul", "[]", "42", "{} trailing", "\xff\xfe"}) {
    EXPECT_THAT(decode_error({"SagaFinished", 1, data}).message, HasSubstr("SagaFinished v1"))
        << data;
  }
}

TEST(SagaCodec, WrongFieldTypesAreNamed) {
  EXPECT_THAT(fields_of(decode_error({"SagaPaymentRecorded", 1, R"({"status":"x","settled":1})"})),
              ElementsAre("settled"));
  EXPECT_THAT(fields_of(decode_error({"SagaStepRetried", 1, R"({"attempt":-1,"deadline":0})"})),
              ElementsAre("attempt"));
  EXPECT_THAT(
      fields_of(decode_error({"SagaStepRetried", 1, R"({"attempt":4294967296,"deadline":0})"})),
      ElementsAre("attempt"));
  EXPECT_THAT(
      fields_of(decode_error({"SagaStarted", 1,
                              R"({"order_id":"o1","items":[{"sku":"w1","quantity":"2"}],)"
                              R"("total_cents":1,"payment_token":"tok_ok","step_timeout_ms":1,)"
                              R"("deadline":1})"})),
      ElementsAre("items[0].quantity"));
}

TEST(SagaCodec, AnUnknownStepIsAnError) {
  const error e =
      decode_error({"SagaStepEntered", 1,
                    R"({"step":"dancing","deadline":0,"outcome":"","reject_order":false})"});
  EXPECT_THAT(fields_of(e), ElementsAre("step"));
}

TEST(SagaCodec, MissingFieldsAreAllNamed) {
  EXPECT_THAT(fields_of(decode_error({"SagaStepEntered", 1, "{}"})),
              ElementsAre("step", "deadline", "outcome", "reject_order"));
}

TEST(SagaCodec, OtherAggregatesEventsAndFutureVersionsAreErrors) {
  EXPECT_THAT(decode_error({"OrderShipped", 1, R"({"order_id":"o1"})"}).message,
              HasSubstr("not a known saga event type"));
  EXPECT_THAT(decode_error({"SagaFinished", 2, R"({"outcome":"shipped"})"}).message,
              HasSubstr("newer than the current 1"));
  EXPECT_FALSE(order_decider::decode({"SagaFinished", 1, R"({"outcome":"shipped"})"}));
}

// --- snapshots ---

state every_field_set() {
  state s;
  s.order_id = "o1";
  s.status = saga_status::active;
  s.step = saga_step::compensating;
  s.items = three_items();
  s.total_cents = 4'200;
  s.payment_token = "tok_hang";
  s.step_timeout_ms = step_ms;
  s.outcome = "payment_timeout";
  s.reject_order = true;
  s.payment_requested = true;
  s.payment_status = "captured";
  s.reserved = {"w1", "w3"};
  s.settled = {"w2"};
  s.payment_settled = true;
  s.order_settled = true;
  s.attempt = 3;
  s.started_at = 1'795'430'520'123;
  s.step_started_at = 1'795'430'580'456;
  s.deadline = 1'795'430'585'456;
  return s;
}

void expect_round_trip(const state& s) {
  const std::string bytes = saga_decider::save_state(s);
  const auto loaded = saga_decider::load_state(bytes, saga_decider::snapshot_schema);
  ASSERT_TRUE(loaded) << bytes << "\n" << describe(loaded.error());
  EXPECT_TRUE(*loaded == s) << bytes;
}

TEST(SagaSnapshot, StatesRoundTrip) {
  expect_round_trip({});
  expect_round_trip(every_field_set());
  for (const auto& history : {reserving_history(), authorizing_history(), confirming_history(),
                              awaiting_shipment_history(), out_of_stock_history(),
                              cancelled_after_confirming_history(), shipping_history()}) {
    expect_round_trip(saga_state(history));
  }
}

TEST(SagaSnapshot, EveryFieldIsInTheBytes) {
  const std::string bytes = saga_decider::save_state(every_field_set());
  for (std::string_view field :
       {"order_id", "status", "step", "items", "total_cents", "payment_token", "step_timeout_ms",
        "outcome", "reject_order", "payment_requested", "payment_status", "reserved", "settled",
        "payment_settled", "order_settled", "attempt", "started_at", "step_started_at",
        "deadline"}) {
    EXPECT_THAT(bytes, HasSubstr("\"" + std::string(field) + "\":")) << field;
  }
}

error load_error(std::string_view bytes, std::uint32_t schema = saga_decider::snapshot_schema) {
  const auto loaded = saga_decider::load_state(bytes, schema);
  if (loaded) {
    ADD_FAILURE() << "loaded " << bytes;
    return {};
  }
  EXPECT_EQ(loaded.error().code, error_code::validation_failed);
  return loaded.error();
}

TEST(SagaSnapshot, GarbageAndOtherSchemasAreRefused) {
  for (std::string_view bytes : {"", "{", "[]", R"({"schema":1})", R"({"schema":1,"state":[]})"}) {
    load_error(bytes);
  }
  EXPECT_THAT(load_error(saga_decider::save_state({}), 2).message,
              HasSubstr("saga snapshot (schema 2)"));
}

TEST(SagaSnapshot, WrongFieldsAreNamed) {
  nlohmann::json bytes = nlohmann::json::parse(saga_decider::save_state(every_field_set()));
  bytes["state"]["step"] = "lost";
  bytes["state"]["reserved"] = {"w1", 2};
  bytes["state"]["order_settled"] = "yes";
  EXPECT_THAT(fields_of(load_error(bytes.dump())),
              ElementsAre("state.step", "state.reserved[1]", "state.order_settled"));
}

// --- the inspection view ---

TEST(SagaView, ShowsTheStepTheDeadlineAndWhatIsHeld) {
  const nlohmann::json view = saga_decider::to_json(every_field_set());
  EXPECT_EQ(view["saga_id"], "o1");
  EXPECT_EQ(view["order_id"], "o1");
  EXPECT_EQ(view["status"], "active");
  EXPECT_EQ(view["step"], "compensating");
  EXPECT_EQ(view["outcome"], "payment_timeout");
  EXPECT_EQ(view["deadline"], "2026-11-23T10:43:05.456Z");
  EXPECT_EQ(view["started_at"], "2026-11-23T10:42:00.123Z");
  EXPECT_EQ(view["attempt"], 3);
  EXPECT_EQ(view["items"],
            nlohmann::json::parse(R"([{"sku":"w1","quantity":2},{"sku":"w2","quantity":1},)"
                                  R"({"sku":"w3","quantity":5}])"));
  EXPECT_EQ(view["total_cents"], 4'200);
  EXPECT_EQ(view["payment_status"], "captured");
  EXPECT_EQ(view["reserved"], nlohmann::json::parse(R"(["w1","w3"])"));
  EXPECT_EQ(view["settled"], nlohmann::json::parse(R"(["w2"])"));
  EXPECT_EQ(view.size(), 13u);
}

TEST(SagaView, NoDeadlineIsNull) {
  const nlohmann::json view = saga_decider::to_json(saga_state(awaiting_shipment_history()));
  EXPECT_TRUE(view["deadline"].is_null());
  EXPECT_EQ(view["status"], "finished");
  EXPECT_EQ(view["step"], "awaiting_shipment");
}

}  // namespace
}  // namespace ordo::domain::testing
