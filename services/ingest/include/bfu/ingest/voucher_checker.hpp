#pragma once
// VoucherChecker: the quality assurance of S12 as a pure function. A voucher as the ERP sent
// it (raw bytes) goes in; out comes either the validated ledger lines, or a rejection with
// every reason (code, field, line, message) and the original payload verbatim, or "duplicate".
// No Kafka, HTTP or file type appears here: every way in (Kafka, HTTP, SIE) ends on Check.
//
// Reason codes: schema, invalid_date, unbalanced, unknown_account, inactive_account,
// unknown_unit, year_not_open, period_closed, no_master_data.
//
// Lifecycle: one per ingest instance; SetMaster swaps in new master data (from the master
// table's thread) while Check runs on the consume loop's thread. The duplicate register is
// per instance and in memory: source:voucherId of every voucher accepted, with where it came
// from, so the same record read again (a batch retried after an aborted transaction) is
// decided again the same way instead of being taken for a duplicate. Rejected vouchers are not
// remembered, so a voucher sent again after its cause was mended is checked afresh.
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bfu/contracts/ledger.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::ingest {

struct CheckRules {
    std::set<int> open_years;              // fiscal years that accept postings
    std::set<std::string> closed_periods;  // YYYYMM the controller has closed
};

struct CheckResult {
    enum class Kind { kAccepted, kRejected, kDuplicate };
    Kind kind = Kind::kRejected;
    std::string voucher_key;                   // source:voucherId, when known
    std::vector<contracts::LedgerLine> lines;  // kAccepted
    contracts::RejectedVoucher rejected;       // kRejected
    std::int64_t amount_ore = 0;               // sum of |amounts| / 2 (the voucher's turnover)
};

class VoucherChecker {
public:
    explicit VoucherChecker(CheckRules rules) : rules_(std::move(rules)) {}

    void SetMaster(std::shared_ptr<const service::MasterData> master);
    [[nodiscard]] std::shared_ptr<const service::MasterData> master() const;

    // Checks one payload: a voucher JSON object, bare or inside a CloudEvents envelope of type
    // se.bfu.erp.voucher.v1. `now` stamps the rejection.
    [[nodiscard]] CheckResult Check(std::string_view payload, const contracts::Origin& origin,
                                    core::TimePoint now);

private:
    [[nodiscard]] std::vector<contracts::RejectReason> Validate(
        const contracts::Voucher& v, const service::MasterData& md,
        std::vector<contracts::LedgerLine>& lines) const;

    CheckRules rules_;
    mutable std::mutex mu_;
    std::shared_ptr<const service::MasterData> master_;
    std::unordered_map<std::string, std::string> seen_;  // voucher key -> origin id
};

}  // namespace bfu::ingest
