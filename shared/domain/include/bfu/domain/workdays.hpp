#pragma once
// Working days and Swedish local time: Swedish public holidays, a municipality's working-day
// calendar, Europe/Stockholm local time without a time-zone database, and deadlines counted in
// working days (the notifier escalates an unacknowledged deviation after two working days).
//
// Holidays (allmänna helgdagar, lag 1989:253), statutory:
//   nyårsdagen 1 Jan, trettondedag jul 6 Jan, långfredagen (Easter - 2), påskdagen (Easter),
//   annandag påsk (Easter + 1), första maj, Kristi himmelsfärdsdag (Easter + 39), pingstdagen
//   (Easter + 49, always a Sunday; named for completeness), nationaldagen 6 Jun,
//   midsommardagen (the Saturday 20-26 Jun), alla helgons dag (the Saturday 31 Oct - 6 Nov),
//   juldagen 25 Dec, annandag jul 26 Dec.
// Not statutory, but not working days in Swedish public administration: midsommarafton (the
// Friday 19-25 Jun), julafton 24 Dec, nyårsafton 31 Dec.
// Easter is the Gregorian computus. The rules in force since 2005 (when nationaldagen replaced
// annandag pingst) are applied to every year; follow-up never looks further back.
// Two holidays can share a date: Kristi himmelsfärdsdag fell on första maj in 2008, and
// pingstdagen falls on nationaldagen in 2049. SwedishHolidays lists both; SwedishHolidayName
// names the fixed-date one (första maj, nationaldagen).
//
// Working days (WorkCalendar): Monday to Friday, not a holiday (unless swedish_holidays is
// off), not in extra_closed (klämdagar and the like). A date in extra_open is a working day
// whatever the weekday and holiday rules say (a Saturday opening, a holiday kept open). A date
// in both lists is closed: a configuration conflict then makes deadlines later, never earlier.
//
// Counting working days moves from a date to another and counts the working days it lands
// on: the start never counts, the end does.
//   AddWorkingDays(d, n)      the n-th working day after d (n > 0), before d (n < 0), d (n = 0)
//   WorkingDaysBetween(a, b)  for a <= b, the working days in (a, b]; for a > b, minus the
//                             working days in [b, a)
// so WorkingDaysBetween(d, AddWorkingDays(d, n)) == n for every d and n, and
// AddWorkingDays(a, WorkingDaysBetween(a, b)) == b for every working day b.
// Examples (default calendar): Friday 2026-03-27 + 1 = Monday 03-30; Thursday 2026-04-02
// (skärtorsdag, a working day) + 1 = Tuesday 04-07 (past långfredagen, the weekend and annandag
// påsk); Sunday 2026-03-29 + 1 = Monday 03-30; Monday 03-30 - 1 = Friday 03-27.
//
// Stockholm time: CET (UTC+1) in winter, CEST (UTC+2) from 01:00 UTC on the last Sunday of
// March to 01:00 UTC on the last Sunday of October (the EU rule, in force since 1996; applied
// to every year). Fractions of a second are dropped towards the past.
//   Local 02:00-02:59 on the last Sunday of March does not exist, and 02:00-02:59 on the last
//   Sunday of October occurs twice. FromStockholm answers with the earliest instant whose
//   local time is at or after the one asked for: in October the earlier (CEST) of the two
//   instants, in March the moment the clocks jump (01:00 UTC = 03:00 CEST). So FromStockholm
//   never answers before the wall time asked for, and is non-decreasing in it.
//
// Working-time deadlines: AddWorkingTime(start, n) is the start's Stockholm local time of day
// on AddWorkingDays(start's local date, n). A start whose local date is not a working day
// counts from 00:00 local of the next working day. Examples (default calendar, 2026):
//   Friday 03-27 10:00 CET + 2      -> Tuesday 03-31 10:00 CEST (08:00 UTC; DST in between)
//   Friday 03-20 14:00 + 2          -> Tuesday 03-24 14:00
//   Saturday 03-21 10:00 + 2        -> Wednesday 03-25 00:00 (counted from Monday 00:00)
//   Thursday 04-02 09:00 + 1        -> Tuesday 04-07 09:00 (Easter)
//   Wednesday 12-23 16:00 + 1       -> Monday 12-28 16:00 (julafton to annandag jul closed)
//   a working start with n = 0      -> the start itself; a non-working one -> 00:00 of the next
//                                      working day
//
// core::TimePoint counts nanoseconds, so the time functions cover the years 1678-2261; the
// date functions cover every Date.
//
// Pure functions of their arguments; thread-safe. WorkCalendar is a plain value.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/clock.hpp"
#include "bfu/domain/calendar.hpp"

