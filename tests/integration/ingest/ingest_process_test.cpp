// The built bfu-ingest binary against the real broker, with a fresh topic prefix per test:
//   - SIGKILL mid-stream, restart: every line exactly once, every rejection, one decision per
//     voucher in, and the control totals reconcile to the öre;
//   - a voucher sent again after a clean restart is a duplicate (the register is durable);
//   - POST /v1/vouchers: array, NDJSON, wrong token, over-limit body, not JSON;
//   - `bfu ingest totals` exits 0 on a reconciled run and prints the figures.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "bfu/cli/cli.hpp"
#include "bfu/cli/example_municipality.hpp"
#include "bfu/config/config.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/ingest/decision_log.hpp"
#include "bfu/ingest/totals.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/reader.hpp"
#include "bfu/kafka/transaction.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/runtime/http_server.hpp"
#include "bfu/runtime/logger.hpp"
#include "bfu/runtime/metrics.hpp"
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
using nlohmann::json;

constexpr int kYear = 2026;
constexpr const char* kToken = "s3cret-token";

struct PostResult {
    int status = 0;
    std::string head;
    json body;
};

// One POST /v1/vouchers on loopback; the answer's body as JSON.
PostResult Post(int port, const std::string& body, const std::vector<std::string>& headers) {
    auto h = bfu::testing::HttpRequest(port, "POST", "/v1/vouchers", body, headers);
    PostResult r;
    r.status = h.status;
    r.head = std::move(h.head);
    if (!r.head.empty()) r.body = json::parse(h.body, nullptr, false);
    return r;
}

class IngestProcess : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("ingest"));
        kafka::KafkaConfig cfg;
        cfg.brokers = brokers_;
        auto producer = kafka::Producer::Create(cfg);
        ASSERT_TRUE(producer.ok()) << producer.error().ToString();
        producer_ = std::move(producer).value();
        // Master data first, so ingest has it when it starts.
        municipality_ = cli::MakeExampleMunicipality(kYear);
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, municipality_.org));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, municipality_.accounts));
        // A good two-line voucher (rent against the supplier debt) is the template.
        for (const auto& v : municipality_.vouchers) {
            if (v.voucher_id.value() != cli::kBadAccountVoucher && v.lines.size() == 2) {
                template_ = v;
                break;
            }
        }
        ASSERT_EQ(template_.lines.size(), 2u);
    }

    void TearDown() override {
        ingest_.reset();
        producer_.reset();
        CloseRun();
    }

    // The template voucher as `id`, its amounts times `factor` (still balanced); with
    // `bad_account` its first line is coded to an account that is not in the chart.
    contracts::Voucher MakeVoucher(const std::string& id, std::int64_t factor,
                                   bool bad_account = false) const {
        auto v = template_;
        v.voucher_id = core::VoucherId(id);
        for (auto& l : v.lines) l.amount_ore *= factor;
        if (bad_account) v.lines[0].account = core::AccountNo("9999");
        return v;
    }

    static std::int64_t Gross(const contracts::Voucher& v) {
        std::int64_t g = 0;
        for (const auto& l : v.lines) g += l.amount_ore > 0 ? l.amount_ore : 0;
        return g;
    }

    void Send(const contracts::Voucher& v) {
        ASSERT_TRUE(
            producer_->Produce(Topic(contracts::topics::kErpVouchers), v.Key(), v.ToJson().dump())
                .ok());
    }

    void StartIngest(std::map<std::string, std::string> extra = {}) {
        ASSERT_NO_FATAL_FAILURE(StartInstance(ingest_, http_port_, log_, std::move(extra)));
    }

    // One ingest instance (kafka.instance from `extra`, default 0) on a port of its own.
    void StartInstance(std::unique_ptr<ChildProcess>& process, int& port, std::string& log,
                       std::map<std::string, std::string> extra) {
        port = bfu::testing::FreePort();
        std::map<std::string, std::string> env = {
            {"BFU_KAFKA_BROKERS", brokers_},
            {"BFU_KAFKA_TOPIC_PREFIX", prefix_},
            {"BFU_KAFKA_GROUP_ID", prefix_ + "ingest"},
            {"BFU_FOLLOWUP_YEAR", std::to_string(kYear)},
            {"BFU_HTTP_PORT", std::to_string(port)},
            {"BFU_LOG_LEVEL", "warn"},
        };
        for (auto& [k, v] : extra) env[k] = v;
        const auto bin = BinaryDir() + "/services/ingest/bfu-ingest";
        ASSERT_TRUE(std::filesystem::exists(bin)) << bin;
        ++starts_;
        log = (dir_ / ("ingest-" + std::to_string(starts_) + ".log")).string();
        process = std::make_unique<ChildProcess>(bin, env, log);
        const bool ready =
            Eventually([&] { return bfu::testing::HttpGet(port, "/readyz").status == 200; }, 60s);
        ASSERT_TRUE(ready) << "ingest not ready; log: " << Slurp(log);
    }

    // Every committed record of a topic, read from the beginning to its end.
    std::vector<kafka::Message> ReadAll(std::string_view base) {
        return bfu::testing::ReadCommitted(brokers_, Topic(base), 60s);
    }

    template <typename T>
    std::vector<T> ReadDecoded(std::string_view base) {
        std::vector<T> out;
        for (const auto& m : ReadAll(base)) {
            auto d = contracts::DecodeMessage<T>(m.value);
            EXPECT_TRUE(d.ok()) << d.error().ToString();
            if (d.ok()) out.push_back(std::move(d).value());
        }
        return out;
    }

    // Waits until `n` decisions are committed (counted raw: decoding thousands of records on
    // every poll would cost more than the wait), then decodes them.
    std::vector<contracts::IngestDecision> WaitDecisions(std::size_t n) {
        Eventually([&] { return ReadAll(contracts::topics::kIngestDecisions).size() >= n; }, 60s,
                   200ms);
        return ReadDecoded<contracts::IngestDecision>(contracts::topics::kIngestDecisions);
    }

    ingest::ControlTotals Totals() {
        kafka::KafkaConfig cfg;
        cfg.brokers = brokers_;
        auto t = ingest::ReadControlTotals(cfg, {Topic(contracts::topics::kIngestDecisions),
                                                 Topic(contracts::topics::kLedgerLines),
                                                 Topic(contracts::topics::kLedgerRejected)});
        EXPECT_TRUE(t.ok()) << t.error().ToString();
        return t.ok() ? std::move(t).value() : ingest::ControlTotals{};
    }

    std::string log_;
    std::unique_ptr<kafka::Producer> producer_;
    std::unique_ptr<ChildProcess> ingest_;
    cli::ExampleMunicipality municipality_;
    contracts::Voucher template_;
    int http_port_ = 0;
    int starts_ = 0;
};

