// The year's lifecycle end to end (issue #14): the built ingest and analysis against the real
// broker and Redis on the simulated business clock, following no pinned year (the business
// date decides), and the finance unit's decisions through the real `bfu` CLI.
//   December 2026: November is closed by the timetable (its close day has passed) - a posting
//   into it is rejected naming the open period; 2027 opens on 1 December, so a January 2027
//   voucher is booked before New Year without a restart.
//   January 2027: December 2026 still takes its closing adjustments; 2026 is judged through
//   December, 2027 not yet. `bfu period close 2027-01`: a posting into January is rejected with
//   period_closed and a Swedish reason, February takes postings, and analysis judges 2027
//   through January. `bfu year close 2026`: December's adjustments are refused from then on.
//   Each year's status is in Redis (<p>unit:<id>:<year>) with its own outcome to the öre.
#include <gtest/gtest.h>

#include <map>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::Eventually;
using bfu::testing::FreePort;

const std::string kUnit = "E111";
const std::string kEconomist = "ekonomichef@exempelkommun.se";

struct ProgramRun {
    int code = -1;
    std::string output;
};

class LifecycleE2e : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("lifecycle"));
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
        for (const std::string name : {"ingest", "analysis"}) {
            auto env = ServiceEnv(name, 2026, FreePort());
            // No pinned year: the business date opens and closes the years.
            env.erase("BFU_FOLLOWUP_YEAR");
            env["BFU_CLOCK_MODE"] = "simulated";
            env["BFU_CLOCK_START"] = "2026-12-10T09:00:00+01:00";
            ASSERT_NO_FATAL_FAILURE(StartService(name, env));
        }
        ASSERT_NO_FATAL_FAILURE(WaitReady());
    }

    // Organisation and chart once, the budgets of both years.
    void PublishMaster() {
        auto a = cli::MakeExampleMunicipality(2026);
        auto b = cli::MakeExampleMunicipality(2027);
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, a.org));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, a.accounts));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, a.budgets));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, b.budgets));
        const double records = static_cast<double>(a.org.size() + a.accounts.size() +
                                                   a.budgets.size() + b.budgets.size());
        ASSERT_TRUE(
            Eventually([&] { return Metric("analysis", "bfu_master_records") >= records; }, 60s));
        master_ingest_ = static_cast<double>(a.org.size() + a.accounts.size());
        ASSERT_TRUE(Eventually(
            [&] { return Metric("ingest", "bfu_master_records") >= master_ingest_; }, 60s));
    }

    void Voucher(const std::string& id, const std::string& date, std::int64_t ore) {
        contracts::Voucher v;
        v.source = core::SourceId("e2e-erp");
        v.voucher_id = core::VoucherId(id);
        v.series = "A";
        v.date = date;
        v.text = "Löner " + kUnit;
        contracts::VoucherLine cost;
        cost.account = core::AccountNo("5011");
        cost.unit = core::UnitId(kUnit);
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

    // The decision on a voucher: "accepted", "rejected" (with its reasons) or "" not yet.
    struct Outcome {
        std::string result;
        std::vector<contracts::RejectReason> reasons;
    };
    Outcome DecisionOf(const std::string& voucher) {
        Outcome o;
        for (const auto& m : bfu::testing::ReadTopic(
                 brokers_, Topic(contracts::topics::kIngestDecisions), 0, 10s)) {
            auto d = contracts::DecodeMessage<contracts::IngestDecision>(m.value);
            if (d.ok() && d->voucher_id && d->voucher_id->value() == voucher) {
                o.result = std::string(contracts::ToString(d->result));
            }
        }
        if (o.result == "rejected") {
            for (const auto& m : bfu::testing::ReadTopic(
                     brokers_, Topic(contracts::topics::kLedgerRejected), 0, 10s)) {
                auto r = contracts::DecodeMessage<contracts::RejectedVoucher>(m.value);
                if (r.ok() && r->voucher_id && r->voucher_id->value() == voucher) {
                    o.reasons = r->reasons;
                }
            }
        }
        return o;
    }
    Outcome Await(const std::string& voucher) {
        Outcome o;
        EXPECT_TRUE(Eventually(
            [&] {
                o = DecisionOf(voucher);
                // A read of a topic may come back early under load: a rejection is complete
                // with its reasons.
                return !o.result.empty() && (o.result != "rejected" || !o.reasons.empty());
            },
            60s))
            << voucher << " was never decided";
        return o;
    }

    std::string Field(const std::string& key, const std::string& field) {
        auto r = redis_->Command({"HGET", prefix_ + key, field});
        return r.ok() ? r->str : std::string{};
    }

    // `bfu ARGS` against the run's topics.
    ProgramRun Bfu(std::vector<std::string> args) {
        const auto log = dir_ / ("bfu-" + std::to_string(++runs_) + ".log");
        bfu::testing::ChildProcess p(
            bfu::testing::BinaryDir() + "/tools/bfu",
            {{"BFU_KAFKA_BROKERS", brokers_}, {"BFU_KAFKA_TOPIC_PREFIX", prefix_}}, log.string(),
            std::move(args));
        ProgramRun r;
        const bool done = Eventually([&] { return !p.Running(); }, 120s, 50ms);
        auto code = p.Terminate(1s);
        r.code = done && code ? *code : -1;
        r.output = bfu::testing::Slurp(log);
        return r;
    }

    std::unique_ptr<kafka::Producer> producer_;
    std::shared_ptr<redis::Pool> redis_;
    double master_ingest_ = 0;
    int runs_ = 0;
};