namespace bfu::domain {

// ---- Swedish public holidays ----

// Easter Sunday (påskdagen) of a Gregorian year.
[[nodiscard]] Date EasterSunday(int year) noexcept;

struct SwedishHoliday {
    Date date;
    std::string_view name;  // Swedish, lower case as in running text: "långfredagen"
    bool statutory = true;  // an allmän helgdag by lag 1989:253; false for the three aftnar
    friend constexpr bool operator==(const SwedishHoliday& a, const SwedishHoliday& b) noexcept {
        return a.date == b.date && a.name == b.name && a.statutory == b.statutory;
    }
};

// Every holiday of the year (statutory and the three aftnar), in date order.
[[nodiscard]] std::vector<SwedishHoliday> SwedishHolidays(int year);
// The holiday's name, or nullopt on an ordinary day (Sundays have no name unless a holiday).
[[nodiscard]] std::optional<std::string_view> SwedishHolidayName(Date d) noexcept;
// True on every date SwedishHolidays lists (the aftnar included).
[[nodiscard]] bool IsSwedishHoliday(Date d) noexcept;

// ---- Working days ----

// A municipality's working-day calendar. Plain value; the lists are short and unsorted.
struct WorkCalendar {
    bool swedish_holidays = true;    // false: only weekends and extra_closed are closed
    std::vector<Date> extra_closed;  // e.g. klämdagar: Friday 2026-05-15 after Kristi himmelsfärd
    std::vector<Date> extra_open;    // open though a weekend or holiday (extra_closed wins)
};

[[nodiscard]] bool IsWorkingDay(Date d, const WorkCalendar& calendar);
[[nodiscard]] Date AddWorkingDays(Date d, int n, const WorkCalendar& calendar);
[[nodiscard]] int WorkingDaysBetween(Date a, Date b, const WorkCalendar& calendar);

// ---- Europe/Stockholm local time ----

struct LocalDateTime {
    Date date;
    int hour = 0;                 // 0..23
    int minute = 0;               // 0..59
    int second = 0;               // 0..59
    int utc_offset_minutes = 60;  // 60 (CET) or 120 (CEST)
    friend constexpr bool operator==(const LocalDateTime& a, const LocalDateTime& b) noexcept {
        return a.date == b.date && a.hour == b.hour && a.minute == b.minute &&
               a.second == b.second && a.utc_offset_minutes == b.utc_offset_minutes;
    }
};

// 60 or 120: the Stockholm offset from UTC in force at t.
[[nodiscard]] int StockholmUtcOffsetMinutes(core::TimePoint t) noexcept;
[[nodiscard]] LocalDateTime ToStockholm(core::TimePoint t) noexcept;
// The instant of a Stockholm wall time (see the rule for the skipped and repeated hours
// above). hour/minute/second outside their ranges carry over, as counts of time from local
// midnight of date: (d, 24, 0) is 00:00 on the next day.
[[nodiscard]] core::TimePoint FromStockholm(Date date, int hour, int minute,
                                            int second = 0) noexcept;
// The Stockholm calendar date at t (the date people see).
[[nodiscard]] Date StockholmDate(core::TimePoint t) noexcept;
// RFC 3339 with the offset, for people and logs: "2026-03-29T03:00:00+02:00".
[[nodiscard]] std::string ToRfc3339(const LocalDateTime& t);

// ---- Working-time deadlines ----

// The start's local time of day on the n-th working day after its local date; see the rule
// and examples above.
[[nodiscard]] core::TimePoint AddWorkingTime(core::TimePoint start, int working_days,
                                             const WorkCalendar& calendar);

}  // namespace bfu::domain
