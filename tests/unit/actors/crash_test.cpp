// An exception inside an aggregate kills only that aggregate; the next command recovers it.
#include <gtest/gtest.h>

#include "actors/aggregate.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {

// A minimal decider whose decide() throws on the command "boom".
struct crashy_decider {
  struct state {
    std::int64_t count = 0;
    bool operator==(const state&) const = default;
  };
  struct bump {
    bool operator==(const bump&) const = default;
  };
  struct boom {
    bool operator==(const boom&) const = default;
  };
  using command = std::variant<bump, boom>;
  struct bumped {
    bool operator==(const bumped&) const = default;
  };
  using event = std::variant<bumped>;
  static constexpr std::string_view type_name = "crashy";
  static constexpr std::uint32_t snapshot_schema = 1;

  static domain::result<std::vector<event>> decide(const state&, const command& c, domain::timestamp) {
    if (std::holds_alternative<boom>(c)) throw std::runtime_error("boom");
    return std::vector<event>{bumped{}};
  }
  static void evolve(state& s, const event&, domain::timestamp) { ++s.count; }
  static domain::encoded_event encode(const event&) { return {"Bumped", 1, "{}"}; }
  static domain::result<event> decode(const domain::encoded_event&) { return bumped{}; }
  static std::string save_state(const state& s) { return std::to_string(s.count); }
  static domain::result<state> load_state(std::string_view bytes, std::uint32_t) {
    return state{std::stoll(std::string(bytes))};
  }
  static nlohmann::json to_json(const state& s) { return {{"count", s.count}}; }
  static std::string_view command_name(const command& c) { return std::holds_alternative<boom>(c) ? "boom" : "bump"; }
  static std::string_view event_type(const event&) { return "Bumped"; }
  static bool exists(const state& s) { return s.count > 0; }
};
static_assert(domain::decider<crashy_decider>);

domain::result<crashy_decider::command> parse_command(std::type_identity<crashy_decider>, std::string_view name,
                                                      std::string_view, std::string_view) {
  if (name == "boom") return crashy_decider::boom{};
  return crashy_decider::bump{};
}

namespace {

class AggregateCrash : public runtime_fixture {
 protected:
  void start_with_crashy_type() {
    // Far beyond any answer: a crash is answered by the shard, never by the caller's deadline
    // (which would say outcome_unknown, not unavailable).
    start({.command_timeout_ms = 30'000});
    auto& context = node().context();
    auto standard = context.spawn_aggregate;
    context.spawn_aggregate = [standard, &context](shard_actor::base& parent,
                                                   const std::string& type, const std::string& id) {
      if (type == "crashy")
        return parent.spawn(aggregate_actor<crashy_decider>, &context,
                            caf::actor_cast<shard_actor>(&parent), id);
      return standard(parent, type, id);
    };
  }
};

TEST_F(AggregateCrash, ExceptionInAHandlerKillsOnlyThatAggregateAndTheNextCommandRecoversIt) {
  start_with_crashy_type();
  ASSERT_TRUE(run("crashy", "a", "bump").ok());
  ASSERT_TRUE(run("crashy", "b", "bump").ok());
  auto crashed = run("crashy", "a", "boom");
  EXPECT_EQ(crashed.code, outcome::unavailable);
  EXPECT_NE(crashed.message.find("boom"), std::string::npos);
  // "b" never noticed; "a" comes back with its durable state on the next message.
  auto b = run("crashy", "b", "bump");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.version, 2u);
  auto a = run("crashy", "a", "bump");
  ASSERT_TRUE(a.ok()) << a.code << " " << a.message;
  EXPECT_EQ(a.version, 2u);
  EXPECT_EQ(nlohmann::json::parse(a.state)["count"], 2);
  EXPECT_GE(node().context().stats.aggregate_crashes.load(), 1u);
}

}  // namespace
}  // namespace ordo::actors::testing
