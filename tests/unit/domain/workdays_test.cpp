#include "bfu/domain/workdays.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace bfu::domain {

// Readable failure messages (gtest finds these by argument-dependent lookup).
void PrintTo(Date d, std::ostream* os) { *os << d.ToString(); }
void PrintTo(const LocalDateTime& t, std::ostream* os) { *os << ToRfc3339(t); }

namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Date D(int y, int m, int d) { return Date::FromYmd(y, m, d).value(); }

core::TimePoint Utc(int y, int mo, int d, int h, int mi, int s = 0) {
    return core::TimePoint(
        seconds(std::int64_t{D(y, mo, d).days()} * 86400 + h * 3600 + mi * 60 + s));
}

LocalDateTime Local(Date d, int h, int mi, int s, int offset) {
    return LocalDateTime{d, h, mi, s, offset};
}

const WorkCalendar kDefault{};

// ---- Easter and the holidays ----

TEST(EasterSunday, FollowsTheGregorianComputus) {
    EXPECT_EQ(EasterSunday(2024), D(2024, 3, 31));
    EXPECT_EQ(EasterSunday(2025), D(2025, 4, 20));
    EXPECT_EQ(EasterSunday(2026), D(2026, 4, 5));
    EXPECT_EQ(EasterSunday(2027), D(2027, 3, 28));
    EXPECT_EQ(EasterSunday(2038), D(2038, 4, 25));  // the latest possible date
    EXPECT_EQ(EasterSunday(2008), D(2008, 3, 23));
    EXPECT_EQ(EasterSunday(2000), D(2000, 4, 23));
    EXPECT_EQ(EasterSunday(2019), D(2019, 4, 21));
    EXPECT_EQ(EasterSunday(2049), D(2049, 4, 18));
    EXPECT_EQ(EasterSunday(1818), D(1818, 3, 22));  // the earliest possible date
    EXPECT_EQ(EasterSunday(2285), D(2285, 3, 22));
}

TEST(EasterSunday, IsASundayBetween22MarchAnd25AprilInEveryYear) {
    for (int y = 1583; y <= 4099; ++y) {
        const Date e = EasterSunday(y);
        ASSERT_EQ(e.Weekday(), 7) << y;
        ASSERT_GE(e, D(y, 3, 22)) << y;
        ASSERT_LE(e, D(y, 4, 25)) << y;
    }
}

TEST(SwedishHolidays, Lists2026ByNameInDateOrder) {
    const std::vector<SwedishHoliday> expected = {
        {D(2026, 1, 1), "nyårsdagen", true},
        {D(2026, 1, 6), "trettondedag jul", true},
        {D(2026, 4, 3), "långfredagen", true},
        {D(2026, 4, 5), "påskdagen", true},
        {D(2026, 4, 6), "annandag påsk", true},
        {D(2026, 5, 1), "första maj", true},
        {D(2026, 5, 14), "Kristi himmelsfärdsdag", true},
        {D(2026, 5, 24), "pingstdagen", true},
        {D(2026, 6, 6), "nationaldagen", true},
        {D(2026, 6, 19), "midsommarafton", false},
        {D(2026, 6, 20), "midsommardagen", true},
        {D(2026, 10, 31), "alla helgons dag", true},
        {D(2026, 12, 24), "julafton", false},
        {D(2026, 12, 25), "juldagen", true},
        {D(2026, 12, 26), "annandag jul", true},
        {D(2026, 12, 31), "nyårsafton", false},
    };
    const std::vector<SwedishHoliday> actual = SwedishHolidays(2026);
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(actual[i].date, expected[i].date) << i;
        EXPECT_EQ(actual[i].name, expected[i].name) << i;
        EXPECT_EQ(actual[i].statutory, expected[i].statutory) << i;
        EXPECT_EQ(SwedishHolidayName(expected[i].date), expected[i].name);
        EXPECT_TRUE(IsSwedishHoliday(expected[i].date));
    }
}

TEST(SwedishHolidays, OrdinaryDaysHaveNoName) {
    EXPECT_EQ(SwedishHolidayName(D(2026, 4, 2)), std::nullopt);   // skärtorsdag
    EXPECT_EQ(SwedishHolidayName(D(2026, 4, 4)), std::nullopt);   // påskafton (a Saturday)
    EXPECT_EQ(SwedishHolidayName(D(2026, 3, 29)), std::nullopt);  // an ordinary Sunday
    EXPECT_EQ(SwedishHolidayName(D(2026, 5, 25)),
              std::nullopt);  // annandag pingst (not since 2005)
    EXPECT_EQ(SwedishHolidayName(D(2026, 12, 23)), std::nullopt);
    EXPECT_EQ(SwedishHolidayName(D(2026, 1, 2)), std::nullopt);
    EXPECT_FALSE(IsSwedishHoliday(D(2026, 6, 21)));
    int named = 0;
    for (Date d = D(2026, 1, 1); d <= D(2026, 12, 31); d = d.AddDays(1)) {
        if (IsSwedishHoliday(d)) ++named;
    }
    EXPECT_EQ(named, 16);
}

