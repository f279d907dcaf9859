// The inspection console in Debian's headless chromium against a real `ordo serve`: orders with
// their sagas (confirmed on tok_ok, rejected on tok_decline, stuck on tok_hang) and a rebuilt
// projection. Each test saves screenshots under the build folder (ORDO_SCREENSHOT_DIR).
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "../e2e/node_process.hpp"
#include "headless_chromium.hpp"

namespace ordo::browser {
namespace {

using json = nlohmann::json;
using e2e::api_client;
using e2e::node_process;
using namespace std::chrono_literals;

// Long enough that the tok_hang saga waits in `authorizing` for the whole test.
const std::string long_step_timeout = "ORDO_SAGAS_STEP_TIMEOUT_MS=600000";

class Console : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(ORDO_CHROMIUM))
      FAIL() << "no chromium at '" ORDO_CHROMIUM "': scripts/setup installs Debian's chromium";
    dir_ = e2e::fresh_data_dir("console");
    profile_ = e2e::fresh_data_dir("chromium-profile");
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    std::filesystem::remove_all(profile_);
  }

  static void place(api_client& api, const std::string& id, const std::string& token,
                    int extra_items = 0) {
    auto created = api.post(
        "/v1/orders",
        {{"order_id", id},
         {"customer_id", "c1"},
         {"items", json::array({{{"sku", "s1"}, {"quantity", 1}, {"unit_price_cents", 250}}})}});
    ASSERT_EQ(created.status, 201) << created.body;
    for (int i = 0; i < extra_items; ++i) {
      auto added = api.post("/v1/orders/" + id + "/items",
                            {{"sku", "s1"}, {"quantity", 1}, {"unit_price_cents", 250}});
      ASSERT_EQ(added.status, 200) << added.body;
    }
    auto placed = api.post("/v1/orders/" + id + "/place", {{"payment_token", token}});
    ASSERT_EQ(placed.status, 202) << placed.body;
  }

  // Three sagas: confirmed, rejected, stuck in authorizing; o-ok has 23 events on its order, more
  // than the detail pane's page of 20. Then a rebuilt projection.
  static void seed(api_client& api) {
    ASSERT_EQ(api.post("/v1/inventory/s1/restock", {{"quantity", 1000}}).status, 200);
    place(api, "o-ok", "tok_ok", 20);
    place(api, "o-decline", "tok_decline");
    place(api, "o-hang", "tok_hang");
    ASSERT_EQ(api.post("/v1/admin/projections/order_summary/rebuild", json::object()).status, 202);
    // The sagas view has them all once the two that end have ended.
    auto until = std::chrono::steady_clock::now() + 30s;
    for (;;) {
      auto sagas = api.get("/v1/inspect/sagas?status=finished").json()["sagas"];
      if (sagas.size() == 2) break;
      ASSERT_LT(std::chrono::steady_clock::now(), until) << sagas.dump();
      std::this_thread::sleep_for(20ms);
    }
  }

  static std::string url(const node_process& node, const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(node.port()) + path;
  }

  static std::filesystem::path shot(const std::string& name) {
    return std::filesystem::path(ORDO_SCREENSHOT_DIR) / (name + ".png");
  }

  // Counts the page's Content-Security-Policy violations into window.cspViolations.
  static void watch_policy(headless_chromium& browser) {
    browser.call(
        "Page.addScriptToEvaluateOnNewDocument",
        {{"source",
          "window.cspViolations = [];"
          "document.addEventListener('securitypolicyviolation',"
          "  (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"}});
  }

  static std::string text_of(headless_chromium& browser, const std::string& selector) {
    return browser.evaluate("document.querySelector('" + selector + "')?.textContent ?? ''")
        .get<std::string>();
  }

  std::filesystem::path dir_;
  std::filesystem::path profile_;
};