TEST_F(IngestProcess, SigkillMidStreamThenRestartWritesEveryVoucherExactlyOnce) {
    // 2000 distinct vouchers (every 40th coded to an unknown account) and every 15th good one
    // sent a second time, interleaved: the expected outcome is known exactly.
    constexpr int kDistinct = 2000;
    std::vector<contracts::Voucher> stream;
    std::int64_t expected_lines = 0, expected_accepted = 0, expected_rejected = 0;
    std::int64_t expected_duplicates = 0, gross_in = 0, gross_accepted = 0;
    std::vector<contracts::Voucher> good;
    for (int i = 0; i < kDistinct; ++i) {
        const bool bad = i % 40 == 17;
        auto v = MakeVoucher("K-" + std::to_string(i), 1 + i % 9, bad);
        stream.push_back(v);
        gross_in += Gross(v);
        if (bad) {
            ++expected_rejected;
            continue;
        }
        ++expected_accepted;
        gross_accepted += Gross(v);
        expected_lines += static_cast<std::int64_t>(v.lines.size());
        good.push_back(v);
        if (good.size() % 15 == 0) {
            stream.push_back(good[good.size() / 2]);  // an earlier accepted voucher, again
            gross_in += Gross(stream.back());
            ++expected_duplicates;
        }
    }
    ASSERT_EQ(expected_duplicates, (kDistinct - kDistinct / 40) / 15);  // 1950 good / 15
    const auto total_in = static_cast<std::int64_t>(stream.size());

    // The first fifth is waiting when ingest starts; the rest streams in while it works.
    const std::size_t head = stream.size() / 5;
    for (std::size_t i = 0; i < head; ++i) ASSERT_NO_FATAL_FAILURE(Send(stream[i]));
    ASSERT_TRUE(producer_->Flush(30s).ok());
    ASSERT_NO_FATAL_FAILURE(StartIngest());
    std::atomic<bool> send_ok{true};
    std::thread sender([&] {
        for (std::size_t i = head; i < stream.size(); ++i) {
            if (!producer_
                     ->Produce(Topic(contracts::topics::kErpVouchers), stream[i].Key(),
                               stream[i].ToJson().dump())
                     .ok()) {
                send_ok = false;
            }
            // About 2.5 s of stream, so ingest is still busy when it is killed.
            if (i % 20 == 0) std::this_thread::sleep_for(20ms);
        }
        if (!producer_->Flush(30s).ok()) send_ok = false;
    });

    // Kill it once some lines are committed, but not all.
    std::size_t committed_at_kill = 0;
    const bool some = Eventually(
        [&] {
            committed_at_kill = ReadAll(contracts::topics::kLedgerLines).size();
            return committed_at_kill > 0;
        },
        60s, 50ms);
    ingest_.reset();  // ChildProcess's destructor sends SIGKILL
    sender.join();
    ASSERT_TRUE(send_ok.load());
    ASSERT_TRUE(some) << Slurp(log_);
    // What was committed just before the kill: the topic cannot be read to its end now, since
    // the killed instance may have left a transaction open that only its successor aborts.
    ASSERT_LT(committed_at_kill, static_cast<std::size_t>(expected_lines))
        << "ingest finished before it was killed; the test proves nothing";

    ASSERT_NO_FATAL_FAILURE(StartIngest());
    const auto decisions = WaitDecisions(static_cast<std::size_t>(total_in));
    ASSERT_EQ(static_cast<std::int64_t>(decisions.size()), total_in) << Slurp(log_);

    // Lines: exactly as many as expected (which voucher each belongs to, that none is there
    // twice and their öre are checked per voucher by the control totals below).
    EXPECT_EQ(static_cast<std::int64_t>(ReadAll(contracts::topics::kLedgerLines).size()),
              expected_lines);
    // Rejections: every bad voucher once.
    const auto rejected =
        ReadDecoded<contracts::RejectedVoucher>(contracts::topics::kLedgerRejected);
    EXPECT_EQ(static_cast<std::int64_t>(rejected.size()), expected_rejected);
    for (const auto& r : rejected) EXPECT_EQ(r.reasons.at(0).code, "unknown_account");
    // Decisions: one per record in, each origin once.
    std::set<std::pair<std::int32_t, std::int64_t>> records_decided;
    std::map<contracts::IngestResult, std::int64_t> by_result;
    for (const auto& d : decisions) {
        ASSERT_EQ(d.origin.kind, contracts::OriginKind::kKafka);
        EXPECT_TRUE(records_decided.insert({d.origin.partition, d.origin.offset}).second)
            << "two decisions for one record";
        ++by_result[d.result];
    }
    EXPECT_EQ(by_result[contracts::IngestResult::kAccepted], expected_accepted);
    EXPECT_EQ(by_result[contracts::IngestResult::kRejected], expected_rejected);
    EXPECT_EQ(by_result[contracts::IngestResult::kDuplicate], expected_duplicates);

    // The control totals reconcile (every accepted voucher has exactly its lines, each once,
    // with its debit to the öre), and the "in" side is what was sent, to the öre.
    const auto totals = Totals();
    EXPECT_TRUE(totals.Differences().empty()) << totals.ToText();
    const auto groups = totals.Groups();
    ASSERT_EQ(groups.size(), 1u);
    const auto& g = groups.begin()->second;
    EXPECT_EQ(groups.begin()->first,
              (std::pair<std::string, std::string>{"kafka", template_.source.value()}));
    EXPECT_EQ(g.in.vouchers, total_in);
    EXPECT_EQ(g.in.ore, gross_in);
    EXPECT_EQ(g.in.ore, g.accepted.ore + g.rejected.ore + g.duplicate.ore);
    EXPECT_EQ(g.on_lines.ore, gross_accepted);
    EXPECT_EQ(g.on_rejected.vouchers, expected_rejected);
}

