// The walking skeleton end to end: the five built service binaries against the real Kafka
// broker and the real Redis that ops/stack runs. One voucher stream from the example
// municipality goes ERP -> ingest -> analysis -> Redis + deviations -> notifier (ZeroMQ PUB,
// e-mail outbox, bfu.alerts) and reporting (report files, bfu.reports), and forecasting writes
// forecasts. Every hop's output is checked against figures the test computes itself from the
// generated vouchers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/zmq/zmq.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"
#include "support/mail.hpp"
#include "support/stack_env.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::BinaryDir;
using bfu::testing::ChildProcess;
using bfu::testing::Eventually;
using bfu::testing::Slurp;

constexpr int kYear = 2026;

class WalkingSkeleton : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("e2e"));
        std::filesystem::create_directories(dir_ / "outbox");
        std::filesystem::create_directories(dir_ / "reports");
    }

    void TearDown() override { CloseRun(); }

    void StartServices() {
        pub_endpoint_ = "tcp://127.0.0.1:" + std::to_string(bfu::testing::FreePort());
        for (const std::string name :
             {"ingest", "analysis", "forecasting", "notifier", "reporting"}) {
            auto env = ServiceEnv(name, kYear, bfu::testing::FreePort());
            // 10 February: January is complete by the timetable (its close day, the fifth
            // working day of February, has passed) and February is being booked, so the
            // whole organisation is judged through January.
            env["BFU_CLOCK_MODE"] = "simulated";
            env["BFU_CLOCK_START"] = "2026-02-10T09:00:00+01:00";
            env["BFU_ZMQ_PUB_ENDPOINT"] = pub_endpoint_;
            env["BFU_NOTIFIER_OUTBOX_DIR"] = (dir_ / "outbox").string();
            env["BFU_REPORTING_DIR"] = (dir_ / "reports").string();
            ASSERT_NO_FATAL_FAILURE(StartService(name, env));
        }
        ASSERT_NO_FATAL_FAILURE(WaitReady());
    }

    std::string pub_endpoint_;
};