TEST(SwedishHolidays, MovableEasterDaysFollowEaster) {
    EXPECT_EQ(SwedishHolidayName(D(2024, 3, 29)), "långfredagen");
    EXPECT_EQ(SwedishHolidayName(D(2024, 4, 1)), "annandag påsk");
    EXPECT_EQ(SwedishHolidayName(D(2024, 5, 9)), "Kristi himmelsfärdsdag");
    EXPECT_EQ(SwedishHolidayName(D(2025, 4, 18)), "långfredagen");
    EXPECT_EQ(SwedishHolidayName(D(2025, 4, 21)), "annandag påsk");
    EXPECT_EQ(SwedishHolidayName(D(2025, 5, 29)), "Kristi himmelsfärdsdag");
    EXPECT_EQ(SwedishHolidayName(D(2025, 6, 8)), "pingstdagen");
    EXPECT_EQ(SwedishHolidayName(D(2038, 4, 23)), "långfredagen");
    EXPECT_EQ(SwedishHolidayName(D(2038, 4, 26)), "annandag påsk");
    EXPECT_EQ(SwedishHolidayName(D(2038, 6, 3)), "Kristi himmelsfärdsdag");  // latest
}

TEST(SwedishHolidays, MidsommarAtBothEndsOfItsWeek) {
    // Midsommardagen on 20 June (the earliest) and 26 June (the latest).
    EXPECT_EQ(SwedishHolidayName(D(2026, 6, 19)), "midsommarafton");
    EXPECT_EQ(SwedishHolidayName(D(2026, 6, 20)), "midsommardagen");
    EXPECT_EQ(SwedishHolidayName(D(2020, 6, 19)), "midsommarafton");
    EXPECT_EQ(SwedishHolidayName(D(2020, 6, 20)), "midsommardagen");
    EXPECT_EQ(SwedishHolidayName(D(2021, 6, 25)), "midsommarafton");
    EXPECT_EQ(SwedishHolidayName(D(2021, 6, 26)), "midsommardagen");
    EXPECT_EQ(SwedishHolidayName(D(2021, 6, 19)), std::nullopt);  // a Saturday, but too early
    EXPECT_EQ(SwedishHolidayName(D(2027, 6, 25)), "midsommarafton");
    EXPECT_EQ(SwedishHolidayName(D(2027, 6, 26)), "midsommardagen");
    EXPECT_EQ(SwedishHolidayName(D(2025, 6, 20)), "midsommarafton");
    EXPECT_EQ(SwedishHolidayName(D(2025, 6, 21)), "midsommardagen");
    EXPECT_EQ(SwedishHolidayName(D(2032, 6, 26)), "midsommardagen");
    EXPECT_EQ(SwedishHolidayName(D(2037, 6, 20)), "midsommardagen");
}

TEST(SwedishHolidays, AllaHelgonsDagAtBothEndsOfItsWeek) {
    EXPECT_EQ(SwedishHolidayName(D(2026, 10, 31)), "alla helgons dag");  // the earliest
    EXPECT_EQ(SwedishHolidayName(D(2020, 10, 31)), "alla helgons dag");
    EXPECT_EQ(SwedishHolidayName(D(2021, 11, 6)), "alla helgons dag");  // the latest
    EXPECT_EQ(SwedishHolidayName(D(2021, 10, 30)), std::nullopt);       // Saturday, too early
    EXPECT_EQ(SwedishHolidayName(D(2027, 11, 6)), "alla helgons dag");
    EXPECT_EQ(SwedishHolidayName(D(2025, 11, 1)), "alla helgons dag");
    EXPECT_EQ(SwedishHolidayName(D(2032, 11, 6)), "alla helgons dag");
    EXPECT_EQ(SwedishHolidayName(D(2037, 10, 31)), "alla helgons dag");
}

TEST(SwedishHolidays, SaturdayHolidaysStayInTheirWindowsEveryYear) {
    for (int y = 1900; y <= 2300; ++y) {
        const std::vector<SwedishHoliday> days = SwedishHolidays(y);
        ASSERT_EQ(days.size(), 16u) << y;
        for (std::size_t i = 0; i < days.size(); ++i) {
            ASSERT_EQ(days[i].date.year(), y) << y;
            if (i > 0) {
                ASSERT_LE(days[i - 1].date, days[i].date) << y;
            }
            const Date d = days[i].date;
            if (days[i].name == "midsommardagen") {
                ASSERT_EQ(d.Weekday(), 6) << y;
                ASSERT_GE(d, D(y, 6, 20)) << y;
                ASSERT_LE(d, D(y, 6, 26)) << y;
            } else if (days[i].name == "midsommarafton") {
                ASSERT_EQ(d.Weekday(), 5) << y;
                ASSERT_GE(d, D(y, 6, 19)) << y;
                ASSERT_LE(d, D(y, 6, 25)) << y;
            } else if (days[i].name == "alla helgons dag") {
                ASSERT_EQ(d.Weekday(), 6) << y;
                ASSERT_GE(d, D(y, 10, 31)) << y;
                ASSERT_LE(d, D(y, 11, 6)) << y;
            } else if (days[i].name == "Kristi himmelsfärdsdag") {
                ASSERT_EQ(d.Weekday(), 4) << y;
            } else if (days[i].name == "långfredagen") {
                ASSERT_EQ(d.Weekday(), 5) << y;
            } else if (days[i].name == "annandag påsk") {
                ASSERT_EQ(d.Weekday(), 1) << y;
            }
        }
    }
}

