#include "bfu/contracts/casework.hpp"

#include <initializer_list>

#include "reader.hpp"

namespace bfu::contracts {
namespace {

using detail::Json;
using detail::ObjectReader;
using detail::Reader;
using detail::Str;

// The schemas' if/then: when the object's `key` is the string `value`, every one of `required`
// must be present. Reported on the first missing one, as the schema reports it on the object.
void RequireWhen(Reader& r, const ObjectReader& o, const Json& j, std::string_view key,
                 std::string_view value, std::initializer_list<std::string_view> required) {
    if (!o.valid()) return;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>() != value) return;
    for (const std::string_view name : required) {
        if (!j.contains(name)) {
            r.Fail(detail::Child(o.path(), name),
                   "is required when " + std::string(key) + " is \"" + std::string(value) + "\"");
            return;
        }
    }
}

void ReadCaseMeasure(Reader& r, const Json& j, const std::string& path, CaseMeasure& out) {
    ObjectReader o(r, j, path);
    o.Field("id", out.id, Str::kId);
    o.Field("deviationId", out.deviation_id, Str::kEventId);
    o.Field("unit", out.unit, Str::kId);
    o.Field("area", out.area, Str::kId);
    o.Field("text", out.text, Str::kLongText);
    o.Object("responsible", out.responsible, detail::ReadPerson);
    o.Field("effectOrePerMonth", out.effect_ore_per_month);
    o.Field("fromPeriod", out.from_period, Str::kPeriod);
    o.Field("toPeriod", out.to_period, Str::kPeriod);
    o.Field("status", out.status);
    o.Field("planId", out.plan_id, Str::kId);
    o.Field("decisionRef", out.decision_ref, Str::kDecisionRef);
    o.Finish();
}

void ReadMeasureEvent(Reader& r, const Json& j, const std::string& path, MeasureEvent& out) {
    ObjectReader o(r, j, path);
    o.Field("event", out.event);
    o.Object("measure", out.measure, ReadCaseMeasure);
    o.Field("version", out.version, 1);
    o.Object("by", out.by, detail::ReadPerson);
    o.Field("at", out.at, Str::kDateTime);
    o.Field("comment", out.comment, Str::kLine);
    o.Field("commandId", out.command_id, Str::kCommandId);
    o.Finish();
}

void ReadCommentEvent(Reader& r, const Json& j, const std::string& path, CommentEvent& out) {
    ObjectReader o(r, j, path);
    o.Field("commentId", out.comment_id, Str::kId);
    o.Field("unit", out.unit, Str::kId);
    o.Field("period", out.period, Str::kPeriod);
    o.Field("subject", out.subject);
    o.Field("deviationId", out.deviation_id, Str::kEventId);
    o.Field("goalId", out.goal_id, Str::kId);
    o.Field("text", out.text, Str::kLongText);
    o.Object("by", out.by, detail::ReadPerson);
    o.Field("at", out.at, Str::kDateTime);
    o.Field("commandId", out.command_id, Str::kCommandId);
    o.Finish();
}

void ReadCasePlan(Reader& r, const Json& j, const std::string& path, CasePlan& out) {
    ObjectReader o(r, j, path);
    o.Field("id", out.id, Str::kId);
    o.Field("sektor", out.sektor, Str::kId);
    o.Field("body", out.body, Str::kId);
    o.Field("title", out.title, Str::kLine);
    o.Field("text", out.text, Str::kLongText);
    o.Array("deviations", out.deviations, detail::IdItem<core::DeviationId>(Str::kEventId), true,
            1);
    o.Array("measures", out.measures, detail::IdItem<core::MeasureId>(Str::kId), true);
    o.Field("state", out.state);
    o.Field("decisionRef", out.decision_ref, Str::kDecisionRef);
    o.Finish();
}

void ReadPlanEvent(Reader& r, const Json& j, const std::string& path, PlanEvent& out) {
    ObjectReader o(r, j, path);
    o.Field("event", out.event);
    o.Object("plan", out.plan, ReadCasePlan);
    o.Field("version", out.version, 1);
    o.Object("by", out.by, detail::ReadPerson);
    o.Field("at", out.at, Str::kDateTime);
    o.Field("comment", out.comment, Str::kLine);
    o.Field("commandId", out.command_id, Str::kCommandId);
    o.Finish();
}

void ReadRevisionLine(Reader& r, const Json& j, const std::string& path, BudgetRevisionLine& out) {
    ObjectReader o(r, j, path);
    o.Field("unit", out.unit, Str::kId);
    o.Field("accountGroup", out.account_group, Str::kId);
    o.Field("annualOre", out.annual_ore);
    o.Finish();
}

void ReadDecisionEvent(Reader& r, const Json& j, const std::string& path, DecisionEvent& out) {
    ObjectReader o(r, j, path);
    o.Field("decisionId", out.decision_id, Str::kEventId);
    o.Field("ref", out.ref, Str::kDecisionRef);
    o.Field("body", out.body, Str::kId);
    o.Field("date", out.date, Str::kDate);
    o.Field("meeting", out.meeting, Str::kLine);
    o.Field("text", out.text, Str::kLongText);
    o.Field("subject", out.subject);
    o.Array("subjectIds", out.subject_ids, detail::StringItem(Str::kId), false, 1);
    o.Field("outcome", out.outcome);
    o.Field("year", out.year, 1900, 2999);
    o.Field("revision", out.revision, 1);
    o.Array("budget", out.budget, ReadRevisionLine, false, 1);
    o.Object("by", out.by, detail::ReadPerson);
    o.Field("at", out.at, Str::kDateTime);
    o.Field("commandId", out.command_id, Str::kCommandId);
    // A decision on plans or measures names them; a budget revision carries the new budget.
    RequireWhen(r, o, j, "subject", ToString(DecisionSubject::kPlan), {"subjectIds"});
    RequireWhen(r, o, j, "subject", ToString(DecisionSubject::kMeasure), {"subjectIds"});
    RequireWhen(r, o, j, "subject", ToString(DecisionSubject::kBudgetRevision),
                {"year", "revision", "budget"});
    o.Finish();
}

}  // namespace

