// personal_data_keys: sealing and opening personal fields, erasure by destroying a customer's
// key, the master key check, the key cache's bound and re-wrapping, over a real RocksDB.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>

#include "tests/unit/persistence/personal_data_support.hpp"

namespace ordo::persistence::testing {
namespace {

using PersonalData = personal_data_test;

TEST_F(PersonalData, SealedValueOpensToThePlainText) {
  auto sealed = seal_ok("c-1", "shipping.name", "Zebulon Quux");
  EXPECT_TRUE(personal_data_keys::is_sealed(sealed));
  EXPECT_TRUE(sealed.starts_with("pd1:c-1:1:")) << sealed;
  EXPECT_EQ(sealed.find("Zebulon"), std::string::npos);
  auto opened = open_ok("c-1", "shipping.name", sealed);
  EXPECT_FALSE(opened.erased);
  EXPECT_EQ(opened.plain, "Zebulon Quux");
  EXPECT_EQ(state_ok("c-1"), customer_key_state::live);
}

TEST_F(PersonalData, EmptyAndBinaryValuesRoundTrip) {
  for (std::string plain : {std::string(), std::string("\0\xff\n:", 4), std::string(1000, 'x')}) {
    auto opened = open_ok("c-1", "f", seal_ok("c-1", "f", plain));
    EXPECT_EQ(opened.plain, plain);
  }
}

TEST_F(PersonalData, EverySealUsesAFreshNonce) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(seal_ok("c-1", "shipping.email", "same@example.org"));
  EXPECT_EQ(seen.size(), 50u);
}

TEST_F(PersonalData, AnotherCustomerOrFieldDoesNotOpen) {
  auto sealed = seal_ok("alice", "shipping.name", "Alice A");
  seal_ok("bob", "shipping.name", "Bob B");
  auto other_field = keys_->open("alice", "shipping.email", sealed);
  ASSERT_FALSE(other_field);
  EXPECT_EQ(other_field.error().code, storage_errc::corrupt);
  auto other_customer = keys_->open("bob", "shipping.name", sealed);
  ASSERT_FALSE(other_customer);
  EXPECT_EQ(other_customer.error().code, storage_errc::corrupt);
  // The same ciphertext relabelled as bob's: the associated data no longer matches.
  auto relabelled = "pd1:bob:1:" + sealed.substr(std::string("pd1:alice:1:").size());
  auto moved = keys_->open("bob", "shipping.name", relabelled);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, storage_errc::corrupt);
  EXPECT_NE(moved.error().message.find("authentication"), std::string::npos)
      << moved.error().message;
}

TEST_F(PersonalData, AFlippedBitAnywhereInThePayloadFails) {
  auto sealed = seal_ok("c-1", "shipping.address", "1 Long Road, Somewhere");
  auto payload_start = std::string("pd1:c-1:1:").size();
  for (std::size_t i = payload_start; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = sealed;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      auto opened = keys_->open("c-1", "shipping.address", damaged);
      ASSERT_FALSE(opened) << "byte " << i << " bit " << bit << " opened to " << opened->plain;
      EXPECT_EQ(opened.error().code, storage_errc::corrupt);
    }
  }
}

