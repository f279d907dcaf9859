#include "readmodel/personal_data_json.hpp"

#include <algorithm>
#include <optional>

#include "domain/personal_data.hpp"

namespace ordo::readmodel {
namespace {

using nlohmann::json;
using persistence::personal_data_keys;

enum class treatment { open, seal, erase_shredded };

// The object holding "customer_id" and "shipping": `doc` itself, or its "data" (an envelope).
json* personal_holder(json& doc) {
  if (!doc.is_object()) return nullptr;
  auto shipping = doc.find(domain::personal_object);
  if (shipping != doc.end() && shipping->is_object()) return &doc;
  auto data = doc.find("data");
  if (data != doc.end() && data->is_object()) return personal_holder(*data);
  return nullptr;
}

persistence::result<void> treat(json& doc, personal_data_keys& keys, treatment how) {
  auto* holder = personal_holder(doc);
  if (!holder) return {};
  auto customer = holder->find("customer_id");
  if (customer == holder->end() || !customer->is_string())
    return persistence::storage_failure(persistence::storage_errc::corrupt,
                                        "personal data without a customer_id");
  const auto& customer_id = customer->get_ref<const std::string&>();
  auto& shipping = (*holder)[std::string(domain::personal_object)];
  for (auto member : domain::personal_members) {
    auto value = shipping.find(member);
    if (value == shipping.end() || !value->is_string()) continue;
    auto& text = value->get_ref<std::string&>();
    auto field = std::string(domain::personal_object) + "." + std::string(member);
    const bool sealed = personal_data_keys::is_sealed(text);
    if (how == treatment::seal) {
      if (sealed) continue;
      auto result = keys.seal(customer_id, field, text);
      if (!result) return std::unexpected(std::move(result.error()));
      text = std::move(*result);
      continue;
    }
    if (!sealed) continue;
    auto opened = keys.open(customer_id, field, text);
    if (!opened) {
      auto error = std::move(opened.error());
      error.message = "personal data of customer " + customer_id + " (" + field +
                      ") does not open: " + error.message;
      return std::unexpected(std::move(error));
    }
    if (opened->erased)
      text = std::string(personal_data_keys::erased_text);
    else if (how == treatment::open)
      text = std::move(opened->plain);
  }
  return {};
}

persistence::result<std::string> treat_text(std::string text, personal_data_keys& keys,
                                            treatment how) {
  const bool relevant = how == treatment::seal
                            ? text.find(domain::personal_object) != std::string::npos
                            : text.find(personal_data_keys::sealed_prefix) != std::string::npos;
  if (!relevant) return text;
  auto doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return text;  // not JSON: nothing of it is a field
  if (auto done = treat(doc, keys, how); !done) return std::unexpected(std::move(done.error()));
  return doc.dump();
}

// The value of the string member `"name":"` of compact JSON `text` at its first occurrence, when it
// holds no escape; nullopt otherwise.
std::optional<std::string_view> plain_member(std::string_view text, std::string_view name) {
  std::string pattern = "\"" + std::string(name) + "\":\"";
  auto at = text.find(pattern);
  if (at == std::string_view::npos) return std::nullopt;
  auto begin = at + pattern.size();
  auto end = text.find('"', begin);
  if (end == std::string_view::npos) return std::nullopt;
  auto value = text.substr(begin, end - begin);
  if (value.find('\\') != std::string_view::npos) return std::nullopt;
  return value;
}

// open_personal_text for the compact shape aggregates render: `"customer_id":"<id>"` once, each
// sealed value a member `"<personal member>":"pd1:..."`. nullopt: another shape (the caller
// parses it); an error: a value that does not open.
std::optional<persistence::result<std::string>> open_compact_text(const std::string& text,
                                                                  personal_data_keys& keys) {
  constexpr std::string_view marker = "\"pd1:";
  auto first = text.find(marker);
  if (first == std::string::npos) return persistence::result<std::string>(text);
  auto customer = plain_member(text, "customer_id");
  if (!customer ||
      text.find("\"customer_id\"", text.find("\"customer_id\"") + 1) != std::string::npos)
    return std::nullopt;
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (auto at = first; at != std::string::npos; at = text.find(marker, at + 1)) {
    // `"<member>":"pd1:...`: the member's name ends at at - 2.
    if (at < 3 || text[at - 1] != ':' || text[at - 2] != '"') return std::nullopt;
    auto name_begin = text.rfind('"', at - 3);
    if (name_begin == std::string::npos) return std::nullopt;
    auto member = std::string_view(text).substr(name_begin + 1, at - 2 - name_begin - 1);
    if (std::find(domain::personal_members.begin(), domain::personal_members.end(), member) ==
        domain::personal_members.end())
      return std::nullopt;
    auto end = text.find('"', at + 1);
    if (end == std::string::npos) return std::nullopt;
    auto sealed = std::string_view(text).substr(at + 1, end - at - 1);
    auto field = std::string(domain::personal_object) + "." + std::string(member);
    auto opened = keys.open(*customer, field, sealed);
    if (!opened) {
      auto error = std::move(opened.error());
      error.message = "personal data of customer " + std::string(*customer) + " (" + field +
                      ") does not open: " + error.message;
      return persistence::result<std::string>(std::unexpected(std::move(error)));
    }
    out.append(text, copied, at - copied);
    json value =
        opened->erased ? std::string(personal_data_keys::erased_text) : std::move(opened->plain);
    out += value.dump(-1, ' ', false, json::error_handler_t::replace);
    copied = end + 1;
  }
  out.append(text, copied, std::string::npos);
  return persistence::result<std::string>(std::move(out));
}

}  // namespace

persistence::result<void> open_personal_fields(json& doc, personal_data_keys& keys) {
  return treat(doc, keys, treatment::open);
}

persistence::result<void> seal_personal_fields(json& doc, personal_data_keys& keys) {
  return treat(doc, keys, treatment::seal);
}

persistence::result<void> erase_shredded_fields(json& doc, personal_data_keys& keys) {
  return treat(doc, keys, treatment::erase_shredded);
}

persistence::result<std::string> open_personal_text(std::string text, personal_data_keys& keys) {
  // Most texts are an aggregate's state as it renders it (compact, one customer_id, sealed values
  // as plain strings): those are opened in place, without a DOM; any other shape goes through one.
  if (auto opened = open_compact_text(text, keys)) return std::move(*opened);
  return treat_text(std::move(text), keys, treatment::open);
}

persistence::result<std::string> seal_personal_text(std::string text, personal_data_keys& keys) {
  return treat_text(std::move(text), keys, treatment::seal);
}

persistence::result<std::string> erase_shredded_text(std::string text, personal_data_keys& keys) {
  return treat_text(std::move(text), keys, treatment::erase_shredded);
}

}  // namespace ordo::readmodel
