#pragma once
// VoucherChecker: the quality assurance of S12 as a pure function. A voucher as the ERP sent
// it (raw bytes) goes in; out comes either the validated ledger lines, or a rejection with
// every reason (code, field, line, message) and the original payload verbatim, or "duplicate".
// No Kafka, HTTP or file type appears here: every way in (Kafka, HTTP, SIE) ends on Check.
//
// Reason codes: schema, invalid_date, unbalanced, unknown_account, inactive_account,
// unknown_unit, year_not_open, period_closed, no_master_data, amount_out_of_range,
// original_truncated (see kMaxOriginalBytes) and more_reasons: a rejection lists at most
// kMaxReasons reasons, the last of them saying how many more there were (a 10 000-line voucher with
// a wrong cost centre on every line is one rejection of a bounded size, not 10 000 reasons that no
// broker takes).
//
// Open years and closed periods follow the year's lifecycle (domain/lifecycle.hpp) on the
// business date of `now`: the clock's year, the next from 1 December, the previous until it is
// closed; periods closed by the finance unit (bfu.calendar, in the master data's closings) or
// by the timetable's close days. A line into a closed period is rejected with period_closed and
// a Swedish message naming the period, why it is closed and how to correct ("bokför rättelsen
// i en öppen period"); a line into a year that is not open with year_not_open.
//
// Lifecycle: one per ingest instance, shared by every way in (the Kafka loop, the HTTP
// endpoint, the inbox). SetMaster swaps in new master data while Check runs on other threads.
// The duplicate register holds source:voucherId of every voucher accepted, with where it was
// first accepted, so the same record read again (a batch retried after an aborted
// transaction) is decided again the same way instead of being taken for a duplicate. It is
// made durable by the service: at start every acceptance on bfu.ingest.decisions is put back
// with Remember (DecisionLog). Rejected vouchers are not remembered, so a voucher sent again
// after its cause was mended is checked afresh.
//
// Thread-safety: every member may be called from any thread. Two concurrent Checks of the same
// voucher from different origins accept it once: the register is claimed atomically.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/domain/lifecycle.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::ingest {

// A rejection's size is bounded, so that it always fits on bfu.ledger.rejected (whose
// max.message.bytes, kRejectedRecordMaxBytes, the producers of ingest share): at most
// kMaxReasons reasons, the last saying how many more there were; a reason's field and message
// at most kMaxReasonTextBytes each; the original verbatim up to kMaxOriginalBytes (a Kafka
// record is at most 1 MB on a default broker, so it is always whole), longer ones cut there
// with an original_truncated reason (the sender, told "rejected", still has the whole). Even
// with every byte escaped six times over (\u0001) that is under 13 MiB.
inline constexpr std::size_t kMaxReasons = 100;
inline constexpr std::size_t kMaxReasonTextBytes = 512;
inline constexpr std::size_t kMaxOriginalBytes = 2U << 20U;
inline constexpr std::size_t kRejectedRecordMaxBytes = contracts::topics::kLargeRecordMaxBytes;
// The largest voucher accepted (too_large beyond): it must fit a record of bfu.erp.vouchers
// (max.message.bytes kRejectedRecordMaxBytes, as bfu.ledger.rejected), with room for its key
// and headers, since POST /v1/vouchers hands what it would accept over through that topic.
inline constexpr std::size_t kMaxVoucherBytes = kRejectedRecordMaxBytes - (64U << 10U);

// Keeps the first kMaxReasons - 1 reasons and puts one more_reasons reason last, naming how
// many were left out, when there are more than kMaxReasons; cuts each field and message to
// kMaxReasonTextBytes (on a UTF-8 boundary).
void CapReasons(std::vector<contracts::RejectReason>& reasons);

struct CheckRules {
    CheckRules() = default;
    CheckRules(std::set<int> open, std::set<std::string> closed, domain::LifecycleRules rules = {})
        : open_years(std::move(open)),
          closed_periods(std::move(closed)),
          lifecycle(std::move(rules)) {}

    // Pinned years (ingest.open_years): exactly these are open, and only decisions close their
    // periods. Empty: the lifecycle's open years on the business date.
    std::set<int> open_years;
    // YYYYMM closed by configuration (ingest.closed_periods), beside the decisions.
    std::set<std::string> closed_periods;
    // Close day, chosen dates, calendar, pinned years (followup.year) - the rules file's.
    domain::LifecycleRules lifecycle;
};

struct CheckResult {
    enum class Kind { kAccepted, kRejected, kDuplicate };
    Kind kind = Kind::kRejected;
    std::string voucher_key;                   // source:voucherId, when known
    std::vector<contracts::LedgerLine> lines;  // kAccepted
    contracts::RejectedVoucher rejected;       // kRejected
    // Sum of the positive (debit) amounts, for a balanced voucher its turnover; 0 when the
    // amounts could not be parsed.
    std::int64_t amount_ore = 0;
    std::int64_t line_count = 0;                    // lines in the voucher as sent (0: unreadable)
    std::optional<contracts::Origin> first_origin;  // kDuplicate: the first acceptance
};

