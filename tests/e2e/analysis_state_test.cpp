// Analysis's state survives and scales (issue 5, point 5), proven with the built bfu-analysis
// binary against the real broker and Redis. Ledger lines are written straight to
// bfu.ledger.lines (as ingest writes them: keyed by unit), and every unit's status in Redis, at
// every level of the example municipality, must end up with exactly the sum of its subtree's
// lines, to the öre:
//   - SIGKILL at arbitrary moments and restarts: nothing lost, nothing counted twice;
//   - Redis emptied while running, and before a restart: rebuilt from Kafka;
//   - two instances in one group, a third joining and one leaving mid-stream: the roll-up is
//     right whichever instance owns which unit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "bfu/analysis/replay.hpp"
#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/unit_partition.hpp"
#include "bfu/zmq/zmq.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"
#include "support/stack_env.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::BinaryDir;
using bfu::testing::ChildProcess;
using bfu::testing::Eventually;
using bfu::testing::Slurp;

constexpr int kYear = 2026;

class AnalysisState : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("e2e-state"));
        auto pool = redis::Pool::Create(redis_url_);
        ASSERT_TRUE(pool.ok()) << pool.error().ToString();
        redis_ = std::move(pool).value();
        kafka::KafkaConfig pc;
        pc.brokers = brokers_;
        auto producer = kafka::Producer::Create(pc);
        ASSERT_TRUE(producer.ok()) << producer.error().ToString();
        producer_ = std::move(producer).value();
        ASSERT_NO_FATAL_FAILURE(PublishMaster());
    }

    void TearDown() override {
        for (auto& [name, p] : analysis_) {
            if (p) p->Terminate(10s);
        }
        if (HasFailure()) {
            for (const auto& [name, log] : logs_) {
                std::cerr << "---- " << name << " log (last 3000 chars)\n";
                const auto text = Slurp(log);
                std::cerr << text.substr(text.size() > 3000 ? text.size() - 3000 : 0) << "\n";
            }
        }
        CloseRun();
    }

    void ClearRedis() {
        if (auto keys = redis_->Scan(prefix_ + "*"); keys.ok() && !keys->empty()) {
            (void)redis_->Del(*keys);
        }
    }

    void PublishMaster() {
        const auto m = cli::MakeExampleMunicipality(kYear);
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.org));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.accounts));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.budgets));
        for (const auto& u : m.org) {
            units_.push_back(u.id.value());
            if (u.parent) parent_[u.id.value()] = u.parent->value();
            if (u.level == contracts::OrgLevel::kEnhet) leaves_.push_back(u.id.value());
        }
        for (const auto& a : m.accounts) {
            // Operating costs: classes 4-7, not investment.
            if (a.active && !a.investment && a.account_class >= 4 && a.account_class <= 7) {
                accounts_.push_back(a);
            }
        }
        ASSERT_FALSE(leaves_.empty());
        ASSERT_FALSE(accounts_.empty());
    }

    // Starts instance `n` of bfu-analysis under `name`.
    void Start(const std::string& name, int instance) {
        const int http = bfu::testing::FreePort();
        zmq_[name] = "tcp://127.0.0.1:" + std::to_string(bfu::testing::FreePort());
        std::map<std::string, std::string> env = {
            {"BFU_KAFKA_BROKERS", brokers_},
            {"BFU_KAFKA_TOPIC_PREFIX", prefix_},
            {"BFU_KAFKA_GROUP_ID", prefix_ + "analysis"},
            {"BFU_KAFKA_INSTANCE", std::to_string(instance)},
            {"BFU_REDIS_URL", redis_url_},
            {"BFU_REDIS_PREFIX", prefix_},
            {"BFU_REDIS_CHECK_INTERVAL", "300ms"},
            {"BFU_ANALYSIS_SESSION_TIMEOUT", "6s"},
            {"BFU_FOLLOWUP_YEAR", std::to_string(kYear)},
            {"BFU_HTTP_PORT", std::to_string(http)},
            {"BFU_ZMQ_ENDPOINT", zmq_[name]},
        };
        const auto bin = BinaryDir() + "/services/analysis/bfu-analysis";
        ASSERT_TRUE(std::filesystem::exists(bin)) << bin;
        const auto log = (dir_ / (name + "-" + std::to_string(++starts_) + ".log")).string();
        logs_[name + "-" + std::to_string(starts_)] = log;
        analysis_[name] = std::make_unique<ChildProcess>(bin, env, log);
        const bool ready =
            Eventually([&] { return bfu::testing::HttpGet(http, "/readyz").status == 200; }, 60s);
        ASSERT_TRUE(ready) << name << " not ready; log: " << Slurp(log);
    }

    // SIGKILL: no shutdown, no commit, whatever was in flight is cut off.
    void Kill(const std::string& name) { analysis_[name].reset(); }

    // Writes `n` lines spread over the leaves, accounts and January-March, keyed by unit.
    void Lines(int n, const std::string& date = "2026-01-15") {
        core::WallClock clock;
        for (int k = 0; k < n; ++k, ++line_no_) {
            const auto& unit = leaves_[static_cast<std::size_t>(line_no_) % leaves_.size()];
            const auto& account =
                accounts_[static_cast<std::size_t>(line_no_ / 7) % accounts_.size()];
            contracts::LedgerLine l;
            l.voucher = {core::SourceId("e2e"), core::VoucherId("V-" + std::to_string(line_no_)),
                         std::nullopt, date};
            l.unit = core::UnitId(unit);
            l.account = account.number;
            l.account_class = account.account_class;
            l.account_group = account.group;
            l.period = "20260" + std::to_string(1 + line_no_ % 3);
            l.fiscal_year = kYear;
            // Odd amounts, some negative (credits), so an öre lost or doubled shows.
            l.amount_ore = (line_no_ % 5 == 4 ? -1 : 1) * (1'000 + (line_no_ * 7919) % 997'003);
            expected_[unit] += l.amount_ore;
            ASSERT_TRUE(
                producer_
                    ->Produce(Topic(contracts::topics::kLedgerLines), l.Key(),
                              contracts::EncodeMessage(
                                  l, {contracts::NewEventId(), "bfu/ingest", clock.Now(), l.Key()}))
                    .ok());
        }
        ASSERT_TRUE(producer_->Flush(30s).ok());
    }

    // Every unit's expected outcome: the sum of the lines of the leaves below it.
    std::map<std::string, std::int64_t> ExpectedByUnit() const {
        std::map<std::string, std::int64_t> out;
        for (const auto& u : units_) out[u] = 0;
        for (const auto& [leaf, sum] : expected_) {
            std::string u = leaf;
            while (true) {
                out[u] += sum;
                auto p = parent_.find(u);
                if (p == parent_.end()) break;
                u = p->second;
            }
        }
        return out;
    }

    // Units whose Redis status differs from the expectation ("unit: got X want Y").
    std::vector<std::string> Mismatches() {
        std::vector<std::string> bad;
        for (const auto& [unit, want] : ExpectedByUnit()) {
            auto h = redis_->HGetAll(prefix_ + "unit:" + unit);
            const std::string got = h.ok() && h->count("outcome_year_ore") != 0
                                        ? h->at("outcome_year_ore")
                                        : std::string("(none)");
            if (got != std::to_string(want)) {
                bad.push_back(unit + ": got " + got + " want " + std::to_string(want));
            }
        }
        return bad;
    }

    // Waits until every unit at every level has exactly its expected outcome.
    void ExpectTotalsEventually(std::chrono::milliseconds timeout) {
        std::vector<std::string> bad;
        const bool ok = Eventually(
            [&] {
                bad = Mismatches();
                return bad.empty();
            },
            timeout, 200ms);
        std::string detail;
        for (std::size_t i = 0; i < bad.size() && i < 10; ++i) detail += bad[i] + "; ";
        ASSERT_TRUE(ok) << bad.size() << " units wrong: " << detail;
        std::int64_t sum = 0;
        for (const auto& [u, s] : expected_) sum += s;
        auto kf = redis_->HGetAll(prefix_ + "unit:KF");
        ASSERT_TRUE(kf.ok());
        EXPECT_EQ(kf->at("outcome_year_ore"), std::to_string(sum));
    }

    std::unique_ptr<redis::Pool> redis_;
    std::unique_ptr<kafka::Producer> producer_;
    std::vector<std::string> units_, leaves_;
    std::map<std::string, std::string> parent_;
    std::vector<contracts::Account> accounts_;
    std::map<std::string, std::int64_t> expected_;
    int line_no_ = 0;
    int starts_ = 0;
    std::map<std::string, std::unique_ptr<ChildProcess>> analysis_;
    std::map<std::string, std::string> zmq_;
    std::map<std::string, std::string> logs_;
};

