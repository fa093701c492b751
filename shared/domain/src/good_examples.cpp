#include "bfu/domain/good_examples.hpp"

#include <algorithm>

namespace bfu::domain {

std::vector<GoodExample> FindGoodExamples(const std::vector<UnitResult>& units,
                                          const GoodExampleRules& rules) {
    std::vector<GoodExample> out;
    for (const UnitResult& u : units) {
        if (u.budget_to_date.IsZero()) continue;
        const core::Money margin = u.budget_to_date - u.outcome_to_date;
        if (!(margin > core::Money::Zero())) continue;
        const std::int64_t margin_bp =
            core::Share{margin.ore(), u.budget_to_date.Abs().ore()}.BasisPoints();
        if (margin_bp < rules.min_budget_share_bp) continue;
        if (u.goals.size() < rules.min_goals) continue;
        bool all_met = true;
        std::int64_t goal_sum_bp = 0;
        std::size_t beaten = 0;
        for (const GoalResult& g : u.goals) {
            const std::int64_t better =
                g.lower_is_better ? g.target_milli - g.value_milli : g.value_milli - g.target_milli;
            if (better < 0) {
                all_met = false;
                break;
            }
            if (better > 0) ++beaten;
            const std::int64_t base = g.target_milli < 0 ? -g.target_milli : g.target_milli;
            goal_sum_bp += base == 0 ? 0 : core::Share{better, base}.BasisPoints();
        }
        if (!all_met) continue;
        GoodExample e;
        e.unit = u.unit;
        e.name = u.name;
        e.budget_margin = margin;
        e.budget_margin_bp = margin_bp;
        e.goal_margin_bp =
            u.goals.empty() ? 0 : goal_sum_bp / static_cast<std::int64_t>(u.goals.size());
        e.score_bp = e.budget_margin_bp + e.goal_margin_bp;
        e.goals_beaten = beaten;
        e.comment = u.comment;
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const GoodExample& a, const GoodExample& b) {
        if (a.score_bp != b.score_bp) return a.score_bp > b.score_bp;
        if (a.budget_margin != b.budget_margin) return a.budget_margin > b.budget_margin;
        return a.unit.value() < b.unit.value();
    });
    if (out.size() > rules.max_results) out.resize(rules.max_results);
    return out;
}

}  // namespace bfu::domain
