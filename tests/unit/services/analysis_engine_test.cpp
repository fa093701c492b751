// AnalysisEngine: ledger lines through the posting stage into outcome cells, cells into the
// engine; roll-up, deviation events, aggregates and statuses out; ownership and deviation
// states taken over from the topic.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "bfu/analysis/engine.hpp"
#include "bfu/analysis/posting.hpp"
#include "test_master.hpp"

namespace bfu::analysis {
namespace {

// Account number per group in the standard municipality.
std::string AccountOf(const std::string& group) {
    if (group == "personal") return "5011";
    if (group == "material") return "4010";
    if (group == "lokaler") return "6110";
    return "3510";
}

contracts::LedgerLine Line(const std::string& unit, const std::string& group,
                           const std::string& period, std::int64_t ore) {
    contracts::LedgerLine l;
    l.voucher = {core::SourceId("visma"), core::VoucherId("V-" + period), std::nullopt,
                 period.substr(0, 4) + "-" + period.substr(4, 2) + "-10"};
    l.unit = core::UnitId(unit);
    l.account = core::AccountNo(AccountOf(group));
    l.account_class = AccountOf(group)[0] - '0';
    l.account_group = group;
    l.period = period;
    l.fiscal_year = std::stoi(period.substr(0, 4));
    l.amount_ore = ore;
    return l;
}

template <typename T>
std::map<std::string, T> ByUnit(const std::vector<T>& items) {
    std::map<std::string, T> out;
    for (const auto& i : items) {
        if constexpr (std::is_same_v<T, UnitStatus>) {
            out.emplace(i.unit, i);
        } else {
            out.emplace(i.unit.value(), i);
        }
    }
    return out;
}

std::set<std::string> Units(const std::vector<contracts::UnitAggregate>& items) {
    std::set<std::string> out;
    for (const auto& i : items) out.insert(i.unit.value());
    return out;
}

class AnalysisEngineTest : public ::testing::Test {
protected:
    AnalysisEngineTest() {
        posting_.BeginRestore(0);
        posting_.FinishRestore(0);
        engine_.SetMaster(test::StandardMaster());
        // New master data marks every unit for evaluation; start each test from a clean slate.
        (void)engine_.Flush(test::TestNow());
    }

