#include "bfu/text/swedish.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace bfu::text {
namespace {

TEST(Swedish, MoneyInKronorAndThousands) {
    EXPECT_EQ(Kr(26587100), "265 871 kr");
    EXPECT_EQ(Kr(-26587149), "\u2212265 871 kr");
    EXPECT_EQ(Kr(-26587150), "\u2212265 872 kr");  // half away from zero
    EXPECT_EQ(Tkr(123456789), "1 234,6 tkr");
    EXPECT_EQ(Mkr(1234567890), "12,3 Mkr");
    EXPECT_EQ(Amount(-123450), "\u22121 234,50");
    EXPECT_EQ(SignedKr(26587100), "+265 871 kr");
    EXPECT_EQ(SignedKr(-100), "\u22121 kr");
    EXPECT_EQ(SignedKr(49), "0 kr");  // rounds to nothing: no sign
    EXPECT_EQ(SignedTkr(123456789), "+1 234,6 tkr");
}

TEST(Swedish, OneShareOneText) {
    // The e-mail had 37,2 % where the report had 37,3 %: a ratio of 3725 bp is 37,3 % both ways.
    EXPECT_EQ(Percent(0.3725), "37,3 %");
    EXPECT_EQ(PercentBp(3725), "37,3 %");
    EXPECT_EQ(Percent(3725 / 10000.0), PercentBp(3725));
    for (std::int64_t bp = -20000; bp <= 20000; bp += 7) {
        EXPECT_EQ(Percent(static_cast<double>(bp) / 10000.0), PercentBp(bp)) << bp;
    }
    EXPECT_EQ(Percent(-0.053), "\u22125,3 %");
    EXPECT_EQ(BasisPoints(0.00005), 1);
    EXPECT_EQ(BasisPoints(std::numeric_limits<double>::quiet_NaN()), 0);
}

TEST(Swedish, FiguresWithTheirUnit) {
    EXPECT_EQ(Figure(6.04, "%"), "6,0 %");
    EXPECT_EQ(Figure(12, "st"), "12 st");
    EXPECT_EQ(Figure(12.5, "st"), "12,5 st");
    EXPECT_EQ(Figure(1234.25, "timmar"), "1 234,3 timmar");  // not whole: one decimal
    EXPECT_EQ(Figure(-2.25, "%"), "\u22122,3 %");
    EXPECT_EQ(Decimal(1234567.891, 2), "1 234 567,89");
    EXPECT_EQ(Decimal(0, 0), "0");
}

TEST(Swedish, MonthsAndDates) {
    EXPECT_EQ(MonthName(4), "april");
    EXPECT_EQ(MonthName(13), "");
    EXPECT_EQ(PeriodText("202604"), "april 2026");
    EXPECT_EQ(PeriodText("2026-12"), "december 2026");
    EXPECT_EQ(PeriodText("bogus"), "bogus");
    EXPECT_EQ(PeriodRange(domain::Period::Of(2026, 1).value(), domain::Period::Of(2026, 4).value()),
              "januari\u2013april 2026");
    EXPECT_EQ(DateText(domain::Date::FromYmd(2026, 12, 7).value()), "7 december 2026");
    EXPECT_EQ(DateText("2026-06-19"), "19 juni 2026");
}

TEST(Swedish, TimesInSwedishLocalTime) {
    // 2026-12-07T13:30Z is 14.30 in winter (CET); 2026-06-19T13:30Z is 15.30 in summer (CEST).
    EXPECT_EQ(DateTimeText("2026-12-07T13:30:00.000Z"), "7 december 2026 kl. 14.30");
    EXPECT_EQ(DateTimeText("2026-06-19T13:30:00Z"), "19 juni 2026 kl. 15.30");
    // Late on New Year's Eve in UTC is already the new year in Sweden.
    EXPECT_EQ(DateTimeText("2026-12-31T23:30:00Z"), "1 januari 2027 kl. 00.30");
    EXPECT_EQ(DateTimeText("2026-12-07T14:30:00+01:00"), "7 december 2026 kl. 14.30");
    EXPECT_EQ(DateTimeText("not a time"), "not a time");
}

TEST(Swedish, NamesOfTheContractsEnums) {
    EXPECT_EQ(LevelName(contracts::OrgLevel::kNamnd), "nämnd");
    EXPECT_EQ(LevelName(contracts::OrgLevel::kKf), "KF");
    EXPECT_EQ(KindName(contracts::DeviationKind::kHr), "personalavvikelse");
    EXPECT_EQ(SeverityName(contracts::Severity::kCritical), "allvarlig");
    EXPECT_EQ(DimensionName(contracts::CauseDimension::kGroup), "kontogrupp");
    EXPECT_EQ(EventName(contracts::DeviationEventKind::kEscalated), "eskalerad");
    EXPECT_EQ(EventName(contracts::DeviationEventKind::kCommented), "kommenterad");
}

}  // namespace
}  // namespace bfu::text
