// The year's lifecycle: close days, open years, period states, the judged month.
#include "bfu/domain/lifecycle.hpp"

#include <gtest/gtest.h>

namespace bfu::domain {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }
Period P(int code) { return Period::Of(code / 100, code % 100).value(); }

Closing Decision(ClosingKind kind, int code_or_year, const char* date, std::string by = {}) {
    Closing c;
    c.kind = kind;
    if (kind == ClosingKind::kYearClosed) {
        c.year = code_or_year;
    } else {
        c.period = P(code_or_year);
        c.year = c.period->year();
    }
    c.date = D(date);
    c.by = std::move(by);
    return c;
}

LifecycleView On(const char* date, const ClosingBook& book = {}, LifecycleRules rules = {}) {
    return LifecycleView::On(D(date), rules, book);
}

TEST(Timetable, CloseDaysAreTheNthWorkingDayOfTheNextMonth) {
    const Timetable t = BuildTimetable(2026, {}).value();
    // February 2026: Monday 2 .. Friday 6 are working days 1..5.
    EXPECT_EQ(t.Find("stangning-01")->date, D("2026-02-06"));
    EXPECT_EQ(t.Find("stangning-01")->covers, P(202601));
    // April 2026: långfredagen 3 and annandag påsk 6 are holidays: 1, 2, 7, 8, 9.
    EXPECT_EQ(t.Find("stangning-03")->date, D("2026-04-09"));
    // May 2026: första maj is a Friday; 4..8 are the five working days.
    EXPECT_EQ(t.Find("stangning-04")->date, D("2026-05-08"));
    // January 2027: nyårsdagen (Fri 1) and trettondedag jul (Wed 6) are holidays.
    EXPECT_EQ(t.Find("stangning-12")->date, D("2027-01-11"));
    EXPECT_EQ(t.Find("stangning-12")->kind, TimetableEventKind::kPeriodClose);
    // 28 February 2027 is a Sunday.
    EXPECT_EQ(t.Find("arsbokslut")->date, D("2027-02-26"));
    EXPECT_EQ(t.Find("arsbokslut")->kind, TimetableEventKind::kYearClose);
}

TEST(Timetable, CloseDaysCountTheMunicipalitysWorkingDays) {
    TimetableConfig cfg;
    cfg.close_working_day = 1;
    cfg.calendar.extra_closed = {D("2026-02-02")};  // a closed Monday
    const Timetable t = BuildTimetable(2026, cfg).value();
    EXPECT_EQ(t.Find("stangning-01")->date, D("2026-02-03"));
}

TEST(Timetable, ChosenCloseDaysStayInTheirMonthAndArsbokslutAfterDecember) {
    TimetableConfig cfg;
    cfg.dates["stangning-03"] = D("2026-04-15");
    cfg.dates["arsbokslut"] = D("2027-03-12");
    const Timetable t = BuildTimetable(2026, cfg).value();
    EXPECT_EQ(t.Find("stangning-03")->date, D("2026-04-15"));
    EXPECT_EQ(t.Find("arsbokslut")->date, D("2027-03-12"));

    TimetableConfig outside;
    outside.dates["stangning-03"] = D("2026-05-04");
    auto r = BuildTimetable(2026, outside);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "timetable.stangning-03");

    TimetableConfig early;
    early.dates["arsbokslut"] = D("2027-01-08");  // before December's close day, 11 January
    r = BuildTimetable(2026, early);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "timetable.arsbokslut");
    EXPECT_NE(r.error().message.find("stangning-12"), std::string::npos) << r.error().message;

    TimetableConfig n;
    n.close_working_day = 0;
    r = BuildTimetable(2026, n);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "timetable.close_working_day");
}

TEST(Lifecycle, RulesValidateNamesTheYearAndTheKey) {
    LifecycleRules rules;
    rules.dates[2027]["stangning-02"] = D("2027-05-03");
    auto s = rules.Validate();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, "2027.timetable.stangning-02");
    rules.dates.clear();
    rules.close_working_day = 16;
    EXPECT_FALSE(rules.Validate().ok());
    rules.close_working_day = 3;
    EXPECT_TRUE(rules.Validate().ok());
}

