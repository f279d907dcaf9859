// The CAF settings the runtime starts with: ordo's scheduler default, overridable through
// runtime_settings.caf_settings, and a setting CAF would ignore refuses the start.
#include <gtest/gtest.h>

#include <stdexcept>

#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

class RuntimeSettings : public runtime_fixture {
 protected:
  std::size_t moderate_poll_attempts() {
    return caf::get_or(node().system().config(), "work-stealing.moderate-poll-attempts",
                       std::size_t{12345});
  }
};

TEST_F(RuntimeSettings, IdleWorkersWaitToBeWokenInsteadOfSleepingBetweenPolls) {
  start();
  EXPECT_EQ(moderate_poll_attempts(), 0u);
  EXPECT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
}

TEST_F(RuntimeSettings, CafSettingsOverrideOrdosDefaults) {
  start({.caf_settings = {{"work-stealing.moderate-poll-attempts", "500"},
                          {"work-stealing.moderate-sleep-duration", "50us"}}});
  EXPECT_EQ(moderate_poll_attempts(), 500u);
  EXPECT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
}

TEST_F(RuntimeSettings, AMisspeltNameOrAValueCafCannotTakeRefusesTheStart) {
  auto opened = persistence::database::open({.path = dir_.string()});
  ASSERT_TRUE(opened) << opened.error().message;
  for (auto setting :
       {std::pair<std::string, std::string>{"work-stealing.moderate-poll-attemps", "0"},
        {"work-stealing.moderate-poll-attempts", "many"},
        {"work-stealing.moderate-sleep-duration", "7"}}) {
    runtime_settings settings;
    settings.run_sagas = false;
    settings.caf_settings = {setting};
    EXPECT_THROW((runtime{**opened, settings}), std::invalid_argument) << setting.first;
  }
}

}  // namespace
}  // namespace ordo::actors::testing
