// Crypto-shredding end to end: a customer's personal data (an order's shipping) never reaches the
// data directory or an export as plaintext; its erasure makes every read show "[erased]", also
// after a kill -9 right after the 204, a restart and an offline rebuild; the node refuses a master
// key that is not the one its data keys are wrapped with.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;

// Distinctive values that appear nowhere else.
const std::string secret_name = "Quilla Zyxwrath";
const std::string secret_email = "quilla.zyx@wrath-example.org";
const std::string secret_address = "77 Vexmoor Lane, Blorpton";

json shipping() {
  return {{"name", secret_name}, {"email", secret_email}, {"address", secret_address}};
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The files under `dir` (and `extra` texts) that hold any of the secrets, with the secret found.
std::vector<std::string> files_with_secrets(const std::filesystem::path& dir,
                                            const std::vector<std::string>& extra = {}) {
  std::vector<std::string> found;
  auto check = [&](const std::string& what, const std::string& bytes) {
    for (const auto& secret : {secret_name, secret_email, secret_address})
      if (bytes.find(secret) != std::string::npos) found.push_back(what + ": " + secret);
  };
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) check(entry.path().string(), read_file(entry.path()));
  for (std::size_t i = 0; i < extra.size(); ++i) check("text " + std::to_string(i), extra[i]);
  return found;
}

class Privacy : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_data_dir("privacy");
    keys_ = fresh_data_dir("privacy-keys");
    std::filesystem::create_directories(keys_);
    key_file_ = (keys_ / "master.key").string();
  }
  void TearDown() override {
    node_.reset();
    std::filesystem::remove_all(dir_);
    std::filesystem::remove_all(keys_);
  }

  void start() {
    node_ = std::make_unique<node_process>(
        dir_, std::vector<std::string>{"--master-key-file", key_file_});
  }
  api_client client() { return api_client(node_->port()); }

  response erase(const std::string& customer) {
    return client().call("DELETE", "/v1/customers/" + customer + "/personal-data");
  }

  static void expect_erased(const json& shipping_json, const std::string& where) {
    ASSERT_TRUE(shipping_json.is_object()) << where << ": " << shipping_json;
    for (auto field : {"name", "email", "address"})
      EXPECT_EQ(shipping_json.value(field, ""), "[erased]") << where << " " << field;
  }

  // Every read of order `id` shows its shipping erased.
  void expect_order_erased(const std::string& id) {
    auto order = client().get("/v1/orders/" + id);
    ASSERT_EQ(order.status, 200) << order.body;
    expect_erased(order.json()["shipping"], "order " + id);
    auto events = client().get("/v1/orders/" + id + "/events");
    ASSERT_EQ(events.status, 200) << events.body;
    auto list = events.json()["events"];
    expect_erased(list.at(0)["data"]["shipping"], "OrderCreated of " + id);
    auto history = client().get("/v1/orders/" + id + "/history?version=1");
    ASSERT_EQ(history.status, 200) << history.body;
    expect_erased(history.json()["shipping"], "history of " + id);
  }

  std::filesystem::path dir_;
  std::filesystem::path keys_;
  std::string key_file_;
  std::unique_ptr<node_process> node_;
};

