// The face of the domain for the layers above: one traits struct per aggregate type, all of the
// same shape (the `decider` concept), so that actors, replay and tools are written once as
// templates over D.
#pragma once

#include <concepts>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/codec.hpp"
#include "domain/order.hpp"
#include "domain/order_codec.hpp"
#include "domain/customer.hpp"
#include "domain/customer_codec.hpp"
#include "domain/payment.hpp"
#include "domain/payment_codec.hpp"
#include "domain/process.hpp"
#include "domain/result.hpp"
#include "domain/saga.hpp"
#include "domain/saga_codec.hpp"
#include "domain/stock.hpp"
#include "domain/stock_codec.hpp"

namespace ordo::domain {

template <class D>
concept decider = std::regular<typename D::state> &&
    std::equality_comparable<typename D::command> && std::equality_comparable<typename D::event> &&
    requires(const typename D::state& s, typename D::state& mutable_state,
             const typename D::command& c, const typename D::event& e, const encoded_event& enc,
             std::string_view bytes, std::uint32_t schema, timestamp now) {
  { D::type_name } -> std::convertible_to<std::string_view>;
  { D::snapshot_schema } -> std::convertible_to<std::uint32_t>;
  { D::decide(s, c, now) } -> std::same_as<result<std::vector<typename D::event>>>;
  { D::evolve(mutable_state, e, now) } -> std::same_as<void>;
  { D::encode(e) } -> std::same_as<encoded_event>;
  { D::decode(enc) } -> std::same_as<result<typename D::event>>;
  { D::save_state(s) } -> std::same_as<std::string>;
  { D::load_state(bytes, schema) } -> std::same_as<result<typename D::state>>;
  { D::to_json(s) } -> std::same_as<nlohmann::json>;
  { D::command_name(c) } -> std::same_as<std::string_view>;
  { D::event_type(e) } -> std::same_as<std::string_view>;
  { D::exists(s) } -> std::same_as<bool>;
};

struct order_decider {
  using state = order::state;
  using command = order::command;
  using event = order::event;
  static constexpr std::string_view type_name = "order";
  static constexpr std::uint32_t snapshot_schema = order::snapshot_schema;

  static result<std::vector<event>> decide(const state& s, const command& c, timestamp now) {
    return order::decide(s, c, now);
  }
  static void evolve(state& s, const event& e, timestamp at) { order::evolve(s, e, at); }
  static encoded_event encode(const event& e) { return order::encode(e); }
  static result<event> decode(const encoded_event& e) { return order::decode(e); }
  static std::string save_state(const state& s) { return order::save_state(s); }
  static result<state> load_state(std::string_view bytes, std::uint32_t schema) {
    return order::load_state(bytes, schema);
  }
  static nlohmann::json to_json(const state& s) { return order::to_json(s); }
  // to_json(s) plus "version", as compact JSON text, without a DOM.
  static std::string render_json(const state& s, std::uint64_t version) {
    return order::render_json(s, version);
  }
  static std::string_view command_name(const command& c) { return order::command_name(c); }
  static std::string_view event_type(const event& e) { return order::event_type(e); }
  // Its personal data (domain/personal_data.hpp): sealed before events are stored.
  static void visit_personal_fields(event& e, const personal_field_visitor& visit) {
    order::visit_personal_fields(e, visit);
  }
  static void visit_personal_fields(state& s, const personal_field_visitor& visit) {
    order::visit_personal_fields(s, visit);
  }
  // False until created: reads of such an order are 404.
  static bool exists(const state& s) { return s.status != order::order_status::none; }
};

struct stock_decider {
  using state = stock::state;
  using command = stock::command;
  using event = stock::event;
  static constexpr std::string_view type_name = "stock";
  static constexpr std::uint32_t snapshot_schema = stock::snapshot_schema;

  static result<std::vector<event>> decide(const state& s, const command& c, timestamp now) {
    return stock::decide(s, c, now);
  }
  static void evolve(state& s, const event& e, timestamp at) { stock::evolve(s, e, at); }
  static encoded_event encode(const event& e) { return stock::encode(e); }
  static result<event> decode(const encoded_event& e) { return stock::decode(e); }
  static std::string save_state(const state& s) { return stock::save_state(s); }
  static result<state> load_state(std::string_view bytes, std::uint32_t schema) {
    return stock::load_state(bytes, schema);
  }
  static nlohmann::json to_json(const state& s) { return stock::to_json(s); }
  // to_json(s) plus "version", as compact JSON text, without a DOM.
  static std::string render_json(const state& s, std::uint64_t version) {
    return stock::render_json(s, version);
  }
  static std::string_view command_name(const command& c) { return stock::command_name(c); }
  static std::string_view event_type(const event& e) { return stock::event_type(e); }
  // False until first restocked: GET /v1/inventory/{sku} is 404 for such a sku.
  static bool exists(const state& s) { return s.status != stock::stock_status::none; }
};

struct customer_decider {
  using state = customer::state;
  using command = customer::command;
  using event = customer::event;
  static constexpr std::string_view type_name = "customer";
  static constexpr std::uint32_t snapshot_schema = customer::snapshot_schema;