TEST_F(IngestProcess, VoucherSentAgainAfterACleanRestartIsADuplicate) {
    // Without a token the HTTP way in is closed, and says so.
    ASSERT_NO_FATAL_FAILURE(StartIngest());
    auto closed =
        Post(http_port_, MakeVoucher("R-0", 1).ToJson().dump(), {"Authorization: Bearer anything"});
    EXPECT_EQ(closed.status, 503);
    EXPECT_NE(closed.body.dump().find("ingest.http.token"), std::string::npos);

    const auto v = MakeVoucher("R-1", 3);
    ASSERT_NO_FATAL_FAILURE(Send(v));
    ASSERT_TRUE(producer_->Flush(30s).ok());
    auto first = WaitDecisions(1);
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(first[0].result, contracts::IngestResult::kAccepted);
    ASSERT_EQ(ingest_->Terminate(30s), std::optional<int>(0)) << Slurp(log_);

    ASSERT_NO_FATAL_FAILURE(StartIngest({{"BFU_INGEST_HTTP_TOKEN", kToken}}));
    ASSERT_NO_FATAL_FAILURE(Send(v));
    ASSERT_NO_FATAL_FAILURE(Send(MakeVoucher("R-2", 1)));
    ASSERT_TRUE(producer_->Flush(30s).ok());
    auto decisions = WaitDecisions(3);
    ASSERT_EQ(decisions.size(), 3u);
    std::map<std::string, std::vector<contracts::IngestDecision>> by_id;
    for (const auto& d : decisions) by_id[d.voucher_id->value()].push_back(d);
    ASSERT_EQ(by_id["R-1"].size(), 2u);
    const auto& again =
        by_id["R-1"][0].origin == first[0].origin ? by_id["R-1"][1] : by_id["R-1"][0];
    EXPECT_EQ(again.result, contracts::IngestResult::kDuplicate);
    ASSERT_TRUE(again.first_origin.has_value());
    EXPECT_EQ(*again.first_origin, first[0].origin);
    EXPECT_EQ(by_id["R-2"].at(0).result, contracts::IngestResult::kAccepted);
    // ...and by HTTP too.
    auto post =
        Post(http_port_, v.ToJson().dump(), {std::string("Authorization: Bearer ") + kToken});
    ASSERT_EQ(post.status, 200) << post.body.dump();
    EXPECT_EQ(post.body["results"][0]["result"], "duplicate");
    EXPECT_EQ(post.body["results"][0]["firstOrigin"]["kind"], "kafka");

    const auto lines = ReadAll(contracts::topics::kLedgerLines);
    EXPECT_EQ(lines.size(), v.lines.size() + MakeVoucher("R-2", 1).lines.size());
    EXPECT_TRUE(Totals().Differences().empty());
}

