// Reads that send a consistency token hold an HTTP thread while they wait: a token past the
// journal's end is refused at once, so a client cannot park the node's threads on a wait that
// can only time out.
#include <thread>
#include <vector>

#include "hostile_fixture.hpp"

namespace ordo::e2e {
namespace {

TEST_F(HostileInput, TokensPastTheJournalsEndAreRefusedAtOnce) {
  constexpr int readers = 64;
  std::vector<response> answers(readers);
  std::vector<std::thread> threads;
  for (int i = 0; i < readers; ++i)
    threads.emplace_back([&, i] {
      answers[i] = client().call("GET", "/v1/views/stats?wait_ms=10000", "",
                                 {{"X-Consistency-Token", "p" + std::to_string(1'000'000 + i)}});
    });
  for (auto& t : threads) t.join();
  for (const auto& answer : answers) {
    ASSERT_TRUE(refused(answer, "validation_failed"));
    EXPECT_EQ(answer.json()["errors"][0]["field"], "X-Consistency-Token");
  }
}

}  // namespace
}  // namespace ordo::e2e
