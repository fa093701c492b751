// AnalysisEngine: ledger lines in; roll-up, deviation events, aggregates and statuses out.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "bfu/analysis/engine.hpp"
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

contracts::Trigger TriggerAt(std::int64_t offset) {
    contracts::Trigger t;
    t.topic = "bfu.ledger.lines";
    t.partition = 0;
    t.offset = offset;
    return t;
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
        engine_.SetMaster(test::StandardMaster());
        // New master data marks every unit for evaluation; start each test from a clean slate.
        (void)engine_.Flush(test::TestNow());
    }

    void Post(const std::string& unit, const std::string& group, const std::string& period,
              std::int64_t ore) {
        auto s = engine_.Apply(Line(unit, group, period, ore), TriggerAt(++offset_));
        ASSERT_TRUE(s.ok()) << s.error().message;
    }

    // January on budget for everyone: ENH1 personal 10 000 000 + material 1 000 000, ENH2
    // personal 20 000 000.
    void JanuaryOnBudget() {
        Post("ENH1", "personal", "202601", 10'000'000);
        Post("ENH1", "material", "202601", 1'000'000);
        Post("ENH2", "personal", "202601", 20'000'000);
    }

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
    EXPECT_EQ(agg["VER"].through_period, "202601");
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
    EXPECT_EQ(engine_.stats().posted, 3u);
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
    ASSERT_EQ(d.notified.size(), 1u);
    EXPECT_EQ(d.notified[0].name, "Olof Björk");
}

TEST_F(AnalysisEngineTest, JudgesUnitBehindInBookingThroughLastCompleteMonth) {
    JanuaryOnBudget();
    // February is half booked. Through February ENH1 would look 5 500 000 öre (55 000 kr, 25 %)
    // under budget, past the enhet threshold: a favourable deviation that is only postings not
    // yet made.
    Post("ENH1", "personal", "202602", 5'000'000);
    Post("ENH1", "material", "202602", 500'000);
    Post("ENH2", "personal", "202602", 10'000'000);
    auto out = engine_.Flush(test::TestNow());
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
    ASSERT_TRUE(engine_.Apply(Line("ENH1", "personal", "202512", 9'000'000), TriggerAt(1)).ok());
    auto bank = Line("ENH1", "personal", "202601", -9'000'000);
    bank.account = core::AccountNo("1930");
    bank.account_class = 1;
    bank.account_group = "balansrakning";
    bank.is_operating = false;
    ASSERT_TRUE(engine_.Apply(bank, TriggerAt(2)).ok());
    EXPECT_EQ(engine_.stats().ignored, 2u);
    EXPECT_EQ(engine_.stats().posted, 0u);
    auto out = engine_.Flush(test::TestNow());
    EXPECT_TRUE(out.aggregates.empty());
    EXPECT_TRUE(out.deviations.empty());
}

TEST_F(AnalysisEngineTest, RejectsLineOfUnknownUnitOrGroupAsNotFound) {
    auto unknown_unit = engine_.Apply(Line("GHOST", "personal", "202601", 100), TriggerAt(1));
    ASSERT_FALSE(unknown_unit.ok());
    EXPECT_EQ(unknown_unit.error().code, core::Errc::kNotFound);
    EXPECT_EQ(unknown_unit.error().field, "/unit");

    auto unknown_group = Line("ENH1", "personal", "202601", 100);
    unknown_group.account_group = "okand";
    auto r = engine_.Apply(unknown_group, TriggerAt(2));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kNotFound);
    EXPECT_EQ(r.error().field, "/accountGroup");
    EXPECT_EQ(engine_.stats().posted, 0u);
}

TEST(AnalysisEngine, RefusesLinesWithoutMasterData) {
    AnalysisEngine engine;
    EXPECT_FALSE(engine.HasMaster());
    auto r = engine.Apply(Line("ENH1", "personal", "202601", 100), TriggerAt(1));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kFailedPrecondition);
    EXPECT_TRUE(engine.Flush(test::TestNow()).statuses.empty());
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
    // The lines were re-posted, not lost.
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

}  // namespace
}  // namespace bfu::analysis