TEST_F(IngestProcess, PostVouchersAnswersPerVoucherAndWritesInOneTransaction) {
    ASSERT_NO_FATAL_FAILURE(StartIngest(
        {{"BFU_INGEST_HTTP_TOKEN", kToken}, {"BFU_INGEST_HTTP_MAX_BODY_BYTES", "20000"}}));
    const std::string auth = std::string("Authorization: Bearer ") + kToken;
    const auto a = MakeVoucher("H-1", 1);
    const auto bad = MakeVoucher("H-2", 2, true);
    const auto c = MakeVoucher("H-3", 3);

    // A JSON array: accepted, rejected with its reason, accepted.
    const std::string array =
        "[" + a.ToJson().dump() + ",\n" + bad.ToJson().dump() + "," + c.ToJson().dump() + "]";
    auto r1 = Post(http_port_, array, {auth, "Content-Type: application/json"});
    ASSERT_EQ(r1.status, 200) << r1.body.dump() << Slurp(log_);
    EXPECT_EQ(r1.body["vouchers"], 3);
    EXPECT_EQ(r1.body["accepted"], 2);
    EXPECT_EQ(r1.body["rejected"], 1);
    EXPECT_EQ(r1.body["results"][0]["key"], a.Key());
    EXPECT_EQ(r1.body["results"][0]["result"], "accepted");
    EXPECT_EQ(r1.body["results"][1]["result"], "rejected");
    EXPECT_EQ(r1.body["results"][1]["reasons"][0]["code"], "unknown_account");
    EXPECT_EQ(r1.body["results"][1]["reasons"][0]["field"], "/lines/0/account");
    EXPECT_EQ(r1.body["results"][1]["reasons"][0]["line"], 1);
    const std::string request_id = r1.body["requestId"];
    EXPECT_NE(r1.head.find("X-Request-Id: " + request_id), std::string::npos);

    // NDJSON: a duplicate of the array's first, a new one, and a line that is not JSON.
    const auto d = MakeVoucher("H-4", 4);
    const std::string ndjson = a.ToJson().dump() + "\n" + d.ToJson().dump() + "\nnot json\n";
    auto r2 = Post(http_port_, ndjson, {auth, "Content-Type: application/x-ndjson"});
    ASSERT_EQ(r2.status, 200) << r2.body.dump();
    EXPECT_EQ(r2.body["results"][0]["result"], "duplicate");
    EXPECT_EQ(r2.body["results"][0]["firstOrigin"]["requestId"], request_id + ":0");
    EXPECT_EQ(r2.body["results"][1]["result"], "accepted");
    EXPECT_EQ(r2.body["results"][2]["result"], "rejected");
    EXPECT_EQ(r2.body["results"][2]["reasons"][0]["code"], "schema");

    // Refused: no token, a wrong one, a body over the limit, a body that is not JSON.
    EXPECT_EQ(Post(http_port_, a.ToJson().dump(), {}).status, 401);
    auto wrong = Post(http_port_, a.ToJson().dump(), {"Authorization: Bearer s3cret-tokeN"});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_NE(wrong.head.find("WWW-Authenticate: Bearer"), std::string::npos);
    std::string big = "[";
    for (int i = 0; big.size() < 25000; ++i) {
        big += (i > 0 ? "," : "") + MakeVoucher("BIG-" + std::to_string(i), 1).ToJson().dump();
    }
    big += "]";
    EXPECT_EQ(Post(http_port_, big, {auth}).status, 413);
    auto garbage = Post(http_port_, "hello", {auth});
    EXPECT_EQ(garbage.status, 400);
    EXPECT_NE(garbage.body["error"].get<std::string>().find("not JSON"), std::string::npos);

    // What was written: the lines of H-1, H-3, H-4; two rejections; six decisions by HTTP.
    const auto decisions = WaitDecisions(6);
    ASSERT_EQ(decisions.size(), 6u);
    for (const auto& dec : decisions) {
        EXPECT_EQ(dec.way, contracts::IngestWay::kHttp);
        EXPECT_EQ(dec.origin.kind, contracts::OriginKind::kHttp);
    }
    const auto lines = ReadDecoded<contracts::LedgerLine>(contracts::topics::kLedgerLines);
    EXPECT_EQ(lines.size(), a.lines.size() + c.lines.size() + d.lines.size());
    for (const auto& l : lines) EXPECT_NE(l.voucher.voucher_id.value(), "BIG-0");
    const auto rejected =
        ReadDecoded<contracts::RejectedVoucher>(contracts::topics::kLedgerRejected);
    ASSERT_EQ(rejected.size(), 2u);
    for (const auto& r : rejected) EXPECT_EQ(r.origin.kind, contracts::OriginKind::kHttp);
    const auto totals = Totals();
    EXPECT_TRUE(totals.Differences().empty()) << totals.ToText();
    const auto groups = totals.Groups();
    const auto& g = groups.at({"http", a.source.value()});
    EXPECT_EQ(g.in.vouchers, 5);
    EXPECT_EQ(g.in.ore, 2 * Gross(a) + Gross(bad) + Gross(c) + Gross(d));
    EXPECT_EQ(g.duplicate.vouchers, 1);
    // The line that was not JSON has no source: it is counted apart, with 0 öre.
    const auto& unknown = groups.at({"http", ""});
    EXPECT_EQ(unknown.in.vouchers, 1);
    EXPECT_EQ(unknown.rejected.vouchers, 1);
    EXPECT_EQ(unknown.on_rejected.vouchers, 1);
}

