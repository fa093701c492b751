// Forecaster: full-year forecasts (profile + trend, trend weight 50 %) from unit aggregates.
#include "bfu/forecasting/forecaster.hpp"

#include <gtest/gtest.h>

#include "test_master.hpp"

namespace bfu::forecasting {
namespace {

// An aggregate for `unit` with a budget of `monthly_budget` every month and an outcome of
// `monthly_outcome` in every month through fiscal month `through` (0 = January).
contracts::UnitAggregate Aggregate(const std::string& unit, int through,
                                   std::int64_t monthly_budget, std::int64_t monthly_outcome,
                                   int year = test::kYear) {
    contracts::UnitAggregate a;
    a.year = year;
    a.unit = core::UnitId(unit);
    a.level = contracts::OrgLevel::kEnhet;
    a.through_period =
        std::to_string(year) + (through + 1 < 10 ? "0" : "") + std::to_string(through + 1);
    a.as_of = "2026-03-31T12:00:00.000Z";
    for (int m = 0; m < 12; ++m) {
        auto& cell = a.totals.months[static_cast<std::size_t>(m)];
        cell.budget_ore = monthly_budget;
        cell.outcome_ore = m <= through ? monthly_outcome : 0;
        a.totals.budget_ore += monthly_budget;
        a.totals.outcome_ore += cell.outcome_ore;
        if (m <= through) {
            a.totals.outcome_to_date_ore += monthly_outcome;
            a.totals.budget_to_date_ore += monthly_budget;
        }
    }
    return a;
}

class ForecasterTest : public ::testing::Test {
protected:
    ForecasterTest() { forecaster_.SetMaster(test::StandardMaster()); }
    Forecaster forecaster_;
};

TEST_F(ForecasterTest, ForecastsOutcomeToDatePlusRestOfBudgetAdjustedByHalfTheTrend) {
    // Through March: O = 3 x 11 000 000 = 33 000 000, Btd = 30 000 000, Brest = 90 000 000.
    // rest = Brest + 0.5 * Brest * (O - Btd) / Btd = 90 000 000 + 4 500 000 = 94 500 000;
    // forecast = 33 000 000 + 94 500 000 = 127 500 000.
    auto out =
        forecaster_.OnAggregate(Aggregate("ENH1", 2, 10'000'000, 11'000'000), test::TestNow());
    ASSERT_TRUE(out.ok()) << out.error().message;
    ASSERT_EQ(out->forecasts.size(), 1u);
    const auto& f = out->forecasts[0];
    EXPECT_EQ(f.total_ore, 127'500'000);
    EXPECT_EQ(f.budget_ore, 120'000'000);
    EXPECT_EQ(f.year, 2026);
    EXPECT_EQ(f.unit.value(), "ENH1");
    EXPECT_EQ(f.round, 2);  // March belongs to round 2 (March-April)
    EXPECT_EQ(f.method, contracts::ForecastMethod::kBlend);
    EXPECT_EQ(f.inputs.through_period, "202603");
    EXPECT_EQ(f.inputs.outcome_to_date_ore, 33'000'000);
    EXPECT_EQ(f.inputs.budget_to_date_ore, 30'000'000);
    EXPECT_EQ(f.inputs.remaining_profile_ore, 90'000'000);
    EXPECT_EQ(f.inputs.trend_adjustment_ore, 4'500'000);
    EXPECT_EQ(f.made_at, core::ToRfc3339(test::TestNow()));
    EXPECT_EQ(f.Key(), "2026:ENH1:2");
    // 7 500 000 over an annual budget of 120 000 000: 6.25 % and 75 000 kr, past the enhet
    // threshold (50 000 kr and 5 %).
    ASSERT_EQ(out->deviations.size(), 1u);
    EXPECT_EQ(out->deviations[0].kind, contracts::DeviationKind::kForecast);
}

TEST(Forecaster, NumbersRoundsBimonthlyFromTheThroughMonth) {
    const int expected_round[12] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6};
    for (int through = 0; through < 12; ++through) {
        SCOPED_TRACE(through);
        // A fresh forecaster each time: January and February give the same total in round 1,
        // which would not be written twice.
        Forecaster forecaster;
        forecaster.SetMaster(test::StandardMaster());
        auto out = forecaster.OnAggregate(Aggregate("ENH2", through, 1'000'000, 1'000'000),
                                          test::TestNow());
        ASSERT_TRUE(out.ok());
        ASSERT_EQ(out->forecasts.size(), 1u);
        EXPECT_EQ(out->forecasts[0].round, expected_round[through]);
        // On budget every month: the forecast is the budget, 12 000 000.
        EXPECT_EQ(out->forecasts[0].total_ore, 12'000'000);
    }
}

TEST_F(ForecasterTest, DoesNotWriteAnUnchangedTotalTwice) {
    auto a = Aggregate("ENH1", 1, 10'000'000, 10'000'000);
    auto first = forecaster_.OnAggregate(a, test::TestNow());
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->forecasts.size(), 1u);
    auto same = forecaster_.OnAggregate(a, test::TestNow());
    ASSERT_TRUE(same.ok());
    EXPECT_TRUE(same->forecasts.empty());
    EXPECT_TRUE(same->deviations.empty());
    // A new outcome changes the total: written again, same round.
    a.totals.months[1].outcome_ore = 10'000'100;
    auto changed = forecaster_.OnAggregate(a, test::TestNow());
    ASSERT_TRUE(changed.ok());
    ASSERT_EQ(changed->forecasts.size(), 1u);
    EXPECT_EQ(changed->forecasts[0].round, 1);
    // O = 20 000 100, Btd = 20 000 000, Brest = 100 000 000:
    // rest = 100 000 000 + 0.5 * 100 000 000 * 100 / 20 000 000 = 100 000 250.
    EXPECT_EQ(changed->forecasts[0].total_ore, 120'000'350);
    // The same total in the next round is that round's first forecast.
    auto next_round =
        forecaster_.OnAggregate(Aggregate("ENH1", 2, 10'000'000, 10'000'000), test::TestNow());
    ASSERT_TRUE(next_round.ok());
    ASSERT_EQ(next_round->forecasts.size(), 1u);
    EXPECT_EQ(next_round->forecasts[0].round, 2);
}

