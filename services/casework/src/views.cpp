#include "bfu/casework/views.hpp"

#include <algorithm>
#include <set>

#include "bfu/domain/measures.hpp"

namespace bfu::casework {

namespace {

using nlohmann::json;

domain::MeasureSpan SpanOf(const contracts::CaseMeasure& m) {
    domain::MeasureSpan s;
    if (auto p = domain::Period::Parse(m.from_period); p.ok()) s.first = *p;
    if (m.to_period) {
        if (auto p = domain::Period::Parse(*m.to_period); p.ok()) s.last = *p;
    }
    s.effect_per_month = m.effect_ore_per_month;
    return s;
}

domain::MeasureStatus ToDomain(contracts::MeasureStatus s) {
    return static_cast<domain::MeasureStatus>(static_cast<int>(s));
}

std::string UnitName(const service::MasterData* md, const std::string& id) {
    if (md != nullptr) {
        if (auto u = md->org.Find(id)) return md->org.unit(*u).name;
    }
    return id;
}

}  // namespace

std::vector<std::int64_t> CountedEffects(const std::vector<MeasureRecord>& measures,
                                         domain::FiscalYear year) {
    std::vector<std::int64_t> out;
    for (const auto& m : measures) {
        if (!domain::CountsOn(ToDomain(m.current.status))) continue;
        out.push_back(domain::EffectInYear(SpanOf(m.current), year));
    }
    return out;
}

json UnitView(std::string_view unit, const ViewInputs& in) {
    const domain::FiscalYear year =
        in.master != nullptr ? in.master->year : domain::FiscalYear::Calendar(1970);
    json v{{"unit", std::string(unit)}, {"unitName", UnitName(in.master, std::string(unit))}};

    json measures = json::array();
    for (const auto& [id, r] : in.book->measures()) {
        const auto& m = r.current;
        if (m.unit.value() != unit && m.area.value() != unit) continue;
        const auto span = SpanOf(m);
        json j{{"id", id},
               {"text", m.text},
               {"status", std::string(domain::ToString(ToDomain(m.status)))},
               {"statusCode", std::string(contracts::ToString(m.status))},
               {"unit", m.unit.value()},
               {"area", m.area.value()},
               {"areaName", UnitName(in.master, m.area.value())},
               {"responsible", m.responsible.name},
               {"effectOrePerMonth", m.effect_ore_per_month},
               {"from", m.from_period},
               {"expectedYearOre", domain::EffectInYear(span, year)}};
        if (m.to_period) j["to"] = *m.to_period;
        if (m.plan_id) j["planId"] = *m.plan_id;
        if (m.decision_ref) j["decisionRef"] = *m.decision_ref;
        if (m.deviation_id) j["deviation"] = m.deviation_id->value();
        if (in.months) {
            if (auto months = in.months(m.area.value())) {
                const auto r2 = domain::JudgeEffect(span, year, months->deviation, months->through);
                j["realised"] = {{"months", r2.months},
                                 {"realisedOre", r2.realised},
                                 {"expectedOre", r2.expected},
                                 {"baselinePerMonthOre", r2.baseline_per_month},
                                 {"through", months->through.ToString()}};
            }
        }
        measures.push_back(std::move(j));
    }
    v["measures"] = measures;

    json deviations = json::array();
    if (in.deviations) {
        for (const auto& d : in.deviations(unit)) {
            if (!d.open) continue;
            const auto ms = in.book->MeasuresFor(d.id().value());
            const auto effects = CountedEffects(ms, year);
            const auto dev = d.latest.deviation_ore.value_or(0);
            const auto c = domain::Cover(dev, effects);
            json ids = json::array();
            for (const auto& m : ms) ids.push_back(m.current.id.value());
            deviations.push_back({{"id", d.id().value()},
                                  {"kind", std::string(contracts::ToString(d.latest.kind))},
                                  {"period", d.latest.period},
                                  {"deviationOre", dev},
                                  {"coveredOre", c.covered},
                                  {"uncoveredOre", c.uncovered},
                                  {"measures", ids}});
        }
    }
    v["deviations"] = deviations;

    json plans = json::array();
    for (const auto& [id, r] : in.book->plans()) {
        const auto& p = r.current;
        bool about = p.sektor.value() == unit || p.body.value() == unit;
        for (const auto& d : p.deviations) {
            if (in.deviations && !about) {
                for (const auto& rec : in.deviations(unit)) {
                    if (rec.id() == d) about = true;
                }
            }
        }
        if (!about) continue;
        json ms = json::array();
        for (const auto& m : p.measures) ms.push_back(m.value());
        json ds = json::array();
        for (const auto& d : p.deviations) ds.push_back(d.value());
        json j{{"id", id},
               {"title", p.title},
               {"state", std::string(domain::ToString(
                             static_cast<domain::PlanState>(static_cast<int>(p.state))))},
               {"stateCode", std::string(contracts::ToString(p.state))},
               {"version", r.version},
               {"sektor", p.sektor.value()},
               {"body", p.body.value()},
               {"bodyName", UnitName(in.master, p.body.value())},
               {"measures", ms},
               {"deviations", ds}};
        if (p.decision_ref) j["decisionRef"] = *p.decision_ref;
        plans.push_back(std::move(j));
    }
    v["plans"] = plans;

    // Decisions by the unit (a nämnd) or about its plans and measures (a plan about one of its
    // deviations included), newest first.
    std::set<std::string> own_deviations;
    if (in.deviations) {
        for (const auto& rec : in.deviations(unit)) own_deviations.insert(rec.id().value());
    }
    std::vector<const contracts::DecisionEvent*> decisions;
    for (const auto& [id, d] : in.book->decisions()) {
        bool about = d.body.value() == unit;
        for (const auto& sid : d.subject_ids) {
            if (const auto* p = in.book->FindPlan(sid)) {
                about = about || p->current.sektor.value() == unit;
                for (const auto& dev : p->current.deviations) {
                    about = about || own_deviations.count(dev.value()) != 0;
                }
            }
            if (const auto* m = in.book->FindMeasure(sid)) {
                about = about || m->current.unit.value() == unit || m->current.area.value() == unit;
            }
        }
        for (const auto& b : d.budget) about = about || b.unit.value() == unit;
        if (about) decisions.push_back(&d);
    }
    std::sort(decisions.begin(), decisions.end(), [](const auto* a, const auto* b) {
        return a->date != b->date ? a->date > b->date : a->at > b->at;
    });
    json dj = json::array();
    for (const auto* d : decisions) {
        json j{{"id", d->decision_id},
               {"ref", d->ref},
               {"date", d->date},
               {"body", d->body.value()},
               {"bodyName", UnitName(in.master, d->body.value())},
               {"subject", std::string(contracts::ToString(d->subject))},
               {"outcome", std::string(contracts::ToString(d->outcome))},
               {"text", d->text}};
        if (d->revision) j["revision"] = *d->revision;
        dj.push_back(std::move(j));
    }
    v["decisions"] = dj;

    json comments = json::array();
    for (const auto& c : in.book->CommentsFor(unit)) {
        json j{{"period", c.period},
               {"subject", std::string(contracts::ToString(c.subject))},
               {"text", c.text},
               {"by", c.by.name},
               {"at", c.at}};
        if (c.deviation_id) j["deviation"] = c.deviation_id->value();
        if (c.goal_id) j["goal"] = *c.goal_id;
        comments.push_back(std::move(j));
    }
    v["comments"] = comments;
    return v;
}

}  // namespace bfu::casework
