// IndicatorTracker: goal and HR deviations from goal outcomes and HR figures, with the domain
// core's thresholds (5 % of the target) and hysteresis (closes within 80 % of it).
#include <gtest/gtest.h>

#include "bfu/analysis/indicators.hpp"
#include "test_master.hpp"

namespace bfu::analysis {
namespace {

contracts::Goal NkiGoal(
    contracts::GoalDirection direction = contracts::GoalDirection::kHigherIsBetter) {
    contracts::Goal g;
    g.id = "nki";
    g.unit = core::UnitId("ENH1");
    g.year = test::kYear;
    g.name = "Nöjd kund-index";
    g.target = 80;
    g.direction = direction;
    g.measure_unit = "index";
    return g;
}

contracts::GoalOutcome Outcome(std::string goal_id, std::string period, double value,
                               std::string unit = "ENH1") {
    contracts::GoalOutcome o;
    o.goal_id = std::move(goal_id);
    o.unit = core::UnitId(std::move(unit));
    o.period = std::move(period);
    o.value = value;
    return o;
}

contracts::HrFigure Hr(std::string unit, std::string period, double sick_leave_pct) {
    contracts::HrFigure h;
    h.unit = core::UnitId(std::move(unit));
    h.period = std::move(period);
    h.sick_leave_pct = sick_leave_pct;
    h.headcount = 20;
    return h;
}

class IndicatorTrackerTest : public ::testing::Test {
protected:
    std::vector<contracts::DeviationEvent> Eval() {
        return tracker_.Evaluate(master_->org, master_->year, owned_, test::TestNow());
    }

    std::shared_ptr<const service::MasterData> master_ = test::StandardMaster();
    std::function<bool(std::string_view)> owned_ = [](std::string_view) { return true; };
    IndicatorTracker tracker_;
};

TEST_F(IndicatorTrackerTest, MissedGoalOpensAndClosesOnlyWithinHysteresis) {
    tracker_.SetGoal(NkiGoal());
    // 80 target, 5 % threshold = 4: 76 is exactly at it and does not pass.
    tracker_.AddGoalOutcome(Outcome("nki", "202602", 76));
    EXPECT_TRUE(Eval().empty());
    tracker_.AddGoalOutcome(Outcome("nki", "202603", 75));
    auto opened = Eval();
    ASSERT_EQ(opened.size(), 1U);
    const auto& e = opened[0];
    EXPECT_EQ(e.deviation_id.value(), "goal:2026:ENH1:nki");
    EXPECT_EQ(e.kind, contracts::DeviationKind::kGoal);
    EXPECT_EQ(e.event, contracts::DeviationEventKind::kOpened);
    EXPECT_EQ(e.seq, 1);
    EXPECT_EQ(e.unit.value(), "ENH1");
    EXPECT_EQ(e.level, contracts::OrgLevel::kEnhet);
    EXPECT_EQ(e.period, "202603");
    EXPECT_EQ(e.year, 2026);
    ASSERT_TRUE(e.target && e.actual);
    EXPECT_DOUBLE_EQ(*e.target, 80);
    EXPECT_DOUBLE_EQ(*e.actual, 75);
    EXPECT_FALSE(e.budget_ore || e.outcome_ore || e.deviation_ore);
    EXPECT_TRUE(e.within_mandate);
    // Nothing new: no event.
    EXPECT_TRUE(Eval().empty());
    // 76.5 is within the threshold (4) but not within 80 % of it (3.2): stays open.
    tracker_.AddGoalOutcome(Outcome("nki", "202604", 76.5));
    EXPECT_TRUE(Eval().empty());
    // 77 is 3 from the target, inside 3.2: closes.
    tracker_.AddGoalOutcome(Outcome("nki", "202605", 77));
    auto closed = Eval();
    ASSERT_EQ(closed.size(), 1U);
    EXPECT_EQ(closed[0].event, contracts::DeviationEventKind::kClosed);
    EXPECT_EQ(closed[0].seq, 2);
    EXPECT_EQ(closed[0].period, "202605");
}

TEST_F(IndicatorTrackerTest, BeatingAGoalIsNoDeviation) {
    tracker_.SetGoal(NkiGoal());
    tracker_.AddGoalOutcome(Outcome("nki", "202603", 95));
    EXPECT_TRUE(Eval().empty());
}

TEST_F(IndicatorTrackerTest, LowerIsBetterGoalOpensAbove) {
    tracker_.SetGoal(NkiGoal(contracts::GoalDirection::kLowerIsBetter));
    tracker_.AddGoalOutcome(Outcome("nki", "202603", 75));
    EXPECT_TRUE(Eval().empty());
    tracker_.AddGoalOutcome(Outcome("nki", "202603", 90));  // a correction of the same month
    auto events = Eval();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_DOUBLE_EQ(*events[0].actual, 90);
}

TEST_F(IndicatorTrackerTest, SickLeaveOverTargetOpensHrDeviation) {
    // Target 6 %, threshold 0.3 points: 6.3 does not pass, 7.5 does.
    tracker_.AddHr(Hr("ENH2", "202603", 6.3));
    EXPECT_TRUE(Eval().empty());
    tracker_.AddHr(Hr("ENH2", "202604", 7.5));
    auto events = Eval();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].deviation_id.value(), "hr:2026:ENH2:sick_leave");
    EXPECT_EQ(events[0].kind, contracts::DeviationKind::kHr);
    EXPECT_EQ(events[0].event, contracts::DeviationEventKind::kOpened);
    EXPECT_DOUBLE_EQ(*events[0].target, kSickLeaveTargetPct);
    EXPECT_DOUBLE_EQ(*events[0].actual, 7.5);
}