TEST_F(PersonalData, NotASealedValueIsCorrupt) {
  seal_ok("c-1", "f", "x");
  for (std::string value :
       {"plain text", "pd1:", "pd1:c-1", "pd1:c-1:1", "pd1:c-1:x:AAAA", "pd1:c-1:01:AAAA",
        "pd1:c-1:0:AAAA", "pd1:c-1:1:AAAA", "pd1:c-1:1:not base64!",
        "pd1:c-1:99:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    auto opened = keys_->open("c-1", "f", value);
    ASSERT_FALSE(opened) << value;
    EXPECT_EQ(opened.error().code, storage_errc::corrupt) << value;
  }
  EXPECT_FALSE(personal_data_keys::is_sealed("plain text"));
}

TEST_F(PersonalData, InvalidCustomerIdsAreRefused) {
  for (const std::string& id :
       std::vector<std::string>{"", "../etc", "a/b", "-leading", "with space", "a:b",
                                std::string(65, 'a'), std::string("nul\0", 4)}) {
    auto sealed = keys_->seal(id, "f", "x");
    ASSERT_FALSE(sealed) << id;
    EXPECT_EQ(sealed.error().code, storage_errc::invalid_argument);
    auto destroyed = keys_->destroy(id);
    ASSERT_FALSE(destroyed) << id;
    EXPECT_EQ(destroyed.error().code, storage_errc::invalid_argument);
    EXPECT_FALSE(keys_->state(id));
    EXPECT_FALSE(keys_->open(id, "f", "pd1:x:1:AAAA"));
  }
  EXPECT_TRUE(keys_->seal(std::string(64, 'a'), "f", "x"));
  EXPECT_TRUE(keys_->seal("A.b_c-9", "f", "x"));
}

TEST_F(PersonalData, DestroyErasesEveryValueOfTheCustomerOnly) {
  auto name = seal_ok("alice", "shipping.name", "Alice A");
  auto email = seal_ok("alice", "shipping.email", "alice@example.org");
  auto bobs = seal_ok("bob", "shipping.name", "Bob B");
  ASSERT_TRUE(keys_->destroy("alice"));
  EXPECT_EQ(state_ok("alice"), customer_key_state::erased);
  EXPECT_TRUE(open_ok("alice", "shipping.name", name).erased);
  EXPECT_TRUE(open_ok("alice", "shipping.email", email).erased);
  EXPECT_EQ(open_ok("bob", "shipping.name", bobs).plain, "Bob B");
}

TEST_F(PersonalData, ASealAfterDestroyUsesTheNextGeneration) {
  auto first = seal_ok("c-1", "f", "before");
  ASSERT_TRUE(keys_->destroy("c-1"));
  auto second = seal_ok("c-1", "f", "after");
  EXPECT_TRUE(second.starts_with("pd1:c-1:2:")) << second;
  EXPECT_EQ(state_ok("c-1"), customer_key_state::live);
  EXPECT_EQ(open_ok("c-1", "f", second).plain, "after");
  EXPECT_TRUE(open_ok("c-1", "f", first).erased);  // the old generation stays erased
  ASSERT_TRUE(keys_->destroy("c-1"));
  EXPECT_TRUE(open_ok("c-1", "f", second).erased);
  EXPECT_TRUE(seal_ok("c-1", "f", "third").starts_with("pd1:c-1:3:"));
}

TEST_F(PersonalData, DestroyIsIdempotentAndAcceptsUnknownCustomers) {
  auto sealed = seal_ok("c-1", "f", "x");
  ASSERT_TRUE(keys_->destroy("c-1"));
  ASSERT_TRUE(keys_->destroy("c-1"));
  EXPECT_EQ(state_ok("c-1"), customer_key_state::erased);
  EXPECT_TRUE(open_ok("c-1", "f", sealed).erased);
  EXPECT_TRUE(seal_ok("c-1", "f", "y").starts_with("pd1:c-1:2:"));

  EXPECT_EQ(state_ok("never-seen"), customer_key_state::none);
  ASSERT_TRUE(keys_->destroy("never-seen"));
  EXPECT_EQ(state_ok("never-seen"), customer_key_state::erased);
  EXPECT_TRUE(seal_ok("never-seen", "f", "z").starts_with("pd1:never-seen:1:"));
}

TEST_F(PersonalData, AGenerationNewerThanTheCustomersIsCorrupt) {
  auto sealed = seal_ok("c-1", "f", "x");
  auto future = "pd1:c-1:2:" + sealed.substr(std::string("pd1:c-1:1:").size());
  auto opened = keys_->open("c-1", "f", future);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, storage_errc::corrupt);
  auto unknown = keys_->open("nobody", "f", "pd1:nobody:1:" + sealed.substr(10));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, storage_errc::corrupt);
}

TEST_F(PersonalData, KeysSurviveAReopen) {
  auto kept = seal_ok("kept", "f", "still here");
  auto gone = seal_ok("gone", "f", "erased");
  ASSERT_TRUE(keys_->destroy("gone"));
  reopen_with(master_);
  ASSERT_TRUE(keys_->check_master());
  EXPECT_EQ(open_ok("kept", "f", kept).plain, "still here");
  EXPECT_TRUE(open_ok("gone", "f", gone).erased);
  EXPECT_EQ(state_ok("gone"), customer_key_state::erased);
}

TEST_F(PersonalData, AWrongMasterKeyIsNamed) {
  auto sealed = seal_ok("c-1", "f", "x");
  ASSERT_TRUE(keys_->check_master());
  reopen_with(random_master("/keys/wrong.key"));
  auto checked = keys_->check_master();
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, storage_errc::invalid_argument);
  EXPECT_NE(checked.error().message.find("/keys/wrong.key"), std::string::npos)
      << checked.error().message;
  // Opening with it fails too, naming the file; nothing opens to garbage.
  auto opened = keys_->open("c-1", "f", sealed);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("/keys/wrong.key"), std::string::npos);
  EXPECT_FALSE(keys_->seal("new-customer", "f", "x"));
}

