#include "bfu/contracts/analysis.hpp"

#include "reader.hpp"

namespace bfu::contracts {
namespace {

using detail::Json;
using detail::ObjectReader;
using detail::Reader;
using detail::Str;

Json MonthsJson(const Months& months) {
    Json arr = Json::array();
    for (const auto& m : months) arr.push_back(m.ToJson());
    return arr;
}

void ReadGroup(Reader& r, const Json& j, const std::string& path, AggregateGroup& out) {
    ObjectReader o(r, j, path);
    o.Field("accountGroup", out.account_group, Str::kId);
    o.FixedArray("months", out.months, detail::ReadMonthCell);
    o.Field("outcomeOre", out.outcome_ore);
    o.Field("budgetOre", out.budget_ore);
    o.Finish();
}

void ReadTotals(Reader& r, const Json& j, const std::string& path, AggregateTotals& out) {
    ObjectReader o(r, j, path);
    o.FixedArray("months", out.months, detail::ReadMonthCell);
    o.Field("outcomeOre", out.outcome_ore);
    o.Field("budgetOre", out.budget_ore);
    o.Field("outcomeToDateOre", out.outcome_to_date_ore);
    o.Field("budgetToDateOre", out.budget_to_date_ore);
    o.Finish();
}

void ReadAggregate(Reader& r, const Json& j, const std::string& path, UnitAggregate& out) {
    ObjectReader o(r, j, path);
    o.Field("year", out.year, 1900, 2999);
    o.Field("unit", out.unit, Str::kId);
    o.Field("level", out.level);
    o.Field("includesSubtree", out.includes_subtree);
    o.Field("throughPeriod", out.through_period, Str::kPeriod);
    o.Field("asOf", out.as_of, Str::kDateTime);
    o.Array("groups", out.groups, ReadGroup, true);
    o.Object("totals", out.totals, ReadTotals);
    o.Finish();
}

void ReadForecastGroup(Reader& r, const Json& j, const std::string& path, ForecastGroup& out) {
    ObjectReader o(r, j, path);
    o.Field("accountGroup", out.account_group, Str::kId);
    o.Field("annualOre", out.annual_ore);
    o.Field("method", out.method);
    o.Finish();
}

void ReadInputs(Reader& r, const Json& j, const std::string& path, ForecastInputs& out) {
    ObjectReader o(r, j, path);
    o.Field("throughPeriod", out.through_period, Str::kPeriod);
    o.Field("outcomeToDateOre", out.outcome_to_date_ore);
    o.Field("budgetToDateOre", out.budget_to_date_ore);
    o.Field("remainingProfileOre", out.remaining_profile_ore);
    o.Field("trendAdjustmentOre", out.trend_adjustment_ore);
    o.Field("submissionComment", out.submission_comment, Str::kAny);
    o.Object("submittedBy", out.submitted_by, detail::ReadPerson);
    o.Field("submittedAt", out.submitted_at, Str::kDateTime);
    o.Field("historyYears", out.history_years, 1, 50);
    o.Field("reason", out.reason);
    o.Finish();
}

void ReadForecast(Reader& r, const Json& j, const std::string& path, Forecast& out) {
    ObjectReader o(r, j, path);
    o.Field("year", out.year, 1900, 2999);
    o.Field("unit", out.unit, Str::kId);
    o.Field("round", out.round, 1, 6);
    o.Field("method", out.method);
    o.Array("groups", out.groups, ReadForecastGroup, true);
    o.Field("totalOre", out.total_ore);
    o.Field("budgetOre", out.budget_ore);
    o.Object("inputs", out.inputs, ReadInputs);
    o.Field("madeAt", out.made_at, Str::kDateTime);
    o.Field("measuresEffectOre", out.measures_effect_ore);
    o.Field("withMeasuresOre", out.with_measures_ore);
    o.Finish();
}

void ReadSubmission(Reader& r, const Json& j, const std::string& path, ForecastSubmission& out) {
    ObjectReader o(r, j, path);
    o.Field("year", out.year, 1900, 2999);
    o.Field("unit", out.unit, Str::kId);
    o.Field("round", out.round, 1, 6);
    o.Field("amountOre", out.amount_ore);
    o.Field("comment", out.comment, Str::kAny);
    o.Object("by", out.by, detail::ReadPerson);
    o.Field("submittedAt", out.submitted_at, Str::kDateTime);
    o.Finish();
}

void ReadCause(Reader& r, const Json& j, const std::string& path, Cause& out) {
    ObjectReader o(r, j, path);
    o.Field("dimension", out.dimension);
    o.Field("key", out.key, Str::kNonEmpty);
    o.Field("amountOre", out.amount_ore);
    o.Number("share", out.share);
    o.Finish();
}

void ReadTriggerVoucher(Reader& r, const Json& j, const std::string& path, TriggerVoucher& out) {
    ObjectReader o(r, j, path);
    o.Field("source", out.source, Str::kId);
    o.Field("voucherId", out.voucher_id, Str::kNonEmpty);
    o.Finish();
}

void ReadTrigger(Reader& r, const Json& j, const std::string& path, Trigger& out) {
    ObjectReader o(r, j, path);
    o.Field("topic", out.topic, Str::kNonEmpty);
    o.Field("partition", out.partition, 0);
    o.Field("offset", out.offset, 0);
    o.Object("voucher", out.voucher, ReadTriggerVoucher);
    o.Finish();
}

void ReadMeasure(Reader& r, const Json& j, const std::string& path, Measure& out) {
    ObjectReader o(r, j, path);
    o.Field("id", out.id, Str::kId);
    o.Field("what", out.what, Str::kNonEmpty);
    o.Field("who", out.who, Str::kNonEmpty);
    o.Field("due", out.due, Str::kDate);
    o.Field("effectOre", out.effect_ore);
    o.Finish();
}

void ReadActionPlan(Reader& r, const Json& j, const std::string& path, ActionPlan& out) {
    ObjectReader o(r, j, path);
    o.Field("id", out.id, Str::kId);
    o.Field("text", out.text, Str::kNonEmpty);
    o.Array("areas", out.areas, detail::IdItem<core::UnitId>(Str::kId), true, 1);
    o.Field("effectOre", out.effect_ore);
    o.Finish();
}

void ReadDecision(Reader& r, const Json& j, const std::string& path, Decision& out) {
    ObjectReader o(r, j, path);
    o.Field("ref", out.ref, Str::kDecisionRef);
    o.Field("date", out.date, Str::kDate);
    o.Field("text", out.text, Str::kNonEmpty);
    o.Finish();
}

void ReadEscalation(Reader& r, const Json& j, const std::string& path, Escalation& out) {
    ObjectReader o(r, j, path);
    o.Field("toUnit", out.to_unit, Str::kId);
    o.Field("toLevel", out.to_level);
    o.Field("reason", out.reason);
    o.Finish();
}

void ReadDeviation(Reader& r, const Json& j, const std::string& path, DeviationEvent& out) {
    ObjectReader o(r, j, path);
    o.Field("deviationId", out.deviation_id, Str::kEventId);
    o.Field("seq", out.seq, 1);
    o.Field("unit", out.unit, Str::kId);
    o.Field("level", out.level);
    o.Field("kind", out.kind);
    o.Field("year", out.year, 1900, 2999);
    o.Field("period", out.period, Str::kPeriod);
    o.Field("event", out.event);
    o.Field("at", out.at, Str::kDateTime);
    o.Field("budgetOre", out.budget_ore);
    o.Field("outcomeOre", out.outcome_ore);
    o.Field("deviationOre", out.deviation_ore);
    o.Number("target", out.target);
    o.Number("actual", out.actual);
    o.Number("share", out.share);
    o.Field("severity", out.severity);
    o.Array("causes", out.causes, ReadCause, false);
    o.Field("withinMandate", out.within_mandate);
    o.Object("responsible", out.responsible, detail::ReadPerson);
    o.Array("notified", out.notified, detail::ReadPerson, false);
    o.Object("by", out.by, detail::ReadPerson);
    o.Field("comment", out.comment, Str::kAny);
    // The schema's if/then: a commented event must carry its comment.
    if (o.valid() && !j.contains("comment")) {
        const auto event = j.find("event");
        if (event != j.end() && event->is_string() &&
            event->get_ref<const std::string&>() == ToString(DeviationEventKind::kCommented)) {
            r.Fail(detail::Child(path, "comment"), "is required when event is \"commented\"");
        }
    }
    o.Object("trigger", out.trigger, ReadTrigger);
    o.Object("measure", out.measure, ReadMeasure);
    o.Object("actionPlan", out.action_plan, ReadActionPlan);
    o.Object("decision", out.decision, ReadDecision);
    o.Object("escalation", out.escalation, ReadEscalation);
    o.Field("respondBy", out.respond_by, Str::kDateTime);
    o.Field("commandId", out.command_id, Str::kCommandId);
    o.Finish();
}

}  // namespace

nlohmann::json UnitAggregate::ToJson() const {
    Json groups_json = Json::array();
    for (const auto& g : groups) {
        groups_json.push_back({{"accountGroup", g.account_group},
                               {"months", MonthsJson(g.months)},
                               {"outcomeOre", g.outcome_ore},
                               {"budgetOre", g.budget_ore}});
    }
    return {{"year", year},
            {"unit", unit.value()},
            {"level", std::string(ToString(level))},
            {"includesSubtree", includes_subtree},
            {"throughPeriod", through_period},
            {"asOf", as_of},
            {"groups", std::move(groups_json)},
            {"totals",
             {{"months", MonthsJson(totals.months)},
              {"outcomeOre", totals.outcome_ore},
              {"budgetOre", totals.budget_ore},
              {"outcomeToDateOre", totals.outcome_to_date_ore},
              {"budgetToDateOre", totals.budget_to_date_ore}}}};
}

core::Result<UnitAggregate> UnitAggregate::FromJson(const nlohmann::json& j,
                                                    std::vector<core::Error>* all_errors) {
    return detail::Decode<UnitAggregate>(j, all_errors, ReadAggregate);
}

nlohmann::json Forecast::ToJson() const {
    Json groups_json = Json::array();
    for (const auto& g : groups) {
        Json gj = {{"accountGroup", g.account_group}, {"annualOre", g.annual_ore}};
        if (g.method) gj["method"] = std::string(ToString(*g.method));
        groups_json.push_back(std::move(gj));
    }
    Json inputs_json = {{"throughPeriod", inputs.through_period},
                        {"outcomeToDateOre", inputs.outcome_to_date_ore},
                        {"budgetToDateOre", inputs.budget_to_date_ore}};
    if (inputs.remaining_profile_ore) {
        inputs_json["remainingProfileOre"] = *inputs.remaining_profile_ore;
    }
    if (inputs.trend_adjustment_ore) {
        inputs_json["trendAdjustmentOre"] = *inputs.trend_adjustment_ore;
    }
    if (inputs.submission_comment) inputs_json["submissionComment"] = *inputs.submission_comment;
    if (inputs.submitted_by) inputs_json["submittedBy"] = inputs.submitted_by->ToJson();
    if (inputs.submitted_at) inputs_json["submittedAt"] = *inputs.submitted_at;
    if (inputs.history_years) inputs_json["historyYears"] = *inputs.history_years;
    if (inputs.reason) inputs_json["reason"] = std::string(ToString(*inputs.reason));
    Json j = {{"year", year},
              {"unit", unit.value()},
              {"round", round},
              {"method", std::string(ToString(method))},
              {"groups", std::move(groups_json)},
              {"totalOre", total_ore},
              {"budgetOre", budget_ore},
              {"inputs", std::move(inputs_json)},
              {"madeAt", made_at}};
    if (measures_effect_ore) j["measuresEffectOre"] = *measures_effect_ore;
    if (with_measures_ore) j["withMeasuresOre"] = *with_measures_ore;
    return j;
}

core::Result<Forecast> Forecast::FromJson(const nlohmann::json& j,
                                          std::vector<core::Error>* all_errors) {
    return detail::Decode<Forecast>(j, all_errors, ReadForecast);
}

nlohmann::json ForecastSubmission::ToJson() const {
    Json j = {{"year", year},      {"unit", unit.value()},
              {"round", round},    {"amountOre", amount_ore},
              {"by", by.ToJson()}, {"submittedAt", submitted_at}};
    if (comment) j["comment"] = *comment;
    return j;
}

core::Result<ForecastSubmission> ForecastSubmission::FromJson(
    const nlohmann::json& j, std::vector<core::Error>* all_errors) {
    return detail::Decode<ForecastSubmission>(j, all_errors, ReadSubmission);
}

nlohmann::json DeviationEvent::ToJson() const {
    Json j = {{"deviationId", deviation_id.value()},
              {"seq", seq},
              {"unit", unit.value()},
              {"level", std::string(ToString(level))},
              {"kind", std::string(ToString(kind))},
              {"year", year},
              {"period", period},
              {"event", std::string(ToString(event))},
              {"at", at},
              {"share", share},
              {"severity", std::string(ToString(severity))},
              {"withinMandate", within_mandate},
              {"responsible", responsible.ToJson()}};
    if (budget_ore) j["budgetOre"] = *budget_ore;
    if (outcome_ore) j["outcomeOre"] = *outcome_ore;
    if (deviation_ore) j["deviationOre"] = *deviation_ore;
    if (target) j["target"] = *target;
    if (actual) j["actual"] = *actual;
    if (!causes.empty()) {
        Json arr = Json::array();
        for (const auto& c : causes) {
            arr.push_back({{"dimension", std::string(ToString(c.dimension))},
                           {"key", c.key},
                           {"amountOre", c.amount_ore},
                           {"share", c.share}});
        }
        j["causes"] = std::move(arr);
    }
    if (!notified.empty()) {
        Json arr = Json::array();
        for (const auto& p : notified) arr.push_back(p.ToJson());
        j["notified"] = std::move(arr);
    }
    if (by) j["by"] = by->ToJson();
    if (comment) j["comment"] = *comment;
    if (trigger) {
        Json t = Json::object();
        if (trigger->topic) t["topic"] = *trigger->topic;
        if (trigger->partition) t["partition"] = *trigger->partition;
        if (trigger->offset) t["offset"] = *trigger->offset;
        if (trigger->voucher) {
            t["voucher"] = {{"source", trigger->voucher->source.value()},
                            {"voucherId", trigger->voucher->voucher_id.value()}};
        }
        j["trigger"] = std::move(t);
    }
    if (measure) {
        j["measure"] = {{"id", measure->id.value()},
                        {"what", measure->what},
                        {"who", measure->who},
                        {"due", measure->due},
                        {"effectOre", measure->effect_ore}};
    }
    if (action_plan) {
        j["actionPlan"] = {{"id", action_plan->id},
                           {"text", action_plan->text},
                           {"areas", detail::IdsJson(action_plan->areas)},
                           {"effectOre", action_plan->effect_ore}};
    }
    if (decision) {
        j["decision"] = {
            {"ref", decision->ref}, {"date", decision->date}, {"text", decision->text}};
    }
    if (escalation) {
        j["escalation"] = {{"toUnit", escalation->to_unit.value()},
                           {"toLevel", std::string(ToString(escalation->to_level))},
                           {"reason", std::string(ToString(escalation->reason))}};
    }
    if (respond_by) j["respondBy"] = *respond_by;
    if (command_id) j["commandId"] = *command_id;
    return j;
}

core::Result<DeviationEvent> DeviationEvent::FromJson(const nlohmann::json& j,
                                                      std::vector<core::Error>* all_errors) {
    return detail::Decode<DeviationEvent>(j, all_errors, ReadDeviation);
}

}  // namespace bfu::contracts
