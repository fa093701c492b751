#include "bfu/notifier/message.hpp"

#include <algorithm>

#include "bfu/domain/accounts.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::notifier {

namespace {

using contracts::DeviationEventKind;
using nlohmann::json;

// The part of a goal or HR deviation id after "<kind>:<year>:<unit>:", e.g. "sick_leave".
std::string Subject(const contracts::DeviationEvent& e) {
    const std::string& id = e.deviation_id.value();
    const std::string prefix = std::string(contracts::ToString(e.kind)) + ":";
    std::size_t pos = id.find(':');
    if (pos == std::string::npos) return {};
    pos = id.find(':', pos + 1);  // after the year
    if (pos == std::string::npos) return {};
    const std::string unit_part = ":" + e.unit.value() + ":";
    if (id.compare(pos, unit_part.size(), unit_part) != 0) return {};
    return id.substr(pos + unit_part.size());
}

}  // namespace

Indicator IndicatorOf(const contracts::DeviationEvent& e, const service::MasterData* master) {
    const std::string subject = Subject(e);
    if (e.kind == contracts::DeviationKind::kHr) {
        if (subject == "sick_leave") return {"Sjukfrånvaro", "%"};
        if (subject == "overtime") return {"Övertid", "timmar"};
        return {subject, ""};
    }
    if (master != nullptr) {
        auto it = master->goals.find(subject);
        if (it != master->goals.end()) return {it->second.name, it->second.measure_unit};
    }
    return {subject, ""};
}

