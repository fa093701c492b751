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
    // The same person again (another person may still acknowledge: the responsible level's
    // acknowledgement is what stops the escalation).
    auto again =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "olof@ex.se"}});
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

TEST_F(DeviationCommands, ACommandIdAppliesARepeatedCommandOnce) {
    const json comment{{"op", "deviation.comment"},
                       {"deviation", "budget:2026:ENH1"},
                       {"by", "olof@ex.se"},
                       {"comment", "Vi ser över schemat"},
                       {"commandId", "link:budget:2026:ENH1:1:email:olof-ex.se:comment"}};
    auto first = Decide(comment);
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    ASSERT_TRUE(first->event.has_value());
    EXPECT_EQ(first->event->command_id, "link:budget:2026:ENH1:1:email:olof-ex.se:comment");
    EXPECT_EQ(first->reply["applied"], true);
    Apply(first);

    // The same command again (a link used twice, a client retry): nothing appended.
    auto again = Decide(comment);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_FALSE(again->event.has_value());
    EXPECT_EQ(again->reply["applied"], false);
    EXPECT_EQ(again->reply["event"], "repeated");
    EXPECT_EQ(again->reply["commandId"], "link:budget:2026:ENH1:1:email:olof-ex.se:comment");
    EXPECT_EQ(again->reply["seq"], 2);
    // Even with other text: the id is the command.
    auto other_text = comment;
    other_text["comment"] = "Något annat";
    auto other = Decide(other_text);
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->event.has_value());
    // Another id is another command.
    auto next = comment;
    next["commandId"] = "link:budget:2026:ENH1:1:email:olof-ex.se:comment2";
    auto d = Decide(next);
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(d->event.has_value());
    EXPECT_EQ(d->event->seq, 3);

    // An acknowledgement and a measure with a command id, sent twice.
    const json ack{{"op", "deviation.ack"},
                   {"deviation", "budget:2026:ENH1"},
                   {"by", "maja@ex.se"},
                   {"commandId", "link:budget:2026:ENH1:1:email:maja-ex.se:ack"}};
    auto a1 = Decide(ack);
    ASSERT_TRUE(a1.ok());
    ASSERT_TRUE(a1->event.has_value());
    EXPECT_EQ(a1->event->command_id, "link:budget:2026:ENH1:1:email:maja-ex.se:ack");
    Apply(a1);
    auto a2 = Decide(ack);
    ASSERT_TRUE(a2.ok());
    EXPECT_FALSE(a2->event.has_value());
    EXPECT_EQ(a2->reply["applied"], false);
    const json add{{"op", "measure.add"},   {"deviation", "budget:2026:ENH1"},
                   {"by", "maja@ex.se"},    {"what", "Färre vikarier"},
                   {"who", "Maja Öberg"},   {"due", "2026-06-30"},
                   {"effectSek", "-25000"}, {"commandId", "cli.7f3a"}};
    auto m1 = Decide(add);
    ASSERT_TRUE(m1.ok()) << m1.error().ToString();
    ASSERT_TRUE(m1->event.has_value());
    Apply(m1);
    auto m2 = Decide(add);
    ASSERT_TRUE(m2.ok());
    EXPECT_FALSE(m2->event.has_value()) << "the measure is not added twice";
    EXPECT_EQ(fold_.Find("budget:2026:ENH1")->measures.size(), 1U);
}

TEST_F(DeviationCommands, RefusesAnInvalidCommandIdNamingTheField) {
    const json base{{"op", "deviation.comment"},
                    {"deviation", "budget:2026:ENH1"},
                    {"by", "olof@ex.se"},
                    {"comment", "Vi ser över schemat"}};
    for (const json& bad : {json(""), json("har mellanslag"), json(":kolon-forst"),
                            json("-streck-forst"), json("a/b"), json("rad\nbrytning"),
                            json(std::string(129, 'a')), json(7), json::array({"x"})}) {
        auto request = base;
        request["commandId"] = bad;
        auto d = Decide(request);
        ASSERT_FALSE(d.ok()) << bad.dump();
        EXPECT_EQ(d.error().code, core::Errc::kInvalidArgument) << bad.dump();
        EXPECT_EQ(d.error().field, "commandId") << bad.dump();
    }
    // The longest and the widest allowed.
    for (const std::string& ok : {std::string(128, 'a'), std::string("A1_.:-z")}) {
        auto request = base;
        request["commandId"] = ok;
        EXPECT_TRUE(Decide(request).ok()) << ok;
    }
}

