#pragma once
// The checksum of #KSUMMA: CRC-32 as the SIE standard prescribes (ISO 3309 polynomial, preset
// all ones, final complement), which is the core's CRC-32.
#include "bfu/core/crc32.hpp"

namespace bfu::sie {

using core::ComputeCrc32;
using core::Crc32;

}  // namespace bfu::sie
