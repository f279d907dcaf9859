// Settings come from defaults < JSON file < ORDO_* variables < flags; every bad value is refused
// with one line naming its source and key.
#include "config/load.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "config/command_line.hpp"
#include "config/keys.hpp"

namespace ordo::config {
namespace {

class ConfigFile : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove(path_); }

  std::string write(const std::string& text) {
    std::random_device rd;
    path_ =
        std::filesystem::temp_directory_path() / ("ordo-config-" + std::to_string(rd()) + ".json");
    std::ofstream(path_) << text;
    return path_.string();
  }

  std::filesystem::path path_;
};

std::string load_error(const sources& from) {
  auto loaded = load(from);
  return loaded ? "(loaded)" : loaded.error();
}

std::string json_error(const std::string& text) {
  settings s;
  auto applied = apply_json_text(s, "config.json", text);
  return applied ? "(applied)" : applied.error();
}

TEST(ConfigDefaults, AreTheDocumentedOnes) {
  auto s = load({});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->data_dir, "./ordo-data");
  EXPECT_EQ(s->http.host, "127.0.0.1");
  EXPECT_EQ(s->http.port, 8080);
  EXPECT_EQ(s->http.max_body_bytes, 65536u);
  EXPECT_EQ(s->http.threads, 64u);
  EXPECT_TRUE(s->auth.tokens.empty());
  EXPECT_EQ(s->journal.sync, journal_sync::always);
  EXPECT_EQ(s->cluster.shards, 256u);
  EXPECT_EQ(s->cluster.host, "127.0.0.1");
  EXPECT_EQ(s->cluster.port, 0);
  EXPECT_TRUE(s->cluster.nodes.empty());
  EXPECT_FALSE(s->cluster.clustered());
  EXPECT_EQ(s->cluster.heartbeat_ms, 1000);
  EXPECT_EQ(s->cluster.connection_timeout_ms, 5000);
  EXPECT_EQ(s->cluster.forward_window, 1024u);
  EXPECT_FALSE(s->cluster.tls.configured());
  EXPECT_EQ(s->sagas.step_timeout_ms, 5000);
  EXPECT_EQ(s->privacy.master_key_file, "./ordo-master.key");
}

TEST(ConfigDefaults, ExampleFileSetsEveryKeyToItsDefault) {
  std::ifstream file(ORDO_EXAMPLE_CONFIG);
  ASSERT_TRUE(file) << ORDO_EXAMPLE_CONFIG;
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  settings from_example;
  auto applied = apply_json_text(from_example, "ordo.example.json", text);
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_EQ(from_example, settings{});
  auto document = nlohmann::json::parse(text);
  for (const auto& key : all_keys()) {
    auto pointer = "/" + std::string(key.name);
    for (auto& c : pointer)
      if (c == '.') c = '/';
    EXPECT_TRUE(document.contains(nlohmann::json::json_pointer(pointer))) << key.name;
  }
}

TEST_F(ConfigFile, SetsNestedKeys) {
  auto path = write(R"({"http": {"port": 9000, "tls": {"cert": "c.pem", "key": "k.pem"}},
                        "journal": {"sync": "none"},
                        "auth": {"tokens": [{"token": "t1", "role": "admin"}]}})");
  auto s = load({.config_file = path});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->http.port, 9000);
  EXPECT_EQ(s->http.tls.cert, "c.pem");
  EXPECT_EQ(s->journal.sync, journal_sync::none);
  ASSERT_EQ(s->auth.tokens.size(), 1u);
  EXPECT_EQ(s->auth.tokens[0], (auth_token{"t1", role::admin}));
}

TEST_F(ConfigFile, EnvironmentBeatsFileAndFlagsBeatEnvironment) {
  auto path = write(R"({"http": {"port": 9000, "host": "127.0.0.2"}, "data_dir": "/from/file"})");
  sources from{.config_file = path,
               .environment = {"ORDO_HTTP_PORT=9100", "ORDO_DATA_DIR=/from/env", "HOME=/root"},
               .flags = {{"--port", "http.port", "9200"}}};
  auto s = load(from);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->http.port, 9200);         // flag
  EXPECT_EQ(s->data_dir, "/from/env");   // environment
  EXPECT_EQ(s->http.host, "127.0.0.2");  // file
  EXPECT_EQ(s->http.threads, 64u);       // default
}

