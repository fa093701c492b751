// The year's lifecycle in the contract: the finance unit's decisions on bfu.calendar (period
// closed, reopened, year closed) and reorganisations by date on bfu.master.org (history). The
// rules the schema cannot say are the decoder's: a period decision's period lies in its year;
// a unit's placements follow each other in time and end before the record's own.
#include <gtest/gtest.h>

#include "bfu/contracts/master.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"

namespace bfu::contracts {
namespace {

using Json = nlohmann::json;

Json PeriodClosed() {
    return {{"date", "2026-05-06"}, {"kind", "period_closed"}, {"year", 2026},
            {"ref", "202604"},      {"period", "202604"},      {"by", "ekonomi@kommun.example"}};
}

TEST(ContractsLifecycle, PeriodDecisionsShareTheirPeriodsKey) {
    auto closed = CalendarEvent::FromJson(PeriodClosed());
    ASSERT_TRUE(closed.ok()) << closed.error().ToString();
    EXPECT_EQ(closed->Key(), "2026:202604");
    EXPECT_EQ(closed->by, "ekonomi@kommun.example");
    Json j = PeriodClosed();
    j["kind"] = "period_reopened";
    j["comment"] = "Rättelse av hyra.\nStängs igen.";
    auto reopened = CalendarEvent::FromJson(j);
    ASSERT_TRUE(reopened.ok()) << reopened.error().ToString();
    EXPECT_EQ(reopened->Key(), closed->Key());
    EXPECT_EQ(reopened->kind, CalendarKind::kPeriodReopened);
    EXPECT_EQ(CalendarEvent::FromJson(reopened->ToJson()).value(), *reopened);

    CalendarEvent year;
    year.date = "2027-02-26";
    year.kind = CalendarKind::kYearClosed;
    year.year = 2026;
    year.ref = "arsbokslut";
    EXPECT_EQ(year.Key(), "2026:arsbokslut");
    EXPECT_TRUE(CalendarEvent::FromJson(year.ToJson()).ok());
    EXPECT_EQ(keys::Calendar(2026, "202604"), "2026:202604");
}

TEST(ContractsLifecycle, APeriodDecisionNamesAPeriodOfItsYear) {
    Json j = PeriodClosed();
    j.erase("period");
    auto r = CalendarEvent::FromJson(j);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "/period");
    j = PeriodClosed();
    j["period"] = "202504";
    r = CalendarEvent::FromJson(j);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "/period");
    EXPECT_NE(r.error().message.find("not in the year 2026"), std::string::npos);
    // Other kinds may name a period of another year (a report about last year).
    j["kind"] = "report_deadline";
    EXPECT_TRUE(CalendarEvent::FromJson(j).ok());
}

Json Moved() {
    return {
        {"id", "HT-NORR"},
        {"parent", "HT-OST"},
        {"level", "enhet"},
        {"name", "Hemtjänst Norr"},
        {"manager", {{"name", "Anna Lind"}, {"role", "enhetschef"}}},
        {"mandateOre", 5000000},
        {"reportsTo", Json::array()},
        {"validFrom", "2026-09-01"},
        {"decisionRef", "KS § 112/2026"},
        {"history",
         {{{"parent", "HT"}, {"validFrom", "2020-01-01"}},
          {{"parent", "HT-NORD"}, {"validFrom", "2024-03-01"}, {"decisionRef", "KS § 31/2024"}}}}};
}

TEST(ContractsLifecycle, AMovedUnitKeepsItsEarlierPlacements) {
    auto u = OrgUnit::FromJson(Moved());
    ASSERT_TRUE(u.ok()) << u.error().ToString();
    ASSERT_EQ(u->history.size(), 2u);
    EXPECT_EQ(u->history[1].parent.value(), "HT-NORD");
    EXPECT_EQ(u->history[1].decision_ref, "KS § 31/2024");
    EXPECT_EQ(u->decision_ref, "KS § 112/2026");
    EXPECT_EQ(OrgUnit::FromJson(u->ToJson()).value(), *u);
    // Without history the record is as before.
    Json plain = Moved();
    plain.erase("history");
    plain.erase("decisionRef");
    auto p = OrgUnit::FromJson(plain);
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE(p->ToJson().contains("history"));
}

TEST(ContractsLifecycle, PlacementsFollowEachOtherInTime) {
    Json j = Moved();
    j["history"][1]["validFrom"] = "2019-05-01";
    auto r = OrgUnit::FromJson(j);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "/history/1/validFrom");
    j = Moved();
    j["validFrom"] = "2024-03-01";
    r = OrgUnit::FromJson(j);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "/validFrom");
    j = Moved();
    j.erase("parent");
    r = OrgUnit::FromJson(j);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "/parent");
}

TEST(ContractsLifecycle, TheCalendarTopicIsKeptForEverUnderYearRef) {
    const topics::TopicSpec* spec = nullptr;
    for (const auto& t : topics::kAll) {
        if (t.name == topics::kCalendar) spec = &t;
    }
    ASSERT_NE(spec, nullptr);
    EXPECT_EQ(spec->key, "year:ref");
    EXPECT_EQ(spec->partitions, 1);
    EXPECT_EQ(topics::TopicConfigs(*spec).at("retention.ms"), "-1");
}

}  // namespace
}  // namespace bfu::contracts