class VoucherChecker {
public:
    explicit VoucherChecker(CheckRules rules);

    void SetMaster(std::shared_ptr<const service::MasterData> master);
    [[nodiscard]] std::shared_ptr<const service::MasterData> master() const;

    // Checks one payload: a voucher JSON object, bare or inside a CloudEvents envelope of type
    // se.bfu.erp.voucher.v1. `now` stamps the rejection.
    [[nodiscard]] CheckResult Check(std::string_view payload, const contracts::Origin& origin,
                                    core::TimePoint now);
    // Check in two steps, for checking a batch on several threads: Prepare (parsing, schema,
    // master data; touches no register, so any number may run at once) and then Finish (the
    // duplicate register: looked up and claimed), called in the order the vouchers came in so
    // that of two copies in one batch the first is the one accepted, as with Check.
    // Check(p, o, t) == Finish(Prepare(p, o, t), o).
    [[nodiscard]] CheckResult Prepare(std::string_view payload, const contracts::Origin& origin,
                                      core::TimePoint now) const;
    [[nodiscard]] CheckResult Finish(CheckResult prepared, const contracts::Origin& origin);
    // Finish without the claim: a duplicate of an acceptance in the register, else `prepared`
    // as it is. For a way in that does not accept itself (POST /v1/vouchers hands what would be
    // accepted to the partition's owner, see http_ingest.hpp).
    [[nodiscard]] CheckResult Lookup(CheckResult prepared, const contracts::Origin& origin) const;

    // Puts an acceptance read back from bfu.ingest.decisions into the register; false when the
    // key was already there (the first acceptance stands).
    bool Remember(const std::string& voucher_key, const contracts::Origin& origin);
    // Takes back an acceptance whose outputs were never committed (an HTTP request whose
    // transaction failed), so the voucher sent again is accepted. Only the entry of `origin`
    // is removed.
    void Forget(const std::string& voucher_key, const contracts::Origin& origin);
    // Whether the register holds an acceptance of this voucher key.
    [[nodiscard]] bool Knows(std::string_view voucher_key) const;
    // Vouchers in the register.
    [[nodiscard]] std::size_t Remembered() const;

    // The lifecycle on the business date of `now` with the current master data's closings
    // (computed once per date and master data).
    [[nodiscard]] std::shared_ptr<const domain::LifecycleView> LifecycleOn(
        core::TimePoint now) const;

private:
    [[nodiscard]] std::vector<contracts::RejectReason> Validate(
        const contracts::Voucher& v, const service::MasterData& md,
        const domain::LifecycleView& lifecycle, std::vector<contracts::LedgerLine>& lines) const;

    // The first acceptance of `key` by another delivery than `origin`, if any.
    [[nodiscard]] std::optional<contracts::Origin> AcceptedElsewhere(
        const std::string& key, const contracts::Origin& origin) const;

    CheckRules rules_;
    mutable std::mutex mu_;
    std::shared_ptr<const service::MasterData> master_;
    // The lifecycle of view_date_ with view_master_'s closings (under mu_).
    mutable std::shared_ptr<const domain::LifecycleView> view_;
    mutable domain::Date view_date_;
    mutable const service::MasterData* view_master_ = nullptr;
    mutable std::mutex seen_mu_;
    std::unordered_map<std::string, contracts::Origin> seen_;  // voucher key -> first acceptance
};

// The acceptances one batch claimed in the register, kept until its outputs are written. Those
// of records whose outputs were dropped (an aborted transaction, a batch read again) are taken
// back with Forget, so the records read again are decided as the first time: an accepted voucher
// is accepted again, and an earlier rejected copy of it stays a rejection (with its reasons on
// bfu.ledger.rejected) instead of becoming a duplicate of an acceptance that was never written.
//
// Thread-safety: none; one per way in, used by the thread that writes that way's batches.
class BatchClaims {
public:
    // Starts a new batch.
    void Clear() { claims_.clear(); }
    // Notes `check` of the record at `origin` if it was an acceptance.
    void Note(const CheckResult& check, const contracts::Origin& origin);
    // Takes back the acceptances of the records at `dropped`; returns how many.
    std::size_t TakeBack(VoucherChecker& checker, const std::vector<contracts::Origin>& dropped);
    // Takes back every acceptance of the batch; returns how many.
    std::size_t TakeBackAll(VoucherChecker& checker);
    [[nodiscard]] std::size_t size() const { return claims_.size(); }

private:
    std::vector<std::pair<std::string, contracts::Origin>> claims_;
};

}  // namespace bfu::ingest