// Rejections bigger than the broker's default message size once stopped ingest
// (MSG_SIZE_TOO_LARGE, exit 1, the same record read again after every restart; over HTTP
// "503, send again" for ever). Now each is written, bounded, and the vouchers behind it go on.
TEST_F(IngestProcess, LargeRejectionsAreWrittenAndTheVouchersBehindThemGoOn) {
    ASSERT_NO_FATAL_FAILURE(StartIngest({{"BFU_INGEST_HTTP_TOKEN", kToken}}));
    // 8 000 lines, every one on a cost centre that does not exist: 8 000 reasons before.
    auto many = MakeVoucher("L-1", 1);
    const auto debit = many.lines[0];
    const auto credit = many.lines[1];
    many.lines.clear();
    for (int i = 0; i < 4000; ++i) {
        many.lines.push_back(debit);
        many.lines.back().unit = core::UnitId("NOPE");
        many.lines.push_back(credit);
        many.lines.back().unit = core::UnitId("NOPE");
    }
    // Just under a megabyte of quotes in a line text (each escaped again in the rejection:
    // about 2 MB written) on an account that is not in the chart.
    auto quoted = MakeVoucher("L-2", 1, true);
    quoted.lines[0].text = std::string(480000, '"');
    const std::string quoted_payload = quoted.ToJson().dump();
    ASSERT_GT(quoted_payload.size(), 950000u);
    ASSERT_NO_FATAL_FAILURE(Send(many));
    ASSERT_TRUE(
        producer_->Produce(Topic(contracts::topics::kErpVouchers), quoted.Key(), quoted_payload)
            .ok());
    const auto after = MakeVoucher("L-3", 2);
    ASSERT_NO_FATAL_FAILURE(Send(after));
    ASSERT_TRUE(producer_->Flush(30s).ok());
    // Over HTTP, a 3 MiB voucher with a wrong account: its rejection keeps the first 2 MiB.
    auto huge = MakeVoucher("L-4", 1, true);
    huge.lines[0].text = std::string(3U << 20U, 'a');
    auto post =
        Post(http_port_, huge.ToJson().dump(), {std::string("Authorization: Bearer ") + kToken});
    ASSERT_EQ(post.status, 200) << post.body.dump().substr(0, 2000) << Slurp(log_);
    EXPECT_EQ(post.body["results"][0]["result"], "rejected");

    const auto decisions = WaitDecisions(4);
    ASSERT_EQ(decisions.size(), 4u) << Slurp(log_);
    std::map<std::string, contracts::IngestDecision> by_id;
    for (const auto& d : decisions) by_id[d.voucher_id->value()] = d;
    EXPECT_EQ(by_id.at("L-1").result, contracts::IngestResult::kRejected);
    EXPECT_EQ(by_id.at("L-1").line_count, 8000);
    EXPECT_EQ(by_id.at("L-1").reasons.size(), 100u);
    EXPECT_EQ(by_id.at("L-2").result, contracts::IngestResult::kRejected);
    EXPECT_EQ(by_id.at("L-3").result, contracts::IngestResult::kAccepted);
    EXPECT_EQ(by_id.at("L-4").result, contracts::IngestResult::kRejected);
    EXPECT_TRUE(ingest_->Running()) << Slurp(log_);

    std::map<std::string, contracts::RejectedVoucher> rejected;
    for (auto& r : ReadDecoded<contracts::RejectedVoucher>(contracts::topics::kLedgerRejected)) {
        rejected[r.voucher_id->value()] = r;
    }
    ASSERT_EQ(rejected.size(), 3u);
    const auto& l1 = rejected.at("L-1");
    ASSERT_EQ(l1.reasons.size(), 100u);
    EXPECT_EQ(l1.reasons.front().code, "unknown_unit");
    EXPECT_EQ(l1.reasons.back().code, "more_reasons");
    EXPECT_NE(l1.reasons.back().message.find("7 901 st"), std::string::npos);
    EXPECT_EQ(l1.original.content, many.ToJson().dump());
    EXPECT_EQ(rejected.at("L-2").original.content, quoted_payload);  // verbatim, whole
    const auto& l4 = rejected.at("L-4");
    EXPECT_EQ(l4.reasons.back().code, "original_truncated");
    EXPECT_EQ(l4.original.content.size(), std::size_t{2U << 20U});
    // The accepted voucher behind them is on the ledger, and the totals still reconcile.
    const auto lines = ReadDecoded<contracts::LedgerLine>(contracts::topics::kLedgerLines);
    ASSERT_EQ(lines.size(), after.lines.size());
    EXPECT_EQ(lines[0].voucher.voucher_id.value(), "L-3");
    const auto totals = Totals();
    EXPECT_TRUE(totals.Differences().empty()) << totals.ToText();
}

