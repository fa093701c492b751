#pragma once
// CaseBook: the decide stage's state, folded from its four topics (bfu.casework.measures,
// .comments, .plans, .decisions; contracts/casework.hpp). Every event carries its entity whole,
// so the fold keeps the latest per id and the earlier ones as the entity's history. Rules, each
// idempotent (an event applied by its writer and read back again changes nothing):
//   - a measure or plan event applies when its version is higher than the one held, and is
//     then appended to the history;
//   - a comment or decision applies once per id;
//   - every event's command id is remembered, so a command sent again is recognised.
// Pure; not thread-safe (the service guards it).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/casework.hpp"

namespace bfu::casework {

struct MeasureRecord {
    contracts::CaseMeasure current;
    std::int64_t version = 0;
    std::vector<contracts::MeasureEvent> history;  // in version order
};

struct PlanRecord {
    contracts::CasePlan current;
    std::int64_t version = 0;
    std::vector<contracts::PlanEvent> history;  // every version: an amended plan's history
};

class CaseBook {
public:
    bool Apply(const contracts::MeasureEvent& e);
    bool Apply(const contracts::CommentEvent& e);
    bool Apply(const contracts::PlanEvent& e);
    bool Apply(const contracts::DecisionEvent& e);

    [[nodiscard]] const MeasureRecord* FindMeasure(std::string_view id) const;
    [[nodiscard]] const PlanRecord* FindPlan(std::string_view id) const;
    [[nodiscard]] const contracts::DecisionEvent* FindDecision(std::string_view id) const;
    [[nodiscard]] bool HasCommand(std::string_view command_id) const;
    // The reply a command gave when it was applied (kept for repeats): the event ids it made.
    [[nodiscard]] const std::map<std::string, MeasureRecord, std::less<>>& measures() const {
        return measures_;
    }
    [[nodiscard]] const std::map<std::string, PlanRecord, std::less<>>& plans() const {
        return plans_;
    }
    [[nodiscard]] const std::map<std::string, contracts::DecisionEvent, std::less<>>& decisions()
        const {
        return decisions_;
    }
    // The highest budget revision this book's decisions made for "year:unit:accountGroup" (0
    // when none).
    [[nodiscard]] std::int64_t LatestRevision(std::string_view budget_id) const;
    // A unit's comments in the order made.
    [[nodiscard]] std::vector<contracts::CommentEvent> CommentsFor(std::string_view unit) const;
    [[nodiscard]] const std::vector<contracts::CommentEvent>& comments() const { return comments_; }
    // The measures answering a deviation: directly, or through a plan that answers it.
    [[nodiscard]] std::vector<MeasureRecord> MeasuresFor(std::string_view deviation_id) const;
    // Every unit the book has anything about (a measure's unit and area, a plan's sektor and
    // body, a comment's unit, a decision's body): the units whose summaries change with it.
    [[nodiscard]] std::set<std::string> Units() const;

private:
    void Remember(const std::optional<std::string>& command_id);

    std::map<std::string, MeasureRecord, std::less<>> measures_;
    std::map<std::string, PlanRecord, std::less<>> plans_;
    std::map<std::string, contracts::DecisionEvent, std::less<>> decisions_;
    std::vector<contracts::CommentEvent> comments_;
    std::set<std::string, std::less<>> comment_ids_;
    std::set<std::string, std::less<>> commands_;
};

}  // namespace bfu::casework
