// ordo keys rotate as a real process: every data key re-wrapped with the new master key, the old
// one no longer accepted, sealed values still open; refusals name the problem.
#include <stdlib.h>

#include "persistence/personal_data.hpp"
#include "tests/integration/offline_cli_fixture.hpp"

namespace ordo::offline_cli_testing {
namespace {

using persistence::master_key;
using persistence::personal_data_keys;

class offline_keys_test : public offline_cli_test {
 protected:
  void SetUp() override {
    offline_cli_test::SetUp();
    keys_dir_ = fresh_dir("keys");
    fs::create_directories(keys_dir_);
    old_key_ = (keys_dir_ / "old.key").string();
    new_key_ = (keys_dir_ / "new.key").string();
    auto old_key = master_key::load(old_key_, true);
    ASSERT_TRUE(old_key) << old_key.error().message;
    auto db = open_db();
    personal_data_keys keys(db->kv(), *old_key);
    for (auto customer : {"c1", "c2", "c3"}) {
      auto sealed = keys.seal(customer, "shipping.name", std::string("Name of ") + customer);
      ASSERT_TRUE(sealed) << sealed.error().message;
      sealed_[customer] = *sealed;
    }
    ASSERT_TRUE(keys.destroy("c3"));
    ::setenv("ORDO_PRIVACY_MASTER_KEY_FILE", old_key_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("ORDO_PRIVACY_MASTER_KEY_FILE");
    fs::remove_all(keys_dir_);
    offline_cli_test::TearDown();
  }

  // Opens the directory with the key in `file` and checks it against the directory.
  persistence::result<void> check_with(const std::string& file) {
    auto key = master_key::load(file, false);
    if (!key) return std::unexpected(key.error());
    auto db = open_db();
    personal_data_keys keys(db->kv(), *key);
    return keys.check_master();
  }

  fs::path keys_dir_;
  std::string old_key_, new_key_;
  std::map<std::string, std::string> sealed_;
};

TEST_F(offline_keys_test, RotateRewrapsEveryKeyWithTheNewMasterKey) {
  auto r = ordo("keys rotate " + data() + " --master-key-file " + new_key_);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "re-wrapped 2 data keys of " + dir_.string() + " with " + new_key_ + "; " +
                       old_key_ + " may now be destroyed\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(fs::status(new_key_).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  auto with_old = check_with(old_key_);
  ASSERT_FALSE(with_old);
  EXPECT_NE(with_old.error().message.find(old_key_), std::string::npos);
  ASSERT_TRUE(check_with(new_key_));

  fs::remove(old_key_);  // what rotation is for
  auto key = master_key::load(new_key_, false);
  ASSERT_TRUE(key);
  auto db = open_db();
  personal_data_keys keys(db->kv(), *key);
  for (auto customer : {"c1", "c2"}) {
    auto opened = keys.open(customer, "shipping.name", sealed_[customer]);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(opened->plain, std::string("Name of ") + customer);
  }
  auto erased = keys.open("c3", "shipping.name", sealed_["c3"]);
  ASSERT_TRUE(erased);
  EXPECT_TRUE(erased->erased);
}

TEST_F(offline_keys_test, TheCurrentKeyMayComeFromAConfigFile) {
  ::unsetenv("ORDO_PRIVACY_MASTER_KEY_FILE");
  auto config = scratch_ / "ordo.json";
  std::ofstream(config) << R"({"privacy": {"master_key_file": ")" << old_key_ << R"("}})";
  auto r = ordo("keys rotate " + data() + " --master-key-file " + new_key_ + " --config " +
                config.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(check_with(new_key_));
}

TEST_F(offline_keys_test, AWrongCurrentKeyIsRefusedAndNothingChanges) {
  auto wrong = (keys_dir_ / "wrong.key").string();
  ASSERT_TRUE(master_key::load(wrong, true));
  ::setenv("ORDO_PRIVACY_MASTER_KEY_FILE", wrong.c_str(), 1);
  auto r = ordo("keys rotate " + data() + " --master-key-file " + new_key_);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("master key file " + wrong), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(new_key_));
  EXPECT_TRUE(check_with(old_key_));
}

TEST_F(offline_keys_test, RefusesPolitely) {
  auto refused = [&](const std::string& args, const std::string& says) {
    auto r = ordo(args);
    EXPECT_EQ(r.code, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(r.out, "") << args;
  };
  refused("keys", "a subcommand is required");
  refused("keys turn " + data(), "unknown subcommand turn");
  refused("keys rotate " + data(), "--master-key-file NEW is required");
  refused("keys rotate --master-key-file " + new_key_, "--data DIR is required");
  refused("keys rotate " + data() + " --master-key-file " + (dir_ / "in.key").string(),
          "is inside data_dir");
  refused("keys rotate " + data() + " --master-key-file " + old_key_,
          "holds the current master key");
  refused("keys rotate --data " + (scratch_ / "none").string() + " --master-key-file " + new_key_,
          "does not exist");
  fs::permissions(old_key_, fs::perms::group_read, fs::perm_options::add);
  refused("keys rotate " + data() + " --master-key-file " + new_key_, "0640");
  fs::permissions(old_key_, fs::perms::group_read, fs::perm_options::remove);
  {
    auto held = open_db();  // a node holds the directory
    refused("keys rotate " + data() + " --master-key-file " + new_key_, "in use");
  }
  EXPECT_TRUE(check_with(old_key_));
  auto help = ordo("keys --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("usage: ordo keys rotate"), std::string::npos);
}

}  // namespace
}  // namespace ordo::offline_cli_testing

namespace ordo::offline_cli_testing {
namespace {

// A sealed value with one character of its ciphertext changed.
std::string tampered(std::string sealed) {
  auto& c = sealed[sealed.size() - 6];
  c = c == 'A' ? 'B' : 'A';
  return sealed;
}

class offline_tamper_test : public offline_keys_test {
 protected:
  // order-<id> created by `customer` with its shipping sealed as `name`, `email`, `address`.
  void append_order(const std::string& id, const std::string& customer, const std::string& name,
                    const std::string& email, const std::string& address) {
    auto db = open_db();
    append(
        *db, "order-" + id,
        order::order_created{id, customer, domain::order::shipping_details{name, email, address}},
        t0);
  }
  std::string seal(const std::string& customer, const std::string& field,
                   const std::string& plain) {
    auto key = master_key::load(old_key_, false);
    EXPECT_TRUE(key);
    auto db = open_db();
    personal_data_keys keys(db->kv(), *key);
    auto sealed = keys.seal(customer, field, plain);
    EXPECT_TRUE(sealed) << sealed.error().message;
    return sealed ? *sealed : std::string();
  }
};

TEST_F(offline_tamper_test, VerifyAndReplayReportATamperedOrMovedFieldAndNeverShowIt) {
  append_order("pt1", "c1", tampered(seal("c1", "shipping.name", "Tamsin Tamper")),
               seal("c1", "shipping.email", "t@t.org"), seal("c1", "shipping.address", "T Road"));
  // c2's sealed name moved into an order of c1: the associated data does not match.
  append_order("pt2", "c1", seal("c2", "shipping.name", "Moved Name"),
               seal("c1", "shipping.email", "m@t.org"), seal("c1", "shipping.address", "M Road"));
  append_order("pt3", "c1", seal("c1", "shipping.name", "Good Name"),
               seal("c1", "shipping.email", "g@t.org"), seal("c1", "shipping.address", "G Road"));

  auto verified = ordo("verify " + data());
  EXPECT_EQ(verified.code, 1) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("order-pt1"), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find("order-pt2"), std::string::npos) << verified.out;
  EXPECT_EQ(verified.out.find("order-pt3"), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find("shipping.name"), std::string::npos) << verified.out;
  EXPECT_EQ(verified.out.find("Tamsin"), std::string::npos);

  auto replayed = ordo("replay " + data() + " order-pt1");
  EXPECT_EQ(replayed.code, 1);
  EXPECT_NE(replayed.err.find("does not open"), std::string::npos) << replayed.err;
  EXPECT_EQ(replayed.out.find("Tamsin"), std::string::npos);
  auto good = ordo("replay " + data() + " order-pt3");
  ASSERT_EQ(good.code, 0) << good.err;
  EXPECT_EQ(nlohmann::json::parse(good.out)["shipping"]["name"], "Good Name");

  // An export refuses to carry what does not open.
  auto exported = ordo("export " + data());
  EXPECT_EQ(exported.code, 1);
  EXPECT_NE(exported.err.find("order-pt1"), std::string::npos) << exported.err;
}

}  // namespace
}  // namespace ordo::offline_cli_testing
