// Every aggregate type ordo knows, in one place: its name, its decider, and the name of its
// streams. A stream is "<type>-<id>": the type's name, a dash, and an id per
// domain::is_valid_id. Spawning, replay, verify and import look types up here rather than list
// them, so that a new type is added once.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "domain/deciders.hpp"

namespace ordo::domain {

// The type names, in the order of with_decider's list.
inline constexpr std::array<std::string_view, 5> aggregate_type_names{
    order_decider::type_name, stock_decider::type_name, payment_decider::type_name,
    saga_decider::type_name, customer_decider::type_name};

// The stream of aggregate `id` of `type`.
inline std::string stream_name(std::string_view type, std::string_view id) {
  std::string stream;
  stream.reserve(type.size() + 1 + id.size());
  return stream.append(type).append(1, '-').append(id);
}

// The aggregate type named `type` (a view of the registry's own name), or nullopt.
inline std::optional<std::string_view> find_aggregate_type(std::string_view type) {
  for (auto name : aggregate_type_names)
    if (name == type) return name;
  return std::nullopt;
}

// The type of `stream` when it is "<type>-<id>" of a known type with a non-empty id, else nullopt.
// (Ids are checked where they enter: commands and routes validate them with is_valid_id.)
inline std::optional<std::string_view> aggregate_type_of_stream(std::string_view stream) {
  for (auto name : aggregate_type_names)
    if (stream.size() > name.size() + 1 && stream.starts_with(name) && stream[name.size()] == '-')
      return name;
  return std::nullopt;
}

// Where aggregates live together: the type whose id places aggregate (type, id). A saga and a
// payment take their order's id (saga-<order id>, payment-<order id>) and are placed with their
// order, so that a saga, its order and its payment share a shard (and a node in a cluster); an
// order and a stock are placed by their own ids. An unknown type places itself.
inline std::string_view placement_type(std::string_view type) {
  if (type == saga_decider::type_name || type == payment_decider::type_name)
    return order_decider::type_name;
  return type;
}

// The placement key of (type, id): "<placement type>/<id>", e.g. "order/o1" for the order o1, its
// saga and its payment. actors::shard_of hashes it (cluster placement is by shard).
inline std::string placement_key(std::string_view type, std::string_view id) {
  auto placed_with = placement_type(type);
  std::string key;
  key.reserve(placed_with.size() + 1 + id.size());
  return key.append(placed_with).append(1, '/').append(id);
}

// Calls fn.template operator()<D>() with the decider D of aggregate type `type` and returns what
// it returns, or nullopt when no type has that name.
template <class Fn>
auto with_decider(std::string_view type, Fn&& fn)
    -> std::optional<decltype(fn.template operator()<order_decider>())> {
  using R = decltype(fn.template operator()<order_decider>());
  // in_place: an R that is itself an empty optional is a result, not "no such type".
  if (type == order_decider::type_name)
    return std::optional<R>(std::in_place, fn.template operator()<order_decider>());
  if (type == stock_decider::type_name)
    return std::optional<R>(std::in_place, fn.template operator()<stock_decider>());
  if (type == payment_decider::type_name)
    return std::optional<R>(std::in_place, fn.template operator()<payment_decider>());
  if (type == saga_decider::type_name)
    return std::optional<R>(std::in_place, fn.template operator()<saga_decider>());
  if (type == customer_decider::type_name)
    return std::optional<R>(std::in_place, fn.template operator()<customer_decider>());
  return std::nullopt;
}

}  // namespace ordo::domain
