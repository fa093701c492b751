#include "bfu/domain/good_examples.hpp"

#include <gtest/gtest.h>

namespace bfu::domain {
namespace {

using core::Money;

UnitResult R(const std::string& id, std::int64_t outcome_kr, std::int64_t budget_kr,
             std::vector<GoalResult> goals = {}) {
    return {core::UnitId(id),
            "Enhet " + id,
            Money::FromKronor(outcome_kr),
            Money::FromKronor(budget_kr),
            std::move(goals),
            "Kommentar " + id};
}

TEST(GoodExamples, RanksUnitsThatBeatBudgetAndAllTargets) {
    const std::vector<UnitResult> units = {
        R("A", 900, 1000),                                    // 10 % under
        R("B", 950, 1000, {{"nki", 85'000, 80'000, false}}),  // 5 % + goal 6.25 %
        R("C", 800, 1000, {{"nki", 70'000, 80'000, false}}),  // misses a goal
        R("D", 1010, 1000),                                   // over budget
        R("E", 0, 0),                                         // no budget
        R("F", -1100, -1000),                                 // revenue unit beats it
    };
    const auto ex = FindGoodExamples(units, {});
    ASSERT_EQ(ex.size(), 3u);
    EXPECT_EQ(ex[0].unit.value(), "B");  // 500 + 625 bp
    EXPECT_EQ(ex[0].score_bp, 1125);
    EXPECT_EQ(ex[0].goals_beaten, 1u);
    EXPECT_EQ(ex[0].comment, "Kommentar B");
    // A and F tie on 1000 bp; A has the larger margin in kronor? Both 100 kr: unit id decides.
    EXPECT_EQ(ex[1].unit.value(), "A");
    EXPECT_EQ(ex[2].unit.value(), "F");
    EXPECT_EQ(ex[2].budget_margin, Money::FromKronor(100));
}

TEST(GoodExamples, RulesFilterAndCap) {
    const std::vector<UnitResult> units = {R("A", 990, 1000), R("B", 900, 1000),
                                           R("C", 800, 1000, {{"sjuk", 5'000, 6'000, true}})};
    GoodExampleRules rules;
    rules.min_budget_share_bp = 500;
    EXPECT_EQ(FindGoodExamples(units, rules).size(), 2u);
    rules.min_goals = 1;
    const auto with_goals = FindGoodExamples(units, rules);
    ASSERT_EQ(with_goals.size(), 1u);
    EXPECT_EQ(with_goals[0].unit.value(), "C");
    rules = {};
    rules.max_results = 1;
    EXPECT_EQ(FindGoodExamples(units, rules).size(), 1u);
    // A goal exactly at target counts as met but not beaten.
    const auto exact = FindGoodExamples({R("X", 900, 1000, {{"nki", 80'000, 80'000, false}})}, {});
    ASSERT_EQ(exact.size(), 1u);
    EXPECT_EQ(exact[0].goals_beaten, 0u);
}

}  // namespace
}  // namespace bfu::domain
