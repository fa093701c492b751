#include "bfu/domain/budget.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace bfu::domain {
namespace {

using core::Errc;
using core::Error;
__extension__ using Int128 = __int128;

}  // namespace

Profile Profile::Even() {
    Profile p;
    p.kind = ProfileKind::kEven;
    p.weights.fill(1);
    return p;
}

Profile Profile::Personnel() {
    Profile p;
    p.kind = ProfileKind::kPersonnel;
    p.weights = {100, 100, 100, 100, 100, 115, 70, 90, 100, 100, 100, 100};
    return p;
}

Profile Profile::Heating() {
    Profile p;
    p.kind = ProfileKind::kHeating;
    p.weights = {16, 14, 12, 8, 4, 1, 1, 1, 4, 9, 13, 17};
    return p;
}

core::Result<Profile> Profile::Explicit(std::array<std::int64_t, 12> weights) {
    std::int64_t sum = 0;
    for (std::int64_t w : weights) {
        if (w < 0) {
            return Error(Errc::kInvalidArgument, "profile",
                         "explicit profile weights must be >= 0; give revenue budgets as a "
                         "negative annual amount instead");
        }
        if (__builtin_add_overflow(sum, w, &sum)) {
            return Error(Errc::kOutOfRange, "profile", "explicit profile weights are too large");
        }
    }
    if (sum == 0) {
        return Error(Errc::kInvalidArgument, "profile",
                     "explicit profile weights are all zero; at least one month needs a weight");
    }
    Profile p;
    p.kind = ProfileKind::kExplicit;
    p.weights = weights;
    return p;
}

core::Result<Profile> Profile::Named(std::string_view name) {
    if (name == "even") return Even();
    if (name == "personnel") return Personnel();
    if (name == "heating") return Heating();
    return Error(Errc::kInvalidArgument, "profile",
                 "unknown profile '" + std::string(name) +
                     "'; use even, personnel, heating or explicit weights");
}

std::vector<std::int64_t> SpreadByWeights(std::int64_t amount,
                                          const std::vector<std::int64_t>& weights) {
    const std::size_t n = weights.size();
    std::vector<std::int64_t> out(n, 0);
    Int128 total_w = 0;
    for (std::int64_t w : weights) {
        assert(w >= 0);
        total_w += w;
    }
    assert(total_w > 0);
    if (n == 0 || total_w == 0) return out;
    const bool negative = amount < 0;
    const Int128 mag = negative ? -static_cast<Int128>(amount) : static_cast<Int128>(amount);
    std::vector<Int128> rem(n, 0);
    Int128 given = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Int128 num = mag * weights[i];
        out[i] = static_cast<std::int64_t>(num / total_w);
        rem[i] = num % total_w;
        given += out[i];
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return rem[a] > rem[b]; });
    // The leftover is below n because each month lost less than one öre to truncation.
    auto left = static_cast<std::size_t>(mag - given);
    for (std::size_t k = 0; k < left; ++k) ++out[order[k]];
    if (negative) {
        for (auto& v : out) v = -v;
    }
    return out;
}

MonthlyAmounts Spread(core::Money annual, const Profile& profile, FiscalYear fy) {
    std::vector<std::int64_t> w(kMonths);
    for (int i = 0; i < kMonths; ++i) {
        const int cal = fy.PeriodAt(i).month() - 1;
        w[static_cast<std::size_t>(i)] = profile.weights[static_cast<std::size_t>(cal)];
    }
    const auto v = SpreadByWeights(annual.ore(), w);
    MonthlyAmounts out{};
    std::copy(v.begin(), v.end(), out.begin());
    return out;
}

void BudgetBook::Set(const BudgetEntry& entry) {
    auto& line = lines_[{entry.unit, entry.group}];
    line.base = entry;
}

core::Status BudgetBook::Revise(const BudgetRevision& revision) {
    if (revision.id.empty()) {
        return Error(Errc::kInvalidArgument, "revision", "a budget revision needs an id");
    }
    if (revision_ids_.count(revision.id) != 0) {
        return Error(Errc::kAlreadyExists, "revision " + revision.id,
                     "budget revision '" + revision.id + "' (" + revision.decision_ref +
                         ") is already applied");
    }
    const auto it = lines_.find({revision.unit, revision.group});
    if (it == lines_.end()) {
        return Error(Errc::kNotFound, "revision " + revision.id,
                     "budget revision '" + revision.id +
                         "' changes a unit and group with no budget; set the budget first");
    }
    auto& revs = it->second.revisions;
    const auto pos = std::upper_bound(
        revs.begin(), revs.end(), revision,
        [](const BudgetRevision& a, const BudgetRevision& b) { return a.decided < b.decided; });
    revs.insert(pos, revision);
    revision_ids_.emplace(revision.id, std::make_pair(revision.unit, revision.group));
    return core::Ok();
}

core::Money BudgetBook::AnnualAt(UnitIndex u, GroupIndex g, Date as_of) const {
    const auto it = lines_.find({u, g});
    if (it == lines_.end()) return core::Money::Zero();
    core::Money m = it->second.base.annual;
    for (const auto& r : it->second.revisions) {
        if (r.decided > as_of) break;
        m += r.delta;
    }
    return m;
}

MonthlyAmounts BudgetBook::MonthsAt(UnitIndex u, GroupIndex g, Date as_of) const {
    const auto it = lines_.find({u, g});
    if (it == lines_.end()) return MonthlyAmounts{};
    core::Money m = it->second.base.annual;
    Profile p = it->second.base.profile;
    for (const auto& r : it->second.revisions) {
        if (r.decided > as_of) break;
        m += r.delta;
        if (r.profile) p = *r.profile;
    }
    return Spread(m, p, fy_);
}

core::Money BudgetBook::ToDate(UnitIndex u, GroupIndex g, int through, Date as_of) const {
    const MonthlyAmounts months = MonthsAt(u, g, as_of);
    std::int64_t sum = 0;
    for (int m = 0; m <= std::min(through, kMonths - 1); ++m) {
        sum += months[static_cast<std::size_t>(m)];
    }
    return core::Money::FromOre(sum);
}

bool BudgetBook::HasBudget(UnitIndex u, GroupIndex g) const { return lines_.count({u, g}) != 0; }

std::vector<BudgetRevision> BudgetBook::RevisionsAt(UnitIndex u, GroupIndex g, Date as_of) const {
    std::vector<BudgetRevision> out;
    const auto it = lines_.find({u, g});
    if (it == lines_.end()) return out;
    for (const auto& r : it->second.revisions) {
        if (r.decided > as_of) break;
        out.push_back(r);
    }
    return out;
}

Cube BudgetBook::Materialize(const Organisation& org, const ChartOfAccounts& chart,
                             Date as_of) const {
    Cube cube(org, fy_, chart.GroupKinds());
    for (const auto& [key, line] : lines_) {
        if (key.first >= org.size() || key.second >= chart.group_count()) continue;
        const MonthlyAmounts months = MonthsAt(key.first, key.second, as_of);
        for (int m = 0; m < kMonths; ++m) {
            const std::int64_t v = months[static_cast<std::size_t>(m)];
            if (v != 0) cube.Add(key.first, key.second, m, v);
        }
    }
    return cube;
}

}  // namespace bfu::domain