TEST(SwedishHolidays, TwoHolidaysOnOneDateAreBothListedAndTheFixedOneNamesIt) {
    // 2008: Easter on 23 March puts Kristi himmelsfärdsdag on första maj.
    EXPECT_EQ(SwedishHolidayName(D(2008, 5, 1)), "första maj");
    const std::vector<SwedishHoliday> y2008 = SwedishHolidays(2008);
    int on_first_may = 0;
    for (const SwedishHoliday& h : y2008) {
        if (h.date == D(2008, 5, 1)) ++on_first_may;
    }
    EXPECT_EQ(on_first_may, 2);
    // 2049: Easter on 18 April puts pingstdagen on nationaldagen.
    EXPECT_EQ(SwedishHolidayName(D(2049, 6, 6)), "nationaldagen");
    const std::vector<SwedishHoliday> y2049 = SwedishHolidays(2049);
    std::vector<SwedishHoliday> on_june_6;
    for (const SwedishHoliday& h : y2049) {
        if (h.date == D(2049, 6, 6)) on_june_6.push_back(h);
    }
    ASSERT_EQ(on_june_6.size(), 2u);
    EXPECT_EQ(on_june_6[0].name, "nationaldagen");  // the fixed-date one first
    EXPECT_EQ(on_june_6[1].name, "pingstdagen");
}

// ---- Working days ----

TEST(WorkingDays, SkartorsdagWorksButEasterFridayAndMondayDoNot) {
    EXPECT_TRUE(IsWorkingDay(D(2026, 4, 1), kDefault));
    EXPECT_TRUE(IsWorkingDay(D(2026, 4, 2), kDefault));   // skärtorsdag
    EXPECT_FALSE(IsWorkingDay(D(2026, 4, 3), kDefault));  // långfredagen
    EXPECT_FALSE(IsWorkingDay(D(2026, 4, 4), kDefault));  // påskafton, Saturday
    EXPECT_FALSE(IsWorkingDay(D(2026, 4, 5), kDefault));  // påskdagen
    EXPECT_FALSE(IsWorkingDay(D(2026, 4, 6), kDefault));  // annandag påsk
    EXPECT_TRUE(IsWorkingDay(D(2026, 4, 7), kDefault));
    EXPECT_EQ(AddWorkingDays(D(2026, 4, 2), 1, kDefault), D(2026, 4, 7));
    EXPECT_EQ(AddWorkingDays(D(2026, 4, 1), 2, kDefault), D(2026, 4, 7));
    EXPECT_EQ(AddWorkingDays(D(2026, 4, 3), 1, kDefault), D(2026, 4, 7));
    EXPECT_EQ(AddWorkingDays(D(2026, 4, 7), -1, kDefault), D(2026, 4, 2));
    EXPECT_EQ(AddWorkingDays(D(2026, 4, 6), -1, kDefault), D(2026, 4, 2));
    EXPECT_EQ(WorkingDaysBetween(D(2026, 4, 1), D(2026, 4, 8), kDefault), 3);  // 2, 7, 8 April
    EXPECT_EQ(WorkingDaysBetween(D(2026, 4, 2), D(2026, 4, 6), kDefault), 0);
}

TEST(WorkingDays, OtherWeekdayHolidaysAreClosed) {
    EXPECT_FALSE(IsWorkingDay(D(2026, 1, 1), kDefault));
    EXPECT_FALSE(IsWorkingDay(D(2026, 1, 6), kDefault));
    EXPECT_FALSE(IsWorkingDay(D(2026, 5, 1), kDefault));
    EXPECT_FALSE(IsWorkingDay(D(2026, 5, 14), kDefault));
    EXPECT_TRUE(IsWorkingDay(D(2026, 5, 15), kDefault));   // a klämdag only if configured
    EXPECT_FALSE(IsWorkingDay(D(2026, 6, 19), kDefault));  // midsommarafton
    EXPECT_FALSE(IsWorkingDay(D(2025, 6, 6), kDefault));   // nationaldagen on a Friday
    EXPECT_FALSE(IsWorkingDay(D(2025, 12, 24), kDefault));
    EXPECT_FALSE(IsWorkingDay(D(2025, 12, 31), kDefault));
    EXPECT_TRUE(IsWorkingDay(D(2025, 12, 30), kDefault));
}

