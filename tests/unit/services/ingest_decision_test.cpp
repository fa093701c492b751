// Decide: what one decided voucher writes (lines or rejection, then its decision), the
// duplicate register across deliveries, restarts (Remember) and failed requests (Forget).
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/ingest/decision.hpp"
#include "bfu/ingest/decision_log.hpp"
#include "test_master.hpp"

namespace bfu::ingest {
namespace {

using contracts::IngestResult;
using contracts::IngestWay;
using nlohmann::json;

const IngestTopics kTopics{"p.bfu.ledger.lines", "p.bfu.ledger.rejected", "p.bfu.ingest.decisions",
                           "p.bfu.erp.vouchers"};

// 1200.00 + 300.50 debit against the bank: gross 150 050 öre.
json Voucher(const std::string& id, const std::string& account = "5011") {
    return json{{"source", "visma"},
                {"voucherId", id},
                {"date", "2026-03-02"},
                {"lines", json::array({
                              {{"account", account}, {"unit", "ENH1"}, {"amount", "1200.00"}},
                              {{"account", "4010"}, {"unit", "ENH2"}, {"amount", "300.50"}},
                              {{"account", "1930"}, {"unit", "ENH1"}, {"amount", "-1500.50"}},
                          })}};
}

contracts::Origin KafkaAt(std::int64_t offset) {
    return contracts::Origin::Kafka("p.bfu.erp.vouchers", 1, offset);
}

class IngestDecide : public ::testing::Test {
protected:
    IngestDecide() : checker_(CheckRules{{2026}, {}}) {
        checker_.SetMaster(test::StandardMaster());
    }
    DecidedVoucher DecideVoucher(const json& v, const contracts::Origin& origin,
                                 IngestWay way = IngestWay::kKafka) {
        return Decide(checker_, v.dump(), way, origin, kTopics, test::TestNow());
    }
    static contracts::IngestDecision DecisionOf(const DecidedVoucher& d) {
        EXPECT_FALSE(d.outputs.empty());
        const auto& last = d.outputs.back();
        EXPECT_EQ(last.topic, kTopics.decisions);
        auto decoded = contracts::DecodeMessage<contracts::IngestDecision>(last.value);
        EXPECT_TRUE(decoded.ok()) << decoded.error().ToString();
        EXPECT_EQ(last.key, decoded->Key());
        return decoded.value();
    }
    VoucherChecker checker_;
};

TEST_F(IngestDecide, AcceptedVoucherWritesItsLinesThenOneDecision) {
    auto d = DecideVoucher(Voucher("A-1"), KafkaAt(7));
    ASSERT_EQ(d.check.kind, CheckResult::Kind::kAccepted);
    ASSERT_EQ(d.outputs.size(), 4u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(d.outputs[i].topic, kTopics.lines);
    EXPECT_EQ(d.outputs[0].key, "ENH1");
    EXPECT_EQ(d.outputs[1].key, "ENH2");
    const auto decision = DecisionOf(d);
    EXPECT_EQ(decision, d.decision);
    EXPECT_EQ(decision.result, IngestResult::kAccepted);
    EXPECT_EQ(decision.way, IngestWay::kKafka);
    EXPECT_EQ(decision.Key(), "visma:A-1");
    EXPECT_EQ(decision.line_count, 3);
    EXPECT_EQ(decision.gross_ore, 150'050);
    EXPECT_TRUE(decision.reasons.empty());
    EXPECT_FALSE(decision.first_origin.has_value());
    EXPECT_EQ(decision.origin, KafkaAt(7));
}

TEST_F(IngestDecide, RejectedVoucherWritesItsRejectionAndTheReasonCodes) {
    auto d =
        DecideVoucher(Voucher("A-2", "4999"), contracts::Origin::Http("r-1:0"), IngestWay::kHttp);
    ASSERT_EQ(d.check.kind, CheckResult::Kind::kRejected);
    ASSERT_EQ(d.outputs.size(), 2u);
    EXPECT_EQ(d.outputs[0].topic, kTopics.rejected);
    EXPECT_EQ(d.outputs[0].key, "visma:A-2");
    const auto decision = DecisionOf(d);
    EXPECT_EQ(decision.result, IngestResult::kRejected);
    EXPECT_EQ(decision.way, IngestWay::kHttp);
    EXPECT_EQ(decision.reasons, std::vector<std::string>{"unknown_account"});
    EXPECT_EQ(decision.line_count, 3);  // as sent
    EXPECT_EQ(decision.gross_ore, 150'050);
}

TEST_F(IngestDecide, UnreadablePayloadIsKeyedByWhereItCameFromWithZeroAmounts) {
    auto d =
        Decide(checker_, "not json {", IngestWay::kKafka, KafkaAt(9), kTopics, test::TestNow());
    ASSERT_EQ(d.check.kind, CheckResult::Kind::kRejected);
    const auto decision = DecisionOf(d);
    EXPECT_FALSE(decision.source.has_value());
    EXPECT_EQ(decision.Key(), "kafka:p.bfu.erp.vouchers:1:9");
    EXPECT_EQ(decision.gross_ore, 0);
    EXPECT_EQ(decision.line_count, 0);
    EXPECT_EQ(decision.reasons, std::vector<std::string>{"schema"});
}

TEST_F(IngestDecide, DuplicateWritesOnlyADecisionNamingTheFirstAcceptance) {
    ASSERT_EQ(DecideVoucher(Voucher("A-3"), KafkaAt(1)).check.kind, CheckResult::Kind::kAccepted);
    auto d = DecideVoucher(Voucher("A-3"), contracts::Origin::Http("r-2:4"), IngestWay::kHttp);
    ASSERT_EQ(d.check.kind, CheckResult::Kind::kDuplicate);
    ASSERT_EQ(d.outputs.size(), 1u);
    const auto decision = DecisionOf(d);
    EXPECT_EQ(decision.result, IngestResult::kDuplicate);
    ASSERT_TRUE(decision.first_origin.has_value());
    EXPECT_EQ(*decision.first_origin, KafkaAt(1));
    // What came in is still counted: the duplicate's lines and öre.
    EXPECT_EQ(decision.line_count, 3);
    EXPECT_EQ(decision.gross_ore, 150'050);
}

TEST(IngestWayOfRecord, AVoucherFromAnSieFileComesInByTheSieFileWay) {
    EXPECT_EQ(WayOfRecord({}), IngestWay::kKafka);
    EXPECT_EQ(WayOfRecord({{"other", "x"}}), IngestWay::kKafka);
    EXPECT_EQ(WayOfRecord({{"bfu-origin-file", "inbox/a.se"}, {"bfu-origin-line", "12"}}),
              IngestWay::kSieFile);
}

// A voucher POST /v1/vouchers handed to its partition's owner keeps the HTTP way and origin
// (the request waits for that decision); any other record's origin is its Kafka position.
TEST(IngestWayOfRecord, AVoucherHandedOverByHttpKeepsItsRequestsOrigin) {
    kafka::Message m;
    m.topic = "p.bfu.erp.vouchers";
    m.partition = 4;
    m.offset = 77;
    EXPECT_EQ(OriginOfRecord(m), contracts::Origin::Kafka("p.bfu.erp.vouchers", 4, 77));
    m.headers = {{"bfu-origin-file", "inbox/a.se"}};
    EXPECT_EQ(OriginOfRecord(m), contracts::Origin::Kafka("p.bfu.erp.vouchers", 4, 77));
    m.headers = {{std::string(kOriginHttpHeader), "r-abc-3:12"}};
    EXPECT_EQ(WayOfRecord(m.headers), IngestWay::kHttp);
    EXPECT_EQ(OriginOfRecord(m), contracts::Origin::Http("r-abc-3:12"));
    m.headers = {{std::string(kOriginHttpHeader), ""}};  // empty: not a hand-over's origin
    EXPECT_EQ(OriginOfRecord(m), contracts::Origin::Kafka("p.bfu.erp.vouchers", 4, 77));
}

TEST_F(IngestDecide, EventIdsAreDeterministicAndValidForOddVoucherIds) {
    auto v = Voucher("A/4 ö");
    auto first = DecideVoucher(v, contracts::Origin::File("inbox/x.se", 12), IngestWay::kSieFile);
    ASSERT_EQ(first.check.kind, CheckResult::Kind::kAccepted);
    for (const auto& m : first.outputs) {
        auto env = contracts::Decode(m.value);
        ASSERT_TRUE(env.ok()) << env.error().ToString();
    }
    // The same delivery decided again (a retried batch) gives the same records.
    auto again = DecideVoucher(v, contracts::Origin::File("inbox/x.se", 12), IngestWay::kSieFile);
    ASSERT_EQ(again.check.kind, CheckResult::Kind::kAccepted);
    ASSERT_EQ(again.outputs.size(), first.outputs.size());
    for (std::size_t i = 0; i < first.outputs.size(); ++i) {
        EXPECT_EQ(contracts::Decode(again.outputs[i].value)->id,
                  contracts::Decode(first.outputs[i].value)->id);
    }
}

// "A/1", "A 1" and "A_1" are three vouchers: their ledger lines must not share event ids
// (consumers deduplicate on them), nor with an id that spells another's escape.
TEST_F(IngestDecide, DifferentVoucherIdsNeverShareAnEventId) {
    std::set<std::string> ids;
    std::size_t records = 0;
    for (const std::string voucher : {"A/1", "A 1", "A_1", "A_2F1", "A__1", "A:1"}) {
        auto d = DecideVoucher(Voucher(voucher), KafkaAt(static_cast<std::int64_t>(records)));
        ASSERT_EQ(d.check.kind, CheckResult::Kind::kAccepted) << voucher;
        for (const auto& m : d.outputs) {
            if (m.topic != kTopics.lines) continue;
            auto env = contracts::Decode(m.value);
            ASSERT_TRUE(env.ok()) << env.error().ToString();
            ids.insert(env->id);
            ++records;
        }
    }
    EXPECT_EQ(ids.size(), records);
}

TEST_F(IngestDecide, RememberedAcceptanceFromTheDecisionLogMakesADuplicateAfterARestart) {
    // Yesterday's instance accepted A-5; its decision is on the topic.
    VoucherChecker yesterday(CheckRules{{2026}, {}});
    yesterday.SetMaster(test::StandardMaster());
    auto first = Decide(yesterday, Voucher("A-5").dump(), IngestWay::kKafka, KafkaAt(3), kTopics,
                        test::TestNow());
    ASSERT_EQ(first.check.kind, CheckResult::Kind::kAccepted);
    // Today's instance reads the decision log back, then the ERP sends A-5 again.
    EXPECT_TRUE(ApplyDecision(checker_, first.outputs.back().key, first.outputs.back().value));
    EXPECT_EQ(checker_.Remembered(), 1u);
    auto d = DecideVoucher(Voucher("A-5"), KafkaAt(900));
    EXPECT_EQ(d.check.kind, CheckResult::Kind::kDuplicate);
    EXPECT_EQ(d.decision.first_origin, KafkaAt(3));
    // A later record of the same voucher cannot change the register: it is not even read.
    EXPECT_TRUE(ApplyDecision(checker_, first.outputs.back().key, "not JSON at all"));
    EXPECT_EQ(checker_.Remembered(), 1u);
    EXPECT_EQ(d.decision.first_origin, KafkaAt(3));
    // The record of the first acceptance itself, read again, is decided the same way.
    EXPECT_EQ(DecideVoucher(Voucher("A-5"), KafkaAt(3)).check.kind, CheckResult::Kind::kAccepted);
}

TEST_F(IngestDecide, RejectionsAndDuplicatesInTheLogAreNotRemembered) {
    auto rejected = DecideVoucher(Voucher("A-6", "4999"), KafkaAt(1));
    ASSERT_EQ(rejected.check.kind, CheckResult::Kind::kRejected);
    VoucherChecker fresh(CheckRules{{2026}, {}});
    fresh.SetMaster(test::StandardMaster());
    EXPECT_TRUE(ApplyDecision(fresh, rejected.outputs.back().key, rejected.outputs.back().value));
    EXPECT_EQ(fresh.Remembered(), 0u);
    EXPECT_FALSE(ApplyDecision(fresh, "erp:A-6", "{\"not\": \"a decision\"}"));
    // The corrected voucher is accepted.
    auto mended = Decide(fresh, Voucher("A-6").dump(), IngestWay::kKafka, KafkaAt(2), kTopics,
                         test::TestNow());
    EXPECT_EQ(mended.check.kind, CheckResult::Kind::kAccepted);
}

TEST_F(IngestDecide, ForgetTakesBackOnlyTheUncommittedAcceptance) {
    const auto http = contracts::Origin::Http("r-9:0");
    ASSERT_EQ(DecideVoucher(Voucher("A-7"), http, IngestWay::kHttp).check.kind,
              CheckResult::Kind::kAccepted);
    // Another origin's Forget does not remove it.
    checker_.Forget("visma:A-7", KafkaAt(5));
    EXPECT_EQ(DecideVoucher(Voucher("A-7"), KafkaAt(6)).check.kind, CheckResult::Kind::kDuplicate);
    // The request's transaction failed: the voucher sent again is accepted.
    checker_.Forget("visma:A-7", http);
    EXPECT_EQ(DecideVoucher(Voucher("A-7"), contracts::Origin::Http("r-10:0"), IngestWay::kHttp)
                  .check.kind,
              CheckResult::Kind::kAccepted);
}

TEST_F(IngestDecide, ConcurrentDeliveriesOfOneVoucherAcceptItOnce) {
    constexpr int kThreads = 4;
    constexpr int kVouchers = 200;
    std::atomic<int> accepted{0};
    std::atomic<int> duplicates{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kVouchers; ++i) {
                auto r = checker_.Check(Voucher("C-" + std::to_string(i)).dump(),
                                        contracts::Origin::Http("t" + std::to_string(t)),
                                        test::TestNow());
                if (r.kind == CheckResult::Kind::kAccepted) ++accepted;
                if (r.kind == CheckResult::Kind::kDuplicate) ++duplicates;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(accepted.load(), kVouchers);
    EXPECT_EQ(duplicates.load(), kVouchers * (kThreads - 1));
}

}  // namespace
}  // namespace bfu::ingest
