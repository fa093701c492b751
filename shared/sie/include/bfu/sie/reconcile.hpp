#pragma once
// bfu's own outcome computed from a file's vouchers, and its comparison with the balances the
// exporting system wrote into the same file (#RES, #UB, #OUB, #PSALDO), which are an
// independent oracle: every difference is reported.
//
// Conventions (SIE 4B, confirmed on the fixture files in ../shared/data/sie):
//   - a row's period is the calendar month of its date (transdat, defaulting to the voucher
//     date); its fiscal year is the #RAR range holding that date;
//   - #RES year y, account a   == sum of a's rows in year y (result accounts, year total);
//   - #UB  year y, account a   == #IB y a + sum of a's rows in year y (closing balance);
//   - #OUB year y, a, {d o}    == #OIB y a {d o} + rows of a carrying object o in dimension d;
//   - #PSALDO y, p, a, {}      == sum of a's rows in month p (the movement of the period, not
//     a running balance: both fixtures with #PSALDO agree only with this reading);
//   - #PSALDO y, p, a, {d o}   == the same, restricted to rows carrying object o in dimension d;
//   - an account that moved in a checked year but has neither #RES nor #UB there, while the
//     file does carry #RES/#UB for that year, is a difference with expected 0 (line 0);
//     likewise a month that moved with no #PSALDO in a file that carries #PSALDO for the year.
// Only years that hold vouchers are checked (a 4E file's balances for earlier years describe
// vouchers it does not contain); those rows count as not_checked. #IB/#OIB are inputs, not
// checked. A 4I file is not reconciled unless forced: the standard defines 4I as vouchers
// only, and balances found in one do not describe its vouchers (see docs/sie-import.md).
//
// Thread-safety: pure functions.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bfu/core/money.hpp"
#include "bfu/core/result.hpp"
#include "bfu/sie/model.hpp"

namespace bfu::sie {

struct OutcomeCell {
    core::Money amount;
    std::uint64_t lines = 0;
};

// Sums of the accepted vouchers' rows. Feed vouchers one by one (Add) or a whole file.
class Outcomes {
public:
    using AccountPeriod = std::pair<std::string, Period>;
    using AccountPeriodObject = std::tuple<std::string, Period, std::int32_t, std::string>;
    using YearAccount = std::pair<std::int32_t, std::string>;
    using YearAccountObject = std::tuple<std::int32_t, std::string, std::int32_t, std::string>;

    Outcomes() = default;
    // fiscal_years decide each row's year index; rows outside every year count in
    // rows_outside_years() and in the period maps only.
    explicit Outcomes(std::vector<FiscalYear> fiscal_years)
        : fiscal_years_(std::move(fiscal_years)) {}

    void Add(const Voucher& v);

    [[nodiscard]] const std::map<AccountPeriod, OutcomeCell>& by_account_period() const {
        return by_account_period_;
    }
    [[nodiscard]] const std::map<AccountPeriodObject, OutcomeCell>& by_object() const {
        return by_object_;
    }
    [[nodiscard]] const std::map<YearAccount, core::Money>& by_year_account() const {
        return by_year_account_;
    }
    [[nodiscard]] const std::map<YearAccountObject, core::Money>& by_year_object() const {
        return by_year_object_;
    }
    [[nodiscard]] std::uint64_t vouchers() const { return vouchers_; }
    [[nodiscard]] std::uint64_t lines() const { return lines_; }
    [[nodiscard]] std::uint64_t rows_outside_years() const { return rows_outside_years_; }
    // Sums that would have overflowed int64 öre (hostile input only) and were left out; a
    // reconciliation over such outcomes says so.
    [[nodiscard]] std::uint64_t overflows() const { return overflows_; }
    [[nodiscard]] const std::vector<std::int32_t>& years_with_rows() const { return years_; }

private:
    std::vector<FiscalYear> fiscal_years_;
    std::map<AccountPeriod, OutcomeCell> by_account_period_;
    std::map<AccountPeriodObject, OutcomeCell> by_object_;
    std::map<YearAccount, core::Money> by_year_account_;
    std::map<YearAccountObject, core::Money> by_year_object_;
    std::vector<std::int32_t> years_;  // sorted, unique
    std::uint64_t vouchers_ = 0;
    std::uint64_t lines_ = 0;
    std::uint64_t rows_outside_years_ = 0;
    std::uint64_t overflows_ = 0;
};

// The outcome of the file's accepted vouchers (SieFile::vouchers).
[[nodiscard]] Outcomes ComputeOutcomes(const SieFile& file);

struct Difference {
    BalanceKind kind = BalanceKind::kRes;
    std::int32_t year = 0;
    std::optional<Period> period;
    std::string account;
    std::vector<ObjectRef> objects;
    core::Money expected;           // the file's balance (0 when the file has no row, see above)
    core::Money computed;           // bfu's, from the vouchers
    std::uint32_t source_line = 0;  // the balance row; 0 when the file has none
    // computed - expected; kOutOfRange only for amounts no real ledger has.
    [[nodiscard]] core::Result<core::Money> Delta() const {
        return core::Money::Sub(computed, expected);
    }
};

struct ReconcileOptions {
    bool force = false;  // reconcile a 4I file too
};

struct Reconciliation {
    bool performed = false;
    std::string skipped_reason;  // why not performed
    std::vector<std::int32_t> years_checked;
    std::uint64_t checked = 0;            // balance rows compared
    std::uint64_t not_checked = 0;        // rows of years without vouchers, multi-object rows
    std::vector<Difference> differences;  // ordered by kind, year, account, period, objects
    [[nodiscard]] bool Clean() const { return performed && differences.empty(); }
};

// Compares the file's balances with outcomes (normally ComputeOutcomes(file); in streaming
// mode the Outcomes the sink fed). The checked years are those holding rows of accepted
// vouchers or the date of a rejected one, so a rejected voucher's effect shows up as a
// difference rather than a silently skipped year.
[[nodiscard]] Reconciliation Reconcile(const SieFile& file, const Outcomes& outcomes,
                                       const ReconcileOptions& options = {});

}  // namespace bfu::sie
