#pragma once
// Operational figures per unit and month: HR (bfu.ops.hr) and goal outcomes
// (bfu.ops.goal-outcomes); and the simulated business clock (bfu.clock). Schemas:
// schemas/json/hr-figure, goal-outcome, clock-tick .schema.json.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/topics.hpp"
#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"

namespace bfu::contracts {

struct HrFigure {
    static constexpr std::string_view kType = "se.bfu.ops.hr.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kOpsHr;

    core::UnitId unit;
    std::string period;          // YYYYMM
    double sick_leave_pct = 0;   // 0-100
    double overtime_hours = 0;   // >= 0
    std::int64_t headcount = 0;  // >= 0
    std::optional<double> fte;   // >= 0
    std::optional<std::int64_t> personnel_cost_ore;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<HrFigure> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return unit.value(); }
    bool operator==(const HrFigure&) const = default;
};

struct GoalOutcome {
    static constexpr std::string_view kType = "se.bfu.ops.goal-outcome.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kOpsGoalOutcomes;

    std::string goal_id;
    core::UnitId unit;
    std::string period;  // YYYYMM
    double value = 0;
    std::optional<std::string> comment;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<GoalOutcome> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return unit.value(); }
    bool operator==(const GoalOutcome&) const = default;
};

// Simulated business time for tests and the demo: the business clock now reads `now`. One key,
// "clock", on a compacted topic, so the latest tick is the time.
struct ClockTick {
    static constexpr std::string_view kType = "se.bfu.clock.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kClock;

    std::string now;                // RFC 3339
    std::optional<std::string> by;  // who moved it, free text

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<ClockTick> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return "clock"; }
    bool operator==(const ClockTick&) const = default;
};

}  // namespace bfu::contracts
