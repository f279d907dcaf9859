// A node under attack: every hostile-input test starts one with a short read timeout, creates an
// order (the victim) and, after each case, checks that the node still serves and that the victim
// and its events are exactly as they were. A hostile request must get a 4xx problem+json, or, for
// HTTP that cannot be read, a closed connection, within a bounded time.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "node_process.hpp"
#include "raw_connection.hpp"

namespace ordo::e2e {

class HostileInput : public ::testing::Test {
 protected:
  // The node's http.read_timeout_ms: a stalled request is given up after this.
  static constexpr int read_timeout_ms = 300;
  // How long a case waits for its answer: far above the read timeout, far below a hang.
  static constexpr auto answer_limit = std::chrono::seconds(5);

  static void SetUpTestSuite() {
    dir_ = fresh_data_dir("hostile");
    node_ = std::make_unique<node_process>(
        dir_, std::vector<std::string>{},
        std::vector<std::string>{"ORDO_HTTP_READ_TIMEOUT_MS=" + std::to_string(read_timeout_ms)});
    api_client api(node_->port());
    ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c1"}, {"order_id", "victim"}}).status, 201);
    for (auto sku : {"sku-1", "sku-2"}) {
      auto added = api.post("/v1/orders/victim/items",
                            {{"sku", sku}, {"quantity", 2}, {"unit_price_cents", 150}});
      ASSERT_EQ(added.status, 200) << added.body;
    }
    victim_ = api.get("/v1/orders/victim").body;
    victim_events_ = api.get("/v1/orders/victim/events").body;
  }

  static void TearDownTestSuite() {
    EXPECT_EQ(node_->stop(), 0);
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Whatever a case sent, the node still serves and the victim is unchanged.
  void TearDown() override {
    auto api = client();
    EXPECT_EQ(api.get("/healthz").status, 200);
    EXPECT_EQ(api.get("/v1/orders/victim").body, victim_);
    EXPECT_EQ(api.get("/v1/orders/victim/events").body, victim_events_);
  }

  static int port() { return node_->port(); }
  static api_client client() {
    return api_client(port(), {}, static_cast<int>(answer_limit.count()));
  }
  static response send(const std::string& method, const std::string& path, const std::string& body,
                       httplib::Headers headers = {}) {
    return client().call(method, path, body, std::move(headers));
  }
  static raw_answer raw(const std::string& request) {
    return raw_request(port(), request, answer_limit);
  }

  // A raw request with `Connection: close`, so that the node closes once it has answered.
  static std::string raw_text(const std::string& method, const std::string& target,
                              const std::string& body = "",
                              const std::string& content_type = "application/json") {
    std::string text =
        method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
    if (!body.empty())
      text += "Content-Type: " + content_type +
              "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    return text + "\r\n" + body;
  }

  static ::testing::AssertionResult problem(int status, const std::string& content_type,
                                            const std::string& body) {
    if (status < 400 || status > 499)
      return ::testing::AssertionFailure() << "status " << status << ": " << body.substr(0, 300);
    if (content_type != "application/problem+json")
      return ::testing::AssertionFailure() << status << " as " << content_type;
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_object() || json["status"] != status || !json["code"].is_string())
      return ::testing::AssertionFailure() << status << " with body " << body.substr(0, 300);
    return ::testing::AssertionSuccess() << status << " " << json["code"].get<std::string>();
  }

  // A 4xx problem+json.
  static ::testing::AssertionResult refused(const response& r) {
    return problem(r.status, r.header("Content-Type"), r.body);
  }
  // A 4xx problem+json with this code.
  static ::testing::AssertionResult refused(const response& r, const std::string& code) {
    auto result = refused(r);
    if (!result) return result;
    auto got = r.json()["code"].get<std::string>();
    if (got != code) return ::testing::AssertionFailure() << "code " << got << ", not " << code;
    return result;
  }
  // A 4xx problem+json with this code, on a raw connection.
  static ::testing::AssertionResult refused(const raw_answer& a, const std::string& code) {
    auto result = problem(a.status, a.content_type, a.body);
    if (!result) return result;
    auto got = nlohmann::json::parse(a.body)["code"].get<std::string>();
    if (got != code) return ::testing::AssertionFailure() << "code " << got << ", not " << code;
    return result;
  }
  // A 4xx problem+json, or a connection the node closed without answering.
  static ::testing::AssertionResult refused(const raw_answer& a) {
    if (a.status != 0) return problem(a.status, a.content_type, a.body);
    if (a.closed) return ::testing::AssertionSuccess() << "closed";
    return ::testing::AssertionFailure()
           << "no answer and no close within the limit; got: " << a.bytes.substr(0, 300);
  }

  static inline std::filesystem::path dir_;
  static inline std::unique_ptr<node_process> node_;
  static inline std::string victim_;
  static inline std::string victim_events_;
};

}  // namespace ordo::e2e
