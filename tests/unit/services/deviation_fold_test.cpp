// DeviationFold: the latest state of each deviation folded from its events, idempotently.
#include <gtest/gtest.h>

#include "bfu/service/deviation_table.hpp"

namespace bfu::service {
namespace {

using contracts::DeviationEvent;
using contracts::DeviationEventKind;

DeviationEvent Status(const std::string& id, std::int64_t seq, DeviationEventKind kind,
                      std::int64_t deviation_ore, const std::string& unit = "ENH1") {
    DeviationEvent e;
    e.deviation_id = core::DeviationId(id);
    e.seq = seq;
    e.unit = core::UnitId(unit);
    e.kind = contracts::DeviationKind::kBudget;
    e.year = 2026;
    e.period = "202603";
    e.event = kind;
    e.at = "2026-03-31T12:00:00.000Z";
    e.budget_ore = 1'000'000;
    e.outcome_ore = 1'000'000 + deviation_ore;
    e.deviation_ore = deviation_ore;
    e.severity = contracts::Severity::kMajor;
    e.responsible = {"Maja Öberg", "enhetschef", "maja@ex.se"};
    return e;
}

DeviationEvent Command(const DeviationEvent& base, std::int64_t seq, DeviationEventKind kind,
                       const std::string& measure_id = {}) {
    DeviationEvent e = base;
    e.seq = seq;
    e.event = kind;
    e.at = "2026-04-02T08:00:00.000Z";
    e.by = contracts::Person{"Olof Björk", "verksamhetschef", "olof@ex.se"};
    if (!measure_id.empty()) {
        contracts::Measure m;
        m.id = core::MeasureId(measure_id);
        m.what = "Färre vikarier";
        m.who = "Maja Öberg";
        m.due = "2026-06-30";
        m.effect_ore = -5'000'000;
        e.measure = m;
    }
    return e;
}

TEST(DeviationFold, KeepsLatestStatusAndClosesOnClosed) {
    DeviationFold fold;
    const std::string id = "budget:2026:ENH1";
    EXPECT_TRUE(fold.Apply(Status(id, 1, DeviationEventKind::kOpened, 6'000'000)));
    EXPECT_TRUE(fold.Apply(Status(id, 2, DeviationEventKind::kChanged, 9'000'000)));
    const auto* r = fold.Find(id);
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->open);
    EXPECT_EQ(r->latest.deviation_ore, 9'000'000);
    EXPECT_EQ(r->last_seq, 2);
    EXPECT_EQ(fold.Open().size(), 1U);

