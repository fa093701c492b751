#pragma once
// The yearly timetable (S10, S8, S11): every deadline and meeting of a follow-up year with its
// date, each within its allowed window, and its iCalendar (RFC 5545) export.
//
// Events of year Y (calendar fiscal year; the periodic reports follow the calendar year) and
// their default dates; every date can be set within its window (TimetableConfig):
//   key             event                         window                     default
//   prognos-1..6    forecast round (end of Feb,   20th of the month ..       last weekday of
//                   Apr, Jun, Aug, Oct, Dec)      10th of the next           the month
//   tertialrapport  tertial report deadline       ISO weeks 22-26 of Y       Friday, week 26
//   delarsrapport   delår report deadline         ISO weeks 40-42 of Y       Friday, week 42
//   arsredovisning  annual report deadline        ISO weeks 14-18 of Y+1     Friday, week 18
//   apt-var/-host   step 1: APT (employees +      May / October              2nd Tuesday
//                   enhetschef)
//   omrade-var/-host step 2: area meeting          May / October              4th Tuesday
//   sektor-var/-host step 3: sector meeting        June / November            2nd Tuesday
//   kd-var/-host    step 4: with the kommundir.   June / November            4th Tuesday
//   bokslutsdag     year-end review of Y          1 Feb .. 31 Mar of Y+1     2nd Thursday of
//                                                                            March, Y+1
//   stangning-01..12 period close: the month is     the next month             the N-th working
//                   complete (judged) from the                               day of the next
//                   day after; Jan-Nov are also                              month (N =
//                   closed for postings then                                 close_working_day)
//   arsbokslut      year closing (årsbokslut): Y      the day after            the last working
//                   closes for postings, December     stangning-12 .. 31 Mar   day of February,
//                   included, from the day after      of Y+1                   Y+1
// December is complete (judged) from its close day but stays open for the year-end
// adjustments (bokslutstransaktioner) until the year closes (arsbokslut). Close days count
// working days of TimetableConfig::calendar (weekends, Swedish holidays, extra closed days);
// the year's lifecycle built on them is lifecycle.hpp.
// Report deadlines default to the last Friday of their window: the latest date the rules
// allow; a municipality sets its own earlier date. Dialogue steps must also keep their order
// within a season (step 1 <= 2 <= 3 <= 4), since each builds on the one before.
//
// Pure values; thread-safe.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/workdays.hpp"

namespace bfu::domain {

enum class TimetableEventKind : std::uint8_t {
    kForecastRound,
    kTertialReport,
    kDelarReport,
    kAnnualReport,
    kDialogueApt,
    kDialogueArea,
    kDialogueSector,
    kDialogueDirector,
    kBokslutsdag,
    kPeriodClose,  // stangning-MM
    kYearClose,    // arsbokslut
};
[[nodiscard]] std::string_view ToString(TimetableEventKind k) noexcept;

struct TimetableEvent {
    std::string key;  // stable, e.g. "prognos-2", "tertialrapport", "apt-host"
    TimetableEventKind kind = TimetableEventKind::kForecastRound;
    Date date;
    Date window_first;
    Date window_last;
    int round = 0;            // forecast round 1..6, else 0
    Period covers;            // the period the event is about (round/report cut-off)
    std::string title;        // Swedish, e.g. "Tertialrapport: sista dag"
    std::string description;  // Swedish, who and what
};

inline constexpr int kDefaultCloseWorkingDay = 5;
inline constexpr int kMaxCloseWorkingDay = 15;

struct TimetableConfig {
    // Event key -> chosen date. Unknown keys and dates outside the window are errors.
    std::map<std::string, Date> dates;
    // A month's default close day: the N-th working day of the next month (1..15).
    int close_working_day = kDefaultCloseWorkingDay;
    // The working days the close days count.
    WorkCalendar calendar;
};

// "stangning-04": the key of a month's close day (month 1..12).
[[nodiscard]] std::string PeriodCloseKey(int month);
inline constexpr std::string_view kYearCloseKey = "arsbokslut";

struct Timetable {
    int year = 0;
    std::vector<TimetableEvent> events;  // sorted by date, then key

    [[nodiscard]] const TimetableEvent* Find(std::string_view key) const;
};

// Builds the timetable for calendar year `year`. kInvalidArgument names the event key and its
// window when a configured date is outside it, names both steps when dialogue order is
// broken, names arsbokslut when it is not after December's close day, and names
// close_working_day when it is outside 1..15.
[[nodiscard]] core::Result<Timetable> BuildTimetable(int year, const TimetableConfig& config);

struct ICalendarOptions {
    std::string uid_domain = "bfu.local";  // UID = <key>-<year>@<uid_domain>
    std::string calendar_name = "Budgetuppföljning";
    core::TimePoint stamp;  // DTSTAMP; pass the clock's now (explicit, so output is pure)
};

// RFC 5545 VCALENDAR with one all-day VEVENT per event (DTSTART;VALUE=DATE, DTEND the next
// day), CRLF line ends, lines folded at 75 octets without splitting UTF-8 sequences, and
// TEXT values escaped (backslash, semicolon, comma, newline).
[[nodiscard]] std::string ToICalendar(const Timetable& timetable, const ICalendarOptions& options);

// RFC 5545 helpers, exposed for tests and other exporters.
[[nodiscard]] std::string EscapeICalText(std::string_view text);
[[nodiscard]] std::string FoldICalLine(std::string_view line);  // adds the CRLF

}  // namespace bfu::domain