TEST_F(WalkingSkeleton, VoucherFlowsThroughEveryServiceToAlertsAndReport) {
    ASSERT_NO_FATAL_FAILURE(StartServices());
    const auto m = cli::MakeExampleMunicipality(kYear);

    kafka::KafkaConfig pc;
    pc.brokers = brokers_;
    auto producer = kafka::Producer::Create(pc);
    ASSERT_TRUE(producer.ok()) << producer.error().ToString();
    ASSERT_NO_FATAL_FAILURE(Publish(**producer, m.org));
    ASSERT_NO_FATAL_FAILURE(Publish(**producer, m.accounts));
    ASSERT_NO_FATAL_FAILURE(Publish(**producer, m.budgets));
    const double ingest_master = static_cast<double>(m.org.size() + m.accounts.size());
    const double analysis_master = ingest_master + static_cast<double>(m.budgets.size());
    ASSERT_TRUE(
        Eventually([&] { return Metric("ingest", "bfu_master_records") >= ingest_master; }, 60s));
    ASSERT_TRUE(Eventually(
        [&] { return Metric("analysis", "bfu_master_records") >= analysis_master; }, 60s));

    ::zmq::context_t zctx(1);
    zmq::Subscriber sub(zctx, pub_endpoint_, {"alert/"});

    // The ERP sends every voucher as it is (a bare voucher JSON object per message).
    std::size_t expected_lines = 0;
    std::int64_t expected_e211_outcome = 0;
    std::int64_t raw_debit = 0, duplicate_debit = 0, rejected_debit = 0;
    std::set<std::string> seen;
    for (const auto& v : m.vouchers) {
        ASSERT_TRUE(
            (*producer)
                ->Produce(Topic(contracts::topics::kErpVouchers), v.Key(), v.ToJson().dump())
                .ok());
        std::int64_t debit = 0;
        for (const auto& l : v.lines) debit += l.amount_ore > 0 ? l.amount_ore : 0;
        raw_debit += debit;
        if (!seen.insert(v.voucher_id.value()).second) {
            duplicate_debit += debit;
            continue;
        }
        if (v.voucher_id.value() == cli::kBadAccountVoucher) {
            rejected_debit += debit;
            continue;
        }
        expected_lines += v.lines.size();
        for (const auto& l : v.lines) {
            const char c = l.account.value()[0];
            // Judged through January, the last complete month (February has begun).
            const bool january = v.date.substr(5, 2) == "01";
            if (l.unit.value() == cli::kOverspendingUnit && c >= '3' && c <= '8' && january) {
                expected_e211_outcome += l.amount_ore;
            }
        }
    }
    ASSERT_TRUE((*producer)->Flush(30s).ok());

    // Hop 1, ingest: every valid line once, the bad voucher rejected with its reason, the
    // duplicate not counted again; control totals reconcile to the öre.
    auto lines = bfu::testing::ReadTopic(brokers_, Topic(contracts::topics::kLedgerLines),
                                         expected_lines, 60s);
    ASSERT_EQ(lines.size(), expected_lines);
    std::int64_t lines_debit = 0;
    for (const auto& msg : lines) {
        auto line = contracts::DecodeMessage<contracts::LedgerLine>(msg.value);
        ASSERT_TRUE(line.ok()) << line.error().ToString();
        EXPECT_EQ(msg.key, line->unit.value());
        lines_debit += line->amount_ore > 0 ? line->amount_ore : 0;
    }
    auto rejected =
        bfu::testing::ReadTopic(brokers_, Topic(contracts::topics::kLedgerRejected), 1, 30s);
    ASSERT_EQ(rejected.size(), 1u);
    auto rej = contracts::DecodeMessage<contracts::RejectedVoucher>(rejected[0].value);
    ASSERT_TRUE(rej.ok()) << rej.error().ToString();
    EXPECT_EQ(rej->voucher_id->value(), cli::kBadAccountVoucher);
    ASSERT_FALSE(rej->reasons.empty());
    EXPECT_EQ(rej->reasons[0].code, "unknown_account");
    EXPECT_EQ(rej->reasons[0].field, "/lines/0/account");
    EXPECT_EQ(raw_debit, lines_debit + rejected_debit + duplicate_debit);

    // Hop 2, analysis -> Redis: the overspending unit's status, exact to the öre.
    auto redis = redis::Pool::Create(redis_url_);
    ASSERT_TRUE(redis.ok()) << redis.error().ToString();
    std::map<std::string, std::string> e211;
    ASSERT_TRUE(Eventually(
        [&] {
            auto h = (*redis)->HGetAll(prefix_ + "unit:E211");
            if (!h.ok() || h->empty()) return false;
            e211 = *h;
            return std::stoll(e211["outcome_to_date_ore"]) == expected_e211_outcome;
        },
        60s))
        << "outcome in Redis " << e211["outcome_to_date_ore"] << ", expected "
        << expected_e211_outcome;
    const std::int64_t budget_to_date = std::stoll(e211["budget_to_date_ore"]);
    EXPECT_EQ(std::stoll(e211["deviation_ore"]), expected_e211_outcome - budget_to_date);
    EXPECT_EQ(e211["light"], "red");
    EXPECT_EQ(e211["parent"], "V21");
    // February has begun (its rent is booked), so January is the last complete month.
    EXPECT_EQ(e211["through_period"], std::to_string(kYear) + "01");
    // January's budget: personnel profile share (100 of 1175), the rest twelfths (±1 öre each).
    std::int64_t expected_budget = 0;
    for (const auto& b : m.budgets) {
        if (b.unit.value() != cli::kOverspendingUnit) continue;
        expected_budget += b.profile.kind == contracts::ProfileKind::kPersonnel
                               ? b.annual_ore * 100 / 1175
                               : b.annual_ore / 12;
    }
    EXPECT_LE(std::llabs(budget_to_date - expected_budget), 4);

    // Hop 3, deviations: E211's budget deviation is open and unfavourable, beyond the
    // enhetschef's mandate, with its superior told. (Which events lead there depends on how
    // the vouchers were batched; the latest one is what counts.)
    auto devs = bfu::testing::ReadTopicUntil(
        brokers_, Topic(contracts::topics::kDeviations),
        [](const auto& read) {
            return std::any_of(read.begin(), read.end(), [](const kafka::Message& rec) {
                return rec.value.find("budget:2026:E211") != std::string::npos;
            });
        },
        60s);
    std::optional<contracts::DeviationEvent> latest;
    for (const auto& msg : devs) {
        auto d = contracts::DecodeMessage<contracts::DeviationEvent>(msg.value);
        ASSERT_TRUE(d.ok()) << d.error().ToString();
        if (d->deviation_id.value() == "budget:2026:E211" && (!latest || d->seq > latest->seq)) {
            latest = *d;
        }
    }
    ASSERT_TRUE(latest.has_value()) << "no budget deviation for E211 among " << devs.size();
    EXPECT_NE(latest->event, contracts::DeviationEventKind::kClosed);
    EXPECT_FALSE(latest->within_mandate);
    EXPECT_GT(*latest->deviation_ore, 0);
    ASSERT_FALSE(latest->notified.empty());
    EXPECT_EQ(latest->notified[0].name, "Olof Björk");
    EXPECT_EQ(latest->responsible.name, "Maja Öberg");
    ASSERT_FALSE(latest->causes.empty());
    EXPECT_EQ(latest->causes[0].key, "personal");

    // Hop 4, notifier: the alert on the PUB socket, the e-mail in the outbox, the audit record.
    bool live = false;
    ASSERT_TRUE(Eventually(
        [&] {
            auto msg = sub.Receive(200ms);
            // The topic is the unit's path in the tree, so a subscriber to a unit gets its
            // subtree.
            if (msg.ok() && msg->has_value() && (*msg)->topic == "alert/KF/ON/S2/V21/E211/" &&
                (*msg)->payload.find("Olof Björk") != std::string::npos) {
                live = true;
            }
            return live;
        },
        60s, 1ms));
    std::filesystem::path mail;
    ASSERT_TRUE(Eventually(
        [&] {
            for (const auto& f : std::filesystem::directory_iterator(dir_ / "outbox")) {
                const auto name = f.path().filename().string();
                if (name.rfind("budget_2026_E211_", 0) == 0 &&
                    name.find("olof.bjork") != std::string::npos) {
                    mail = f.path();
                    return true;
                }
            }
            return false;
        },
        30s));
    const auto eml = bfu::testing::ParseMail(Slurp(mail));
    EXPECT_NE(eml.Header("to").find("olof.bjork@exempelkommun.se"), std::string::npos);
    EXPECT_NE(eml.Header("content-type").find("multipart/alternative"), std::string::npos);
    EXPECT_NE(eml.subject.find("Hemtjänst Centrum"), std::string::npos) << eml.raw;
    EXPECT_NE(eml.text.find("Hemtjänst Centrum"), std::string::npos) << eml.text;
    // Both the responsible manager and her superior, on the audit topic (read until both are
    // there: the e-mail is written before the record).
    std::set<std::string> told;
    bool undecodable = false;
    (void)bfu::testing::ReadTopicUntil(
        brokers_, Topic(contracts::topics::kAlerts),
        [&](const std::vector<kafka::Message>& read) {
            told.clear();
            for (const auto& msg : read) {
                auto a = contracts::DecodeMessage<contracts::Alert>(msg.value);
                if (!a.ok()) {
                    undecodable = true;
                } else if (a->deviation_id && a->deviation_id->value() == "budget:2026:E211") {
                    told.insert(a->recipient.name);
                }
            }
            return told.count("Olof Björk") != 0 && told.count("Maja Öberg") != 0;
        },
        60s);
    EXPECT_FALSE(undecodable);
    EXPECT_TRUE(told.count("Olof Björk"));
    EXPECT_TRUE(told.count("Maja Öberg"));

    // Hop 5, forecasting: a full-year forecast for E211 above its annual budget.
    auto forecasts = bfu::testing::ReadTopicUntil(
        brokers_, Topic(contracts::topics::kForecasts),
        [](const auto& read) {
            return std::any_of(read.begin(), read.end(), [](const kafka::Message& rec) {
                auto f = contracts::DecodeMessage<contracts::Forecast>(rec.value);
                return f.ok() && f->unit.value() == "E211" &&
                       f->inputs.through_period == std::to_string(kYear) + "01";
            });
        },
        60s);
    // Forecasts of one unit share a key, hence a partition, hence their order: the last stands.
    std::optional<contracts::Forecast> e211_forecast;
    for (const auto& msg : forecasts) {
        auto f = contracts::DecodeMessage<contracts::Forecast>(msg.value);
        ASSERT_TRUE(f.ok()) << f.error().ToString();
        if (f->unit.value() == "E211") e211_forecast = *f;
    }
    ASSERT_TRUE(e211_forecast.has_value());
    EXPECT_GT(e211_forecast->total_ore, e211_forecast->budget_ore);
    EXPECT_EQ(e211_forecast->inputs.through_period, std::to_string(kYear) + "01");

    // Hop 6, reporting: the rolling follow-up (senaste.html and .json, rewritten as inputs
    // change, never announced) shows the unit through January with Redis's figure, to the öre.
    const auto folder = dir_ / "reports" / std::to_string(kYear);
    nlohmann::json rolling;
    std::int64_t reported = -1;
    ASSERT_TRUE(Eventually(
        [&] {
            if (!std::filesystem::exists(folder / "senaste.json")) return false;
            rolling = nlohmann::json::parse(Slurp(folder / "senaste.json"), nullptr, false);
            if (!rolling.is_object() || !rolling.contains("units")) return false;
            for (const auto& u : rolling["units"]) {
                if (u.value("unit", "") == "E211") reported = u.value("outcomeOre", -1LL);
            }
            return reported == expected_e211_outcome;
        },
        60s))
        << "E211 in senaste.json: " << reported << ", expected " << expected_e211_outcome;
    EXPECT_EQ(rolling["scope"]["unit"], "KF");
    EXPECT_EQ(rolling["period"], std::to_string(kYear) + "01");
    const std::string html = Slurp(folder / "senaste.html");
    EXPECT_NE(html.find("lang=\"sv\""), std::string::npos);
    EXPECT_NE(html.find("Hemtjänst Centrum"), std::string::npos);

    // Every service stops cleanly on SIGTERM.
    for (auto& [name, p] : services_) {
        auto code = p->Terminate(20s);
        ASSERT_TRUE(code.has_value()) << name << " did not stop on SIGTERM";
        EXPECT_EQ(*code, 0) << name << " log: " << Slurp(p->log());
    }
}