TEST(WorkingDays, AddWorkingDaysSkipsTheWeekend) {
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 20), 1, kDefault), D(2026, 3, 23));  // Fri -> Mon
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 20), 2, kDefault), D(2026, 3, 24));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 20), 5, kDefault), D(2026, 3, 27));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 20), 6, kDefault), D(2026, 3, 30));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 21), 1, kDefault), D(2026, 3, 23));  // Sat -> Mon
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 22), 1, kDefault), D(2026, 3, 23));  // Sun -> Mon
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 18), 2, kDefault), D(2026, 3, 20));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 19), 2, kDefault), D(2026, 3, 23));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 22), 0, kDefault), D(2026, 3, 22));  // n = 0: itself
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 23), -1, kDefault), D(2026, 3, 20));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 22), -1, kDefault), D(2026, 3, 20));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 24), -2, kDefault), D(2026, 3, 20));
    EXPECT_EQ(WorkingDaysBetween(D(2026, 3, 20), D(2026, 3, 23), kDefault), 1);
    EXPECT_EQ(WorkingDaysBetween(D(2026, 3, 21), D(2026, 3, 22), kDefault), 0);
    EXPECT_EQ(WorkingDaysBetween(D(2026, 3, 23), D(2026, 3, 23), kDefault), 0);
    EXPECT_EQ(WorkingDaysBetween(D(2026, 3, 23), D(2026, 3, 20), kDefault), -1);
    EXPECT_EQ(WorkingDaysBetween(D(2026, 3, 22), D(2026, 3, 20), kDefault), -1);
}

TEST(WorkingDays, AddWorkingDaysOverChristmasAndNewYear) {
    // 2026: julafton Thursday, juldagen Friday, nyårsafton Thursday, nyårsdagen Friday,
    // trettondedag jul (2027) Wednesday.
    const Date dec23 = D(2026, 12, 23);
    EXPECT_EQ(AddWorkingDays(dec23, 1, kDefault), D(2026, 12, 28));
    EXPECT_EQ(AddWorkingDays(dec23, 2, kDefault), D(2026, 12, 29));
    EXPECT_EQ(AddWorkingDays(dec23, 3, kDefault), D(2026, 12, 30));
    EXPECT_EQ(AddWorkingDays(dec23, 4, kDefault), D(2027, 1, 4));
    EXPECT_EQ(AddWorkingDays(dec23, 5, kDefault), D(2027, 1, 5));
    EXPECT_EQ(AddWorkingDays(dec23, 6, kDefault), D(2027, 1, 7));
    EXPECT_EQ(WorkingDaysBetween(dec23, D(2027, 1, 7), kDefault), 6);
    EXPECT_EQ(AddWorkingDays(D(2027, 1, 4), -1, kDefault), D(2026, 12, 30));
    // 2025: julafton Wednesday to annandag jul Friday, then the weekend.
    EXPECT_EQ(AddWorkingDays(D(2025, 12, 23), 1, kDefault), D(2025, 12, 29));
    EXPECT_EQ(AddWorkingDays(D(2025, 12, 30), 1, kDefault), D(2026, 1, 2));
    EXPECT_EQ(AddWorkingDays(D(2025, 12, 30), 2, kDefault), D(2026, 1, 5));
    EXPECT_EQ(AddWorkingDays(D(2026, 1, 5), 1, kDefault), D(2026, 1, 7));
}

TEST(WorkingDays, A2026HasTwoHundredFiftyOneWorkingDays) {
    // 261 weekdays, less ten holidays on weekdays.
    EXPECT_EQ(WorkingDaysBetween(D(2025, 12, 31), D(2026, 12, 31), kDefault), 251);
    EXPECT_EQ(WorkingDaysBetween(D(2026, 12, 31), D(2025, 12, 31), kDefault), -251);
    WorkCalendar no_holidays;
    no_holidays.swedish_holidays = false;
    EXPECT_EQ(WorkingDaysBetween(D(2025, 12, 31), D(2026, 12, 31), no_holidays), 261);
}

TEST(WorkCalendar, ExtraClosedDaysAreNotWorkingDays) {
    WorkCalendar calendar;
    calendar.extra_closed = {D(2026, 5, 15)};  // klämdag after Kristi himmelsfärdsdag
    EXPECT_TRUE(IsWorkingDay(D(2026, 5, 15), kDefault));
    EXPECT_FALSE(IsWorkingDay(D(2026, 5, 15), calendar));
    EXPECT_EQ(AddWorkingDays(D(2026, 5, 13), 1, kDefault), D(2026, 5, 15));
    EXPECT_EQ(AddWorkingDays(D(2026, 5, 13), 1, calendar), D(2026, 5, 18));
    EXPECT_EQ(WorkingDaysBetween(D(2026, 5, 13), D(2026, 5, 18), calendar), 1);
    EXPECT_EQ(WorkingDaysBetween(D(2026, 5, 13), D(2026, 5, 18), kDefault), 2);
}

TEST(WorkCalendar, ExtraOpenDaysWorkOnWeekendsAndHolidays) {
    WorkCalendar calendar;
    calendar.extra_open = {D(2026, 3, 21), D(2026, 12, 24)};  // a Saturday and julafton
    EXPECT_TRUE(IsWorkingDay(D(2026, 3, 21), calendar));
    EXPECT_TRUE(IsWorkingDay(D(2026, 12, 24), calendar));
    EXPECT_FALSE(IsWorkingDay(D(2026, 3, 22), calendar));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 20), 1, calendar), D(2026, 3, 21));
    EXPECT_EQ(AddWorkingDays(D(2026, 3, 20), 2, calendar), D(2026, 3, 23));
    EXPECT_EQ(AddWorkingDays(D(2026, 12, 23), 1, calendar), D(2026, 12, 24));
    EXPECT_EQ(AddWorkingDays(D(2026, 12, 23), 2, calendar), D(2026, 12, 28));
}

