// Deviation commands: what analysis accepts and refuses, and the events it appends (pure).
// Since the decide stage (#12) analysis takes only the acknowledgement; measures and comments
// are the casework service's (their tests are casework's).
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

TEST_F(DeviationCommands, RefusesAckOnAClosedDeviationNeverAcknowledged) {
    auto closed = fold_.Find("budget:2026:ENH1")->latest;
    closed.seq = 2;
    closed.event = DeviationEventKind::kClosed;
    (void)fold_.Apply(closed);
    auto ack =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "maja@ex.se"}});
    ASSERT_FALSE(ack.ok());
    EXPECT_EQ(ack.error().code, core::Errc::kFailedPrecondition);
    EXPECT_EQ(ack.error().field, "deviation");
}

TEST_F(DeviationCommands, AClosedDeviationAcknowledgedBeforeAnswersAsThen) {
    Apply(
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "maja@ex.se"}}));
    auto closed = fold_.Find("budget:2026:ENH1")->latest;
    closed.seq = 3;
    closed.event = DeviationEventKind::kClosed;
    closed.by.reset();
    closed.comment.reset();
    (void)fold_.Apply(closed);
    // Another person acknowledging the closed deviation: nothing appended, the first answer.
    auto late =
        Decide({{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "olof@ex.se"}});
    ASSERT_TRUE(late.ok()) << late.error().ToString();
    EXPECT_FALSE(late->event.has_value());
    EXPECT_EQ(late->reply["applied"], false);
    EXPECT_EQ(late->reply["by"]["email"], "maja@ex.se");
    EXPECT_EQ(late->reply["at"], "2026-03-31T12:00:00.000Z");
    EXPECT_EQ(late->reply["seq"], 3);
}

TEST_F(DeviationCommands, RefusesTheOpsThatMovedToCaseworkNamingThem) {
    // Measures and comments are the casework service's (measure.propose, measure.status,
    // comment.add): analysis appends nothing for them, whatever the request holds.
    for (const char* op : {"measure.add", "measure.done", "deviation.comment"}) {
        auto d = Decide({{"op", op},
                         {"deviation", "budget:2026:ENH1"},
                         {"by", "maja@ex.se"},
                         {"what", "Färre vikarier"},
                         {"who", "Maja Öberg"},
                         {"due", "2026-06-30"},
                         {"effectSek", "-50000"},
                         {"measure", "m-1"},
                         {"comment", "Hej"}});
        ASSERT_FALSE(d.ok()) << op;
        EXPECT_EQ(d.error().code, core::Errc::kInvalidArgument) << op;
        EXPECT_EQ(d.error().field, "op") << op;
        EXPECT_NE(d.error().message.find("casework"), std::string::npos) << d.error().message;
    }
    // An unknown op is refused before the deviation is looked up or the person checked.
    for (const json& op : {json("deviation.close"), json(""), json(7)}) {
        json request{{"deviation", "budget:2026:NOPE"}, {"by", "nobody@ex.se"}};
        request["op"] = op;
        auto d = DecideCommand(request, nullptr, master_->org, test::TestNow());
        ASSERT_FALSE(d.ok()) << op.dump();
        EXPECT_EQ(d.error().code, core::Errc::kInvalidArgument) << op.dump();
        EXPECT_EQ(d.error().field, "op") << op.dump();
    }
    auto not_an_object = DecideCommand(json::array(), nullptr, master_->org, test::TestNow());
    ASSERT_FALSE(not_an_object.ok());
    EXPECT_EQ(not_an_object.error().field, "op");
}

