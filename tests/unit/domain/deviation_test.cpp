#include "bfu/domain/deviation.hpp"

#include <gtest/gtest.h>

#include "bfu/domain/budget.hpp"
#include "test_org.hpp"

namespace bfu::domain {
namespace {

using core::Money;
using testing::BuildSmall;
using testing::U;

constexpr std::int64_t kTkr = 100'000;  // öre per tkr

const Threshold kEnhet{50 * kTkr, 500};

Observation Obs(std::int64_t actual, std::int64_t reference,
                DeviationKind kind = DeviationKind::kBudget) {
    Observation o;
    o.key = {core::UnitId("HT1"), kind, FiscalYear::Calendar(2026), ""};
    o.level = Level::kEnhet;
    o.as_of = Period::Parse("202603").value();
    o.actual = actual;
    o.reference = reference;
    return o;
}

TEST(Threshold, ExactlyAtTheThresholdDoesNotPass) {
    // Budget to date 1 Mkr; 50 tkr is exactly 5 % and exactly the amount: within tolerance.
    EXPECT_FALSE(PassesThreshold(50 * kTkr, 1000 * kTkr, kEnhet));
    EXPECT_FALSE(PassesThreshold(-50 * kTkr, 1000 * kTkr, kEnhet));
    // One öre more passes both parts.
    EXPECT_TRUE(PassesThreshold(50 * kTkr + 1, 1000 * kTkr, kEnhet));
    // Amount exceeded but share exactly 5 %: not passed (both must be exceeded).
    EXPECT_FALSE(PassesThreshold(100 * kTkr, 2000 * kTkr, kEnhet));
    // Share exceeded, amount not.
    EXPECT_FALSE(PassesThreshold(40 * kTkr, 100 * kTkr, kEnhet));
    // Amount exceeded, share not (budget 10 Mkr, 0.6 %).
    EXPECT_FALSE(PassesThreshold(60 * kTkr, 10'000 * kTkr, kEnhet));
}

TEST(Threshold, UnitWithNoBudgetIsJudgedByAmountAlone) {
    EXPECT_TRUE(PassesThreshold(50 * kTkr + 1, 0, kEnhet));
    EXPECT_FALSE(PassesThreshold(50 * kTkr, 0, kEnhet));
    EXPECT_FALSE(PassesThreshold(0, 0, Threshold{0, 0}));
    EXPECT_TRUE(PassesThreshold(1, 0, Threshold{0, 0}));
}

TEST(Evaluate, OpensAboveThresholdWithStableIdAndEvent) {
    const auto rules = DeviationRules::Defaults();
    const auto ev = Evaluate(nullptr, Obs(1060 * kTkr, 1000 * kTkr), kEnhet, rules);
    ASSERT_TRUE(ev.event.has_value());
    EXPECT_EQ(ev.event->type, TransitionType::kOpened);
    EXPECT_EQ(ev.event->id.value(), "budget:2026:HT1");
    EXPECT_EQ(ev.event->deviation, 60 * kTkr);
    EXPECT_EQ(ev.event->share_bp, 600);
    EXPECT_EQ(ev.event->direction, Direction::kUnfavourable);
    EXPECT_EQ(ev.event->severity, Severity::kMinor);
    EXPECT_EQ(ev.event->sequence, 1u);
    EXPECT_TRUE(ev.state.open);
    EXPECT_EQ(ev.state.opened_in.Code(), 202603);
}

TEST(Evaluate, ExactlyAtThresholdOpensNothing) {
    const auto ev =
        Evaluate(nullptr, Obs(1050 * kTkr, 1000 * kTkr), kEnhet, DeviationRules::Defaults());
    EXPECT_FALSE(ev.event.has_value());
    EXPECT_FALSE(ev.state.open);
}

TEST(Evaluate, HysteresisKeepsItOpenUntilBelowEightyPercent) {
    const auto rules = DeviationRules::Defaults();
    auto s = Evaluate(nullptr, Obs(1060 * kTkr, 1000 * kTkr), kEnhet, rules).state;
    // 45 tkr / 4.5 %: below the opening threshold, above 80 % of it -> stays open, no event.
    auto e = Evaluate(&s, Obs(1045 * kTkr, 1000 * kTkr), kEnhet, rules);
    EXPECT_TRUE(e.state.open);
    EXPECT_FALSE(e.event.has_value());
    // Exactly 40 tkr / 4 %: at the closing threshold -> no longer passes it -> closed.
    e = Evaluate(&e.state, Obs(1040 * kTkr, 1000 * kTkr), kEnhet, rules);
    ASSERT_TRUE(e.event.has_value());
    EXPECT_EQ(e.event->type, TransitionType::kClosed);
    EXPECT_EQ(e.event->sequence, 2u);
    EXPECT_FALSE(e.state.open);
    // 45 tkr again does not reopen: only above the full threshold.
    e = Evaluate(&e.state, Obs(1045 * kTkr, 1000 * kTkr), kEnhet, rules);
    EXPECT_FALSE(e.event.has_value());
    e = Evaluate(&e.state, Obs(1051 * kTkr, 1000 * kTkr), kEnhet, rules);
    ASSERT_TRUE(e.event.has_value());
    EXPECT_EQ(e.event->type, TransitionType::kOpened);
    EXPECT_EQ(e.event->id.value(), "budget:2026:HT1");  // same id for the same unit/kind/year
}

TEST(Evaluate, ChangedOnSeverityOrLargeMovementOnly) {
    const auto rules = DeviationRules::Defaults();
    auto s = Evaluate(nullptr, Obs(1060 * kTkr, 1000 * kTkr), kEnhet, rules).state;
    // +30 tkr movement: below a threshold's worth, same severity -> quiet.
    auto e = Evaluate(&s, Obs(1090 * kTkr, 1000 * kTkr), kEnhet, rules);
    EXPECT_FALSE(e.event.has_value());
    // 2.2x the threshold -> major.
    e = Evaluate(&e.state, Obs(1110 * kTkr, 1000 * kTkr), kEnhet, rules);
    ASSERT_TRUE(e.event.has_value());
    EXPECT_EQ(e.event->type, TransitionType::kChanged);
    EXPECT_EQ(e.event->severity, Severity::kMajor);
    EXPECT_EQ(e.event->previous_severity, Severity::kMinor);
    // 4x -> critical.
    e = Evaluate(&e.state, Obs(1200 * kTkr, 1000 * kTkr), kEnhet, rules);
    ASSERT_TRUE(e.event.has_value());
    EXPECT_EQ(e.event->severity, Severity::kCritical);
}

TEST(Evaluate, RevenueShortfallIsUnfavourableAndUnderspendFavourable) {
    const auto rules = DeviationRules::Defaults();
    // Revenue budget -1 Mkr, outcome only -0.9 Mkr: 100 tkr short.
    const auto shortfall = Evaluate(nullptr, Obs(-900 * kTkr, -1000 * kTkr), kEnhet, rules);
    ASSERT_TRUE(shortfall.event.has_value());
    EXPECT_EQ(shortfall.event->deviation, 100 * kTkr);
    EXPECT_EQ(shortfall.event->direction, Direction::kUnfavourable);
    EXPECT_EQ(shortfall.event->share_bp, 1000);
    const auto under = Evaluate(nullptr, Obs(900 * kTkr, 1000 * kTkr), kEnhet, rules);
    ASSERT_TRUE(under.event.has_value());
    EXPECT_EQ(under.event->direction, Direction::kFavourable);
    EXPECT_EQ(under.event->deviation, -100 * kTkr);
}

TEST(Evaluate, MoneyDeviationThatSwingsToTheOtherSideChangesDirection) {
    const auto rules = DeviationRules::Defaults();
    auto s = Evaluate(nullptr, Obs(1100 * kTkr, 1000 * kTkr), kEnhet, rules).state;
    // A large credit note turns a 100 tkr overspend into a 100 tkr underspend.
    const auto e = Evaluate(&s, Obs(900 * kTkr, 1000 * kTkr), kEnhet, rules);
    ASSERT_TRUE(e.event.has_value());
    EXPECT_EQ(e.event->type, TransitionType::kChanged);
    EXPECT_EQ(e.event->direction, Direction::kFavourable);
    EXPECT_TRUE(e.state.open);
}

TEST(Evaluate, GoalDeviationClosesWhenTheTargetIsMetAgain) {
    const auto rules = DeviationRules::Defaults();
    Observation o = Obs(80'000, 90'000, DeviationKind::kGoal);
    o.key.subject = "nki";
    o.lower_is_better = false;
    auto s = Evaluate(nullptr, o, rules.indicator_default, rules).state;
    ASSERT_TRUE(s.open);
    o.actual = 95'000;
    const auto e = Evaluate(&s, o, rules.indicator_default, rules);
    ASSERT_TRUE(e.event.has_value());
    EXPECT_EQ(e.event->type, TransitionType::kClosed);
}

TEST(Evaluate, GoalDeviationRespectsDirectionAndOpensOnlyWhenWorse) {
    const auto rules = DeviationRules::Defaults();
    Observation o = Obs(80'000, 90'000, DeviationKind::kGoal);  // value 80, target 90
    o.key.subject = "behoriga_larare";
    o.lower_is_better = false;
    auto e = Evaluate(nullptr, o, rules.indicator_default, rules);
    ASSERT_TRUE(e.event.has_value());
    EXPECT_EQ(e.event->id.value(), "goal:2026:HT1:behoriga_larare");
    EXPECT_EQ(e.event->deviation, 10'000);
    o.actual = 99'000;  // beats the target: not a deviation
    EXPECT_FALSE(Evaluate(nullptr, o, rules.indicator_default, rules).event.has_value());
    // HR, lower is better: sick leave 7.0 % against 6.0 %.
    Observation hr = Obs(7'000, 6'000, DeviationKind::kHr);
    hr.key.subject = "sjukfranvaro";
    hr.lower_is_better = true;
    e = Evaluate(nullptr, hr, rules.indicator_default, rules);
    ASSERT_TRUE(e.event.has_value());
    EXPECT_EQ(e.event->direction, Direction::kUnfavourable);
    hr.actual = 5'000;
    EXPECT_FALSE(Evaluate(nullptr, hr, rules.indicator_default, rules).event.has_value());
}

TEST(DeviationRules, DefaultsPerLevelAndValidation) {
    const auto r = DeviationRules::Defaults();
    EXPECT_EQ(r.ForLevel(Level::kEnhet), (Threshold{50 * kTkr, 500}));
    EXPECT_EQ(r.ForLevel(Level::kVerksamhet), (Threshold{200 * kTkr, 300}));
    EXPECT_EQ(r.ForLevel(Level::kSektor), (Threshold{1000 * kTkr, 200}));
    EXPECT_EQ(r.ForLevel(Level::kNamnd), (Threshold{2000 * kTkr, 100}));
    EXPECT_TRUE(r.Validate().ok());
    auto bad = r;
    bad.close_ratio_percent = 0;
    EXPECT_FALSE(bad.Validate().ok());
    bad = r;
    bad.money_by_level[0].amount = -1;
    EXPECT_FALSE(bad.Validate().ok());
    EXPECT_EQ(ParseDeviationKind("hr").value(), DeviationKind::kHr);
    EXPECT_FALSE(ParseDeviationKind("cost").ok());
}

struct Fixture {
    Organisation org = BuildSmall();
    ChartOfAccounts chart = ChartOfAccounts::KommunBasDefault();
    FiscalYear fy = FiscalYear::Calendar(2026);
    Interner accounts;
    GroupIndex personal = *chart.FindGroup("personal");
    GroupIndex material = *chart.FindGroup("material");
    GroupIndex intakter = *chart.FindGroup("intakter");
    std::vector<GroupKind> Kinds() const { return chart.GroupKinds(); }
};

TEST(DeviationMonitor, OpensAtEveryLevelThatPassesWithRankedRootCause) {
    Fixture f;
    BudgetBook book(f.fy);
    book.Set({U(f.org, "HT1"), f.personal, Money::FromKronor(1'200'000), Profile::Even()});
    book.Set({U(f.org, "HT1"), f.material, Money::FromKronor(120'000), Profile::Even()});
    const Cube budget = book.Materialize(f.org, f.chart, Date::Parse("2026-12-31").value());
    OutcomeLedger ledger(f.org, f.fy, f.Kinds());
    const auto lon = f.accounts.Intern("5011");
    const auto vik = f.accounts.Intern("5015");
    const auto mat = f.accounts.Intern("4010");
    // Jan-Mar: budget to date personal 300 tkr, material 30 tkr.
    for (std::uint8_t m = 0; m < 3; ++m) {
        ledger.Post({U(f.org, "HT1"), f.personal, lon, m, 100 * kTkr});
        ledger.Post({U(f.org, "HT1"), f.material, mat, m, 10 * kTkr});
    }
    // Substitutes in March drive an overspend of 80 tkr; material over by 5 tkr.
    ledger.Post({U(f.org, "HT1"), f.personal, vik, 2, 80 * kTkr});
    ledger.Post({U(f.org, "HT1"), f.material, mat, 2, 5 * kTkr});
    DeviationMonitor mon(f.org, f.fy, DeviationRules::Defaults());
    const auto dirty = ledger.TakeDirty();
    const auto events = mon.CheckBudget(ledger, budget, dirty, 2, f.chart, &f.accounts);
    // HT1: 85 tkr on 330 tkr -> opens. HT (verksamhet 200 tkr) and above: not.
    ASSERT_EQ(events.size(), 1u);
    const DeviationEvent& e = events[0];
    EXPECT_EQ(e.id.value(), "budget:2026:HT1");
    EXPECT_EQ(e.deviation, 85 * kTkr);
    ASSERT_GE(e.root_cause.groups.size(), 2u);
    EXPECT_EQ(e.root_cause.groups[0].id, "personal");
    EXPECT_EQ(e.root_cause.groups[0].amount, Money::FromOre(80 * kTkr));
    EXPECT_EQ(e.root_cause.groups[0].share_bp, 9412);  // 80/85
    EXPECT_EQ(e.root_cause.groups[1].id, "material");
    ASSERT_EQ(e.root_cause.months.size(), 1u);
    EXPECT_EQ(e.root_cause.months[0].id, "202603");
    ASSERT_FALSE(e.root_cause.accounts.empty());
    // 80 tkr of personal deviation split by outcome: 5015 has 80 of 380 tkr, 5011 300 of 380.
    EXPECT_EQ(e.root_cause.accounts[0].id, "5011");
    EXPECT_EQ(e.root_cause.accounts[0].amount, Money::FromOre(6'315'789));
    EXPECT_EQ(e.root_cause.accounts[1].id, "5015");
    EXPECT_EQ(e.root_cause.accounts[1].amount, Money::FromOre(1'684'211));
    // No new postings -> nothing dirty -> nothing to check.
    EXPECT_TRUE(mon.CheckBudget(ledger, budget, ledger.TakeDirty(), 2, f.chart).empty());
    ASSERT_NE(mon.Find(core::DeviationId("budget:2026:HT1")), nullptr);
    EXPECT_EQ(mon.OpenDeviations().size(), 1u);
}

TEST(DeviationMonitor, UnitWithNoBudgetOpensOnAmountAlone) {
    Fixture f;
    BudgetBook book(f.fy);
    const Cube budget = book.Materialize(f.org, f.chart, Date::Parse("2026-12-31").value());
    OutcomeLedger ledger(f.org, f.fy, f.Kinds());
    ledger.Post({U(f.org, "HT2"), f.material, 0, 0, 50 * kTkr});
    DeviationMonitor mon(f.org, f.fy, DeviationRules::Defaults());
    std::vector<UnitIndex> only{U(f.org, "HT2")};
    EXPECT_TRUE(mon.CheckBudget(ledger, budget, only, 0, f.chart).empty());  // exactly 50 tkr
    ledger.Post({U(f.org, "HT2"), f.material, 0, 0, 1});
    const auto events = mon.CheckBudget(ledger, budget, only, 0, f.chart);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].reference, 0);
    EXPECT_EQ(events[0].share_bp, 0);
}

TEST(DeviationMonitor, InvestmentsAreJudgedApartFromOperations) {
    Fixture f;
    const GroupIndex inv = *f.chart.FindGroup("investering");
    BudgetBook book(f.fy);
    book.Set({U(f.org, "HT1"), inv, Money::FromKronor(1'200'000), Profile::Even()});
    book.Set({U(f.org, "HT1"), f.personal, Money::FromKronor(1'200'000), Profile::Even()});
    const Cube budget = book.Materialize(f.org, f.chart, Date::Parse("2026-12-31").value());
    OutcomeLedger ledger(f.org, f.fy, f.Kinds());
    ledger.Post({U(f.org, "HT1"), f.personal, 0, 0, 100 * kTkr});  // on budget
    ledger.Post({U(f.org, "HT1"), inv, 1, 0, 400 * kTkr});         // investment ahead
    DeviationMonitor mon(f.org, f.fy, DeviationRules::Defaults());
    const auto events = mon.CheckBudget(ledger, budget, ledger.TakeDirty(), 0, f.chart);
    ASSERT_FALSE(events.empty());
    for (const auto& e : events) EXPECT_EQ(e.key.kind, DeviationKind::kInvestment);
}

TEST(DeviationMonitor, ForecastAndIndicatorChecksKeepState) {
    Fixture f;
    DeviationMonitor mon(f.org, f.fy, DeviationRules::Defaults());
    const UnitIndex oms = U(f.org, "OMS");
    // Sektor: 1 Mkr and 2 %. Forecast 102 Mkr on 100 Mkr: 2 Mkr, 2 % -> exactly 2 % stays.
    EXPECT_FALSE(mon.CheckForecast(oms, Money::FromKronor(102'000'000),
                                   Money::FromKronor(100'000'000), f.fy.PeriodAt(3))
                     .has_value());
    auto e = mon.CheckForecast(oms, Money::FromKronor(103'000'000), Money::FromKronor(100'000'000),
                               f.fy.PeriodAt(5));
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->id.value(), "forecast:2026:OMS");
    EXPECT_EQ(e->level, Level::kSektor);
    auto closed = mon.CheckForecast(oms, Money::FromKronor(100'500'000),
                                    Money::FromKronor(100'000'000), f.fy.PeriodAt(7));
    ASSERT_TRUE(closed.has_value());
    EXPECT_EQ(closed->type, TransitionType::kClosed);

    auto g = mon.CheckIndicator(U(f.org, "SB1"), DeviationKind::kHr, "sjukfranvaro", 9'000, 6'000,
                                true, f.fy.PeriodAt(3));
    ASSERT_TRUE(g.has_value());
    EXPECT_EQ(g->id.value(), "hr:2026:SB1:sjukfranvaro");
    // With an own threshold of 5 percentage points (5 000 milli) it would not have opened.
    DeviationMonitor other(f.org, f.fy, DeviationRules::Defaults());
    EXPECT_FALSE(other
                     .CheckIndicator(U(f.org, "SB1"), DeviationKind::kHr, "sjukfranvaro", 9'000,
                                     6'000, true, f.fy.PeriodAt(3), Threshold{5'000, 0})
                     .has_value());
}

TEST(DeviationMonitor, JulyFiscalYearComparesFiscalMonthsAndLabelsTheId) {
    Fixture f;
    const FiscalYear fy = FiscalYear::Of(2025, 7).value();
    BudgetBook book(fy);
    // 1.2 Mkr of personnel a year with the summer dip: July (fiscal month 0) is the low month.
    book.Set({U(f.org, "HT1"), f.personal, Money::FromKronor(1'175'000), Profile::Personnel()});
    const Cube budget = book.Materialize(f.org, f.chart, fy.LastDay());
    EXPECT_EQ(budget.GroupToDate(U(f.org, "HT1"), f.personal, 0), 70 * kTkr);
    OutcomeLedger ledger(f.org, fy, f.Kinds());
    // A full normal month's pay in July is 30 tkr over the dipped July budget: below 50 tkr.
    ledger.Post({U(f.org, "HT1"), f.personal, 0, 0, 100 * kTkr});
    DeviationMonitor mon(f.org, fy, DeviationRules::Defaults());
    EXPECT_TRUE(mon.CheckBudget(ledger, budget, ledger.TakeDirty(), 0, f.chart).empty());
    ledger.Post({U(f.org, "HT1"), f.personal, 0, 0, 30 * kTkr});
    const auto events = mon.CheckBudget(ledger, budget, ledger.TakeDirty(), 0, f.chart);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].id.value(), "budget:2025-26:HT1");
    EXPECT_EQ(events[0].as_of.Code(), 202507);
    EXPECT_EQ(events[0].root_cause.months[0].id, "202507");
}

TEST(DeviationMonitor, RestoredStateContinuesWithoutReopening) {
    Fixture f;
    DeviationMonitor first(f.org, f.fy, DeviationRules::Defaults());
    const auto opened = first.CheckForecast(U(f.org, "HT1"), Money::FromKronor(1'100'000),
                                            Money::FromKronor(1'000'000), f.fy.PeriodAt(1));
    ASSERT_TRUE(opened.has_value());
    DeviationMonitor second(f.org, f.fy, DeviationRules::Defaults());
    second.Restore(*first.Find(opened->id));
    // Same figures after a restart: no duplicate "opened".
    EXPECT_FALSE(second
                     .CheckForecast(U(f.org, "HT1"), Money::FromKronor(1'100'000),
                                    Money::FromKronor(1'000'000), f.fy.PeriodAt(1))
                     .has_value());
}

}  // namespace
}  // namespace bfu::domain