  static result<std::vector<event>> decide(const state& s, const command& c, timestamp now) {
    return customer::decide(s, c, now);
  }
  static void evolve(state& s, const event& e, timestamp at) { customer::evolve(s, e, at); }
  static encoded_event encode(const event& e) { return customer::encode(e); }
  static result<event> decode(const encoded_event& e) { return customer::decode(e); }
  static std::string save_state(const state& s) { return customer::save_state(s); }
  static result<state> load_state(std::string_view bytes, std::uint32_t schema) {
    return customer::load_state(bytes, schema);
  }
  static nlohmann::json to_json(const state& s) { return customer::to_json(s); }
  static std::string_view command_name(const command& c) { return customer::command_name(c); }
  static std::string_view event_type(const event& e) { return customer::event_type(e); }
  // False until its first erasure was recorded.
  static bool exists(const state& s) { return s.erasures > 0; }
};

struct payment_decider {
  using state = payment::state;
  using command = payment::command;
  using event = payment::event;
  static constexpr std::string_view type_name = "payment";
  static constexpr std::uint32_t snapshot_schema = payment::snapshot_schema;

  static result<std::vector<event>> decide(const state& s, const command& c, timestamp now) {
    return payment::decide(s, c, now);
  }
  static void evolve(state& s, const event& e, timestamp at) { payment::evolve(s, e, at); }
  static encoded_event encode(const event& e) { return payment::encode(e); }
  static result<event> decode(const encoded_event& e) { return payment::decode(e); }
  static std::string save_state(const state& s) { return payment::save_state(s); }
  static result<state> load_state(std::string_view bytes, std::uint32_t schema) {
    return payment::load_state(bytes, schema);
  }
  static nlohmann::json to_json(const state& s) { return payment::to_json(s); }
  // to_json(s) plus "version", as compact JSON text, without a DOM.
  static std::string render_json(const state& s, std::uint64_t version) {
    return payment::render_json(s, version);
  }
  static std::string_view command_name(const command& c) { return payment::command_name(c); }
  static std::string_view event_type(const event& e) { return payment::event_type(e); }
  // False until the first authorize.
  static bool exists(const state& s) { return s.status != payment::payment_status::none; }
};

// The order fulfillment saga: an aggregate like the others that also drives other aggregates
// (next_actions / interpret) and asks for durable wake-ups (wake_up). See domain/saga.hpp.
struct saga_decider {
  using state = saga::state;
  using command = saga::command;
  using event = saga::event;
  static constexpr std::string_view type_name = "saga";
  static constexpr std::uint32_t snapshot_schema = saga::snapshot_schema;

  static result<std::vector<event>> decide(const state& s, const command& c, timestamp now) {
    return saga::decide(s, c, now);
  }
  static void evolve(state& s, const event& e, timestamp at) { saga::evolve(s, e, at); }
  static encoded_event encode(const event& e) { return saga::encode(e); }
  static result<event> decode(const encoded_event& e) { return saga::decode(e); }
  static std::string save_state(const state& s) { return saga::save_state(s); }
  static result<state> load_state(std::string_view bytes, std::uint32_t schema) {
    return saga::load_state(bytes, schema);
  }
  static nlohmann::json to_json(const state& s) { return saga::to_json(s); }
  // to_json(s) plus "version", as compact JSON text, without a DOM.
  static std::string render_json(const state& s, std::uint64_t version) {
    return saga::render_json(s, version);
  }
  static std::string_view command_name(const command& c) { return saga::command_name(c); }
  static std::string_view event_type(const event& e) { return saga::event_type(e); }
  static bool exists(const state& s) { return s.status != saga::saga_status::none; }

  static std::vector<outgoing_command> next_actions(const state& s) {
    return saga::next_actions(s);
  }
  static std::optional<outgoing_command> interpret(const state& s, const outgoing_command& action,
                                                   std::string_view code, std::string_view status) {
    return saga::interpret(s, action, code, status);
  }
  static std::optional<scheduled_command> wake_up(const state& s) { return saga::wake_up(s); }
};

// A decider whose aggregate asks to be woken up later: wake_up(state) is its pending deadline,
// which the actor layer stores durably with the events that set it.
template <class D>
concept schedules_wake_ups = decider<D> && requires(const typename D::state& s) {
  { D::wake_up(s) } -> std::same_as<std::optional<scheduled_command>>;
};

// A decider whose aggregate sends commands to others after each durable change and records the
// answers through commands to itself.
template <class D>
concept drives_others = decider<D> &&
    requires(const typename D::state& s, const outgoing_command& action, std::string_view text) {
  { D::next_actions(s) } -> std::same_as<std::vector<outgoing_command>>;
  { D::interpret(s, action, text, text) } -> std::same_as<std::optional<outgoing_command>>;
};

// A decider that writes its state's JSON without a DOM (all of the four above; a test's decider
// may not).
template <class D>
concept renders_json = decider<D> && requires(const typename D::state& s) {
  { D::render_json(s, std::uint64_t{}) } -> std::same_as<std::string>;
};

// The state as replies carry it: to_json(s) plus "version", as compact JSON text.
template <decider D>
std::string render_state_json(const typename D::state& s, std::uint64_t version) {
  if constexpr (renders_json<D>) {
    return D::render_json(s, version);
  } else {
    auto json = D::to_json(s);
    json["version"] = version;
    return compact_json(json);
  }
}

static_assert(decider<order_decider>);
static_assert(decider<stock_decider>);
static_assert(decider<payment_decider>);
static_assert(decider<saga_decider>);
static_assert(decider<customer_decider>);
static_assert(schedules_wake_ups<saga_decider> && drives_others<saga_decider>);
static_assert(renders_json<order_decider> && renders_json<stock_decider> &&
              renders_json<payment_decider> && renders_json<saga_decider>);

}  // namespace ordo::domain
