#include "bfu/domain/budget.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "test_org.hpp"

namespace bfu::domain {
namespace {

using core::Money;
using testing::BuildSmall;
using testing::U;

std::int64_t Sum(const MonthlyAmounts& m) {
    return std::accumulate(m.begin(), m.end(), std::int64_t{0});
}
Date D(const char* s) { return Date::Parse(s).value(); }

TEST(Spread, EvenSplitDistributesRemainderToEarliestMonths) {
    const auto m = Spread(Money::FromOre(1000), Profile::Even(), FiscalYear::Calendar(2026));
    // 1000 / 12 = 83 rest 4: the first four months get 84.
    const MonthlyAmounts expect = {84, 84, 84, 84, 83, 83, 83, 83, 83, 83, 83, 83};
    EXPECT_EQ(m, expect);
}

TEST(Spread, NegativeRevenueBudgetMirrorsThePositiveOne) {
    const FiscalYear fy = FiscalYear::Calendar(2026);
    const auto pos = Spread(Money::FromOre(1000), Profile::Even(), fy);
    const auto neg = Spread(Money::FromOre(-1000), Profile::Even(), fy);
    for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(neg[i], -pos[i]);
    EXPECT_EQ(Sum(neg), -1000);
}

TEST(Spread, PersonnelProfileDipsInJulyAndPeaksInJune) {
    const auto m =
        Spread(Money::FromKronor(11'750'000), Profile::Personnel(), FiscalYear::Calendar(2026));
    EXPECT_EQ(m[0], Money::FromKronor(1'000'000).ore());
    EXPECT_EQ(m[5], Money::FromKronor(1'150'000).ore());
    EXPECT_EQ(m[6], Money::FromKronor(700'000).ore());
    EXPECT_EQ(m[7], Money::FromKronor(900'000).ore());
    EXPECT_EQ(Sum(m), Money::FromKronor(11'750'000).ore());
}

TEST(Spread, ProfilesFollowCalendarMonthsInAJulyFiscalYear) {
    const FiscalYear fy = FiscalYear::Of(2025, 7).value();
    const auto m = Spread(Money::FromKronor(100), Profile::Heating(), fy);
    // Fiscal month 0 is July (weight 1), fiscal month 6 is January (weight 16).
    EXPECT_EQ(m[0], 100);
    EXPECT_EQ(m[6], 1600);
    EXPECT_EQ(Sum(m), 10000);
}

TEST(Spread, ExplicitMonthsAreReproducedExactly) {
    const std::array<std::int64_t, 12> months = {5, 0, 7, 11, 0, 0, 3, 1, 2, 9, 0, 62};
    const auto p = Profile::Explicit(months).value();
    const auto m = Spread(Money::FromOre(100), p, FiscalYear::Calendar(2026));
    for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(m[i], months[i]);
    EXPECT_FALSE(Profile::Explicit({}).ok());
    EXPECT_FALSE(Profile::Explicit({1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).ok());
    EXPECT_FALSE(Profile::Named("weekly").ok());
}

TEST(SpreadProperty, MonthsAlwaysSumToTheAnnualAmount) {
    std::mt19937_64 rng(123);
    const FiscalYear fy = FiscalYear::Of(2026, 1 + static_cast<int>(rng() % 12)).value();
    for (int i = 0; i < 20000; ++i) {
        std::array<std::int64_t, 12> w{};
        for (auto& x : w) x = static_cast<std::int64_t>(rng() % 1000);
        w[rng() % 12] += 1;
        const auto annual =
            static_cast<std::int64_t>(rng() % 2'000'000'000'000ull) - 1'000'000'000'000;
        const auto m = Spread(Money::FromOre(annual), Profile::Explicit(w).value(), fy);
        ASSERT_EQ(Sum(m), annual);
        // No month strays more than one öre from its exact share.
        std::int64_t total_w = 0;
        for (auto x : w) total_w += x;
        for (int k = 0; k < 12; ++k) {
            const int cal = fy.PeriodAt(k).month() - 1;
            const long double exact = static_cast<long double>(annual) *
                                      static_cast<long double>(w[static_cast<std::size_t>(cal)]) /
                                      static_cast<long double>(total_w);
            ASSERT_LE(std::abs(static_cast<long double>(m[static_cast<std::size_t>(k)]) - exact),
                      1.0L);
        }
    }
}

TEST(BudgetBook, RevisionAppliesFromItsDecisionDate) {
    const Organisation org = BuildSmall();
    const ChartOfAccounts chart = ChartOfAccounts::KommunBasDefault();
    const GroupIndex personal = *chart.FindGroup("personal");
    BudgetBook book(FiscalYear::Calendar(2026));
    book.Set({U(org, "HT1"), personal, Money::FromKronor(1'200'000), Profile::Even()});
    ASSERT_TRUE(book.Revise({"rev-1", U(org, "HT1"), personal, Money::FromKronor(120'000),
                             std::nullopt, D("2026-03-15"), "§ 45/2026"})
                    .ok());
    EXPECT_EQ(book.AnnualAt(U(org, "HT1"), personal, D("2026-03-14")),
              Money::FromKronor(1'200'000));
    EXPECT_EQ(book.AnnualAt(U(org, "HT1"), personal, D("2026-03-15")),
              Money::FromKronor(1'320'000));
    EXPECT_EQ(book.ToDate(U(org, "HT1"), personal, 2, D("2026-01-31")), Money::FromKronor(300'000));
    EXPECT_EQ(book.ToDate(U(org, "HT1"), personal, 2, D("2026-04-01")), Money::FromKronor(330'000));
    const auto revs = book.RevisionsAt(U(org, "HT1"), personal, D("2026-12-31"));
    ASSERT_EQ(revs.size(), 1u);
    EXPECT_EQ(revs[0].decision_ref, "§ 45/2026");
}

TEST(BudgetBook, RejectsDuplicateRevisionAndRevisionWithoutBudget) {
    BudgetBook book(FiscalYear::Calendar(2026));
    book.Set({0, 0, Money::FromKronor(100), Profile::Even()});
    const BudgetRevision r{"r1", 0, 0, Money::FromKronor(5), std::nullopt, D("2026-02-01"), "§ 1"};
    ASSERT_TRUE(book.Revise(r).ok());
    const auto again = book.Revise(r);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, core::Errc::kAlreadyExists);
    EXPECT_EQ(book.AnnualAt(0, 0, D("2026-12-31")), Money::FromKronor(105));
    const auto none =
        book.Revise({"r2", 1, 0, Money::FromKronor(5), std::nullopt, D("2026-02-01"), ""});
    EXPECT_EQ(none.error().code, core::Errc::kNotFound);
}

TEST(BudgetBook, UnitWithNoBudgetIsZeroEverywhere) {
    BudgetBook book(FiscalYear::Calendar(2026));
    EXPECT_FALSE(book.HasBudget(3, 2));
    EXPECT_EQ(book.AnnualAt(3, 2, D("2026-06-30")), Money::Zero());
    EXPECT_EQ(book.ToDate(3, 2, 11, D("2026-06-30")), Money::Zero());
    EXPECT_EQ(book.MonthsAt(3, 2, D("2026-06-30")), MonthlyAmounts{});
}

TEST(BudgetBook, MaterializeRollsUpToEveryLevel) {
    const Organisation org = BuildSmall();
    const ChartOfAccounts chart = ChartOfAccounts::KommunBasDefault();
    const GroupIndex personal = *chart.FindGroup("personal");
    const GroupIndex intakter = *chart.FindGroup("intakter");
    BudgetBook book(FiscalYear::Calendar(2026));
    book.Set({U(org, "HT1"), personal, Money::FromKronor(1'200'000), Profile::Personnel()});
    book.Set({U(org, "SB1"), personal, Money::FromKronor(2'400'000), Profile::Even()});
    book.Set({U(org, "SB1"), intakter, Money::FromKronor(-600'000), Profile::Even()});
    const Cube cube = book.Materialize(org, chart, D("2026-12-31"));
    EXPECT_EQ(cube.KindToDate(U(org, "OMS"), GroupKind::kOperating, 11),
              Money::FromKronor(3'000'000).ore());
    EXPECT_EQ(cube.GroupToDate(U(org, "KF"), intakter, 11), Money::FromKronor(-600'000).ore());
    EXPECT_EQ(cube.GroupToDate(U(org, "HT"), personal, 11), Money::FromKronor(1'200'000).ore());
    EXPECT_EQ(cube.KindToDate(U(org, "HT2"), GroupKind::kOperating, 11), 0);
}

}  // namespace
}  // namespace bfu::domain
