#include "bfu/domain/timetable.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace bfu::domain {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

const TimetableEvent& Get(const Timetable& t, const char* key) {
    const TimetableEvent* e = t.Find(key);
    EXPECT_NE(e, nullptr) << key;
    return *e;
}

TEST(Timetable, DefaultDatesForAYear) {
    const Timetable t = BuildTimetable(2026, {}).value();
    EXPECT_EQ(t.events.size(), 6u + 3u + 8u + 1u + 12u + 1u);
    EXPECT_EQ(Get(t, "prognos-1").date, D("2026-02-27"));  // last weekday of February
    EXPECT_EQ(Get(t, "prognos-1").round, 1);
    EXPECT_EQ(Get(t, "prognos-3").date, D("2026-06-30"));
    EXPECT_EQ(Get(t, "prognos-5").date, D("2026-10-30"));  // 31 Oct 2026 is a Saturday
    EXPECT_EQ(Get(t, "prognos-6").covers.Code(), 202612);
    EXPECT_EQ(Get(t, "tertialrapport").date, D("2026-06-26"));          // Friday, week 26
    EXPECT_EQ(Get(t, "tertialrapport").window_first, D("2026-05-25"));  // Monday, week 22
    EXPECT_EQ(Get(t, "tertialrapport").covers.Code(), 202604);
    EXPECT_EQ(Get(t, "delarsrapport").date, D("2026-10-16"));
    EXPECT_EQ(Get(t, "arsredovisning").date, D("2027-05-07"));  // Friday, week 18 of 2027
    EXPECT_EQ(Get(t, "apt-var").date, D("2026-05-12"));
    EXPECT_EQ(Get(t, "omrade-var").date, D("2026-05-26"));
    EXPECT_EQ(Get(t, "sektor-var").date, D("2026-06-09"));
    EXPECT_EQ(Get(t, "kd-host").date, D("2026-11-24"));
    EXPECT_EQ(Get(t, "bokslutsdag").date, D("2027-03-11"));
    for (const auto& e : t.events) {
        EXPECT_GE(e.date, e.window_first) << e.key;
        EXPECT_LE(e.date, e.window_last) << e.key;
        EXPECT_FALSE(e.title.empty());
    }
    for (std::size_t i = 1; i < t.events.size(); ++i) {
        EXPECT_LE(t.events[i - 1].date, t.events[i].date);
    }
}

TEST(Timetable, ReportWindowsFollowIsoWeeksIncludingWeek53Years) {
    // 2020 has 53 ISO weeks; the window of week 40-42 still lies in October.
    const Timetable t = BuildTimetable(2020, {}).value();
    EXPECT_EQ(Get(t, "delarsrapport").window_first, D("2020-09-28"));
    EXPECT_EQ(Get(t, "delarsrapport").window_last, D("2020-10-18"));
    // Årsredovisning for 2026 (a 53-week year) falls in weeks 14-18 of 2027.
    const Timetable t26 = BuildTimetable(2026, {}).value();
    EXPECT_EQ(Get(t26, "arsredovisning").window_first, D("2027-04-05"));
    EXPECT_EQ(Get(t26, "arsredovisning").window_last, D("2027-05-09"));
}

TEST(Timetable, ConfiguredDateInsideWindowIsUsed) {
    TimetableConfig cfg;
    cfg.dates["tertialrapport"] = D("2026-06-01");
    cfg.dates["bokslutsdag"] = D("2027-02-26");
    const Timetable t = BuildTimetable(2026, cfg).value();
    EXPECT_EQ(Get(t, "tertialrapport").date, D("2026-06-01"));
    EXPECT_EQ(Get(t, "bokslutsdag").date, D("2027-02-26"));
}

TEST(Timetable, DateOutsideWindowIsAnErrorNamingTheEvent) {
    TimetableConfig cfg;
    cfg.dates["delarsrapport"] = D("2026-11-02");
    const auto r = BuildTimetable(2026, cfg);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "timetable.delarsrapport");
    EXPECT_NE(r.error().message.find("outside its window 2026-09-28 .. 2026-10-18"),
              std::string::npos)
        << r.error().message;
    TimetableConfig unknown;
    unknown.dates["midsommar"] = D("2026-06-19");
    EXPECT_FALSE(BuildTimetable(2026, unknown).ok());
}

