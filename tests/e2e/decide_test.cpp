// The decide stage end to end (issue #12): the built ingest, analysis, forecasting and casework
// against the real broker and Redis, on the simulated business clock.
//   A deviation beyond the sektor's mandate -> the sektorchef proposes two measures in two
//   verksamheter and an action plan -> the nämnd's decision "§ 45/2026" is recorded by its
//   secretary -> the plan and its measures are decided, the forecast with measures moves by
//   their expected effect, the sektor's casework in Redis shows the plan, the decision and the
//   covered and uncovered amounts; refusals change nothing; after a restart of every service
//   nothing of it has changed. A budget revision decided in June: the status as of a day in May
//   shows the earlier budget, as of July the revised one.
#include <gtest/gtest.h>

#include <map>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/zmq/zmq.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::Eventually;
using bfu::testing::FreePort;
using nlohmann::json;

constexpr int kYear = 2026;
const std::string kSara = "sara.nord@exempelkommun.se";            // sektorchef S2
const std::string kSecretary = "sekreterare.on@exempelkommun.se";  // Omsorgsnämnden
const std::string kNils = "nils.gran@exempelkommun.se";            // enhetschef E111 (BUN)
const std::string kDeviation = "budget:2026:S2";

class DecideE2e : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("decide"));
        kafka::KafkaConfig pc;
        pc.brokers = brokers_;
        auto p = kafka::Producer::Create(pc);
        ASSERT_TRUE(p.ok()) << p.error().ToString();
        producer_ = std::move(p).value();
        auto r = redis::Pool::Create(redis_url_);
        ASSERT_TRUE(r.ok()) << r.error().ToString();
        redis_ = std::move(r).value();
    }
    void TearDown() override { CloseRun(); }

    void StartAll() {
        for (const std::string name : {"ingest", "analysis", "forecasting", "casework"}) {
            auto it = envs_.find(name);
            if (it == envs_.end()) {
                auto env = ServiceEnv(name, kYear, FreePort());
                env["BFU_CLOCK_MODE"] = "simulated";
                env["BFU_CLOCK_START"] = "2026-03-02T09:00:00+01:00";
                it = envs_.emplace(name, env).first;
            }
            ASSERT_NO_FATAL_FAILURE(StartService(name, it->second));
        }
        ASSERT_NO_FATAL_FAILURE(WaitReady());
        casework_ = std::make_unique<zmq::JsonClient>(
            zctx_, envs_.at("casework").at("BFU_ZMQ_ENDPOINT"),
            zmq::ClientOptions{std::chrono::milliseconds(5000), 2, {}});
    }

    void StopAll() {
        for (auto& [name, p] : services_) p->Terminate(10s);
        services_.clear();
        http_ports_.clear();
        casework_.reset();
    }

    void PublishMaster() {
        auto m = cli::MakeExampleMunicipality(kYear);
        for (auto& u : m.org) {
            if (u.id.value() == "ON") {
                u.secretary = contracts::Person{"Siv Sekreterare", "nämndsekreterare", kSecretary};
            }
        }
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.org));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.accounts));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.budgets));
        const double records =
            static_cast<double>(m.org.size() + m.accounts.size() + m.budgets.size());
        for (const std::string s : {"analysis", "casework", "forecasting"}) {
            ASSERT_TRUE(Eventually([&] { return Metric(s, "bfu_master_records") >= records; }, 60s))
                << s;
        }
        ASSERT_TRUE(Eventually(
            [&] {
                return Metric("ingest", "bfu_master_records") >=
                       static_cast<double>(m.org.size() + m.accounts.size());
            },
            60s));
    }

    void Voucher(const std::string& id, const std::string& date, const std::string& unit,
                 std::int64_t ore) {
        contracts::Voucher v;
        v.source = core::SourceId("e2e-erp");
        v.voucher_id = core::VoucherId(id);
        v.series = "A";
        v.date = date;
        v.text = "Löner " + unit;
        contracts::VoucherLine cost;
        cost.account = core::AccountNo("5011");
        cost.unit = core::UnitId(unit);
        cost.amount_ore = ore;
        contracts::VoucherLine bank = cost;
        bank.account = core::AccountNo("1930");
        bank.amount_ore = -ore;
        v.lines = {cost, bank};
        ASSERT_TRUE(
            producer_->Produce(Topic(contracts::topics::kErpVouchers), v.Key(), v.ToJson().dump())
                .ok());
        ASSERT_TRUE(producer_->Flush(30s).ok());
    }

    void SetClock(const std::string& now) {
        contracts::ClockTick tick;
        tick.now = now;
        tick.by = "e2e";
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, std::vector<contracts::ClockTick>{tick}));
    }

    core::Result<json> Casework(json request) { return casework_->Call(request); }

    // The unit's casework summary in Redis, or null.
    json Summary(const std::string& unit) {
        auto r = redis_->Command({"GET", prefix_ + "casework:" + unit});
        if (!r.ok() || r->str.empty()) return nullptr;
        return json::parse(r->str, nullptr, false);
    }

    // The latest forecast of a unit (highest round, then latest made), or nullopt.
    std::optional<contracts::Forecast> LatestForecast(const std::string& unit) {
        std::optional<contracts::Forecast> out;
        for (const auto& m :
             bfu::testing::ReadTopic(brokers_, Topic(contracts::topics::kForecasts), 0, 10s)) {
            auto f = contracts::DecodeMessage<contracts::Forecast>(m.value);
            if (!f.ok() || f->unit.value() != unit || f->year != kYear) continue;
            if (!out || f->round > out->round ||
                (f->round == out->round && f->made_at >= out->made_at)) {
                out = std::move(f).value();
            }
        }
        return out;
    }

    template <typename T>
    std::vector<T> Events(std::string_view base) {
        std::vector<T> out;
        for (const auto& m : bfu::testing::ReadTopic(brokers_, Topic(base), 0, 10s)) {
            auto e = contracts::DecodeMessage<T>(m.value);
            if (e.ok()) out.push_back(std::move(e).value());
        }
        return out;
    }

    std::unique_ptr<kafka::Producer> producer_;
    std::shared_ptr<redis::Pool> redis_;
    std::map<std::string, std::map<std::string, std::string>> envs_;
    ::zmq::context_t zctx_{1};
    std::unique_ptr<zmq::JsonClient> casework_;
};

