#include "bfu/service/unit_partition.hpp"

#include <array>

namespace bfu::service {

namespace {

constexpr std::array<std::uint32_t, 256> MakeTable() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1U) : c >> 1U;
        table[i] = c;
    }
    return table;
}

constexpr std::array<std::uint32_t, 256> kTable = MakeTable();

}  // namespace

std::uint32_t Crc32(std::string_view data) noexcept {
    std::uint32_t c = 0xFFFFFFFFU;
    for (const char ch : data) {
        c = kTable[(c ^ static_cast<std::uint8_t>(ch)) & 0xFFU] ^ (c >> 8U);
    }
    return c ^ 0xFFFFFFFFU;
}

std::int32_t UnitPartition(std::string_view unit, std::int32_t partitions) noexcept {
    if (partitions <= 0) return 0;
    return static_cast<std::int32_t>(Crc32(unit) % static_cast<std::uint32_t>(partitions));
}

}  // namespace bfu::service