TEST(WorkCalendar, ADayBothClosedAndOpenIsClosed) {
    WorkCalendar calendar;
    calendar.extra_open = {D(2026, 3, 20), D(2026, 3, 21)};
    calendar.extra_closed = {D(2026, 3, 20), D(2026, 3, 21)};
    EXPECT_FALSE(IsWorkingDay(D(2026, 3, 20), calendar));
    EXPECT_FALSE(IsWorkingDay(D(2026, 3, 21), calendar));
}

TEST(WorkCalendar, WithoutSwedishHolidaysOnlyWeekendsAndExtraDaysClose) {
    WorkCalendar calendar;
    calendar.swedish_holidays = false;
    EXPECT_TRUE(IsWorkingDay(D(2026, 4, 3), calendar));
    EXPECT_TRUE(IsWorkingDay(D(2026, 12, 24), calendar));
    EXPECT_FALSE(IsWorkingDay(D(2026, 4, 4), calendar));
    EXPECT_EQ(AddWorkingDays(D(2026, 4, 2), 1, calendar), D(2026, 4, 3));
    calendar.extra_closed = {D(2026, 4, 3)};
    EXPECT_EQ(AddWorkingDays(D(2026, 4, 2), 1, calendar), D(2026, 4, 6));
}

TEST(WorkingDays, EveryDayOf2020To2040AgreesWithItself) {
    for (Date d = D(2020, 1, 1); d <= D(2040, 12, 31); d = d.AddDays(1)) {
        const Date next = AddWorkingDays(d, 1, kDefault);
        ASSERT_TRUE(IsWorkingDay(next, kDefault)) << d.ToString();
        ASSERT_GT(next, d) << d.ToString();
        ASSERT_LE(next.days() - d.days(), 6) << d.ToString();  // julafton on a Thursday: 5
        for (Date between = d.AddDays(1); between < next; between = between.AddDays(1)) {
            ASSERT_FALSE(IsWorkingDay(between, kDefault)) << d.ToString();
        }
        const Date previous = AddWorkingDays(d, -1, kDefault);
        ASSERT_TRUE(IsWorkingDay(previous, kDefault)) << d.ToString();
        ASSERT_LT(previous, d) << d.ToString();
        ASSERT_EQ(IsWorkingDay(d, kDefault), !d.IsWeekend() && !IsSwedishHoliday(d))
            << d.ToString();
        for (int n = -6; n <= 6; ++n) {
            const Date moved = AddWorkingDays(d, n, kDefault);
            ASSERT_EQ(WorkingDaysBetween(d, moved, kDefault), n) << d.ToString() << " " << n;
            if (n != 0) {
                ASSERT_TRUE(IsWorkingDay(moved, kDefault)) << d.ToString() << " " << n;
            }
            if (n > 0) {
                ASSERT_LE(AddWorkingDays(moved, -n, kDefault), d) << d.ToString();
            }
        }
        // For a working target, moving by the count between lands on it, either way.
        const Date target = d.AddDays(9);
        for (const Date t : {target, d.AddDays(-9)}) {
            if (IsWorkingDay(t, kDefault)) {
                ASSERT_EQ(AddWorkingDays(d, WorkingDaysBetween(d, t, kDefault), kDefault), t)
                    << d.ToString() << " " << t.ToString();
            }
        }
        if (IsWorkingDay(d, kDefault) && IsWorkingDay(target, kDefault)) {
            ASSERT_EQ(WorkingDaysBetween(target, d, kDefault),
                      -WorkingDaysBetween(d, target, kDefault))
                << d.ToString();
        }
    }
}

// ---- Stockholm time ----

TEST(Stockholm, WinterIsCetAndSummerIsCest) {
    EXPECT_EQ(ToStockholm(Utc(2026, 1, 15, 12, 0)), Local(D(2026, 1, 15), 13, 0, 0, 60));
    EXPECT_EQ(ToStockholm(Utc(2026, 7, 1, 12, 0)), Local(D(2026, 7, 1), 14, 0, 0, 120));
    EXPECT_EQ(ToStockholm(Utc(2026, 1, 15, 23, 30)), Local(D(2026, 1, 16), 0, 30, 0, 60));
    EXPECT_EQ(ToStockholm(Utc(2026, 7, 1, 22, 15, 9)), Local(D(2026, 7, 2), 0, 15, 9, 120));
    EXPECT_EQ(StockholmDate(Utc(2026, 12, 31, 23, 0)), D(2027, 1, 1));
    EXPECT_EQ(StockholmDate(Utc(2026, 12, 31, 22, 59, 59)), D(2026, 12, 31));
    EXPECT_EQ(StockholmUtcOffsetMinutes(Utc(2026, 1, 15, 12, 0)), 60);
    EXPECT_EQ(StockholmUtcOffsetMinutes(Utc(2026, 7, 1, 12, 0)), 120);
    // Before the Unix epoch, seconds still floor to the right day.
    EXPECT_EQ(ToStockholm(Utc(1969, 12, 31, 23, 30)), Local(D(1970, 1, 1), 0, 30, 0, 60));
    EXPECT_EQ(ToStockholm(Utc(1969, 12, 31, 22, 59, 59)), Local(D(1969, 12, 31), 23, 59, 59, 60));
}