// Two instances, and every voucher sent three ways at once: by Kafka and by POST to each
// instance. Each instance used to accept what it posted itself (its register learns of the
// other's acceptance only once that is committed and read back): the same voucher twice on the
// ledger. Now only the owner of the voucher's partition accepts; the HTTP way hands it over.
TEST_F(IngestProcess, TwoInstancesAcceptEachVoucherOnceWhicheverWayItComes) {
    ASSERT_NO_FATAL_FAILURE(StartIngest({{"BFU_INGEST_HTTP_TOKEN", kToken}}));
    std::unique_ptr<ChildProcess> second;
    int second_port = 0;
    std::string second_log;
    // The second instance waits at most 1 ms for the owner's decisions: its answer says which
    // vouchers are still pending (202), and they are decided all the same.
    ASSERT_NO_FATAL_FAILURE(StartInstance(second, second_port, second_log,
                                          {{"BFU_INGEST_HTTP_TOKEN", kToken},
                                           {"BFU_KAFKA_INSTANCE", "1"},
                                           {"BFU_INGEST_HTTP_DECISION_TIMEOUT", "1ms"}}));
    constexpr int kVouchers = 60;
    std::vector<contracts::Voucher> vouchers;
    std::string array = "[";
    for (int i = 0; i < kVouchers; ++i) {
        vouchers.push_back(MakeVoucher("T-" + std::to_string(i), i + 1));
        array += (i > 0 ? "," : "") + vouchers.back().ToJson().dump();
    }
    array += "]";
    const std::string auth = std::string("Authorization: Bearer ") + kToken;
    PostResult to_first;
    PostResult to_second;
    {
        std::jthread a([&] { to_first = Post(http_port_, array, {auth}); });
        std::jthread b([&] { to_second = Post(second_port, array, {auth}); });
        for (const auto& v : vouchers) ASSERT_NO_FATAL_FAILURE(Send(v));
        ASSERT_TRUE(producer_->Flush(30s).ok());
    }
    EXPECT_EQ(to_first.status, 200) << to_first.body.dump() << Slurp(log_);
    EXPECT_EQ(to_second.status, 202) << to_second.body.dump() << Slurp(second_log);
    int pending = 0;
    for (const auto& r : to_second.body["results"]) pending += r["result"] == "pending" ? 1 : 0;
    EXPECT_GT(pending, 0);
    EXPECT_EQ(to_second.body["results"].size(), std::size_t{kVouchers});

    const auto decisions = WaitDecisions(3 * kVouchers);
    ASSERT_EQ(decisions.size(), std::size_t{3 * kVouchers});
    std::map<std::string, int> accepted;
    for (const auto& d : decisions) {
        if (d.result == contracts::IngestResult::kAccepted) ++accepted[d.voucher_id->value()];
    }
    EXPECT_EQ(accepted.size(), std::size_t{kVouchers});
    for (const auto& [id, n] : accepted) EXPECT_EQ(n, 1) << id << " accepted " << n << " times";
    // Of the first instance's answer and the Kafka copies, one acceptance per voucher at most.
    int answered_accepted = 0;
    for (const auto& r : to_first.body["results"]) {
        EXPECT_TRUE(r["result"] == "accepted" || r["result"] == "duplicate") << r.dump();
        answered_accepted += r["result"] == "accepted" ? 1 : 0;
    }
    EXPECT_LE(answered_accepted, kVouchers);
    const auto lines = ReadAll(contracts::topics::kLedgerLines);
    EXPECT_EQ(lines.size(), std::size_t{2 * kVouchers});
    const auto totals = Totals();
    EXPECT_TRUE(totals.Differences().empty()) << totals.ToText();
    EXPECT_TRUE(second->Running()) << Slurp(second_log);
}

