#include "readmodel/personal_data_json.hpp"

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
  return treat_text(std::move(text), keys, treatment::open);
}

persistence::result<std::string> seal_personal_text(std::string text, personal_data_keys& keys) {
  return treat_text(std::move(text), keys, treatment::seal);
}

persistence::result<std::string> erase_shredded_text(std::string text, personal_data_keys& keys) {
  return treat_text(std::move(text), keys, treatment::erase_shredded);
}

}  // namespace ordo::readmodel