TEST(Stockholm, FractionsOfASecondAreDroppedTowardsThePast) {
    const core::TimePoint t = Utc(2026, 7, 1, 12, 0) + milliseconds(999);
    EXPECT_EQ(ToStockholm(t), Local(D(2026, 7, 1), 14, 0, 0, 120));
    const core::TimePoint before_epoch = Utc(1970, 1, 1, 0, 0) - milliseconds(1);
    EXPECT_EQ(ToStockholm(before_epoch), Local(D(1970, 1, 1), 0, 59, 59, 60));
}

TEST(Stockholm, SpringForwardAt0100UtcOnTheLastSundayOfMarch) {
    EXPECT_EQ(ToStockholm(Utc(2026, 3, 29, 0, 59, 59)), Local(D(2026, 3, 29), 1, 59, 59, 60));
    EXPECT_EQ(ToStockholm(Utc(2026, 3, 29, 1, 0)), Local(D(2026, 3, 29), 3, 0, 0, 120));
    EXPECT_EQ(FromStockholm(D(2026, 3, 29), 1, 59, 59), Utc(2026, 3, 29, 0, 59, 59));
    EXPECT_EQ(FromStockholm(D(2026, 3, 29), 3, 0), Utc(2026, 3, 29, 1, 0));
    // The skipped hour: the moment the clocks jump.
    EXPECT_EQ(FromStockholm(D(2026, 3, 29), 2, 0), Utc(2026, 3, 29, 1, 0));
    EXPECT_EQ(FromStockholm(D(2026, 3, 29), 2, 30), Utc(2026, 3, 29, 1, 0));
    EXPECT_EQ(FromStockholm(D(2026, 3, 29), 2, 59, 59), Utc(2026, 3, 29, 1, 0));
    EXPECT_EQ(FromStockholm(D(2026, 3, 29), 3, 0, 1), Utc(2026, 3, 29, 1, 0, 1));
    // A week earlier nothing happens at 02:00.
    EXPECT_EQ(FromStockholm(D(2026, 3, 22), 2, 30), Utc(2026, 3, 22, 1, 30));
}

TEST(Stockholm, FallBackAt0100UtcOnTheLastSundayOfOctober) {
    EXPECT_EQ(ToStockholm(Utc(2026, 10, 25, 0, 59)), Local(D(2026, 10, 25), 2, 59, 0, 120));
    EXPECT_EQ(ToStockholm(Utc(2026, 10, 25, 0, 59, 59)), Local(D(2026, 10, 25), 2, 59, 59, 120));
    EXPECT_EQ(ToStockholm(Utc(2026, 10, 25, 1, 0)), Local(D(2026, 10, 25), 2, 0, 0, 60));
    EXPECT_EQ(ToStockholm(Utc(2026, 10, 25, 2, 0)), Local(D(2026, 10, 25), 3, 0, 0, 60));
    // The repeated hour: the earlier instant (CEST).
    EXPECT_EQ(FromStockholm(D(2026, 10, 25), 2, 0), Utc(2026, 10, 25, 0, 0));
    EXPECT_EQ(FromStockholm(D(2026, 10, 25), 2, 30), Utc(2026, 10, 25, 0, 30));
    EXPECT_EQ(FromStockholm(D(2026, 10, 25), 2, 59, 59), Utc(2026, 10, 25, 0, 59, 59));
    EXPECT_EQ(FromStockholm(D(2026, 10, 25), 3, 0), Utc(2026, 10, 25, 2, 0));
    EXPECT_EQ(FromStockholm(D(2026, 10, 25), 1, 59, 59), Utc(2026, 10, 24, 23, 59, 59));
}

TEST(Stockholm, FromStockholmCarriesTimeOverMidnight) {
    EXPECT_EQ(FromStockholm(D(2026, 1, 15), 24, 0), FromStockholm(D(2026, 1, 16), 0, 0));
    EXPECT_EQ(FromStockholm(D(2026, 1, 15), 0, 90), FromStockholm(D(2026, 1, 15), 1, 30));
    EXPECT_EQ(FromStockholm(D(2026, 1, 15), 0, 0, -1), FromStockholm(D(2026, 1, 14), 23, 59, 59));
    EXPECT_EQ(FromStockholm(D(2026, 7, 1), 0, 0), Utc(2026, 6, 30, 22, 0));
}

