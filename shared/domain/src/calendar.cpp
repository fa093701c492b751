#include "bfu/domain/calendar.hpp"

#include <cstdio>

#include "text.hpp"

namespace bfu::domain {
namespace {

using core::Errc;
using core::Error;

struct Ymd {
    int y;
    int m;
    int d;
};

// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
Ymd CivilFromDays(std::int32_t z_in) {
    std::int64_t z = z_in;
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = yoe + era * 400;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(m <= 2 ? y + 1 : y), static_cast<int>(m), static_cast<int>(d)};
}

using internal::Quoted;

bool ParseDigits(std::string_view s, int& out) {
    if (s.empty()) return false;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

std::string Pad(int v, int width) {
    std::string s = std::to_string(v);
    const auto w = static_cast<std::size_t>(width);
    // Prepending with a fresh string, not insert(0, ...): g++ 12 -O3 reports a false
    // -Wrestrict on the insert.
    return s.size() >= w ? s : std::string(w - s.size(), '0') + s;
}

// Monday of ISO week 1 of iso_year.
Date IsoYearStart(int iso_year) {
    const Date jan4 = Date::FromDays(DaysFromCivil(iso_year, 1, 4));
    return jan4.AddDays(-(jan4.Weekday() - 1));
}

}  // namespace

int DaysInMonth(int year, int month) noexcept {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    if (month == 2 && IsLeapYear(year)) return 29;
    return kDays[static_cast<std::size_t>(month - 1)];
}

std::int32_t DaysFromCivil(int year, int month, int day) noexcept {
    const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t mp = month > 2 ? month - 3 : month + 9;
    const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int32_t>(era * 146097 + doe - 719468);
}

core::Result<Date> Date::FromYmd(int year, int month, int day) {
    if (year < 1 || year > 9999) {
        return Error(Errc::kInvalidArgument, "date",
                     "year " + std::to_string(year) + " is outside 1..9999");
    }
    if (month < 1 || month > 12) {
        return Error(Errc::kInvalidArgument, "date",
                     "month " + std::to_string(month) + " is outside 1..12");
    }
    if (day < 1 || day > DaysInMonth(year, month)) {
        return Error(Errc::kInvalidArgument, "date",
                     "day " + std::to_string(day) + " does not exist in " + std::to_string(year) +
                         "-" + Pad(month, 2));
    }
    return Date(DaysFromCivil(year, month, day));
}

core::Result<Date> Date::Parse(std::string_view text) {
    int y = 0;
    int m = 0;
    int d = 0;
    bool ok = false;
    if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
        ok = ParseDigits(text.substr(0, 4), y) && ParseDigits(text.substr(5, 2), m) &&
             ParseDigits(text.substr(8, 2), d);
    } else if (text.size() == 8) {
        ok = ParseDigits(text.substr(0, 4), y) && ParseDigits(text.substr(4, 2), m) &&
             ParseDigits(text.substr(6, 2), d);
    }
    if (!ok) {
        return Error(Errc::kInvalidArgument, "date",
                     Quoted(text, " is not a date; write YYYY-MM-DD or YYYYMMDD"));
    }
    return FromYmd(y, m, d);
}

int Date::year() const noexcept { return CivilFromDays(days_).y; }
int Date::month() const noexcept { return CivilFromDays(days_).m; }
int Date::day() const noexcept { return CivilFromDays(days_).d; }

int Date::Weekday() const noexcept {
    // 1970-01-01 was a Thursday (ISO 4).
    const int r = static_cast<int>(((static_cast<std::int64_t>(days_) % 7) + 7) % 7);
    return (r + 3) % 7 + 1;
}

std::string Date::ToString() const {
    const Ymd c = CivilFromDays(days_);
    return Pad(c.y, 4) + "-" + Pad(c.m, 2) + "-" + Pad(c.d, 2);
}

std::string Date::ToBasicString() const {
    const Ymd c = CivilFromDays(days_);
    return Pad(c.y, 4) + Pad(c.m, 2) + Pad(c.d, 2);
}

IsoWeek IsoWeekOf(Date d) noexcept {
    // The ISO year is the year of the Thursday of d's week.
    const Date thursday = d.AddDays(4 - d.Weekday());
    const int iso_year = thursday.year();
    const Date start = IsoYearStart(iso_year);
    return {iso_year, (d.days() - start.days()) / 7 + 1};
}

int IsoWeeksInYear(int iso_year) noexcept {
    // A year has 53 weeks when 1 January or (in leap years) 31 December is a Thursday; both
    // are captured by "28 December lies in week 53".
    return IsoWeekOf(Date::FromDays(DaysFromCivil(iso_year, 12, 28))).week;
}

