#include "bfu/contracts/ops.hpp"

#include "reader.hpp"

namespace bfu::contracts {
namespace {

using detail::Json;
using detail::ObjectReader;
using detail::Reader;
using detail::Str;

void ReadHr(Reader& r, const Json& j, const std::string& path, HrFigure& out) {
    ObjectReader o(r, j, path);
    o.Field("unit", out.unit, Str::kId);
    o.Field("period", out.period, Str::kPeriod);
    o.Number("sickLeavePct", out.sick_leave_pct, 0, 100);
    o.Number("overtimeHours", out.overtime_hours, 0);
    o.Field("headcount", out.headcount, 0);
    o.Number("fte", out.fte, 0);
    o.Field("personnelCostOre", out.personnel_cost_ore);
    o.Finish();
}

void ReadGoalOutcome(Reader& r, const Json& j, const std::string& path, GoalOutcome& out) {
    ObjectReader o(r, j, path);
    o.Field("goalId", out.goal_id, Str::kId);
    o.Field("unit", out.unit, Str::kId);
    o.Field("period", out.period, Str::kPeriod);
    o.Number("value", out.value);
    o.Field("comment", out.comment, Str::kAny);
    o.Finish();
}

void ReadClockTick(Reader& r, const Json& j, const std::string& path, ClockTick& out) {
    ObjectReader o(r, j, path);
    o.Field("now", out.now, Str::kDateTime);
    o.Field("by", out.by, Str::kAny);
    o.Finish();
}

}  // namespace

nlohmann::json HrFigure::ToJson() const {
    Json j = {{"unit", unit.value()},
              {"period", period},
              {"sickLeavePct", sick_leave_pct},
              {"overtimeHours", overtime_hours},
              {"headcount", headcount}};
    if (fte) j["fte"] = *fte;
    if (personnel_cost_ore) j["personnelCostOre"] = *personnel_cost_ore;
    return j;
}

core::Result<HrFigure> HrFigure::FromJson(const nlohmann::json& j,
                                          std::vector<core::Error>* all_errors) {
    return detail::Decode<HrFigure>(j, all_errors, ReadHr);
}

nlohmann::json GoalOutcome::ToJson() const {
    Json j = {{"goalId", goal_id}, {"unit", unit.value()}, {"period", period}, {"value", value}};
    if (comment) j["comment"] = *comment;
    return j;
}

core::Result<GoalOutcome> GoalOutcome::FromJson(const nlohmann::json& j,
                                                std::vector<core::Error>* all_errors) {
    return detail::Decode<GoalOutcome>(j, all_errors, ReadGoalOutcome);
}

nlohmann::json ClockTick::ToJson() const {
    Json j = {{"now", now}};
    if (by) j["by"] = *by;
    return j;
}

core::Result<ClockTick> ClockTick::FromJson(const nlohmann::json& j,
                                            std::vector<core::Error>* all_errors) {
    return detail::Decode<ClockTick>(j, all_errors, ReadClockTick);
}

}  // namespace bfu::contracts
