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
#include <optional>
#include <string>
#include <unordered_map>
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

struct AccountPeriodKey {
    std::string account;
    Period period;
    friend bool operator==(const AccountPeriodKey&, const AccountPeriodKey&) = default;
};
struct ObjectKey {
    std::string account;
    Period period;
    std::int32_t dimension = 0;
    std::string object;
    friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
};
struct YearAccountKey {
    std::int32_t year = 0;
    std::string account;
    friend bool operator==(const YearAccountKey&, const YearAccountKey&) = default;
};
struct YearObjectKey {
    std::int32_t year = 0;
    std::string account;
    std::int32_t dimension = 0;
    std::string object;
    friend bool operator==(const YearObjectKey&, const YearObjectKey&) = default;
};

struct OutcomeKeyHash {
    std::size_t operator()(const AccountPeriodKey& k) const noexcept;
    std::size_t operator()(const ObjectKey& k) const noexcept;
    std::size_t operator()(const YearAccountKey& k) const noexcept;
    std::size_t operator()(const YearObjectKey& k) const noexcept;
};

// Sums of the accepted vouchers' rows, per account and period (calendar month of the row's
// date), per account, period and object, and per fiscal year. Feed vouchers one by one (Add,
// e.g. from a streaming parse) or a whole file (ComputeOutcomes). Hash maps: constant time per
// row; the Sorted* listings sort on demand for output.
//
// Thread-safety: not synchronised; one writer, or readers only.
class Outcomes {
public:
    template <typename K, typename V>
    using Map = std::unordered_map<K, V, OutcomeKeyHash>;

    Outcomes() = default;
    // fiscal_years decide each row's year index; rows outside every year count in
    // rows_outside_years() and in the period maps only.
    explicit Outcomes(std::vector<FiscalYear> fiscal_years)
        : fiscal_years_(std::move(fiscal_years)) {}

    void Add(const Voucher& v);

    // Lookups; absent keys are zero.
    [[nodiscard]] OutcomeCell AccountPeriod(const std::string& account, Period p) const;
    [[nodiscard]] OutcomeCell AccountPeriodObject(const std::string& account, Period p,
                                                  std::int32_t dimension,
                                                  const std::string& object) const;
    [[nodiscard]] core::Money YearAccount(std::int32_t year, const std::string& account) const;
    [[nodiscard]] core::Money YearAccountObject(std::int32_t year, const std::string& account,
                                                std::int32_t dimension,
                                                const std::string& object) const;

    // Everything, unordered.
    [[nodiscard]] const Map<AccountPeriodKey, OutcomeCell>& by_account_period() const {
        return by_account_period_;
    }
    [[nodiscard]] const Map<ObjectKey, OutcomeCell>& by_object() const { return by_object_; }
    [[nodiscard]] const Map<YearAccountKey, core::Money>& by_year_account() const {
        return by_year_account_;
    }

    // Everything, sorted by account, then period (then dimension and object).
    [[nodiscard]] std::vector<std::pair<AccountPeriodKey, OutcomeCell>> SortedByAccountPeriod()
        const;
    [[nodiscard]] std::vector<std::pair<ObjectKey, OutcomeCell>> SortedByObject() const;

    [[nodiscard]] std::uint64_t vouchers() const { return vouchers_; }
    [[nodiscard]] std::uint64_t lines() const { return lines_; }
    [[nodiscard]] std::uint64_t rows_outside_years() const { return rows_outside_years_; }
    // Sums that would have overflowed int64 öre (hostile input only) and were left out; a
    // reconciliation over such outcomes says so.
    [[nodiscard]] std::uint64_t overflows() const { return overflows_; }
    [[nodiscard]] const std::vector<std::int32_t>& years_with_rows() const { return years_; }

private:
    std::vector<FiscalYear> fiscal_years_;
    Map<AccountPeriodKey, OutcomeCell> by_account_period_;
    Map<ObjectKey, OutcomeCell> by_object_;
    Map<YearAccountKey, core::Money> by_year_account_;
    Map<YearObjectKey, core::Money> by_year_object_;
    std::vector<std::int32_t> years_;  // sorted, unique
    std::uint64_t vouchers_ = 0;
    std::uint64_t lines_ = 0;
    std::uint64_t rows_outside_years_ = 0;
    std::uint64_t overflows_ = 0;
    // Reused between rows, so that Add allocates only for new keys.
    AccountPeriodKey ap_key_;
    ObjectKey object_key_;
    YearAccountKey year_key_;
    YearObjectKey year_object_key_;
    std::vector<ObjectRef> unique_;
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