TEST_F(DecideE2e, APlanBeyondTheSektorsMandateIsDecidedAndMovesTheForecast) {
    ASSERT_NO_FATAL_FAILURE(StartAll());
    ASSERT_NO_FATAL_FAILURE(PublishMaster());
    // January: three enheter of Sektor omsorg overspend on personnel, 2 250 348 kr in all on the
    // sektor: beyond its 2 000 000 kr mandate. February's first voucher completes January.
    ASSERT_NO_FATAL_FAILURE(Voucher("D-1", "2026-01-25", "E211", 150'000'000));
    ASSERT_NO_FATAL_FAILURE(Voucher("D-2", "2026-01-25", "E212", 120'000'000));
    ASSERT_NO_FATAL_FAILURE(Voucher("D-3", "2026-01-25", "E221", 200'000'000));
    ASSERT_NO_FATAL_FAILURE(Voucher("D-4", "2026-02-02", "E111", 10'000));
    // Read until the deviation is there (one read of the topic may come back early under load).
    std::int64_t deviation_ore = 0;
    bool within_mandate = true;
    ASSERT_TRUE(Eventually(
        [&] {
            bool found = false;
            for (const auto& e :
                 Events<contracts::DeviationEvent>(contracts::topics::kDeviations)) {
                if (e.deviation_id.value() == kDeviation) {
                    found = true;
                    deviation_ore = e.deviation_ore.value_or(0);
                    within_mandate = e.within_mandate;
                }
            }
            return found;
        },
        60s));
    EXPECT_FALSE(within_mandate);
    ASSERT_GT(deviation_ore, 200'000'000);

    // The sektorchef's two measures, in Hemtjänst and Särskilt boende, from April.
    auto m1 = Casework({{"op", "measure.propose"},
                        {"deviation", kDeviation},
                        {"area", "V21"},
                        {"text", "Färre timvikarier i hemtjänsten"},
                        {"effectSekPerMonth", "-150000"},
                        {"from", "2026-04"},
                        {"measure", "m-hemtjanst"},
                        {"by", kSara},
                        {"commandId", "e2e-m1"}});
    ASSERT_TRUE(m1.ok()) << m1.error().ToString();
    auto m2 = Casework({{"op", "measure.propose"},
                        {"deviation", kDeviation},
                        {"area", "V22"},
                        {"text", "Samordnad bemanning på boendena"},
                        {"effectSekPerMonth", -100000},
                        {"from", "2026-04"},
                        {"measure", "m-boende"},
                        {"by", kSara},
                        {"commandId", "e2e-m2"}});
    ASSERT_TRUE(m2.ok()) << m2.error().ToString();
    // The same command id again: applied once.
    auto again = Casework({{"op", "measure.propose"},
                           {"deviation", kDeviation},
                           {"area", "V22"},
                           {"text", "Samordnad bemanning på boendena"},
                           {"effectSekPerMonth", -100000},
                           {"from", "2026-04"},
                           {"measure", "m-boende"},
                           {"by", kSara},
                           {"commandId", "e2e-m2"}});
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_EQ((*again)["applied"], false);

    auto plan = Casework({{"op", "plan.draft"},
                          {"sektor", "S2"},
                          {"plan", "plan-omsorg-2026"},
                          {"title", "Åtgärdsplan personalkostnader omsorg"},
                          {"text", "Timvikarier och bemanning i två verksamheter."},
                          {"deviations", {kDeviation}},
                          {"measures", {"m-hemtjanst", "m-boende"}},
                          {"by", kSara},
                          {"commandId", "e2e-plan"}});
    ASSERT_TRUE(plan.ok()) << plan.error().ToString();
    EXPECT_EQ((*plan)["body"], "ON");
    // An enhetschef in another nämnd's line may not touch it: refused, nothing changes.
    auto outsider = Casework({{"op", "plan.propose"}, {"plan", "plan-omsorg-2026"}, {"by", kNils}});
    ASSERT_FALSE(outsider.ok());
    EXPECT_EQ(outsider.error().code, core::Errc::kPermissionDenied);
    auto proposed = Casework({{"op", "plan.propose"}, {"plan", "plan-omsorg-2026"}, {"by", kSara}});
    ASSERT_TRUE(proposed.ok()) << proposed.error().ToString();

    // Only the nämnd's secretary or chair records its decisions.
    json decision{{"op", "decision.record"},
                  {"ref", "§ 45/2026"},
                  {"body", "ON"},
                  {"date", "2026-03-16"},
                  {"meeting", "Omsorgsnämndens sammanträde"},
                  {"text", "Nämnden beslutar att anta åtgärdsplanen."},
                  {"subject", "plan"},
                  {"ids", {"plan-omsorg-2026"}},
                  {"outcome", "bifall"},
                  {"by", kSara}};
    auto not_secretary = Casework(decision);
    ASSERT_FALSE(not_secretary.ok());
    EXPECT_EQ(not_secretary.error().code, core::Errc::kPermissionDenied);
    decision["by"] = kSecretary;
    auto decided = Casework(decision);
    ASSERT_TRUE(decided.ok()) << decided.error().ToString();
    // Deciding the plan twice is refused, and nothing changes.
    decision["ref"] = "§ 46/2026";
    auto twice = Casework(decision);
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().code, core::Errc::kFailedPrecondition);

    auto plans = Events<contracts::PlanEvent>(contracts::topics::kCasePlans);
    ASSERT_EQ(plans.size(), 3u);  // drafted, proposed, decided
    EXPECT_EQ(plans.back().plan.state, contracts::PlanState::kDecided);
    EXPECT_EQ(plans.back().plan.decision_ref.value_or(""), "§ 45/2026");
    auto decisions = Events<contracts::DecisionEvent>(contracts::topics::kCaseDecisions);
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].by.email.value_or(""), kSecretary);

    // The forecast with measures moves by their expected effect over the months it has not
    // seen: April–December, 9 × (150 000 + 100 000) kr less.
    constexpr std::int64_t kEffect = -9 * (15'000'000 + 10'000'000);
    std::optional<contracts::Forecast> forecast;
    ASSERT_TRUE(Eventually(
        [&] {
            forecast = LatestForecast("S2");
            return forecast && forecast->measures_effect_ore == kEffect;
        },
        60s))
        << (forecast ? forecast->ToJson().dump() : std::string("no forecast"));
    EXPECT_EQ(forecast->with_measures_ore, forecast->total_ore + kEffect);
    auto verksamhet = LatestForecast("V21");
    ASSERT_TRUE(verksamhet.has_value());
    EXPECT_EQ(verksamhet->measures_effect_ore, -9 * 15'000'000);

    // The sektor's casework in Redis: the plan, the decision, covered and uncovered.
    json s2;
    ASSERT_TRUE(Eventually(
        [&] {
            s2 = Summary("S2");
            return s2.is_object() && !s2["plans"].empty() &&
                   s2["plans"][0]["stateCode"] == "beslutad" && !s2["deviations"].empty() &&
                   s2["deviations"][0]["coveredOre"] != 0;
        },
        30s))
        << s2.dump();
    EXPECT_EQ(s2["plans"][0]["decisionRef"], "§ 45/2026");
    EXPECT_EQ(s2["decisions"][0]["ref"], "§ 45/2026");
    const auto dev = s2["deviations"][0];
    EXPECT_EQ(dev["id"], kDeviation);
    EXPECT_EQ(dev["coveredOre"].get<std::int64_t>(), std::min(deviation_ore, -kEffect));
    EXPECT_EQ(dev["uncoveredOre"].get<std::int64_t>(),
              dev["deviationOre"].get<std::int64_t>() - dev["coveredOre"].get<std::int64_t>());
    ASSERT_EQ(s2["measures"].size(), 2u);
    for (const auto& m : s2["measures"]) EXPECT_EQ(m["statusCode"], "beslutad");

    // The managers' web page speaks HTTP JSON to casework: a comment on the deviation, a refusal
    // naming its field in Swedish, and the sektor's casework as the page reads it.
    const int http = http_ports_.at("casework");
    auto commented = bfu::testing::HttpRequest(http, "POST", "/v1/casework",
                                               json{{"op", "comment.add"},
                                                    {"deviation", kDeviation},
                                                    {"text", "Vi följer upp bemanningen i maj."},
                                                    {"by", kSara},
                                                    {"commandId", "e2e-comment"}}
                                                   .dump(),
                                               {"Content-Type: application/json"});
    ASSERT_EQ(commented.status, 200) << commented.body;
    EXPECT_EQ(json::parse(commented.body)["result"]["unit"], "S2") << commented.body;
    auto no_text = bfu::testing::HttpRequest(
        http, "POST", "/v1/casework",
        json{{"op", "comment.add"}, {"deviation", kDeviation}, {"by", kSara}}.dump(),
        {"Content-Type: application/json"});
    EXPECT_EQ(no_text.status, 400) << no_text.body;
    const json refusal = json::parse(no_text.body, nullptr, false);
    EXPECT_EQ(refusal["error"]["field"], "text") << no_text.body;
    EXPECT_NE(refusal["error"]["message"].get<std::string>().find("kommentarens text"),
              std::string::npos)
        << no_text.body;
    json page;
    ASSERT_TRUE(Eventually(
        [&] {
            auto r = bfu::testing::HttpGet(http, "/v1/casework/units/S2");
            if (r.status != 200) return false;
            page = json::parse(r.body, nullptr, false);
            return page.is_object() && page["result"]["comments"].size() == 1;
        },
        30s))
        << page.dump();
    EXPECT_EQ(page["result"]["plans"][0]["decisionRef"], "§ 45/2026");
    EXPECT_EQ(page["result"]["comments"][0]["text"], "Vi följer upp bemanningen i maj.");
    EXPECT_EQ(bfu::testing::HttpGet(http, "/v1/casework/units/FINNS-INTE").status, 404);
    ASSERT_TRUE(Eventually([&] { return Summary("S2")["comments"].size() == 1; }, 30s));

    // bfu status S2 shows it to the controller, in Swedish.
    {
        const auto out = dir_ / "status-S2.txt";
        bfu::testing::ChildProcess bfu(bfu::testing::BinaryDir() + "/tools/bfu",
                                       {{"BFU_KAFKA_BROKERS", brokers_},
                                        {"BFU_KAFKA_TOPIC_PREFIX", prefix_},
                                        {"BFU_REDIS_URL", redis_url_},
                                        {"BFU_REDIS_PREFIX", prefix_}},
                                       out.string(), {"status", "S2"});
        ASSERT_TRUE(Eventually([&] { return !bfu.Running(); }, 60s));
        const std::string text = bfu::testing::Slurp(out);
        for (const std::string want :
             {"Åtgärder och beslut", "Åtgärdsplan personalkostnader omsorg", "beslut § 45/2026",
              "senaste beslut: § 45/2026", "Färre timvikarier i hemtjänsten",
              "Vi följer upp bemanningen i maj."}) {
            EXPECT_NE(text.find(want), std::string::npos) << want << "\n---\n" << text;
        }
    }

    // Every service restarts: nothing of it has changed.
    const json before = Summary("S2");
    const auto forecast_before = LatestForecast("S2");
    ASSERT_NO_FATAL_FAILURE(StopAll());
    ASSERT_TRUE(redis_->Command({"DEL", prefix_ + "casework:S2"}).ok());
    ASSERT_NO_FATAL_FAILURE(StartAll());
    json after;
    ASSERT_TRUE(Eventually(
        [&] {
            after = Summary("S2");
            return after == before;
        },
        60s))
        << "before: " << before.dump() << "\nafter: " << after.dump();
    std::this_thread::sleep_for(3s);
    const auto forecast_after = LatestForecast("S2");
    ASSERT_TRUE(forecast_after.has_value());
    EXPECT_EQ(forecast_after->measures_effect_ore, forecast_before->measures_effect_ore);
    EXPECT_EQ(forecast_after->total_ore, forecast_before->total_ore);
    // The restarted casework still refuses deciding the plan twice.
    auto twice_after = Casework(decision);
    ASSERT_FALSE(twice_after.ok());
    EXPECT_EQ(twice_after.error().code, core::Errc::kFailedPrecondition);
    EXPECT_EQ(Events<contracts::PlanEvent>(contracts::topics::kCasePlans).size(), 3u);
}