TEST_F(WalkingSkeleton, ServiceWithBadConfigExitsWithMessageNamingIt) {
    const auto bin = BinaryDir() + "/services/analysis/bfu-analysis";
    {
        ChildProcess p(bin,
                       {{"BFU_KAFKA_BROKERS", brokers_},
                        {"BFU_REDIS_URL", redis_url_},
                        {"BFU_KAFKA_INSTANCE", "not-a-number"}},
                       (dir_ / "bad-int.log").string());
        ASSERT_TRUE(Eventually([&] { return !p.Running(); }, 15s));
        EXPECT_EQ(p.Terminate(1s), 2);
        EXPECT_NE(Slurp(p.log()).find("kafka.instance"), std::string::npos) << Slurp(p.log());
    }
    {
        // No broker address at all.
        ChildProcess p(bin, {{"BFU_KAFKA_BROKERS", ""}, {"BFU_REDIS_URL", redis_url_}},
                       (dir_ / "no-broker.log").string());
        ASSERT_TRUE(Eventually([&] { return !p.Running(); }, 15s));
        EXPECT_NE(p.Terminate(1s).value_or(0), 0);
        EXPECT_NE(Slurp(p.log()).find("kafka.brokers"), std::string::npos) << Slurp(p.log());
    }
    {
        // A broker that does not answer: start-up fails within seconds, naming it.
        const auto port = std::to_string(bfu::testing::FreePort());
        ChildProcess p(bin,
                       {{"BFU_KAFKA_BROKERS", "127.0.0.1:" + port},
                        {"BFU_REDIS_URL", redis_url_},
                        {"BFU_KAFKA_STARTUP_TIMEOUT", "2s"}},
                       (dir_ / "dead-broker.log").string());
        ASSERT_TRUE(Eventually([&] { return !p.Running(); }, 20s));
        EXPECT_NE(p.Terminate(1s).value_or(0), 0);
        EXPECT_NE(Slurp(p.log()).find("127.0.0.1:" + port), std::string::npos) << Slurp(p.log());
    }
    {
        // An unknown key in the config file.
        const auto file = dir_ / "bad.json";
        std::ofstream(file) << R"({"kafka": {"brokers": "127.0.0.1:1", "brokerz": "x"}})";
        ChildProcess p(bin, {{"BFU_REDIS_URL", redis_url_}, {"BFU_KAFKA_BROKERS", ""}},
                       (dir_ / "unknown-key.log").string(), {"--config", file.string()});
        ASSERT_TRUE(Eventually([&] { return !p.Running(); }, 15s));
        EXPECT_EQ(p.Terminate(1s), 2);
        EXPECT_NE(Slurp(p.log()).find("kafka.brokerz"), std::string::npos) << Slurp(p.log());
    }
}

}  // namespace
}  // namespace bfu
