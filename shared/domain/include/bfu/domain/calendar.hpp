#pragma once
// Business calendar: dates, months (periods YYYYMM), ISO weeks, fiscal years, the six
// bimonthly follow-up rounds and the tertial / delår cut-offs.
//
// All types are small values (copy freely), immutable, and thread-safe. No time zones: a Date
// is a civil date in the municipality's calendar (Europe/Stockholm), which is all follow-up
// needs.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bfu/core/result.hpp"

namespace bfu::domain {

[[nodiscard]] constexpr bool IsLeapYear(int year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}
// 1..12; 0 for an invalid month.
[[nodiscard]] int DaysInMonth(int year, int month) noexcept;

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
[[nodiscard]] std::int32_t DaysFromCivil(int year, int month, int day) noexcept;

// A civil date. Valid by construction through FromYmd/Parse; FromDays accepts any day count.
class Date {
public:
    constexpr Date() = default;
    [[nodiscard]] static core::Result<Date> FromYmd(int year, int month, int day);
    [[nodiscard]] static constexpr Date FromDays(std::int32_t days) { return Date(days); }
    // "2026-03-31" (ISO 8601 extended) or "20260331" (basic, as in SIE files).
    [[nodiscard]] static core::Result<Date> Parse(std::string_view text);

    [[nodiscard]] constexpr std::int32_t days() const noexcept { return days_; }
    [[nodiscard]] int year() const noexcept;
    [[nodiscard]] int month() const noexcept;
    [[nodiscard]] int day() const noexcept;
    // ISO weekday: 1 = Monday ... 7 = Sunday.
    [[nodiscard]] int Weekday() const noexcept;
    [[nodiscard]] bool IsWeekend() const noexcept { return Weekday() >= 6; }

    [[nodiscard]] constexpr Date AddDays(std::int32_t n) const { return Date(days_ + n); }
    [[nodiscard]] std::string ToString() const;       // "2026-03-31"
    [[nodiscard]] std::string ToBasicString() const;  // "20260331" (iCalendar DATE)

    // Comparisons are spelled out, not defaulted: clang-tidy 14 flags a defaulted <=> with a
    // false modernize-use-nullptr (the same in the other types here).
    friend constexpr bool operator==(Date a, Date b) noexcept { return a.days_ == b.days_; }
    friend constexpr std::strong_ordering operator<=>(Date a, Date b) noexcept {
        return a.days_ <=> b.days_;
    }

private:
    explicit constexpr Date(std::int32_t days) : days_(days) {}
    std::int32_t days_ = 0;
};

// ISO 8601 week date: the week with the year's first Thursday is week 1; a year has 52 or 53.
struct IsoWeek {
    int year = 0;  // the ISO week-numbering year (may differ from the civil year at the edges)
    int week = 0;  // 1..53
    friend constexpr bool operator==(IsoWeek a, IsoWeek b) noexcept {
        return a.year == b.year && a.week == b.week;
    }
    friend constexpr std::strong_ordering operator<=>(IsoWeek a, IsoWeek b) noexcept {
        return a.year != b.year ? a.year <=> b.year : a.week <=> b.week;
    }
};
[[nodiscard]] IsoWeek IsoWeekOf(Date d) noexcept;
[[nodiscard]] int IsoWeeksInYear(int iso_year) noexcept;
// The date of a weekday (1 = Monday .. 7 = Sunday) in an ISO week; error if the week does not
// exist in that year (e.g. week 53 of a 52-week year).
[[nodiscard]] core::Result<Date> DateOfIsoWeek(int iso_year, int week, int weekday);

// A calendar month, written YYYYMM ("202603").
class Period {
public:
    constexpr Period() = default;
    [[nodiscard]] static core::Result<Period> Of(int year, int month);
    // "202603" or "2026-03".
    [[nodiscard]] static core::Result<Period> Parse(std::string_view text);
    [[nodiscard]] static Period Containing(Date d);