// A partition moves to an instance whose register has not yet read the previous owner's last
// decisions (found by ops/chaos: two instances started together, the second took partitions
// over while its decision log was still a second behind, and accepted a voucher's HTTP copy
// after the first had accepted its Kafka copy). Made certain here: a transaction left open on
// every partition of bfu.ingest.decisions holds every decision log back (read_committed), the
// second instance decides the first copies and is SIGKILLed, and its partitions move to the
// first with the second copies waiting. The new owner now waits for its decision log to read to
// the end before it decides (DecisionLog::CatchUp); before, it accepted them all again.
TEST_F(IngestProcess, APartitionMovedToAnInstanceWhoseRegisterIsBehindDecidesEachVoucherOnce) {
    const std::map<std::string, std::string> fast_failover = {{"BFU_INGEST_SESSION_TIMEOUT", "6s"}};
    ASSERT_NO_FATAL_FAILURE(StartIngest(fast_failover));
    std::unique_ptr<ChildProcess> second;
    int second_port = 0;
    std::string second_log;
    auto second_env = fast_failover;
    second_env["BFU_KAFKA_INSTANCE"] = "1";
    ASSERT_NO_FATAL_FAILURE(StartInstance(second, second_port, second_log, second_env));
    // Until the second instance owns partitions and decides: vouchers W-n, one at a time.
    auto accepted_by = [](int port) {
        const auto body = bfu::testing::HttpGet(port, "/metrics").body;
        const std::string name = "bfu_ingest_vouchers_total{result=\"accepted\"} ";
        const auto at = body.find(name);
        return at == std::string::npos ? 0L : std::atol(body.c_str() + at + name.size());
    };
    int warm = 0;
    ASSERT_TRUE(Eventually(
        [&] {
            Send(MakeVoucher("W-" + std::to_string(warm++), 1));
            (void)producer_->Flush(10s);
            std::this_thread::sleep_for(100ms);
            return accepted_by(second_port) > 0 && accepted_by(http_port_) > 0;
        },
        90s))
        << Slurp(second_log);
    ASSERT_TRUE(Eventually(
        [&] { return ReadAll(contracts::topics::kLedgerLines).size() == std::size_t(2 * warm); },
        60s));

    // Hold every decision log back.
    const std::string decisions = Topic(contracts::topics::kIngestDecisions);
    kafka::KafkaConfig rogue_cfg;
    rogue_cfg.brokers = brokers_;
    rogue_cfg.transactional_id = prefix_ + "held-open";
    auto rogue = kafka::TransactionalProducer::Create(rogue_cfg);
    ASSERT_TRUE(rogue.ok()) << rogue.error().ToString();
    ASSERT_TRUE((*rogue)->Begin().ok());
    for (std::int32_t p = 0; p < 6; ++p) {
        ASSERT_TRUE((*rogue)->Produce({decisions, "held", "{}", {}, p}).ok());
    }
    ASSERT_TRUE((*rogue)->Flush(30s).ok());

    constexpr int kVouchers = 60;
    for (int i = 0; i < kVouchers; ++i) Send(MakeVoucher("M-" + std::to_string(i), i + 1));
    ASSERT_TRUE(producer_->Flush(30s).ok());
    const std::size_t first_lines = std::size_t(2 * (warm + kVouchers));
    ASSERT_TRUE(Eventually(
        [&] { return ReadAll(contracts::topics::kLedgerLines).size() == first_lines; }, 60s));
    second.reset();  // SIGKILL
    for (int i = 0; i < kVouchers; ++i) Send(MakeVoucher("M-" + std::to_string(i), i + 1));
    ASSERT_TRUE(producer_->Flush(30s).ok());
    // The second instance's partitions move after its session times out (6 s); the first then
    // waits for its decision log (it says so), or accepted the second copies at once (before).
    const bool waited = Eventually(
        [&] { return Slurp(log_).find("decision log behind") != std::string::npos; }, 40s);
    const auto lines_while_held = ReadAll(contracts::topics::kLedgerLines).size();
    ASSERT_TRUE((*rogue)->Abort(30s).ok());

    const auto all = WaitDecisions(std::size_t(warm + 2 * kVouchers));
    ASSERT_EQ(all.size(), std::size_t(warm + 2 * kVouchers));
    std::map<std::string, int> accepted;
    for (const auto& d : all) {
        if (d.result == contracts::IngestResult::kAccepted) ++accepted[d.voucher_id->value()];
    }
    EXPECT_EQ(accepted.size(), std::size_t(warm + kVouchers));
    int twice = 0;
    for (const auto& [id, n] : accepted) {
        if (n != 1 && ++twice <= 3) ADD_FAILURE() << id << " accepted " << n << " times";
    }
    EXPECT_EQ(twice, 0);
    EXPECT_TRUE(waited) << Slurp(log_);
    EXPECT_EQ(lines_while_held, first_lines);
    EXPECT_EQ(ReadAll(contracts::topics::kLedgerLines).size(), first_lines);
    const auto totals = Totals();
    EXPECT_TRUE(totals.Differences().empty()) << totals.ToText();
}

