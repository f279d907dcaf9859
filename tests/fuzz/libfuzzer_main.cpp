// libFuzzer's entry: every input goes through run_request_parsers.
#include <cstddef>
#include <cstdint>

#include "request_parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ordo::fuzz::run_request_parsers({reinterpret_cast<const char*>(data), size});
  return 0;
}