TEST_F(DeviationCommands, RefusesBadFieldsNamingThem) {
    const json base{{"op", "deviation.ack"},
                    {"deviation", "budget:2026:ENH1"},
                    {"by", "maja@ex.se"},
                    {"comment", "Tagen"}};
    ASSERT_TRUE(Decide(base).ok());
    struct Case {
        const char* field;
        json value;
    };
    for (const auto& c : std::vector<Case>{{"deviation", ""},
                                           {"deviation", 7},
                                           {"by", ""},
                                           {"by", json::array({"maja@ex.se"})},
                                           {"comment", ""},
                                           {"comment", 12}}) {
        auto bad = base;
        bad[c.field] = c.value;
        auto d = DecideCommand(bad, fold_.Find("budget:2026:ENH1"), master_->org, test::TestNow());
        ASSERT_FALSE(d.ok()) << c.field << " " << c.value.dump();
        EXPECT_EQ(d.error().code, core::Errc::kInvalidArgument) << c.field;
        EXPECT_EQ(d.error().field, c.field);
    }
    for (const char* field : {"deviation", "by"}) {
        auto missing = base;
        missing.erase(field);
        auto d =
            DecideCommand(missing, fold_.Find("budget:2026:ENH1"), master_->org, test::TestNow());
        ASSERT_FALSE(d.ok()) << field;
        EXPECT_EQ(d.error().field, field);
    }
}

TEST_F(DeviationCommands, ACommandIdAppliesARepeatedCommandOnce) {
    const json ack{{"op", "deviation.ack"},
                   {"deviation", "budget:2026:ENH1"},
                   {"by", "olof@ex.se"},
                   {"comment", "Vi ser över schemat"},
                   {"commandId", "link:budget:2026:ENH1:1:email:olof-ex.se:ack"}};
    auto first = Decide(ack);
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    ASSERT_TRUE(first->event.has_value());
    EXPECT_EQ(first->event->command_id, "link:budget:2026:ENH1:1:email:olof-ex.se:ack");
    EXPECT_EQ(first->reply["applied"], true);
    // The event, with its command id, is valid against its contract.
    auto back = contracts::DeviationEvent::FromJson(first->event->ToJson());
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, *first->event);
    Apply(first);

    // The same command again (a link used twice, a client retry): nothing appended.
    auto again = Decide(ack);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_FALSE(again->event.has_value());
    EXPECT_EQ(again->reply["applied"], false);
    EXPECT_EQ(again->reply["event"], "repeated");
    EXPECT_EQ(again->reply["commandId"], "link:budget:2026:ENH1:1:email:olof-ex.se:ack");
    EXPECT_EQ(again->reply["seq"], 2);
    // Even from another person who has not acknowledged, with another comment: the id is the
    // command.
    auto other_person = ack;
    other_person["by"] = "maja@ex.se";
    other_person["comment"] = "Något annat";
    auto other = Decide(other_person);
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->event.has_value());
    EXPECT_EQ(other->reply["event"], "repeated");
    // Another id is another command: that person's acknowledgement is appended.
    auto next = other_person;
    next["commandId"] = "cli-0a1b2c3d4e5f6071";
    auto d = Decide(next);
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(d->event.has_value());
    EXPECT_EQ(d->event->seq, 3);
    EXPECT_EQ(d->event->command_id, "cli-0a1b2c3d4e5f6071");
    Apply(d);
    // The repeat is recognised after other events too, and still answers with the latest seq.
    auto late = Decide(ack);
    ASSERT_TRUE(late.ok());
    EXPECT_FALSE(late->event.has_value());
    EXPECT_EQ(late->reply["seq"], 3);
    // A refused command records nothing: its id may be sent again once the cause is gone.
    auto closed_ack = ack;
    closed_ack["commandId"] = "cli-refused-once";
    closed_ack["by"] = "emil@ex.se";
    auto refused = Decide(closed_ack);
    ASSERT_FALSE(refused.ok());
    closed_ack["by"] = "sara@ex.se";
    auto accepted = Decide(closed_ack);
    ASSERT_TRUE(accepted.ok()) << accepted.error().ToString();
    EXPECT_TRUE(accepted->event.has_value());
}

TEST_F(DeviationCommands, RefusesAnInvalidCommandIdNamingTheField) {
    const json base{{"op", "deviation.ack"},
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
