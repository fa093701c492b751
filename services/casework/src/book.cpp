#include "bfu/casework/book.hpp"

#include <algorithm>

namespace bfu::casework {

void CaseBook::Remember(const std::optional<std::string>& command_id) {
    if (command_id) commands_.insert(*command_id);
}

bool CaseBook::Apply(const contracts::MeasureEvent& e) {
    Remember(e.command_id);
    auto& r = measures_[e.measure.id.value()];
    if (e.version <= r.version) return false;
    r.current = e.measure;
    r.version = e.version;
    r.history.push_back(e);
    return true;
}

bool CaseBook::Apply(const contracts::CommentEvent& e) {
    Remember(e.command_id);
    if (!comment_ids_.insert(e.comment_id).second) return false;
    comments_.push_back(e);
    return true;
}

bool CaseBook::Apply(const contracts::PlanEvent& e) {
    Remember(e.command_id);
    auto& r = plans_[e.plan.id];
    if (e.version <= r.version) return false;
    r.current = e.plan;
    r.version = e.version;
    r.history.push_back(e);
    return true;
}

bool CaseBook::Apply(const contracts::DecisionEvent& e) {
    Remember(e.command_id);
    return decisions_.emplace(e.decision_id, e).second;
}

const MeasureRecord* CaseBook::FindMeasure(std::string_view id) const {
    auto it = measures_.find(id);
    return it == measures_.end() ? nullptr : &it->second;
}

const PlanRecord* CaseBook::FindPlan(std::string_view id) const {
    auto it = plans_.find(id);
    return it == plans_.end() ? nullptr : &it->second;
}

const contracts::DecisionEvent* CaseBook::FindDecision(std::string_view id) const {
    auto it = decisions_.find(id);
    return it == decisions_.end() ? nullptr : &it->second;
}

bool CaseBook::HasCommand(std::string_view command_id) const {
    return commands_.find(command_id) != commands_.end();
}

std::int64_t CaseBook::LatestRevision(std::string_view budget_id) const {
    std::int64_t out = 0;
    for (const auto& [id, d] : decisions_) {
        if (!d.year || !d.revision) continue;
        for (const auto& b : d.budget) {
            if (std::to_string(*d.year) + ":" + b.unit.value() + ":" + b.account_group ==
                budget_id) {
                out = std::max(out, *d.revision);
            }
        }
    }
    return out;
}

std::vector<contracts::CommentEvent> CaseBook::CommentsFor(std::string_view unit) const {
    std::vector<contracts::CommentEvent> out;
    for (const auto& c : comments_) {
        if (c.unit.value() == unit) out.push_back(c);
    }
    return out;
}

std::vector<MeasureRecord> CaseBook::MeasuresFor(std::string_view deviation_id) const {
    std::set<std::string> ids;
    for (const auto& [id, r] : measures_) {
        if (r.current.deviation_id && r.current.deviation_id->value() == deviation_id)
            ids.insert(id);
    }
    for (const auto& [pid, p] : plans_) {
        const auto& devs = p.current.deviations;
        if (std::none_of(devs.begin(), devs.end(),
                         [&](const core::DeviationId& d) { return d.value() == deviation_id; })) {
            continue;
        }
        for (const auto& m : p.current.measures) ids.insert(m.value());
    }
    std::vector<MeasureRecord> out;
    for (const auto& id : ids) {
        if (const auto* r = FindMeasure(id)) out.push_back(*r);
    }
    return out;
}

std::set<std::string> CaseBook::Units() const {
    std::set<std::string> out;
    for (const auto& [id, r] : measures_) {
        out.insert(r.current.unit.value());
        out.insert(r.current.area.value());
    }
    for (const auto& [id, p] : plans_) {
        out.insert(p.current.sektor.value());
        out.insert(p.current.body.value());
    }
    for (const auto& c : comments_) out.insert(c.unit.value());
    for (const auto& [id, d] : decisions_) out.insert(d.body.value());
    return out;
}

}  // namespace bfu::casework
