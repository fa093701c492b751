#pragma once
// The decide stage (S1 besluta, S9, S15): casework events, written by the casework service
// only (one writer), each carrying the whole entity as it stands after the event, so a reader
// folds by taking the latest per id and keeps the earlier ones as its history.
//   bfu.casework.measures   key measure id   MeasureEvent   åtgärder (S13): proposed, changed,
//                                                           status
//   bfu.casework.comments   key unit id      CommentEvent   the responsible manager's comments
//                                                           on a unit's outcome, deviations,
//                                                           goals and HR figures, per period
//   bfu.casework.plans      key plan id      PlanEvent      åtgärdsplaner (S9) with versions
//   bfu.casework.decisions  key decision id  DecisionEvent  decisions of a nämnd, the KS or the
//                                                           KF with their reference (S15), on
//                                                           measures, plans and budget revisions
// Schemas: schemas/json/measure-event, comment-event, plan-event, decision-event .schema.json.
// Pattern as in ledger.hpp.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/common.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"

namespace bfu::contracts {

// A measure's life: föreslagen -> beslutad -> pågår -> genomförd, or avbruten from any of the
// first three. The wire names are the Swedish words without diacritics.
enum class MeasureStatus { kProposed, kDecided, kOngoing, kDone, kCancelled };
BFU_CONTRACTS_ENUM_NAMES(MeasureStatus, "foreslagen", "beslutad", "pagar", "genomford", "avbruten");
enum class MeasureEventKind { kProposed, kChanged, kStatus };
BFU_CONTRACTS_ENUM_NAMES(MeasureEventKind, "proposed", "changed", "status");

struct CaseMeasure {
    core::MeasureId id;
    std::optional<core::DeviationId> deviation_id;  // the deviation it answers, if any
    core::UnitId unit;  // the unit whose follow-up it belongs to (the deviation's unit)
    core::UnitId area;  // the verksamhet (or other unit) where it acts
    std::string text;
    Person responsible;
    std::int64_t effect_ore_per_month = 0;  // expected; negative lowers the cost
    std::string from_period;                // YYYYMM, the first month of effect
    std::optional<std::string> to_period;   // YYYYMM, the last; absent: to the year's end
    MeasureStatus status = MeasureStatus::kProposed;
    std::optional<std::string> plan_id;       // the action plan it belongs to
    std::optional<std::string> decision_ref;  // "§ 45/2026" once decided

    [[nodiscard]] nlohmann::json ToJson() const;
    bool operator==(const CaseMeasure&) const = default;
};

struct MeasureEvent {
    static constexpr std::string_view kType = "se.bfu.casework.measure.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kCaseMeasures;

    MeasureEventKind event = MeasureEventKind::kProposed;
    CaseMeasure measure;
    std::int64_t version = 1;  // 1 for proposed, then +1 per event of this measure
    Person by;
    std::string at;  // RFC 3339
    std::optional<std::string> comment;
    std::optional<std::string> command_id;  // the client's, for idempotency

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<MeasureEvent> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return measure.id.value(); }
    bool operator==(const MeasureEvent&) const = default;
};

enum class CommentSubject { kOutcome, kDeviation, kGoal, kHr, kGeneral };
BFU_CONTRACTS_ENUM_NAMES(CommentSubject, "outcome", "deviation", "goal", "hr", "general");

struct CommentEvent {
    static constexpr std::string_view kType = "se.bfu.casework.comment.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kCaseComments;

    std::string comment_id;
    core::UnitId unit;
    std::string period;  // YYYYMM the comment is about
    CommentSubject subject = CommentSubject::kOutcome;
    std::optional<core::DeviationId> deviation_id;  // subject deviation
    std::optional<std::string> goal_id;             // subject goal
    std::string text;
    Person by;
    std::string at;  // RFC 3339
    std::optional<std::string> command_id;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<CommentEvent> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return unit.value(); }
    bool operator==(const CommentEvent&) const = default;
};

// An action plan's life (S9): utkast -> föreslagen -> beslutad (by the nämnd) or
// återremitterad (back to utkast for amendment) or avslagen. An amended plan keeps its history:
// every event carries the plan as it stood, with its version.
enum class PlanState { kDraft, kProposed, kDecided, kReferredBack, kRejected };
BFU_CONTRACTS_ENUM_NAMES(PlanState, "utkast", "foreslagen", "beslutad", "aterremitterad",
                         "avslagen");
enum class PlanEventKind { kDrafted, kChanged, kProposed, kDecided, kReferredBack, kRejected };
BFU_CONTRACTS_ENUM_NAMES(PlanEventKind, "drafted", "changed", "proposed", "decided",
                         "referred_back", "rejected");

struct CasePlan {
    std::string id;
    core::UnitId sektor;  // the sektor that prepares it
    core::UnitId body;    // the nämnd that decides it
    std::string title;
    std::string text;
    std::vector<core::DeviationId> deviations;  // the deviations it answers, at least one
    std::vector<core::MeasureId> measures;      // its measures (bfu.casework.measures)
    PlanState state = PlanState::kDraft;
    std::optional<std::string> decision_ref;

    [[nodiscard]] nlohmann::json ToJson() const;
    bool operator==(const CasePlan&) const = default;
};

struct PlanEvent {
    static constexpr std::string_view kType = "se.bfu.casework.plan.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kCasePlans;

    PlanEventKind event = PlanEventKind::kDrafted;
    CasePlan plan;
    std::int64_t version = 1;  // 1 when drafted, then +1 per event of this plan
    Person by;
    std::string at;  // RFC 3339
    std::optional<std::string> comment;
    std::optional<std::string> command_id;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<PlanEvent> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return plan.id; }
    bool operator==(const PlanEvent&) const = default;
};

enum class DecisionSubject { kPlan, kMeasure, kBudgetRevision };
BFU_CONTRACTS_ENUM_NAMES(DecisionSubject, "plan", "measure", "budget_revision");
// Bifall (approved), återremiss (referred back), avslag (rejected).
enum class DecisionOutcome { kApproved, kReferredBack, kRejected };
BFU_CONTRACTS_ENUM_NAMES(DecisionOutcome, "bifall", "aterremiss", "avslag");

// One account group's new annual budget in a budget revision.
struct BudgetRevisionLine {
    core::UnitId unit;
    std::string account_group;
    std::int64_t annual_ore = 0;

    bool operator==(const BudgetRevisionLine&) const = default;
};

struct DecisionEvent {
    static constexpr std::string_view kType = "se.bfu.casework.decision.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kCaseDecisions;

    std::string decision_id;
    std::string ref;                     // "§ 45/2026" (formats IsDecisionRef)
    core::UnitId body;                   // the nämnd, the KS or the KF that decided
    std::string date;                    // YYYY-MM-DD of the meeting
    std::optional<std::string> meeting;  // e.g. "Omsorgsnämndens sammanträde 15 juni"
    std::string text;
    DecisionSubject subject = DecisionSubject::kPlan;
    std::vector<std::string> subject_ids;  // plan ids or measure ids (empty for a budget revision)
    DecisionOutcome outcome = DecisionOutcome::kApproved;
    // A budget revision: the year, the revision number it creates and the new annual amounts.
    std::optional<int> year;
    std::optional<std::int64_t> revision;
    std::vector<BudgetRevisionLine> budget;
    Person by;  // who recorded it (the body's secretary or chair)
    std::string at;
    std::optional<std::string> command_id;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<DecisionEvent> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return decision_id; }
    bool operator==(const DecisionEvent&) const = default;
};

}  // namespace bfu::contracts
