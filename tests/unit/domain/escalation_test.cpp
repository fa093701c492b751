#include "bfu/domain/escalation.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_org.hpp"

namespace bfu::domain {
namespace {

using core::Money;
using std::chrono::hours;
using testing::BuildSmall;
using testing::U;

const core::TimePoint kOpened = core::FromUnixMillis(1'777'000'000'000);  // 2026-04-24T03:06Z

struct Case {
    Organisation org = BuildSmall();
    EscalationPolicy policy{hours(72)};

    DeviationForEscalation Dev(const std::string& unit, std::optional<std::int64_t> kr) {
        DeviationForEscalation d;
        d.id = core::DeviationId("budget:2026:" + unit);
        d.unit = U(org, unit);
        if (kr) d.amount = Money::FromKronor(*kr);
        d.opened_at = kOpened;
        return d;
    }
    std::vector<std::string> Ids(const std::vector<UnitIndex>& us) const {
        std::vector<std::string> out;
        for (UnitIndex u : us) out.push_back(org.unit(u).id.value());
        std::sort(out.begin(), out.end());
        return out;
    }
    std::vector<std::string> Alerted(const EscalationDecision& d) const {
        std::vector<UnitIndex> us;
        for (const Alert& a : d.alerts) us.push_back(a.unit);
        return Ids(us);
    }
};

TEST(Escalate, WithinMandateTellsTheSuperiorAtOnce) {
    Case c;
    const auto d = Escalate(c.Dev("HT1", 80'000), c.org, {}, kOpened, c.policy);
    EXPECT_TRUE(d.within_mandate);
    EXPECT_EQ(d.responsible_ring, 0);
    EXPECT_EQ(c.Ids(d.responsible), (std::vector<std::string>{"HT1"}));
    ASSERT_EQ(d.alerts.size(), 1u);
    EXPECT_EQ(c.org.unit(d.alerts[0].unit).id.value(), "HT");
    EXPECT_EQ(d.alerts[0].reason, AlertReason::kSuperior);
    EXPECT_EQ(d.alerts[0].due, kOpened);
    EXPECT_EQ(c.Ids(d.next), (std::vector<std::string>{"HT"}));
    EXPECT_EQ(d.next_deadline, kOpened + hours(72));
}

TEST(Escalate, BeyondMandateGoesStraightToTheRingThatCoversIt) {
    Case c;
    // 800 tkr: beyond the enhet (100 tkr) and verksamhet (500 tkr) mandates; the sektor (2 Mkr)
    // covers it. Its superiors, the nämnd and the kommundirektör, are told at once.
    const auto d = Escalate(c.Dev("HT1", 800'000), c.org, {}, kOpened, c.policy);
    EXPECT_FALSE(d.within_mandate);
    EXPECT_EQ(d.responsible_ring, 2);
    EXPECT_EQ(c.Ids(d.responsible), (std::vector<std::string>{"OMS"}));
    EXPECT_EQ(c.Alerted(d), (std::vector<std::string>{"FV", "HT", "OMS", "VON"}));
    const auto oms = std::find_if(d.alerts.begin(), d.alerts.end(),
                                  [&](const Alert& a) { return a.unit == U(c.org, "OMS"); });
    EXPECT_EQ(oms->reason, AlertReason::kBeyondMandate);
    EXPECT_EQ(c.Ids(d.next), (std::vector<std::string>{"FV", "VON"}));
}

TEST(Escalate, ExactlyTheMandateIsWithinIt) {
    Case c;
    EXPECT_TRUE(Escalate(c.Dev("HT1", 100'000), c.org, {}, kOpened, c.policy).within_mandate);
    EXPECT_FALSE(Escalate(c.Dev("HT1", 100'001), c.org, {}, kOpened, c.policy).within_mandate);
}

TEST(Escalate, UnacknowledgedMovesUpOneRingPerTimeout) {
    Case c;
    auto d = Escalate(c.Dev("HT1", 80'000), c.org, {}, kOpened + hours(71), c.policy);
    EXPECT_EQ(d.responsible_ring, 0);
    d = Escalate(c.Dev("HT1", 80'000), c.org, {}, kOpened + hours(72), c.policy);
    EXPECT_EQ(d.responsible_ring, 1);
    EXPECT_EQ(c.Alerted(d), (std::vector<std::string>{"HT", "OMS"}));
    EXPECT_EQ(d.next_deadline, kOpened + hours(144));
    d = Escalate(c.Dev("HT1", 80'000), c.org, {}, kOpened + hours(150), c.policy);
    EXPECT_EQ(d.responsible_ring, 2);
    const auto oms = std::find_if(d.alerts.begin(), d.alerts.end(),
                                  [&](const Alert& a) { return a.unit == U(c.org, "VON"); });
    ASSERT_NE(oms, d.alerts.end());
    EXPECT_EQ(oms->due, kOpened + hours(144));
}

TEST(Escalate, TimelyAcknowledgementStopsEscalation) {
    Case c;
    const auto dev = c.Dev("HT1", 80'000);
    const std::vector<Acknowledgement> acks = {{dev.id, U(c.org, "HT1"), kOpened + hours(10)}};
    const auto d = Escalate(dev, c.org, acks, kOpened + hours(500), c.policy);
    EXPECT_TRUE(d.acknowledged);
    EXPECT_EQ(d.responsible_ring, 0);
    EXPECT_TRUE(d.next.empty());
    EXPECT_FALSE(d.next_deadline.has_value());
    EXPECT_EQ(d.alerts.size(), 1u);
}

TEST(Escalate, LateOrLowerOrForeignAcknowledgementDoesNotCount) {
    Case c;
    const auto dev = c.Dev("HT1", 80'000);
    // Acked by the enhet after its deadline: already escalated to HT, which must ack itself.
    std::vector<Acknowledgement> acks = {{dev.id, U(c.org, "HT1"), kOpened + hours(100)}};
    auto d = Escalate(dev, c.org, acks, kOpened + hours(100), c.policy);
    EXPECT_EQ(d.responsible_ring, 1);
    EXPECT_FALSE(d.acknowledged);
    // An ack for another deviation does not count either.
    acks = {{core::DeviationId("budget:2026:HT2"), U(c.org, "HT1"), kOpened + hours(1)}};
    d = Escalate(dev, c.org, acks, kOpened + hours(100), c.policy);
    EXPECT_EQ(d.responsible_ring, 1);
    // The verksamhetschef acknowledging in time stops it at ring 1.
    acks = {{dev.id, U(c.org, "HT"), kOpened + hours(80)}};
    d = Escalate(dev, c.org, acks, kOpened + hours(400), c.policy);
    EXPECT_EQ(d.responsible_ring, 1);
    EXPECT_TRUE(d.acknowledged);
}

TEST(Escalate, FavourableAndGoalDeviationsStayWithTheUnit) {
    Case c;
    auto fav = c.Dev("HT1", 5'000'000);
    fav.favourable = true;
    auto d = Escalate(fav, c.org, {}, kOpened + hours(1000), c.policy);
    EXPECT_EQ(d.responsible_ring, 0);
    EXPECT_EQ(c.Alerted(d), (std::vector<std::string>{"HT"}));
    const auto goal = c.Dev("SB1", std::nullopt);
    d = Escalate(goal, c.org, {}, kOpened, c.policy);
    EXPECT_TRUE(d.within_mandate);
    EXPECT_EQ(d.responsible_ring, 0);
}

TEST(Escalate, FollowsTheReportingLineInForceWhenTheDeviationOpened) {
    // HT2 moves from hemtjänst to särskilt boende on 1 July 2026.
    Case c;
    c.org = BuildSmall({{core::UnitId("HT2"), core::UnitId("SB"), Date::Parse("2026-07-01").value(),
                         "VON § 30/2026"}});
    auto dev = c.Dev("HT2", 80'000);
    dev.opened_at = kOpened;  // April: still under HT
    EXPECT_EQ(c.Alerted(Escalate(dev, c.org, {}, kOpened, c.policy)),
              (std::vector<std::string>{"HT"}));
    dev.opened_at = kOpened + hours(24 * 90);  // August: under SB
    EXPECT_EQ(c.Alerted(Escalate(dev, c.org, {}, dev.opened_at, c.policy)),
              (std::vector<std::string>{"SB"}));
}

TEST(Escalate, BeyondEveryMandateRestsWithTheTop) {
    Case c;
    const auto d =
        Escalate(c.Dev("HT1", 2'000'000'000), c.org, {}, kOpened + hours(1000), c.policy);
    EXPECT_EQ(c.Ids(d.responsible), (std::vector<std::string>{"KF"}));
    EXPECT_TRUE(d.next.empty());
    EXPECT_EQ(c.Alerted(d), (std::vector<std::string>{"FV", "HT", "KF", "KS", "OMS", "VON"}));
}

}  // namespace
}  // namespace bfu::domain

// --- Step by step, on working time --------------------------------------------------------

namespace bfu::domain {
namespace {

using testing::BuildSmall;
using testing::U;

core::TimePoint Local(int y, int m, int d, int h) {
    return FromStockholm(Date::FromYmd(y, m, d).value(), h, 0);
}

std::vector<std::string> IdsOf(const Organisation& org, const std::vector<UnitIndex>& us) {
    std::vector<std::string> out;
    for (UnitIndex u : us) out.push_back(org.unit(u).id.value());
    std::sort(out.begin(), out.end());
    return out;
}

DeviationForEscalation Opening(const Organisation& org, const std::string& unit,
                               std::optional<std::int64_t> kr, core::TimePoint at) {
    DeviationForEscalation d;
    d.id = core::DeviationId("budget:2026:" + unit);
    d.unit = U(org, unit);
    if (kr) d.amount = core::Money::FromKronor(*kr);
    d.opened_at = at;
    return d;
}

TEST(DecideOpening, BeyondTwoMandatesTheSektorIsResponsibleAndItsSuperiorsAreTold) {
    const auto org = BuildSmall();
    // Thursday 2 April 2026, 10:00: långfredag and annandag påsk follow.
    const auto at = Local(2026, 4, 2, 10);
    const auto d = DecideOpening(Opening(org, "HT1", 800'000, at), org, AckPolicy{});
    EXPECT_FALSE(d.within_mandate);
    EXPECT_EQ(d.responsible_ring, 2);
    EXPECT_EQ(IdsOf(org, d.responsible), (std::vector<std::string>{"OMS"}));
    // Ring 1 (HT) always, ring 2 (OMS) by mandate, and OMS's superiors (VON, FV).
    EXPECT_EQ(IdsOf(org, d.told), (std::vector<std::string>{"FV", "HT", "OMS", "VON"}));
    // Two working days: Friday 3 April and Monday 6 April are holidays -> Wednesday 8 April.
    ASSERT_TRUE(d.respond_by);
    EXPECT_EQ(*d.respond_by, Local(2026, 4, 8, 10));
}

TEST(DecideOpening, FavourableDeviationsNeedNoAcknowledgement) {
    const auto org = BuildSmall();
    auto dev = Opening(org, "HT1", -800'000, Local(2026, 3, 2, 9));
    dev.favourable = true;
    const auto d = DecideOpening(dev, org, AckPolicy{});
    EXPECT_TRUE(d.within_mandate);
    EXPECT_EQ(d.responsible_ring, 0);
    EXPECT_FALSE(d.respond_by);
    EXPECT_EQ(IdsOf(org, d.told), (std::vector<std::string>{"HT"}));
}

TEST(DueEscalation, NothingBeforeTheDeadlineThenOneRingAtATime) {
    const auto org = BuildSmall();
    AckPolicy policy;
    EscalationTrack t;
    t.unit = U(org, "HT1");
    t.responsible = U(org, "HT1");
    t.respond_by = Local(2026, 3, 6, 10);  // a Friday
    t.day = Date::FromYmd(2026, 3, 6).value();
    EXPECT_FALSE(DueEscalation(t, org, Local(2026, 3, 6, 9), policy));
    auto step = DueEscalation(t, org, Local(2026, 3, 6, 10), policy);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->from_ring, 0);
    EXPECT_EQ(step->to_ring, 1);
    EXPECT_EQ(IdsOf(org, step->responsible), (std::vector<std::string>{"HT"}));
    EXPECT_EQ(IdsOf(org, step->told), (std::vector<std::string>{"HT", "OMS"}));
    EXPECT_EQ(IdsOf(org, step->reminded), (std::vector<std::string>{"HT1"}));
    // The weekend does not count: Friday 10:00 + 2 working days = Tuesday 10:00.
    EXPECT_EQ(step->respond_by, Local(2026, 3, 10, 10));

    // The next step counts from the old deadline, even when the clock jumped far ahead.
    t.responsible = U(org, "HT");
    t.respond_by = step->respond_by;
    auto next = DueEscalation(t, org, Local(2026, 5, 1, 12), policy);
    ASSERT_TRUE(next);
    EXPECT_EQ(IdsOf(org, next->responsible), (std::vector<std::string>{"OMS"}));
    EXPECT_EQ(next->respond_by, Local(2026, 3, 12, 10));
}

TEST(DueEscalation, AcknowledgedOrAtTheTopStops) {
    const auto org = BuildSmall();
    EscalationTrack t;
    t.unit = U(org, "HT1");
    t.responsible = U(org, "HT1");
    t.respond_by = Local(2026, 3, 6, 10);
    t.day = Date::FromYmd(2026, 3, 6).value();
    t.acknowledged = true;
    EXPECT_FALSE(DueEscalation(t, org, Local(2026, 4, 6, 10), AckPolicy{}));
    t.acknowledged = false;
    t.responsible = U(org, "KF");
    EXPECT_FALSE(DueEscalation(t, org, Local(2026, 4, 6, 10), AckPolicy{}));
}

TEST(AckCounts, TheResponsibleRingOrAbove) {
    const auto org = BuildSmall();
    const Date day = Date::FromYmd(2026, 3, 6).value();
    // Responsible: the sektor. The enhetschef's acknowledgement does not stop the clock;
    // the sektorchef's and the nämnd's do.
    EXPECT_FALSE(AckCounts(U(org, "HT1"), U(org, "OMS"), U(org, "HT1"), org, day));
    EXPECT_FALSE(AckCounts(U(org, "HT1"), U(org, "OMS"), U(org, "HT"), org, day));
    EXPECT_TRUE(AckCounts(U(org, "HT1"), U(org, "OMS"), U(org, "OMS"), org, day));
    EXPECT_TRUE(AckCounts(U(org, "HT1"), U(org, "OMS"), U(org, "VON"), org, day));
    // Someone outside the line never counts.
    EXPECT_FALSE(AckCounts(U(org, "HT1"), U(org, "HT1"), U(org, "SB1"), org, day));
    EXPECT_TRUE(AckCounts(U(org, "HT1"), U(org, "HT1"), U(org, "HT1"), org, day));
}

}  // namespace
}  // namespace bfu::domain
