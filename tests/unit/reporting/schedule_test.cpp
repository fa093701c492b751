// The reports the timetable makes: which, for whom, covering which months, as of which day.
#include "bfu/reporting/schedule.hpp"

#include <gtest/gtest.h>

#include <map>

#include "reporting_fixture.hpp"

namespace bfu::reporting {
namespace {

using test::kYear;

class ScheduleTest : public test::StoreFixture {
protected:
    std::vector<ScheduledReport> Schedule() {
        auto md = store_.Master(kYear);
        EXPECT_TRUE(md.ok());
        auto t = domain::BuildTimetable(kYear, {});
        EXPECT_TRUE(t.ok());
        return TimetableReports(*t, (*md)->org);
    }
};

TEST_F(ScheduleTest, AYearOfTheExampleMunicipality) {
    const auto schedule = Schedule();
    std::map<Kind, int> count;
    for (const auto& s : schedule) ++count[s.request.kind];
    EXPECT_EQ(count[Kind::kSektorssammanfattning], 12);  // six rounds, two sektorer
    EXPECT_EQ(count[Kind::kTertial], 3);                 // two nämnder and KF
    EXPECT_EQ(count[Kind::kDelar], 3);
    EXPECT_EQ(count[Kind::kArsredovisning], 3);
    EXPECT_EQ(count[Kind::kDialogunderlag], 2 * (7 + 4 + 2));  // enheter, verksamheter, sektorer
    for (std::size_t i = 1; i < schedule.size(); ++i) {
        EXPECT_LE(schedule[i - 1].due, schedule[i].due);
    }
}

TEST_F(ScheduleTest, EachReportCoversItsMonthsAsOfItsDay) {
    const auto schedule = Schedule();
    auto t = domain::BuildTimetable(kYear, {});
    const auto* summary =
        FindScheduled(schedule, Kind::kSektorssammanfattning, "S1", *domain::Period::Of(kYear, 4));
    ASSERT_NE(summary, nullptr);
    EXPECT_EQ(summary->event, "prognos-2");
    EXPECT_EQ(summary->request.as_of, t->Find("prognos-2")->date);  // after the round's forecasts
    const auto* tertial =
        FindScheduled(schedule, Kind::kTertial, "KF", *domain::Period::Of(kYear, 4));
    ASSERT_NE(tertial, nullptr);
    EXPECT_EQ(tertial->request.as_of, t->Find("tertialrapport")->date.AddDays(-1));
    const auto* annual =
        FindScheduled(schedule, Kind::kArsredovisning, "BUN", *domain::Period::Of(kYear, 12));
    ASSERT_NE(annual, nullptr);
    EXPECT_EQ(annual->request.as_of.year(), kYear + 1);
    const auto* apt =
        FindScheduled(schedule, Kind::kDialogunderlag, "E111", *domain::Period::Of(kYear, 8));
    ASSERT_NE(apt, nullptr);
    EXPECT_EQ(apt->event, "apt-host");
    EXPECT_EQ(apt->request.as_of, t->Find("apt-host")->date.AddDays(-1));
    EXPECT_EQ(apt->due, CutoffOf(apt->request.as_of));
    EXPECT_EQ(
        FindScheduled(schedule, Kind::kDialogunderlag, "V11", *domain::Period::Of(kYear, 4))->event,
        "omrade-var");
    EXPECT_EQ(
        FindScheduled(schedule, Kind::kDialogunderlag, "S2", *domain::Period::Of(kYear, 4))->event,
        "kd-var");
}

}  // namespace
}  // namespace bfu::reporting
