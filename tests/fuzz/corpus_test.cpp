// The fuzz entry over the checked-in corpus, in every build (the fuzzer itself needs clang): every
// seed, and every input an exploratory run of scripts/fuzz found (saved as `finding-*` once fixed),
// goes through every parser with its contracts checked, each file as its own ctest case. This is
// the deterministic half of fuzzing: the gate runs exactly these inputs, never a random search.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "request_parsers.hpp"

namespace ordo::fuzz {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::filesystem::path> seeds() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(ORDO_FUZZ_CORPUS))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

class RequestParsersSeed : public ::testing::TestWithParam<std::filesystem::path> {};

// A broken contract aborts the process: ctest runs each case on its own, so the case names the
// file.
TEST_P(RequestParsersSeed, KeepsEveryContract) {
  run_request_parsers(read_file(GetParam()));
}

std::string case_name(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.filename().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, RequestParsersSeed, ::testing::ValuesIn(seeds()), case_name);

TEST(RequestParsersCorpus, IsComplete) {
  EXPECT_GE(seeds().size(), 30u) << "the corpus at " << ORDO_FUZZ_CORPUS << " looks incomplete";
}

TEST(RequestParsersCorpus, HostileShapesKeepEveryContract) {
  for (std::string input :
       {std::string(), std::string(100000, '['), std::string(100000, '{'),
        std::string(50000, '[') + std::string(50000, ']'), std::string("{\"a\":\0}", 7),
        std::string("\xff\xfe\xfd"), std::string("{\"sku\":\"\\ud800\"}"),
        std::string("{\"quantity\":1e400}"), std::string("{\"quantity\":18446744073709551616}"),
        std::string("%%%2F%2f%00%zz%"), std::string("\"") + std::string(10000, '\\')})
    run_request_parsers(input);
}

}  // namespace
}  // namespace ordo::fuzz
