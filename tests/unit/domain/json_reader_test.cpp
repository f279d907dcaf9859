// json_reader: typed reads that record errors with JSON paths instead of throwing.
#include "domain/json_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ordo::domain {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;

std::vector<std::string> fields(const std::vector<field_error>& errors) {
  std::vector<std::string> out;
  for (const field_error& e : errors) out.push_back(e.field);
  return out;
}

TEST(JsonReader, ReadsTypedFields) {
  const json j = json::parse(R"({"s":"x","n":-5,"u":7,"o":null,"obj":{"a":"b"}})");
  std::vector<field_error> errors;
  json_reader r(j, errors);
  EXPECT_EQ(r.text("s"), "x");
  EXPECT_EQ(r.integer("n"), -5);
  EXPECT_EQ(r.integer("u"), 7);
  EXPECT_EQ(r.optional_text("o"), std::nullopt);
  EXPECT_EQ(r.optional_text("absent"), std::nullopt);
  EXPECT_EQ(r.optional_object("obj", [](json_reader& o) { return o.text("a"); }), "b");
  EXPECT_EQ(r.optional_object("absent", [](json_reader& o) { return o.text("a"); }), std::nullopt);
  EXPECT_TRUE(errors.empty());
}

TEST(JsonReader, RecordsEveryMissingOrMistypedField) {
  const json j = json::parse(R"({"s":1,"n":"1","f":1.5,"big":9223372036854775808,"arr":{}})");
  std::vector<field_error> errors;
  json_reader r(j, errors, "root");
  r.text("s");
  r.integer("n");
  r.integer("f");
  r.integer("big");
  r.text("missing");
  r.array("arr", [](json_reader& e) { return e.text("x"); });
  EXPECT_THAT(fields(errors),
              ElementsAre("root.s", "root.n", "root.f", "root.big", "root.missing", "root.arr"));
}

TEST(JsonReader, NamesArrayElementsByIndex) {
  const json j = json::parse(R"({"items":[{"q":1},{"q":"2"},7]})");
  std::vector<field_error> errors;
  json_reader r(j, errors);
  const auto qs = r.array("items", [](json_reader& e) { return e.integer("q"); });
  EXPECT_THAT(qs, ElementsAre(1, 0, 0));
  EXPECT_THAT(fields(errors), ElementsAre("items[1].q", "items[2]"));
}

TEST(JsonReader, ANonObjectIsOneError) {
  const json j = json::array();
  std::vector<field_error> errors;
  json_reader r(j, errors, "data");
  EXPECT_EQ(r.text("a"), "");
  EXPECT_EQ(r.integer("b"), 0);
  EXPECT_THAT(fields(errors), ElementsAre("data"));
}

TEST(JsonReader, EnumeratedValuesMustBeKnown) {
  const json j = json::parse(R"({"color":"red","shade":"teal"})");
  std::vector<field_error> errors;
  json_reader r(j, errors);
  auto parse = [](std::string_view s) -> std::optional<int> {
    if (s == "red") return 1;
    return std::nullopt;
  };
  EXPECT_EQ(r.enumerated("color", parse, 0), 1);
  EXPECT_EQ(r.enumerated("shade", parse, 0), 0);
  EXPECT_EQ(r.enumerated("absent", parse, 0), 0);
  EXPECT_THAT(fields(errors), ElementsAre("shade", "absent"));
}

TEST(JsonReader, BooleansAreTrueOrFalseOnly) {
  const json j = json::parse(R"({"yes":true,"no":false,"one":1,"word":"true"})");
  std::vector<field_error> errors;
  json_reader r(j, errors);
  EXPECT_TRUE(r.boolean("yes"));
  EXPECT_FALSE(r.boolean("no"));
  EXPECT_FALSE(r.boolean("one"));
  EXPECT_FALSE(r.boolean("word"));
  EXPECT_FALSE(r.boolean("absent"));
  EXPECT_THAT(fields(errors), ElementsAre("one", "word", "absent"));
}

TEST(JsonReader, TextsAreAnArrayOfStrings) {
  const json j = json::parse(R"({"ids":["a","b"],"empty":[],"mixed":["a",2],"obj":{}})");
  std::vector<field_error> errors;
  json_reader r(j, errors);
  EXPECT_THAT(r.texts("ids"), ElementsAre("a", "b"));
  EXPECT_TRUE(r.texts("empty").empty());
  EXPECT_THAT(r.texts("mixed"), ElementsAre("a"));
  EXPECT_TRUE(r.texts("obj").empty());
  EXPECT_TRUE(r.texts("absent").empty());
  EXPECT_THAT(fields(errors), ElementsAre("mixed[1]", "obj", "absent"));
}

}  // namespace
}  // namespace ordo::domain