TEST(Timetable, DialogueStepsMustKeepTheirOrder) {
    TimetableConfig cfg;
    cfg.dates["apt-var"] = D("2026-05-28");  // after the area meeting on 26 May
    const auto r = BuildTimetable(2026, cfg);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("omrade-var"), std::string::npos);
    EXPECT_NE(r.error().message.find("apt-var"), std::string::npos);
}

TEST(Timetable, LeapYearBokslutsdagWindowEndsOnTheLastDayOfMarch) {
    const Timetable t = BuildTimetable(2027, {}).value();  // bokslutsdag in 2028, a leap year
    TimetableConfig cfg;
    cfg.dates["bokslutsdag"] = D("2028-02-29");
    EXPECT_EQ(Get(BuildTimetable(2027, cfg).value(), "bokslutsdag").date, D("2028-02-29"));
    EXPECT_EQ(Get(t, "bokslutsdag").window_last, D("2028-03-31"));
}

TEST(ICalendar, EscapesTextAndFoldsLongLinesOnOctets) {
    EXPECT_EQ(EscapeICalText("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    EXPECT_EQ(FoldICalLine("SHORT"), "SHORT\r\n");
    const std::string long_line = "DESCRIPTION:" + std::string(100, 'x');
    const std::string folded = FoldICalLine(long_line);
    EXPECT_EQ(folded.substr(0, 75), long_line.substr(0, 75));
    EXPECT_EQ(folded.substr(75, 3), "\r\n ");
    // Multi-byte characters are never split: 'ä' is two octets.
    std::string swedish = "SUMMARY:";
    for (int i = 0; i < 60; ++i) swedish += "\u00e4";
    const std::string f = FoldICalLine(swedish);
    std::istringstream in(f);
    std::string part;
    while (std::getline(in, part)) {
        ASSERT_FALSE(part.empty());
        ASSERT_EQ(part.back(), '\r');
        part.pop_back();
        EXPECT_LE(part.size(), 75u);
        const auto first = static_cast<unsigned char>(part[part[0] == ' ' ? 1 : 0]);
        EXPECT_NE(first & 0xC0, 0x80) << "continuation starts inside a UTF-8 sequence";
    }
}

TEST(ICalendar, ExportsAllDayEventsWithUidAndStamp) {
    const Timetable t = BuildTimetable(2026, {}).value();
    ICalendarOptions opt;
    opt.uid_domain = "kommun.se";
    opt.stamp = core::FromUnixMillis(1'764'115'200'000);  // 2025-11-26T00:00:00Z
    const std::string ics = ToICalendar(t, opt);
    EXPECT_EQ(ics.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0), 0u);
    EXPECT_NE(ics.find("UID:tertialrapport-2026@kommun.se\r\n"), std::string::npos);
    EXPECT_NE(ics.find("DTSTART;VALUE=DATE:20260626\r\nDTEND;VALUE=DATE:20260627\r\n"),
              std::string::npos);
    EXPECT_NE(ics.find("DTSTAMP:20251126T000000Z\r\n"), std::string::npos);
    EXPECT_NE(ics.find("SUMMARY:Prognosomgång 1 (februari)\r\n"), std::string::npos);
    EXPECT_EQ(ics.substr(ics.size() - 15), "END:VCALENDAR\r\n");
    // Every line ends in CRLF, no bare LF, no line longer than 75 octets.
    std::size_t begin = 0;
    std::size_t events = 0;
    while (begin < ics.size()) {
        const std::size_t end = ics.find("\r\n", begin);
        ASSERT_NE(end, std::string::npos);
        const std::string line = ics.substr(begin, end - begin);
        EXPECT_EQ(line.find('\n'), std::string::npos);
        EXPECT_LE(line.size(), 75u);
        if (line == "BEGIN:VEVENT") ++events;
        begin = end + 2;
    }
    EXPECT_EQ(events, t.events.size());
    // The commas in descriptions are escaped (search the unfolded text).
    std::string unfolded = ics;
    for (std::size_t at; (at = unfolded.find("\r\n ")) != std::string::npos;) {
        unfolded.erase(at, 3);
    }
    EXPECT_NE(unfolded.find("kvalitet\\, ekonomi"), std::string::npos);
}

}  // namespace
}  // namespace bfu::domain