core::Result<Date> DateOfIsoWeek(int iso_year, int week, int weekday) {
    if (weekday < 1 || weekday > 7) {
        return Error(Errc::kInvalidArgument, "weekday", "weekday must be 1 (Monday)..7 (Sunday)");
    }
    if (week < 1 || week > IsoWeeksInYear(iso_year)) {
        return Error(Errc::kInvalidArgument, "week",
                     "week " + std::to_string(week) + " does not exist in ISO year " +
                         std::to_string(iso_year) + " (it has " +
                         std::to_string(IsoWeeksInYear(iso_year)) + " weeks)");
    }
    return IsoYearStart(iso_year).AddDays((week - 1) * 7 + weekday - 1);
}

core::Result<Period> Period::Of(int year, int month) {
    if (year < 1 || year > 9999 || month < 1 || month > 12) {
        return Error(Errc::kInvalidArgument, "period",
                     "period " + std::to_string(year) + "-" + std::to_string(month) +
                         " is not a valid year and month");
    }
    return Period(year, month);
}

core::Result<Period> Period::Parse(std::string_view text) {
    int y = 0;
    int m = 0;
    bool ok = false;
    if (text.size() == 6) {
        ok = ParseDigits(text.substr(0, 4), y) && ParseDigits(text.substr(4, 2), m);
    } else if (text.size() == 7 && text[4] == '-') {
        ok = ParseDigits(text.substr(0, 4), y) && ParseDigits(text.substr(5, 2), m);
    }
    if (!ok) {
        return Error(Errc::kInvalidArgument, "period",
                     Quoted(text, " is not a period; write YYYYMM"));
    }
    return Of(y, m);
}

Period Period::Containing(Date d) { return Period(d.year(), d.month()); }

Period Period::Next() const noexcept { return AddMonths(1); }
Period Period::Prev() const noexcept { return AddMonths(-1); }

Period Period::AddMonths(int n) const noexcept {
    const int idx = year_ * 12 + (month_ - 1) + n;
    const int y = idx >= 0 ? idx / 12 : (idx - 11) / 12;
    return Period(y, idx - y * 12 + 1);
}

int Period::MonthsUntil(Period other) const noexcept {
    return (other.year_ * 12 + other.month_) - (year_ * 12 + month_);
}

Date Period::FirstDay() const { return Date::FromDays(DaysFromCivil(year_, month_, 1)); }
Date Period::LastDay() const {
    return Date::FromDays(DaysFromCivil(year_, month_, DaysInMonth(year_, month_)));
}

std::string Period::ToString() const { return Pad(year_, 4) + Pad(month_, 2); }

core::Result<FiscalYear> FiscalYear::Of(int start_year, int start_month) {
    if (start_month < 1 || start_month > 12) {
        return Error(Errc::kInvalidArgument, "fiscal_year",
                     "a fiscal year starts in month 1..12, not " + std::to_string(start_month));
    }
    if (start_year < 1 || start_year > 9998) {
        return Error(Errc::kInvalidArgument, "fiscal_year",
                     "fiscal year start " + std::to_string(start_year) + " is out of range");
    }
    return FiscalYear(start_year, start_month);
}

core::Result<FiscalYear> FiscalYear::Containing(Date d, int start_month) {
    const int y = d.month() >= start_month ? d.year() : d.year() - 1;
    return Of(y, start_month);
}

int FiscalYear::EndYear() const noexcept { return Last().year(); }

std::string FiscalYear::Label() const {
    if (start_month_ == 1) return std::to_string(start_year_);
    return std::to_string(start_year_) + "/" + Pad(EndYear() % 100, 2);
}

Period FiscalYear::First() const noexcept { return Period(start_year_, start_month_); }
Period FiscalYear::Last() const noexcept { return First().AddMonths(11); }
Period FiscalYear::PeriodAt(int index) const noexcept { return First().AddMonths(index); }

std::optional<int> FiscalYear::IndexOf(Period p) const noexcept {
    const int i = First().MonthsUntil(p);
    if (i < 0 || i > 11) return std::nullopt;
    return i;
}

bool FiscalYear::Contains(Date d) const noexcept {
    return IndexOf(Period::Containing(d)).has_value();
}

Date FiscalYear::FirstDay() const { return First().FirstDay(); }
Date FiscalYear::LastDay() const { return Last().LastDay(); }

std::array<Period, 6> FiscalYear::FollowUpRounds() const noexcept {
    std::array<Period, 6> out{};
    for (int r = 0; r < 6; ++r) out[static_cast<std::size_t>(r)] = PeriodAt(2 * r + 1);
    return out;
}

std::optional<int> FiscalYear::RoundEndingIn(Period p) const noexcept {
    const auto i = IndexOf(p);
    if (!i || *i % 2 == 0) return std::nullopt;
    return *i / 2 + 1;
}

std::optional<int> FiscalYear::LatestRoundAtOrBefore(Period p) const noexcept {
    const int i = First().MonthsUntil(p);
    if (i < 1) return std::nullopt;
    if (i > 11) return 6;
    return (i + 1) / 2;
}

}  // namespace bfu::domain
