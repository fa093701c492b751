#include "bfu/notifier/reminders.hpp"

#include <algorithm>
#include <cctype>
#include <map>

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

}  // namespace bfu::notifier
