// The order view rows are written as text directly (json_text); they must stay byte for byte what
// dumping the nlohmann form gives, which is what rows written before looked like and what every
// reader expects.
#include <gtest/gtest.h>

#include "domain/codec.hpp"
#include "readmodel/projections/json_text.hpp"
#include "readmodel/projections/order_view.hpp"

namespace ordo::readmodel::projections {
namespace {

using nlohmann::json;
namespace order = domain::order;

json nlohmann_row(const order_view& view) {
  const auto& s = view.state;
  json items = json::array();
  for (auto& item : s.items)
    items.push_back({{"sku", item.sku},
                     {"quantity", item.quantity},
                     {"unit_price_cents", item.unit_price_cents}});
  json stored{{"order_id", s.order_id},
              {"customer_id", s.customer_id},
              {"status", std::string(order::to_string(s.status))},
              {"items", std::move(items)},
              {"created_at", s.created_at},
              {"updated_at", s.updated_at},
              {"version", view.version}};
  if (s.reason) stored["reason"] = *s.reason;
  return {{"summary", summary_json(view)}, {"order", std::move(stored)}};
}

std::vector<order_view> views() {
  order_view placed;
  placed.state.order_id = "o-1.x_2";
  placed.state.customer_id = "c1";
  placed.state.status = order::order_status::placed;
  placed.state.items = {{"apple", 2, 150}, {"pear", 10'000, 1'000'000'000}};
  placed.state.created_at = 1'700'000'000'000;
  placed.state.updated_at = 1'700'000'004'321;
  placed.version = 7;
  order_view cancelled = placed;
  cancelled.state.status = order::order_status::cancelled;
  cancelled.state.items.clear();
  cancelled.state.reason = "said \"no\"\\ then\n\tleft: caf\xc3\xa9 \x01 \xff\xfe";
  order_view huge_version = placed;  // the summary's version is unsigned, like the stream's
  huge_version.version = 18'446'744'073'709'551'615u;
  order_view before_time = placed;
  before_time.state.created_at = -62'167'219'200'000;
  before_time.state.updated_at = -1;
  before_time.state.reason = "";
  return {order_view{}, placed, cancelled, huge_version, before_time};
}

TEST(RowEncoding, OrderViewRowsAreWhatDumpingTheJsonGives) {
  for (auto& view : views()) {
    EXPECT_EQ(encode_order_view(view), domain::compact_json(nlohmann_row(view)));
    EXPECT_EQ(encode_summary(view), domain::compact_json(summary_json(view)));
  }
}

TEST(RowEncoding, OrderViewRowsReadBack) {
  for (auto& view : views()) {
    if (view.state.status == order::order_status::none || view.version > 1'000'000) continue;
    auto back = decode_order_view("k", encode_order_view(view));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->version, view.version);
    EXPECT_EQ(back->state.items, view.state.items);
    EXPECT_EQ(back->state.status, view.state.status);
    EXPECT_EQ(back->state.updated_at, view.state.updated_at);
  }
}

TEST(RowEncoding, JsonTextSeparatesNestedValues) {
  json_text out;
  out.begin_object();
  out.key("a");
  out.begin_array();
  out.value(std::int64_t{-1});
  out.begin_array();
  out.end_array();
  out.begin_object();
  out.end_object();
  out.value("x");
  out.end_array();
  out.key("b");
  out.value(std::uint64_t{2});
  out.end_object();
  EXPECT_EQ(out.take(), R"({"a":[-1,[],{},"x"],"b":2})");
}

}  // namespace
}  // namespace ordo::readmodel::projections
