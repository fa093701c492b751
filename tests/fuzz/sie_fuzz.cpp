// libFuzzer target for the SIE parser: any bytes must parse without a crash, a hang, unbounded
// memory or a broken invariant (every #VER accepted or rejected; accepted vouchers balance),
// and the dry-run document must serialise (every string valid UTF-8).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bfu/sie/dry_run.hpp"
#include "bfu/sie/parser.hpp"
#include "bfu/sie/reconcile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // The first byte picks the file kind so that both 4E and 4I paths are explored.
    const bool import_file = size > 0 && (data[0] & 1u) != 0;
    const bfu::sie::SieFile f = bfu::sie::Parse(bytes, import_file ? "fuzz.si" : "fuzz.se");
    if (f.stats.ver_records != f.vouchers.size() + f.rejected.size()) std::abort();
    for (const bfu::sie::Voucher& v : f.vouchers) {
        std::int64_t sum = 0;
        for (const bfu::sie::VoucherLine& l : v.lines) {
            if (__builtin_add_overflow(sum, l.amount.ore(), &sum)) std::abort();
        }
        if (sum != 0) std::abort();
    }
    const bfu::sie::Outcomes outcomes = bfu::sie::ComputeOutcomes(f);
    const bfu::sie::Reconciliation rec = bfu::sie::Reconcile(f, outcomes, {.force = true});
    const std::string json = bfu::sie::DryRunJson(f, outcomes, rec).dump();
    if (json.empty()) std::abort();
    return 0;
}