TEST_F(AnalysisState, SigkillAtAnyMomentLosesNoLineAndCountsNoneTwice) {
    ASSERT_NO_FATAL_FAILURE(Start("a", 0));
    ASSERT_NO_FATAL_FAILURE(Lines(1500));
    ASSERT_NO_FATAL_FAILURE(ExpectTotalsEventually(60s));
    // Killed while a stream of lines is being consumed, at a moment the test does not choose
    // (somewhere in the middle of batches, transactions and Redis writes), twice.
    std::mt19937 rng(static_cast<unsigned>(std::random_device{}()));
    for (int round = 0; round < 2; ++round) {
        std::thread writer([&] { Lines(2000); });
        std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 400));
        Kill("a");
        writer.join();
        ASSERT_NO_FATAL_FAILURE(Start("a", 0));
    }
    ASSERT_NO_FATAL_FAILURE(Lines(500));
    ASSERT_NO_FATAL_FAILURE(ExpectTotalsEventually(60s));
}

TEST_F(AnalysisState, RedisEmptiedIsRebuiltFromKafkaWhileRunningAndOnRestart) {
    ASSERT_NO_FATAL_FAILURE(Start("a", 0));
    ASSERT_NO_FATAL_FAILURE(Lines(1200));
    ASSERT_NO_FATAL_FAILURE(ExpectTotalsEventually(60s));

    // While running: every key gone, no new line arrives; analysis notices and writes all.
    ClearRedis();
    ASSERT_FALSE(Mismatches().empty());
    ASSERT_NO_FATAL_FAILURE(ExpectTotalsEventually(30s));

    // On demand over ZeroMQ.
    ::zmq::context_t zctx;
    zmq::JsonClient client(zctx, zmq_["a"]);
    auto reply = client.Call({{"op", "rebuild"}});
    ASSERT_TRUE(reply.ok()) << reply.error().ToString();
    EXPECT_EQ(reply->value("rebuild", ""), "requested");

    // Stopped, Redis emptied, started again: rebuilt from the changelog alone.
    ASSERT_EQ(analysis_["a"]->Terminate(20s), std::optional<int>(0));
    ClearRedis();
    ASSERT_NO_FATAL_FAILURE(Start("a", 0));
    ASSERT_NO_FATAL_FAILURE(ExpectTotalsEventually(30s));
}

