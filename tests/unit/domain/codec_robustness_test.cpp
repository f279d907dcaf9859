// No bytes can crash a decoder: mangled versions of valid events and snapshots, and pathological
// JSON, all come back as values (a decoded event or an error), never as exceptions.
#include <gtest/gtest.h>

#include <random>

#include "given_when_then.hpp"
#include "order_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

// Deterministic mutations: flip, drop or duplicate bytes of `text`.
std::vector<std::string> mutations_of(const std::string& text, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<std::string> out;
  for (int i = 0; i < 300; ++i) {
    std::string m = text;
    for (int edits = 1 + static_cast<int>(random() % 3); edits > 0 && !m.empty(); --edits) {
      const std::size_t at = random() % m.size();
      switch (random() % 3) {
        case 0:
          m[at] = static_cast<char>(random() % 256);
          break;
        case 1:
          m.erase(at, 1);
          break;
        default:
          m.insert(at, 1, m[at]);
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

template <decider D>
void expect_no_throw_on_mutations(const std::vector<typename D::event>& events,
                                  const typename D::state& s) {
  for (const auto& e : events) {
    const encoded_event encoded = D::encode(e);
    for (const std::string& data : mutations_of(encoded.data, 7)) {
      EXPECT_NO_THROW(D::decode({encoded.type, encoded.schema_version, data})) << data;
    }
  }
  for (const std::string& bytes : mutations_of(D::save_state(s), 11)) {
    EXPECT_NO_THROW(D::load_state(bytes, D::snapshot_schema)) << bytes;
  }
}

TEST(CodecRobustness, MangledOrderBytesNeverThrow) {
  order::state s;
  for (const auto& e : history_in(order::order_status::placed)) order_decider::evolve(s, e, 1);
  expect_no_throw_on_mutations<order_decider>(history_in(order::order_status::shipped), s);
}

TEST(CodecRobustness, MangledStockBytesNeverThrow) {
  stock::state s{"w1", stock::stock_status::active, 10, 3, {{"o1", 3}}, 2};
  expect_no_throw_on_mutations<stock_decider>(
      {stock::restocked{"w1", 10}, stock::stock_reserved{"w1", "o1", 3}}, s);
}

TEST(CodecRobustness, MangledPaymentBytesNeverThrow) {
  expect_no_throw_on_mutations<payment_decider>(
      {payment::payment_requested{"o1", 1, "tok_ok"}, payment::payment_captured{"o1", 1}},
      {"o1", payment::payment_status::captured, 1, "tok_ok"});
}

TEST(CodecRobustness, MangledSagaBytesNeverThrow) {
  saga::state s;
  s.order_id = "o1";
  s.status = saga::saga_status::active;
  s.step = saga::saga_step::compensating;
  s.items = {{"w1", 2}, {"w2", 1}};
  s.reserved = {"w1"};
  s.settled = {"w2"};
  s.reject_order = true;
  s.deadline = 1'700'000'005'000;
  expect_no_throw_on_mutations<saga_decider>(
      {saga::saga_started{"o1", {{"w1", 2}, {"w2", 1}}, 300, "tok_ok", 5'000, 1'700'000'005'000},
       saga::saga_step_entered{"compensating", 1'700'000'005'000, "out_of_stock", true},
       saga::saga_payment_recorded{"captured", false}, saga::saga_step_retried{2, 1},
       saga::saga_finished{"shipped"}},
      s);
}

TEST(CodecRobustness, DeeplyNestedJsonIsAnError) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_FALSE(order_decider::decode({"OrderShipped", 1, deep}));
  const std::string deep_field = R"({"order_id":)" + deep + "}";
  EXPECT_FALSE(order_decider::decode({"OrderShipped", 1, deep_field}));
  EXPECT_FALSE(order_decider::load_state(deep, order_decider::snapshot_schema));
  EXPECT_FALSE(saga_decider::decode({"SagaFinished", 1, deep}));
  EXPECT_FALSE(saga_decider::load_state(deep, saga_decider::snapshot_schema));
}

}  // namespace
}  // namespace ordo::domain::testing