TEST_F(Console, ShowsTheNodeTheSagasWithTheStuckOneAndTheProjections) {
  node_process node(dir_, {"--node-id", "browser-node"}, {long_step_timeout});
  api_client api(node.port());
  seed(api);
  headless_chromium browser(ORDO_CHROMIUM, profile_);
  watch_policy(browser);
  browser.navigate(url(node, "/console"));
  // The first refresh has read every view.
  ASSERT_TRUE(browser.wait_until("Number(document.body.dataset.refreshed) >= 1"))
      << text_of(browser, "#status");

  EXPECT_NE(text_of(browser, "#node-name").find("browser-node"), std::string::npos);
  EXPECT_NE(text_of(browser, "#status").find("Connected as admin"), std::string::npos);
  EXPECT_NE(text_of(browser, "#cluster-shards").find("0–255"), std::string::npos);
  // Each saga with its outcome.
  EXPECT_NE(text_of(browser, "[data-saga=\"o-ok\"]").find("confirmed"), std::string::npos);
  EXPECT_NE(text_of(browser, "[data-saga=\"o-decline\"]").find("payment_declined"),
            std::string::npos);
  EXPECT_NE(text_of(browser, "[data-saga=\"o-hang\"]").find("authorizing"), std::string::npos);
  // The waiting one stands out once it has waited longer than the page's threshold.
  browser.evaluate(
      "const input = document.getElementById('saga-stuck-after');"
      "input.value = '1'; input.dispatchEvent(new Event('input'));");
  EXPECT_TRUE(browser.wait_until(
      "document.querySelector('[data-saga=\"o-hang\"]').classList.contains('attention')"));
  EXPECT_NE(text_of(browser, "[data-saga=\"o-hang\"]").find("stuck"), std::string::npos);
  EXPECT_EQ(browser.evaluate("document.querySelectorAll('tr.attention').length"), 1);
  EXPECT_NE(text_of(browser, ".attention-summary").find("1 need attention: o-hang (stuck)"),
            std::string::npos)
      << text_of(browser, ".attention-summary");
  // Filtering by step keeps only the waiting one.
  browser.evaluate(
      "const step = document.getElementById('saga-step');"
      "step.value = 'authorizing'; step.dispatchEvent(new Event('input'));");
  EXPECT_EQ(browser.evaluate("document.querySelectorAll('[data-saga]').length"), 1);

  // The projections, with the rebuilt one among them and an admin's Rebuild buttons.
  EXPECT_TRUE(
      browser.wait_until("document.querySelectorAll('#projection-list tbody tr').length >= 4"));
  EXPECT_NE(text_of(browser, "#projection-list").find("order_summary"), std::string::npos);
  EXPECT_GE(browser.evaluate("document.querySelectorAll('[data-key^=\"rebuild-\"]').length"), 4);
  // Two refreshes draw the charts' first points.
  EXPECT_TRUE(browser.wait_until("document.querySelectorAll('#charts polyline').length >= 3"));
  browser.screenshot(shot("console-overview"));
  EXPECT_EQ(browser.evaluate("window.cspViolations"), json::array());
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(Console, OpensAnOrderWithItsEventsPagedAndItsSaga) {
  node_process node(dir_, {}, {long_step_timeout});
  api_client api(node.port());
  seed(api);
  headless_chromium browser(ORDO_CHROMIUM, profile_);
  browser.navigate(url(node, "/console"));
  ASSERT_TRUE(browser.wait_until("document.querySelector('[data-key=\"saga-o-ok\"]')"))
      << text_of(browser, "#status");
  browser.evaluate("document.querySelector('[data-key=\"saga-o-ok\"]').click()");
  ASSERT_TRUE(browser.wait_until(
      "document.querySelector('#aggregate-detail h3')?.textContent === 'order o-ok'"));
  EXPECT_EQ(browser.evaluate("location.hash"), "#aggregate/order/o-ok");
  auto detail = text_of(browser, "#aggregate-detail");
  EXPECT_NE(detail.find("confirmed"), std::string::npos);
  // The latest page: 20 of the order's 24 events, up to its confirmation.
  EXPECT_NE(detail.find("events 5–24 of 24"), std::string::npos) << detail;
  EXPECT_NE(detail.find("OrderPlaced"), std::string::npos);
  EXPECT_NE(detail.find("OrderConfirmed"), std::string::npos);
  EXPECT_EQ(detail.find("OrderCreated"), std::string::npos);
  // Its saga, from started to finished.
  EXPECT_NE(detail.find("SagaStarted"), std::string::npos);
  EXPECT_NE(detail.find("awaiting_shipment"), std::string::npos);
  browser.screenshot(shot("console-order"));

  // The older page starts at the order's creation.
  browser.evaluate(
      "[...document.querySelectorAll('#aggregate-detail button')]"
      ".find((b) => b.textContent === 'Older').click()");
  ASSERT_TRUE(browser.wait_until(
      "document.querySelector('#aggregate-detail').textContent.includes('events 1–20 of 24')"));
  EXPECT_NE(text_of(browser, "#aggregate-detail").find("OrderCreated"), std::string::npos);

  // The address names the open aggregate: changing it opens another.
  browser.navigate(url(node, "/console#aggregate/saga/o-hang"));
  ASSERT_TRUE(browser.wait_until(
      "document.querySelector('#aggregate-detail h3')?.textContent === 'saga o-hang'"));
  EXPECT_NE(text_of(browser, "#aggregate-detail").find("authorizing"), std::string::npos);
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(Console, WithAuthOnThePageLoadsAndAsksForATokenAndShowsAdminActionsToAnAdmin) {
  node_process node(dir_, {},
                    {long_step_timeout, R"(ORDO_AUTH_TOKENS=[{"token":"v-token","role":"viewer"},)"
                                        R"({"token":"a-token","role":"admin"}])"});
  api_client admin(node.port(), "a-token");
  seed(admin);
  headless_chromium browser(ORDO_CHROMIUM, profile_);
  watch_policy(browser);
  browser.navigate(url(node, "/console"));
  ASSERT_TRUE(
      browser.wait_until("document.getElementById('status').textContent.includes('Auth is on')"))
      << text_of(browser, "#status");
  browser.screenshot(shot("console-auth-asks"));

  auto use_token = [&browser](const std::string& token) {
    browser.evaluate("document.getElementById('token').value = '" + token +
                     "'; document.getElementById('token-form').requestSubmit();");
  };
  use_token("wrong");
  EXPECT_TRUE(browser.wait_until(
      "document.getElementById('status').textContent.includes('does not know this token')"));

  use_token("v-token");
  ASSERT_TRUE(browser.wait_until(
      "document.getElementById('status').textContent.includes('Connected as viewer')"))
      << text_of(browser, "#status");
  ASSERT_TRUE(browser.wait_until("document.querySelector('[data-saga=\"o-hang\"]')"));
  EXPECT_EQ(browser.evaluate("sessionStorage.getItem('ordo-token')"), "v-token");
  EXPECT_EQ(browser.evaluate("document.querySelectorAll('[data-key^=\"rebuild-\"]').length"), 0);

  use_token("a-token");
  ASSERT_TRUE(browser.wait_until("document.querySelector('[data-key=\"rebuild-order_summary\"]')"));
  // An admin action asks first, then says how it went.
  browser.evaluate("document.querySelector('[data-key=\"rebuild-order_summary\"]').click()");
  ASSERT_TRUE(browser.wait_until("document.getElementById('confirm').open"));
  browser.screenshot(shot("console-auth-confirm"));
  browser.evaluate("document.getElementById('confirm-ok').click()");
  EXPECT_TRUE(browser.wait_until(
      "document.getElementById('outcome').textContent.includes('order_summary: rebuilding')"))
      << text_of(browser, "#outcome");
  // The outcome stays while the views refresh.
  auto refreshed = browser.evaluate("Number(document.body.dataset.refreshed)").get<int>();
  ASSERT_TRUE(browser.wait_until("Number(document.body.dataset.refreshed) > " +
                                 std::to_string(refreshed + 1)));
  EXPECT_NE(text_of(browser, "#outcome").find("order_summary: rebuilding"), std::string::npos);
  EXPECT_NE(text_of(browser, "#status").find("Connected as admin"), std::string::npos);
  EXPECT_EQ(browser.evaluate("window.cspViolations"), json::array());
  EXPECT_EQ(node.stop(), 0);
}

}  // namespace
}  // namespace ordo::browser