TEST_F(DecideE2e, ABudgetRevisionShowsAsOfTheDayItWasDecided) {
    ASSERT_NO_FATAL_FAILURE(StartAll());
    ASSERT_NO_FATAL_FAILURE(PublishMaster());
    ASSERT_NO_FATAL_FAILURE(Voucher("R-1", "2026-01-25", "E211", 70'000'000));
    ASSERT_NO_FATAL_FAILURE(SetClock("2026-06-16T10:00:00+02:00"));
    // Omsorgsnämnden raises Hemtjänst Centrum's personnel budget to 8 400 000 kr in June.
    json revision{
        {"op", "decision.record"},
        {"ref", "§ 60/2026"},
        {"body", "ON"},
        {"date", "2026-06-15"},
        {"text", "Tilläggsbudget för hemtjänsten."},
        {"subject", "budget_revision"},
        {"year", kYear},
        {"budget", {{{"unit", "E211"}, {"accountGroup", "personal"}, {"annualSek", 8400000}}}},
        {"by", kSecretary}};
    auto decided = Casework(revision);
    ASSERT_TRUE(decided.ok()) << decided.error().ToString();
    EXPECT_EQ((*decided)["revision"], 1);
    // Both revisions stay on the topic, each under its own key.
    std::map<std::int64_t, std::int64_t> revisions;
    ASSERT_TRUE(Eventually(
        [&] {
            revisions.clear();
            for (const auto& b : Events<contracts::Budget>(contracts::topics::kMasterBudget)) {
                if (b.unit.value() == "E211" && b.account_group == "personal") {
                    revisions[b.revision.no] = b.annual_ore;
                }
            }
            return revisions.size() == 2;
        },
        30s));
    EXPECT_EQ(revisions[0], 780'000'000);
    EXPECT_EQ(revisions[1], 840'000'000);
    // The status as of a day: bfu status E211 --as-of (replayed from the topics).
    auto annual_as_of = [&](const std::string& day) -> std::int64_t {
        const auto out = dir_ / ("as-of-" + day + ".json");
        bfu::testing::ChildProcess bfu(
            bfu::testing::BinaryDir() + "/tools/bfu",
            {{"BFU_KAFKA_BROKERS", brokers_},
             {"BFU_KAFKA_TOPIC_PREFIX", prefix_},
             {"BFU_REDIS_URL", redis_url_},
             {"BFU_REDIS_PREFIX", prefix_}},
            out.string(), {"status", "E211", "--as-of", day, "--year", "2026", "--json"});
        const bool done = Eventually([&] { return !bfu.Running(); }, 60s);
        EXPECT_TRUE(done);
        auto j = json::parse(bfu::testing::Slurp(out), nullptr, false);
        EXPECT_TRUE(j.is_object()) << bfu::testing::Slurp(out);
        return j.is_object() ? j.value("annual_budget_ore", std::int64_t{-1}) : -1;
    };
    const std::int64_t others = 24'000'000 + 48'000'000 - 12'000'000;  // material, rent, fees
    EXPECT_EQ(annual_as_of("2026-05-31"), 780'000'000 + others);
    EXPECT_EQ(annual_as_of("2026-07-01"), 840'000'000 + others);
}

}  // namespace
}  // namespace bfu
