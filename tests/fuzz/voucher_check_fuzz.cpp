// libFuzzer target for ingest's quality assurance (ingest::VoucherChecker, S12), the decision
// every voucher gets whichever way it came in, against the small fixed municipality of
// fuzz_master.hpp. Any bytes must be decided without a crash, a hang or undefined behaviour,
// and the decision must hold its invariants:
//   accepted: one ledger line per voucher line, each with the voucher's amount; debit and
//             credit sum without overflow to exactly 0 öre (checked 64-bit arithmetic); the
//             result's amount is the debit; every line encodes;
//   rejected: 1..kMaxReasons reasons, each field and message at most kMaxReasonTextBytes; the
//             rejection encodes to at most kRejectedRecordMaxBytes.
// Huge amounts: when the bytes decode as a voucher, it is also checked with its amounts pushed
// toward the int64 limits (scaled by a power of ten the input picks, saturating; a balanced
// pair of near-limit amounts; lines that only overflow when summed), since the ERP's decimal
// strings reach 18 digits and an unchecked sum wraps to exactly 0.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/hot_encode.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "fuzz_master.hpp"

namespace {

using bfu::contracts::Voucher;
using bfu::ingest::CheckResult;
using Kind = CheckResult::Kind;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

bfu::ingest::VoucherChecker& Checker() {
    static bfu::ingest::VoucherChecker checker(
        bfu::ingest::CheckRules{{bfu::fuzz::kYear}, {"202601"}});
    static const bool with_master = [] {
        checker.SetMaster(bfu::fuzz::Master());
        return true;
    }();
    (void)with_master;
    return checker;
}

const bfu::contracts::Origin& Origin() {
    static const auto origin = bfu::contracts::Origin::Kafka("bfu.erp.vouchers", 0, 1);
    return origin;
}

void CheckAccepted(const CheckResult& r, const Voucher* sent) {
    if (r.lines.empty()) std::abort();
    if (r.line_count != static_cast<std::int64_t>(r.lines.size())) std::abort();
    std::int64_t debit = 0;
    std::int64_t credit = 0;
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        const auto& l = r.lines[i];
        auto& side = l.amount_ore > 0 ? debit : credit;
        if (__builtin_add_overflow(side, l.amount_ore, &side)) std::abort();
        if (sent != nullptr && l.amount_ore != sent->lines[i].amount_ore) std::abort();
        if (l.line_no != static_cast<std::int64_t>(i + 1)) std::abort();
        const bfu::contracts::EventMeta meta{"fuzz", "bfu/ingest", bfu::fuzz::Now(),
                                             l.unit.value()};
        if (bfu::contracts::EncodeLedgerLine(l, meta).empty()) std::abort();
    }
    std::int64_t sum = 0;
    if (__builtin_add_overflow(debit, credit, &sum) || sum != 0) std::abort();
    if (r.amount_ore != debit) std::abort();
}

void CheckRejected(const CheckResult& r) {
    const auto& reasons = r.rejected.reasons;
    // original_truncated may come on top of the capped reasons.
    if (reasons.empty() || reasons.size() > bfu::ingest::kMaxReasons + 1) std::abort();
    for (const auto& reason : reasons) {
        if (reason.field.size() > bfu::ingest::kMaxReasonTextBytes) std::abort();
        if (reason.message.size() > bfu::ingest::kMaxReasonTextBytes) std::abort();
    }
    const bfu::contracts::EventMeta meta{"fuzz", "bfu/ingest", bfu::fuzz::Now(), r.voucher_key};
    const std::string encoded = bfu::contracts::EncodeMessage(r.rejected, meta);
    if (encoded.empty() || encoded.size() > bfu::ingest::kRejectedRecordMaxBytes) std::abort();
}

// Decides `payload`; `sent` is the voucher it encodes when the caller built it.
void Decide(std::string_view payload, const Voucher* sent) {
    const CheckResult r = Checker().Prepare(payload, Origin(), bfu::fuzz::Now());
    switch (r.kind) {
        case Kind::kAccepted:
            CheckAccepted(r, sent);
            break;
        case Kind::kRejected:
            CheckRejected(r);
            break;
        case Kind::kDuplicate:
            std::abort();  // Prepare never consults the register
    }
}

// a * 10^k, saturating at the int64 limits.
std::int64_t Scale(std::int64_t a, int k) {
    std::int64_t out = a;
    for (int i = 0; i < k; ++i) {
        if (__builtin_mul_overflow(out, 10, &out)) return a < 0 ? kMin : kMax;
    }
    return out;
}

void DecideVariant(const Voucher& v) { Decide(v.ToJson().dump(), &v); }

void HugeAmounts(const Voucher& decoded, std::uint8_t knob) {
    // Every amount scaled by 10^k: balanced vouchers stay balanced until one saturates.
    Voucher scaled = decoded;
    const int k = 1 + knob % 18;
    for (auto& l : scaled.lines) l.amount_ore = Scale(l.amount_ore == 0 ? 1 : l.amount_ore, k);
    DecideVariant(scaled);

    // A balanced pair at the limit: +X and -X with X = INT64_MAX - knob.
    Voucher pair = decoded;
    pair.lines.resize(1);
    pair.lines.push_back(pair.lines.front());
    pair.lines[0].amount_ore = kMax - knob;
    pair.lines[1].amount_ore = -(kMax - knob);
    DecideVariant(pair);

    // Lines that only overflow when summed: two debits of ~INT64_MAX/2 + 1 and their credit
    // split in two, and the most negative amount there is (its negation does not fit).
    Voucher wrap = decoded;
    wrap.lines.resize(1);
    wrap.lines.resize(5, wrap.lines.front());
    const std::int64_t half = kMax / 2 + 1 + knob;
    wrap.lines[0].amount_ore = half;
    wrap.lines[1].amount_ore = half;
    wrap.lines[2].amount_ore = -half;
    wrap.lines[3].amount_ore = -half;
    wrap.lines[4].amount_ore = kMin;
    DecideVariant(wrap);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    Decide(bytes, nullptr);
    const nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return 0;
    auto v = Voucher::FromJson(doc);
    if (v.ok() && !v->lines.empty()) HugeAmounts(v.value(), size > 0 ? data[size - 1] : 0);
    return 0;
}
