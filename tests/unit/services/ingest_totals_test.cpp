// ControlTotals: in = accepted + rejected + duplicate per way and source, reconciled against
// the lines and rejections actually written, to the öre.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "bfu/ingest/totals.hpp"

namespace bfu::ingest {
namespace {

using contracts::IngestDecision;
using contracts::IngestResult;
using contracts::IngestWay;

IngestDecision Decision(IngestWay way, std::string source, std::string id, IngestResult result,
                        std::int64_t lines, std::int64_t gross, std::int64_t offset) {
    IngestDecision d;
    d.way = way;
    d.origin = way == IngestWay::kHttp ? contracts::Origin::Http("r:" + std::to_string(offset))
                                       : contracts::Origin::Kafka("v", 0, offset);
    d.source = core::SourceId(std::move(source));
    d.voucher_id = core::VoucherId(std::move(id));
    d.result = result;
    d.line_count = lines;
    d.gross_ore = gross;
    if (result == IngestResult::kRejected) d.reasons = {"unknown_account"};
    d.decided_at = "2026-03-18T10:00:00Z";
    return d;
}

contracts::LedgerLine Line(std::string source, std::string id, std::int64_t no,
                           std::int64_t amount) {
    contracts::LedgerLine l;
    l.voucher.source = core::SourceId(std::move(source));
    l.voucher.voucher_id = core::VoucherId(std::move(id));
    l.line_no = no;
    l.amount_ore = amount;
    return l;
}

contracts::RejectedVoucher Rejected(IngestWay way, std::string source, std::string id) {
    contracts::RejectedVoucher r;
    r.source = core::SourceId(std::move(source));
    r.voucher_id = core::VoucherId(std::move(id));
    r.origin = way == IngestWay::kHttp ? contracts::Origin::Http("r:1")
                                       : contracts::Origin::Kafka("v", 0, 1);
    r.reasons = {{"unknown_account", "/lines/0/account", 1, "no such account"}};
    return r;
}

// Kafka/visma: A accepted (2 lines, 150.00 kr debit), B rejected, A again (duplicate).
// HTTP/visma: C accepted (1 debit line of 20.00 and its credit).
ControlTotals Balanced() {
    ControlTotals t;
    t.AddDecision(Decision(IngestWay::kKafka, "visma", "A", IngestResult::kAccepted, 3, 15'000, 1));
    t.AddDecision(Decision(IngestWay::kKafka, "visma", "B", IngestResult::kRejected, 2, 700, 2));
    t.AddDecision(
        Decision(IngestWay::kKafka, "visma", "A", IngestResult::kDuplicate, 3, 15'000, 3));
    t.AddDecision(Decision(IngestWay::kHttp, "visma", "C", IngestResult::kAccepted, 2, 2'000, 4));
    t.AddLine(Line("visma", "A", 1, 10'000));
    t.AddLine(Line("visma", "A", 2, 5'000));
    t.AddLine(Line("visma", "A", 3, -15'000));
    t.AddLine(Line("visma", "C", 1, 2'000));
    t.AddLine(Line("visma", "C", 2, -2'000));
    t.AddRejected(Rejected(IngestWay::kKafka, "visma", "B"));
    return t;
}

bool Mentions(const std::vector<std::string>& diffs, const std::string& text) {
    return std::any_of(diffs.begin(), diffs.end(),
                       [&](const auto& d) { return d.find(text) != std::string::npos; });
}

TEST(ControlTotals, InIsAcceptedPlusRejectedPlusDuplicatePerWayAndSource) {
    const auto t = Balanced();
    EXPECT_TRUE(t.Differences().empty()) << t.Differences().front();
    const auto groups = t.Groups();
    ASSERT_EQ(groups.size(), 2u);
    const auto& kafka = groups.at({"kafka", "visma"});
    EXPECT_EQ(kafka.in, (Tally{3, 30'700, 8}));
    EXPECT_EQ(kafka.accepted, (Tally{1, 15'000, 3}));
    EXPECT_EQ(kafka.rejected, (Tally{1, 700, 2}));
    EXPECT_EQ(kafka.duplicate, (Tally{1, 15'000, 3}));
    EXPECT_EQ(kafka.in.ore, kafka.accepted.ore + kafka.rejected.ore + kafka.duplicate.ore);
    EXPECT_EQ(kafka.on_lines, (Tally{1, 15'000, 3}));
    EXPECT_EQ(kafka.on_rejected.vouchers, 1);
    const auto& http = groups.at({"http", "visma"});
    EXPECT_EQ(http.in, (Tally{1, 2'000, 2}));
    EXPECT_EQ(http.on_lines.ore, 2'000);
    const auto j = t.ToJson();
    EXPECT_TRUE(j["reconciled"].get<bool>());
    EXPECT_EQ(j["groups"][1]["in"]["ore"], 30'700);
    EXPECT_NE(t.ToText().find("stämmer"), std::string::npos);
}

TEST(ControlTotals, AVoucherTheSieImporterCouldNotReadCountsInAndRejectedWithoutADecision) {
    auto t = Balanced();
    contracts::RejectedVoucher r;
    r.source = core::SourceId("sie-5561234567");
    r.voucher_id = core::VoucherId("20260101-A-7");
    r.origin = contracts::Origin::File("inbox/bokf.se", 412);
    r.reasons = {{"parse_error", "#TRANS", 413, "amount is not a number"}};
    t.AddRejected(r);
    EXPECT_TRUE(t.Differences().empty()) << t.Differences().front();
    const auto groups = t.Groups();
    const auto& sie = groups.at({"sie-file", "sie-5561234567"});
    EXPECT_EQ(sie.in.vouchers, 1);
    EXPECT_EQ(sie.rejected.vouchers, 1);
    EXPECT_EQ(sie.accepted.vouchers, 0);
    EXPECT_EQ(sie.on_rejected.vouchers, 1);
    // The same record with a Kafka origin is ingest's and needs its decision.
    r.origin = contracts::Origin::Kafka("v", 0, 9);
    t.AddRejected(r);
    EXPECT_TRUE(Mentions(t.Differences(), "20260101-A-7"));
}

TEST(ControlTotals, AnAmountBeyondInt64IsADifferenceNeverAWrappedMatch) {
    ControlTotals t;
    const std::int64_t big = std::numeric_limits<std::int64_t>::max() / 2 + 1;
    // Two accepted vouchers whose gross sum wraps to a negative number unchecked.
    t.AddDecision(Decision(IngestWay::kKafka, "visma", "A", IngestResult::kAccepted, 1, big, 1));
    t.AddDecision(Decision(IngestWay::kKafka, "visma", "B", IngestResult::kAccepted, 1, big, 2));
    t.AddLine(Line("visma", "A", 1, big));
    t.AddLine(Line("visma", "B", 1, big));
    const auto diffs = t.Differences();
    ASSERT_EQ(diffs.size(), 1u);
    EXPECT_NE(diffs[0].find("64-bit"), std::string::npos) << diffs[0];
    EXPECT_FALSE(t.ToJson()["reconciled"].get<bool>());
    const auto g = t.Groups().begin()->second;
    EXPECT_EQ(g.in.ore, std::numeric_limits<std::int64_t>::max()) << "saturated, not wrapped";
}

TEST(ControlTotals, AMissingLineIsADifference) {
    ControlTotals t;
    t.AddDecision(Decision(IngestWay::kKafka, "visma", "A", IngestResult::kAccepted, 2, 10'000, 1));
    t.AddLine(Line("visma", "A", 1, 10'000));
    const auto diffs = t.Differences();
    ASSERT_EQ(diffs.size(), 1u);
    EXPECT_TRUE(Mentions(diffs, "visma:A: accepted with 2 lines, but bfu.ledger.lines holds 1"));
    EXPECT_FALSE(t.ToJson()["reconciled"].get<bool>());
}

TEST(ControlTotals, OneOreOffIsADifferenceNamingTheAmount) {
    ControlTotals t;
    t.AddDecision(Decision(IngestWay::kKafka, "visma", "A", IngestResult::kAccepted, 2, 10'000, 1));
    t.AddLine(Line("visma", "A", 1, 10'001));
    t.AddLine(Line("visma", "A", 2, -10'001));
    const auto diffs = t.Differences();
    ASSERT_EQ(diffs.size(), 1u);
    EXPECT_TRUE(Mentions(diffs, "difference 1 öre")) << diffs[0];
}

TEST(ControlTotals, AVoucherAcceptedTwiceOrALineWrittenTwiceIsCountedTwice) {
    auto t = Balanced();
    t.AddDecision(Decision(IngestWay::kKafka, "visma", "A", IngestResult::kAccepted, 3, 15'000, 9));
    t.AddLine(Line("visma", "C", 1, 2'000));
    const auto diffs = t.Differences();
    EXPECT_TRUE(Mentions(diffs, "visma:A is accepted 2 times"));
    EXPECT_TRUE(Mentions(diffs, "visma:C: accepted with 2 lines, but bfu.ledger.lines holds 3"));
}

TEST(ControlTotals, LinesWithoutAnAcceptedDecisionAndMissingRejectionsAreDifferences) {
    auto t = Balanced();
    t.AddLine(Line("visma", "X", 1, 100));
    t.AddDecision(Decision(IngestWay::kHttp, "visma", "D", IngestResult::kRejected, 1, 0, 5));
    t.AddRejected(Rejected(IngestWay::kKafka, "visma", "E"));
    const auto diffs = t.Differences();
    EXPECT_EQ(diffs.size(), 3u);
    EXPECT_TRUE(Mentions(diffs, "lines of voucher visma:X, which has no accepted decision"));
    EXPECT_TRUE(Mentions(diffs, "visma:D: rejected 1 times, but bfu.ledger.rejected holds 0"));
    EXPECT_TRUE(Mentions(diffs, "visma:E: rejected 0 times"));
}

TEST(ControlTotals, ASourceFilterCountsOnlyThatSource) {
    ControlTotals t(std::string("raindance"));
    t.AddDecision(Decision(IngestWay::kKafka, "visma", "A", IngestResult::kAccepted, 1, 100, 1));
    t.AddLine(Line("visma", "B", 1, 100));
    t.AddDecision(Decision(IngestWay::kKafka, "raindance", "A", IngestResult::kAccepted, 1, 0, 2));
    t.AddLine(Line("raindance", "A", 1, 0));
    EXPECT_TRUE(t.Differences().empty());
    ASSERT_EQ(t.Groups().size(), 1u);
    EXPECT_EQ(t.Groups().begin()->first.second, "raindance");
}

TEST(ControlTotals, ARejectionFromAnSieFileCountsInTheSieFileGroup) {
    // The voucher came through bfu.erp.vouchers, so its rejection names a Kafka origin.
    ControlTotals t;
    t.AddDecision(
        Decision(IngestWay::kSieFile, "fortnox", "S-1", IngestResult::kRejected, 2, 500, 1));
    t.AddRejected(Rejected(IngestWay::kKafka, "fortnox", "S-1"));
    EXPECT_TRUE(t.Differences().empty());
    const auto groups = t.Groups();
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups.begin()->first.first, "sie-file");
    EXPECT_EQ(groups.begin()->second.on_rejected.vouchers, 1);
}

TEST(ControlTotals, UndecodableRecordsAreDifferences) {
    auto t = Balanced();
    t.AddUndecodable("bfu.ledger.lines partition 0 offset 4: not a ledger line");
    EXPECT_EQ(t.Differences().size(), 1u);
}

}  // namespace
}  // namespace bfu::ingest
