#include "app/offline/personal_data_access.hpp"

#include "config/load.hpp"

namespace ordo::app::offline {

std::expected<config::settings, std::string> offline_settings(const parsed_args& args,
                                                              const std::string& data_dir,
                                                              const std::string* key_file) {
  config::sources from{.config_file = args.value("--config"),
                       .environment = config::process_environment(),
                       .flags = {{"--data", "data_dir", data_dir}}};
  if (key_file) from.flags.push_back({"--master-key-file", "privacy.master_key_file", *key_file});
  return config::load(from);
}

std::expected<std::unique_ptr<persistence::personal_data_keys>, std::string> offline_keys(
    persistence::database& db, const parsed_args& args, const std::string& data_dir) {
  return offline_keys_for(db.kv(), args, data_dir);
}

std::expected<std::unique_ptr<persistence::personal_data_keys>, std::string> offline_keys_for(
    persistence::kv_store& kv, const parsed_args& args, const std::string& data_dir) {
  auto key_file = args.value("--master-key-file");
  auto settings = offline_settings(args, data_dir, key_file ? &*key_file : nullptr);
  if (!settings) return std::unexpected(settings.error());
  auto master = persistence::master_key::load(settings->privacy.master_key_file,
                                              /*create_if_missing=*/false);
  if (!master && !key_file) {
    // No key file where the settings say, none asked for: fine for a directory that never had a
    // data key (nothing in it is sealed).
    auto any = kv.scan("privacy/", {}, 1);
    if (!any) return std::unexpected(any.error().message);
    if (any->empty()) return nullptr;
  }
  if (!master)
    return std::unexpected(master.error().message +
                           " (personal data is sealed with it: give --master-key-file FILE)");
  auto keys = std::make_unique<persistence::personal_data_keys>(kv, std::move(*master));
  if (auto right = keys->check_master(); !right) return std::unexpected(right.error().message);
  return keys;
}

}  // namespace ordo::app::offline
