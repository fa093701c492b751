#include "bfu/service/unit_partition.hpp"

#include "bfu/core/crc32.hpp"

namespace bfu::service {

std::int32_t UnitPartition(std::string_view unit, std::int32_t partitions) noexcept {
    if (partitions <= 0) return 0;
    return static_cast<std::int32_t>(core::ComputeCrc32(unit) %
                                     static_cast<std::uint32_t>(partitions));
}

}  // namespace bfu::service
