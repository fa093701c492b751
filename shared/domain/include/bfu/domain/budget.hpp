#pragma once
// Budgets (S5, S6, S15): an annual amount per unit and account group, spread over the months
// by a profile (periodisering), with revisions that carry the decision reference and date.
//
// Spreading is exact to the öre: month i gets annual * w_i / sum(w) rounded toward zero, and
// the öre left over go one each to the months with the largest remainders (ties: earliest
// fiscal month). The twelve months therefore always sum to the annual amount, for negative
// (revenue) budgets too, whose spread mirrors the positive one exactly.
//
// Profiles weigh calendar months (index 0 = January), so a "summer dip" stays in July in a
// fiscal year that starts in July; Spread maps them onto fiscal months.
//   even      - 1 each month
//   personnel - 100 a month, June 115 (semestertillägg, holiday pay), July 70 (summer dip:
//               holidays, fewer substitutes), August 90
//   heating   - Jan 16, Feb 14, Mar 12, Apr 8, May 4, Jun-Aug 1, Sep 4, Oct 9, Nov 13, Dec 17
//   explicit  - twelve weights given by the caller (calendar months); giving the monthly
//               amounts themselves as weights reproduces them exactly when they sum to the
//               annual amount.
//
// Revisions: a BudgetRevision changes (unit, group)'s annual amount by a delta from its
// decision date, and may replace the profile. A budget as of a date uses the revisions
// decided on or before that date, so a report regenerated for an earlier cut-off shows the
// budget then in force. The whole year is re-spread with the revised amount.
//
// Lifecycle: a BudgetBook is filled from master-data events (Set, Revise) by one owner and
// queried; Materialize produces an immutable Cube for the hot path. Not thread-safe for
// mutation; const methods are safe concurrently.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bfu/core/money.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/accounts.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/cube.hpp"
#include "bfu/domain/org.hpp"

namespace bfu::domain {

enum class ProfileKind : std::uint8_t { kEven, kPersonnel, kHeating, kExplicit };

struct Profile {
    ProfileKind kind = ProfileKind::kEven;
    std::array<std::int64_t, 12> weights{};  // by calendar month, January first

    [[nodiscard]] static Profile Even();
    [[nodiscard]] static Profile Personnel();
    [[nodiscard]] static Profile Heating();
    // Weights by calendar month; every weight >= 0 and at least one > 0.
    [[nodiscard]] static core::Result<Profile> Explicit(std::array<std::int64_t, 12> weights);
    // "even", "personnel", "heating" (explicit needs weights).
    [[nodiscard]] static core::Result<Profile> Named(std::string_view name);

    bool operator==(const Profile&) const = default;
};

// Spreads an annual amount over fiscal months by a profile (see the file comment).
[[nodiscard]] MonthlyAmounts Spread(core::Money annual, const Profile& profile, FiscalYear fy);
// Spreads amount over weights given directly in the order to fill (no calendar mapping);
// weights >= 0 with a positive sum. Largest-remainder, ties to the earliest index.
[[nodiscard]] std::vector<std::int64_t> SpreadByWeights(std::int64_t amount,
                                                        const std::vector<std::int64_t>& weights);

struct BudgetEntry {
    UnitIndex unit = 0;
    GroupIndex group = 0;
    core::Money annual;
    Profile profile;
};

struct BudgetRevision {
    std::string id;  // unique; a replayed revision with a known id is rejected as a duplicate
    UnitIndex unit = 0;
    GroupIndex group = 0;
    core::Money delta;               // change of the annual amount
    std::optional<Profile> profile;  // a new profile, if the decision changes it
    Date decided;
    std::string decision_ref;  // e.g. "§ 45/2026"
};

class BudgetBook {
public:
    explicit BudgetBook(FiscalYear fy) : fy_(fy) {}

    [[nodiscard]] FiscalYear fiscal_year() const noexcept { return fy_; }

    // The decided annual budget for (unit, group); replaces an earlier Set for the same key.
    void Set(const BudgetEntry& entry);
    // kAlreadyExists for a known revision id; kNotFound when (unit, group) has no budget
    // (a revision creates nothing: a new budget line is Set first, even with 0).
    [[nodiscard]] core::Status Revise(const BudgetRevision& revision);

    // Annual amount / profile in force on as_of (base + revisions decided on or before it).
    // A (unit, group) with no budget is 0.
    [[nodiscard]] core::Money AnnualAt(UnitIndex u, GroupIndex g, Date as_of) const;
    [[nodiscard]] MonthlyAmounts MonthsAt(UnitIndex u, GroupIndex g, Date as_of) const;
    // Budget for fiscal months 0..through (inclusive).
    [[nodiscard]] core::Money ToDate(UnitIndex u, GroupIndex g, int through, Date as_of) const;
    [[nodiscard]] bool HasBudget(UnitIndex u, GroupIndex g) const;

    // Revisions applied on as_of, in decision order.
    [[nodiscard]] std::vector<BudgetRevision> RevisionsAt(UnitIndex u, GroupIndex g,
                                                          Date as_of) const;

    // The budget in force on as_of as a rolled-up Cube (own = each unit's budget lines). Lines
    // whose unit or group index lies outside org / chart are left out: a book belongs to one
    // master-data version, and a new version fills a new book.
    [[nodiscard]] Cube Materialize(const Organisation& org, const ChartOfAccounts& chart,
                                   Date as_of) const;

private:
    struct Line {
        BudgetEntry base;
        std::vector<BudgetRevision> revisions;  // sorted by decided, then insertion
    };
    FiscalYear fy_;
    std::map<std::pair<UnitIndex, GroupIndex>, Line> lines_;
    std::map<std::string, std::pair<UnitIndex, GroupIndex>> revision_ids_;
};

}  // namespace bfu::domain
