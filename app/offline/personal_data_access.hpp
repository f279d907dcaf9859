// The personal data keys of a data directory for an offline command (export, replay, keys): the
// master key of the settings (--config FILE, ORDO_* environment, --master-key-file FILE, else
// privacy.master_key_file's default), checked against the directory like `ordo serve` does.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "app/offline/command_line.hpp"
#include "config/settings.hpp"
#include "persistence/database.hpp"
#include "persistence/personal_data.hpp"

namespace ordo::app::offline {

// The settings an offline command works with: data_dir from --data, privacy.master_key_file from
// `key_file` when given, else from --config FILE or the environment; refused (one line) like
// `ordo serve` would refuse them (e.g. a key file inside the data directory).
std::expected<config::settings, std::string> offline_settings(const parsed_args& args,
                                                              const std::string& data_dir,
                                                              const std::string* key_file);

// The keys of `db` under the master key of the settings; the one-line problem when the file cannot
// be used or is not this directory's key. Null when no file was asked for, the settings' one does
// not exist and the directory never had a data key: nothing in it is sealed.
std::expected<std::unique_ptr<persistence::personal_data_keys>, std::string> offline_keys(
    persistence::database& db, const parsed_args& args, const std::string& data_dir);
// The same over the directory's kv store (ordo verify, which opens the directory itself).
std::expected<std::unique_ptr<persistence::personal_data_keys>, std::string> offline_keys_for(
    persistence::kv_store& kv, const parsed_args& args, const std::string& data_dir);

}  // namespace ordo::app::offline
