#include "domain/command_json.hpp"

#include <limits>

#include "domain/detail/command_scan.hpp"
#include "domain/json_reader.hpp"
#include "domain/json_text.hpp"

namespace ordo::domain {
namespace {

// Parses `json_body` into an object and runs `read` over it; any field error fails the whole.
template <class Command, class Read>
result<Command> read_body(std::string_view json_body, Read read) {
  auto body = parse_untrusted_json(json_body);
  if (body.is_discarded() || !body.is_object())
    return invalid({{"", "the body must be a JSON object"}});
  std::vector<field_error> errors;
  json_reader reader(body, errors);
  Command command = read(reader, body);
  if (!errors.empty()) return invalid(std::move(errors));
  return command;
}

template <class Command>
result<Command> no_fields(std::string_view json_body) {
  return read_body<Command>(json_body,
                            [](json_reader&, const nlohmann::json&) { return Command{}; });
}

result<order::command> unknown(std::string_view type, std::string_view name) {
  return invalid({{"command", std::string(type) + " has no command '" + std::string(name) + "'"}});
}

// The addressed aggregate's id, unless the body names a different one.
std::string own_id(json_reader& r, const nlohmann::json& body, std::string_view key,
                   std::string_view aggregate_id) {
  if (!body.contains(key) || body[std::string(key)].is_null()) return std::string(aggregate_id);
  auto named = r.text(key);
  if (r.ok() && named != aggregate_id)
    r.add_error(key, "does not match the addressed id " + std::string(aggregate_id));
  return named;
}

order::line_item read_line_item(json_reader& r) {
  order::line_item item;
  item.sku = r.text("sku");
  item.quantity = r.integer("quantity");
  item.unit_price_cents = r.integer("unit_price_cents");
  return item;
}

// A saga command that names one sku: stock_reserved, stock_unavailable, ...
template <class Command>
result<Command> sku_field(std::string_view json_body) {
  return read_body<Command>(
      json_body, [](json_reader& r, const nlohmann::json&) { return Command{r.text("sku")}; });
}

// A saga command that carries another aggregate's status: payment_result, order_result.
template <class Command>
result<Command> status_field(std::string_view json_body) {
  return read_body<Command>(
      json_body, [](json_reader& r, const nlohmann::json&) { return Command{r.text("status")}; });
}

// Widens a command of one alternative into the variant `Variant`.
template <class Variant, class Command>
result<Variant> widen(result<Command> r) {
  if (!r) return std::unexpected(r.error());
  return Variant{std::move(*r)};
}

}  // namespace

result<order::command> parse_command_with_dom(std::type_identity<order_decider>,
                                              std::string_view name, std::string_view aggregate_id,
                                              std::string_view json_body) {
  using namespace order;
  if (name == create::name)
    return widen<command>(
        read_body<create>(json_body, [&](json_reader& r, const nlohmann::json& body) {
          create c;
          c.order_id = own_id(r, body, "order_id", aggregate_id);
          c.customer_id = r.text("customer_id");
          if (body.contains("items") && !body["items"].is_null())
            c.items = r.array("items", read_line_item);
          c.shipping = r.optional_object("shipping", [](json_reader& s) {
            return shipping_details{s.text("name"), s.text("email"), s.text("address")};
          });
          return c;
        }));
  if (name == add_item::name)
    return widen<command>(read_body<add_item>(json_body, [](json_reader& r, const nlohmann::json&) {
      auto item = read_line_item(r);
      return add_item{item.sku, item.quantity, item.unit_price_cents};
    }));
  if (name == remove_item::name)
    return widen<command>(read_body<remove_item>(
        json_body,
        [](json_reader& r, const nlohmann::json&) { return remove_item{r.text("sku")}; }));
  if (name == place::name)
    return widen<command>(read_body<place>(json_body, [](json_reader& r, const nlohmann::json&) {
      return place{r.text("payment_token")};
    }));
  if (name == confirm::name) return widen<command>(no_fields<confirm>(json_body));
  if (name == reject::name)
    return widen<command>(read_body<reject>(
        json_body, [](json_reader& r, const nlohmann::json&) { return reject{r.text("reason")}; }));
  if (name == cancel::name)
    return widen<command>(read_body<cancel>(json_body, [](json_reader& r, const nlohmann::json&) {
      return cancel{r.optional_text("reason")};
    }));
  if (name == ship::name) return widen<command>(no_fields<ship>(json_body));
  return unknown("order", name);
}

result<stock::command> parse_command_with_dom(std::type_identity<stock_decider>,
                                              std::string_view name, std::string_view aggregate_id,
                                              std::string_view json_body) {
  using namespace stock;
  if (name == restock::name)
    return widen<command>(
        read_body<restock>(json_body, [&](json_reader& r, const nlohmann::json& body) {
          restock c;
          c.sku = own_id(r, body, "sku", aggregate_id);
          c.quantity = r.integer("quantity");
          return c;
        }));
  if (name == reserve::name)
    return widen<command>(read_body<reserve>(json_body, [](json_reader& r, const nlohmann::json&) {
      reserve c;
      c.order_id = r.text("order_id");
      c.quantity = r.integer("quantity");
      return c;
    }));
  if (name == release::name)
    return widen<command>(read_body<release>(json_body, [](json_reader& r, const nlohmann::json&) {
      return release{r.text("order_id")};
    }));
  if (name == ship::name)
    return widen<command>(read_body<ship>(
        json_body, [](json_reader& r, const nlohmann::json&) { return ship{r.text("order_id")}; }));
  auto e = unknown("stock", name);
  return std::unexpected(e.error());
}

result<payment::command> parse_command_with_dom(std::type_identity<payment_decider>,
                                                std::string_view name,
                                                std::string_view aggregate_id,
                                                std::string_view json_body) {
  using namespace payment;
  if (name == authorize::name)
    return widen<command>(
        read_body<authorize>(json_body, [&](json_reader& r, const nlohmann::json& body) {
          authorize c;
          c.order_id = own_id(r, body, "order_id", aggregate_id);
          c.amount_cents = r.integer("amount_cents");
          c.token = r.text("token");
          return c;
        }));
  if (name == void_payment::name) return widen<command>(no_fields<void_payment>(json_body));
  if (name == capture::name) return widen<command>(no_fields<capture>(json_body));
  if (name == refund::name) return widen<command>(no_fields<refund>(json_body));
  auto e = unknown("payment", name);
  return std::unexpected(e.error());
}

result<saga::command> parse_command_with_dom(std::type_identity<saga_decider>,
                                             std::string_view name, std::string_view aggregate_id,
                                             std::string_view json_body) {
  using saga::command;
  if (name == saga::start::name)
    return widen<command>(
        read_body<saga::start>(json_body, [&](json_reader& r, const nlohmann::json& body) {
          saga::start c;
          c.order_id = own_id(r, body, "order_id", aggregate_id);
          c.items = r.array("items", [](json_reader& item) {
            return saga::line{item.text("sku"), item.integer("quantity")};
          });
          c.total_cents = r.integer("total_cents");
          c.payment_token = r.text("payment_token");
          c.step_timeout_ms = r.integer("step_timeout_ms");
          return c;
        }));
  if (name == saga::stock_reserved::name)
    return widen<command>(sku_field<saga::stock_reserved>(json_body));
  if (name == saga::stock_unavailable::name)
    return widen<command>(sku_field<saga::stock_unavailable>(json_body));
  if (name == saga::stock_released::name)
    return widen<command>(sku_field<saga::stock_released>(json_body));
  if (name == saga::stock_shipped::name)
    return widen<command>(sku_field<saga::stock_shipped>(json_body));
  if (name == saga::payment_result::name)
    return widen<command>(status_field<saga::payment_result>(json_body));
  if (name == saga::order_result::name)
    return widen<command>(status_field<saga::order_result>(json_body));
  if (name == saga::order_cancelled::name)
    return widen<command>(no_fields<saga::order_cancelled>(json_body));
  if (name == saga::order_shipped::name)
    return widen<command>(no_fields<saga::order_shipped>(json_body));
  if (name == saga::timeout::name)
    return widen<command>(
        read_body<saga::timeout>(json_body, [](json_reader& r, const nlohmann::json&) {
          saga::timeout c;
          c.step = r.text("step");
          const std::int64_t attempt = r.integer("attempt");
          if (attempt < 0 || attempt > std::numeric_limits<std::uint32_t>::max()) {
            r.add_error("attempt", "must be between 0 and " +
                                       std::to_string(std::numeric_limits<std::uint32_t>::max()));
          } else {
            c.attempt = static_cast<std::uint32_t>(attempt);
          }
          return c;
        }));
  auto e = unknown("saga", name);
  return std::unexpected(e.error());
}

// Plain bodies (nearly all of them) skip the DOM; everything else, and every error, goes through
// it.
template <class D>
result<typename D::command> scan_or_parse(std::string_view name, std::string_view aggregate_id,
                                          std::string_view json_body) {
  if (auto scanned = detail::scan_command(std::type_identity<D>{}, name, aggregate_id, json_body))
    return std::move(*scanned);
  return parse_command_with_dom(std::type_identity<D>{}, name, aggregate_id, json_body);
}

result<order::command> parse_command(std::type_identity<order_decider>, std::string_view name,
                                     std::string_view aggregate_id, std::string_view json_body) {
  return scan_or_parse<order_decider>(name, aggregate_id, json_body);
}
result<stock::command> parse_command(std::type_identity<stock_decider>, std::string_view name,
                                     std::string_view aggregate_id, std::string_view json_body) {
  return scan_or_parse<stock_decider>(name, aggregate_id, json_body);
}
result<customer::command> parse_command_with_dom(std::type_identity<customer_decider>,
                                                 std::string_view name,
                                                 std::string_view aggregate_id,
                                                 std::string_view json_body) {
  using namespace customer;
  if (name == erase_personal_data::name) {
    auto c = no_fields<erase_personal_data>(json_body);
    if (!c) return std::unexpected(c.error());
    c->customer_id = std::string(aggregate_id);
    return command{std::move(*c)};
  }
  auto e = unknown("customer", name);
  return std::unexpected(e.error());
}

result<customer::command> parse_command(std::type_identity<customer_decider>,
                                        std::string_view name, std::string_view aggregate_id,
                                        std::string_view json_body) {
  return parse_command_with_dom(std::type_identity<customer_decider>{}, name, aggregate_id,
                                json_body);
}

result<payment::command> parse_command(std::type_identity<payment_decider>, std::string_view name,
                                       std::string_view aggregate_id, std::string_view json_body) {
  return scan_or_parse<payment_decider>(name, aggregate_id, json_body);
}
result<saga::command> parse_command(std::type_identity<saga_decider>, std::string_view name,
                                    std::string_view aggregate_id, std::string_view json_body) {
  return scan_or_parse<saga_decider>(name, aggregate_id, json_body);
}

}  // namespace ordo::domain
