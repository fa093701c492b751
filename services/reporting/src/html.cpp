// The HTML report: the model turned into the mustache data of the templates (HtmlView), every
// figure formatted by bfu::text, every word Swedish; the templates place it on the page.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/domain/measures.hpp"
#include "bfu/reporting/render.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::reporting {

namespace {

using nlohmann::json;

// Tables carry "tkr" in their heading and the figures without it (text::Tkr without its
// unit), so that a row of amounts fits an A4 page.
std::string Num(std::int64_t ore) {
    std::string s = text::Tkr(ore);
    constexpr std::string_view kUnit = " tkr";
    if (s.size() > kUnit.size() && s.compare(s.size() - kUnit.size(), kUnit.size(), kUnit) == 0) {
        s.resize(s.size() - kUnit.size());
    }
    return s;
}

std::string SignedNum(std::int64_t ore) {
    std::string s = text::SignedTkr(ore);
    constexpr std::string_view kUnit = " tkr";
    if (s.size() > kUnit.size() && s.compare(s.size() - kUnit.size(), kUnit.size(), kUnit) == 0) {
        s.resize(s.size() - kUnit.size());
    }
    return s;
}

std::string Opt(const std::optional<std::int64_t>& v) { return v ? Num(*v) : "–"; }
std::string OptTkr(const std::optional<std::int64_t>& v) { return v ? text::Tkr(*v) : "–"; }

std::string LightText(const std::string& light) {
    if (light == "red") return "röd";
    if (light == "yellow") return "gul";
    return "grön";
}

std::string MeasureStatusText(const std::string& s) {
    if (auto e = contracts::ParseEnum<contracts::MeasureStatus>(s)) {
        return std::string(
            domain::ToString(static_cast<domain::MeasureStatus>(static_cast<int>(*e))));
    }
    return s;
}

std::string PlanStateText(const std::string& s) {
    if (auto e = contracts::ParseEnum<contracts::PlanState>(s)) {
        return std::string(domain::ToString(static_cast<domain::PlanState>(static_cast<int>(*e))));
    }
    return s;
}

std::string DecisionOutcomeText(const std::string& s) {
    if (s == "bifall") return "bifall";
    if (s == "aterremiss") return "återremiss";
    if (s == "avslag") return "avslag";
    return s;
}

std::string DecisionSubjectText(const std::string& s) {
    if (s == "plan") return "åtgärdsplan";
    if (s == "measure") return "åtgärder";
    if (s == "budget_revision") return "budgetrevidering";
    return s;
}

std::string CommentSubjectText(const std::string& s) {
    if (s == "outcome") return "utfall";
    if (s == "deviation") return "avvikelse";
    if (s == "goal") return "mål";
    if (s == "hr") return "personal";
    return "allmänt";
}

std::string MethodText(const std::string& s) {
    if (s == "profile") return "budgetprofil";
    if (s == "trend") return "trend";
    if (s == "blend") return "profil och trend";
    if (s == "manager") return "chefens egen prognos";
    return s;
}

std::string KindText(const std::string& s) {
    if (auto e = contracts::ParseEnum<contracts::DeviationKind>(s)) {
        return std::string(text::KindName(*e));
    }
    return s;
}

std::string SeverityText(const std::string& s) {
    if (auto e = contracts::ParseEnum<contracts::Severity>(s)) {
        return std::string(text::SeverityName(*e));
    }
    return s;
}

std::string Capitalised(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

// Whether a unit is a row of the tables: down to verksamhet for a report of a nämnd or above
// (the enheter are in the XLSX and the JSON), every unit for a sektor and below and in the
// rolling report.
bool Shown(const Report& r, const UnitFigures& u) {
    // The rolling report lists the whole organisation, as it always has.
    if (r.request.kind == Kind::kLopande) return true;
    const bool high = r.scope_level == domain::Level::kKf || r.scope_level == domain::Level::kKs ||
                      r.scope_level == domain::Level::kForvaltning ||
                      r.scope_level == domain::Level::kNamnd;
    return !(high && u.level == domain::Level::kEnhet);
}

json UnitRow(const UnitFigures& u) {
    json j{{"id", u.id},
           {"namn", u.name},
           {"niva", std::string(LevelText(u.level))},
           {"indrag", std::to_string(6 + 14 * u.depth)},
           {"utfall", Num(u.outcome)},
           {"budget", Num(u.budget)},
           {"avvikelse", SignedNum(u.deviation())},
           {"andel", u.budget == 0 ? "–" : text::PercentBp(u.share_bp)},
           {"arsbudget", Num(u.annual_budget)},
           {"prognos", Opt(u.forecast)},
           {"prognosavvikelse", u.forecast ? SignedNum(*u.forecast - u.annual_budget) : "–"},
           {"ljus", u.light},
           {"ljusText", LightText(u.light)},
           {"over", u.deviation() > 0},
           {"chef", u.manager}};
    if (u.forecast_with_measures) j["medAtgarder"] = Num(*u.forecast_with_measures);
    return j;
}

json RoundRows(const std::vector<RoundFigures>& rounds) {
    json out = json::array();
    for (const auto& rf : rounds) {
        auto per = domain::Period::Parse(rf.cutoff);
        json j{{"omgang", std::to_string(rf.round)},
               {"manad", per.ok() ? text::MonthYear(*per) : rf.cutoff},
               {"prognos", Opt(rf.forecast)},
               {"medAtgarder", Opt(rf.with_measures)},
               {"forandring", rf.change ? SignedNum(*rf.change) : "–"},
               {"metod", rf.method.empty() ? "–" : MethodText(rf.method)},
               {"gjord", rf.made_at.empty() ? "–" : text::DateTimeText(rf.made_at)},
               {"fel", rf.error ? SignedNum(*rf.error) : "–"},
               {"felAndel", rf.abs_error_bp ? text::PercentBp(*rf.abs_error_bp) : "–"}};
        out.push_back(std::move(j));
    }
    return out;
}

}  // namespace

std::string_view LevelText(domain::Level level) noexcept { return domain::ToString(level); }

json HtmlView(const Report& r) {
    const auto& scope = r.units.front();
    const int year = r.request.year();
    const domain::FiscalYear fy = domain::FiscalYear::Calendar(year);
    const int p = r.request.period.month() - 1;
    const std::string range = text::PeriodRange(fy.First(), r.request.period);
    const std::string month = text::MonthYear(r.request.period);
    const Kind kind = r.request.kind;
    const bool periodic =
        kind == Kind::kTertial || kind == Kind::kDelar || kind == Kind::kArsredovisning;
    json v;
    std::string title = std::string(KindTitle(kind)) + " " + range;
    if (kind == Kind::kArsredovisning) title = "Årsredovisning " + std::to_string(year);
    v["dokument"] = {{"titel", title + " – " + r.scope_name},
                     {"rapport", std::string(KindTitle(kind))},
                     {"rubrik", title},
                     {"omfattning", r.scope_name},
                     {"enhet", r.request.scope},
                     {"niva", std::string(LevelText(r.scope_level))},
                     {"period", range},
                     {"manad", month},
                     {"ar", std::to_string(year)},
                     {"per", text::DateText(r.request.as_of)},
                     {"id", r.id},
                     {"chef", scope.manager},
                     {"chefRoll", scope.manager_role}};
    v["visa"] = {{"periodisk", periodic},
                 {"tertial", kind == Kind::kTertial},
                 {"delar", kind == Kind::kDelar},
                 {"arsredovisning", kind == Kind::kArsredovisning},
                 {"sektor", kind == Kind::kSektorssammanfattning},
                 {"dialog", kind == Kind::kDialogunderlag},
                 {"lopande", kind == Kind::kLopande},
                 {"helarsutfall", r.year_complete}};
    // Which sections the kind has (docs/services/reporting.md): a template may leave any out.
    const bool sector = kind == Kind::kSektorssammanfattning;
    const bool dialogue = kind == Kind::kDialogunderlag;
    v["avsnitt"] = {{"sammanfattning", true},
                    {"utfall", true},
                    {"prognos", !r.year_complete && (periodic || sector)},
                    {"avvikelser", true},
                    {"planer", periodic || sector},
                    {"mal", true},
                    {"personal", true},
                    {"investeringar", periodic},
                    {"godaExempel", periodic || kind == Kind::kLopande},
                    {"prognossakerhet", periodic},
                    {"kommentarer", dialogue || sector},
                    {"anteckningar", dialogue},
                    {"konton", periodic || dialogue}};

    // Key figures.
    json key = json::array();
    key.push_back({{"namn", "Utfall " + range}, {"varde", text::Tkr(scope.outcome)}});
    key.push_back({{"namn", "Budget " + range}, {"varde", text::Tkr(scope.budget)}});
    key.push_back({{"namn", "Avvikelse mot budget"},
                   {"varde", text::SignedTkr(scope.deviation())},
                   {"klass", scope.deviation() > 0 ? "over" : "under"}});
    key.push_back({{"namn", "Årsbudget"}, {"varde", text::Tkr(scope.annual_budget)}});
    if (!r.year_complete) {
        key.push_back(
            {{"namn", scope.forecast_round
                          ? "Helårsprognos (omgång " + std::to_string(*scope.forecast_round) + ")"
                          : std::string("Helårsprognos")},
             {"varde", OptTkr(scope.forecast)}});
        if (scope.forecast) {
            const auto fd = *scope.forecast - scope.annual_budget;
            key.push_back({{"namn", "Prognos mot årsbudget"},
                           {"varde", text::SignedTkr(fd)},
                           {"klass", fd > 0 ? "over" : "under"}});
        }
    }
    v["nyckeltal"] = key;
    v["diagram"] = {{"utfall", OutcomeChart(r)}, {"orsak", CauseChart(r)}};
    if (!r.rounds.empty()) v["diagram"]["prognos"] = ForecastChart(r);

    json units = json::array();
    json investments = json::array();
    json hr = json::array();
    for (const auto& u : r.units) {
        if (!Shown(r, u)) continue;
        units.push_back(UnitRow(u));
        if (u.investment_outcome != 0 || u.investment_annual_budget != 0) {
            investments.push_back(
                {{"namn", u.name},
                 {"id", u.id},
                 {"indrag", std::to_string(6 + 14 * u.depth)},
                 {"utfall", Num(u.investment_outcome)},
                 {"budget", Num(u.investment_budget)},
                 {"arsbudget", Num(u.investment_annual_budget)},
                 {"kvar", Num(u.investment_annual_budget - u.investment_outcome)}});
        }
        if (u.hr) {
            hr.push_back({{"namn", u.name},
                          {"id", u.id},
                          {"indrag", std::to_string(6 + 14 * u.depth)},
                          {"anstallda", std::to_string(u.hr->headcount)},
                          {"arsarbetare", text::Decimal(u.hr->fte, 1)},
                          {"sjukfranvaro", text::Figure(u.hr->sick_leave_pct, "%")},
                          {"sjukfranvaroSnitt", text::Figure(u.hr->sick_leave_avg_pct, "%")},
                          {"overtid", text::Figure(u.hr->overtime_hours, "timmar")},
                          {"overtidAck", text::Figure(u.hr->overtime_hours_ytd, "timmar")}});
        }
    }
    v["enheter"] = units;
    if (kind == Kind::kLopande) {
        json all = json::array();
        for (const auto& u : r.units) all.push_back(UnitRow(u));
        v["alla"] = all;
    }
    v["investeringar"] = investments;
    v["personal"] = hr;

    json groups = json::array();
    for (const auto& g : scope.groups) {
        if (g.investment) continue;
        groups.push_back({{"namn", g.name},
                          {"id", g.id},
                          {"utfall", Num(g.outcome)},
                          {"budget", Num(g.budget)},
                          {"avvikelse", SignedNum(g.deviation())},
                          {"over", g.deviation() > 0},
                          {"arsbudget", Num(g.annual_budget)}});
    }
    v["grupper"] = groups;
    v["grupperSumma"] = {{"utfall", Num(scope.outcome)},
                         {"budget", Num(scope.budget)},
                         {"avvikelse", SignedNum(scope.deviation())},
                         {"arsbudget", Num(scope.annual_budget)}};

    json months = json::array();
    std::int64_t acc_o = 0, acc_b = 0;
    for (int m = 0; m <= p; ++m) {
        const auto i = static_cast<std::size_t>(m);
        acc_o += scope.outcome_months[i];
        acc_b += scope.budget_months[i];
        months.push_back(
            {{"manad", Capitalised(std::string(text::MonthName(m + 1)))},
             {"utfall", Num(scope.outcome_months[i])},
             {"budget", Num(scope.budget_months[i])},
             {"avvikelse", SignedNum(scope.outcome_months[i] - scope.budget_months[i])},
             {"ackUtfall", Num(acc_o)},
             {"ackBudget", Num(acc_b)},
             {"ackAvvikelse", SignedNum(acc_o - acc_b)}});
    }
    v["manader"] = months;
    v["prognoser"] = RoundRows(r.rounds);

    json accuracy_rounds = json::array();
    for (const auto& rf : r.rounds)
        accuracy_rounds.push_back({{"omgang", std::to_string(rf.round)}});
    json accuracy_rows = json::array();
    auto accuracy_row = [&](const std::string& name, const std::vector<RoundFigures>& rounds) {
        json cells = json::array();
        for (const auto& rf : rounds) {
            std::string cell = Opt(rf.forecast);
            if (rf.abs_error_bp) cell += " (" + text::PercentBp(*rf.abs_error_bp) + ")";
            cells.push_back({{"varde", cell}});
        }
        accuracy_rows.push_back({{"namn", name}, {"omgangar", cells}});
    };
    accuracy_row(r.scope_name, r.rounds);
    for (const auto& a : r.accuracy) accuracy_row(a.name, a.rounds);
    v["prognossakerhet"] = {{"omgangar", accuracy_rounds},
                            {"rader", accuracy_rows},
                            {"harUtfall", r.year_complete},
                            {"finns", !r.rounds.empty()}};

    // The deviations of the units the tables show (the JSON has every one), each with its
    // largest causes by account group and account (the months are in the JSON).
    std::set<std::string> shown;
    for (const auto& u : r.units) {
        if (Shown(r, u)) shown.insert(u.id);
    }
    json deviations = json::array();
    for (const auto& d : r.deviations) {
        if (shown.count(d.unit) == 0) continue;
        json causes = json::array();
        for (const auto& c : d.causes) {
            if (c.dimension == "month" || causes.size() >= 5) continue;
            std::string dimension = c.dimension == "group"     ? "Kontogrupp"
                                    : c.dimension == "account" ? "Konto"
                                                               : "Månad";
            causes.push_back({{"text", dimension + " " + c.label},
                              {"belopp", text::SignedTkr(c.amount)},
                              {"andel", text::PercentBp(c.share_bp)}});
        }
        const bool money = d.deviation.has_value();
        json jd{
            {"id", d.id},
            {"enhet", d.unit},
            {"enhetsnamn", d.unit_name},
            {"slag", Capitalised(KindText(d.kind))},
            {"slagText", KindText(d.kind)},
            {"period", text::PeriodText(d.period)},
            {"pengar", money},
            {"avvikelse", money ? text::SignedTkr(*d.deviation) : ""},
            {"utfall", OptTkr(d.outcome)},
            {"budget", OptTkr(d.budget)},
            {"andel", text::PercentBp(d.share_bp)},
            {"allvar", Capitalised(SeverityText(d.severity))},
            {"mandat", d.within_mandate ? "inom mandat" : "utöver mandat"},
            {"ansvarig", d.responsible + (d.responsible_role.empty() ? std::string()
                                                                     : ", " + d.responsible_role)},
            {"kvitterad", d.acknowledged ? "kvitterad" : "ej kvitterad"},
            {"harOrsaker", !causes.empty()},
            {"orsaker", causes},
            {"tackt", text::Tkr(d.covered)},
            {"otackt", text::Tkr(d.uncovered)},
            {"harAtgarder", !d.measures.empty()}};
        if (d.target) jd["malvarde"] = text::Decimal(*d.target, 1);
        if (d.actual) jd["varde"] = text::Decimal(*d.actual, 1);
        deviations.push_back(std::move(jd));
    }
    v["avvikelser"] = deviations;

    json measures = json::array();
    for (const auto& m : r.measures) {
        auto from = domain::Period::Parse(m.from);
        auto to = domain::Period::Parse(m.to);
        std::string span = from.ok() ? text::MonthYear(*from) : m.from;
        span += to.ok() ? "–" + text::MonthYear(*to) : std::string(" och framåt");
        measures.push_back(
            {{"id", m.id},
             {"text", m.text},
             {"status", MeasureStatusText(m.status)},
             {"verksamhet", m.area_name},
             {"ansvarig", m.responsible},
             {"effektPerManad", SignedNum(m.effect_per_month)},
             {"period", span},
             {"effektAr", SignedNum(m.expected_year)},
             {"realiserad", m.realised_months > 0 ? SignedNum(m.realised) : std::string("–")},
             {"forvantadHittills",
              m.realised_months > 0 ? SignedNum(m.expected_to_date) : std::string("–")},
             {"beslut", m.decision_ref.empty() ? "–" : m.decision_ref}});
    }
    v["atgarder"] = measures;

    json plans = json::array();
    for (const auto& pl : r.plans) {
        plans.push_back({{"id", pl.id},
                         {"rubrik", pl.title},
                         {"status", PlanStateText(pl.state)},
                         {"version", std::to_string(pl.version)},
                         {"namnd", pl.body_name},
                         {"beslut", pl.decision_ref.empty() ? "–" : pl.decision_ref},
                         {"atgarder", std::to_string(pl.measures.size())},
                         {"effektAr", SignedNum(pl.expected_year)}});
    }
    v["planer"] = plans;
    json decisions = json::array();
    for (const auto& d : r.decisions) {
        decisions.push_back({{"paragraf", d.ref},
                             {"datum", text::DateText(d.date)},
                             {"organ", d.body_name},
                             {"arende", Capitalised(DecisionSubjectText(d.subject))},
                             {"utfall", DecisionOutcomeText(d.outcome)},
                             {"text", d.text}});
    }
    v["beslut"] = decisions;
    json comments = json::array();
    for (const auto& c : r.comments) {
        comments.push_back({{"enhet", c.unit_name},
                            {"period", text::PeriodText(c.period)},
                            {"amne", Capitalised(CommentSubjectText(c.subject))},
                            {"text", c.text},
                            {"av", c.by},
                            {"tid", text::DateTimeText(c.at)}});
    }
    v["kommentarer"] = comments;
    json goals = json::array();
    for (const auto& g : r.goals) {
        goals.push_back(
            {{"enhet", g.unit_name},
             {"namn", g.name},
             {"malvarde",
              (g.lower_is_better ? "högst " : "minst ") + text::Figure(g.target, g.measure_unit)},
             {"varde", g.value ? text::Figure(*g.value, g.measure_unit) : std::string("–")},
             {"manad", g.value ? text::PeriodText(g.value_period) : std::string("–")},
             {"uppfyllt", !g.met   ? std::string("ej mätt")
                          : *g.met ? "uppfyllt"
                                   : "ej uppfyllt"},
             {"klass", !g.met   ? std::string("")
                       : *g.met ? "under"
                                : "over"},
             {"kommentar", g.comment}});
    }
    v["mal"] = goals;
    json examples = json::array();
    for (const auto& e : r.good_examples) {
        examples.push_back({{"namn", e.name},
                            {"id", e.unit},
                            {"marginal", text::Tkr(e.margin)},
                            {"andel", text::PercentBp(e.margin_bp)},
                            {"malSlagna", std::to_string(e.goals_beaten)},
                            {"kommentar", e.comment}});
    }
    v["godaExempel"] = examples;
    json revisions = json::array();
    for (const auto& rv : r.revisions) {
        revisions.push_back({{"enhet", rv.unit_name},
                             {"grupp", rv.group_name},
                             {"revision", std::to_string(rv.revision)},
                             {"paragraf", rv.ref},
                             {"datum", text::DateText(rv.date)},
                             {"arsbudget", Num(rv.annual)}});
    }
    v["harRevisioner"] = !revisions.empty();
    v["revisioner"] = revisions;
    json accounts = json::array();
    for (const auto& a : r.accounts) {
        accounts.push_back({{"konto", a.account},
                            {"namn", a.name.empty() ? "–" : a.name},
                            {"grupp", a.group_name},
                            {"utfall", Num(a.outcome)}});
    }
    v["konton"] = accounts;
    v["harNoter"] = !r.notes.empty();
    v["noter"] = r.notes;
    if (r.dialogue) {
        const auto& d = *r.dialogue;
        std::string who = d.step == 1   ? "Medarbetare och enhetschef (APT)"
                          : d.step == 2 ? "Enhetschefer och verksamhetschef med controller "
                                          "(steg 2), och med sektorchef (steg 3)"
                                        : "Verksamhetschefer, sektorchef och kommundirektör";
        v["dialog"] = {
            {"steg", d.step == 2 ? std::string("2–3") : std::to_string(d.step)},
            {"rubrik", d.title.empty() ? "Dialogsteg " + std::to_string(d.step) : d.title},
            {"datum", d.date.empty() ? std::string("–") : text::DateText(d.date)},
            {"ansvarig", d.responsible_role},
            {"deltagare", who}};
    }
    return v;
}

core::Result<std::string> RenderHtml(const Report& report, const text::Templates& templates) {
    return templates.Render(report.request.kind == Kind::kLopande ? "lopande.html" : "rapport.html",
                            HtmlView(report));
}

}  // namespace bfu::reporting
