#pragma once
// What analysis and forecasting produce: unit aggregates (bfu.unit.aggregates), forecasts
// (bfu.forecasts), managers' forecast submissions (bfu.forecast.submissions) and deviation
// events (bfu.deviations). Schemas: schemas/json/unit-aggregate, forecast,
// forecast-submission, deviation-event .schema.json. Pattern as described in ledger.hpp.
#include <array>
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

using Months = std::array<MonthCell, 12>;  // January first

struct AggregateGroup {
    std::string account_group;
    Months months{};
    std::int64_t outcome_ore = 0;  // whole year so far
    std::int64_t budget_ore = 0;   // annual

    bool operator==(const AggregateGroup&) const = default;
};

struct AggregateTotals {
    Months months{};
    std::int64_t outcome_ore = 0;
    std::int64_t budget_ore = 0;  // annual
    std::int64_t outcome_to_date_ore = 0;
    std::int64_t budget_to_date_ore = 0;  // periodised through through_period

    bool operator==(const AggregateTotals&) const = default;
};

struct UnitAggregate {
    static constexpr std::string_view kType = "se.bfu.unit.aggregate.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kUnitAggregates;

    int year = 0;
    core::UnitId unit;
    OrgLevel level = OrgLevel::kEnhet;
    bool includes_subtree = false;  // rolled up over the unit's subtree
    std::string through_period;     // YYYYMM
    std::string as_of;              // RFC 3339
    std::vector<AggregateGroup> groups;
    AggregateTotals totals;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<UnitAggregate> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return keys::YearUnit(year, unit.value()); }
    bool operator==(const UnitAggregate&) const = default;
};

enum class ForecastMethod { kProfile, kTrend, kBlend, kManager };
BFU_CONTRACTS_ENUM_NAMES(ForecastMethod, "profile", "trend", "blend", "manager");

// Why a forecast was written: its round came (timetable), the unit's outcome moved it
// materially, or a manager submitted their own.
enum class ForecastReason { kRound, kOutcomeChanged, kSubmission };
BFU_CONTRACTS_ENUM_NAMES(ForecastReason, "round", "outcome_changed", "submission");

struct ForecastGroup {
    std::string account_group;
    std::int64_t annual_ore = 0;
    std::optional<ForecastMethod> method;  // how this group was forecast (absent in v1 data)

    bool operator==(const ForecastGroup&) const = default;
};

struct ForecastInputs {
    std::string through_period;  // YYYYMM
    std::int64_t outcome_to_date_ore = 0;
    std::int64_t budget_to_date_ore = 0;
    std::optional<std::int64_t> remaining_profile_ore;
    std::optional<std::int64_t> trend_adjustment_ore;
    std::optional<std::string> submission_comment;
    std::optional<Person> submitted_by;       // manager forecasts
    std::optional<std::string> submitted_at;  // RFC 3339, manager forecasts
    std::optional<int> history_years;         // earlier years behind a run-rate forecast
    std::optional<ForecastReason> reason;

    bool operator==(const ForecastInputs&) const = default;
};

struct Forecast {
    static constexpr std::string_view kType = "se.bfu.forecast.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kForecasts;

    int year = 0;
    core::UnitId unit;
    int round = 1;  // 1-6
    ForecastMethod method = ForecastMethod::kProfile;
    std::vector<ForecastGroup> groups;
    std::int64_t total_ore = 0;
    std::int64_t budget_ore = 0;
    ForecastInputs inputs;
    std::string made_at;  // RFC 3339
    // "measuresEffectOre": the expected effect over the rest of the year of the unit's decided
    // and ongoing measures (bfu.casework.measures); negative lowers the cost.
    std::optional<std::int64_t> measures_effect_ore;
    // "withMeasuresOre": total_ore + measures_effect_ore, the forecast if the measures work.
    std::optional<std::int64_t> with_measures_ore;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<Forecast> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return keys::YearUnitRound(year, unit.value(), round); }
    bool operator==(const Forecast&) const = default;
};

struct ForecastSubmission {
    static constexpr std::string_view kType = "se.bfu.forecast.submission.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kForecastSubmissions;

    int year = 0;
    core::UnitId unit;
    int round = 1;
    std::int64_t amount_ore = 0;
    std::optional<std::string> comment;
    Person by;
    std::string submitted_at;  // RFC 3339

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<ForecastSubmission> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return keys::YearUnitRound(year, unit.value(), round); }
    bool operator==(const ForecastSubmission&) const = default;
};

