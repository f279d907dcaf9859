// Issue 12, finding 7: export/import carries what a node needs to continue. A saga waiting on a
// payment that never answers (tok_hang) holds its order's stock; its durable deadline must travel
// in the export, so that the imported copy rejects the order payment_timeout and releases the
// stock, as the original would have.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Polls `get` until `done` holds of its answer or 30 s pass; the last answer.
template <typename Done>
response wait_for(api_client& api, const std::string& path, Done done) {
  auto give_up = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    auto r = api.get(path);
    if (done(r) || std::chrono::steady_clock::now() > give_up) return r;
    std::this_thread::sleep_for(50ms);
  }
}

TEST(ExportImport, TheCopyFiresTheSagaDeadlineAndReleasesTheStock) {
  auto source = fresh_data_dir("export-source");
  auto copy = fresh_data_dir("export-copy");
  {
    // The saga keeps the step timeout it started with, and its deadline is a point in time: long
    // enough for the node to stop with the saga still waiting, short enough to wait for.
    node_process node(source, {}, {"ORDO_SAGAS_STEP_TIMEOUT_MS=10000"});
    api_client api(node.port());
    ASSERT_EQ(api.post("/v1/inventory/hang-sku/restock", {{"quantity", 10}}).status, 200);
    ASSERT_EQ(api.post("/v1/orders", {{"order_id", "hung"}, {"customer_id", "c"}}).status, 201);
    ASSERT_EQ(api.post("/v1/orders/hung/items",
                       {{"sku", "hang-sku"}, {"quantity", 3}, {"unit_price_cents", 100}})
                  .status,
              200);
    ASSERT_EQ(api.post("/v1/orders/hung/place", {{"payment_token", "tok_hang"}}).status, 202);
    auto reserved = wait_for(api, "/v1/inventory/hang-sku",
                             [](const response& r) { return r.json().value("reserved", 0) == 3; });
    ASSERT_EQ(reserved.json().value("reserved", 0), 3) << reserved.body;
    EXPECT_EQ(api.get("/v1/orders/hung").json().value("status", ""), "placed");
    ASSERT_EQ(node.stop(), 0);
  }
  auto exported = run_ordo({"export", "--data", source.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  // Exported while the saga waited: the order placed, its saga's deadline pending.
  ASSERT_EQ(exported.out.find("OrderRejected"), std::string::npos);
  EXPECT_NE(exported.out.find(R"({"kv":"deadline/saga-hung")"), std::string::npos);
  auto file = source.string() + ".jsonl";
  std::ofstream(file) << exported.out;
  auto imported = run_ordo({"import", "--data", copy.string(), file});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto verified = run_ordo({"verify", "--data", copy.string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  {
    node_process node(copy, {}, {"ORDO_SAGAS_STEP_TIMEOUT_MS=200"});
    // The stored deadline fires (at once if it is overdue) and the saga compensates.
    api_client api(node.port());
    auto order = wait_for(api, "/v1/orders/hung", [](const response& r) {
      return r.json().value("status", "") == "rejected";
    });
    EXPECT_EQ(order.json().value("status", ""), "rejected") << order.body;
    EXPECT_EQ(order.json().value("reason", ""), "payment_timeout") << order.body;
    auto stock = wait_for(api, "/v1/inventory/hang-sku",
                          [](const response& r) { return r.json().value("reserved", -1) == 0; });
    EXPECT_EQ(stock.json().value("reserved", -1), 0) << stock.body;
    EXPECT_EQ(stock.json().value("on_hand", -1), 10) << stock.body;
    EXPECT_EQ(node.stop(), 0);
  }
  std::filesystem::remove(file);
  std::filesystem::remove_all(source);
  std::filesystem::remove_all(copy);
}

}  // namespace
}  // namespace ordo::e2e
