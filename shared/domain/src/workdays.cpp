#include "bfu/domain/workdays.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <initializer_list>

namespace bfu::domain {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kSecondsPerHour = 3600;

// Floor division: seconds before 1970 belong to the day that contains them.
constexpr std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

Date Ymd(int year, int month, int day) { return Date::FromDays(DaysFromCivil(year, month, day)); }

// The Saturday in [first, first + 6].
Date SaturdayFrom(Date first) { return first.AddDays((13 - first.Weekday()) % 7); }

// The last Sunday of a month.
Date LastSunday(int year, int month) {
    const Date last = Ymd(year, month, DaysInMonth(year, month));
    return last.AddDays(-(last.Weekday() % 7));
}

constexpr std::size_t kHolidaysPerYear = 16;

// The year's holidays, fixed-date ones first: on a date two holidays share, the first match
// names it (and SwedishHolidays keeps this order through its stable sort).
std::array<SwedishHoliday, kHolidaysPerYear> HolidayTable(int year) {
    const Date easter = EasterSunday(year);
    const Date midsommardagen = SaturdayFrom(Ymd(year, 6, 20));
    return {{
        {Ymd(year, 1, 1), "nyårsdagen", true},
        {Ymd(year, 1, 6), "trettondedag jul", true},
        {Ymd(year, 5, 1), "första maj", true},
        {Ymd(year, 6, 6), "nationaldagen", true},
        {Ymd(year, 12, 24), "julafton", false},
        {Ymd(year, 12, 25), "juldagen", true},
        {Ymd(year, 12, 26), "annandag jul", true},
        {Ymd(year, 12, 31), "nyårsafton", false},
        {easter.AddDays(-2), "långfredagen", true},
        {easter, "påskdagen", true},
        {easter.AddDays(1), "annandag påsk", true},
        {easter.AddDays(39), "Kristi himmelsfärdsdag", true},
        {easter.AddDays(49), "pingstdagen", true},
        {midsommardagen.AddDays(-1), "midsommarafton", false},
        {midsommardagen, "midsommardagen", true},
        {SaturdayFrom(Ymd(year, 10, 31)), "alla helgons dag", true},
    }};
}

bool Contains(const std::vector<Date>& dates, Date d) {
    return std::find(dates.begin(), dates.end(), d) != dates.end();
}

// Moves one working day at a time in direction step (+1 or -1), |n| times.
Date StepWorkingDays(Date d, int n, const WorkCalendar& calendar) {
    const std::int32_t step = n > 0 ? 1 : -1;
    for (int left = n > 0 ? n : -n; left > 0;) {
        d = d.AddDays(step);
        if (IsWorkingDay(d, calendar)) --left;
    }
    return d;
}

std::int64_t SecondsOf(core::TimePoint t) {
    return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

core::TimePoint TimePointOf(std::int64_t unix_seconds) {
    return core::TimePoint(std::chrono::seconds(unix_seconds));
}

// The summer-time interval [start, end) of a year, in Unix seconds: 01:00 UTC on the last
// Sundays of March and October.
struct SummerTime {
    std::int64_t start;
    std::int64_t end;
};
SummerTime SummerTimeOf(int year) {
    return {LastSunday(year, 3).days() * kSecondsPerDay + kSecondsPerHour,
            LastSunday(year, 10).days() * kSecondsPerDay + kSecondsPerHour};
}

std::int64_t OffsetSecondsAt(std::int64_t unix_seconds) {
    const auto utc_date =
        Date::FromDays(static_cast<std::int32_t>(FloorDiv(unix_seconds, kSecondsPerDay)));
    const SummerTime summer = SummerTimeOf(utc_date.year());
    return unix_seconds >= summer.start && unix_seconds < summer.end ? 2 * kSecondsPerHour
                                                                     : kSecondsPerHour;
}

// Two digits for 0..99 (hours, minutes, seconds of a LocalDateTime).
std::string Pad2(int v) {
    return {static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
}

}  // namespace

// ---- Swedish public holidays ----

Date EasterSunday(int year) noexcept {
    // The anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, ch. 8).
    const int a = year % 19;
    const int b = year / 100;
    const int c = year % 100;
    const int d = b / 4;
    const int e = b % 4;
    const int f = (b + 8) / 25;
    const int g = (b - f + 1) / 3;
    const int h = (19 * a + b - d - g + 15) % 30;
    const int i = c / 4;
    const int k = c % 4;
    const int l = (32 + 2 * e + 2 * i - h - k) % 7;
    const int m = (a + 11 * h + 22 * l) / 451;
    const int month = (h + l - 7 * m + 114) / 31;
    const int day = (h + l - 7 * m + 114) % 31 + 1;
    return Ymd(year, month, day);
}

std::vector<SwedishHoliday> SwedishHolidays(int year) {
    const auto table = HolidayTable(year);
    std::vector<SwedishHoliday> days(table.begin(), table.end());
    std::stable_sort(
        days.begin(), days.end(),
        [](const SwedishHoliday& a, const SwedishHoliday& b) { return a.date < b.date; });
    return days;
}

std::optional<std::string_view> SwedishHolidayName(Date d) noexcept {
    for (const SwedishHoliday& h : HolidayTable(d.year())) {
        if (h.date == d) return h.name;
    }
    return std::nullopt;
}

bool IsSwedishHoliday(Date d) noexcept { return SwedishHolidayName(d).has_value(); }

// ---- Working days ----

bool IsWorkingDay(Date d, const WorkCalendar& calendar) {
    if (Contains(calendar.extra_closed, d)) return false;
    if (Contains(calendar.extra_open, d)) return true;
    if (d.IsWeekend()) return false;
    return !(calendar.swedish_holidays && IsSwedishHoliday(d));
}

Date AddWorkingDays(Date d, int n, const WorkCalendar& calendar) {
    return n == 0 ? d : StepWorkingDays(d, n, calendar);
}

int WorkingDaysBetween(Date a, Date b, const WorkCalendar& calendar) {
    int count = 0;
    if (a <= b) {
        for (Date d = a.AddDays(1); d <= b; d = d.AddDays(1)) {
            if (IsWorkingDay(d, calendar)) ++count;
        }
        return count;
    }
    for (Date d = b; d < a; d = d.AddDays(1)) {
        if (IsWorkingDay(d, calendar)) ++count;
    }
    return -count;
}

// ---- Europe/Stockholm local time ----

int StockholmUtcOffsetMinutes(core::TimePoint t) noexcept {
    return static_cast<int>(OffsetSecondsAt(SecondsOf(t)) / 60);
}

LocalDateTime ToStockholm(core::TimePoint t) noexcept {
    const std::int64_t utc = SecondsOf(t);
    const std::int64_t offset = OffsetSecondsAt(utc);
    const std::int64_t local = utc + offset;
    const std::int64_t days = FloorDiv(local, kSecondsPerDay);
    const auto second_of_day = static_cast<int>(local - days * kSecondsPerDay);
    return LocalDateTime{Date::FromDays(static_cast<std::int32_t>(days)), second_of_day / 3600,
                         second_of_day / 60 % 60, second_of_day % 60,
                         static_cast<int>(offset / 60)};
}

core::TimePoint FromStockholm(Date date, int hour, int minute, int second) noexcept {
    const std::int64_t local = date.days() * kSecondsPerDay + hour * kSecondsPerHour +
                               static_cast<std::int64_t>(minute) * 60 + second;
    // CEST first: in the repeated October hour both readings are valid, and CEST is the
    // earlier instant.
    for (const std::int64_t offset : {2 * kSecondsPerHour, kSecondsPerHour}) {
        const std::int64_t utc = local - offset;
        if (OffsetSecondsAt(utc) == offset) return TimePointOf(utc);
    }
    // Neither reading holds only in the skipped March hour: answer the moment of the jump.
    const auto local_date =
        Date::FromDays(static_cast<std::int32_t>(FloorDiv(local, kSecondsPerDay)));
    return TimePointOf(SummerTimeOf(local_date.year()).start);
}

Date StockholmDate(core::TimePoint t) noexcept { return ToStockholm(t).date; }

std::string ToRfc3339(const LocalDateTime& t) {
    const int offset = t.utc_offset_minutes < 0 ? -t.utc_offset_minutes : t.utc_offset_minutes;
    return t.date.ToString() + "T" + Pad2(t.hour) + ":" + Pad2(t.minute) + ":" + Pad2(t.second) +
           (t.utc_offset_minutes < 0 ? "-" : "+") + Pad2(offset / 60) + ":" + Pad2(offset % 60);
}

// ---- Working-time deadlines ----

core::TimePoint AddWorkingTime(core::TimePoint start, int working_days,
                               const WorkCalendar& calendar) {
    const LocalDateTime local = ToStockholm(start);
    if (IsWorkingDay(local.date, calendar)) {
        if (working_days == 0) return start;
        // Keep the fraction of a second ToStockholm dropped.
        const core::Duration fraction = start - TimePointOf(SecondsOf(start));
        return FromStockholm(AddWorkingDays(local.date, working_days, calendar), local.hour,
                             local.minute, local.second) +
               fraction;
    }
    const Date anchor = AddWorkingDays(local.date, 1, calendar);
    return FromStockholm(AddWorkingDays(anchor, working_days, calendar), 0, 0, 0);
}

}  // namespace bfu::domain