    EXPECT_TRUE(fold.Apply(Status(id, 3, DeviationEventKind::kClosed, 3'000'000)));
    r = fold.Find(id);
    EXPECT_FALSE(r->open);
    EXPECT_EQ(r->latest.event, DeviationEventKind::kClosed);
    EXPECT_TRUE(fold.Open().empty());
    EXPECT_EQ(fold.ForUnit("ENH1").size(), 1U);
    EXPECT_TRUE(fold.ForUnit("ENH2").empty());
}

TEST(DeviationFold, IgnoresAnOlderStatusEventReadAgain) {
    DeviationFold fold;
    const std::string id = "budget:2026:ENH1";
    const auto opened = Status(id, 1, DeviationEventKind::kOpened, 6'000'000);
    (void)fold.Apply(opened);
    (void)fold.Apply(Status(id, 2, DeviationEventKind::kChanged, 9'000'000));
    EXPECT_FALSE(fold.Apply(opened));
    EXPECT_EQ(fold.Find(id)->latest.deviation_ore, 9'000'000);
    EXPECT_EQ(fold.Find(id)->latest.seq, 2);
}

TEST(DeviationFold, RecordsAcknowledgementOnceAndCommandsDoNotChangeAmounts) {
    DeviationFold fold;
    const std::string id = "budget:2026:ENH1";
    const auto opened = Status(id, 1, DeviationEventKind::kOpened, 6'000'000);
    (void)fold.Apply(opened);
    auto ack = Command(opened, 2, DeviationEventKind::kAcknowledged);
    ack.deviation_ore = 1;  // a command event's copy of the amounts never replaces the status
    EXPECT_TRUE(fold.Apply(ack));
    EXPECT_FALSE(fold.Apply(ack));  // read back after the writer applied it locally
    auto second = Command(opened, 3, DeviationEventKind::kAcknowledged);
    second.by = contracts::Person{"Sara Nord", "sektorchef", "sara@ex.se"};
    (void)fold.Apply(second);
    const auto* r = fold.Find(id);
    ASSERT_TRUE(r->acknowledged.has_value());
    EXPECT_EQ(r->acknowledged->by.email, "olof@ex.se");
    EXPECT_EQ(r->acknowledged->at, "2026-04-02T08:00:00.000Z");
    EXPECT_EQ(r->latest.deviation_ore, 6'000'000);
    EXPECT_EQ(r->last_seq, 3);
}

// Two analysis instances each take an acknowledgement at the same moment and give both the
// next seq: both are the episode's (the responsible level's must stop the escalation, whoever
// else acknowledged with the same seq); a copy of one adds nothing.
TEST(DeviationFold, TwoAcknowledgementsSharingASeqAreBothInTheEpisode) {
    DeviationFold fold;
    const std::string id = "budget:2026:ENH1";
    const auto opened = Status(id, 1, DeviationEventKind::kOpened, 6'000'000);
    (void)fold.Apply(opened);
    auto olof = Command(opened, 2, DeviationEventKind::kAcknowledged);
    olof.command_id = "ack-1";
    auto sara = Command(opened, 2, DeviationEventKind::kAcknowledged);
    sara.by = contracts::Person{"Sara Nord", "sektorchef", "sara@ex.se"};
    sara.command_id = "ack-2";
    (void)fold.Apply(olof);
    (void)fold.Apply(sara);
    (void)fold.Apply(sara);
    const auto* r = fold.Find(id);
    ASSERT_NE(r, nullptr);
    ASSERT_EQ(r->episode.acks.size(), 2U);
    EXPECT_EQ(r->episode.acks[0].second.email, "olof@ex.se");
    EXPECT_EQ(r->episode.acks[1].second.email, "sara@ex.se");
    EXPECT_TRUE(r->HasCommand("ack-2"));
}

TEST(DeviationFold, AddsMeasuresOnceAndMarksThemDone) {
    DeviationFold fold;
    const std::string id = "budget:2026:ENH1";
    const auto opened = Status(id, 1, DeviationEventKind::kOpened, 6'000'000);
    (void)fold.Apply(opened);
    const auto add1 = Command(opened, 2, DeviationEventKind::kMeasureAdded, "m1");
    (void)fold.Apply(add1);
    (void)fold.Apply(Command(opened, 3, DeviationEventKind::kMeasureAdded, "m2"));
    EXPECT_FALSE(fold.Apply(add1));
    auto r = fold.Find(id);
    ASSERT_EQ(r->measures.size(), 2U);
    EXPECT_EQ(r->measures[0].measure.id.value(), "m1");
    EXPECT_EQ(r->measures[0].measure.effect_ore, -5'000'000);
    EXPECT_FALSE(r->measures[0].done);
    ASSERT_TRUE(r->measures[0].added_by.has_value());
    EXPECT_EQ(r->measures[0].added_by->email, "olof@ex.se");

    (void)fold.Apply(Command(opened, 4, DeviationEventKind::kMeasureDone, "m1"));
    r = fold.Find(id);
    EXPECT_TRUE(r->FindMeasure("m1")->done);
    EXPECT_EQ(r->FindMeasure("m1")->done_at, "2026-04-02T08:00:00.000Z");
    EXPECT_FALSE(r->FindMeasure("m2")->done);
    EXPECT_EQ(r->FindMeasure("m3"), nullptr);
    // A later status event keeps the measures.
    (void)fold.Apply(Status(id, 5, DeviationEventKind::kChanged, 12'000'000));
    EXPECT_EQ(fold.Find(id)->measures.size(), 2U);
    EXPECT_EQ(fold.Find(id)->latest.deviation_ore, 12'000'000);
}

TEST(DeviationFold, TakesFieldsFromAnyEventUntilAStatusEventArrives) {
    DeviationFold fold;
    const auto opened = Status("budget:2026:ENH2", 7, DeviationEventKind::kOpened, 1, "ENH2");
    (void)fold.Apply(Command(opened, 8, DeviationEventKind::kAcknowledged));
    const auto* r = fold.Find("budget:2026:ENH2");
    ASSERT_NE(r, nullptr);
    EXPECT_FALSE(r->has_status);
    EXPECT_EQ(r->latest.unit.value(), "ENH2");
    (void)fold.Apply(Status("budget:2026:ENH2", 9, DeviationEventKind::kChanged, 42));
    EXPECT_TRUE(fold.Find("budget:2026:ENH2")->has_status);
    EXPECT_EQ(fold.Find("budget:2026:ENH2")->latest.deviation_ore, 42);
}

TEST(DeviationFold, KeepsOneEscalationPerTargetUnit) {
    DeviationFold fold;
    const auto opened = Status("budget:2026:ENH1", 1, DeviationEventKind::kOpened, 6'000'000);
    (void)fold.Apply(opened);
    auto esc = opened;
    esc.seq = 2;
    esc.event = DeviationEventKind::kEscalated;
    esc.escalation = contracts::Escalation{core::UnitId("SEK"), contracts::OrgLevel::kSektor,
                                           contracts::EscalationReason::kBeyondMandate};
    (void)fold.Apply(esc);
    (void)fold.Apply(esc);
    EXPECT_EQ(fold.Find("budget:2026:ENH1")->escalations.size(), 1U);
}

}  // namespace
}  // namespace bfu::service
