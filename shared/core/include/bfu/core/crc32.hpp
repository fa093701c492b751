#pragma once
// CRC-32: the ISO 3309 / ITU-T V.42 polynomial
// 0xEDB88320 (reflected), register preset to all ones, final complement - the same function
// as zlib's crc32() and librdkafka's default partitioner. Incremental, so the SIE parser feeds
// it field by field; service::UnitPartition uses the one-shot form.
#include <cstdint>
#include <string_view>

namespace bfu::core {

class Crc32 {
public:
    void Update(std::string_view bytes);
    void Update(char c);
    [[nodiscard]] std::uint32_t Value() const { return ~state_; }
    void Reset() { state_ = 0xFFFFFFFFu; }

private:
    std::uint32_t state_ = 0xFFFFFFFFu;
};

[[nodiscard]] std::uint32_t ComputeCrc32(std::string_view bytes);

}  // namespace bfu::core
