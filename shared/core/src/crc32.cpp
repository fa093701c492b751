#include "bfu/core/crc32.hpp"

#include <array>

namespace bfu::core {
namespace {

constexpr std::array<std::uint32_t, 256> MakeTable() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 1u) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        table[i] = crc;
    }
    return table;
}

constexpr std::array<std::uint32_t, 256> kTable = MakeTable();

}  // namespace

void Crc32::Update(char c) {
    state_ = (state_ >> 8) ^ kTable[(state_ ^ static_cast<unsigned char>(c)) & 0xFFu];
}

void Crc32::Update(std::string_view bytes) {
    for (char c : bytes) Update(c);
}

std::uint32_t ComputeCrc32(std::string_view bytes) {
    Crc32 crc;
    crc.Update(bytes);
    return crc.Value();
}

}  // namespace bfu::core
