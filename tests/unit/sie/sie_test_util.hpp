#pragma once
// Helpers shared by the SIE tests.
#include <cstdlib>
#include <string>

#include "bfu/sie/model.hpp"

namespace bfu::sie::testing {

// The directory of the real exports: ${BFU_SOURCE_DIR}/../shared/data/sie (in CI the shared
// folder sits beside the clone, as on the development machine).
inline std::string FixtureDir() {
    const char* root = std::getenv("BFU_SOURCE_DIR");
    return std::string(root != nullptr ? root : ".") + "/../shared/data/sie/";
}

inline std::int64_t SumOre(const Voucher& v) {
    std::int64_t sum = 0;
    for (const VoucherLine& l : v.lines) sum += l.amount.ore();
    return sum;
}

// A small 4E header with two fiscal years (July-June, to exercise a non-calendar year).
inline constexpr const char* kHeader =
    "#FLAGGA 0\n"
    "#PROGRAM \"Test\" 1.0\n"
    "#FORMAT PC8\n"
    "#GEN 20240815 ab\n"
    "#SIETYP 4\n"
    "#FNAMN \"Kommunen\"\n"
    "#ORGNR 212000-0000\n"
    "#RAR 0 20230701 20240630\n"
    "#RAR -1 20220701 20230630\n";

}  // namespace bfu::sie::testing