TEST(Stockholm, TransitionsMatchTheTimeZoneDatabaseFor2020To2040) {
    // Last Sundays of March and October from the IANA tz database (Europe/Stockholm).
    struct Year {
        int year;
        int march_day;
        int october_day;
    };
    constexpr std::array<Year, 21> kYears = {{
        {2020, 29, 25}, {2021, 28, 31}, {2022, 27, 30}, {2023, 26, 29}, {2024, 31, 27},
        {2025, 30, 26}, {2026, 29, 25}, {2027, 28, 31}, {2028, 26, 29}, {2029, 25, 28},
        {2030, 31, 27}, {2031, 30, 26}, {2032, 28, 31}, {2033, 27, 30}, {2034, 26, 29},
        {2035, 25, 28}, {2036, 30, 26}, {2037, 29, 25}, {2038, 28, 31}, {2039, 27, 30},
        {2040, 25, 28},
    }};
    for (const Year& y : kYears) {
        const core::TimePoint spring = Utc(y.year, 3, y.march_day, 1, 0);
        const core::TimePoint autumn = Utc(y.year, 10, y.october_day, 1, 0);
        EXPECT_EQ(StockholmUtcOffsetMinutes(spring - seconds(1)), 60) << y.year;
        EXPECT_EQ(StockholmUtcOffsetMinutes(spring), 120) << y.year;
        EXPECT_EQ(StockholmUtcOffsetMinutes(autumn - seconds(1)), 120) << y.year;
        EXPECT_EQ(StockholmUtcOffsetMinutes(autumn), 60) << y.year;
        EXPECT_EQ(ToStockholm(spring), Local(D(y.year, 3, y.march_day), 3, 0, 0, 120));
        EXPECT_EQ(ToStockholm(autumn), Local(D(y.year, 10, y.october_day), 2, 0, 0, 60));
    }
}

TEST(Stockholm, RoundTripsEveryHourOf2020To2040) {
    const core::TimePoint end = Utc(2041, 1, 1, 0, 0);
    int skipped = 0;
    int repeated = 0;
    for (core::TimePoint t = Utc(2020, 1, 1, 0, 0) + minutes(30); t < end; t += hours(1)) {
        const LocalDateTime local = ToStockholm(t);
        const core::TimePoint back =
            FromStockholm(local.date, local.hour, local.minute, local.second);
        if (back != t) {
            // Only the second pass through the repeated October hour reads back earlier.
            ASSERT_EQ(back, t - hours(1)) << core::ToRfc3339(t);
            ASSERT_EQ(local.utc_offset_minutes, 60) << core::ToRfc3339(t);
            ASSERT_EQ(local.hour, 2) << core::ToRfc3339(t);
            ++repeated;
        }
        // Every wall time ToStockholm shows reads back to itself.
        const LocalDateTime wall = ToStockholm(FromStockholm(local.date, local.hour, 0, 0));
        ASSERT_EQ(wall.date, local.date) << core::ToRfc3339(t);
        ASSERT_EQ(wall.hour, local.hour) << core::ToRfc3339(t);
        ASSERT_EQ(wall.minute, 0) << core::ToRfc3339(t);
        const core::TimePoint at_two = FromStockholm(local.date, 2, 30);
        if (ToStockholm(at_two).hour != 2) ++skipped;
    }
    EXPECT_EQ(repeated, 21);
    EXPECT_EQ(skipped, 21 * 23);  // the 23 hours of each spring-forward day ask for 02:30
}

TEST(Stockholm, FromStockholmNeverDecreasesOnTheTransitionDays) {
    for (const Date day : {D(2026, 3, 29), D(2026, 10, 25), D(2027, 3, 28), D(2027, 10, 31)}) {
        core::TimePoint previous = FromStockholm(day, 0, 0);
        for (int minute = 1; minute < 24 * 60; ++minute) {
            const core::TimePoint t = FromStockholm(day, 0, minute);
            ASSERT_GE(t, previous) << day.ToString() << " " << minute;
            const LocalDateTime local = ToStockholm(t);
            // Never earlier than the wall time asked for.
            ASSERT_GE(local.hour * 60 + local.minute, minute) << day.ToString() << " " << minute;
            previous = t;
        }
    }
}

TEST(Stockholm, FormatsAsRfc3339WithTheOffset) {
    EXPECT_EQ(ToRfc3339(ToStockholm(Utc(2026, 3, 29, 1, 0))), "2026-03-29T03:00:00+02:00");
    EXPECT_EQ(ToRfc3339(ToStockholm(Utc(2026, 10, 25, 1, 0))), "2026-10-25T02:00:00+01:00");
    EXPECT_EQ(ToRfc3339(ToStockholm(Utc(2026, 1, 5, 8, 4, 9))), "2026-01-05T09:04:09+01:00");
}

// ---- Working-time deadlines ----

core::TimePoint Sthlm(int y, int mo, int d, int h, int mi) {
    return FromStockholm(D(y, mo, d), h, mi);
}

TEST(AddWorkingTime, KeepsTheLocalTimeOfDayOnTheNthWorkingDay) {
    // Friday 14:00 + 2 working days -> Tuesday 14:00.
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 3, 20, 14, 0), 2, kDefault), Sthlm(2026, 3, 24, 14, 0));
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 3, 20, 14, 0), 1, kDefault), Sthlm(2026, 3, 23, 14, 0));
    // Tuesday 09:15 + 2 -> Thursday 09:15.
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 3, 17, 9, 15), 2, kDefault), Sthlm(2026, 3, 19, 9, 15));
}

TEST(AddWorkingTime, ANonWorkingStartCountsFromMidnightOfTheNextWorkingDay) {
    // Saturday 10:00 + 2 -> Wednesday 00:00.
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 3, 21, 10, 0), 2, kDefault), Sthlm(2026, 3, 25, 0, 0));
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 3, 22, 23, 30), 1, kDefault), Sthlm(2026, 3, 24, 0, 0));
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 3, 22, 23, 30), 0, kDefault), Sthlm(2026, 3, 23, 0, 0));
    // Långfredagen 12:00 + 1 -> Wednesday after Easter 00:00.
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 4, 3, 12, 0), 1, kDefault), Sthlm(2026, 4, 8, 0, 0));
}

