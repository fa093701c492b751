// The deviation table and analysis's deviation command (the acknowledgement) against the real
// broker: acknowledgements over ZeroMQ become events on bfu.deviations with the next seq, a
// command id sent again is applied once, refusals carry a reason, the measure and comment ops
// (casework's since #12) are not analysis's, and a second reader started later folds the same
// state from the topic.
#include <gtest/gtest.h>

#include "bfu/analysis/commands.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/service_config.hpp"
#include "bfu/zmq/zmq.hpp"
#include "in_process.hpp"
#include "unit/services/test_master.hpp"

namespace bfu {
namespace {

using contracts::DeviationEvent;
using contracts::DeviationEventKind;
using nlohmann::json;
using namespace std::chrono_literals;

config::Schema AnalysisLikeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "analysis");
    service::AddFollowUpFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:0");
    return s;
}

DeviationEvent Opened() {
    DeviationEvent e;
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
    return e;
}

TEST(DeviationCommandsIntegration, CommandsBecomeEventsAndAnotherReaderFoldsThem) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    testing::PrefixedTopics topics(brokers);
    ASSERT_TRUE(topics.error().empty()) << topics.error();
    topics.ProduceSnapshot(test::StandardBuilder(topics.prefix()).snapshot());
    const auto opened = Opened();
    topics.Produce(contracts::topics::kDeviations, opened.Key(),
                   contracts::EncodeMessage(
                       opened, {"budget:2026:ENH1:1", "bfu/test", test::TestNow(), "ENH1"}));

    const std::map<std::string, std::string> env = {{"BFU_KAFKA_BROKERS", brokers},
                                                    {"BFU_KAFKA_TOPIC_PREFIX", topics.prefix()},
                                                    {"BFU_FOLLOWUP_YEAR", "2026"}};
    testing::InProcess svc(AnalysisLikeSchema(), env, "analysis");
    auto master =
        service::MasterFeed::Add(svc.ctx(), "analysis",
                                 {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                                  contracts::topics::kMasterBudget});
    auto& server = svc.ctx().Emplace<service::QueryServer>("tcp://127.0.0.1:0", svc.ctx());
    analysis::AddDeviationCommands(svc.ctx(), master);
    svc.StartAll();
    ASSERT_TRUE(testing::Eventually([&] { return master->Latest() != nullptr; })) << svc.logs();

    ::zmq::context_t zctx(1);
    zmq::JsonClient client(zctx, server.endpoint(), {5000ms, 1, {}});
    // The table catches up in the background; until then commands are refused as unavailable.
    core::Result<json> ack = core::Error(core::Errc::kUnavailable, "", "");
    ASSERT_TRUE(testing::Eventually([&] {
        ack = client.Call({{"op", "deviation.ack"},
                           {"deviation", "budget:2026:ENH1"},
                           {"by", "olof@ex.se"},
                           {"comment", "Tagen"}});
        return ack.ok() || ack.error().code != core::Errc::kUnavailable;
    })) << svc.logs();
    ASSERT_TRUE(ack.ok()) << ack.error().ToString();
    EXPECT_EQ((*ack)["seq"], 2);
    EXPECT_EQ((*ack)["applied"], true);

    // A second person's acknowledgement with a command id, sent twice (a client retry):
    // appended once.
    const json ack2{{"op", "deviation.ack"},
                    {"deviation", "budget:2026:ENH1"},
                    {"by", "maja@ex.se"},
                    {"commandId", "cli-integration-1"}};
    auto first = client.Call(ack2);
    ASSERT_TRUE(first.ok()) << first.error().ToString();
    EXPECT_EQ((*first)["seq"], 3);
    EXPECT_EQ((*first)["applied"], true);
    // Right after, before the reader has read it back: the command id is known.
    auto again = client.Call(ack2);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_EQ((*again)["applied"], false);
    EXPECT_EQ((*again)["event"], "repeated");
    EXPECT_EQ((*again)["seq"], 3);

    auto unknown = client.Call(
        {{"op", "deviation.ack"}, {"deviation", "budget:2026:NOPE"}, {"by", "maja@ex.se"}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, core::Errc::kNotFound);
    auto outsider = client.Call(
        {{"op", "deviation.ack"}, {"deviation", "budget:2026:ENH1"}, {"by", "emil@ex.se"}});
    ASSERT_FALSE(outsider.ok());
    EXPECT_EQ(outsider.error().code, core::Errc::kPermissionDenied);
    EXPECT_EQ(outsider.error().field, "by");
    // Measures and comments are casework's now: analysis does not know these operations.
    for (const char* op : {"measure.add", "measure.done", "deviation.comment"}) {
        auto moved = client.Call({{"op", op},
                                  {"deviation", "budget:2026:ENH1"},
                                  {"by", "maja@ex.se"},
                                  {"what", "Färre vikarier"},
                                  {"who", "Maja Öberg"},
                                  {"due", "2026-06-30"},
                                  {"effectSek", "-50000"},
                                  {"measure", "m-1"},
                                  {"comment", "Hej"}});
        ASSERT_FALSE(moved.ok()) << op;
        EXPECT_EQ(moved.error().field, "op") << op;
    }

    // On the topic: opened and the two acknowledgements, in seq order; nothing else.
    auto events = topics.ReadUntil<DeviationEvent>(contracts::topics::kDeviations,
                                                   [](const auto& v) { return v.size() >= 3; });
    ASSERT_EQ(events.size(), 3U);
    EXPECT_EQ(events[1].event, DeviationEventKind::kAcknowledged);
    EXPECT_EQ(events[1].seq, 2);
    EXPECT_EQ(events[1].by->email, "olof@ex.se");
    EXPECT_EQ(events[1].comment, "Tagen");
    EXPECT_EQ(events[2].event, DeviationEventKind::kAcknowledged);
    EXPECT_EQ(events[2].seq, 3);
    EXPECT_EQ(events[2].by->email, "maja@ex.se");
    EXPECT_EQ(events[2].command_id, "cli-integration-1");

    // A reader started now (another instance) folds the same state from the topic.
    auto& table2 = svc.ctx().Emplace<service::DeviationTable>(
        service::KafkaSettings(svc.ctx().config(), "analysis", "second"),
        topics.Topic(contracts::topics::kDeviations), svc.ctx());
    table2.Start();
    ASSERT_TRUE(table2.WaitCaughtUp(30s));
    auto r = table2.Find("budget:2026:ENH1");
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->open);
    EXPECT_EQ(r->last_seq, 3);
    ASSERT_TRUE(r->acknowledged.has_value());
    EXPECT_EQ(r->acknowledged->by.name, "Olof Björk");
    EXPECT_EQ(r->episode.acks.size(), 2U);
    EXPECT_TRUE(r->HasCommand("cli-integration-1"));
    EXPECT_TRUE(r->measures.empty());
    EXPECT_EQ(table2.ForUnit("ENH1").size(), 1U);
    EXPECT_EQ(table2.Open().size(), 1U);
    table2.Stop();
    EXPECT_FALSE(svc.ShutdownRequested()) << svc.logs();
}

}  // namespace
}  // namespace bfu