TEST_F(ForecasterTest, OpensForecastDeviationWhenForecastIsFarAboveBudget) {
    // Through February ENH1 spends 15 000 000 a month against 10 000 000: O = 30 000 000,
    // Btd = 20 000 000, Brest = 100 000 000, rest = 100 000 000 + 0.5 * 100 000 000 * 0.5
    // = 125 000 000, forecast 155 000 000: 35 000 000 (29.2 %) over the annual budget.
    auto out =
        forecaster_.OnAggregate(Aggregate("ENH1", 1, 10'000'000, 15'000'000), test::TestNow());
    ASSERT_TRUE(out.ok());
    ASSERT_EQ(out->forecasts.size(), 1u);
    EXPECT_EQ(out->forecasts[0].total_ore, 155'000'000);
    ASSERT_EQ(out->deviations.size(), 1u);
    const auto& d = out->deviations[0];
    EXPECT_EQ(d.deviation_id.value(), "forecast:2026:ENH1");
    EXPECT_EQ(d.kind, contracts::DeviationKind::kForecast);
    EXPECT_EQ(d.event, contracts::DeviationEventKind::kOpened);
    EXPECT_EQ(d.period, "202602");
    EXPECT_EQ(d.budget_ore, 120'000'000);
    EXPECT_EQ(d.outcome_ore, 155'000'000);
    EXPECT_EQ(d.deviation_ore, 35'000'000);
    EXPECT_NEAR(d.share, 35.0 / 120.0, 1e-4);
    EXPECT_EQ(d.responsible.name, "Maja Öberg");
    ASSERT_EQ(d.notified.size(), 1u);
    EXPECT_EQ(d.notified[0].name, "Olof Björk");
    EXPECT_FALSE(d.within_mandate);  // 350 000 kr against a mandate of 100 000 kr
}

TEST_F(ForecasterTest, OpensNoDeviationWhenForecastIsWithinTolerance) {
    // 10 400 000 a month through February: forecast 120 000 000 + 800 000 + 0.5 *
    // 100 000 000 * 800 000 / 20 000 000 = 122 800 000: 28 000 kr, below 50 000 kr.
    auto out =
        forecaster_.OnAggregate(Aggregate("ENH1", 1, 10'000'000, 10'400'000), test::TestNow());
    ASSERT_TRUE(out.ok());
    ASSERT_EQ(out->forecasts.size(), 1u);
    EXPECT_EQ(out->forecasts[0].total_ore, 122'800'000);
    EXPECT_TRUE(out->deviations.empty());
}

TEST_F(ForecasterTest, IgnoresAggregatesOfAnotherYear) {
    auto out = forecaster_.OnAggregate(Aggregate("ENH1", 1, 10'000'000, 15'000'000, 2025),
                                       test::TestNow());
    ASSERT_TRUE(out.ok());
    EXPECT_TRUE(out->forecasts.empty());
    EXPECT_TRUE(out->deviations.empty());
}

TEST_F(ForecasterTest, RejectsAggregateOfUnknownUnit) {
    auto out = forecaster_.OnAggregate(Aggregate("GHOST", 1, 1, 1), test::TestNow());
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().code, core::Errc::kNotFound);
}

TEST(Forecaster, RefusesAggregatesWithoutMasterData) {
    Forecaster f;
    auto out = f.OnAggregate(Aggregate("ENH1", 1, 1, 1), test::TestNow());
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error().code, core::Errc::kFailedPrecondition);
}

}  // namespace
}  // namespace bfu::forecasting
