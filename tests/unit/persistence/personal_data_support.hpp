// Shared by the personal data tests: a database with a personal_data_keys over a random master
// key, and helpers that fail the test on errors.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <random>
#include <string>

#include "persistence/personal_data.hpp"
#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {

inline master_key random_master(const std::string& path) {
  std::array<std::uint8_t, master_key::size> bytes{};
  std::random_device rd;
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rd());
  return master_key::from_bytes(bytes, path);
}

class personal_data_test : public database_test {
 protected:
  void SetUp() override {
    database_test::SetUp();
    master_ = random_master("/keys/test-master.key");
    keys_ = std::make_unique<personal_data_keys>(db().kv(), master_, 8);
  }
  void TearDown() override {
    keys_.reset();
    database_test::TearDown();
  }

  // A new personal_data_keys over a reopened database (nothing cached).
  void reopen_with(const master_key& master, std::size_t cache = 8) {
    keys_.reset();
    reopen();
    keys_ = std::make_unique<personal_data_keys>(db().kv(), master, cache);
  }

  std::string seal_ok(std::string_view customer, std::string_view field, std::string_view plain) {
    auto sealed = keys_->seal(customer, field, plain);
    EXPECT_TRUE(sealed) << sealed.error().message;
    return sealed ? *sealed : std::string();
  }
  opened_value open_ok(std::string_view customer, std::string_view field, std::string_view sealed) {
    auto opened = keys_->open(customer, field, sealed);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? *opened : opened_value{};
  }
  customer_key_state state_ok(std::string_view customer) {
    auto state = keys_->state(customer);
    EXPECT_TRUE(state) << state.error().message;
    return state ? *state : customer_key_state::none;
  }

  master_key master_;
  std::unique_ptr<personal_data_keys> keys_;
};

}  // namespace ordo::persistence::testing
