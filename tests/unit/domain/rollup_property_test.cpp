// Property tests over generated municipalities (tests/support/generated_municipality.hpp): at
// every level and month, and through every judged month, a unit's figures are its own plus
// the sum of what is listed under it in that month's tree - with reorganisations by date -
// and a reorganisation moves no money: totals before and after agree, and each unit keeps
// what was booked on it.
#include <gtest/gtest.h>

#include <map>

#include "bfu/domain/budget.hpp"
#include "bfu/domain/cube.hpp"
#include "bfu/domain/org.hpp"
#include "support/generated_municipality.hpp"

namespace bfu::domain {
namespace {

using bfu::testing::GeneratedMunicipality;

ChartOfAccounts Chart() {
    std::vector<AccountGroup> groups = {
        {"personal", "Personal", GroupKind::kOperating, "personnel"},
        {"material", "Material", GroupKind::kOperating, "even"},
        {"lokaler", "Lokaler", GroupKind::kOperating, "even"},
        {"intakter", "Intäkter", GroupKind::kOperating, "even"},
    };
    std::vector<PrefixRule> rules = {
        {"5", "personal"}, {"4", "material"}, {"6", "lokaler"}, {"3", "intakter"}};
    return ChartOfAccounts::Build(std::move(groups), std::move(rules), std::nullopt).value();
}

Organisation Build(const GeneratedMunicipality& m, bool with_moves) {
    std::vector<UnitSpec> specs;
    for (const auto& u : m.units) {
        UnitSpec s;
        s.id = core::UnitId(u.id);
        s.name = u.name;
        s.level = ParseLevel(u.level).value();
        if (!u.parent.empty()) s.parent = core::UnitId(u.parent);
        s.mandate = core::Money::FromOre(u.mandate_ore);
        specs.push_back(std::move(s));
    }
    std::vector<UnitMove> moves;
    if (with_moves) {
        for (const auto& mv : m.moves) {
            moves.push_back({core::UnitId(mv.unit), core::UnitId(mv.to_parent),
                             Date::FromYmd(m.year, mv.month, mv.day).value(), "KS § 1"});
        }
    }
    return Organisation::Build(std::move(specs), std::move(moves)).value();
}

struct Books {
    OutcomeLedger outcome;
    Cube budget;
};

Books Post(const GeneratedMunicipality& m, const Organisation& org, const ChartOfAccounts& chart) {
    const FiscalYear fy = FiscalYear::Calendar(m.year);
    Books b{OutcomeLedger(org, fy, chart.GroupKinds()), {}};
    Interner accounts;
    for (const auto& l : m.lines) {
        b.outcome.Post({*org.Find(l.unit), *chart.FindGroup(l.group), accounts.Intern(l.account),
                        static_cast<std::uint8_t>(l.month - 1), l.ore});
    }
    BudgetBook book(fy);
    for (const auto& x : m.budgets) {
        book.Set({*org.Find(x.unit), *chart.FindGroup(x.group), core::Money::FromOre(x.annual_ore),
                  Profile::Even()});
    }
    b.budget = book.Materialize(org, chart, fy.LastDay());
    return b;
}

// Own(u) + the totals of every unit whose parent on the month's first day is u.
void ExpectEveryLevelIsItsOwnPlusItsChildren(const Organisation& org, const Cube& cube,
                                             FiscalYear fy, const char* what) {
    for (int month = 0; month < kMonths; ++month) {
        const auto parents = org.ParentsAt(fy.PeriodAt(month).FirstDay());
        for (GroupIndex g = 0; g < cube.group_count(); ++g) {
            std::vector<std::int64_t> sum(org.size(), 0);
            for (UnitIndex c = 0; c < org.size(); ++c) {
                if (parents[c] != kNoUnit) sum[parents[c]] += cube.Total(c, g, month);
            }
            for (UnitIndex u = 0; u < org.size(); ++u) {
                ASSERT_EQ(cube.Total(u, g, month), cube.Own(u, g, month) + sum[u])
                    << what << " " << org.unit(u).id.value() << " group " << g << " month "
                    << month;
            }
        }
    }
    // Through every judged month: to date is the months' sums, so also own + children of
    // each month's tree.
    for (int judged = -1; judged < kMonths; ++judged) {
        for (UnitIndex u = 0; u < org.size(); ++u) {
            std::int64_t expected = 0;
            for (int month = 0; month <= judged; ++month) {
                expected += cube.KindTotal(u, GroupKind::kOperating, month);
            }
            ASSERT_EQ(cube.KindToDate(u, GroupKind::kOperating, judged), expected);
        }
    }
}

class RollUpProperty : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(RollUpProperty, EveryLevelIsTheSumOfWhatIsUnderItInEachMonthsTree) {
    bfu::testing::GenOptions options;
    options.own_postings_on_verksamheter = true;
    options.moves = 4;
    const auto m = bfu::testing::GenerateMunicipality(GetParam(), 2026, options);
    ASSERT_FALSE(m.moves.empty());
    const auto chart = Chart();
    const Organisation org = Build(m, true);
    const auto books = Post(m, org, chart);
    const FiscalYear fy = FiscalYear::Calendar(2026);
    ExpectEveryLevelIsItsOwnPlusItsChildren(org, books.outcome.cube(), fy, "outcome");
    ExpectEveryLevelIsItsOwnPlusItsChildren(org, books.budget, fy, "budget");
    // The root holds everything booked, each month.
    for (int month = 0; month < kMonths; ++month) {
        std::int64_t all = 0;
        for (const auto& l : m.lines) {
            if (l.month - 1 == month) all += l.ore;
        }
        EXPECT_EQ(books.outcome.cube().KindTotal(org.root(), GroupKind::kOperating, month), all);
    }
}

TEST_P(RollUpProperty, AReorganisationMovesNoMoneyAndHistoryStaysWhereItWasBooked) {
    const auto m = bfu::testing::GenerateMunicipality(GetParam(), 2026);
    ASSERT_FALSE(m.moves.empty());
    const auto chart = Chart();
    const Organisation before = Build(m, false);
    const Organisation after = Build(m, true);
    const auto b = Post(m, before, chart);
    const auto a = Post(m, after, chart);
    const FiscalYear fy = FiscalYear::Calendar(2026);
    for (int month = 0; month < kMonths; ++month) {
        for (GroupIndex g = 0; g < chart.groups().size(); ++g) {
            EXPECT_EQ(a.outcome.cube().Total(after.root(), g, month),
                      b.outcome.cube().Total(before.root(), g, month));
            EXPECT_EQ(a.budget.Total(after.root(), g, month),
                      b.budget.Total(before.root(), g, month));
            for (UnitIndex u = 0; u < after.size(); ++u) {
                // Same ids in the same order: each unit keeps its own postings.
                ASSERT_EQ(a.outcome.cube().Own(u, g, month), b.outcome.cube().Own(u, g, month));
            }
        }
    }
    // A move on the first of a month counts from that month, a mid-month one from the next:
    // before it the old parent holds the unit, from it the new one.
    for (const auto& mv : m.moves) {
        const UnitIndex unit = *after.Find(mv.unit);
        const UnitIndex from = *after.Find(mv.from_parent);
        const UnitIndex to = *after.Find(mv.to_parent);
        const int first_month = (mv.day == 1 ? mv.month : mv.month + 1) - 1;
        for (int month = 0; month < kMonths; ++month) {
            const UnitIndex p = after.ParentsAt(fy.PeriodAt(month).FirstDay())[unit];
            EXPECT_EQ(p, month < first_month ? from : to) << mv.unit << " month " << month;
        }
        // The old parent keeps the months before the move, the new one gets the rest.
        const auto op = GroupKind::kOperating;
        const std::int64_t unit_before =
            first_month > 0 ? a.outcome.cube().KindToDate(unit, op, first_month - 1) : 0;
        const std::int64_t unit_year = a.outcome.cube().KindToDate(unit, op, kMonths - 1);
        const std::int64_t from_delta = b.outcome.cube().KindToDate(from, op, kMonths - 1) -
                                        a.outcome.cube().KindToDate(from, op, kMonths - 1);
        const std::int64_t to_delta = a.outcome.cube().KindToDate(to, op, kMonths - 1) -
                                      b.outcome.cube().KindToDate(to, op, kMonths - 1);
        if (m.moves.size() == 1) {
            EXPECT_EQ(from_delta, unit_year - unit_before);
            EXPECT_EQ(to_delta, unit_year - unit_before);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RollUpProperty, ::testing::Values(1u, 2u, 3u, 42u, 2026u));

TEST(RollUpProperty, OneMoveOnTheFirstOfSeptemberShiftsSeptemberToDecember) {
    bfu::testing::GenOptions options;
    options.moves = 1;
    const auto m = bfu::testing::GenerateMunicipality(7, 2026, options);
    ASSERT_EQ(m.moves.size(), 1u);
    ASSERT_EQ(m.moves[0].month, 9);
    ASSERT_EQ(m.moves[0].day, 1);
    const auto chart = Chart();
    const Organisation before = Build(m, false);
    const Organisation after = Build(m, true);
    const auto b = Post(m, before, chart);
    const auto a = Post(m, after, chart);
    const auto op = GroupKind::kOperating;
    const UnitIndex unit = *after.Find(m.moves[0].unit);
    const UnitIndex from = *after.Find(m.moves[0].from_parent);
    const UnitIndex to = *after.Find(m.moves[0].to_parent);
    const auto& ca = a.outcome.cube();
    const auto& cb = b.outcome.cube();
    const std::int64_t sep_dec = ca.KindToDate(unit, op, 11) - ca.KindToDate(unit, op, 7);
    EXPECT_EQ(cb.KindToDate(from, op, 11) - ca.KindToDate(from, op, 11), sep_dec);
    EXPECT_EQ(ca.KindToDate(to, op, 11) - cb.KindToDate(to, op, 11), sep_dec);
    // Through August nothing differs anywhere.
    for (UnitIndex u = 0; u < after.size(); ++u) {
        EXPECT_EQ(ca.KindToDate(u, op, 7), cb.KindToDate(u, op, 7)) << after.unit(u).id.value();
    }
}

}  // namespace
}  // namespace bfu::domain
