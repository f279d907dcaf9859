// The console's static files, /openapi.json, /v1/inspect/session and the inspection routes the
// console reads (an aggregate's events page and snapshots), through the API without sockets.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>

#include "http/api.hpp"
#include "tests/unit/actors/runtime_fixture.hpp"

namespace ordo::http {
namespace {

using json = nlohmann::json;

class ConsoleRoutes : public actors::testing::runtime_fixture {
 protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    start();
    open_api();
  }
  void TearDown() override {
    api_.reset();
    runtime_fixture::TearDown();
  }

  void open_api() {
    api_ = std::make_unique<api>(node_services{gate(), db(), node().context().stats, settings_});
    api_->set_ready(true);
  }

  httplib::Response call(const std::string& method, const std::string& path,
                         httplib::Headers headers = {}, const std::string& body = "") {
    httplib::Request req;
    req.method = method;
    req.target = path;
    req.path = path.substr(0, path.find('?'));
    if (auto query = path.find('?'); query != std::string::npos)
      httplib::detail::parse_query_text(path.substr(query + 1), req.params);
    req.body = body;
    req.headers = std::move(headers);
    if (method == "POST") req.headers.emplace("Content-Type", "application/json");
    httplib::Response res;
    api_->handle(req, res);
    return res;
  }