TEST(Lifecycle, MidYearOnlyTheYearOfTheClockIsOpen) {
    const auto v = On("2026-06-15");
    EXPECT_EQ(v.business_year(), 2026);
    EXPECT_EQ(v.open_years(), std::vector<int>{2026});
    // 2025 closed on its arsbokslut day, 27 February 2026 (a Friday).
    EXPECT_EQ(v.StatusOf(P(202512)).state, PeriodState::kYearClosedByTimetable);
    EXPECT_EQ(v.StatusOf(P(202512)).since, D("2026-02-27"));
    EXPECT_EQ(v.StatusOf(P(202701)).state, PeriodState::kYearNotOpenYet);
    EXPECT_EQ(v.StatusOf(P(202701)).since, D("2026-12-01"));
    // May's close day is Friday 5 June (1..5 June are its five working days): on 15 June May
    // is closed, June open.
    EXPECT_EQ(v.StatusOf(P(202605)).state, PeriodState::kClosedByTimetable);
    EXPECT_EQ(v.StatusOf(P(202605)).since, D("2026-06-05"));
    EXPECT_TRUE(v.StatusOf(P(202606)).open());
    EXPECT_EQ(v.JudgedMonth(2026), 4);  // May
    EXPECT_EQ(v.JudgedMonth(2025), 11);
}

TEST(Lifecycle, TheCloseDayItselfStillTakesPostings) {
    EXPECT_TRUE(On("2026-02-06").StatusOf(P(202601)).open());
    EXPECT_EQ(On("2026-02-06").JudgedMonth(2026), std::nullopt);
    EXPECT_FALSE(On("2026-02-07").StatusOf(P(202601)).open());
    EXPECT_EQ(On("2026-02-07").JudgedMonth(2026), 0);
}

TEST(Lifecycle, TheNextYearOpensOnTheFirstOfDecember) {
    EXPECT_EQ(On("2026-11-30").open_years(), std::vector<int>{2026});
    const auto v = On("2026-12-01");
    EXPECT_EQ(v.open_years(), (std::vector<int>{2026, 2027}));
    EXPECT_EQ(v.business_year(), 2026);
    EXPECT_TRUE(v.StatusOf(P(202701)).open());
    EXPECT_EQ(v.JudgedMonth(2027), std::nullopt);
}

TEST(Lifecycle, LastYearTakesItsClosingAdjustmentsUntilArsbokslut) {
    const auto jan = On("2027-01-20");
    EXPECT_EQ(jan.business_year(), 2027);
    EXPECT_EQ(jan.open_years(), (std::vector<int>{2026, 2027}));
    // November closed on its close day; December stays open for the adjustments but is
    // complete (its close day, 11 January, has passed): 2026 is judged through December.
    EXPECT_EQ(jan.StatusOf(P(202611)).state, PeriodState::kClosedByTimetable);
    EXPECT_TRUE(jan.StatusOf(P(202612)).open());
    EXPECT_EQ(jan.JudgedMonth(2026), 11);
    EXPECT_EQ(On("2027-01-11").JudgedMonth(2026), 10);  // December's close day: still November

    EXPECT_TRUE(On("2027-02-26").IsOpen(2026));
    const auto march = On("2027-03-01");
    EXPECT_FALSE(march.IsOpen(2026));
    EXPECT_EQ(march.StatusOf(P(202612)).state, PeriodState::kYearClosedByTimetable);
    EXPECT_EQ(march.open_years(), std::vector<int>{2027});
}

TEST(Lifecycle, DecisionsCloseEarlyReopenAndCloseTheYear) {
    ClosingBook book;
    // April closed on 4 May, before its close day (8 May): judged from then.
    ASSERT_TRUE(
        book.Apply(Decision(ClosingKind::kPeriodClosed, 202604, "2026-05-04", "ek@k.se")).ok());
    auto v = On("2026-05-04", book);
    EXPECT_EQ(v.StatusOf(P(202604)).state, PeriodState::kClosedByDecision);
    EXPECT_EQ(v.StatusOf(P(202604)).by, "ek@k.se");
    EXPECT_EQ(v.JudgedMonth(2026), 3);
    // Reopened: open whatever the timetable says, and still complete.
    ASSERT_TRUE(
        book.Apply(Decision(ClosingKind::kPeriodReopened, 202604, "2026-05-20", "ek@k.se")).ok());
    v = On("2026-05-21", book);
    EXPECT_EQ(v.StatusOf(P(202604)).state, PeriodState::kReopened);
    EXPECT_TRUE(v.StatusOf(P(202604)).open());
    EXPECT_EQ(v.JudgedMonth(2026), 3);
    // The year closed by decision in January: December too, and the year is no longer open.
    ASSERT_TRUE(book.Apply(Decision(ClosingKind::kYearClosed, 2026, "2027-01-25")).ok());
    v = On("2027-01-26", book);
    EXPECT_EQ(v.open_years(), std::vector<int>{2027});
    EXPECT_EQ(v.StatusOf(P(202612)).state, PeriodState::kYearClosedByDecision);
    EXPECT_EQ(v.StatusOf(P(202604)).state, PeriodState::kYearClosedByDecision);
    EXPECT_EQ(v.JudgedMonth(2026), 11);
}