enum class DeviationKind { kBudget, kInvestment, kForecast, kGoal, kHr };
BFU_CONTRACTS_ENUM_NAMES(DeviationKind, "budget", "investment", "forecast", "goal", "hr");
enum class DeviationEventKind {
    kOpened,
    kChanged,
    kAcknowledged,
    kMeasureAdded,
    kMeasureDone,
    kActionPlan,
    kDecision,
    kEscalated,
    kClosed,
    kCommented,  // someone commented; carries comment (the schema requires it for this kind)
};
BFU_CONTRACTS_ENUM_NAMES(DeviationEventKind, "opened", "changed", "acknowledged", "measure_added",
                         "measure_done", "action_plan", "decision", "escalated", "closed",
                         "commented");
enum class Severity { kMinor, kMajor, kCritical };
BFU_CONTRACTS_ENUM_NAMES(Severity, "minor", "major", "critical");
enum class CauseDimension { kGroup, kAccount, kMonth };
BFU_CONTRACTS_ENUM_NAMES(CauseDimension, "group", "account", "month");
enum class EscalationReason { kBeyondMandate, kNotAcknowledged };
BFU_CONTRACTS_ENUM_NAMES(EscalationReason, "beyond_mandate", "not_acknowledged");

// What drives a deviation: an account group, an account or a month, and its part of it.
struct Cause {
    CauseDimension dimension = CauseDimension::kGroup;
    std::string key;  // the group, account number or period
    std::int64_t amount_ore = 0;
    double share = 0;

    bool operator==(const Cause&) const = default;
};

struct TriggerVoucher {
    core::SourceId source;
    core::VoucherId voucher_id;

    bool operator==(const TriggerVoucher&) const = default;
};

// The input that caused the event, all optional.
struct Trigger {
    std::optional<std::string> topic;
    std::optional<std::int32_t> partition;
    std::optional<std::int64_t> offset;
    std::optional<TriggerVoucher> voucher;

    bool operator==(const Trigger&) const = default;
};

struct Measure {
    core::MeasureId id;
    std::string what;
    std::string who;
    std::string due;              // YYYY-MM-DD
    std::int64_t effect_ore = 0;  // expected effect; negative lowers the cost

    bool operator==(const Measure&) const = default;
};

struct ActionPlan {
    std::string id;
    std::string text;
    std::vector<core::UnitId> areas;  // verksamheter it acts in, at least one
    std::int64_t effect_ore = 0;

    bool operator==(const ActionPlan&) const = default;
};

struct Decision {
    std::string ref;   // "§ 45/2026"
    std::string date;  // YYYY-MM-DD
    std::string text;

    bool operator==(const Decision&) const = default;
};

struct Escalation {
    core::UnitId to_unit;
    OrgLevel to_level = OrgLevel::kVerksamhet;
    EscalationReason reason = EscalationReason::kBeyondMandate;

    bool operator==(const Escalation&) const = default;
};

struct DeviationEvent {
    static constexpr std::string_view kType = "se.bfu.deviation.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kDeviations;

    core::DeviationId deviation_id;
    std::int64_t seq = 1;  // 1 for opened, then +1 per event
    core::UnitId unit;
    OrgLevel level = OrgLevel::kEnhet;
    DeviationKind kind = DeviationKind::kBudget;
    int year = 0;
    std::string period;  // YYYYMM
    DeviationEventKind event = DeviationEventKind::kOpened;
    std::string at;  // RFC 3339
    // Money for budget and forecast kinds; target/actual for goal and hr kinds.
    std::optional<std::int64_t> budget_ore;
    std::optional<std::int64_t> outcome_ore;
    std::optional<std::int64_t> deviation_ore;
    std::optional<double> target;
    std::optional<double> actual;
    double share = 0;
    Severity severity = Severity::kMinor;
    std::vector<Cause> causes;  // empty = absent
    bool within_mandate = true;
    Person responsible;
    std::vector<Person> notified;  // empty = absent
    std::optional<Person> by;
    std::optional<std::string> comment;  // required when event is kCommented
    std::optional<Trigger> trigger;
    std::optional<Measure> measure;
    std::optional<ActionPlan> action_plan;
    std::optional<Decision> decision;
    std::optional<Escalation> escalation;
    // "respondBy", RFC 3339: by when the responsible level must acknowledge (opened, escalated).
    std::optional<std::string> respond_by;
    // "commandId": the id a client gave the command that made this event, for idempotency;
    // ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$.
    std::optional<std::string> command_id;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<DeviationEvent> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return deviation_id.value(); }
    bool operator==(const DeviationEvent&) const = default;
};

}  // namespace bfu::contracts
