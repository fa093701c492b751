#pragma once
// Reminders from the timetable (S6, S10, S11): pure planning of who is reminded of what, when.
//
//   forecast round (prognos-1..6)    the manager of every enhet that has not submitted its own
//                                    forecast for the round, `forecast_days` working days
//                                    before the round's date
//   tertialrapport, delårsrapport,   every sektorchef, `report_days` working days before
//   årsredovisning                   the deadline
//   dialogue meetings                the responsible manager of each step, `dialogue_days`
//                                    working days before: step 1 (APT) enhetschefer, step 2
//                                    verksamhetschefer, step 3 verksamhetschefer, step 4
//                                    sektorchefer
// A reminder is due from 08:00 Swedish time on its day until the end of the event's day; it is
// sent once (its alert id "reminder.<event key>.<year>:<e-mail>" is recorded in bfu.alerts).
// A notifier started after an event's day does not remind of it any more.
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "bfu/contracts/common.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::notifier {

struct ReminderPolicy {
    int forecast_days = 2;
    int report_days = 5;
    int dialogue_days = 5;
    int plan_due_days = 10;  // working days after a deviation beyond the nämnd's mandate opened
    domain::WorkCalendar calendar;
};

struct Reminder {
    std::string alert_id;
    contracts::AlertAbout about = contracts::AlertAbout::kForecastRound;
    contracts::Person to;
    core::UnitId unit;                  // the recipient's unit
    nlohmann::json data;                // for the templates
    std::string templates = "tidplan";  // the template set: "tidplan" or "rapport"
};

// The reminders due at `now` for the timetable of one year. `submitted(unit, round)` says
// whether the unit has submitted its forecast for the round; `sent(alert id)` whether the
// reminder was recorded already.
[[nodiscard]] std::vector<Reminder> DueReminders(
    const domain::Timetable& timetable, const service::MasterData& master, core::TimePoint now,
    const ReminderPolicy& policy,
    const std::function<bool(const std::string& unit, int round)>& submitted,
    const std::function<bool(const std::string& alert_id)>& sent);

// S9: a deviation beyond its nämnd's mandate needs an åtgärdsplan decided by the nämnd. When
// none is decided `plan_due_days` working days after the deviation opened (its episode), the
// sektorchef above the unit (the unit's own manager when it is a sektor) is reminded, once per
// episode: "plan-due.<deviation id>.<opened seq>:<e-mail>". Favourable deviations and those
// within the nämnd's mandate need no plan.
[[nodiscard]] std::vector<Reminder> DuePlanReminders(
    const std::vector<service::DeviationRecord>& open, const service::MasterData& master,
    core::TimePoint now, const ReminderPolicy& policy,
    const std::function<bool(const std::string& deviation_id)>& decided_plan,
    const std::function<bool(const std::string& alert_id)>& sent);

// A report announced on bfu.reports (issue #13, docs/services/reporting.md) to the people it
// is for, by e-mail with the paths of its files (the "rapport" templates), once per report and
// person ("report.<report id>:<e-mail>"):
//   - the nämnd's secretary: the nämnd of the report's scope or above it; for a scope above
//     every nämnd (KF, KS, förvaltning) the scope's own; the body's mailbox (registrator)
//     when it names no secretary;
//   - the sektorchef: of the sektor of the scope or above it; for a scope above the sektorer,
//     every sektor under it;
//   - whoever the kind names: a dialogunderlag goes to the manager of its unit, who leads the
//     dialogue step.
// `about` says the report's occasion: report_deadline (tertial, delår, årsredovisning),
// forecast_round (sektorssammanfattning), dialogue (dialogunderlag). A scope the organisation
// does not know gets nobody.
[[nodiscard]] std::vector<Reminder> ReportNotices(
    const contracts::ReportPublished& report, const service::MasterData& master,
    const std::function<bool(const std::string& alert_id)>& sent);

}  // namespace bfu::notifier
