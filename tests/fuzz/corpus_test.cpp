// The fuzz entry over the checked-in seed corpus, in every build (the fuzzer itself needs clang):
// every seed goes through every parser with its contracts checked.
#include <gtest/gtest.h>

#include <algorithm>
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

TEST(RequestParsersCorpus, EverySeedKeepsEveryContract) {
  auto files = seeds();
  ASSERT_GE(files.size(), 30u) << "the corpus at " << ORDO_FUZZ_CORPUS << " looks incomplete";
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    run_request_parsers(read_file(file));
  }
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