TEST(AddWorkingTime, TheLocalDateDecidesNotTheUtcDate) {
    // Friday 2026-03-27 23:30 UTC is Saturday 00:30 in Stockholm: counts from Monday 00:00.
    EXPECT_EQ(AddWorkingTime(Utc(2026, 3, 27, 23, 30), 1, kDefault), Sthlm(2026, 3, 31, 0, 0));
    EXPECT_EQ(Sthlm(2026, 3, 31, 0, 0), Utc(2026, 3, 30, 22, 0));
    // Friday 22:30 UTC is Friday 23:30 CET: Monday 23:30 CEST.
    EXPECT_EQ(AddWorkingTime(Utc(2026, 3, 27, 22, 30), 1, kDefault), Utc(2026, 3, 30, 21, 30));
}

TEST(AddWorkingTime, AcrossTheDaylightSavingChanges) {
    // Friday 27 March 2026 10:00 CET + 2 -> Tuesday 31 March 10:00 CEST, 08:00 UTC.
    const core::TimePoint friday = Sthlm(2026, 3, 27, 10, 0);
    EXPECT_EQ(friday, Utc(2026, 3, 27, 9, 0));
    EXPECT_EQ(AddWorkingTime(friday, 2, kDefault), Utc(2026, 3, 31, 8, 0));
    EXPECT_EQ(ToStockholm(AddWorkingTime(friday, 2, kDefault)),
              Local(D(2026, 3, 31), 10, 0, 0, 120));
    // Friday 23 October 2026 09:00 CEST + 1 -> Monday 26 October 09:00 CET, 08:00 UTC.
    EXPECT_EQ(AddWorkingTime(Utc(2026, 10, 23, 7, 0), 1, kDefault), Utc(2026, 10, 26, 8, 0));
    // Backwards over the same weekend.
    EXPECT_EQ(AddWorkingTime(Utc(2026, 3, 31, 8, 0), -2, kDefault), friday);
}

TEST(AddWorkingTime, OverEasterAndChristmas) {
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 4, 2, 9, 0), 1, kDefault), Sthlm(2026, 4, 7, 9, 0));
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 4, 2, 9, 0), 2, kDefault), Sthlm(2026, 4, 8, 9, 0));
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 12, 23, 16, 0), 1, kDefault), Sthlm(2026, 12, 28, 16, 0));
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 12, 30, 16, 0), 2, kDefault), Sthlm(2027, 1, 5, 16, 0));
}

TEST(AddWorkingTime, ZeroDaysFromAWorkingStartIsTheStartToTheNanosecond) {
    const core::TimePoint start = Sthlm(2026, 3, 24, 11, 5) + milliseconds(250);
    EXPECT_EQ(AddWorkingTime(start, 0, kDefault), start);
    EXPECT_EQ(AddWorkingTime(start, 1, kDefault), Sthlm(2026, 3, 25, 11, 5) + milliseconds(250));
}

TEST(AddWorkingTime, HonoursTheWorkCalendar) {
    WorkCalendar calendar;
    calendar.extra_closed = {D(2026, 5, 15)};
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 5, 13, 8, 0), 1, kDefault), Sthlm(2026, 5, 15, 8, 0));
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 5, 13, 8, 0), 1, calendar), Sthlm(2026, 5, 18, 8, 0));
    // A start on the klämdag itself counts from Monday 00:00.
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 5, 15, 8, 0), 1, calendar), Sthlm(2026, 5, 19, 0, 0));
}

TEST(AddWorkingTime, AnOpenedTransitionSundayLandsOnTheJumpInTheSkippedHour) {
    WorkCalendar calendar;
    calendar.extra_open = {D(2026, 3, 29)};
    // 02:30 does not exist on 29 March 2026: the deadline is when the clocks jump.
    EXPECT_EQ(AddWorkingTime(Sthlm(2026, 3, 27, 2, 30), 1, calendar), Utc(2026, 3, 29, 1, 0));
}

TEST(AddWorkingTime, TwoWorkingDaysFromEveryHourOf2026IsAfterTheStart) {
    for (core::TimePoint t = Utc(2026, 1, 1, 0, 0); t < Utc(2027, 1, 1, 0, 0); t += hours(1)) {
        const core::TimePoint deadline = AddWorkingTime(t, 2, kDefault);
        ASSERT_GT(deadline, t + hours(24)) << core::ToRfc3339(t);
        const Date local = StockholmDate(deadline);
        ASSERT_TRUE(IsWorkingDay(local, kDefault)) << core::ToRfc3339(t);
        const Date start_date = StockholmDate(t);
        const int counted = WorkingDaysBetween(start_date, local, kDefault);
        ASSERT_EQ(counted, IsWorkingDay(start_date, kDefault) ? 2 : 3) << core::ToRfc3339(t);
    }
}

}  // namespace
}  // namespace bfu::domain
