// Deviation commands: what analysis accepts and refuses, and the events it appends (pure).
#include <gtest/gtest.h>

#include "bfu/analysis/commands.hpp"
#include "test_master.hpp"

namespace bfu::analysis {
namespace {

using contracts::DeviationEventKind;
using nlohmann::json;

class DeviationCommands : public ::testing::Test {
protected:
    void SetUp() override {
        master_ = test::StandardMaster();
        ASSERT_NE(master_, nullptr);
        contracts::DeviationEvent e;
        e.deviation_id = core::DeviationId("budget:2026:ENH1");
        e.seq = 1;
        e.unit = core::UnitId("ENH1");
        e.year = 2026;
        e.period = "202603";
        e.event = DeviationEventKind::kOpened;
        e.at = "2026-03-31T12:00:00.000Z";
        e.budget_ore = 30'000'000;
        e.outcome_ore = 36'000'000;
        e.deviation_ore = 6'000'000;
        e.share = 0.2;
        e.severity = contracts::Severity::kMajor;
        e.responsible = {"Maja Öberg", "enhetschef", "maja@ex.se"};
        e.notified = {{"Olof Björk", "verksamhetschef", "olof@ex.se"}};
        (void)fold_.Apply(e);
    }

    core::Result<CommandDecision> Decide(const json& request) {
        return DecideCommand(request, fold_.Find(request.value("deviation", "")), master_->org,
                             test::TestNow());
    }
    // Applies an accepted command's event, as the table does once it is written.
    void Apply(const core::Result<CommandDecision>& d) {
        ASSERT_TRUE(d.ok()) << d.error().ToString();
        ASSERT_TRUE(d->event.has_value());
        (void)fold_.Apply(*d->event);
    }

    std::shared_ptr<const service::MasterData> master_;
    service::DeviationFold fold_;
};

TEST_F(DeviationCommands, AcknowledgeByTheUnitManagerAppendsTheNextSeq) {
    auto d = Decide({{"op", "deviation.ack"},
                     {"deviation", "budget:2026:ENH1"},
                     {"by", "Maja@Ex.se"},
                     {"comment", "Vi ser över bemanningen"}});
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    ASSERT_TRUE(d->event.has_value());
    const auto& e = *d->event;
    EXPECT_EQ(e.event, DeviationEventKind::kAcknowledged);
    EXPECT_EQ(e.seq, 2);
    EXPECT_EQ(e.Key(), "budget:2026:ENH1");
    ASSERT_TRUE(e.by.has_value());
    EXPECT_EQ(e.by->name, "Maja Öberg");
    EXPECT_EQ(e.by->role, "enhetschef");
    EXPECT_EQ(e.comment, "Vi ser över bemanningen");
    EXPECT_EQ(e.deviation_ore, 6'000'000);  // the deviation's fields as they stand
    EXPECT_TRUE(e.notified.empty());        // nobody is told again
    EXPECT_EQ(e.at, "2026-03-31T12:00:00.000Z");
    EXPECT_EQ(d->reply["applied"], true);
    EXPECT_EQ(d->reply["seq"], 2);
    // The event is valid against its contract.
    auto back = contracts::DeviationEvent::FromJson(e.ToJson());
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, e);
}

TEST_F(DeviationCommands, AcknowledgingAgainAppendsNothing) {
    Apply(
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "olof@ex.se"}}));
    auto again =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "sara@ex.se"}});
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->event.has_value());
    EXPECT_EQ(again->reply["applied"], false);
    EXPECT_EQ(again->reply["by"]["email"], "olof@ex.se");
}

TEST_F(DeviationCommands, ManagersUpTheLineAndItsReportingLinesMayAct) {
    // verksamhet, sektor, nämnd, KF through the tree; förvaltning and KS through the sektor's
    // and the nämnd's reporting lines.
    for (const char* who :
         {"olof@ex.se", "sara@ex.se", "per@ex.se", "karin@ex.se", "maria@ex.se", "lars@ex.se"}) {
        auto d = Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", who}});
        EXPECT_TRUE(d.ok()) << who;
    }
}

TEST_F(DeviationCommands, RefusesSomeoneOutsideTheLine) {
    // ENH2's manager is a peer, not above ENH1.
    for (const char* who : {"emil@ex.se", "nobody@ex.se"}) {
        auto d = Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", who}});
        ASSERT_FALSE(d.ok()) << who;
        EXPECT_EQ(d.error().code, core::Errc::kPermissionDenied);
        EXPECT_EQ(d.error().field, "by");
    }
}

TEST_F(DeviationCommands, RefusesAnUnknownDeviation) {
    auto d =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:NOPE"}, {"by", "maja@ex.se"}});
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().code, core::Errc::kNotFound);
    EXPECT_EQ(d.error().field, "deviation");
}

