// The report as JSON (schemas/http/report.schema.json). Amounts are integers in öre ("...Ore"),
// shares in basis points ("...Bp"), periods YYYYMM, dates YYYY-MM-DD. nlohmann's objects keep
// their keys sorted, so the same model always gives the same bytes.
#include <cmath>

#include "bfu/contracts/common.hpp"
#include "bfu/reporting/render.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::reporting {

namespace {

using nlohmann::json;

std::string PeriodOf(int year, int month_index) {
    auto p = domain::Period::Of(year, month_index + 1);
    return p.ok() ? p->ToString() : std::string();
}

void PutIf(json& j, const char* key, const std::optional<std::int64_t>& v) {
    if (v) j[key] = *v;
}

void PutIf(json& j, const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
}

json Rounds(const std::vector<RoundFigures>& rounds) {
    json out = json::array();
    for (const auto& r : rounds) {
        json j{{"round", r.round}, {"cutoff", r.cutoff}};
        PutIf(j, "forecastOre", r.forecast);
        PutIf(j, "withMeasuresOre", r.with_measures);
        PutIf(j, "madeAt", r.made_at);
        PutIf(j, "method", r.method);
        PutIf(j, "changeOre", r.change);
        PutIf(j, "actualOre", r.actual);
        PutIf(j, "errorOre", r.error);
        PutIf(j, "absErrorBp", r.abs_error_bp);
        out.push_back(std::move(j));
    }
    return out;
}

// The contract's word for a level ("kf", "namnd", ...), as the other messages write it.
std::string LevelWord(domain::Level level) {
    return std::string(
        contracts::ToString(static_cast<contracts::OrgLevel>(static_cast<int>(level))));
}

// Doubles are written rounded to what the sources can say (HR figures to two decimals), so
// that no binary noise of a sum reaches the file.
double Round2(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace

json ReportToJson(const Report& r) {
    const int year = r.request.year();
    const int p = r.request.period.month() - 1;
    json j;
    j["type"] = std::string(kReportType);
    j["reportId"] = r.id;
    j["kind"] = std::string(KindId(r.request.kind));
    j["title"] = std::string(KindTitle(r.request.kind));
    j["year"] = year;
    j["period"] = r.request.period.ToString();
    j["periodText"] =
        text::PeriodRange(domain::FiscalYear::Calendar(year).First(), r.request.period);
    j["asOf"] = r.request.as_of.ToString();
    j["cutoff"] = CutoffText(r.request.as_of);
    j["scope"] = {
        {"unit", r.request.scope}, {"name", r.scope_name}, {"level", LevelWord(r.scope_level)}};

    json units = json::array();
    for (const auto& u : r.units) {
        json ju{{"unit", u.id},
                {"name", u.name},
                {"level", LevelWord(u.level)},
                {"depth", u.depth},
                {"manager", u.manager},
                {"managerRole", u.manager_role},
                {"outcomeOre", u.outcome},
                {"budgetOre", u.budget},
                {"annualBudgetOre", u.annual_budget},
                {"deviationOre", u.deviation()},
                {"shareBp", u.share_bp},
                {"light", u.light},
                {"investment",
                 {{"outcomeOre", u.investment_outcome},
                  {"budgetOre", u.investment_budget},
                  {"annualBudgetOre", u.investment_annual_budget}}}};
        PutIf(ju, "parent", u.parent);
        PutIf(ju, "forecastOre", u.forecast);
        if (u.forecast_round) ju["forecastRound"] = *u.forecast_round;
        PutIf(ju, "forecastWithMeasuresOre", u.forecast_with_measures);
        if (u.forecast) ju["forecastDeviationOre"] = *u.forecast - u.annual_budget;
        json months = json::array();
        for (int m = 0; m <= p; ++m) {
            const auto i = static_cast<std::size_t>(m);
            months.push_back({{"period", PeriodOf(year, m)},
                              {"outcomeOre", u.outcome_months[i]},
                              {"budgetOre", u.budget_months[i]}});
        }
        ju["months"] = std::move(months);
        json groups = json::array();
        for (const auto& g : u.groups) {
            json gm = json::array();
            for (int m = 0; m <= p; ++m) {
                const auto i = static_cast<std::size_t>(m);
                gm.push_back({{"period", PeriodOf(year, m)},
                              {"outcomeOre", g.outcome_months[i]},
                              {"budgetOre", g.budget_months[i]}});
            }
            groups.push_back({{"group", g.id},
                              {"name", g.name},
                              {"investment", g.investment},
                              {"outcomeOre", g.outcome},
                              {"budgetOre", g.budget},
                              {"annualBudgetOre", g.annual_budget},
                              {"deviationOre", g.deviation()},
                              {"months", std::move(gm)}});
        }
        ju["groups"] = std::move(groups);
        if (u.hr) {
            ju["hr"] = {{"headcount", u.hr->headcount},
                        {"fte", Round2(u.hr->fte)},
                        {"sickLeavePct", Round2(u.hr->sick_leave_pct)},
                        {"sickLeaveAvgPct", Round2(u.hr->sick_leave_avg_pct)},
                        {"overtimeHours", Round2(u.hr->overtime_hours)},
                        {"overtimeHoursToDate", Round2(u.hr->overtime_hours_ytd)},
                        {"months", u.hr->months}};
        }
        units.push_back(std::move(ju));
    }
    j["units"] = std::move(units);

    json accounts = json::array();
    for (const auto& a : r.accounts) {
        json am = json::array();
        for (int m = 0; m <= p; ++m) {
            am.push_back({{"period", PeriodOf(year, m)},
                          {"outcomeOre", a.months[static_cast<std::size_t>(m)]}});
        }
        accounts.push_back({{"account", a.account},
                            {"name", a.name},
                            {"group", a.group},
                            {"groupName", a.group_name},
                            {"outcomeOre", a.outcome},
                            {"months", std::move(am)}});
    }
    j["accounts"] = std::move(accounts);
    j["forecastRounds"] = Rounds(r.rounds);
    json accuracy = json::array();
    for (const auto& a : r.accuracy) {
        accuracy.push_back({{"unit", a.unit}, {"name", a.name}, {"rounds", Rounds(a.rounds)}});
    }
    j["forecastAccuracy"] = std::move(accuracy);

    json deviations = json::array();
    for (const auto& d : r.deviations) {
        json causes = json::array();
        for (const auto& c : d.causes) {
            causes.push_back({{"dimension", c.dimension},
                              {"key", c.key},
                              {"label", c.label},
                              {"amountOre", c.amount},
                              {"shareBp", c.share_bp}});
        }
        json jd{{"id", d.id},
                {"unit", d.unit},
                {"unitName", d.unit_name},
                {"kind", d.kind},
                {"period", d.period},
                {"at", d.opened_at},
                {"shareBp", d.share_bp},
                {"severity", d.severity},
                {"withinMandate", d.within_mandate},
                {"acknowledged", d.acknowledged},
                {"responsible", d.responsible},
                {"responsibleRole", d.responsible_role},
                {"causes", std::move(causes)},
                {"coveredOre", d.covered},
                {"uncoveredOre", d.uncovered},
                {"measures", d.measures}};
        PutIf(jd, "outcomeOre", d.outcome);
        PutIf(jd, "budgetOre", d.budget);
        PutIf(jd, "deviationOre", d.deviation);
        if (d.target) jd["target"] = *d.target;
        if (d.actual) jd["actual"] = *d.actual;
        deviations.push_back(std::move(jd));
    }
    j["deviations"] = std::move(deviations);

    json measures = json::array();
    for (const auto& m : r.measures) {
        json jm{{"id", m.id},
                {"unit", m.unit},
                {"area", m.area},
                {"areaName", m.area_name},
                {"text", m.text},
                {"status", m.status},
                {"responsible", m.responsible},
                {"effectOrePerMonth", m.effect_per_month},
                {"from", m.from},
                {"expectedYearOre", m.expected_year},
                {"realised",
                 {{"months", m.realised_months},
                  {"realisedOre", m.realised},
                  {"expectedOre", m.expected_to_date}}}};
        PutIf(jm, "to", m.to);
        PutIf(jm, "deviation", m.deviation);
        PutIf(jm, "plan", m.plan);
        PutIf(jm, "decisionRef", m.decision_ref);
        measures.push_back(std::move(jm));
    }
    j["measures"] = std::move(measures);

    json plans = json::array();
    for (const auto& pl : r.plans) {
        json jp{{"id", pl.id},
                {"title", pl.title},
                {"state", pl.state},
                {"version", pl.version},
                {"sektor", pl.sektor},
                {"body", pl.body},
                {"bodyName", pl.body_name},
                {"measures", pl.measures},
                {"deviations", pl.deviations},
                {"expectedYearOre", pl.expected_year}};
        PutIf(jp, "decisionRef", pl.decision_ref);
        plans.push_back(std::move(jp));
    }
    j["plans"] = std::move(plans);

    json decisions = json::array();
    for (const auto& d : r.decisions) {
        json jd{{"id", d.id},
                {"ref", d.ref},
                {"date", d.date},
                {"body", d.body},
                {"bodyName", d.body_name},
                {"subject", d.subject},
                {"outcome", d.outcome},
                {"text", d.text}};
        PutIf(jd, "revision", d.revision);
        decisions.push_back(std::move(jd));
    }
    j["decisions"] = std::move(decisions);

    json comments = json::array();
    for (const auto& c : r.comments) {
        json jc{{"unit", c.unit},     {"unitName", c.unit_name},
                {"period", c.period}, {"subject", c.subject},
                {"text", c.text},     {"by", c.by},
                {"at", c.at}};
        PutIf(jc, "deviation", c.deviation);
        PutIf(jc, "goal", c.goal);
        comments.push_back(std::move(jc));
    }
    j["comments"] = std::move(comments);

    json goals = json::array();
    for (const auto& g : r.goals) {
        json jg{{"id", g.id},
                {"unit", g.unit},
                {"unitName", g.unit_name},
                {"name", g.name},
                {"target", g.target},
                {"lowerIsBetter", g.lower_is_better},
                {"measureUnit", g.measure_unit}};
        if (g.value) {
            jg["value"] = *g.value;
            jg["valuePeriod"] = g.value_period;
        }
        if (g.met) jg["met"] = *g.met;
        PutIf(jg, "comment", g.comment);
        goals.push_back(std::move(jg));
    }
    j["goals"] = std::move(goals);

    json examples = json::array();
    for (const auto& e : r.good_examples) {
        json je{{"unit", e.unit},
                {"name", e.name},
                {"marginOre", e.margin},
                {"marginBp", e.margin_bp},
                {"goalMarginBp", e.goal_margin_bp},
                {"goalsBeaten", e.goals_beaten}};
        PutIf(je, "comment", e.comment);
        examples.push_back(std::move(je));
    }
    j["goodExamples"] = std::move(examples);

    json revisions = json::array();
    for (const auto& rv : r.revisions) {
        revisions.push_back({{"unit", rv.unit},
                             {"unitName", rv.unit_name},
                             {"group", rv.group},
                             {"groupName", rv.group_name},
                             {"revision", rv.revision},
                             {"ref", rv.ref},
                             {"date", rv.date},
                             {"annualOre", rv.annual}});
    }
    j["budgetRevisions"] = std::move(revisions);
    if (r.dialogue) {
        json jd{{"step", r.dialogue->step}, {"responsibleRole", r.dialogue->responsible_role}};
        PutIf(jd, "title", r.dialogue->title);
        PutIf(jd, "date", r.dialogue->date);
        j["dialogue"] = std::move(jd);
    }
    j["notes"] = r.notes;
    return j;
}

std::string RenderJson(const Report& report) { return ReportToJson(report).dump(2) + "\n"; }

}  // namespace bfu::reporting
