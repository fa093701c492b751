#pragma once
// The decide stage's commands (S1 besluta, S9, S13, S15), decided purely: checked against the
// organisation, the deviations and the case book, answered with the events to append (and, for
// a budget revision, the new budget records) or a refusal that says why in Swedish. No I/O.
//
// Operations (JSON; every one names "by", the acting person's e-mail, and may carry
// "commandId": the same id sent again is applied once and answered {"applied": false}):
//   measure.propose  {"deviation"? | "unit", "area", "text", "responsible": {"name","email"?}
//                     | "who", "effectSekPerMonth", "from": "YYYY-MM", "to"?, "plan"?,
//                     "measure"? (an id)}            a measure (åtgärd), föreslagen
//   measure.status   {"measure", "status": pagar|genomford|avbruten, "comment"?}
//   comment.add      {"unit" | "deviation", "period": "YYYY-MM", "subject": outcome|deviation|
//                     goal|hr|general, "goal"?, "text"}
//   plan.draft       {"sektor", "title", "text", "deviations": [...], "measures"?: [...],
//                     "plan"? (an id)}                an åtgärdsplan (S9), utkast
//   plan.change      {"plan", "title"?, "text"?, "deviations"?, "measures"?}
//   plan.propose     {"plan"}                        utkast/återremitterad -> föreslagen
//   decision.record  {"ref": "§ 45/2026", "body", "date", "meeting"?, "text", "subject":
//                     plan|measure|budget_revision, "ids": [...], "outcome": bifall|aterremiss|
//                     avslag, "year"?, "budget"?: [{"unit","accountGroup","annualSek"}]}
// Who may: the unit's manager or a manager above it in its reporting line (the measure's unit
// and area, the comment's unit, the plan's sektor); a decision only the body's secretary or
// chair (its manager). Refusals (code, field): invalid_argument (a field), not_found (an
// unknown unit, deviation, measure or plan), permission_denied ("by"), failed_precondition (a
// closed deviation, a transition the state does not allow: deciding a plan twice),
// already_exists (another decision with the same reference).
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "bfu/casework/book.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::casework {

struct CaseContext {
    const service::MasterData* master = nullptr;
    const CaseBook* book = nullptr;
    std::function<std::optional<service::DeviationRecord>(std::string_view id)> deviation;
    core::TimePoint now;
};

struct CaseOutput {
    std::vector<contracts::MeasureEvent> measures;
    std::vector<contracts::CommentEvent> comments;
    std::vector<contracts::PlanEvent> plans;
    std::vector<contracts::DecisionEvent> decisions;
    std::vector<contracts::Budget> budgets;  // new revisions for bfu.master.budget
    nlohmann::json reply;

    [[nodiscard]] bool Empty() const {
        return measures.empty() && comments.empty() && plans.empty() && decisions.empty() &&
               budgets.empty();
    }
};

[[nodiscard]] core::Result<CaseOutput> DecideCaseCommand(const nlohmann::json& request,
                                                         const CaseContext& ctx);

// "§ 45/2026" in body ON -> "ON-45-2026": a decision's id.
[[nodiscard]] std::string DecisionId(std::string_view body, std::string_view ref);

}  // namespace bfu::casework