TEST_F(ConfigFile, MissingFileIsOneLine) {
  EXPECT_EQ(load_error({.config_file = "/nonexistent/ordo.json"}),
            "/nonexistent/ordo.json: cannot be read");
}

TEST(ConfigErrors, WrongTypeNamesSourceKeyAndValue) {
  EXPECT_EQ(json_error(R"({"http": {"port": "x"}})"),
            R"(config.json: http.port: must be an integer 0..65535, got "x")");
  EXPECT_EQ(json_error(R"({"http": {"port": 8080.5}})"),
            "config.json: http.port: must be an integer 0..65535, got 8080.5");
  EXPECT_EQ(json_error(R"({"http": {"threads": true}})"),
            "config.json: http.threads: must be an integer 1..4096, got true");
  EXPECT_EQ(json_error(R"({"http": {"host": 5}})"),
            "config.json: http.host: must be a non-empty string, got 5");
  EXPECT_EQ(json_error(R"({"http": 5})"), "config.json: http: must be an object");
}

TEST(ConfigErrors, OutOfRangeIsRefused) {
  EXPECT_EQ(json_error(R"({"http": {"port": 70000}})"),
            "config.json: http.port: must be an integer 0..65535, got 70000");
  EXPECT_EQ(json_error(R"({"http": {"port": -1}})"),
            "config.json: http.port: must be an integer 0..65535, got -1");
  EXPECT_EQ(json_error(R"({"cluster": {"shards": 0}})"),
            "config.json: cluster.shards: must be an integer 1..65536, got 0");
  EXPECT_EQ(json_error(R"({"aggregates": {"max_live": 18446744073709551615}})"),
            "config.json: aggregates.max_live: must be an integer 1..100000000, got "
            "18446744073709551615");
}

TEST(ConfigErrors, UnknownKeysAreRefused) {
  EXPECT_EQ(json_error(R"({"http": {"prot": 1}})"), "config.json: http.prot: unknown key");
  EXPECT_EQ(json_error(R"({"verbose": true})"), "config.json: verbose: unknown key");
}

TEST(ConfigErrors, ChoicesAndTokensAreChecked) {
  EXPECT_EQ(json_error(R"({"journal": {"sync": "sometimes"}})"),
            R"(config.json: journal.sync: must be "always" or "none", got "sometimes")");
  EXPECT_EQ(
      json_error(R"({"auth": {"tokens": {"token": "t"}}})"),
      R"(config.json: auth.tokens: must be an array of {"token", "role"}, got {"token":"t"})");
  EXPECT_EQ(
      json_error(R"({"auth": {"tokens": [{"token": "t", "role": "root"}]}})"),
      R"(config.json: auth.tokens: [0].role: must be "client", "viewer" or "admin", got "root")");
  EXPECT_EQ(json_error(R"({"auth": {"tokens": [{"token": "", "role": "admin"}]}})"),
            "config.json: auth.tokens: [0].token: must be a non-empty string");
  EXPECT_EQ(json_error(R"({"auth": {"tokens": [{"token": "t", "role": "admin", "x": 1}]}})"),
            "config.json: auth.tokens: [0].x: unknown key");
}

// Found by the fuzzer: JSON lets a key hold a newline, which an error naming the key printed raw.
TEST(ConfigErrors, KeysWithControlCharactersStayOnOneLine) {
  EXPECT_EQ(json_error(R"({"a\nb": 1})"), R"(config.json: a\nb: unknown key)");
  EXPECT_EQ(json_error(R"({"http": {"x\u0000\r\u001b": 1}})"),
            R"(config.json: http.x\x00\r\x1b: unknown key)");
  EXPECT_EQ(json_error(R"({"back\\slash": 1})"), R"(config.json: back\\slash: unknown key)");
  auto token_field =
      json_error(R"({"auth": {"tokens": [{"token": "t", "role": "admin", "a\nb": 1}]}})");
  EXPECT_EQ(token_field.find('\n'), std::string::npos) << token_field;
  EXPECT_EQ(load_error({.environment = {"ORDO_X\nY=1"}}).find('\n'), std::string::npos);
}

