#include "bfu/notifier/reminders.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "bfu/notifier/planner.hpp"
#include "bfu/service/deviation_wire.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::notifier {

namespace {

using domain::Level;
using domain::TimetableEventKind;

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

struct Rule {
    Level level;
    int days;
    contracts::AlertAbout about;
    std::string task;
};

std::optional<Rule> RuleFor(TimetableEventKind kind, const ReminderPolicy& p) {
    using contracts::AlertAbout;
    switch (kind) {
        case TimetableEventKind::kForecastRound:
            return Rule{Level::kEnhet, p.forecast_days, AlertAbout::kForecastRound,
                        "lämna enhetens helårsprognos (bfu forecast submit) senast på dagen för "
                        "prognosomgången, eller godta den framräknade prognosen."};
        case TimetableEventKind::kTertialReport:
        case TimetableEventKind::kDelarReport:
        case TimetableEventKind::kAnnualReport:
            return Rule{Level::kSektor, p.report_days, AlertAbout::kReportDeadline,
                        "se till att sektorns del av rapporten med analys, prognos och åtgärder "
                        "är klar och lämnad till ekonomienheten senast detta datum."};
        case TimetableEventKind::kDialogueApt:
            return Rule{Level::kEnhet, p.dialogue_days, AlertAbout::kDialogue,
                        "gå igenom enhetens utfall med medarbetarna på APT och fyll i "
                        "dialogunderlaget med dina kommentarer."};
        case TimetableEventKind::kDialogueArea:
        case TimetableEventKind::kDialogueSector:
            return Rule{Level::kVerksamhet, p.dialogue_days, AlertAbout::kDialogue,
                        "förbered områdets samlade resultat och se till att varje enhet har "
                        "kommenterat sitt dialogunderlag."};
        case TimetableEventKind::kDialogueDirector:
            return Rule{Level::kSektor, p.dialogue_days, AlertAbout::kDialogue,
                        "sammanställ sektorns måluppfyllelse och budgetföljsamhet per "
                        "verksamhet inför mötet med kommundirektören."};
        case TimetableEventKind::kBokslutsdag:
        // Period and year closing days concern the finance unit, not the managers.
        case TimetableEventKind::kPeriodClose:
        case TimetableEventKind::kYearClose:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

std::vector<Reminder> DueReminders(
    const domain::Timetable& timetable, const service::MasterData& master, core::TimePoint now,
    const ReminderPolicy& policy,
    const std::function<bool(const std::string& unit, int round)>& submitted,
    const std::function<bool(const std::string& alert_id)>& sent) {
    std::vector<Reminder> out;
    const domain::Date today = domain::StockholmDate(now);
    const auto& org = master.org;
    for (const auto& ev : timetable.events) {
        auto rule = RuleFor(ev.kind, policy);
        if (!rule) continue;
        const domain::Date remind_on =
            domain::AddWorkingDays(ev.date, -rule->days, policy.calendar);
        if (now < domain::FromStockholm(remind_on, 8, 0) || today > ev.date) continue;
        // Recipients: managers of units of the rule's level valid on the event's date, grouped
        // by person (one message each, naming their units).
        std::map<std::string, std::pair<contracts::Person, std::vector<std::string>>> people;
        std::map<std::string, core::UnitId> unit_of;
        for (domain::UnitIndex u = 0; u < org.size(); ++u) {
            const auto& spec = org.unit(u);
            if (spec.level != rule->level || spec.manager.email.empty()) continue;
            if (ev.kind == TimetableEventKind::kForecastRound &&
                submitted(spec.id.value(), ev.round)) {
                continue;
            }
            const std::string key = Lower(spec.manager.email);
            auto& entry = people[key];
            entry.first = service::ToWire(spec.manager);
            entry.second.push_back(spec.name + " (" + spec.id.value() + ")");
            unit_of.emplace(key, spec.id);
        }
        for (auto& [email, entry] : people) {
            Reminder r;
            r.alert_id = "reminder." + RefSafe(ev.key) + "." + std::to_string(timetable.year) +
                         ":" + RefSafe(email);
            if (sent(r.alert_id)) continue;
            r.about = rule->about;
            r.to = entry.first;
            r.unit = unit_of.at(email);
            nlohmann::json units = nlohmann::json::array();
            for (const auto& n : entry.second) units.push_back(n);
            r.data = {{"mottagare", {{"namn", r.to.name}, {"roll", r.to.role}}},
                      {"rubrik", ev.title},
                      {"datum", text::DateText(ev.date)},
                      {"beskrivning", ev.description},
                      {"uppgift", rule->task},
                      {"ar", std::to_string(timetable.year)},
                      {"enheter", units},
                      {"har_enheter", !units.empty()}};
            out.push_back(std::move(r));
        }
    }
    return out;
}

std::vector<Reminder> DuePlanReminders(
    const std::vector<service::DeviationRecord>& open, const service::MasterData& master,
    core::TimePoint now, const ReminderPolicy& policy,
    const std::function<bool(const std::string& deviation_id)>& decided_plan,
    const std::function<bool(const std::string& alert_id)>& sent) {
    std::vector<Reminder> out;
    const auto& org = master.org;
    const domain::Date today = domain::StockholmDate(now);
    for (const auto& r : open) {
        const auto& e = r.latest;
        const bool money = e.kind == contracts::DeviationKind::kBudget ||
                           e.kind == contracts::DeviationKind::kInvestment ||
                           e.kind == contracts::DeviationKind::kForecast;
        if (!r.open || !money || e.deviation_ore.value_or(0) <= 0 || !r.episode.opened_at) continue;
        auto u = org.Find(e.unit);
        if (!u) continue;
        // The nämnd and the sektor in the unit's line (the unit itself included).
        std::optional<domain::UnitIndex> namnd;
        std::optional<domain::UnitIndex> sektor;
        std::vector<domain::UnitIndex> line{*u};
        for (auto a : org.AncestorsAt(*u, today)) line.push_back(a);
        for (auto x : line) {
            if (!sektor && org.unit(x).level == domain::Level::kSektor) sektor = x;
            if (!namnd && org.unit(x).level == domain::Level::kNamnd) namnd = x;
        }
        if (!namnd || !sektor) continue;
        if (*e.deviation_ore <= org.unit(*namnd).mandate.ore()) continue;
        auto opened = core::FromRfc3339(*r.episode.opened_at);
        if (!opened.ok()) continue;
        if (now < domain::AddWorkingTime(*opened, policy.plan_due_days, policy.calendar)) continue;
        if (decided_plan(r.id().value())) continue;
        const auto& chief = org.unit(*sektor);
        if (chief.manager.email.empty()) continue;
        Reminder rem;
        rem.alert_id = "plan-due." + RefSafe(r.id().value()) + "." +
                       std::to_string(r.episode.opened_seq) + ":" +
                       RefSafe(Lower(chief.manager.email));
        if (sent(rem.alert_id)) continue;
        rem.about = contracts::AlertAbout::kPlanDue;
        rem.to = service::ToWire(chief.manager);
        rem.unit = chief.id;
        const std::string unit_name = org.unit(*u).name;
        nlohmann::json units = nlohmann::json::array({unit_name + " (" + e.unit.value() + ")"});
        rem.data = {{"mottagare", {{"namn", rem.to.name}, {"roll", rem.to.role}}},
                    {"rubrik", "Åtgärdsplan saknas för " + unit_name},
                    {"datum", text::DateText(today)},
                    {"beskrivning",
                     "Avvikelsen för " + unit_name + " är " + text::SignedKr(*e.deviation_ore) +
                         " och större än " + org.unit(*namnd).name + "s mandat (" +
                         text::Kr(org.unit(*namnd).mandate.ore()) +
                         "). Enligt reglerna ska sektorn ta fram en åtgärdsplan som nämnden "
                         "beslutar, och ingen är beslutad än."},
                    {"uppgift",
                     "ta fram en åtgärdsplan med åtgärder, verksamhet och förväntad effekt per "
                     "månad (bfu plan draft) och föreslå den för nämnden (bfu plan propose)."},
                    {"ar", std::to_string(e.year)},
                    {"enheter", units},
                    {"har_enheter", true}};
        out.push_back(std::move(rem));
    }
    return out;
}

namespace {

// The report's Swedish title, as reporting writes it (bfu::reporting::KindTitle).
std::string ReportTitle(contracts::ReportKind kind) {
    switch (kind) {
        case contracts::ReportKind::kTertial:
            return "Tertialrapport";
        case contracts::ReportKind::kDelar:
            return "Delårsrapport";
        case contracts::ReportKind::kArsredovisning:
            return "Årsredovisning";
        case contracts::ReportKind::kSectorSummary:
            return "Sektorssammanfattning";
        case contracts::ReportKind::kDialogue:
            return "Dialogunderlag";
    }
    return "Rapport";
}

contracts::AlertAbout ReportOccasion(contracts::ReportKind kind) {
    switch (kind) {
        case contracts::ReportKind::kSectorSummary:
            return contracts::AlertAbout::kForecastRound;
        case contracts::ReportKind::kDialogue:
            return contracts::AlertAbout::kDialogue;
        default:
            return contracts::AlertAbout::kReportDeadline;
    }
}

std::string FormatName(contracts::FileFormat f) {
    switch (f) {
        case contracts::FileFormat::kHtml:
            return "webbsida (HTML)";
        case contracts::FileFormat::kXlsx:
            return "Excel (XLSX)";
        case contracts::FileFormat::kPdf:
            return "PDF";
        case contracts::FileFormat::kJson:
            return "data (JSON)";
        case contracts::FileFormat::kMarkdown:
            return "text (Markdown)";
    }
    return "fil";
}

}  // namespace

std::vector<Reminder> ReportNotices(const contracts::ReportPublished& report,
                                    const service::MasterData& master,
                                    const std::function<bool(const std::string& alert_id)>& sent) {
    std::vector<Reminder> out;
    const auto& org = master.org;
    const auto scope = org.Find(report.scope);
    if (!scope) return out;
    auto cutoff = core::FromRfc3339(report.as_of);
    const domain::Date as_of =
        cutoff.ok() ? domain::StockholmDate(*cutoff) : *domain::Date::FromYmd(report.year, 12, 31);
    // The scope's line up to KF, the scope first.
    std::vector<domain::UnitIndex> line{*scope};
    for (auto a : org.AncestorsAt(*scope, as_of)) line.push_back(a);
    auto first_at = [&](domain::Level level) -> std::optional<domain::UnitIndex> {
        for (auto u : line) {
            if (org.unit(u).level == level) return u;
        }
        return std::nullopt;
    };

    // Who, in order, with why; one message per e-mail address.
    std::vector<std::pair<contracts::Person, std::string>> people;
    const auto body = first_at(domain::Level::kNamnd).value_or(*scope);
    const auto& body_spec = org.unit(body);
    if (auto rec = master.org_units.find(body_spec.id.value()); rec != master.org_units.end()) {
        if (rec->second.secretary && rec->second.secretary->email) {
            people.emplace_back(*rec->second.secretary, "sekreterare i " + body_spec.name);
        } else if (rec->second.mailbox && !rec->second.mailbox->empty()) {
            contracts::Person box;
            box.name = body_spec.name;
            box.role = "registrator";
            box.email = *rec->second.mailbox;
            people.emplace_back(box, "registrator för " + body_spec.name);
        }
    }
    std::vector<domain::UnitIndex> sektorer;
    if (auto s = first_at(domain::Level::kSektor)) {
        sektorer.push_back(*s);
    } else {
        for (domain::UnitIndex u = 0; u < org.size(); ++u) {
            if (org.unit(u).level == domain::Level::kSektor &&
                org.IsInSubtreeAt(u, *scope, as_of)) {
                sektorer.push_back(u);
            }
        }
    }
    for (auto s : sektorer) {
        if (org.unit(s).manager.email.empty()) continue;
        people.emplace_back(service::ToWire(org.unit(s).manager),
                            "sektorchef, " + org.unit(s).name);
    }
    if (report.kind == contracts::ReportKind::kDialogue &&
        !org.unit(*scope).manager.email.empty()) {
        people.emplace_back(service::ToWire(org.unit(*scope).manager),
                            "ansvarig för dialogen, " + org.unit(*scope).name);
    }

    const std::string title = ReportTitle(report.kind);
    const auto period = domain::Period::Parse(report.period);
    const std::string range =
        period.ok()
            ? text::PeriodRange(domain::FiscalYear::Calendar(period->year()).First(), *period)
            : report.period;
    const std::string scope_text = org.unit(*scope).name + " (" + report.scope.value() + ")";
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : report.files) {
        files.push_back({{"format", FormatName(f.format)}, {"sokvag", f.path}});
    }
    std::set<std::string> seen;
    for (const auto& [person, why] : people) {
        const std::string email = Lower(person.email.value_or(""));
        if (email.empty() || !seen.insert(email).second) continue;
        Reminder r;
        r.alert_id = "report." + RefSafe(report.report_id) + ":" + RefSafe(email);
        if (sent(r.alert_id)) continue;
        r.about = ReportOccasion(report.kind);
        r.to = person;
        r.unit = report.scope;
        r.templates = "rapport";
        r.data = {{"mottagare", {{"namn", person.name}, {"roll", person.role}}},
                  {"varfor", why},
                  {"rapport", title},
                  {"rubrik", title + " " + range + " – " + org.unit(*scope).name},
                  {"omfattning", scope_text},
                  {"period", range},
                  {"per", text::DateText(as_of)},
                  {"ar", std::to_string(report.year)},
                  {"id", report.report_id},
                  {"filer", files},
                  {"har_filer", !files.empty()}};
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace bfu::notifier
