// Personal data: the fields the domain marks personal. The layers above seal them (encrypt them
// with a key of their customer) before an event, a snapshot or a stored reply holds them, and
// open them (or show "[erased]") where a value is shown. The domain only names them.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>

namespace ordo::domain {

// Called with each personal field: the customer it belongs to, the field's name (as the API
// names it, e.g. "shipping.email") and its value, which the visitor may replace.
using personal_field_visitor =
    std::function<void(std::string_view customer_id, std::string_view field, std::string& value)>;

// The personal fields of an order, as members of its "shipping" object in its JSON (state, the
// OrderCreated event's data, the create command).
inline constexpr std::string_view personal_object = "shipping";
inline constexpr std::array<std::string_view, 3> personal_members{"name", "email", "address"};

}  // namespace ordo::domain
