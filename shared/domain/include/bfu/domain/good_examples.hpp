#pragma once
// Good examples (S3): units whose results beat budget and targets, ranked, so reports can
// surface successful ways of working with the manager's comment.
//
// A unit qualifies when
//   - it has an operating budget to date (no budget, nothing to beat),
//   - its net cost to date is below budget by at least min_budget_share_bp of |budget|,
//   - every goal it reports meets or beats its target (none missed), and
//   - it has at least min_goals goals reported (0 by default: economy alone may qualify).
// Score (basis points) = budget margin share + the average margin by which goals beat their
// targets. Ranked by score, then by budget margin, then by unit id, so the order is total.
#include <cstdint>
#include <string>
#include <vector>

#include "bfu/core/money.hpp"
#include "bfu/core/strong_id.hpp"

namespace bfu::domain {

struct GoalResult {
    std::string indicator;
    std::int64_t value_milli = 0;
    std::int64_t target_milli = 0;
    bool lower_is_better = false;
};

struct UnitResult {
    core::UnitId unit;
    std::string name;
    core::Money outcome_to_date;  // net operating cost
    core::Money budget_to_date;
    std::vector<GoalResult> goals;
    std::string comment;  // the manager's comment, carried to the report
};

struct GoodExampleRules {
    std::int64_t min_budget_share_bp = 0;  // strictly below budget is required in any case
    std::size_t min_goals = 0;
    std::size_t max_results = 10;
};

struct GoodExample {
    core::UnitId unit;
    std::string name;
    core::Money budget_margin;          // budget - outcome (> 0)
    std::int64_t budget_margin_bp = 0;  // margin / |budget|
    std::int64_t goal_margin_bp = 0;    // average goal margin
    std::int64_t score_bp = 0;
    std::size_t goals_beaten = 0;  // goals strictly better than target
    std::string comment;
};

[[nodiscard]] std::vector<GoodExample> FindGoodExamples(const std::vector<UnitResult>& units,
                                                        const GoodExampleRules& rules);

}  // namespace bfu::domain