TEST(Lifecycle, ABookKeepsTheLatestDecisionPerSubject) {
    ClosingBook book;
    ASSERT_TRUE(book.Apply(Decision(ClosingKind::kPeriodClosed, 202603, "2026-04-02")).ok());
    ASSERT_TRUE(book.Apply(Decision(ClosingKind::kPeriodReopened, 202603, "2026-04-03")).ok());
    ASSERT_NE(book.ForPeriod(P(202603)), nullptr);
    EXPECT_EQ(book.ForPeriod(P(202603))->kind, ClosingKind::kPeriodReopened);
    EXPECT_EQ(book.ForPeriod(P(202604)), nullptr);
    EXPECT_EQ(book.All().size(), 1u);
    Closing bad = Decision(ClosingKind::kPeriodClosed, 202603, "2026-04-02");
    bad.year = 2025;
    EXPECT_FALSE(book.Apply(bad).ok());
    bad.period.reset();
    EXPECT_FALSE(book.Apply(bad).ok());
}

TEST(Lifecycle, PinnedYearsIgnoreTheDateButNotDecisions) {
    LifecycleRules rules;
    rules.pinned_years = {2026};
    ClosingBook book;
    auto v = On("2028-05-01", book, rules);
    EXPECT_EQ(v.open_years(), std::vector<int>{2026});
    EXPECT_EQ(v.business_year(), 2026);
    EXPECT_TRUE(v.StatusOf(P(202601)).open());
    EXPECT_EQ(v.StatusOf(P(202801)).state, PeriodState::kYearNotOpen);
    // The judged month still follows the close days.
    EXPECT_EQ(v.JudgedMonth(2026), 11);
    EXPECT_EQ(On("2026-03-31", book, rules).JudgedMonth(2026), 1);
    ASSERT_TRUE(book.Apply(Decision(ClosingKind::kPeriodClosed, 202602, "2026-03-03")).ok());
    v = On("2026-03-04", book, rules);
    EXPECT_EQ(v.StatusOf(P(202602)).state, PeriodState::kClosedByDecision);
    EXPECT_TRUE(v.StatusOf(P(202601)).open());
}

TEST(Lifecycle, TheJudgedMonthNeverMovesBackAsDaysPass) {
    std::optional<int> prev;
    int prev_year = 0;
    for (Date d = D("2026-01-01"); d <= D("2027-04-30"); d = d.AddDays(1)) {
        const auto v = On(d.ToString().c_str());
        const auto j = v.JudgedMonth(2026);
        if (prev) {
            ASSERT_TRUE(j.has_value()) << d.ToString();
            EXPECT_GE(*j, *prev) << d.ToString();
        }
        prev = j;
        // Every open period of an open year lies after the judged month or is December (the
        // adjustments) or was reopened.
        for (int y : v.open_years()) {
            for (int m = 1; m <= 12; ++m) {
                const auto s = v.StatusOf(P(y * 100 + m));
                if (!s.open()) continue;
                const auto jy = v.JudgedMonth(y);
                EXPECT_TRUE(!jy || m - 1 > *jy || m == 12) << d.ToString() << " " << y << m;
            }
        }
        EXPECT_GE(v.business_year(), prev_year);
        prev_year = v.business_year();
    }
    EXPECT_EQ(prev, 11);
}

TEST(Lifecycle, ClosedPeriodMessagesAreSwedishAndSayHowToCorrect) {
    ClosingBook book;
    ASSERT_TRUE(
        book.Apply(Decision(ClosingKind::kPeriodClosed, 202604, "2026-05-04", "ekonomi@kommun.se"))
            .ok());
    const auto v = On("2026-05-05", book);
    const auto m = ClosedPeriodMessage(P(202604), v);
    EXPECT_NE(m.find("perioden 2026-04 är stängd"), std::string::npos) << m;
    EXPECT_NE(m.find("ekonomi@kommun.se"), std::string::npos) << m;
    EXPECT_NE(m.find("bokför rättelsen i en öppen period (tidigast 2026-05)"), std::string::npos)
        << m;
    EXPECT_EQ(ClosedPeriodMessage(P(202605), v), "");
    const auto t = ClosedPeriodMessage(P(202602), v);
    EXPECT_NE(t.find("enligt tidplanen"), std::string::npos) << t;
    EXPECT_NE(t.find("2026-03-06"), std::string::npos) << t;
    const auto future = ClosedPeriodMessage(P(202703), v);
    EXPECT_NE(future.find("räkenskapsåret 2027 är inte öppnat ännu"), std::string::npos) << future;
    const auto old = ClosedPeriodMessage(P(202512), v);
    EXPECT_NE(old.find("räkenskapsåret 2025 är stängt"), std::string::npos) << old;
    EXPECT_NE(old.find("tidigast 2026-05"), std::string::npos) << old;
    EXPECT_EQ(PeriodDash(P(202611)), "2026-11");
}

}  // namespace
}  // namespace bfu::domain
