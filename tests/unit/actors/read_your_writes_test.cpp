// Through the gateway: a command's position, awaited, makes the read models show the command.
#include <gtest/gtest.h>

#include "readmodel/view_queries.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

class ReadYourWrites : public runtime_fixture {};

TEST_F(ReadYourWrites, AwaitingACommandsPositionMakesTheViewsShowIt) {
  start();
  auto created = run("order", "o1", "create", {{"customer_id", "c1"}});
  ASSERT_TRUE(created.ok());
  auto added = run("order", "o1", "add_item", {{"sku", "s"}, {"quantity", 3}, {"unit_price_cents", 5}});
  ASSERT_TRUE(added.ok());
  ASSERT_TRUE(gate().await_position(added.position, std::chrono::seconds(10)));
  auto summary = readmodel::get_order_summary(db().kv(), "o1");
  ASSERT_TRUE(summary);
  ASSERT_TRUE(*summary);
  EXPECT_EQ((**summary)["version"], 2);
  EXPECT_EQ((**summary)["total_cents"], 15);
  auto status = gate().projections();
  ASSERT_EQ(status.size(), 4u);  // order_summary, orders_by_customer, stats, sagas
  for (auto& p : status) EXPECT_GE(p.position, added.position) << p.name;
}

TEST_F(ReadYourWrites, AwaitingAPositionThatNeverCommitsTimesOut) {
  start();
  EXPECT_FALSE(gate().await_position(1'000'000, std::chrono::milliseconds(300)));
}

TEST_F(ReadYourWrites, RebuildingAnUnknownProjectionIsRefused) {
  start();
  EXPECT_FALSE(gate().rebuild_projection("no_such_view"));
  EXPECT_TRUE(gate().rebuild_projection("order_summary"));
}

}  // namespace
}  // namespace ordo::actors::testing
