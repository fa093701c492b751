#include "bfu/domain/forecast.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "bfu/domain/budget.hpp"
#include "test_org.hpp"

namespace bfu::domain {
namespace {

using core::Money;

MonthlyAmounts Even(std::int64_t per_month) {
    MonthlyAmounts m{};
    m.fill(per_month);
    return m;
}

std::int64_t Sum(const MonthlyAmounts& m) {
    return std::accumulate(m.begin(), m.end(), std::int64_t{0});
}

TEST(ForecastProfileTrend, OnBudgetForecastsTheBudget) {
    const auto f = ForecastProfileTrend(Even(1000), Even(1000), 3, {});
    EXPECT_EQ(f.total, Money::FromOre(12000));
    EXPECT_EQ(f.outcome_to_date, Money::FromOre(4000));
    EXPECT_EQ(f.rest, Money::FromOre(8000));
}

TEST(ForecastProfileTrend, TrendIsDampedByItsWeight) {
    MonthlyAmounts outcome = Even(1100);  // 10 % over budget so far
    const MonthlyAmounts budget = Even(1000);
    // Through April (index 3): O = 4400, Btd = 4000, Brest = 8000.
    EXPECT_EQ(ForecastProfileTrend(outcome, budget, 3, {0}).total, Money::FromOre(12400));
    EXPECT_EQ(ForecastProfileTrend(outcome, budget, 3, {100}).total, Money::FromOre(13200));
    EXPECT_EQ(ForecastProfileTrend(outcome, budget, 3, {50}).total, Money::FromOre(12800));
    EXPECT_FALSE((ForecastConfig{101}).Validate().ok());
}

TEST(ForecastProfileTrend, RevenueBudgetShortfallRaisesNetCost) {
    // Revenue budget -1000 a month; only -900 arrives.
    const auto f = ForecastProfileTrend(Even(-900), Even(-1000), 5, {100});
    EXPECT_EQ(f.total, Money::FromOre(-10800));
    EXPECT_EQ(f.months[6], -900);
}

TEST(ForecastProfileTrend, NoBudgetToDateMeansNoTrend) {
    MonthlyAmounts budget{};
    budget[11] = 5000;
    MonthlyAmounts outcome{};
    outcome[0] = 300;
    const auto f = ForecastProfileTrend(outcome, budget, 1, {100});
    EXPECT_EQ(f.total, Money::FromOre(5300));
    EXPECT_EQ(f.months[11], 5000);
}

TEST(ForecastProfileTrend, ClosedYearIsTheOutcome) {
    const auto f = ForecastProfileTrend(Even(7), Even(1000), 11, {50});
    EXPECT_EQ(f.total, Money::FromOre(84));
    EXPECT_EQ(f.rest, Money::Zero());
}

// Property: for every closed month t, total == outcome to date + forecast of the rest, the
// closed months equal the outcome, and the months sum to the total.
TEST(ForecastProperty, ClosedMonthForecastIsOutcomePlusRest) {
    std::mt19937_64 rng(2026);
    for (int i = 0; i < 20000; ++i) {
        MonthlyAmounts outcome{};
        MonthlyAmounts budget{};
        const bool revenue = rng() % 3 == 0;
        for (std::size_t m = 0; m < 12; ++m) {
            budget[m] = static_cast<std::int64_t>(rng() % 10'000'000) * (revenue ? -1 : 1);
            outcome[m] = static_cast<std::int64_t>(rng() % 20'000'000) - 5'000'000;
        }
        const int t = static_cast<int>(rng() % 13) - 1;
        const ForecastConfig cfg{static_cast<std::int64_t>(rng() % 101)};
        const Forecast f = (i % 2 == 0) ? ForecastProfileTrend(outcome, budget, t, cfg)
                                        : ForecastRunRate(outcome, t, std::span(&budget, 1));
        std::int64_t o = 0;
        std::int64_t rest = 0;
        for (int m = 0; m < 12; ++m) {
            if (m <= t) {
                ASSERT_EQ(f.months[static_cast<std::size_t>(m)],
                          outcome[static_cast<std::size_t>(m)]);
                o += outcome[static_cast<std::size_t>(m)];
            } else {
                rest += f.months[static_cast<std::size_t>(m)];
            }
        }
        ASSERT_EQ(f.outcome_to_date.ore(), o);
        ASSERT_EQ(f.rest.ore(), rest);
        ASSERT_EQ(f.total.ore(), o + rest);
        ASSERT_EQ(Sum(f.months), f.total.ore());
    }
}

TEST(ForecastRunRate, UsesSeasonalityFromEarlierYears) {
    // Earlier years: twice as much in the second half.
    MonthlyAmounts hist{};
    for (std::size_t m = 0; m < 12; ++m) hist[m] = m < 6 ? 100 : 200;
    const std::vector<MonthlyAmounts> history = {hist, hist};
    MonthlyAmounts outcome{};
    for (std::size_t m = 0; m < 6; ++m) outcome[m] = 1000;
    const auto f = ForecastRunRate(outcome, 5, history);
    EXPECT_EQ(f.method, ForecastMethod::kRunRate);
    EXPECT_EQ(f.total, Money::FromOre(6000 + 12000));
    EXPECT_EQ(f.months[6], 2000);
    // Without history: plain run-rate.
    EXPECT_EQ(ForecastRunRate(outcome, 5, {}).total, Money::FromOre(12000));
}

TEST(ForecastUnit, SumsGroupsEachWithItsOwnTrend) {
    const Organisation org = testing::BuildSmall();
    const ChartOfAccounts chart = ChartOfAccounts::KommunBasDefault();
    const FiscalYear fy = FiscalYear::Calendar(2026);
    BudgetBook book(fy);
    const UnitIndex u = testing::U(org, "HT1");
    const GroupIndex personal = *chart.FindGroup("personal");
    const GroupIndex intakter = *chart.FindGroup("intakter");
    book.Set({u, personal, Money::FromOre(12000), Profile::Even()});
    book.Set({u, intakter, Money::FromOre(-2400), Profile::Even()});
    const Cube budget = book.Materialize(org, chart, fy.LastDay());
    OutcomeLedger ledger(org, fy, chart.GroupKinds());
    for (std::uint8_t m = 0; m < 2; ++m) {
        ledger.Post({u, personal, 0, m, 1100});  // +10 %
        ledger.Post({u, intakter, 1, m, -200});  // on budget
    }
    const auto f = ForecastUnit(ledger.cube(), budget, u, GroupKind::kOperating, 1, {100});
    // personal: 2200 + 10000 * 1.1 = 13200; intakter: -2400.
    EXPECT_EQ(f.total, Money::FromOre(10800));
    EXPECT_EQ(Sum(f.months), 10800);
}

TEST(ForecastBook, ManagerForecastStandsForItsRoundEvenWhenLate) {
    ForecastBook book(FiscalYear::Calendar(2026));
    const core::UnitId ht1("HT1");
    Forecast computed;
    computed.total = Money::FromKronor(1'000'000);
    ASSERT_TRUE(book.RecordComputed(ht1, 2, computed).ok());
    ASSERT_TRUE(book.RecordComputed(ht1, 3, computed).ok());
    const Date deadline = Date::Parse("2026-05-08").value();
    // Submitted for round 2 on 20 May, after the round's deadline (and after round 3 was
    // computed): it stands for round 2, marked late, and does not touch round 3.
    ManagerForecast mf{ht1,
                       2,
                       Money::FromKronor(1'150'000),
                       "Vikarier under sjukskrivningar",
                       "Chef HT1",
                       Date::Parse("2026-05-20").value()};
    ASSERT_TRUE(book.Submit(mf, deadline).ok());
    const auto r2 = book.ForRound(ht1, 2);
    ASSERT_TRUE(r2.has_value());
    EXPECT_EQ(r2->method, ForecastMethod::kManager);
    EXPECT_EQ(r2->amount, Money::FromKronor(1'150'000));
    EXPECT_TRUE(r2->late);
    EXPECT_EQ(r2->comment, "Vikarier under sjukskrivningar");
    EXPECT_EQ(book.ForRound(ht1, 3)->method, ForecastMethod::kProfileTrend);
    EXPECT_EQ(book.Current(ht1)->round, 3);
    // An older submission arriving later does not replace the newer one.
    ManagerForecast older = mf;
    older.amount = Money::FromKronor(900'000);
    older.submitted_on = Date::Parse("2026-05-02").value();
    ASSERT_TRUE(book.Submit(older, deadline).ok());
    EXPECT_EQ(book.ForRound(ht1, 2)->amount, Money::FromKronor(1'150'000));
}

TEST(ForecastBook, OnTimeSubmissionIsNotLateAndCommentIsRequired) {
    ForecastBook book(FiscalYear::Calendar(2026));
    ManagerForecast mf{
        core::UnitId("SB1"), 1, Money::FromKronor(10), "", "x", Date::Parse("2026-03-01").value()};
    const Date deadline = Date::Parse("2026-03-10").value();
    EXPECT_EQ(book.Submit(mf, deadline).error().field, "comment");
    mf.comment = "Enligt plan";
    ASSERT_TRUE(book.Submit(mf, deadline).ok());
    EXPECT_FALSE(book.ForRound(core::UnitId("SB1"), 1)->late);
    mf.round = 7;
    EXPECT_FALSE(book.Submit(mf, deadline).ok());
    EXPECT_FALSE(book.ForRound(core::UnitId("SB1"), 2).has_value());
}

TEST(ForecastAccuracy, MeasuredPerRoundAgainstTheYearsOutcome) {
    const std::vector<RoundForecast> rounds = {
        {1, Money::FromKronor(1'100'000), ForecastMethod::kProfileTrend, "", false, std::nullopt},
        {2, Money::FromKronor(990'000), ForecastMethod::kManager, "x", true, std::nullopt},
    };
    const auto acc = MeasureAccuracy(rounds, Money::FromKronor(1'000'000));
    ASSERT_EQ(acc.size(), 2u);
    EXPECT_EQ(acc[0].error, Money::FromKronor(100'000));
    EXPECT_EQ(acc[0].abs_error_bp, 1000);
    EXPECT_EQ(acc[1].error, Money::FromKronor(-10'000));
    EXPECT_EQ(acc[1].abs_error_bp, 100);
    EXPECT_EQ(acc[1].method, ForecastMethod::kManager);
    EXPECT_EQ(MeasureAccuracy(rounds, Money::Zero())[0].abs_error_bp, 0);
}

}  // namespace
}  // namespace bfu::domain