TEST_F(PersonalData, AFreshDirectoryAcceptsAnyMasterUntilTheFirstKey) {
  ASSERT_TRUE(keys_->check_master());
  reopen_with(random_master("/keys/other.key"));
  ASSERT_TRUE(keys_->check_master());
  seal_ok("c-1", "f", "x");
  reopen_with(master_);
  EXPECT_FALSE(keys_->check_master());
}

TEST_F(PersonalData, AnErasureAloneAlsoBindsTheDirectoryToItsMaster) {
  ASSERT_TRUE(keys_->destroy("never-seen"));
  reopen_with(master_);
  ASSERT_TRUE(keys_->check_master());
  reopen_with(random_master("/keys/other.key"));
  auto checked = keys_->check_master();
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("/keys/other.key"), std::string::npos);
}

TEST_F(PersonalData, TheCacheKeepsAtMostItsCapacity) {
  std::vector<std::pair<std::string, std::string>> sealed;
  for (int i = 0; i < 100; ++i) {
    auto customer = "customer-" + std::to_string(i);
    sealed.emplace_back(customer, seal_ok(customer, "f", "value " + std::to_string(i)));
    EXPECT_LE(keys_->cached_keys(), 8u);
  }
  EXPECT_EQ(keys_->cached_keys(), 8u);
  // Evicted keys are read again from the store.
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(open_ok(sealed[i].first, "f", sealed[i].second).plain, "value " + std::to_string(i));
  EXPECT_EQ(keys_->cached_keys(), 8u);
}

TEST_F(PersonalData, RewrapAllMovesEveryKeyToTheNewMaster) {
  auto a = seal_ok("a", "f", "value a");
  auto b = seal_ok("b", "f", "value b");
  auto erased = seal_ok("e", "f", "value e");
  ASSERT_TRUE(keys_->destroy("e"));
  auto next = random_master("/keys/next.key");
  auto count = keys_->rewrap_all(next);
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(*count, 2u);
  EXPECT_EQ(open_ok("a", "f", a).plain, "value a");

  reopen_with(master_);
  EXPECT_FALSE(keys_->check_master());
  reopen_with(next);
  ASSERT_TRUE(keys_->check_master());
  EXPECT_EQ(open_ok("a", "f", a).plain, "value a");
  EXPECT_EQ(open_ok("b", "f", b).plain, "value b");
  EXPECT_TRUE(open_ok("e", "f", erased).erased);
}

TEST_F(PersonalData, RewrapAllRefusesAWrongCurrentMaster) {
  seal_ok("a", "f", "x");
  reopen_with(random_master("/keys/wrong.key"));
  auto count = keys_->rewrap_all(random_master("/keys/next.key"));
  ASSERT_FALSE(count);
  EXPECT_NE(count.error().message.find("/keys/wrong.key"), std::string::npos);
}

TEST_F(PersonalData, ConcurrentSealsOfANewCustomerShareOneKey) {
  std::vector<std::thread> threads;
  std::vector<std::string> sealed(8);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] { sealed[t] = *keys_->seal("shared", "f", std::to_string(t)); });
  for (auto& th : threads) th.join();
  reopen_with(master_);
  for (int t = 0; t < 8; ++t) EXPECT_EQ(open_ok("shared", "f", sealed[t]).plain, std::to_string(t));
}

TEST_F(PersonalData, ADestroyRacingSealsAndOpensLeavesEveryOldValueErased) {
  auto before = seal_ok("c-1", "f", "before");
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      while (!stop.load()) {
        auto sealed = keys_->seal("c-1", "f", "during");
        if (!sealed) {
          ++failures;
          continue;
        }
        auto opened = keys_->open("c-1", "f", *sealed);
        // Sealed with the key just destroyed reads erased; never anything but the value.
        if (!opened || (!opened->erased && opened->plain != "during")) ++failures;
      }
    });
  ASSERT_TRUE(keys_->destroy("c-1"));
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(open_ok("c-1", "f", before).erased);
  reopen_with(master_);
  EXPECT_TRUE(open_ok("c-1", "f", before).erased);
}

}  // namespace
}  // namespace ordo::persistence::testing
