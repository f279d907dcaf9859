// Placement: a saga and a payment share their order's shard (and so, in a cluster, its node),
// through the placement key that shard_of hashes (domain::placement_key).
#include <gtest/gtest.h>

#include <string>

#include "actors/shard.hpp"
#include "domain/aggregate_types.hpp"

namespace ordo::actors {
namespace {

TEST(Placement, ASagaAndAPaymentShareTheirOrdersShard) {
  for (std::uint32_t shards : {1u, 7u, 64u, 256u, 65536u}) {
    for (int i = 0; i < 500; ++i) {
      auto order = "o-" + std::to_string(i);
      auto shard = shard_of("order", order, shards);
      EXPECT_EQ(shard_of("saga", order, shards), shard) << order << " of " << shards;
      EXPECT_EQ(shard_of("payment", order, shards), shard) << order << " of " << shards;
    }
  }
}

TEST(Placement, OrdersAndStocksAreSpreadByTheirOwnIds) {
  // Orders and stocks hash their own "order/<id>", "stock/<sku>": FNV-1a 64, pinned (a Python
  // transcription gives the same). In a cluster a change here moves streams between journals.
  EXPECT_EQ(shard_of("order", "o1", 64), 28u);
  EXPECT_EQ(shard_of("order", "o1", 256), 92u);
  EXPECT_EQ(shard_of("stock", "sku-1", 64), 33u);
  EXPECT_EQ(shard_of("stock", "sku-1", 256), 161u);
  // A stock is not placed with an order of the same id.
  EXPECT_EQ(shard_of("stock", "o1", 256), 230u);
  // Sagas spread like their orders: over many orders, every one of 64 shards gets some.
  std::vector<int> per_shard(64);
  for (int i = 0; i < 6400; ++i) ++per_shard[shard_of("saga", "o-" + std::to_string(i), 64)];
  for (int count : per_shard) EXPECT_GT(count, 40);
}

TEST(Placement, KeysNameTheAggregateTheyArePlacedWith) {
  EXPECT_EQ(domain::placement_key("order", "o1"), "order/o1");
  EXPECT_EQ(domain::placement_key("saga", "o1"), "order/o1");
  EXPECT_EQ(domain::placement_key("payment", "o1"), "order/o1");
  EXPECT_EQ(domain::placement_key("stock", "sku-1"), "stock/sku-1");
}

}  // namespace
}  // namespace ordo::actors
