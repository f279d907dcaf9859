// CRC32C (Castagnoli), the checksum on every stored record. Uses SSE4.2 when the CPU has it.
#pragma once

#include <cstdint>
#include <string_view>

namespace ordo::persistence {

std::uint32_t crc32c(std::string_view bytes, std::uint32_t seed = 0);

}  // namespace ordo::persistence
