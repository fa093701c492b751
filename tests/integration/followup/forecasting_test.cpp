// Forecasting against the real broker and Redis: a unit's computed forecast appears on
// bfu.forecasts, and a manager's submission (forecast.submit over ZeroMQ) is appended to
// bfu.forecast.submissions and then overrides the computed forecast for its round.
#include <gtest/gtest.h>

#include <algorithm>

#include "bfu/contracts/analysis.hpp"
#include "bfu/forecasting/service.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/status_keys.hpp"
#include "bfu/zmq/zmq.hpp"
#include "in_process.hpp"
#include "unit/services/test_master.hpp"

namespace bfu {
namespace {

using contracts::Forecast;
using contracts::ForecastMethod;
using nlohmann::json;
using namespace std::chrono_literals;

// ENH1 through March: 11 000 000 a month against a budget of 10 000 000 (as analysis writes
// it, totals only). Profile + trend: 127 500 000.
contracts::UnitAggregate Enh1ThroughMarch() {
    contracts::UnitAggregate a;
    a.year = 2026;
    a.unit = core::UnitId("ENH1");
    a.through_period = "202603";
    a.as_of = "2026-04-05T12:00:00.000Z";
    for (std::size_t m = 0; m < 12; ++m) {
        const std::int64_t o = m <= 2 ? 11'000'000 : 0;
        a.totals.months[m] = {o, 10'000'000};
        a.totals.outcome_ore += o;
        a.totals.budget_ore += 10'000'000;
    }
    a.totals.outcome_to_date_ore = 33'000'000;
    a.totals.budget_to_date_ore = 30'000'000;
    return a;
}

TEST(ForecastingIntegration, ASubmissionOverridesTheComputedForecastForItsRound) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    BFU_ASSERT_STACK_VALUE(redis_url, "BFU_REDIS_URL");
    testing::PrefixedTopics topics(brokers);
    ASSERT_TRUE(topics.error().empty()) << topics.error();
    topics.ProduceSnapshot(test::StandardBuilder(topics.prefix()).snapshot());
    const auto agg = Enh1ThroughMarch();
    topics.Produce(contracts::topics::kUnitAggregates, agg.Key(),
                   contracts::EncodeMessage(agg, {"agg-1", "bfu/test", test::TestNow(), "ENH1"}));

    const std::map<std::string, std::string> env = {{"BFU_KAFKA_BROKERS", brokers},
                                                    {"BFU_KAFKA_TOPIC_PREFIX", topics.prefix()},
                                                    {"BFU_REDIS_URL", redis_url},
                                                    {"BFU_REDIS_PREFIX", topics.prefix()},
                                                    {"BFU_ZMQ_ENDPOINT", "tcp://127.0.0.1:0"},
                                                    {"BFU_FOLLOWUP_YEAR", "2026"},
                                                    {"BFU_FOLLOWUP_BUSINESS_DATE", "2026-04-10"}};
    testing::InProcess svc(forecasting::MakeSchema(), env, "forecasting");
    forecasting::Wire(svc.ctx());
    svc.StartAll();
    service::QueryServer* server = nullptr;
    for (auto& c : svc.ctx().components()) {
        if (auto* q = dynamic_cast<service::QueryServer*>(c.get())) server = q;
    }
    ASSERT_NE(server, nullptr);

    // The computed forecast for round 2 (10 April: round 2 closes 30 April).
    auto computed = topics.ReadUntil<Forecast>(contracts::topics::kForecasts,
                                               [](const auto& v) { return !v.empty(); });
    ASSERT_EQ(computed.size(), 1U) << svc.logs();
    EXPECT_EQ(computed[0].round, 2);
    EXPECT_EQ(computed[0].method, ForecastMethod::kBlend);
    EXPECT_EQ(computed[0].total_ore, 127'500'000);

    ::zmq::context_t zctx(1);
    zmq::JsonClient client(zctx, server->endpoint(), {5000ms, 1, {}});
    core::Result<json> submitted = core::Error(core::Errc::kUnavailable, "", "");
    ASSERT_TRUE(testing::Eventually([&] {
        submitted = client.Call({{"op", "forecast.submit"},
                                 {"unit", "ENH1"},
                                 {"amountSek", "1300000"},
                                 {"comment", "Vikarier t.o.m. juni"},
                                 {"by", "maja@ex.se"}});
        return submitted.ok() || submitted.error().code != core::Errc::kUnavailable;
    }));
    ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
    EXPECT_EQ((*submitted)["round"], 2);
    EXPECT_EQ((*submitted)["amountOre"], 130'000'000);