    [[nodiscard]] constexpr int year() const noexcept { return year_; }
    [[nodiscard]] constexpr int month() const noexcept { return month_; }
    [[nodiscard]] constexpr int Code() const noexcept { return year_ * 100 + month_; }
    [[nodiscard]] Period Next() const noexcept;
    [[nodiscard]] Period Prev() const noexcept;
    [[nodiscard]] Period AddMonths(int n) const noexcept;
    // Months from this to other (other later -> positive).
    [[nodiscard]] int MonthsUntil(Period other) const noexcept;
    [[nodiscard]] Date FirstDay() const;
    [[nodiscard]] Date LastDay() const;
    [[nodiscard]] std::string ToString() const;  // "202603"

    friend constexpr bool operator==(Period a, Period b) noexcept { return a.Code() == b.Code(); }
    friend constexpr std::strong_ordering operator<=>(Period a, Period b) noexcept {
        return a.Code() <=> b.Code();
    }

private:
    friend class FiscalYear;
    constexpr Period(int y, int m) : year_(y), month_(m) {}
    int year_ = 1970;
    int month_ = 1;
};

// A fiscal year: twelve months from start_month of start_year. Municipalities use the calendar
// year (start_month 1); an imported SIE file's #RAR may say otherwise (e.g. July-June), and
// the importer honours it. Follow-up arrays are indexed by the fiscal month index 0..11.
class FiscalYear {
public:
    constexpr FiscalYear() = default;
    [[nodiscard]] static constexpr FiscalYear Calendar(int year) { return FiscalYear(year, 1); }
    [[nodiscard]] static core::Result<FiscalYear> Of(int start_year, int start_month);
    // The fiscal year with the given start month that contains d.
    [[nodiscard]] static core::Result<FiscalYear> Containing(Date d, int start_month);

    [[nodiscard]] constexpr int start_year() const noexcept { return start_year_; }
    [[nodiscard]] constexpr int start_month() const noexcept { return start_month_; }
    // The year the fiscal year ends in, which Swedish practice uses as its label for a
    // broken year ("2025/26" ends in 2026).
    [[nodiscard]] int EndYear() const noexcept;
    // "2026" for a calendar year, "2025/26" for a broken one.
    [[nodiscard]] std::string Label() const;

    [[nodiscard]] Period First() const noexcept;
    [[nodiscard]] Period Last() const noexcept;
    [[nodiscard]] Period PeriodAt(int index) const noexcept;  // index 0..11
    // 0..11 if the period lies in this fiscal year.
    [[nodiscard]] std::optional<int> IndexOf(Period p) const noexcept;
    [[nodiscard]] bool Contains(Date d) const noexcept;
    [[nodiscard]] Date FirstDay() const;
    [[nodiscard]] Date LastDay() const;

    // The six bimonthly follow-up rounds close at the end of fiscal months 2, 4, ..., 12
    // (for a calendar year: end of Feb, Apr, Jun, Aug, Oct, Dec).
    [[nodiscard]] std::array<Period, 6> FollowUpRounds() const noexcept;
    // Round number 1..6 whose cut-off is p, or nullopt.
    [[nodiscard]] std::optional<int> RoundEndingIn(Period p) const noexcept;
    // The latest round whose cut-off month is at or before p; nullopt before round 1.
    [[nodiscard]] std::optional<int> LatestRoundAtOrBefore(Period p) const noexcept;
    // Tertial (first four months, Jan-Apr) and delår (first eight, Jan-Aug) cut-offs.
    [[nodiscard]] Period TertialCutoff() const noexcept { return PeriodAt(3); }
    [[nodiscard]] Period DelarCutoff() const noexcept { return PeriodAt(7); }

    friend constexpr bool operator==(FiscalYear a, FiscalYear b) noexcept {
        return a.start_year_ == b.start_year_ && a.start_month_ == b.start_month_;
    }
    friend constexpr std::strong_ordering operator<=>(FiscalYear a, FiscalYear b) noexcept {
        return a.start_year_ != b.start_year_ ? a.start_year_ <=> b.start_year_
                                              : a.start_month_ <=> b.start_month_;
    }

private:
    constexpr FiscalYear(int y, int m) : start_year_(y), start_month_(m) {}
    int start_year_ = 1970;
    int start_month_ = 1;
};

}  // namespace bfu::domain
