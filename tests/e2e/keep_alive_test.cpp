// Kept-alive connections: after an answer, the worker that gave it waits briefly for the
// connection's next request (http/server.cpp, linger_ms) before handing the connection back to the
// front. Whatever the client does in that moment (its next request at once, half a head and a
// pause, a stall, a close), it gets the same answers as from the front.
#include <thread>

#include "hostile_fixture.hpp"

namespace ordo::e2e {
namespace {

class KeptAlive : public HostileInput {
 protected:
  static std::string get_victim() {
    return "GET /v1/orders/victim HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }
  // One request on `connection`, answered 200 with the victim and the connection left open.
  static ::testing::AssertionResult answered(raw_connection& connection) {
    if (!connection.send(get_victim())) return ::testing::AssertionFailure() << "send failed";
    auto answer = connection.read_answer(answer_limit);
    if (answer.status != 200 || answer.body != victim_)
      return ::testing::AssertionFailure() << answer.status << ": " << answer.bytes.substr(0, 300);
    return ::testing::AssertionSuccess();
  }
};

TEST_F(KeptAlive, RequestsSentRightAfterEachAnswerAreAllAnswered) {
  raw_connection connection(port());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(answered(connection)) << i;
}

TEST_F(KeptAlive, ANextHeadSplitAcrossAPauseIsAnswered) {
  raw_connection connection(port());
  ASSERT_TRUE(answered(connection));
  auto next = get_victim();
  auto half = next.size() / 2;
  ASSERT_TRUE(connection.send(next.substr(0, half)));
  // Longer than a worker lingers, shorter than the read timeout: the front takes the rest.
  std::this_thread::sleep_for(std::chrono::milliseconds(read_timeout_ms / 3));
  ASSERT_TRUE(connection.send(next.substr(half)));
  auto answer = connection.read_answer(answer_limit);
  EXPECT_EQ(answer.status, 200) << answer.bytes.substr(0, 300);
  EXPECT_EQ(answer.body, victim_);
  EXPECT_TRUE(answered(connection));
}

TEST_F(KeptAlive, ANextHeadThatStallsIsGivenUp) {
  raw_connection connection(port());
  ASSERT_TRUE(answered(connection));
  ASSERT_TRUE(connection.send("GET /v1/orders/vic"));
  auto answer = connection.read_answer(answer_limit);
  EXPECT_TRUE(refused(answer));
  EXPECT_FALSE(answer.timed_out);
}

TEST_F(KeptAlive, AWholeNextRequestThenEndOfSendingIsAnswered) {
  raw_connection connection(port());
  ASSERT_TRUE(answered(connection));
  ASSERT_TRUE(connection.send(get_victim()));
  connection.finish_sending();
  auto answer = connection.read_answer(answer_limit);
  EXPECT_EQ(answer.status, 200) << answer.bytes.substr(0, 300);
  EXPECT_EQ(answer.body, victim_);
}

TEST_F(KeptAlive, ClientsThatCloseRightAfterAnAnswerLeaveEveryThreadFree) {
  // More than the node's threads, each closing (or sending half a head and closing) while the
  // worker that answered it may be waiting for its next request.
  for (int i = 0; i < 200; ++i) {
    raw_connection connection(port());
    ASSERT_TRUE(answered(connection)) << i;
    if (i % 2 == 1) {
      ASSERT_TRUE(connection.send("GET /heal"));
    }
    connection.finish_sending();
    auto after = connection.read_answer(answer_limit);
    EXPECT_TRUE(after.closed) << i << ": " << after.bytes.substr(0, 200);
    EXPECT_EQ(after.status, 0) << i;
  }
  // Many kept-alive connections at once, all idle after their answer: a new one is still served.
  std::vector<std::unique_ptr<raw_connection>> idle;
  for (int i = 0; i < 100; ++i) {
    idle.push_back(std::make_unique<raw_connection>(port()));
    ASSERT_TRUE(answered(*idle.back())) << i;
  }
  raw_connection fresh(port());
  EXPECT_TRUE(answered(fresh));
}

// An answer leaves in one send (http/connection.hpp, connection_stream): an interim answer must
// still go out before the node waits for the body it invites.
TEST_F(KeptAlive, AnAcceptedExpectContinueGetsItsInterimAnswerBeforeTheBodyIsSent) {
  raw_connection connection(port());
  std::string body = R"({"sku":"sku-c","quantity":1,"unit_price_cents":5})";
  ASSERT_TRUE(
      connection.send("POST /v1/orders/victim-continue/items HTTP/1.1\r\nHost: localhost\r\n"
                      "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                      "Content-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n"));
  auto interim = connection.read_answer(answer_limit);
  ASSERT_EQ(interim.status, 100) << interim.bytes.substr(0, 300);
  ASSERT_TRUE(connection.send(body));
  auto answer = connection.read_answer(answer_limit);
  EXPECT_EQ(answer.status, 404) << answer.bytes.substr(0, 300);  // no such order: a whole answer
  EXPECT_TRUE(answered(connection));
}

}  // namespace
}  // namespace ordo::e2e