    // A line through stage 1 (its cell's new total) into stage 2, as the changelog carries it.
    void Post(const std::string& unit, const std::string& group, const std::string& period,
              std::int64_t ore) {
        PostLine(Line(unit, group, period, ore));
    }
    void PostLine(const contracts::LedgerLine& line) {
        ++offset_;
        auto cell = posting_.Post(0, offset_, 1'000 * offset_, line);
        ASSERT_TRUE(cell.ok()) << cell.error().message;
        if (!*cell) return;
        auto s = engine_.SetCell(**cell);
        ASSERT_TRUE(s.ok()) << s.error().message;
    }

    // January on budget for everyone: ENH1 personal 10 000 000 + material 1 000 000, ENH2
    // personal 20 000 000.
    void JanuaryOnBudget() {
        Post("ENH1", "personal", "202601", 10'000'000);
        Post("ENH1", "material", "202601", 1'000'000);
        Post("ENH2", "personal", "202601", 20'000'000);
    }

    PostingStage posting_;
    AnalysisEngine engine_;
    std::int64_t offset_ = 0;
};

TEST_F(AnalysisEngineTest, RollsLinesUpTheTreeExactToTheOre) {
    Post("ENH1", "personal", "202601", 5'000'001);
    Post("ENH2", "personal", "202601", 7'000'002);
    Post("ENH1", "material", "202601", 300'003);
    auto out = engine_.Flush(test::TestNow());
    auto agg = ByUnit(out.aggregates);
    ASSERT_EQ(agg.count("VER"), 1u);
    ASSERT_EQ(agg.count("KF"), 1u);

    EXPECT_EQ(agg["ENH1"].totals.months[0].outcome_ore, 5'300'004);
    EXPECT_EQ(agg["ENH2"].totals.months[0].outcome_ore, 7'000'002);
    for (const char* unit : {"VER", "SEK", "NAM", "KF"}) {
        SCOPED_TRACE(unit);
        EXPECT_EQ(agg[unit].totals.months[0].outcome_ore, 12'300'006);
        EXPECT_EQ(agg[unit].totals.outcome_ore, 12'300'006);
        // Budget, January: ENH1 10 000 000 + 1 000 000, ENH2 20 000 000.
        EXPECT_EQ(agg[unit].totals.months[0].budget_ore, 31'000'000);
        EXPECT_EQ(agg[unit].totals.budget_ore, 120'000'000 + 12'000'000 + 240'000'000);
        EXPECT_TRUE(agg[unit].includes_subtree);
    }
    EXPECT_FALSE(agg["ENH1"].includes_subtree);
    EXPECT_EQ(agg["VER"].level, contracts::OrgLevel::kVerksamhet);
    // 31 March: February is complete, so the judged month (though nothing of it is booked).
    EXPECT_EQ(agg["VER"].through_period, "202602");
    EXPECT_EQ(agg["VER"].year, 2026);

    std::map<std::string, contracts::AggregateGroup> groups;
    for (const auto& g : agg["VER"].groups) groups.emplace(g.account_group, g);
    ASSERT_EQ(groups.count("personal"), 1u);
    ASSERT_EQ(groups.count("material"), 1u);
    EXPECT_EQ(groups["personal"].outcome_ore, 12'000'003);
    EXPECT_EQ(groups["personal"].months[0].budget_ore, 30'000'000);
    EXPECT_EQ(groups["material"].outcome_ore, 300'003);
    EXPECT_EQ(groups.count("lokaler"), 0u);  // neither outcome nor budget

    const auto master = test::StandardMaster();
    const auto& cube = engine_.ledger().cube();
    EXPECT_EQ(cube.KindTotal(*master->org.Find("KF"), domain::GroupKind::kOperating, 0),
              12'300'006);
    EXPECT_EQ(engine_.stats().cells_set, 3u);
    EXPECT_EQ(engine_.cell_count(), 3u);
}

TEST_F(AnalysisEngineTest, FlushReturnsOnlyTouchedUnitsAndTheirAncestors) {
    Post("ENH1", "personal", "202601", 1'000);
    auto out = engine_.Flush(test::TestNow());
    const std::set<std::string> enh1_line{"ENH1", "VER", "SEK", "NAM", "KF"};
    EXPECT_EQ(Units(out.aggregates), enh1_line);
    std::set<std::string> status_units;
    for (const auto& s : out.statuses) status_units.insert(s.unit);
    EXPECT_EQ(status_units, enh1_line);

    auto again = engine_.Flush(test::TestNow());
    EXPECT_TRUE(again.aggregates.empty());
    EXPECT_TRUE(again.statuses.empty());
    EXPECT_TRUE(again.deviations.empty());

    Post("ENH2", "personal", "202601", 2'000);
    auto next = engine_.Flush(test::TestNow());
    EXPECT_EQ(Units(next.aggregates), (std::set<std::string>{"ENH2", "VER", "SEK", "NAM", "KF"}));
}

TEST_F(AnalysisEngineTest, OpensBudgetDeviationForEnhetOverBudgetThroughLatestMonth) {
    JanuaryOnBudget();
    // February: ENH1 pays 8 000 000 öre (80 000 kr) more for personnel than budgeted; the rest
    // is on budget, so the verksamhet (threshold 200 000 kr) stays within its tolerance.
    Post("ENH1", "personal", "202602", 18'000'000);
    Post("ENH1", "material", "202602", 1'000'000);
    Post("ENH2", "personal", "202602", 20'000'000);
    const std::int64_t enh1_last_offset = 5;
    auto out = engine_.Flush(test::TestNow());

    ASSERT_EQ(out.deviations.size(), 1u);
    const auto& d = out.deviations[0];
    EXPECT_EQ(d.deviation_id.value(), "budget:2026:ENH1");
    EXPECT_EQ(d.unit.value(), "ENH1");
    EXPECT_EQ(d.kind, contracts::DeviationKind::kBudget);
    EXPECT_EQ(d.event, contracts::DeviationEventKind::kOpened);
    EXPECT_EQ(d.seq, 1);
    EXPECT_EQ(d.level, contracts::OrgLevel::kEnhet);
    EXPECT_EQ(d.year, 2026);
    EXPECT_EQ(d.period, "202602");  // judged through the latest month: the costs are booked
    EXPECT_EQ(d.budget_ore, 22'000'000);
    EXPECT_EQ(d.outcome_ore, 30'000'000);
    EXPECT_EQ(d.deviation_ore, 8'000'000);
    EXPECT_NEAR(d.share, 8.0 / 22.0, 1e-4);
    // 8 000 000 is 1.6 times the 5 000 000 amount threshold: minor.
    EXPECT_EQ(d.severity, contracts::Severity::kMinor);
    EXPECT_EQ(d.responsible.name, "Maja Öberg");
    EXPECT_EQ(d.responsible.role, "enhetschef");
    EXPECT_EQ(d.responsible.email, "maja@ex.se");
    ASSERT_EQ(d.notified.size(), 1u);
    EXPECT_EQ(d.notified[0].name, "Olof Björk");  // the verksamhetschef above
    EXPECT_TRUE(d.within_mandate);                // 80 000 kr <= 100 000 kr
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].dimension, contracts::CauseDimension::kGroup);
    EXPECT_EQ(d.causes[0].key, "personal");
    EXPECT_EQ(d.causes[0].amount_ore, 8'000'000);
    for (const auto& c : d.causes) {
        EXPECT_NE(c.key, "material") << "material is on budget and drives nothing";
    }
    ASSERT_TRUE(d.trigger.has_value());
    EXPECT_EQ(d.trigger->offset, enh1_last_offset);

    auto status = ByUnit(out.statuses);
    const auto& s = status["ENH1"];
    EXPECT_EQ(s.light, "red");
    EXPECT_EQ(s.open_deviations, std::vector<std::string>{"budget:2026:ENH1"});
    EXPECT_EQ(s.through_period, "202602");
    EXPECT_EQ(s.outcome_to_date_ore, 30'000'000);
    EXPECT_EQ(s.budget_to_date_ore, 22'000'000);
    EXPECT_EQ(s.deviation_ore, 8'000'000);
    EXPECT_EQ(s.share_bp, 3636);  // 8/22 = 36.36 %, truncated
    EXPECT_EQ(s.annual_budget_ore, 132'000'000);
    EXPECT_EQ(s.manager, "Maja Öberg");
    EXPECT_EQ(s.parent, "VER");
    EXPECT_EQ(s.level, "enhet");
    EXPECT_EQ(status["VER"].light, "green");
    EXPECT_EQ(status["VER"].children, (std::vector<std::string>{"ENH1", "ENH2"}));
}

TEST_F(AnalysisEngineTest, MarksDeviationBeyondMandateWhenLargerThanTheManagersMandate) {
    JanuaryOnBudget();
    Post("ENH1", "personal", "202602", 10'000'000);
    Post("ENH1", "material", "202602", 1'000'000);
    Post("ENH2", "personal", "202602", 30'000'000);  // 100 000 kr over; mandate 10 000 kr
    auto out = engine_.Flush(test::TestNow());
    ASSERT_EQ(out.deviations.size(), 1u);
    const auto& d = out.deviations[0];
    EXPECT_EQ(d.unit.value(), "ENH2");
    EXPECT_EQ(d.deviation_ore, 10'000'000);
    EXPECT_FALSE(d.within_mandate);
    EXPECT_EQ(d.responsible.name, "Emil Åkesson");
    // Beyond the enhet's mandate, within the verksamhet's: the verksamhet is responsible, and
    // its superior (the sektorchef) is told at once too (domain::DecideOpening).
    ASSERT_EQ(d.notified.size(), 2u);
    EXPECT_EQ(d.notified[0].name, "Olof Björk");
    EXPECT_EQ(d.notified[1].name, "Sara Nord");
    ASSERT_TRUE(d.escalation.has_value());
    EXPECT_EQ(d.escalation->to_unit.value(), "VER");
    EXPECT_EQ(d.escalation->reason, contracts::EscalationReason::kBeyondMandate);
    EXPECT_TRUE(d.respond_by.has_value());
}

TEST_F(AnalysisEngineTest, JudgesUnitBehindInBookingThroughLastCompleteMonth) {
    JanuaryOnBudget();
    // February is half booked. Through February ENH1 would look 5 500 000 öre (55 000 kr, 25 %)
    // under budget, past the enhet threshold: a favourable deviation that is only postings not
    // yet made. On 4 March February's close day (6 March) has not come: it is judged through
    // January.
    Post("ENH1", "personal", "202602", 5'000'000);
    Post("ENH1", "material", "202602", 500'000);
    Post("ENH2", "personal", "202602", 10'000'000);
    auto out = engine_.Flush(test::TestNow(), domain::Date::Parse("2026-03-04").value());
    EXPECT_TRUE(out.deviations.empty());
    auto status = ByUnit(out.statuses);
    const auto& s = status["ENH1"];
    EXPECT_EQ(s.through_period, "202601");
    EXPECT_EQ(s.outcome_to_date_ore, 11'000'000);
    EXPECT_EQ(s.budget_to_date_ore, 11'000'000);
    EXPECT_EQ(s.deviation_ore, 0);
    EXPECT_EQ(s.light, "green");
    auto agg = ByUnit(out.aggregates);
    EXPECT_EQ(agg["ENH1"].through_period, "202601");
    EXPECT_EQ(agg["ENH1"].totals.outcome_to_date_ore, 11'000'000);
    EXPECT_EQ(agg["ENH1"].totals.budget_to_date_ore, 11'000'000);
    // The February outcome is still there, month by month.
    EXPECT_EQ(agg["ENH1"].totals.months[1].outcome_ore, 5'500'000);
}

TEST_F(AnalysisEngineTest, IgnoresLinesOfAnotherYearAndBalanceSheetLines) {
    Post("ENH1", "personal", "202512", 9'000'000);
    auto bank = Line("ENH1", "personal", "202601", -9'000'000);
    bank.account = core::AccountNo("1930");
    bank.account_class = 1;
    bank.account_group = "balansrakning";
    bank.is_operating = false;
    PostLine(bank);
    EXPECT_EQ(engine_.cell_count(), 1u) << "a balance-sheet line makes no cell";
    EXPECT_EQ(engine_.stats().ignored, 1u);
    auto out = engine_.Flush(test::TestNow());
    EXPECT_TRUE(out.aggregates.empty());
    EXPECT_TRUE(out.deviations.empty());
}

TEST_F(AnalysisEngineTest, KeepsCellsOfUnknownUnitsOrGroupsOutOfTheRollUp) {
    Post("GHOST", "personal", "202601", 100);
    auto unknown_group = Line("ENH1", "personal", "202601", 100);
    unknown_group.account_group = "okand";
    PostLine(unknown_group);
    EXPECT_EQ(engine_.stats().unplaced, 2u);
    EXPECT_EQ(engine_.cell_count(), 2u) << "kept, to be posted once master data knows them";
    const auto master = test::StandardMaster();
    EXPECT_EQ(engine_.ledger().cube().KindTotal(*master->org.Find("KF"),
                                                domain::GroupKind::kOperating, 0),
              0);
}

TEST_F(AnalysisEngineTest, SettingACellAgainChangesNothingAndALowerTotalTakesItBack) {
    auto line = Line("ENH1", "personal", "202601", 5'000'000);
    auto cell = posting_.Post(0, 1, 1, line);
    ASSERT_TRUE(cell.ok() && *cell);
    ASSERT_TRUE(engine_.SetCell(**cell).ok());
    ASSERT_TRUE(engine_.SetCell(**cell).ok());  // the changelog read twice
    const auto master = test::StandardMaster();
    const auto kf = *master->org.Find("KF");
    const auto& cube = engine_.ledger().cube();
    EXPECT_EQ(cube.KindTotal(kf, domain::GroupKind::kOperating, 0), 5'000'000);
    CellRecord lower = **cell;
    lower.ore = 1'000'000;
    ASSERT_TRUE(engine_.SetCell(lower).ok());
    EXPECT_EQ(engine_.ledger().cube().KindTotal(kf, domain::GroupKind::kOperating, 0), 1'000'000);
}

TEST(AnalysisEngine, HoldsCellsWithoutMasterDataAndPostsThemWhenItArrives) {
    AnalysisEngine engine;
    EXPECT_FALSE(engine.HasMaster());
    CellRecord c{2026, "ENH1", "5011", "202601", "personal", 700, {}};
    ASSERT_TRUE(engine.SetCell(c).ok());
    EXPECT_TRUE(engine.Flush(test::TestNow()).statuses.empty());
    engine.SetMaster(test::StandardMaster());
    auto out = engine.Flush(test::TestNow());
    auto agg = ByUnit(out.aggregates);
    ASSERT_EQ(agg.count("KF"), 1u);
    EXPECT_EQ(agg["KF"].totals.outcome_ore, 700);
}

TEST_F(AnalysisEngineTest, ReEvaluatesEveryUnitWhenMasterDataBringsANewBudget) {
    JanuaryOnBudget();
    Post("ENH1", "personal", "202602", 18'000'000);
    Post("ENH1", "material", "202602", 1'000'000);
    Post("ENH2", "personal", "202602", 20'000'000);
    auto first = engine_.Flush(test::TestNow());
    ASSERT_EQ(first.deviations.size(), 1u);
    ASSERT_EQ(first.deviations[0].event, contracts::DeviationEventKind::kOpened);

    // A budget revision: ENH1's personnel budget becomes 13 000 000 öre a month. Through
    // February: outcome 30 000 000 against 28 000 000, 2 000 000 over (20 000 kr), below the
    // closing threshold (80 % of 50 000 kr), so the deviation closes.
    engine_.SetMaster(test::StandardMaster(156'000'000));
    auto out = engine_.Flush(test::TestNow());
    EXPECT_EQ(out.statuses.size(), 8u);  // every unit, not only touched ones
    EXPECT_EQ(out.aggregates.size(), 8u);
    ASSERT_EQ(out.deviations.size(), 1u);
    const auto& d = out.deviations[0];
    EXPECT_EQ(d.deviation_id.value(), "budget:2026:ENH1");
    EXPECT_EQ(d.event, contracts::DeviationEventKind::kClosed);
    EXPECT_EQ(d.seq, 2);  // the state survived the new master data
    EXPECT_EQ(d.budget_ore, 28'000'000);
    EXPECT_EQ(d.outcome_ore, 30'000'000);
    auto status = ByUnit(out.statuses);
    EXPECT_EQ(status["ENH1"].budget_to_date_ore, 28'000'000);
    EXPECT_EQ(status["ENH1"].annual_budget_ore, 156'000'000 + 12'000'000);
    EXPECT_EQ(status["ENH1"].light, "green");
    EXPECT_TRUE(status["ENH1"].open_deviations.empty());
    // The cells were re-posted, not lost.
    EXPECT_EQ(ByUnit(out.aggregates)["KF"].totals.outcome_ore, 70'000'000);
}

TEST_F(AnalysisEngineTest, MarkAllDirtyMakesNextFlushEvaluateEveryUnit) {
    Post("ENH1", "personal", "202601", 1'000);
    (void)engine_.Flush(test::TestNow());
    engine_.MarkAllDirty();
    auto out = engine_.Flush(test::TestNow());
    EXPECT_EQ(out.statuses.size(), 8u);
    EXPECT_EQ(engine_.AllStatuses(test::TestNow()).size(), 8u);
}

TEST_F(AnalysisEngineTest, WritesOnlyTheOwnedUnitsButRollsUpTheWholeTree) {
    EXPECT_EQ(engine_.TakeGained().size(), 8u) << "new master data: every owned unit";
    engine_.SetOwnership([](std::string_view unit) { return unit == "KF" || unit == "ENH2"; });
    EXPECT_TRUE(engine_.TakeGained().empty()) << "every unit was owned before: nothing gained";
    Post("ENH1", "personal", "202601", 4'000'000);
    Post("ENH2", "personal", "202601", 6'000'000);
    auto out = engine_.Flush(test::TestNow());
    EXPECT_EQ(Units(out.aggregates), (std::set<std::string>{"ENH2", "KF"}));
    auto status = ByUnit(out.statuses);
    ASSERT_EQ(status.size(), 2u);
    // KF counts ENH1's outcome although ENH1 belongs to another instance.
    EXPECT_EQ(status["KF"].outcome_year_ore, 10'000'000);
    EXPECT_EQ(status["ENH2"].outcome_year_ore, 6'000'000);
    const auto owned = engine_.OwnedUnits();
    EXPECT_EQ(std::set<std::string>(owned.begin(), owned.end()),
              (std::set<std::string>{"KF", "ENH2"}));
    EXPECT_TRUE(engine_.Owned("KF"));
    EXPECT_FALSE(engine_.Owned("ENH1"));
    EXPECT_EQ(engine_.AllStatuses(test::TestNow()).size(), 2u);
}

TEST_F(AnalysisEngineTest, ShowsTheForecastOfTheLatestRoundWhateverTheReadingOrder) {
    engine_.SetForecast("VER", 2026, 500'000'000, 2);
    engine_.SetForecast("VER", 2026, 400'000'000, 1);  // an earlier round read later
    engine_.SetForecast("VER", 2025, 300'000'000, 6);  // another year's: not this status's
    auto out = engine_.Flush(test::TestNow());
    auto status = ByUnit(out.statuses);
    ASSERT_EQ(status.count("VER"), 1u) << "a new forecast rewrites the unit's status";
    EXPECT_EQ(status["VER"].forecast_ore, 500'000'000);
    EXPECT_EQ(status["VER"].forecast_round, 2);
    EXPECT_FALSE(status.count("ENH1"));
}

TEST_F(AnalysisEngineTest, UnitsTakenOverAreGainedAndWrittenWithTheNextFlush) {
    engine_.SetOwnership([](std::string_view unit) { return unit == "KF"; });
    (void)engine_.TakeGained();
    Post("ENH1", "personal", "202601", 4'000'000);
    (void)engine_.Flush(test::TestNow());
    engine_.SetOwnership([](std::string_view unit) { return unit == "KF" || unit == "ENH1"; });
    EXPECT_EQ(engine_.TakeGained(), std::vector<std::string>{"ENH1"});
    auto out = engine_.Flush(test::TestNow());
    auto status = ByUnit(out.statuses);
    ASSERT_EQ(status.count("ENH1"), 1u) << "written although nothing changed since";
    EXPECT_EQ(status["ENH1"].outcome_year_ore, 4'000'000);
    EXPECT_EQ(status.count("KF"), 0u);
}

TEST_F(AnalysisEngineTest, RestoredDeviationContinuesItsSequenceAndClosesWithoutReopening) {
    // Another instance opened ENH1's deviation (seq 1) and someone acknowledged it (seq 2).
    contracts::DeviationEvent opened;
    opened.deviation_id = core::DeviationId("budget:2026:ENH1");
    opened.seq = 1;
    opened.unit = core::UnitId("ENH1");
    opened.kind = contracts::DeviationKind::kBudget;
    opened.year = 2026;
    opened.period = "202602";
    opened.event = contracts::DeviationEventKind::kOpened;
    opened.budget_ore = 22'000'000;
    opened.outcome_ore = 30'000'000;
    opened.deviation_ore = 8'000'000;
    EXPECT_TRUE(engine_.RestoreDeviation({opened, 2, true}));
    EXPECT_FALSE(engine_.RestoreDeviation({opened, 2, true})) << "not ahead any more";
    auto first = engine_.Flush(test::TestNow());
    ASSERT_EQ(ByUnit(first.statuses).count("ENH1"), 1u);
    EXPECT_EQ(ByUnit(first.statuses)["ENH1"].light, "red");
    // The outcome is on budget: the deviation closes, as the third event of its life.
    JanuaryOnBudget();
    Post("ENH1", "personal", "202602", 10'000'000);
    Post("ENH1", "material", "202602", 1'000'000);
    Post("ENH2", "personal", "202602", 20'000'000);
    auto out = engine_.Flush(test::TestNow());
    ASSERT_EQ(out.deviations.size(), 1u);
    EXPECT_EQ(out.deviations[0].event, contracts::DeviationEventKind::kClosed);
    EXPECT_EQ(out.deviations[0].seq, 3);
    EXPECT_EQ(ByUnit(out.statuses)["ENH1"].light, "green");
}

TEST_F(AnalysisEngineTest, RestoreIgnoresUnitsOwnedElsewhereAndOtherKinds) {
    engine_.SetOwnership([](std::string_view unit) { return unit != "ENH1"; });
    contracts::DeviationEvent e;
    e.deviation_id = core::DeviationId("budget:2026:ENH1");
    e.unit = core::UnitId("ENH1");
    e.year = 2026;
    e.period = "202602";
    EXPECT_FALSE(engine_.RestoreDeviation({e, 1, true}));
    e.deviation_id = core::DeviationId("forecast:2026:ENH2");
    e.unit = core::UnitId("ENH2");
    e.kind = contracts::DeviationKind::kForecast;
    EXPECT_FALSE(engine_.RestoreDeviation({e, 1, true}));
}

TEST(AnalysisEngine, TwoInstancesWithSplitOwnershipWriteWhatOneInstanceWrites) {
    // The same cells in every engine (each reads the whole changelog); ownership split.
    auto cells = std::vector<CellRecord>{
        {2026, "ENH1", "5011", "202601", "personal", 10'000'000, {0, 1, 1, "visma", "V1"}},
        {2026, "ENH1", "5011", "202602", "personal", 19'000'000, {0, 2, 2, "visma", "V2"}},
        {2026, "ENH2", "5011", "202601", "personal", 20'000'000, {1, 1, 3, "visma", "V3"}},
        {2026, "ENH2", "5011", "202602", "personal", 20'000'003, {1, 2, 4, "visma", "V4"}},
    };
    auto run = [&](AnalysisEngine::Owns owns) {
        AnalysisEngine e;
        e.SetMaster(test::StandardMaster());
        if (owns) e.SetOwnership(std::move(owns));
        for (const auto& c : cells) EXPECT_TRUE(e.SetCell(c).ok());
        return e.Flush(test::TestNow());
    };
    const auto one = run(nullptr);
    const auto a = run([](std::string_view u) { return u.size() % 2 == 0; });  // KF, KS, VER..
    const auto b = run([](std::string_view u) { return u.size() % 2 != 0; });
    auto merged = ByUnit(a.statuses);
    for (const auto& [unit, st] : ByUnit(b.statuses)) {
        EXPECT_EQ(merged.count(unit), 0u) << unit << " written by both";
        merged.emplace(unit, st);
    }
    const auto single = ByUnit(one.statuses);
    ASSERT_EQ(merged.size(), single.size());
    for (const auto& [unit, st] : single) {
        SCOPED_TRACE(unit);
        EXPECT_EQ(merged[unit].outcome_year_ore, st.outcome_year_ore);
        EXPECT_EQ(merged[unit].outcome_to_date_ore, st.outcome_to_date_ore);
        EXPECT_EQ(merged[unit].light, st.light);
        EXPECT_EQ(merged[unit].last_event_at, st.last_event_at);
    }
    EXPECT_EQ(merged["KF"].outcome_year_ore, 69'000'003);
    EXPECT_EQ(a.deviations.size() + b.deviations.size(), one.deviations.size());
}

}  // namespace
}  // namespace bfu::analysis
