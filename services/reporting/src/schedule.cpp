#include "bfu/reporting/schedule.hpp"

#include <algorithm>
#include <tuple>

namespace bfu::reporting {

namespace {

std::vector<std::string> UnitsAt(const domain::Organisation& org, domain::Level level) {
    std::vector<std::string> out;
    for (const auto& u : org.units()) {
        if (u.level == level) out.push_back(u.id.value());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::vector<ScheduledReport> TimetableReports(const domain::Timetable& timetable,
                                              const domain::Organisation& org) {
    std::vector<ScheduledReport> out;
    if (org.root() == domain::kNoUnit) return out;
    const std::string root = org.unit(org.root()).id.value();
    const auto sektorer = UnitsAt(org, domain::Level::kSektor);
    const auto namnder = UnitsAt(org, domain::Level::kNamnd);
    const auto verksamheter = UnitsAt(org, domain::Level::kVerksamhet);
    const auto enheter = UnitsAt(org, domain::Level::kEnhet);
    auto add = [&](const domain::TimetableEvent& e, Kind kind,
                   const std::vector<std::string>& scopes, int days_before) {
        const domain::Date as_of = e.date.AddDays(-days_before);
        for (const auto& scope : scopes) {
            ScheduledReport s;
            s.request = {kind, scope, e.covers, as_of};
            s.event = e.key;
            s.date = e.date;
            s.due = CutoffOf(as_of);
            out.push_back(std::move(s));
        }
    };
    // Built front to back (an insert at begin() trips g++ 12's -Wnull-dereference at -O3).
    auto with_root = [&](const std::vector<std::string>& scopes) {
        std::vector<std::string> all;
        all.reserve(scopes.size() + 1);
        all.push_back(root);
        for (const auto& s : scopes) all.push_back(s);
        return all;
    };
    for (const auto& e : timetable.events) {
        switch (e.kind) {
            case domain::TimetableEventKind::kForecastRound:
                add(e, Kind::kSektorssammanfattning, sektorer, 0);
                break;
            case domain::TimetableEventKind::kTertialReport:
                add(e, Kind::kTertial, with_root(namnder), 1);
                break;
            case domain::TimetableEventKind::kDelarReport:
                add(e, Kind::kDelar, with_root(namnder), 1);
                break;
            case domain::TimetableEventKind::kAnnualReport:
                add(e, Kind::kArsredovisning, with_root(namnder), 1);
                break;
            case domain::TimetableEventKind::kDialogueApt:
                add(e, Kind::kDialogunderlag, enheter, 1);
                break;
            case domain::TimetableEventKind::kDialogueArea:
                add(e, Kind::kDialogunderlag, verksamheter, 1);
                break;
            case domain::TimetableEventKind::kDialogueDirector:
                add(e, Kind::kDialogunderlag, sektorer, 1);
                break;
            default:
                // Step 3 uses the verksamheter's material of step 2; the bokslutsdag and the
                // period closes make no report of their own.
                break;
        }
    }
    std::sort(out.begin(), out.end(), [](const ScheduledReport& a, const ScheduledReport& b) {
        return std::tie(a.due, a.request.kind, a.request.scope) <
               std::tie(b.due, b.request.kind, b.request.scope);
    });
    return out;
}

const ScheduledReport* FindScheduled(const std::vector<ScheduledReport>& schedule, Kind kind,
                                     const std::string& scope, domain::Period period) {
    for (const auto& s : schedule) {
        if (s.request.kind == kind && s.request.scope == scope && s.request.period == period) {
            return &s;
        }
    }
    return nullptr;
}

}  // namespace bfu::reporting