TEST_F(AnalysisState, InstancesShareThePartitionsAndTheRollUpIsRightAfterRebalances) {
    ASSERT_NO_FATAL_FAILURE(Start("a", 0));
    ASSERT_NO_FATAL_FAILURE(Start("b", 1));
    ASSERT_NO_FATAL_FAILURE(Lines(1000));
    // A third instance joins mid-stream, then the first leaves mid-stream: two rebalances
    // while lines flow.
    std::thread writer([&] { Lines(1500); });
    ASSERT_NO_FATAL_FAILURE(Start("c", 2));
    writer.join();
    std::thread writer2([&] { Lines(1500); });
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(analysis_["a"]->Terminate(20s), std::optional<int>(0));
    writer2.join();
    ASSERT_NO_FATAL_FAILURE(ExpectTotalsEventually(60s));

    // The units were really divided: b and c each took some over.
    for (const char* name : {"b", "c"}) {
        bool took = false;
        for (const auto& [label, log] : logs_) {
            if (label.rfind(std::string(name) + "-", 0) == 0) {
                took = took || Slurp(log).find("units taken over") != std::string::npos;
            }
        }
        EXPECT_TRUE(took) << name << " never owned a unit";
    }
}

TEST_F(AnalysisState, UnitPartitionIsWhereTheBrokerPutsAKeyedLine) {
    // Ingest produces lines keyed by unit with librdkafka's default partitioner; analysis
    // divides units by service::UnitPartition. Both must agree.
    ASSERT_NO_FATAL_FAILURE(Lines(60));
    kafka::KafkaConfig cfg;
    cfg.brokers = brokers_;
    cfg.group_id = prefix_ + "partition-check";
    auto consumer = kafka::Consumer::Create(cfg);
    ASSERT_TRUE(consumer.ok());
    ASSERT_TRUE((*consumer)->Subscribe({Topic(contracts::topics::kLedgerLines)}).ok());
    std::size_t seen = 0;
    const bool all = Eventually(
        [&] {
            auto batch = (*consumer)->Poll(100, 200ms);
            if (!batch.ok()) return false;
            for (const auto& m : *batch) {
                ++seen;
                EXPECT_EQ(m.partition, service::UnitPartition(m.key, 6)) << m.key;
            }
            return seen >= 60;
        },
        30s, 1ms);
    EXPECT_TRUE(all) << seen;
    (void)(*consumer)->Close();
}

TEST_F(AnalysisState, ReplayAsOfADateCountsTheLinesDatedByThen) {
    ASSERT_NO_FATAL_FAILURE(Lines(300, "2026-01-15"));
    const auto january = ExpectedByUnit();
    ASSERT_NO_FATAL_FAILURE(Lines(120, "2026-05-02"));
    const auto may = ExpectedByUnit();
    ASSERT_NE(january.at("KF"), may.at("KF"));
    kafka::KafkaConfig cfg;
    cfg.brokers = brokers_;
    for (const auto& [date, want] :
         {std::pair{"2026-04-30", january}, std::pair{"2026-06-30", may}}) {
        SCOPED_TRACE(date);
        auto statuses = analysis::ReplayAsOf(cfg, prefix_, kYear, *domain::Date::Parse(date), 60s);
        ASSERT_TRUE(statuses.ok()) << statuses.error().ToString();
        std::map<std::string, std::int64_t> got;
        for (const auto& st : *statuses) got[st.unit] = st.outcome_year_ore;
        EXPECT_EQ(got, want);
    }
}

}  // namespace
}  // namespace bfu