namespace {

std::string AccountName(const service::MasterData* master, const std::string& number) {
    if (master != nullptr) {
        auto it = master->accounts.find(number);
        if (it != master->accounts.end() && !it->second.name.empty()) {
            return number + " " + it->second.name;
        }
    }
    return "konto " + number;
}

std::string OneLine(std::string s) {
    for (auto& c : s) {
        if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    }
    // Collapse runs of spaces and trim.
    std::string out;
    for (char c : s) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

json PersonJson(const contracts::Person& p) {
    json j{{"namn", p.name}, {"roll", p.role}};
    if (p.email) j["epost"] = *p.email;
    return j;
}

json UnitJson(const service::MasterData* master, const std::string& id, contracts::OrgLevel level) {
    return json{
        {"id", id}, {"namn", UnitName(master, id)}, {"niva", std::string(text::LevelName(level))}};
}

}  // namespace

std::string UnitName(const service::MasterData* master, std::string_view unit) {
    if (master != nullptr) {
        if (auto u = master->org.Find(unit)) return master->org.unit(*u).name;
    }
    return std::string(unit);
}

std::string GroupName(const service::MasterData* master, std::string_view group) {
    auto name_in = [&](const domain::ChartOfAccounts& chart) -> std::string {
        if (auto g = chart.FindGroup(group)) {
            const auto& n = chart.groups()[*g].name;
            if (!n.empty() && n != group) return n;
        }
        return {};
    };
    if (master != nullptr) {
        if (auto n = name_in(master->chart); !n.empty()) return n;
    }
    static const domain::ChartOfAccounts kDefault = domain::ChartOfAccounts::KommunBasDefault();
    if (auto n = name_in(kDefault); !n.empty()) return n;
    return std::string(group);
}

json DeviationData(const contracts::DeviationEvent& e, const service::MasterData* master,
                   const contracts::Person& recipient, Role role, const Links& links) {
    json d;
    d["id"] = e.deviation_id.value();
    d["handelse"] = std::string(text::EventName(e.event));
    d["ny"] = e.event == DeviationEventKind::kOpened;
    d["andrad"] = e.event == DeviationEventKind::kChanged;
    d["avslutad"] = e.event == DeviationEventKind::kClosed;
    d["eskalerad"] = e.event == DeviationEventKind::kEscalated;
    d["slag"] = std::string(text::KindName(e.kind));
    d["allvarlighet"] = std::string(text::SeverityName(e.severity));
    d["allvarlig"] = e.severity == contracts::Severity::kCritical;
    d["enhet"] = UnitJson(master, e.unit.value(), e.level);
    d["period"] = text::PeriodText(e.period);
    d["ar"] = std::to_string(e.year);
    d["tid"] = text::DateTimeText(e.at);
    d["inom_mandat"] = e.within_mandate;
    d["utom_mandat"] = !e.within_mandate;
    d["ansvarig"] = PersonJson(e.responsible);

    const bool money = e.kind == contracts::DeviationKind::kBudget ||
                       e.kind == contracts::DeviationKind::kInvestment ||
                       e.kind == contracts::DeviationKind::kForecast;
    d["pengar"] = money;
    d["indikator"] = !money;
    if (money) {
        d["prognos"] = e.kind == contracts::DeviationKind::kForecast;
        if (e.outcome_ore) d["utfall"] = text::Kr(*e.outcome_ore);
        if (e.budget_ore) d["budget"] = text::Kr(*e.budget_ore);
        d["differens"] = text::SignedKr(e.deviation_ore.value_or(0));
        d["overskridande"] = e.deviation_ore.value_or(0) > 0;
    } else {
        const Indicator ind = IndicatorOf(e, master);
        d["indikatornamn"] = ind.name;
        if (e.target) d["mal"] = text::Figure(*e.target, ind.measure_unit);
        if (e.actual) d["utfall"] = text::Figure(*e.actual, ind.measure_unit);
        if (e.target && e.actual) {
            d["differens"] = text::Figure(*e.actual - *e.target, ind.measure_unit);
        }
    }
    d["andel"] = text::Percent(e.share);

    json causes = json::array();
    for (const auto& c : e.causes) {
        std::string name;
        switch (c.dimension) {
            case contracts::CauseDimension::kGroup:
                name = GroupName(master, c.key);
                break;
            case contracts::CauseDimension::kAccount:
                name = AccountName(master, c.key);
                break;
            case contracts::CauseDimension::kMonth:
                name = text::PeriodText(c.key);
                break;
        }
        causes.push_back({{"slag", std::string(text::DimensionName(c.dimension))},
                          {"namn", name},
                          {"belopp", text::SignedKr(c.amount_ore)},
                          {"andel", text::Percent(c.share)}});
    }
    d["orsaker"] = causes;
    d["har_orsaker"] = !causes.empty();

    if (e.escalation) {
        d["ansvarig_niva"] =
            UnitJson(master, e.escalation->to_unit.value(), e.escalation->to_level);
        d["ej_kvitterad"] = e.escalation->reason == contracts::EscalationReason::kNotAcknowledged;
    }
    if (e.respond_by && e.event != DeviationEventKind::kClosed) {
        d["svara_senast"] = text::DateTimeText(*e.respond_by);
    }

    json j;
    j["avvikelse"] = d;
    j["mottagare"] = PersonJson(recipient);
    j["ar_ansvarig"] = role == Role::kResponsible;
    j["ar_overordnad"] = role == Role::kSuperior;
    j["ar_paminnelse"] = role == Role::kReminded;
    j["ar_registrator"] = role == Role::kMailbox;
    json l = json::object();
    if (!links.acknowledge.empty()) l["kvittera"] = links.acknowledge;
    if (!links.comment.empty()) l["kommentera"] = links.comment;
    if (!links.measure.empty()) l["atgard"] = links.measure;
    if (!l.empty()) j["lankar"] = l;
    return j;
}

json CaseworkData(const std::vector<contracts::CaseMeasure>& measures,
                  const std::vector<contracts::CasePlan>& plans) {
    if (measures.empty() && plans.empty()) return nullptr;
    static constexpr const char* kMeasureStatus[] = {"föreslagen", "beslutad", "pågår", "genomförd",
                                                     "avbruten"};
    static constexpr const char* kPlanState[] = {"utkast", "föreslagen", "beslutad",
                                                 "återremitterad", "avslagen"};
    json ms = json::array();
    for (const auto& m : measures) {
        json j{{"text", m.text},
               {"status", kMeasureStatus[static_cast<int>(m.status)]},
               {"effekt", text::SignedKr(m.effect_ore_per_month)},
               {"fran", text::PeriodText(m.from_period)}};
        if (m.to_period) j["till"] = text::PeriodText(*m.to_period);
        ms.push_back(std::move(j));
    }
    json ps = json::array();
    for (const auto& p : plans) {
        json j{{"titel", p.title}, {"status", kPlanState[static_cast<int>(p.state)]}};
        if (p.decision_ref) j["beslut"] = *p.decision_ref;
        ps.push_back(std::move(j));
    }
    return json{{"har_atgarder", !ms.empty()},
                {"atgarder", ms},
                {"har_planer", !ps.empty()},
                {"planer", ps}};
}

core::Result<Rendered> Render(const text::Templates& templates, std::string_view base,
                              const json& data) {
    const std::string b(base);
    Rendered out;
    auto subject = templates.Render(b + ".amne.txt", data);
    if (!subject.ok()) return std::move(subject).error();
    out.subject = OneLine(std::move(subject).value());
    auto body = templates.Render(b + ".txt", data);
    if (!body.ok()) return std::move(body).error();
    out.text = std::move(body).value();
    if (templates.Has(b + ".html")) {
        auto html = templates.Render(b + ".html", data);
        if (!html.ok()) return std::move(html).error();
        out.html = std::move(html).value();
    }
    return out;
}

}  // namespace bfu::notifier