TEST_F(DeviationCommands, CommentRecordsACommentedEvent) {
    auto d = Decide({{"op", "deviation.comment"},
                     {"deviation", "budget:2026:ENH1"},
                     {"by", "Sara@Ex.se"},
                     {"comment", "Sektorn följer upp i maj"}});
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    ASSERT_TRUE(d->event.has_value());
    const auto& e = *d->event;
    EXPECT_EQ(e.event, DeviationEventKind::kCommented);
    EXPECT_EQ(e.seq, 2);
    EXPECT_EQ(e.comment, "Sektorn följer upp i maj");
    ASSERT_TRUE(e.by.has_value());
    EXPECT_EQ(e.by->name, "Sara Nord");
    EXPECT_EQ(e.by->role, "sektorchef");
    EXPECT_TRUE(e.notified.empty());
    EXPECT_FALSE(e.command_id.has_value());
    EXPECT_EQ(e.deviation_ore, 6'000'000);
    EXPECT_EQ(d->reply["applied"], true);
    EXPECT_EQ(d->reply["event"], "commented");
    auto back = contracts::DeviationEvent::FromJson(e.ToJson());
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, e);
    Apply(d);
    ASSERT_EQ(fold_.Find("budget:2026:ENH1")->comments.size(), 1U);
    EXPECT_EQ(fold_.Find("budget:2026:ENH1")->comments[0].text, "Sektorn följer upp i maj");
    // A comment does not acknowledge.
    EXPECT_FALSE(fold_.Find("budget:2026:ENH1")->acknowledged.has_value());
    auto ack =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "maja@ex.se"}});
    ASSERT_TRUE(ack.ok());
    EXPECT_TRUE(ack->event.has_value());
}

TEST_F(DeviationCommands, RefusesACommentWithoutTextOrFromOutsideTheLine) {
    for (const json& missing : {json(nullptr), json(""), json(12)}) {
        json request{
            {"op", "deviation.comment"}, {"deviation", "budget:2026:ENH1"}, {"by", "maja@ex.se"}};
        if (!missing.is_null()) request["comment"] = missing;
        auto d = Decide(request);
        ASSERT_FALSE(d.ok()) << missing.dump();
        EXPECT_EQ(d.error().code, core::Errc::kInvalidArgument);
        EXPECT_EQ(d.error().field, "comment");
    }
    for (const char* who : {"emil@ex.se", "nobody@ex.se"}) {
        auto d = Decide({{"op", "deviation.comment"},
                         {"deviation", "budget:2026:ENH1"},
                         {"by", who},
                         {"comment", "Hej"}});
        ASSERT_FALSE(d.ok()) << who;
        EXPECT_EQ(d.error().code, core::Errc::kPermissionDenied);
        EXPECT_EQ(d.error().field, "by");
    }
}

// Escalation counts an acknowledgement only from the responsible level or above
// (domain::AckCounts, service::DueEscalationEvent). Once the deviation has escalated past a
// level that acknowledged, the now responsible manager must still be able to acknowledge, or
// nothing stops the escalation.
TEST_F(DeviationCommands, TheResponsibleLevelCanAcknowledgeAfterALowerLevelDid) {
    auto escalated = fold_.Find("budget:2026:ENH1")->latest;
    escalated.seq = 2;
    escalated.event = DeviationEventKind::kEscalated;
    escalated.escalation =
        contracts::Escalation{core::UnitId("VER"), contracts::OrgLevel::kVerksamhet,
                              contracts::EscalationReason::kNotAcknowledged};
    escalated.respond_by = "2026-04-08T12:00:00.000Z";
    escalated.command_id = "escalation:1:1";
    (void)fold_.Apply(escalated);
    // The enhetschef acknowledges late: recorded, but it does not stop the escalation.
    Apply(
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "maja@ex.se"}}));
    // The verksamhetschef, now responsible, acknowledges.
    auto d =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "olof@ex.se"}});
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    EXPECT_TRUE(d->event.has_value())
        << "the verksamhetschef's acknowledgement is answered as a repeat of the enhetschef's "
           "(reply "
        << d->reply.dump() << "), so the deviation escalates further although the responsible "
        << "level acknowledged";
}

TEST_F(DeviationCommands, ADeviationOpenedAgainCanBeAcknowledgedAgain) {
    Apply(
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "maja@ex.se"}}));
    auto closed = fold_.Find("budget:2026:ENH1")->latest;
    closed.seq = 3;
    closed.event = DeviationEventKind::kClosed;
    closed.by.reset();
    closed.comment.reset();
    (void)fold_.Apply(closed);
    auto reopened = closed;
    reopened.seq = 4;
    reopened.event = DeviationEventKind::kOpened;
    reopened.at = "2026-05-04T08:00:00.000Z";
    reopened.respond_by = "2026-05-06T08:00:00.000Z";
    (void)fold_.Apply(reopened);
    auto d =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "maja@ex.se"}});
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    EXPECT_TRUE(d->event.has_value())
        << "the new episode's acknowledgement is answered as a repeat of the first episode's "
           "(reply "
        << d->reply.dump() << "), so the re-opened deviation escalates although acknowledged";
}

}  // namespace
}  // namespace bfu::analysis