// The barrier itself, in process: a decision committed by another instance is in this
// instance's register as soon as CatchUp returns (following the topic alone, it arrives some
// milliseconds later).
TEST_F(IngestProcess, DecisionLogCatchUpHasReadEveryDecisionCommittedBeforeIt) {
    kafka::KafkaConfig cfg;
    cfg.brokers = brokers_;
    cfg.client_id = prefix_ + "catch-up";
    config::Schema schema;
    const config::Config none = config::LoadFromText(schema, "{}", "test", config::MapEnv({}));
    runtime::Logger logger("ingest-test");
    runtime::MetricsRegistry metrics;
    runtime::HttpServer http;
    runtime::ShutdownLatch latch;
    runtime::Context ctx(none, logger, metrics, http, latch);
    auto checker = std::make_shared<ingest::VoucherChecker>(ingest::CheckRules{});
    ingest::DecisionLog log(cfg, Topic(contracts::topics::kIngestDecisions), checker, ctx);
    log.Start();
    log.WaitLoaded(std::stop_source().get_token());
    ASSERT_TRUE(log.Loaded());

    kafka::KafkaConfig tcfg = cfg;
    tcfg.transactional_id = prefix_ + "other-ingest";
    auto other = kafka::TransactionalProducer::Create(tcfg);
    ASSERT_TRUE(other.ok()) << other.error().ToString();
    for (int i = 0; i < 20; ++i) {
        contracts::IngestDecision d;
        d.way = contracts::IngestWay::kKafka;
        d.origin = contracts::Origin::Kafka(Topic(contracts::topics::kErpVouchers), 0, i);
        d.source = core::SourceId("erp");
        d.voucher_id = core::VoucherId("C-" + std::to_string(i));
        d.result = contracts::IngestResult::kAccepted;
        d.line_count = 2;
        d.gross_ore = 100;
        d.decided_at = "2026-03-01T00:00:00Z";
        const std::string key = "erp:C-" + std::to_string(i);
        ASSERT_TRUE((*other)->Begin().ok());
        ASSERT_TRUE((*other)
                        ->Produce(Topic(contracts::topics::kIngestDecisions), key,
                                  contracts::EncodeMessage(
                                      d, {contracts::NewEventId(), "test", core::TimePoint{}, ""}))
                        .ok());
        ASSERT_TRUE((*other)->Commit(30s).ok());
        ASSERT_TRUE(log.CatchUp(std::chrono::steady_clock::now() + 30s)) << i;
        EXPECT_TRUE(checker->Knows(key)) << key << " not in the register after CatchUp";
    }
    log.Stop();
}

TEST_F(IngestProcess, IngestTotalsCommandReconcilesAndNamesTheFigures) {
    ASSERT_NO_FATAL_FAILURE(StartIngest());
    ASSERT_NO_FATAL_FAILURE(Send(MakeVoucher("T-1", 1)));
    ASSERT_NO_FATAL_FAILURE(Send(MakeVoucher("T-2", 1, true)));
    ASSERT_NO_FATAL_FAILURE(Send(MakeVoucher("T-1", 1)));
    ASSERT_TRUE(producer_->Flush(30s).ok());
    ASSERT_EQ(WaitDecisions(3).size(), 3u);
    ::setenv("BFU_KAFKA_BROKERS", brokers_.c_str(), 1);
    ::setenv("BFU_KAFKA_TOPIC_PREFIX", prefix_.c_str(), 1);
    std::ostringstream out, err;
    const int rc = cli::Run({"ingest", "totals", "--json"}, out, err);
    EXPECT_EQ(rc, 0) << out.str() << err.str();
    const json j = json::parse(out.str(), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << out.str();
    EXPECT_TRUE(j["reconciled"].get<bool>());
    ASSERT_EQ(j["groups"].size(), 1u);
    EXPECT_EQ(j["groups"][0]["way"], "kafka");
    EXPECT_EQ(j["groups"][0]["in"]["vouchers"], 3);
    EXPECT_EQ(j["groups"][0]["accepted"]["vouchers"], 1);
    EXPECT_EQ(j["groups"][0]["rejected"]["vouchers"], 1);
    EXPECT_EQ(j["groups"][0]["duplicate"]["vouchers"], 1);
    EXPECT_EQ(j["groups"][0]["in"]["ore"], 3 * Gross(MakeVoucher("T-1", 1)));
    // A source with nothing: nothing to reconcile, still exit 0; the text form names it.
    std::ostringstream text;
    EXPECT_EQ(cli::Run({"ingest", "totals", "--source", "nosuch"}, text, err), 0);
    EXPECT_NE(text.str().find("inga verifikationer"), std::string::npos);
    // The duplicate, with its first acceptance.
    std::ostringstream dups;
    EXPECT_EQ(cli::Run({"ingest", "duplicates", "--json"}, dups, err), 0) << err.str();
    const json d = json::parse(dups.str(), nullptr, false);
    ASSERT_TRUE(d.is_array()) << dups.str();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0]["voucherId"], "T-1");
    EXPECT_EQ(d[0]["firstOrigin"]["kind"], "kafka");
    EXPECT_NE(d[0]["firstOrigin"], d[0]["origin"]);
    std::ostringstream usage;
    EXPECT_EQ(cli::Run({"ingest", "sums"}, out, usage), 2);
    ::unsetenv("BFU_KAFKA_TOPIC_PREFIX");
}

}  // namespace
}  // namespace bfu
