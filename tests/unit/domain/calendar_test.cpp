#include "bfu/domain/calendar.hpp"

#include <gtest/gtest.h>

#include <random>

namespace bfu::domain {
namespace {

Date D(int y, int m, int d) { return Date::FromYmd(y, m, d).value(); }

TEST(Date, LeapYearsFollowTheGregorianRule) {
    EXPECT_TRUE(IsLeapYear(2024));
    EXPECT_TRUE(IsLeapYear(2000));
    EXPECT_FALSE(IsLeapYear(1900));
    EXPECT_FALSE(IsLeapYear(2026));
    EXPECT_EQ(DaysInMonth(2024, 2), 29);
    EXPECT_EQ(DaysInMonth(2026, 2), 28);
    EXPECT_EQ(DaysInMonth(2100, 2), 28);
    EXPECT_TRUE(Date::FromYmd(2028, 2, 29).ok());
    EXPECT_FALSE(Date::FromYmd(2026, 2, 29).ok());
    EXPECT_FALSE(Date::FromYmd(2026, 13, 1).ok());
    EXPECT_FALSE(Date::FromYmd(2026, 4, 31).ok());
    EXPECT_EQ(D(2024, 3, 1).days() - D(2024, 2, 28).days(), 2);
    EXPECT_EQ(D(2026, 3, 1).days() - D(2026, 2, 28).days(), 1);
}

TEST(Date, ParsesAndPrintsIsoAndBasicForms) {
    EXPECT_EQ(Date::Parse("2026-03-31")->ToString(), "2026-03-31");
    EXPECT_EQ(Date::Parse("20260331")->ToString(), "2026-03-31");
    EXPECT_EQ(D(2026, 3, 31).ToBasicString(), "20260331");
    EXPECT_FALSE(Date::Parse("2026-3-31").ok());
    EXPECT_FALSE(Date::Parse("2026-02-30").ok());
    EXPECT_FALSE(Date::Parse("abcd-ef-gh").ok());
    EXPECT_EQ(D(1970, 1, 1).days(), 0);
    EXPECT_EQ(D(2000, 3, 1).days(), 11017);
}

TEST(Date, WeekdayIsIsoNumbered) {
    EXPECT_EQ(D(1970, 1, 1).Weekday(), 4);  // Thursday
    EXPECT_EQ(D(2026, 11, 26).Weekday(), 4);
    EXPECT_EQ(D(2026, 11, 29).Weekday(), 7);
    EXPECT_EQ(D(1969, 12, 29).Weekday(), 1);  // before the epoch
    EXPECT_TRUE(D(2026, 11, 28).IsWeekend());
}

TEST(Date, CivilRoundTripOverFourCenturies) {
    Date d = D(1900, 1, 1);
    int y = 1900, m = 1, day = 1;
    for (int i = 0; i < 146097; ++i) {
        ASSERT_EQ(d.year(), y);
        ASSERT_EQ(d.month(), m);
        ASSERT_EQ(d.day(), day);
        d = d.AddDays(1);
        if (++day > DaysInMonth(y, m)) {
            day = 1;
            if (++m > 12) {
                m = 1;
                ++y;
            }
        }
    }
}

TEST(IsoWeek, Week53ExistsInLongYears) {
    EXPECT_EQ(IsoWeeksInYear(2020), 53);  // starts on Wednesday, leap year
    EXPECT_EQ(IsoWeeksInYear(2026), 53);  // starts on Thursday
    EXPECT_EQ(IsoWeeksInYear(2025), 52);
    EXPECT_EQ(IsoWeeksInYear(2032), 53);
    EXPECT_EQ(IsoWeekOf(D(2026, 12, 31)), (IsoWeek{2026, 53}));
    EXPECT_EQ(IsoWeekOf(D(2027, 1, 3)), (IsoWeek{2026, 53}));
    EXPECT_EQ(IsoWeekOf(D(2027, 1, 4)), (IsoWeek{2027, 1}));
    EXPECT_EQ(IsoWeekOf(D(2024, 12, 30)), (IsoWeek{2025, 1}));  // late December in week 1
    EXPECT_EQ(IsoWeekOf(D(2021, 1, 3)), (IsoWeek{2020, 53}));
    EXPECT_EQ(DateOfIsoWeek(2026, 53, 5)->ToString(), "2027-01-01");
    const auto missing = DateOfIsoWeek(2025, 53, 1);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("52 weeks"), std::string::npos);
    EXPECT_EQ(DateOfIsoWeek(2026, 22, 1)->ToString(), "2026-05-25");
    EXPECT_EQ(DateOfIsoWeek(2026, 1, 1)->ToString(), "2025-12-29");
}

TEST(IsoWeek, DateOfWeekInvertsWeekOfForRandomDates) {
    std::mt19937_64 rng(42);
    for (int i = 0; i < 5000; ++i) {
        const Date d = Date::FromDays(static_cast<std::int32_t>(rng() % 60000));
        const IsoWeek w = IsoWeekOf(d);
        ASSERT_EQ(DateOfIsoWeek(w.year, w.week, d.Weekday()).value(), d) << d.ToString();
    }
}

TEST(Period, ParsesArithmeticAndBounds) {
    const Period p = Period::Parse("202611").value();
    EXPECT_EQ(p.Code(), 202611);
    EXPECT_EQ(p.Next().Next().ToString(), "202701");
    EXPECT_EQ(Period::Parse("2026-01")->Prev().ToString(), "202512");
    EXPECT_EQ(p.AddMonths(-23).ToString(), "202412");
    EXPECT_EQ(p.MonthsUntil(Period::Parse("202702").value()), 3);
    EXPECT_EQ(Period::Parse("202402")->LastDay().ToString(), "2024-02-29");
    EXPECT_FALSE(Period::Parse("202613").ok());
    EXPECT_FALSE(Period::Parse("20261").ok());
    EXPECT_EQ(Period::Containing(Date::Parse("2026-07-15").value()).ToString(), "202607");
}

TEST(FiscalYear, CalendarYearRoundsAndCutoffs) {
    const FiscalYear fy = FiscalYear::Calendar(2026);
    EXPECT_EQ(fy.Label(), "2026");
    const auto rounds = fy.FollowUpRounds();
    const std::array<int, 6> expect = {202602, 202604, 202606, 202608, 202610, 202612};
    for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(rounds[i].Code(), expect[i]);
    EXPECT_EQ(fy.TertialCutoff().Code(), 202604);
    EXPECT_EQ(fy.DelarCutoff().Code(), 202608);
    EXPECT_EQ(fy.RoundEndingIn(Period::Parse("202606").value()), 3);
    EXPECT_FALSE(fy.RoundEndingIn(Period::Parse("202605").value()).has_value());
    EXPECT_EQ(fy.LatestRoundAtOrBefore(Period::Parse("202605").value()), 2);
    EXPECT_FALSE(fy.LatestRoundAtOrBefore(Period::Parse("202601").value()).has_value());
    EXPECT_EQ(fy.LatestRoundAtOrBefore(Period::Parse("202703").value()), 6);
    EXPECT_EQ(fy.IndexOf(Period::Parse("202612").value()), 11);
    EXPECT_FALSE(fy.IndexOf(Period::Parse("202701").value()).has_value());
}

TEST(FiscalYear, StartingInJulySpansTwoCalendarYears) {
    const FiscalYear fy = FiscalYear::Of(2025, 7).value();
    EXPECT_EQ(fy.Label(), "2025/26");
    EXPECT_EQ(fy.EndYear(), 2026);
    EXPECT_EQ(fy.First().Code(), 202507);
    EXPECT_EQ(fy.Last().Code(), 202606);
    EXPECT_EQ(fy.FirstDay().ToString(), "2025-07-01");
    EXPECT_EQ(fy.LastDay().ToString(), "2026-06-30");
    EXPECT_EQ(fy.IndexOf(Period::Parse("202601").value()), 6);
    EXPECT_TRUE(fy.Contains(Date::Parse("2026-06-30").value()));
    EXPECT_FALSE(fy.Contains(Date::Parse("2026-07-01").value()));
    // Rounds at the end of fiscal months 2, 4, ...: Aug, Oct, Dec, Feb, Apr, Jun.
    EXPECT_EQ(fy.FollowUpRounds()[0].Code(), 202508);
    EXPECT_EQ(fy.FollowUpRounds()[3].Code(), 202602);
    EXPECT_EQ(fy.TertialCutoff().Code(), 202510);
    EXPECT_EQ(FiscalYear::Containing(Date::Parse("2026-03-10").value(), 7)->start_year(), 2025);
    EXPECT_EQ(FiscalYear::Containing(Date::Parse("2026-07-01").value(), 7)->start_year(), 2026);
    EXPECT_FALSE(FiscalYear::Of(2025, 13).ok());
}

}  // namespace
}  // namespace bfu::domain
