// The report model (BuildReport) as of its cut-off: figures that are the sums of the ledger
// lines of the scope and period to the öre, budgets in force on the day, deviations,
// forecasts and casework as they stood; the same store gives the same bytes.
#include "bfu/reporting/report.hpp"

#include <gtest/gtest.h>

#include "bfu/domain/budget.hpp"
#include "bfu/reporting/render.hpp"
#include "reporting_fixture.hpp"

namespace bfu::reporting {
namespace {

using test::kYear;

domain::Period P(int month) { return *domain::Period::Of(kYear, month); }
domain::Date D(const char* iso) { return *domain::Date::Parse(iso); }

const UnitFigures* UnitOf(const Report& r, const std::string& id) {
    for (const auto& u : r.units) {
        if (u.id == id) return &u;
    }
    return nullptr;
}

const GroupFigures* GroupOf(const UnitFigures& u, const std::string& id) {
    for (const auto& g : u.groups) {
        if (g.id == id) return &g;
    }
    return nullptr;
}

// The example's personnel budget of an enhet, month by month (the domain's personnel profile).
domain::MonthlyAmounts PersonnelBudget(std::int64_t kr) {
    return domain::Spread(core::Money::FromOre(kr * 100), domain::Profile::Personnel(),
                          domain::FiscalYear::Calendar(kYear));
}

class ReportTest : public test::StoreFixture {
protected:
    Report Make(Kind kind, const std::string& scope, int month, const char* as_of) {
        auto r = BuildReport(store_, {kind, scope, P(month), D(as_of)});
        EXPECT_TRUE(r.ok()) << r.error().ToString();
        return r.ok() ? std::move(r).value() : Report{};
    }
};

TEST_F(ReportTest, TertialFiguresAreTheSumsOfTheLinesOfItsScopeAndPeriod) {
    Line("E111", "5011", "202601", "2026-01-25", 60'000'000);
    Line("E111", "5411", "202601", "2026-01-25", 19'000'033);
    Line("E111", "4010", "202603", "2026-03-10", 1'234'567);
    Line("E111", "3510", "202604", "2026-04-20", -500'001);
    Line("E211", "5011", "202602", "2026-02-25", 70'000'000);
    Line("E211", "5011", "202605", "2026-05-25", 99'999'999);  // after the period
    const Report r = Make(Kind::kTertial, "KF", 4, "2026-06-25");
    ASSERT_FALSE(r.units.empty());
    EXPECT_EQ(r.units.front().id, "KF");
    const auto* e111 = UnitOf(r, "E111");
    ASSERT_NE(e111, nullptr);
    EXPECT_EQ(e111->outcome, 60'000'000 + 19'000'033 + 1'234'567 - 500'001);
    EXPECT_EQ(e111->outcome_months[0], 79'000'033);
    EXPECT_EQ(e111->outcome_months[2], 1'234'567);
    EXPECT_EQ(e111->outcome_months[4], 0);  // May is not in the report
    EXPECT_EQ(GroupOf(*e111, "personal")->outcome, 79'000'033);
    EXPECT_EQ(GroupOf(*e111, "intakter")->outcome, -500'001);
    const auto budget = PersonnelBudget(9'400'000);
    EXPECT_EQ(GroupOf(*e111, "personal")->budget, budget[0] + budget[1] + budget[2] + budget[3]);
    EXPECT_EQ(GroupOf(*e111, "personal")->annual_budget, 940'000'000);
    // Every level is the sum of what is below it.
    EXPECT_EQ(UnitOf(r, "V11")->outcome, e111->outcome);
    EXPECT_EQ(UnitOf(r, "BUN")->outcome, e111->outcome);
    EXPECT_EQ(UnitOf(r, "ON")->outcome, 70'000'000);
    EXPECT_EQ(r.units.front().outcome, e111->outcome + 70'000'000);
    std::int64_t enheter = 0;
    for (const auto& u : r.units) {
        if (u.level == domain::Level::kEnhet) enheter += u.budget;
    }
    EXPECT_EQ(r.units.front().budget, enheter);
    // The scope per account.
    std::int64_t accounts = 0;
    for (const auto& a : r.accounts) accounts += a.outcome;
    EXPECT_EQ(accounts, r.units.front().outcome);
    ASSERT_EQ(r.accounts.front().account, "3510");
    EXPECT_EQ(r.accounts.front().name, "Barnomsorgsavgifter");
    EXPECT_EQ(r.accounts.front().group_name, "Verksamhetens intäkter");
}

TEST_F(ReportTest, AReportOfAnotherScopeHoldsOnlyItsSubtree) {
    Line("E111", "5011", "202601", "2026-01-25", 1'000'000);
    Line("E211", "5011", "202601", "2026-01-25", 2'000'000);
    const Report r = Make(Kind::kTertial, "S2", 4, "2026-06-25");
    EXPECT_EQ(r.units.front().id, "S2");
    EXPECT_EQ(UnitOf(r, "E111"), nullptr);
    EXPECT_EQ(r.units.front().outcome, 2'000'000);
    ASSERT_EQ(r.accounts.size(), 1u);
    EXPECT_EQ(r.accounts[0].outcome, 2'000'000);
}

TEST_F(ReportTest, ALineDatedAfterTheCutOffIsLeftOut) {
    Line("E111", "5011", "202604", "2026-04-28", 1'000'000);
    Line("E111", "5011", "202604", "2026-05-12", 500'000);  // booked into April, dated in May
    EXPECT_EQ(Make(Kind::kTertial, "E111", 4, "2026-05-10").units.front().outcome, 1'000'000);
    EXPECT_EQ(Make(Kind::kTertial, "E111", 4, "2026-05-12").units.front().outcome, 1'500'000);
}

TEST_F(ReportTest, ABudgetRevisionCountsFromItsDecisionDate) {
    contracts::Budget b;
    b.unit = core::UnitId("E111");
    b.account_group = "personal";
    b.year = kYear;
    b.annual_ore = 950'000'000;
    b.profile.kind = contracts::ProfileKind::kPersonnel;
    b.revision = {1, "BUN § 31/2026", "2026-05-15"};
    Put(b);
    const Report before = Make(Kind::kTertial, "V11", 4, "2026-05-14");
    const Report after = Make(Kind::kTertial, "V11", 4, "2026-05-15");
    EXPECT_EQ(GroupOf(*UnitOf(before, "E111"), "personal")->annual_budget, 940'000'000);
    EXPECT_EQ(GroupOf(*UnitOf(after, "E111"), "personal")->annual_budget, 950'000'000);
    EXPECT_TRUE(before.revisions.empty());
    ASSERT_EQ(after.revisions.size(), 1u);
    EXPECT_EQ(after.revisions[0].ref, "BUN § 31/2026");
    EXPECT_EQ(after.units.front().annual_budget - before.units.front().annual_budget, 10'000'000);
}

TEST_F(ReportTest, ADeviationOpenAtTheCutOffIsListedAndOneClosedBeforeIsNot) {
    using K = contracts::DeviationEventKind;
    Put(Deviation("E211", 1, K::kOpened, "202602", "2026-03-03T09:00:00Z", 5'000'000));
    Put(Deviation("E211", 2, K::kChanged, "202603", "2026-04-03T09:00:00Z", 7'000'000));
    Put(Deviation("E211", 3, K::kClosed, "202604", "2026-05-05T09:00:00Z", 0));
    const Report open = Make(Kind::kTertial, "S2", 4, "2026-04-30");
    ASSERT_EQ(open.deviations.size(), 1u);
    EXPECT_EQ(open.deviations[0].deviation, 7'000'000);
    EXPECT_EQ(open.deviations[0].causes.at(0).label, "Personalkostnader");
    EXPECT_EQ(UnitOf(open, "E211")->light, "yellow");  // open, and no outcome above budget
    EXPECT_TRUE(Make(Kind::kTertial, "S2", 4, "2026-05-06").deviations.empty());
    // A February sector summary made later still shows the deviation as of its own cut-off.
    EXPECT_EQ(Make(Kind::kSektorssammanfattning, "S2", 2, "2026-03-31").deviations.size(), 1u);
}

TEST_F(ReportTest, TheForecastIsTheLatestOfTheLatestRoundAtOrBeforeThePeriod) {
    Put(Forecast("S1", 1, 100, "2026-02-27T17:00:00Z"));
    Put(Forecast("S1", 2, 200, "2026-04-30T17:00:00Z"));
    Put(Forecast("S1", 2, 210, "2026-05-02T08:00:00Z"));
    Put(Forecast("S1", 3, 300, "2026-06-30T17:00:00Z"));
    const Report r = Make(Kind::kTertial, "S1", 4, "2026-05-01");
    EXPECT_EQ(r.units.front().forecast, 200);
    EXPECT_EQ(r.units.front().forecast_round, 2);
    ASSERT_EQ(r.rounds.size(), 2u);
    EXPECT_EQ(r.rounds[0].forecast, 100);
    EXPECT_EQ(r.rounds[1].change, 100);
    EXPECT_EQ(Make(Kind::kTertial, "S1", 4, "2026-12-01").units.front().forecast, 210);
}

TEST_F(ReportTest, ADecidedMeasureCoversTheDeviationItAnswers) {
    Put(Deviation("E211", 1, contracts::DeviationEventKind::kOpened, "202602",
                  "2026-03-03T09:00:00Z", 5'000'000));
    contracts::MeasureEvent e;
    e.measure.id = core::MeasureId("m-1");
    e.measure.deviation_id = core::DeviationId("budget:2026:E211");
    e.measure.unit = core::UnitId("E211");
    e.measure.area = core::UnitId("E211");
    e.measure.text = "Färre timvikarier";
    e.measure.responsible = contracts::Person{"Maja Öberg", "enhetschef", std::nullopt};
    e.measure.effect_ore_per_month = -1'000'000;
    e.measure.from_period = "202604";
    e.measure.status = contracts::MeasureStatus::kProposed;
    e.by = e.measure.responsible;
    e.at = "2026-03-10T10:00:00Z";
    Put(e);
    EXPECT_EQ(Make(Kind::kTertial, "S2", 4, "2026-04-30").deviations.at(0).covered, 0);
    e.version = 2;
    e.event = contracts::MeasureEventKind::kStatus;
    e.measure.status = contracts::MeasureStatus::kDecided;
    e.measure.decision_ref = "ON § 12/2026";
    e.at = "2026-03-20T10:00:00Z";
    Put(e);
    const Report r = Make(Kind::kTertial, "S2", 4, "2026-04-30");
    ASSERT_EQ(r.deviations.size(), 1u);
    EXPECT_EQ(r.deviations[0].covered, 5'000'000);  // 9 months x 1 000 000, at most the deviation
    EXPECT_EQ(r.deviations[0].uncovered, 0);
    ASSERT_EQ(r.measures.size(), 1u);
    EXPECT_EQ(r.measures[0].expected_year, -9'000'000);
    EXPECT_EQ(r.measures[0].decision_ref, "ON § 12/2026");
    // As of a day before the decision, it was proposed and covered nothing.
    EXPECT_EQ(Make(Kind::kTertial, "S2", 4, "2026-03-15").measures.at(0).status, "foreslagen");
}

TEST_F(ReportTest, HrAndGoalsAreSummedUpTheTreeAndJudged) {
    contracts::HrFigure h;
    h.unit = core::UnitId("E111");
    h.period = "202604";
    h.sick_leave_pct = 8.0;
    h.overtime_hours = 10;
    h.headcount = 30;
    h.fte = 27.5;
    Put(h);
    h.unit = core::UnitId("E112");
    h.sick_leave_pct = 4.0;
    h.headcount = 10;
    h.fte = 9.0;
    Put(h);
    contracts::Goal g;
    g.id = "nki-e111";
    g.unit = core::UnitId("E111");
    g.year = kYear;
    g.name = "Nöjd elev-index";
    g.target = 75;
    g.measure_unit = "index";
    Put(g);
    contracts::GoalOutcome o;
    o.goal_id = "nki-e111";
    o.unit = core::UnitId("E111");
    o.period = "202603";
    o.value = 78;
    Put(o);
    const Report r = Make(Kind::kTertial, "V11", 4, "2026-05-20");
    const auto* v11 = UnitOf(r, "V11");
    ASSERT_TRUE(v11->hr.has_value());
    EXPECT_EQ(v11->hr->headcount, 40);
    EXPECT_DOUBLE_EQ(v11->hr->sick_leave_pct, 7.0);  // (8 x 30 + 4 x 10) / 40
    EXPECT_DOUBLE_EQ(v11->hr->fte, 36.5);
    ASSERT_EQ(r.goals.size(), 1u);
    EXPECT_EQ(r.goals[0].value, 78);
    EXPECT_EQ(r.goals[0].met, true);
}

TEST_F(ReportTest, TheSameStoreGivesTheSameBytesAndTheJsonNamesItsCutOff) {
    Line("E111", "5011", "202601", "2026-01-25", 60'000'000);
    Put(Forecast("KF", 2, 123, "2026-04-30T17:00:00Z"));
    const std::string a = RenderJson(Make(Kind::kTertial, "KF", 4, "2026-06-25"));
    const std::string b = RenderJson(Make(Kind::kTertial, "KF", 4, "2026-06-25"));
    EXPECT_EQ(a, b);
    const auto j = nlohmann::json::parse(a);
    EXPECT_EQ(j["reportId"], "tertialrapport.KF.2026-04.2026-06-25");
    EXPECT_EQ(j["asOf"], "2026-06-25");
    EXPECT_EQ(j["cutoff"], "2026-06-25T23:59:59+02:00");
    EXPECT_EQ(j["periodText"], "januari–april 2026");
    EXPECT_EQ(j["units"][0]["forecastOre"], 123);
}

TEST_F(ReportTest, AKindThatDoesNotFitItsPeriodOrScopeIsRefusedInSwedish) {
    auto wrong_month = BuildReport(store_, {Kind::kTertial, "KF", P(5), D("2026-06-01")});
    ASSERT_FALSE(wrong_month.ok());
    EXPECT_NE(wrong_month.error().message.find("--period 2026-04"), std::string::npos);
    auto wrong_level = BuildReport(store_, {Kind::kDialogunderlag, "BUN", P(4), D("2026-05-01")});
    ASSERT_FALSE(wrong_level.ok());
    EXPECT_NE(wrong_level.error().message.find("nämnd"), std::string::npos);
    auto unknown = BuildReport(store_, {Kind::kTertial, "X9", P(4), D("2026-05-01")});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, core::Errc::kNotFound);
}

TEST(ReportKinds, ParseIdsAndTheirFiles) {
    EXPECT_EQ(*ParseKind("delårsrapport"), Kind::kDelar);
    EXPECT_EQ(*ParseKind("sektorssammanfattning"), Kind::kSektorssammanfattning);
    EXPECT_FALSE(ParseKind("kvartalsrapport").ok());
    const ReportRequest r{Kind::kDialogunderlag, "E111", P(8), D("2026-10-12")};
    EXPECT_EQ(ReportId(r), "dialogunderlag.E111.2026-08.2026-10-12");
    EXPECT_EQ(FileStem(r), "dialogunderlag-E111-2026-08-2026-10-12");
    EXPECT_EQ(*ToContract(Kind::kSektorssammanfattning), contracts::ReportKind::kSectorSummary);
    EXPECT_FALSE(ToContract(Kind::kLopande).has_value());
    EXPECT_EQ(CutoffText(D("2026-01-15")), "2026-01-15T23:59:59+01:00");
}

}  // namespace
}  // namespace bfu::reporting