TEST(ConfigErrors, MalformedJsonAndNonObjectsAreOneLine) {
  auto error = json_error(R"({"http": )");
  EXPECT_TRUE(error.starts_with("config.json: not valid JSON: ")) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  EXPECT_EQ(json_error("[1, 2]"), "config.json: must hold a JSON object");
}

TEST(ConfigErrors, EnvironmentValuesAreCheckedAndNamed) {
  EXPECT_EQ(load_error({.environment = {"ORDO_HTTP_PORT=x"}}),
            R"(ORDO_HTTP_PORT: http.port: must be an integer 0..65535, got "x")");
  EXPECT_EQ(load_error({.environment = {"ORDO_JOURNAL_SYNC=never"}}),
            R"(ORDO_JOURNAL_SYNC: journal.sync: must be "always" or "none", got "never")");
  EXPECT_EQ(
      load_error({.environment = {"ORDO_HTTP_PORT=99999999999999999999999"}}),
      R"(ORDO_HTTP_PORT: http.port: must be an integer 0..65535, got "99999999999999999999999")");
  auto unknown = load_error({.environment = {"ORDO_HTTP_PROT=1"}});
  EXPECT_TRUE(unknown.starts_with("ORDO_HTTP_PROT: unknown variable")) << unknown;
}

TEST(ConfigErrors, BuildScriptVariablesAreNotConfigKeys) {
  EXPECT_TRUE(load({.environment = {"ORDO_BUILD_DIR=build-tsan", "ORDO_BUILD_TYPE=Debug"}}));
}

TEST(ConfigEnvironment, SetsTokensAsJsonAndSyncAsText) {
  auto s = load(
      {.environment = {R"(ORDO_AUTH_TOKENS=[{"token":"a","role":"viewer"}])",
                       "ORDO_JOURNAL_SYNC=none", "ORDO_HTTP_TLS_CERT=c", "ORDO_HTTP_TLS_KEY=k"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->auth.tokens, (std::vector<auth_token>{{"a", role::viewer}}));
  EXPECT_EQ(s->journal.sync, journal_sync::none);
  EXPECT_EQ(environment_name("aggregates.snapshot_every"), "ORDO_AGGREGATES_SNAPSHOT_EVERY");
}

TEST(ConfigErrors, FlagValuesAreCheckedAndNamed) {
  EXPECT_EQ(load_error({.flags = {{"--port", "http.port", "eighty"}}}),
            R"(--port: http.port: must be an integer 0..65535, got "eighty")");
  EXPECT_EQ(load_error({.flags = {{"--data", "data_dir", ""}}}),
            R"(--data: data_dir: must be a non-empty string, got "")");
}

TEST(ConfigErrors, RulesAcrossKeys) {
  EXPECT_EQ(load_error({.environment = {"ORDO_HTTP_TLS_CERT=c.pem"}}),
            "settings: http.tls.key: http.tls.cert and http.tls.key must be set together");
  EXPECT_EQ(load_error({.environment = {R"(ORDO_AUTH_TOKENS=[{"token":"a","role":"viewer"},)"
                                        R"({"token":"a","role":"admin"}])"}}),
            "settings: auth.tokens[1].token: repeats the token of auth.tokens[0]");
}

TEST(ServeArguments, ParsesEveryFlagInBothForms) {
  std::vector<std::string_view> args{"--config", "c.json",   "--data=/d", "--host",
                                     "0.0.0.0",  "--port=0", "--insecure"};
  auto options = parse_serve_arguments(args);
  ASSERT_TRUE(options) << options.error();
  EXPECT_EQ(options->settings_sources.config_file, "c.json");
  EXPECT_TRUE(options->insecure);
  options->settings_sources.config_file.reset();
  auto s = load(options->settings_sources);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->data_dir, "/d");
  EXPECT_EQ(s->http.host, "0.0.0.0");
  EXPECT_EQ(s->http.port, 0);
}

TEST(ServeArguments, RefusesUnknownOptionsAndMissingValues) {
  std::vector<std::string_view> unknown{"--prot", "1"};
  EXPECT_EQ(parse_serve_arguments(unknown).error(), "unknown option --prot");
  std::vector<std::string_view> missing{"--port"};
  EXPECT_EQ(parse_serve_arguments(missing).error(), "--port: needs a value");
}

}  // namespace
}  // namespace ordo::config
