// Personal fields in JSON: opened, sealed, and erased in exports, over a real key store. The text
// fast path (an aggregate's compact state) answers exactly what the DOM path answers.
#include "readmodel/personal_data_json.hpp"

#include <gtest/gtest.h>

#include "domain/deciders.hpp"
#include "projections_support.hpp"

namespace ordo::readmodel {
namespace {

using nlohmann::json;
using testing::projection_db_test;

class PersonalDataJson : public projection_db_test {
 protected:
  void SetUp() override {
    projection_db_test::SetUp();
    std::array<std::uint8_t, persistence::master_key::size> bytes{};
    bytes.fill(7);
    keys_ = std::make_unique<persistence::personal_data_keys>(
        kv(), persistence::master_key::from_bytes(bytes));
  }
  void TearDown() override {
    keys_.reset();
    projection_db_test::TearDown();
  }

  // An order's state as its aggregate renders it, its shipping sealed like the aggregate does.
  std::string sealed_state(const std::string& customer, const std::string& name) {
    domain::order::state s;
    s.order_id = "o1";
    s.customer_id = customer;
    s.status = domain::order::order_status::draft;
    s.shipping = domain::order::shipping_details{name, "e@x.org", "1 \"Quoted\" Road\n"};
    domain::order::visit_personal_fields(
        s, [&](std::string_view c, std::string_view field, std::string& value) {
          auto sealed = keys_->seal(c, field, value);
          ASSERT_TRUE(sealed) << sealed.error().message;
          value = *sealed;
        });
    return domain::order_decider::render_json(s, 3);
  }

  std::unique_ptr<persistence::personal_data_keys> keys_;
};

TEST_F(PersonalDataJson, TheTextPathOpensAStateAsTheDomPathDoes) {
  auto text = sealed_state("c1", "Zoë Ünïcode");
  EXPECT_EQ(text.find("Zoë"), std::string::npos);
  auto fast = open_personal_text(text, *keys_);
  ASSERT_TRUE(fast) << fast.error().message;
  auto doc = json::parse(text);
  ASSERT_TRUE(open_personal_fields(doc, *keys_));
  EXPECT_EQ(*fast, doc.dump());
  auto opened = json::parse(*fast);
  EXPECT_EQ(opened["shipping"]["name"], "Zoë Ünïcode");
  EXPECT_EQ(opened["shipping"]["address"], "1 \"Quoted\" Road\n");
}

TEST_F(PersonalDataJson, ErasedValuesReadErasedOnBothPathsAndInExports) {
  auto text = sealed_state("c2", "Gone Soon");
  ASSERT_TRUE(keys_->destroy("c2"));
  auto fast = open_personal_text(text, *keys_);
  ASSERT_TRUE(fast) << fast.error().message;
  EXPECT_EQ(json::parse(*fast)["shipping"]["name"], "[erased]");
  auto exported = erase_shredded_text(text, *keys_);
  ASSERT_TRUE(exported);
  EXPECT_EQ(json::parse(*exported)["shipping"]["email"], "[erased]");
}

TEST_F(PersonalDataJson, ExportsKeepLiveValuesSealed) {
  auto text = sealed_state("c3", "Still Here");
  auto exported = erase_shredded_text(text, *keys_);
  ASSERT_TRUE(exported);
  EXPECT_EQ(json::parse(*exported), json::parse(text));
}

TEST_F(PersonalDataJson, AValueOfAnotherCustomerOrTamperedFailsOnBothPaths) {
  auto theirs = json::parse(sealed_state("c4", "Their Name"));
  auto mine = json::parse(sealed_state("c5", "My Name"));
  mine["shipping"]["name"] = theirs["shipping"]["name"];  // moved between customers
  auto fast = open_personal_text(mine.dump(), *keys_);
  ASSERT_FALSE(fast);
  EXPECT_NE(fast.error().message.find("shipping.name"), std::string::npos);
  EXPECT_FALSE(open_personal_fields(mine, *keys_));

  auto tampered = json::parse(sealed_state("c5", "My Name"));
  auto value = tampered["shipping"]["email"].get<std::string>();
  value[value.size() - 3] = value[value.size() - 3] == 'A' ? 'B' : 'A';
  tampered["shipping"]["email"] = value;
  EXPECT_FALSE(open_personal_text(tampered.dump(), *keys_));
}

TEST_F(PersonalDataJson, SealingAStoredReplySealsOnlyWhatIsPlain) {
  json reply = {{"customer_id", "c6"},
                {"order_id", "o6"},
                {"shipping", {{"name", "N"}, {"email", "e@x.org"}, {"address", "A"}}}};
  auto sealed = seal_personal_text(reply.dump(), *keys_);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->find("\"N\""), std::string::npos);
  auto again = seal_personal_text(*sealed, *keys_);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *sealed);  // already sealed: unchanged
  auto opened = open_personal_text(*sealed, *keys_);
  ASSERT_TRUE(opened);
  EXPECT_EQ(json::parse(*opened), reply);
}

}  // namespace
}  // namespace ordo::readmodel