TEST_F(IndicatorTrackerTest, UnknownGoalIsIgnoredAndCounted) {
    tracker_.AddGoalOutcome(Outcome("nobody-knows", "202603", 1));
    tracker_.AddGoalOutcome(Outcome("nki", "2026-13", 1));
    EXPECT_TRUE(Eval().empty());
    EXPECT_EQ(tracker_.stats().unknown_goals, 1U);
    EXPECT_EQ(tracker_.stats().bad_period, 1U);
    // A goal of another year is not this year's goal either.
    auto old = NkiGoal();
    old.year = 2025;
    tracker_.SetGoal(old);
    tracker_.AddGoalOutcome(Outcome("nki", "202603", 10));
    EXPECT_TRUE(Eval().empty());
    EXPECT_EQ(tracker_.stats().unknown_goals, 2U);
}

TEST_F(IndicatorTrackerTest, OnlyOwnedUnitsAreEvaluated) {
    owned_ = [](std::string_view unit) { return unit != "ENH2"; };
    tracker_.AddHr(Hr("ENH2", "202603", 12));
    EXPECT_TRUE(Eval().empty());
    owned_ = [](std::string_view) { return true; };
    EXPECT_TRUE(Eval().empty());  // nothing new, and ownership changes must be told
    tracker_.MarkDirty();
    EXPECT_EQ(Eval().size(), 1U);
}

TEST_F(IndicatorTrackerTest, RestoredStateContinuesTheSequence) {
    tracker_.AddHr(Hr("ENH2", "202603", 12));
    auto first = Eval();
    ASSERT_EQ(first.size(), 1U);
    // A new instance takes over, with the opened event and an acknowledgement (seq 2) seen.
    IndicatorTracker next;
    ASSERT_TRUE(next.Restore(first[0], 2, true, master_->year));
    EXPECT_FALSE(next.Restore(first[0], 2, true, master_->year));  // nothing newer
    next.AddHr(Hr("ENH2", "202603", 12));
    EXPECT_TRUE(next.Evaluate(master_->org, master_->year, owned_, test::TestNow()).empty());
    next.AddHr(Hr("ENH2", "202604", 5));
    auto closed = next.Evaluate(master_->org, master_->year, owned_, test::TestNow());
    ASSERT_EQ(closed.size(), 1U);
    EXPECT_EQ(closed[0].event, contracts::DeviationEventKind::kClosed);
    EXPECT_EQ(closed[0].seq, 3);
    // Budget deviations are not the tracker's.
    auto budget = first[0];
    budget.kind = contracts::DeviationKind::kBudget;
    EXPECT_FALSE(next.Restore(budget, 9, true, master_->year));
}

}  // namespace
}  // namespace bfu::analysis
