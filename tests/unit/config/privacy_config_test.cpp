// privacy.master_key_file: its default, its sources (file, ORDO_PRIVACY_MASTER_KEY_FILE,
// --master-key-file) and the rule that it is not inside data_dir.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "config/command_line.hpp"
#include "config/load.hpp"

namespace ordo::config {
namespace {

std::string load_error(const sources& from) {
  auto loaded = load(from);
  return loaded ? "(loaded)" : loaded.error();
}

TEST(PrivacyConfig, DefaultsToAFileBesideTheDataDirectory) {
  auto s = load({});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->privacy.master_key_file, "./ordo-master.key");
}

TEST(PrivacyConfig, ComesFromFileEnvironmentAndFlag) {
  settings from_file;
  ASSERT_TRUE(apply_json_text(from_file, "config.json",
                              R"({"privacy": {"master_key_file": "/keys/a.key"}})"));
  EXPECT_EQ(from_file.privacy.master_key_file, "/keys/a.key");

  auto from_env = load({.environment = {"ORDO_PRIVACY_MASTER_KEY_FILE=/keys/b.key"}});
  ASSERT_TRUE(from_env) << from_env.error();
  EXPECT_EQ(from_env->privacy.master_key_file, "/keys/b.key");

  std::vector<std::string_view> args{"--master-key-file", "/keys/c.key"};
  auto options = parse_serve_arguments(args);
  ASSERT_TRUE(options) << options.error();
  options->settings_sources.environment = {"ORDO_PRIVACY_MASTER_KEY_FILE=/keys/b.key"};
  auto from_flag = load(options->settings_sources);
  ASSERT_TRUE(from_flag) << from_flag.error();
  EXPECT_EQ(from_flag->privacy.master_key_file, "/keys/c.key");

  std::vector<std::string_view> joined{"--master-key-file=/keys/d.key"};
  auto joined_options = parse_serve_arguments(joined);
  ASSERT_TRUE(joined_options);
  EXPECT_EQ(load(joined_options->settings_sources)->privacy.master_key_file, "/keys/d.key");
}

TEST(PrivacyConfig, RefusesAnEmptyOrNonStringValue) {
  settings s;
  EXPECT_EQ(apply_json_text(s, "config.json", R"({"privacy": {"master_key_file": ""}})").error(),
            R"(config.json: privacy.master_key_file: must be a non-empty string, got "")");
  EXPECT_EQ(apply_json_text(s, "config.json", R"({"privacy": {"master_key_file": 7}})").error(),
            "config.json: privacy.master_key_file: must be a non-empty string, got 7");
  EXPECT_EQ(apply_json_text(s, "config.json", R"({"privacy": {"key": "x"}})").error(),
            "config.json: privacy.key: unknown key");
}

TEST(PrivacyConfig, RefusesAKeyFileInsideTheDataDirectory) {
  auto inside = [](std::string data, std::string key) {
    return load_error(
        {.environment = {"ORDO_DATA_DIR=" + data, "ORDO_PRIVACY_MASTER_KEY_FILE=" + key}});
  };
  EXPECT_EQ(inside("/srv/ordo-data", "/srv/ordo-data/master.key"),
            "settings: privacy.master_key_file: \"/srv/ordo-data/master.key\" is inside data_dir "
            "\"/srv/ordo-data\": keep the master key outside the data it protects");
  EXPECT_NE(inside("/srv/ordo-data/", "/srv/ordo-data/sub/master.key"), "(loaded)");
  EXPECT_NE(inside("/srv/ordo-data", "/srv/other/../ordo-data/master.key"), "(loaded)");
  EXPECT_NE(inside("./data", "data/master.key"), "(loaded)");
  EXPECT_NE(inside(".", "./ordo-master.key"), "(loaded)");
  // Beside it, or a name that only starts like it, is fine.
  EXPECT_EQ(inside("/srv/ordo-data", "/srv/ordo-master.key"), "(loaded)");
  EXPECT_EQ(inside("/srv/ordo-data", "/srv/ordo-data2/master.key"), "(loaded)");
  EXPECT_EQ(inside("./ordo-data", "./ordo-master.key"), "(loaded)");
}

TEST(PrivacyConfig, SeesThroughASymbolicLinkToTheDataDirectory) {
  std::random_device rd;
  auto root = std::filesystem::temp_directory_path() / ("ordo-privacy-" + std::to_string(rd()));
  std::filesystem::create_directories(root / "data");
  std::filesystem::create_directory_symlink(root / "data", root / "link");
  auto error = load_error(
      {.environment = {"ORDO_DATA_DIR=" + (root / "data").string(),
                       "ORDO_PRIVACY_MASTER_KEY_FILE=" + (root / "link" / "master.key").string()}});
  std::filesystem::remove_all(root);
  EXPECT_NE(error.find("is inside data_dir"), std::string::npos) << error;
}

}  // namespace
}  // namespace ordo::config