TEST_F(LifecycleE2e, TwoYearsWithoutARestartAndThePeriodsTheFinanceUnitCloses) {
    ASSERT_NO_FATAL_FAILURE(StartAll());
    ASSERT_NO_FATAL_FAILURE(PublishMaster());

    // 10 December 2026: November closed by the timetable, 2027 already open.
    ASSERT_NO_FATAL_FAILURE(Voucher("L-1", "2026-12-04", 10'000'000));
    ASSERT_NO_FATAL_FAILURE(Voucher("L-2", "2027-01-04", 20'000'000));
    ASSERT_NO_FATAL_FAILURE(Voucher("L-3", "2026-11-28", 30'000));
    EXPECT_EQ(Await("L-1").result, "accepted");
    EXPECT_EQ(Await("L-2").result, "accepted");
    const auto late = Await("L-3");
    ASSERT_EQ(late.result, "rejected");
    // Both lines (the cost and the bank) are in the closed month.
    ASSERT_EQ(late.reasons.size(), 2U);
    for (const auto& r : late.reasons) EXPECT_EQ(r.code, "period_closed");
    EXPECT_NE(late.reasons[0].message.find("2026-11"), std::string::npos)
        << late.reasons[0].message;
    EXPECT_NE(late.reasons[0].message.find("öppen period"), std::string::npos)
        << late.reasons[0].message;
    // Each year's status on its own key; 2026 is judged through November.
    ASSERT_TRUE(Eventually([&] { return !Field("unit:" + kUnit + ":2027", "year").empty(); }, 60s));
    EXPECT_EQ(Field("unit:" + kUnit + ":2027", "year"), "2027");
    EXPECT_EQ(Field("unit:" + kUnit + ":2026", "through_period"), "202611");

    // 20 January 2027: December 2026 still takes its closing adjustments.
    ASSERT_NO_FATAL_FAILURE(SetClock("2027-01-20T09:00:00+01:00"));
    ASSERT_TRUE(Eventually(
        [&] { return Field("unit:" + kUnit + ":2026", "through_period") == "202612"; }, 60s))
        << "2026 is judged through December once its close day has passed";
    ASSERT_NO_FATAL_FAILURE(Voucher("L-4", "2026-12-31", 4'000'000));
    EXPECT_EQ(Await("L-4").result, "accepted");
    ASSERT_TRUE(Eventually(
        [&] { return Field("unit:" + kUnit + ":2026", "outcome_year_ore") == "14000000"; }, 60s))
        << Field("unit:" + kUnit + ":2026", "outcome_year_ore");
    EXPECT_EQ(Field("unit:" + kUnit + ":2027", "outcome_year_ore"), "20000000");
    // January 2027 is not complete yet: nothing of 2027 is judged.
    EXPECT_EQ(Field("unit:" + kUnit + ":2027", "through_period"), "");

    // The finance unit closes January.
    auto closed = Bfu({"period", "close", "2027-01", "--by", kEconomist, "--comment",
                       "Månadsbokslut januari klart"});
    ASSERT_EQ(closed.code, 0) << closed.output;
    EXPECT_NE(closed.output.find("januari 2027 är stängd"), std::string::npos) << closed.output;
    auto twice = Bfu({"period", "close", "2027-01"});
    EXPECT_EQ(twice.code, 2) << twice.output;
    EXPECT_NE(twice.output.find("redan stängd"), std::string::npos) << twice.output;
    auto list = Bfu({"period", "list", "2027"});
    ASSERT_EQ(list.code, 0) << list.output;
    EXPECT_NE(list.output.find("2027-01  stängd"), std::string::npos) << list.output;
    EXPECT_NE(list.output.find(kEconomist), std::string::npos) << list.output;
    // Ingest and analysis follow the decision without a restart.
    ASSERT_TRUE(Eventually(
        [&] { return Metric("ingest", "bfu_master_records") >= master_ingest_ + 1; }, 60s));
    ASSERT_TRUE(Eventually(
        [&] { return Field("unit:" + kUnit + ":2027", "through_period") == "202701"; }, 60s))
        << "2027 is judged through the closed January";
    EXPECT_EQ(Field("unit:" + kUnit + ":2027", "outcome_to_date_ore"), "20000000");

    ASSERT_NO_FATAL_FAILURE(Voucher("L-5", "2027-01-19", 5'000));
    ASSERT_NO_FATAL_FAILURE(Voucher("L-6", "2027-02-01", 6'000'000));
    const auto refused = Await("L-5");
    ASSERT_EQ(refused.result, "rejected");
    ASSERT_EQ(refused.reasons.size(), 2U);
    for (const auto& r : refused.reasons) EXPECT_EQ(r.code, "period_closed");
    EXPECT_NE(refused.reasons[0].message.find("2027-01"), std::string::npos)
        << refused.reasons[0].message;
    EXPECT_NE(refused.reasons[0].message.find("2027-02"), std::string::npos)
        << "names the open period to correct in: " << refused.reasons[0].message;
    EXPECT_EQ(Await("L-6").result, "accepted");

    // The year's closing: December's adjustments are refused from then on.
    auto year = Bfu({"year", "close", "2026", "--by", kEconomist});
    ASSERT_EQ(year.code, 0) << year.output;
    ASSERT_TRUE(Eventually(
        [&] { return Metric("ingest", "bfu_master_records") >= master_ingest_ + 2; }, 60s));
    ASSERT_NO_FATAL_FAILURE(Voucher("L-7", "2026-12-31", 7'000));
    const auto after = Await("L-7");
    ASSERT_EQ(after.result, "rejected");
    ASSERT_EQ(after.reasons.size(), 2U);
    EXPECT_NE(after.reasons[0].message.find("2026"), std::string::npos) << after.reasons[0].message;
    auto reopen = Bfu({"period", "reopen", "2026-12"});
    EXPECT_EQ(reopen.code, 2) << "a closed year is not reopened: " << reopen.output;

    // Nothing booked twice or lost: each year's outcome is its accepted lines, to the öre.
    ASSERT_TRUE(Eventually(
        [&] { return Field("unit:" + kUnit + ":2027", "outcome_year_ore") == "26000000"; }, 60s))
        << Field("unit:" + kUnit + ":2027", "outcome_year_ore");
    EXPECT_EQ(Field("unit:" + kUnit + ":2026", "outcome_year_ore"), "14000000");
}

}  // namespace
}  // namespace bfu