    auto outsider = client.Call({{"op", "forecast.submit"},
                                 {"unit", "ENH1"},
                                 {"amountSek", "1"},
                                 {"comment", "x"},
                                 {"by", "emil@ex.se"}});
    ASSERT_FALSE(outsider.ok());
    EXPECT_EQ(outsider.error().code, core::Errc::kPermissionDenied);

    auto all = topics.ReadUntil<Forecast>(contracts::topics::kForecasts,
                                          [](const auto& v) { return v.size() >= 2; });
    ASSERT_EQ(all.size(), 2U) << svc.logs();
    const auto& manager = all[1];
    EXPECT_EQ(manager.round, 2);
    EXPECT_EQ(manager.method, ForecastMethod::kManager);
    EXPECT_EQ(manager.total_ore, 130'000'000);
    EXPECT_EQ(manager.inputs.submission_comment, "Vikarier t.o.m. juni");
    ASSERT_TRUE(manager.inputs.submitted_by.has_value());
    EXPECT_EQ(manager.inputs.submitted_by->name, "Maja Öberg");
    EXPECT_EQ(manager.Key(), computed[0].Key());

    auto subs = topics.ReadUntil<contracts::ForecastSubmission>(
        contracts::topics::kForecastSubmissions, [](const auto& v) { return !v.empty(); });
    ASSERT_EQ(subs.size(), 1U);
    EXPECT_EQ(subs[0].amount_ore, 130'000'000);

    auto redis = redis::Pool::Create(redis_url);
    ASSERT_TRUE(redis.ok());
    const auto key = service::status_keys::Forecast(topics.prefix(), "ENH1");
    EXPECT_TRUE(testing::Eventually([&] {
        auto h = (*redis)->HGetAll(key);
        return h.ok() && (*h)["method"] == "manager" && (*h)["total_ore"] == "130000000";
    }));
    EXPECT_TRUE(testing::Eventually([&] {
        auto h = (*redis)->HGetAll(key);
        return h.ok() && (*h)["reason"] == "submission";
    }));
    (void)(*redis)->Del({key, service::status_keys::Forecast(topics.prefix(), "ENH2")});

    // The year is not closed on 10 April 2026.
    auto accuracy = client.Call({{"op", "forecast.accuracy"}});
    ASSERT_FALSE(accuracy.ok());
    EXPECT_EQ(accuracy.error().code, core::Errc::kFailedPrecondition);
    EXPECT_FALSE(svc.ShutdownRequested()) << svc.logs();
    svc.StopAll();

    // A restarted instance reads its tables and writes nothing it already wrote: after ENH2's
    // first aggregate the topic holds exactly ENH1's two forecasts and ENH2's first.
    testing::InProcess again(forecasting::MakeSchema(), env, "forecasting");
    forecasting::Wire(again.ctx());
    again.StartAll();
    auto enh2 = Enh1ThroughMarch();
    enh2.unit = core::UnitId("ENH2");
    for (auto& m : enh2.totals.months) m.budget_ore = 20'000'000;
    enh2.totals.budget_ore = 240'000'000;
    enh2.totals.budget_to_date_ore = 60'000'000;
    topics.Produce(contracts::topics::kUnitAggregates, enh2.Key(),
                   contracts::EncodeMessage(enh2, {"agg-2", "bfu/test", test::TestNow(), "ENH2"}));
    auto after = topics.ReadUntil<Forecast>(contracts::topics::kForecasts, [](const auto& v) {
        return std::any_of(v.begin(), v.end(),
                           [](const Forecast& f) { return f.unit.value() == "ENH2"; });
    });
    ASSERT_FALSE(after.empty());
    // Everything of that step is delivered by now; read the whole topic once more, allowing a
    // moment for a duplicate to show (an absence can only be checked within a bound).
    after = topics.ReadUntil<Forecast>(
        contracts::topics::kForecasts, [](const auto& v) { return v.size() > 3; }, 3s);
    const auto of = [&](const char* unit) {
        return std::count_if(after.begin(), after.end(),
                             [&](const Forecast& f) { return f.unit.value() == unit; });
    };
    EXPECT_EQ(of("ENH2"), 1) << again.logs();
    EXPECT_EQ(of("ENH1"), 2) << again.logs();
    EXPECT_FALSE(again.ShutdownRequested()) << again.logs();
}

}  // namespace
}  // namespace bfu
