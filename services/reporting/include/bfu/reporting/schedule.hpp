#pragma once
// The reports the timetable makes (S8, S11, S14), each once, on its date:
//
//   timetable event            reports                              period          as of
//   prognos-1..6 (forecast     sektorssammanfattning per sektor     the round's     the round's
//   round, end of Feb..Dec)                                         month           date
//   tertialrapport (deadline)  tertialrapport per nämnd and for KF  April           the day before
//   delarsrapport (deadline)   delårsrapport per nämnd and for KF   August          the day before
//   arsredovisning (deadline,  årsredovisning per nämnd and for KF  December        the day before
//   Y+1)
//   apt-var / apt-host         dialogunderlag per enhet (step 1)    April / August  the day before
//   omrade-var / omrade-host   dialogunderlag per verksamhet        April / August  the day before
//                              (steps 2 and 3)
//   kd-var / kd-host           dialogunderlag per sektor (step 4)   April / August  the day before
//
// A sector summary comes after its round: as of the round's date, so the round's forecasts
// (written on that date) are in it. The other reports are material for their day: ready when
// the day begins, as of the day before. A report is due once its as-of day has ended in
// Swedish time (ScheduledReport::due); a reporting that was down then makes it when it comes
// back, as of the same day, so it is the same report.
//
// Pure; thread-safe.
#include <string>
#include <vector>

#include "bfu/core/clock.hpp"
#include "bfu/domain/org.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/reporting/kinds.hpp"

namespace bfu::reporting {

struct ScheduledReport {
    ReportRequest request;
    std::string event;    // the timetable event's key, e.g. "prognos-2"
    domain::Date date;    // the event's date
    core::TimePoint due;  // the end of the as-of day, Swedish time
};

// Every report the timetable of its year makes for the organisation, sorted by when it is due,
// then by kind and scope.
[[nodiscard]] std::vector<ScheduledReport> TimetableReports(const domain::Timetable& timetable,
                                                            const domain::Organisation& org);

// The scheduled report of (kind, scope, period), if the timetable makes one.
[[nodiscard]] const ScheduledReport* FindScheduled(const std::vector<ScheduledReport>& schedule,
                                                   Kind kind, const std::string& scope,
                                                   domain::Period period);

}  // namespace bfu::reporting
