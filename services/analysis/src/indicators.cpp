#include "bfu/analysis/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "bfu/service/deviation_wire.hpp"

namespace bfu::analysis {

namespace {

std::int64_t Milli(double v) { return std::llround(v * 1000.0); }

std::optional<domain::Period> InYear(const std::string& period, domain::FiscalYear fy) {
    auto p = domain::Period::Parse(period);
    if (!p.ok() || !fy.IndexOf(*p)) return std::nullopt;
    return *p;
}

// The latest period of the series inside fy (periods sort as YYYYMM strings).
const std::pair<const std::string, double>* Latest(const std::map<std::string, double>& values,
                                                   domain::FiscalYear fy) {
    for (auto it = values.rbegin(); it != values.rend(); ++it) {
        if (InYear(it->first, fy)) return &*it;
    }
    return nullptr;
}

}  // namespace

IndicatorTracker::IndicatorTracker(domain::DeviationRules rules, service::HrTargets targets)
    : rules_(rules), targets_(std::move(targets)) {}

void IndicatorTracker::SetGoal(const contracts::Goal& goal) {
    goals_[goal.id] = goal;
    dirty_ = true;
}

void IndicatorTracker::RemoveGoal(std::string_view goal_id) {
    goals_.erase(std::string(goal_id));
    dirty_ = true;
}

void IndicatorTracker::AddGoalOutcome(const contracts::GoalOutcome& outcome) {
    auto p = domain::Period::Parse(outcome.period);
    if (!p.ok()) {
        ++stats_.bad_period;
        return;
    }
    auto& series = goal_values_[outcome.goal_id];
    series.unit = outcome.unit;
    series.by_period[std::to_string(p->Code())] = outcome.value;
    dirty_ = true;
}

void IndicatorTracker::AddHr(const contracts::HrFigure& figure) {
    auto p = domain::Period::Parse(figure.period);
    if (!p.ok()) {
        ++stats_.bad_period;
        return;
    }
    auto& series = sick_leave_[figure.unit.value()];
    series.unit = figure.unit;
    series.by_period[std::to_string(p->Code())] = figure.sick_leave_pct;
    auto& overtime = overtime_[figure.unit.value()];
    overtime.unit = figure.unit;
    overtime.by_period[std::to_string(p->Code())] = figure.overtime_hours;
    dirty_ = true;
}

bool IndicatorTracker::Restore(const contracts::DeviationEvent& latest, std::int64_t last_seq,
                               bool open, domain::FiscalYear fy) {
    domain::DeviationKind kind;
    if (latest.kind == contracts::DeviationKind::kGoal) {
        kind = domain::DeviationKind::kGoal;
    } else if (latest.kind == contracts::DeviationKind::kHr) {
        kind = domain::DeviationKind::kHr;
    } else {
        return false;
    }
    if (latest.year != fy.start_year()) return false;
    // The subject is what follows the id of the same key without one.
    const auto prefix =
        domain::MakeDeviationId({latest.unit, kind, fy, {}}).value() + std::string(":");
    const auto& id_text = latest.deviation_id.value();
    if (id_text.size() <= prefix.size() || id_text.compare(0, prefix.size(), prefix) != 0) {
        return false;
    }
    const domain::DeviationKey key{latest.unit, kind, fy, id_text.substr(prefix.size())};
    const auto id = domain::MakeDeviationId(key);
    if (id != latest.deviation_id) return false;
    auto it = states_.find(id.value());
    if (it != states_.end() && it->second.sequence >= last_seq) return false;
    domain::DeviationState s;
    if (it != states_.end()) s = it->second;
    s.id = id;
    s.key = key;
    s.sequence = static_cast<std::uint32_t>(last_seq);
    if (it == states_.end() || latest.seq > static_cast<std::int64_t>(it->second.sequence)) {
        bool lower_is_better = true;
        if (kind == domain::DeviationKind::kGoal) {
            auto g = goals_.find(key.subject);
            lower_is_better = g != goals_.end() &&
                              g->second.direction == contracts::GoalDirection::kLowerIsBetter;
        }
        domain::Observation obs;
        obs.key = key;
        obs.actual = Milli(latest.actual.value_or(0));
        obs.reference = Milli(latest.target.value_or(0));
        obs.lower_is_better = lower_is_better;
        s.open = open;
        s.deviation = domain::SignedDeviation(obs);
        s.reference = obs.reference;
        s.reported_deviation = s.deviation;
        s.direction =
            s.deviation > 0 ? domain::Direction::kUnfavourable : domain::Direction::kFavourable;
        s.severity = service::FromWire(latest.severity);
        if (auto p = domain::Period::Parse(latest.period); p.ok()) {
            s.as_of = *p;
            if (it == states_.end()) s.opened_in = *p;
        }
    }
    states_[id.value()] = s;
    dirty_ = true;
    return true;
}

std::vector<contracts::DeviationEvent> IndicatorTracker::Evaluate(
    const domain::Organisation& org, const std::vector<domain::FiscalYear>& years,
    const std::function<bool(std::string_view)>& owned, core::TimePoint now) {
    std::vector<contracts::DeviationEvent> out;
    if (!dirty_) return out;
    dirty_ = false;
    IndicatorStats counts;
    counts.bad_period = stats_.bad_period;
    // The goals with outcomes but no goal of any year followed.
    for (const auto& [goal_id, series] : goal_values_) {
        auto g = goals_.find(goal_id);
        const bool followed =
            g != goals_.end() && std::any_of(years.begin(), years.end(), [&](const auto& y) {
                return y.start_year() == g->second.year;
            });
        if (!followed) ++counts.unknown_goals;
    }
    for (const domain::FiscalYear fy : years) {
        EvaluateYear(org, fy, owned, now, counts, out);
    }
    stats_ = counts;
    return out;
}

void IndicatorTracker::EvaluateYear(const domain::Organisation& org, domain::FiscalYear fy,
                                    const std::function<bool(std::string_view)>& owned,
                                    core::TimePoint now, IndicatorStats& counts,
                                    std::vector<contracts::DeviationEvent>& out) {
    auto check = [&](const core::UnitId& unit, domain::DeviationKind kind, std::string subject,
                     const std::string& period, double value, double target, bool lower_is_better) {
        auto u = org.Find(unit);
        if (!u) {
            ++counts.unknown_units;
            return;
        }
        if (!owned(unit.value())) return;
        domain::Observation obs;
        obs.key = {unit, kind, fy, std::move(subject)};
        obs.level = org.unit(*u).level;
        obs.as_of = *InYear(period, fy);
        obs.actual = Milli(value);
        obs.reference = Milli(target);
        obs.lower_is_better = lower_is_better;
        const auto id = domain::MakeDeviationId(obs.key).value();
        auto it = states_.find(id);
        const domain::DeviationState* prior = it == states_.end() ? nullptr : &it->second;
        auto next = domain::Evaluate(prior, obs, rules_.indicator_default, rules_);
        states_[id] = next.state;
        if (!next.event) return;
        auto d = service::ToWire(*next.event, org, now, std::nullopt, ack_policy_);
        // Indicators are not money: target and actual instead (see the deviation schema).
        d.budget_ore.reset();
        d.outcome_ore.reset();
        d.deviation_ore.reset();
        d.target = target;
        d.actual = value;
        d.within_mandate = true;
        out.push_back(std::move(d));
    };
    for (const auto& [goal_id, series] : goal_values_) {
        auto g = goals_.find(goal_id);
        if (g == goals_.end() || g->second.year != fy.start_year()) continue;
        if (g->second.unit != series.unit) {
            ++counts.wrong_unit;
            continue;
        }
        const auto* latest = Latest(series.by_period, fy);
        if (latest == nullptr) continue;
        check(series.unit, domain::DeviationKind::kGoal, goal_id, latest->first, latest->second,
              g->second.target, g->second.direction == contracts::GoalDirection::kLowerIsBetter);
    }
    for (const auto& [unit, series] : sick_leave_) {
        const auto* latest = Latest(series.by_period, fy);
        if (latest == nullptr) continue;
        check(series.unit, domain::DeviationKind::kHr, std::string(kSickLeaveSubject),
              latest->first, latest->second, targets_.SickLeaveFor(unit), true);
    }
    for (const auto& [unit, series] : overtime_) {
        const auto target = targets_.OvertimeFor(unit);
        if (!target) continue;
        const auto* latest = Latest(series.by_period, fy);
        if (latest == nullptr) continue;
        check(series.unit, domain::DeviationKind::kHr, std::string(kOvertimeSubject), latest->first,
              latest->second, *target, true);
    }
}

}  // namespace bfu::analysis
