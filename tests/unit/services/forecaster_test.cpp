// Forecaster: full-year forecasts per unit and account group, by round from the timetable, on
// material change, managers' forecasts, run-rate with seasonality, accuracy and forecast
// deviations (profile + trend with trend weight 50 %).
#include "bfu/forecasting/forecaster.hpp"

#include <gtest/gtest.h>

#include "test_master.hpp"

namespace bfu::forecasting {
namespace {

using contracts::ForecastMethod;
using contracts::ForecastReason;

std::string PeriodText(int year, int month_index) {
    return std::to_string(year) + (month_index + 1 < 10 ? "0" : "") +
           std::to_string(month_index + 1);
}

// An aggregate for `unit` with a budget of `monthly_budget` every month and an outcome of
// `monthly_outcome` in every month through fiscal month `through` (0 = January); totals only.
contracts::UnitAggregate Aggregate(const std::string& unit, int through,
                                   std::int64_t monthly_budget, std::int64_t monthly_outcome,
                                   int year = test::kYear) {
    contracts::UnitAggregate a;
    a.year = year;
    a.unit = core::UnitId(unit);
    a.level = contracts::OrgLevel::kEnhet;
    a.through_period = PeriodText(year, through);
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

// One account group "personal" with the given monthly outcome (through `through`) and budget.
contracts::UnitAggregate GroupAggregate(const std::string& unit, int year, int through,
                                        const std::array<std::int64_t, 12>& outcome,
                                        std::int64_t monthly_budget) {
    contracts::UnitAggregate a;
    a.year = year;
    a.unit = core::UnitId(unit);
    a.through_period = PeriodText(year, through);
    a.as_of = "2026-03-31T12:00:00.000Z";
    contracts::AggregateGroup g;
    g.account_group = "personal";
    for (std::size_t m = 0; m < 12; ++m) {
        const std::int64_t o = static_cast<int>(m) <= through ? outcome[m] : 0;
        g.months[m] = {o, monthly_budget};
        a.totals.months[m] = {o, monthly_budget};
        g.outcome_ore += o;
        g.budget_ore += monthly_budget;
    }
    a.totals.outcome_ore = g.outcome_ore;
    a.totals.budget_ore = g.budget_ore;
    a.groups.push_back(g);
    return a;
}

domain::Date D(const char* text) { return domain::Date::Parse(text).value(); }

class ForecasterTest : public ::testing::Test {
protected:
    ForecasterTest() { forecaster_.SetMaster(test::StandardMaster()); }

    ForecastOutput Put(const contracts::UnitAggregate& a, domain::Date on) {
        EXPECT_TRUE(forecaster_.PutAggregate(a).ok());
        return forecaster_.Evaluate(on, test::TestNow());
    }

    contracts::ForecastSubmission Submission(int round, std::int64_t amount_ore,
                                             const std::string& at) {
        contracts::ForecastSubmission s;
        s.year = test::kYear;
        s.unit = core::UnitId("ENH1");
        s.round = round;
        s.amount_ore = amount_ore;
        s.comment = "Två långtidssjukskrivningar";
        s.by = {"Maja Öberg", "enhetschef", "maja@ex.se"};
        s.submitted_at = at;
        return s;
    }

    Forecaster forecaster_;
};

TEST_F(ForecasterTest, RoundsFollowTheTimetable) {
    // Default timetable: each round on the last weekday of Feb, Apr, ... Dec.
    EXPECT_EQ(forecaster_.RoundDate(1), D("2026-02-27"));  // 28 Feb 2026 is a Saturday
    EXPECT_EQ(forecaster_.RoundDate(2), D("2026-04-30"));
    EXPECT_EQ(forecaster_.RoundOn(D("2026-01-02")), 1);
    EXPECT_EQ(forecaster_.RoundOn(D("2026-02-27")), 1);
    EXPECT_EQ(forecaster_.RoundOn(D("2026-02-28")), 2);
    EXPECT_EQ(forecaster_.RoundOn(D("2026-12-31")), 6);
    EXPECT_EQ(forecaster_.RoundOn(D("2027-01-15")), 6);
}

TEST_F(ForecasterTest, ForecastsOutcomeToDatePlusRestOfBudgetAdjustedByHalfTheTrend) {
    // Through March: O = 3 x 11 000 000 = 33 000 000, Btd = 30 000 000, Brest = 90 000 000.
    // rest = Brest + 0.5 * Brest * (O - Btd) / Btd = 90 000 000 + 4 500 000 = 94 500 000;
    // forecast = 33 000 000 + 94 500 000 = 127 500 000.
    auto out = Put(Aggregate("ENH1", 2, 10'000'000, 11'000'000), D("2026-04-10"));
    ASSERT_EQ(out.forecasts.size(), 1u);
    const auto& f = out.forecasts[0];
    EXPECT_EQ(f.total_ore, 127'500'000);
    EXPECT_EQ(f.budget_ore, 120'000'000);
    EXPECT_EQ(f.year, 2026);
    EXPECT_EQ(f.unit.value(), "ENH1");
    EXPECT_EQ(f.round, 2);  // 10 April: round 2 (30 April) is the current one
    EXPECT_EQ(f.method, ForecastMethod::kBlend);
    EXPECT_EQ(f.inputs.reason, ForecastReason::kOutcomeChanged);
    EXPECT_EQ(f.inputs.through_period, "202603");
    EXPECT_EQ(f.inputs.outcome_to_date_ore, 33'000'000);
    EXPECT_EQ(f.inputs.budget_to_date_ore, 30'000'000);
    EXPECT_EQ(f.inputs.remaining_profile_ore, 90'000'000);
    EXPECT_EQ(f.inputs.trend_adjustment_ore, 4'500'000);
    EXPECT_FALSE(f.inputs.history_years.has_value());
    EXPECT_EQ(f.made_at, core::ToRfc3339(test::TestNow()));
    EXPECT_EQ(f.Key(), "2026:ENH1:2");
    auto back = contracts::Forecast::FromJson(f.ToJson());
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, f);
}

TEST_F(ForecasterTest, WritesAgainWithinARoundOnlyWhenTheForecastMovesMaterially) {
    // Enhet threshold 50 000 kr, material = half of it: 25 000 kr = 2 500 000 öre.
    auto first = Put(Aggregate("ENH1", 1, 10'000'000, 10'000'000), D("2026-03-10"));
    ASSERT_EQ(first.forecasts.size(), 1u);
    EXPECT_EQ(first.forecasts[0].total_ore, 120'000'000);
    // +1 000 000 a month: O = 22 000 000, rest = 100 000 000 + 0.5 * 100 000 000 * 0.1
    // = 105 000 000, total 127 000 000: moved 70 000 kr, written.
    auto moved = Put(Aggregate("ENH1", 1, 10'000'000, 11'000'000), D("2026-03-11"));
    ASSERT_EQ(moved.forecasts.size(), 1u);
    EXPECT_EQ(moved.forecasts[0].total_ore, 127'000'000);
    EXPECT_EQ(moved.forecasts[0].round, 2);
    // +100 000 öre in one month: O = 22 100 000, rest = 100 000 000 + 0.5 * 100 000 000 *
    // 2 100 000 / 20 000 000 = 105 250 000, total 127 350 000: moved 3 500 kr, not written.
    auto a = Aggregate("ENH1", 1, 10'000'000, 11'000'000);
    a.totals.months[1].outcome_ore += 100'000;
    auto small = Put(a, D("2026-03-12"));
    EXPECT_TRUE(small.forecasts.empty());
    EXPECT_TRUE(small.deviations.empty());
}

TEST_F(ForecasterTest, WritesEveryUnitsForecastWhenItsRoundComes) {
    // First seen on 10 March: round 1 (27 Feb) had passed and is not written late.
    auto a = Aggregate("ENH1", 1, 10'000'000, 10'000'000);
    auto first = Put(a, D("2026-03-10"));
    ASSERT_EQ(first.forecasts.size(), 1u);
    EXPECT_EQ(first.forecasts[0].round, 2);
    // An immaterial change, not written then ...
    a.totals.months[1].outcome_ore += 100'000;
    EXPECT_TRUE(Put(a, D("2026-04-02")).forecasts.empty());
    // ... is written for round 2 when the round's date comes, and only once.
    auto due = forecaster_.Evaluate(D("2026-04-30"), test::TestNow());
    ASSERT_EQ(due.forecasts.size(), 1u);
    EXPECT_EQ(due.forecasts[0].round, 2);
    EXPECT_EQ(due.forecasts[0].inputs.reason, ForecastReason::kRound);
    // O = 20 100 000, rest = 100 000 000 + 0.5 * 100 000 000 * 100 000 / 20 000 000.
    EXPECT_EQ(due.forecasts[0].total_ore, 120'350'000);
    EXPECT_TRUE(forecaster_.Evaluate(D("2026-04-30"), test::TestNow()).forecasts.empty());
    // Round 3 is then the current one: the first change after it writes round 3.
    a.totals.months[1].outcome_ore += 1;
    auto next = Put(a, D("2026-05-04"));
    ASSERT_EQ(next.forecasts.size(), 1u);
    EXPECT_EQ(next.forecasts[0].round, 3);
}

TEST_F(ForecasterTest, AManagersForecastStandsForItsRound) {
    (void)Put(Aggregate("ENH1", 2, 10'000'000, 11'000'000), D("2026-04-10"));
    ASSERT_TRUE(
        forecaster_.PutSubmission(Submission(2, 125'000'000, "2026-04-11T08:00:00.000Z")).ok());
    auto out = forecaster_.Evaluate(D("2026-04-11"), test::TestNow());
    ASSERT_EQ(out.forecasts.size(), 1u);
    const auto& f = out.forecasts[0];
    EXPECT_EQ(f.method, ForecastMethod::kManager);
    EXPECT_EQ(f.round, 2);
    EXPECT_EQ(f.total_ore, 125'000'000);
    EXPECT_EQ(f.inputs.reason, ForecastReason::kSubmission);
    EXPECT_EQ(f.inputs.submission_comment, "Två långtidssjukskrivningar");
    ASSERT_TRUE(f.inputs.submitted_by.has_value());
    EXPECT_EQ(f.inputs.submitted_by->email, "maja@ex.se");
    EXPECT_EQ(f.inputs.submitted_at, "2026-04-11T08:00:00.000Z");
    EXPECT_EQ(f.inputs.outcome_to_date_ore, 33'000'000);  // the computed inputs stay recorded
    // A material change of the outcome in the same round does not replace it ...
    EXPECT_TRUE(
        Put(Aggregate("ENH1", 2, 10'000'000, 14'000'000), D("2026-04-20")).forecasts.empty());
    // ... an older submission arriving late does not either ...
    ASSERT_TRUE(forecaster_.PutSubmission(Submission(2, 1, "2026-04-10T08:00:00.000Z")).ok());
    EXPECT_TRUE(forecaster_.Evaluate(D("2026-04-21"), test::TestNow()).forecasts.empty());
    // ... and the next round is computed afresh.
    auto next = Put(Aggregate("ENH1", 3, 10'000'000, 14'000'000), D("2026-05-10"));
    ASSERT_EQ(next.forecasts.size(), 1u);
    EXPECT_EQ(next.forecasts[0].round, 3);
    EXPECT_EQ(next.forecasts[0].method, ForecastMethod::kBlend);
}

TEST_F(ForecasterTest, RefusesSubmissionsForAnotherYearOrUnknownUnit) {
    auto s = Submission(2, 1, "2026-04-11T08:00:00.000Z");
    s.year = 2025;
    EXPECT_EQ(forecaster_.PutSubmission(s).error().code, core::Errc::kInvalidArgument);
    s = Submission(2, 1, "2026-04-11T08:00:00.000Z");
    s.unit = core::UnitId("GHOST");
    EXPECT_EQ(forecaster_.PutSubmission(s).error().code, core::Errc::kNotFound);
}

TEST_F(ForecasterTest, UsesRunRateWithSeasonalityWhenEarlierYearsHaveOutcome) {
    // 2025: 1 000 000 a month January-June, 2 000 000 July-December.
    std::array<std::int64_t, 12> last_year{};
    for (std::size_t m = 0; m < 12; ++m) last_year[m] = m < 6 ? 1'000'000 : 2'000'000;
    ASSERT_TRUE(forecaster_.PutAggregate(GroupAggregate("ENH1", 2025, 11, last_year, 0)).ok());
    // 2026 through February: 1 100 000 a month, O = 2 200 000. S_td = 2 000 000, S_rest =
    // 16 000 000: rest = 2 200 000 * 16 / 2 = 17 600 000, total 19 800 000.
    std::array<std::int64_t, 12> now{};
    now.fill(1'100'000);
    auto out = Put(GroupAggregate("ENH1", 2026, 1, now, 1'000'000), D("2026-03-10"));
    ASSERT_EQ(out.forecasts.size(), 1u);
    const auto& f = out.forecasts[0];
    EXPECT_EQ(f.total_ore, 19'800'000);
    EXPECT_EQ(f.method, ForecastMethod::kTrend);
    EXPECT_EQ(f.inputs.history_years, 1);
    ASSERT_EQ(f.groups.size(), 1u);
    EXPECT_EQ(f.groups[0].account_group, "personal");
    EXPECT_EQ(f.groups[0].annual_ore, 19'800'000);
    EXPECT_EQ(f.groups[0].method, ForecastMethod::kTrend);
}

TEST_F(ForecasterTest, UsesProfileAndTrendPerGroupWithoutHistory) {
    std::array<std::int64_t, 12> now{};
    now.fill(1'100'000);
    // O = 2 200 000, Btd = 2 000 000, Brest = 10 000 000: rest = 10 000 000 + 0.5 *
    // 10 000 000 * 0.1 = 10 500 000, total 12 700 000.
    auto out = Put(GroupAggregate("ENH1", 2026, 1, now, 1'000'000), D("2026-03-10"));
    ASSERT_EQ(out.forecasts.size(), 1u);
    EXPECT_EQ(out.forecasts[0].total_ore, 12'700'000);
    EXPECT_EQ(out.forecasts[0].method, ForecastMethod::kBlend);
    EXPECT_EQ(out.forecasts[0].groups[0].method, ForecastMethod::kBlend);
}

TEST_F(ForecasterTest, OpensForecastDeviationWithSeverityAndMandateLikeBudgetDeviations) {
    // Through February ENH1 spends 15 000 000 a month against 10 000 000: O = 30 000 000,
    // Btd = 20 000 000, Brest = 100 000 000, rest = 100 000 000 + 0.5 * 100 000 000 * 0.5
    // = 125 000 000, forecast 155 000 000: 35 000 000 (29.2 %) over the annual budget.
    auto out = Put(Aggregate("ENH1", 1, 10'000'000, 15'000'000), D("2026-03-10"));
    ASSERT_EQ(out.forecasts.size(), 1u);
    EXPECT_EQ(out.forecasts[0].total_ore, 155'000'000);
    ASSERT_EQ(out.deviations.size(), 1u);
    const auto& d = out.deviations[0];
    EXPECT_EQ(d.deviation_id.value(), "forecast:2026:ENH1");
    EXPECT_EQ(d.kind, contracts::DeviationKind::kForecast);
    EXPECT_EQ(d.event, contracts::DeviationEventKind::kOpened);
    EXPECT_EQ(d.seq, 1);
    EXPECT_EQ(d.level, contracts::OrgLevel::kEnhet);
    EXPECT_EQ(d.period, "202602");
    EXPECT_EQ(d.budget_ore, 120'000'000);
    EXPECT_EQ(d.outcome_ore, 155'000'000);
    EXPECT_EQ(d.deviation_ore, 35'000'000);
    EXPECT_NEAR(d.share, 35.0 / 120.0, 1e-4);
    // 350 000 kr is 7 x the amount threshold and 5.8 x the share threshold: critical (>= 4).
    EXPECT_EQ(d.severity, contracts::Severity::kCritical);
    EXPECT_EQ(d.responsible.name, "Maja Öberg");
    // Beyond the enhet's mandate, within the verksamhet's: the verksamhet and its superior.
    ASSERT_EQ(d.notified.size(), 2u);
    EXPECT_EQ(d.notified[0].name, "Olof Björk");
    EXPECT_EQ(d.notified[1].name, "Sara Nord");
    EXPECT_FALSE(d.within_mandate);  // 350 000 kr against a mandate of 100 000 kr
}

TEST_F(ForecasterTest, ContinuesARestoredForecastDeviation) {
    service::DeviationRecord r;
    r.latest.deviation_id = core::DeviationId("forecast:2026:ENH1");
    r.latest.seq = 3;
    r.latest.unit = core::UnitId("ENH1");
    r.latest.kind = contracts::DeviationKind::kForecast;
    r.latest.year = 2026;
    r.latest.period = "202602";
    r.latest.event = contracts::DeviationEventKind::kOpened;
    r.latest.budget_ore = 120'000'000;
    r.latest.deviation_ore = 35'000'000;
    r.latest.severity = contracts::Severity::kCritical;
    r.has_status = true;
    r.last_seq = 4;  // an acknowledgement came after it
    forecaster_.RestoreDeviations({r});
    // Back on budget: the restored deviation closes with the next seq instead of nothing.
    auto out = Put(Aggregate("ENH1", 2, 10'000'000, 10'000'000), D("2026-04-10"));
    ASSERT_EQ(out.deviations.size(), 1u);
    EXPECT_EQ(out.deviations[0].event, contracts::DeviationEventKind::kClosed);
    EXPECT_EQ(out.deviations[0].seq, 5);
}

// A manager's acknowledgement is written by analysis with the next seq (2); forecasting's next
// event of the deviation must be 3. It once wrote 2 again: two different events with one id,
// and a consumer de-duplicating by id dropped one (bfu reconcile found it in the demo year).
TEST_F(ForecasterTest, AnAcknowledgementByAnotherWriterAdvancesTheNumbering) {
    auto opened = Put(Aggregate("ENH1", 1, 10'000'000, 15'000'000), D("2026-03-10"));
    ASSERT_EQ(opened.deviations.size(), 1u);
    ASSERT_EQ(opened.deviations[0].seq, 1);
    service::DeviationRecord r;
    r.latest = opened.deviations[0];
    r.has_status = true;
    r.last_seq = 2;  // analysis's "acknowledged"
    // Without the acknowledgement nothing changes: the numbering is forecasting's own.
    forecaster_.ContinueNumbering({});
    forecaster_.ContinueNumbering({r});
    auto closed = Put(Aggregate("ENH1", 2, 10'000'000, 10'000'000), D("2026-04-10"));
    ASSERT_EQ(closed.deviations.size(), 1u);
    EXPECT_EQ(closed.deviations[0].event, contracts::DeviationEventKind::kClosed);
    EXPECT_EQ(closed.deviations[0].seq, 3);
    // An older record never moves the numbering back.
    r.last_seq = 1;
    forecaster_.ContinueNumbering({r});
}

TEST_F(ForecasterTest, MeasuresAccuracyPerRoundAndLevelOnceTheYearHasEnded) {
    // Round 2 forecast 127 500 000 (see above); round 6 forecast 120 000 000 written on
    // 31 December from a year on budget.
    (void)Put(Aggregate("ENH1", 2, 10'000'000, 11'000'000), D("2026-04-10"));
    auto before = forecaster_.Accuracy(D("2026-12-31"));
    ASSERT_FALSE(before.ok());
    EXPECT_EQ(before.error().code, core::Errc::kFailedPrecondition);

    auto year = Aggregate("ENH1", 11, 10'000'000, 10'000'000);  // actual 120 000 000
    (void)Put(year, D("2026-12-31"));
    auto acc = forecaster_.Accuracy(D("2027-01-20"));
    ASSERT_TRUE(acc.ok()) << acc.error().ToString();
    ASSERT_EQ(acc->units.size(), 1u);
    const auto& u = acc->units[0];
    EXPECT_EQ(u.actual_ore, 120'000'000);
    ASSERT_EQ(u.rounds.size(), 2u);
    EXPECT_EQ(u.rounds[0].round, 2);
    EXPECT_EQ(u.rounds[0].error.ore(), 7'500'000);
    EXPECT_EQ(u.rounds[0].abs_error_bp, 625);  // 6.25 %
    EXPECT_EQ(u.rounds[1].round, 6);
    EXPECT_EQ(u.rounds[1].abs_error_bp, 0);
    ASSERT_EQ(acc->by_level.size(), 2u);
    EXPECT_EQ(acc->by_level[0].round, 2);
    EXPECT_EQ(acc->by_level[0].level, "enhet");
    EXPECT_EQ(acc->by_level[0].units, 1);
    EXPECT_EQ(acc->by_level[0].mean_abs_error_bp, 625);
    const auto j = acc->ToJson();
    EXPECT_EQ(j["byLevel"][0]["meanAbsErrorBp"], 625);
    EXPECT_EQ(j["units"][0]["rounds"][1]["forecastOre"], 120'000'000);
}

TEST_F(ForecasterTest, IgnoresAggregatesOfLaterYearsAndRejectsUnknownUnits) {
    EXPECT_TRUE(forecaster_.PutAggregate(Aggregate("ENH1", 1, 1, 1, 2027)).ok());
    EXPECT_TRUE(forecaster_.Evaluate(D("2026-03-10"), test::TestNow()).forecasts.empty());
    EXPECT_EQ(forecaster_.PutAggregate(Aggregate("GHOST", 1, 1, 1)).error().code,
              core::Errc::kNotFound);
}

TEST(Forecaster, RefusesAggregatesWithoutMasterData) {
    Forecaster f;
    auto s = f.PutAggregate(Aggregate("ENH1", 1, 1, 1));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, core::Errc::kFailedPrecondition);
}

TEST(DecideSubmission, AcceptsAManagerInTheLineAndRefusesOthers) {
    auto md = test::StandardMaster();
    ASSERT_NE(md, nullptr);
    const nlohmann::json ok{{"unit", "ENH1"},
                            {"amountSek", "1 250 000"},
                            {"comment", "Vikarier t.o.m. juni"},
                            {"by", "olof@ex.se"}};
    auto s = DecideSubmission(ok, *md, 2026, 2, test::TestNow());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    EXPECT_EQ(s->year, 2026);
    EXPECT_EQ(s->round, 2);
    EXPECT_EQ(s->amount_ore, 125'000'000);
    EXPECT_EQ(s->by.name, "Olof Björk");
    EXPECT_EQ(s->by.role, "verksamhetschef");
    EXPECT_EQ(s->submitted_at, core::ToRfc3339(test::TestNow()));
    auto back = contracts::ForecastSubmission::FromJson(s->ToJson());
    ASSERT_TRUE(back.ok()) << back.error().ToString();

    auto with_round = ok;
    with_round["round"] = 4;
    EXPECT_EQ(DecideSubmission(with_round, *md, 2026, 2, test::TestNow())->round, 4);

    struct Case {
        const char* field;
        nlohmann::json value;
        core::Errc code;
    };
    for (const auto& c : std::vector<Case>{{"by", "emil@ex.se", core::Errc::kPermissionDenied},
                                           {"unit", "GHOST", core::Errc::kNotFound},
                                           {"amountSek", "12,345", core::Errc::kInvalidArgument},
                                           {"comment", "", core::Errc::kInvalidArgument},
                                           {"round", 7, core::Errc::kInvalidArgument}}) {
        auto bad = ok;
        bad[c.field] = c.value;
        auto r = DecideSubmission(bad, *md, 2026, 2, test::TestNow());
        ASSERT_FALSE(r.ok()) << c.field;
        EXPECT_EQ(r.error().code, c.code) << c.field;
        EXPECT_EQ(r.error().field, c.field);
    }
}

}  // namespace
}  // namespace bfu::forecasting