nlohmann::json CaseMeasure::ToJson() const {
    Json j = {{"id", id.value()},
              {"unit", unit.value()},
              {"area", area.value()},
              {"text", text},
              {"responsible", responsible.ToJson()},
              {"effectOrePerMonth", effect_ore_per_month},
              {"fromPeriod", from_period},
              {"status", std::string(ToString(status))}};
    if (deviation_id) j["deviationId"] = deviation_id->value();
    if (to_period) j["toPeriod"] = *to_period;
    if (plan_id) j["planId"] = *plan_id;
    if (decision_ref) j["decisionRef"] = *decision_ref;
    return j;
}

nlohmann::json MeasureEvent::ToJson() const {
    Json j = {{"event", std::string(ToString(event))},
              {"measure", measure.ToJson()},
              {"version", version},
              {"by", by.ToJson()},
              {"at", at}};
    if (comment) j["comment"] = *comment;
    if (command_id) j["commandId"] = *command_id;
    return j;
}

core::Result<MeasureEvent> MeasureEvent::FromJson(const nlohmann::json& j,
                                                  std::vector<core::Error>* all_errors) {
    return detail::Decode<MeasureEvent>(j, all_errors, ReadMeasureEvent);
}

nlohmann::json CommentEvent::ToJson() const {
    Json j = {{"commentId", comment_id},
              {"unit", unit.value()},
              {"period", period},
              {"subject", std::string(ToString(subject))},
              {"text", text},
              {"by", by.ToJson()},
              {"at", at}};
    if (deviation_id) j["deviationId"] = deviation_id->value();
    if (goal_id) j["goalId"] = *goal_id;
    if (command_id) j["commandId"] = *command_id;
    return j;
}

core::Result<CommentEvent> CommentEvent::FromJson(const nlohmann::json& j,
                                                  std::vector<core::Error>* all_errors) {
    return detail::Decode<CommentEvent>(j, all_errors, ReadCommentEvent);
}

nlohmann::json CasePlan::ToJson() const {
    Json j = {{"id", id},
              {"sektor", sektor.value()},
              {"body", body.value()},
              {"title", title},
              {"text", text},
              {"deviations", detail::IdsJson(deviations)},
              {"measures", detail::IdsJson(measures)},
              {"state", std::string(ToString(state))}};
    if (decision_ref) j["decisionRef"] = *decision_ref;
    return j;
}

nlohmann::json PlanEvent::ToJson() const {
    Json j = {{"event", std::string(ToString(event))},
              {"plan", plan.ToJson()},
              {"version", version},
              {"by", by.ToJson()},
              {"at", at}};
    if (comment) j["comment"] = *comment;
    if (command_id) j["commandId"] = *command_id;
    return j;
}

core::Result<PlanEvent> PlanEvent::FromJson(const nlohmann::json& j,
                                            std::vector<core::Error>* all_errors) {
    return detail::Decode<PlanEvent>(j, all_errors, ReadPlanEvent);
}

nlohmann::json DecisionEvent::ToJson() const {
    Json j = {{"decisionId", decision_id},
              {"ref", ref},
              {"body", body.value()},
              {"date", date},
              {"text", text},
              {"subject", std::string(ToString(subject))},
              {"outcome", std::string(ToString(outcome))},
              {"by", by.ToJson()},
              {"at", at}};
    if (meeting) j["meeting"] = *meeting;
    if (!subject_ids.empty()) j["subjectIds"] = subject_ids;
    if (year) j["year"] = *year;
    if (revision) j["revision"] = *revision;
    if (!budget.empty()) {
        Json arr = Json::array();
        for (const auto& line : budget) {
            arr.push_back({{"unit", line.unit.value()},
                           {"accountGroup", line.account_group},
                           {"annualOre", line.annual_ore}});
        }
        j["budget"] = std::move(arr);
    }
    if (command_id) j["commandId"] = *command_id;
    return j;
}

core::Result<DecisionEvent> DecisionEvent::FromJson(const nlohmann::json& j,
                                                    std::vector<core::Error>* all_errors) {
    return detail::Decode<DecisionEvent>(j, all_errors, ReadDecisionEvent);
}

}  // namespace bfu::contracts