TEST_F(Privacy, PersonalDataIsSealedEverywhereAndErasedEverywhere) {
  start();
  // The master key file is the node's own: created with mode 0600, outside the data directory.
  struct stat st {};
  ASSERT_EQ(stat(key_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  // Orders with shipping: one through an Idempotency-Key (its reply is stored), one placed (the
  // saga runs), one snapshotted; and an order of another customer that must stay readable.
  auto created = client().post(
      "/v1/orders", {{"customer_id", "cz"}, {"order_id", "pz1"}, {"shipping", shipping()}},
      {{"Idempotency-Key", "create-pz1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["shipping"]["name"], secret_name);  // the caller sees its own data
  ASSERT_EQ(client()
                .post("/v1/orders",
                      {{"customer_id", "cz"},
                       {"order_id", "pz2"},
                       {"items", {{{"sku", "sz"}, {"quantity", 1}, {"unit_price_cents", 5}}}},
                       {"shipping", shipping()}})
                .status,
            201);
  ASSERT_EQ(client().post("/v1/inventory/sz/restock", {{"quantity", 10}}).status, 200);
  ASSERT_EQ(client().post("/v1/orders/pz2/place", {{"payment_token", "tok_ok"}}).status, 202);
  ASSERT_EQ(client().post("/v1/admin/aggregates/order/pz1/snapshot", json::object()).status, 200);
  ASSERT_EQ(
      client()
          .post("/v1/orders",
                {{"customer_id", "other"},
                 {"order_id", "po1"},
                 {"shipping", {{"name", "Keep Me"}, {"email", "k@e.org"}, {"address", "1 Road"}}}})
          .status,
      201);
  auto exported_data = client().get("/v1/customers/cz/personal-data");
  ASSERT_EQ(exported_data.status, 200) << exported_data.body;
  auto body = exported_data.json();
  ASSERT_EQ(body["orders"].size(), 2u) << exported_data.body;
  EXPECT_EQ(body["orders"][0]["order_id"], "pz1");
  EXPECT_EQ(body["orders"][0]["shipping"]["email"], secret_email);

  // Nothing on disk or in an export holds them in plaintext (stopped: every memtable flushed).
  ASSERT_EQ(node_->stop(), 0);
  auto exported = run_ordo({"export", "--data", dir_.string(), "--master-key-file", key_file_});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(files_with_secrets(dir_, {exported.out}), std::vector<std::string>{});

  // Erasure: 204, idempotent; a kill -9 right after it changes nothing.
  start();
  auto erased = erase("cz");
  ASSERT_EQ(erased.status, 204) << erased.body;
  node_->kill_hard();
  start();
  EXPECT_EQ(erase("cz").status, 204);  // again: still fine
  expect_order_erased("pz1");
  expect_order_erased("pz2");
  // The stored reply of the keyed create replays erased too.
  auto replayed = client().post(
      "/v1/orders", {{"customer_id", "cz"}, {"order_id", "pz1"}, {"shipping", shipping()}},
      {{"Idempotency-Key", "create-pz1"}});
  ASSERT_EQ(replayed.status, 201) << replayed.body;
  expect_erased(replayed.json()["shipping"], "replayed create");
  EXPECT_EQ(client().get("/v1/customers/cz/personal-data").status, 404);
  // The journal records each erasure asked for (two here), with no personal data in it.
  auto record = client().get("/v1/inspect/aggregates/customer/cz/events");
  ASSERT_EQ(record.status, 200) << record.body;
  auto recorded = record.json()["events"];
  ASSERT_EQ(recorded.size(), 2u) << record.body;
  EXPECT_EQ(recorded[0]["type"], "PersonalDataErased");
  EXPECT_EQ(recorded[0]["data"], json({{"customer_id", "cz"}}));
  // The other customer keeps its data.
  EXPECT_EQ(client().get("/v1/orders/po1").json()["shipping"]["name"], "Keep Me");
  // The saga of the erased customer's order finishes as for any other.
  bool confirmed = false;
  for (int i = 0; i < 200 && !confirmed; ++i) {
    confirmed = client().get("/v1/orders/pz2").json()["status"] == "confirmed";
    if (!confirmed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(confirmed) << client().get("/v1/orders/pz2").body;

  // After an offline rebuild of the views and another restart: still erased.
  ASSERT_EQ(node_->stop(), 0);
  auto rebuilt = run_ordo({"replay", "--data", dir_.string(), "--projection", "order_summary"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  auto exported_after =
      run_ordo({"export", "--data", dir_.string(), "--master-key-file", key_file_});
  ASSERT_EQ(exported_after.exit_code, 0) << exported_after.err;
  EXPECT_NE(exported_after.out.find("[erased]"), std::string::npos);
  auto replayed_offline = run_ordo({"replay", "--data", dir_.string(), "order-pz1", "--events",
                                    "--no-snapshots", "--master-key-file", key_file_});
  ASSERT_EQ(replayed_offline.exit_code, 0) << replayed_offline.err;
  auto offline = json::parse(replayed_offline.out, nullptr, false);
  expect_erased(offline["state"]["shipping"], "ordo replay");
  expect_erased(offline["events"].at(0)["data"]["shipping"], "ordo replay --events");
  // Without the master key an export of sealed data is refused, naming the file it looked for.
  auto keyless = run_ordo(
      {"export", "--data", dir_.string(), "--master-key-file", (keys_ / "missing.key").string()});
  EXPECT_EQ(keyless.exit_code, 2);
  EXPECT_NE(keyless.err.find("missing.key"), std::string::npos) << keyless.err;
  EXPECT_EQ(files_with_secrets(dir_, {exported_after.out}), std::vector<std::string>{});
  start();
  expect_order_erased("pz1");
  EXPECT_EQ(client().get("/v1/views/orders/pz1").status, 200);
}

TEST_F(Privacy, ACustomerErasedEarlierGetsANewKeyForNewData) {
  start();
  ASSERT_EQ(client()
                .post("/v1/orders",
                      {{"customer_id", "cn"}, {"order_id", "pn1"}, {"shipping", shipping()}})
                .status,
            201);
  ASSERT_EQ(erase("cn").status, 204);
  auto later = client().post(
      "/v1/orders",
      {{"customer_id", "cn"},
       {"order_id", "pn2"},
       {"shipping", {{"name", "New Name"}, {"email", "n@e.org"}, {"address", "2 Road"}}}});
  ASSERT_EQ(later.status, 201) << later.body;
  EXPECT_EQ(client().get("/v1/orders/pn2").json()["shipping"]["name"], "New Name");
  expect_order_erased("pn1");
  auto data = client().get("/v1/customers/cn/personal-data");
  ASSERT_EQ(data.status, 200) << data.body;
  auto orders = data.json()["orders"];
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0]["shipping"]["name"], "[erased]");
  EXPECT_EQ(orders[1]["shipping"]["name"], "New Name");
}

TEST_F(Privacy, BadCustomerIdsAndUnknownCustomersAreAnsweredAndChangeNothing) {
  start();
  EXPECT_EQ(client().get("/v1/customers/nobody/personal-data").status, 404);
  EXPECT_EQ(erase("nobody").status, 204);  // idempotent: nothing to erase is erased
  for (auto bad : {"..", "a%2Fb", "%2E%2E", "a%20b", "-x", "x%00y"}) {
    auto get = client().get(std::string("/v1/customers/") + bad + "/personal-data");
    EXPECT_TRUE(get.status == 400 || get.status == 404) << bad << ": " << get.status;
    auto del = erase(bad);
    EXPECT_TRUE(del.status == 400 || del.status == 404) << bad << ": " << del.status;
  }
  std::string long_id(65, 'a');
  EXPECT_EQ(client().get("/v1/customers/" + long_id + "/personal-data").status, 400);
  // Without a JSON content type a DELETE is refused (no HTML form can send it).
  EXPECT_EQ(
      client()
          .call("DELETE", "/v1/customers/c1/personal-data", "", {{"Content-Type", "text/plain"}})
          .status,
      415);
}

TEST_F(Privacy, AnotherMasterKeyIsRefusedNamingItsFile) {
  start();
  ASSERT_EQ(client()
                .post("/v1/orders",
                      {{"customer_id", "cm"}, {"order_id", "pm1"}, {"shipping", shipping()}})
                .status,
            201);
  ASSERT_EQ(node_->stop(), 0);
  auto other_key = (keys_ / "other.key").string();
  auto refused =
      run_ordo({"serve", "--port", "0", "--data", dir_.string(), "--master-key-file", other_key});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find(other_key), std::string::npos) << refused.err;
  // A key file others may read is refused too.
  ASSERT_EQ(chmod(key_file_.c_str(), 0644), 0);
  auto loose =
      run_ordo({"serve", "--port", "0", "--data", dir_.string(), "--master-key-file", key_file_});
  EXPECT_EQ(loose.exit_code, 2) << loose.err;
  EXPECT_NE(loose.err.find(key_file_), std::string::npos) << loose.err;
}

}  // namespace
}  // namespace ordo::e2e