  config::settings settings_;
  std::unique_ptr<api> api_;
};

TEST_F(ConsoleRoutes, ThePageAndItsFilesHaveTheirTypesAndAStrictPolicy) {
  auto page = call("GET", "/console");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.get_header_value("Content-Type"), "text/html; charset=utf-8");
  auto policy = page.get_header_value("Content-Security-Policy");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(policy.find("style-src 'self'"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe"), std::string::npos);
  EXPECT_EQ(page.get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(page.get_header_value("X-Content-Type-Options"), "nosniff");
  // No inline script or style that the policy would block.
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_EQ(page.body.find("<style"), std::string::npos);
  EXPECT_EQ(page.body.find("style=\""), std::string::npos);

  EXPECT_EQ(call("GET", "/console/console.css").get_header_value("Content-Type"),
            "text/css; charset=utf-8");
  EXPECT_EQ(call("GET", "/console/nope.js").status, 404);
  EXPECT_EQ(call("GET", "/console/index.html").status, 200);
}

TEST_F(ConsoleRoutes, EveryFileThePageAndItsModulesLoadIsServed) {
  std::set<std::string> wanted;
  std::set<std::string> seen;
  std::regex page_reference(R"re((?:src|href)="/console/([^"]+)")re");
  std::regex module_import(R"(from '\./([^']+)')");
  auto page = call("GET", "/console").body;
  for (std::sregex_iterator it(page.begin(), page.end(), page_reference), end; it != end; ++it)
    wanted.insert((*it)[1]);
  EXPECT_TRUE(wanted.contains("main.js"));
  while (!wanted.empty()) {
    auto name = *wanted.begin();
    wanted.erase(wanted.begin());
    if (!seen.insert(name).second) continue;
    auto file = call("GET", "/console/" + name);
    ASSERT_EQ(file.status, 200) << name;
    if (name.ends_with(".js")) {
      EXPECT_EQ(file.get_header_value("Content-Type"), "text/javascript; charset=utf-8");
      for (std::sregex_iterator it(file.body.begin(), file.body.end(), module_import), end;
           it != end; ++it)
        wanted.insert((*it)[1]);
    }
  }
  EXPECT_GE(seen.size(), 6u);  // the page, its styles and the script's modules
}

TEST_F(ConsoleRoutes, AnUnchangedFileIsNotSentAgain) {
  auto first = call("GET", "/console/main.js");
  auto tag = first.get_header_value("ETag");
  ASSERT_FALSE(tag.empty());
  auto again = call("GET", "/console/main.js", {{"If-None-Match", tag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(call("GET", "/console/main.js", {{"If-None-Match", "\"other\""}}).status, 200);
  // Another file, another tag.
  EXPECT_NE(call("GET", "/console/api.js").get_header_value("ETag"), tag);
}

TEST_F(ConsoleRoutes, OpenapiJsonDescribesTheRoutes) {
  auto res = call("GET", "/openapi.json");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.get_header_value("Content-Type"), "application/json");
  auto document = json::parse(res.body);
  EXPECT_EQ(document["openapi"], "3.1.0");
  for (auto path : {"/v1/orders", "/v1/orders/{id}/place", "/v1/inspect/sagas", "/console",
                    "/openapi.json", "/v1/inspect/aggregates/{type}/{id}/events"})
    EXPECT_TRUE(document["paths"].contains(path)) << path;
}

TEST_F(ConsoleRoutes, SessionNamesTheTokensRole) {
  EXPECT_EQ(json::parse(call("GET", "/v1/inspect/session").body),
            (json{{"auth", false}, {"role", "admin"}}));
  settings_.auth.tokens = {{"viewer-t", config::role::viewer}, {"admin-t", config::role::admin}};
  open_api();
  EXPECT_EQ(call("GET", "/v1/inspect/session").status, 401);
  EXPECT_EQ(call("GET", "/console").status, 200);  // the page needs no token
  EXPECT_EQ(call("GET", "/openapi.json").status, 200);
  auto viewer = call("GET", "/v1/inspect/session", {{"Authorization", "Bearer viewer-t"}});
  EXPECT_EQ(json::parse(viewer.body), (json{{"auth", true}, {"role", "viewer"}}));
  auto admin = call("GET", "/v1/inspect/session", {{"Authorization", "Bearer admin-t"}});
  EXPECT_EQ(json::parse(admin.body)["role"], "admin");
}

TEST_F(ConsoleRoutes, AnAggregatesEventsComeInPagesWithTheNextPagesStart) {
  ASSERT_EQ(call("POST", "/v1/inventory/s1/restock", {}, R"({"quantity": 5})").status, 200);
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(call("POST", "/v1/inventory/s1/restock", {}, R"({"quantity": 1})").status, 200);
  auto first = json::parse(call("GET", "/v1/inspect/aggregates/stock/s1/events?limit=2").body);
  EXPECT_EQ(first["highest_version"], 5);
  ASSERT_EQ(first["events"].size(), 2u);
  EXPECT_EQ(first["events"][0]["version"], 1);
  EXPECT_EQ(first["events"][0]["stream"], "stock-s1");
  EXPECT_EQ(first["next"], 3);
  auto last = json::parse(call("GET", "/v1/inspect/aggregates/stock/s1/events?from=4").body);
  EXPECT_EQ(last["events"].size(), 2u);
  EXPECT_EQ(last["next"], nullptr);
  EXPECT_EQ(call("GET", "/v1/inspect/aggregates/stock/none/events").status, 404);
  EXPECT_EQ(call("GET", "/v1/inspect/aggregates/nope/s1/events").status, 404);
  EXPECT_EQ(call("GET", "/v1/inspect/aggregates/stock/s1/events?limit=0").status, 400);
  EXPECT_EQ(call("GET", "/v1/inspect/aggregates/stock/s1/events?from=0").status, 400);
}

TEST_F(ConsoleRoutes, SnapshotsAreListedNewestFirst) {
  ASSERT_EQ(call("POST", "/v1/inventory/s1/restock", {}, R"({"quantity": 5})").status, 200);
  EXPECT_EQ(json::parse(call("GET", "/v1/inspect/aggregates/stock/s1/snapshots").body)["snapshots"],
            json::array());
  ASSERT_EQ(call("POST", "/v1/admin/aggregates/stock/s1/snapshot").status, 200);
  ASSERT_EQ(call("POST", "/v1/inventory/s1/restock", {}, R"({"quantity": 1})").status, 200);
  ASSERT_EQ(call("POST", "/v1/admin/aggregates/stock/s1/snapshot").status, 200);
  // The snapshot writer stores them after the answer: wait until both are there.
  json listed;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    listed = json::parse(call("GET", "/v1/inspect/aggregates/stock/s1/snapshots").body);
    if (listed["snapshots"].size() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < until);
  ASSERT_EQ(listed["snapshots"].size(), 2u) << listed.dump();
  EXPECT_EQ(listed["snapshots"][0]["version"], 2);
  EXPECT_EQ(listed["snapshots"][1]["version"], 1);
  EXPECT_GT(listed["snapshots"][0]["bytes"], 0);
  EXPECT_EQ(call("GET", "/v1/inspect/aggregates/stock/none/snapshots").status, 404);
}

}  // namespace
}  // namespace ordo::http