TEST_F(DeviationCommands, RefusesAckAndNewMeasuresOnAClosedDeviation) {
    auto closed = fold_.Find("budget:2026:ENH1")->latest;
    closed.seq = 2;
    closed.event = DeviationEventKind::kClosed;
    (void)fold_.Apply(closed);
    auto ack =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "maja@ex.se"}});
    ASSERT_FALSE(ack.ok());
    EXPECT_EQ(ack.error().code, core::Errc::kFailedPrecondition);
    auto add = Decide({{"op", "measure.add"},
                       {"deviation", "budget:2026:ENH1"},
                       {"by", "maja@ex.se"},
                       {"what", "Färre vikarier"},
                       {"who", "Maja Öberg"},
                       {"due", "2026-06-30"},
                       {"effectSek", "-50000"}});
    ASSERT_FALSE(add.ok());
    EXPECT_EQ(add.error().code, core::Errc::kFailedPrecondition);
}

TEST_F(DeviationCommands, AddsAMeasureWithItsEffectInOreAndMarksItDone) {
    const json add{{"op", "measure.add"},       {"deviation", "budget:2026:ENH1"},
                   {"by", "maja@ex.se"},        {"what", "Färre vikarier"},
                   {"who", "Maja Öberg"},       {"due", "2026-06-30"},
                   {"effectSek", "-50 000,50"}, {"measure", "m-7f3a"}};
    auto d = Decide(add);
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    ASSERT_TRUE(d->event && d->event->measure);
    EXPECT_EQ(d->event->event, DeviationEventKind::kMeasureAdded);
    EXPECT_EQ(d->event->measure->effect_ore, -5'000'050);
    EXPECT_EQ(d->event->measure->id.value(), "m-7f3a");
    EXPECT_EQ(d->reply["measure"]["effectOre"], -5'000'050);
    Apply(d);

    // The same request again (a client retry) appends nothing; the same id with other
    // content is refused.
    auto retry = Decide(add);
    ASSERT_TRUE(retry.ok());
    EXPECT_FALSE(retry->event.has_value());
    auto other = add;
    other["what"] = "Något annat";
    auto clash = Decide(other);
    ASSERT_FALSE(clash.ok());
    EXPECT_EQ(clash.error().code, core::Errc::kAlreadyExists);

    auto done = Decide({{"op", "measure.done"},
                        {"deviation", "budget:2026:ENH1"},
                        {"measure", "m-7f3a"},
                        {"by", "olof@ex.se"}});
    ASSERT_TRUE(done.ok()) << done.error().ToString();
    ASSERT_TRUE(done->event.has_value());
    EXPECT_EQ(done->event->event, DeviationEventKind::kMeasureDone);
    EXPECT_EQ(done->event->seq, 3);
    EXPECT_EQ(done->event->measure->what, "Färre vikarier");
    auto back = contracts::DeviationEvent::FromJson(done->event->ToJson());
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    Apply(done);
    EXPECT_TRUE(fold_.Find("budget:2026:ENH1")->FindMeasure("m-7f3a")->done);
    auto done_again = Decide({{"op", "measure.done"},
                              {"deviation", "budget:2026:ENH1"},
                              {"measure", "m-7f3a"},
                              {"by", "olof@ex.se"}});
    ASSERT_TRUE(done_again.ok());
    EXPECT_FALSE(done_again->event.has_value());
}

TEST_F(DeviationCommands, AMeasureWithoutAClientIdGetsOneFromTheSeq) {
    auto d = Decide({{"op", "measure.add"},
                     {"deviation", "budget:2026:ENH1"},
                     {"by", "maja@ex.se"},
                     {"what", "Se över scheman"},
                     {"who", "Maja Öberg"},
                     {"due", "2026-05-31"},
                     {"effectSek", -20000}});
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    EXPECT_EQ(d->event->measure->id.value(), "m2");
    EXPECT_EQ(d->event->measure->effect_ore, -2'000'000);
}

TEST_F(DeviationCommands, RefusesAnUnknownMeasure) {
    auto d = Decide({{"op", "measure.done"},
                     {"deviation", "budget:2026:ENH1"},
                     {"measure", "m99"},
                     {"by", "maja@ex.se"}});
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().code, core::Errc::kNotFound);
    EXPECT_EQ(d.error().field, "measure");
}

TEST_F(DeviationCommands, RefusesBadFieldsNamingThem) {
    const json base{{"op", "measure.add"},  {"deviation", "budget:2026:ENH1"},
                    {"by", "maja@ex.se"},   {"what", "Färre vikarier"},
                    {"who", "Maja Öberg"},  {"due", "2026-06-30"},
                    {"effectSek", "-50000"}};
    ASSERT_TRUE(Decide(base).ok());
    struct Case {
        const char* field;
        json value;
    };
    for (const auto& c : std::vector<Case>{{"due", "2026-02-30"},
                                           {"due", "30/6"},
                                           {"effectSek", "1.234"},
                                           {"effectSek", 12.5},
                                           {"what", ""},
                                           {"who", 7},
                                           {"measure", "m:1"},
                                           {"by", ""}}) {
        auto bad = base;
        bad[c.field] = c.value;
        auto d = Decide(bad);
        ASSERT_FALSE(d.ok()) << c.field << " " << c.value.dump();
        EXPECT_EQ(d.error().code, core::Errc::kInvalidArgument) << c.field;
        EXPECT_EQ(d.error().field, c.field);
    }
    auto missing = base;
    missing.erase("effectSek");
    EXPECT_EQ(Decide(missing).error().field, "effectSek");
}

}  // namespace
}  // namespace bfu::analysis
