// VoucherChecker::Check: ingest's quality assurance as a pure function.
#include "bfu/ingest/voucher_checker.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "test_master.hpp"

namespace bfu::ingest {
namespace {

using Kind = CheckResult::Kind;
using nlohmann::json;

// A balanced voucher of four lines (sum 1000.00 + 250.50 + 100.00 - 1350.50 = 0):
//   0: personnel on ENH1, transDate in February (voucher dated March)
//   1: material on ENH1, no transDate: the voucher date's period
//   2: personnel on ENH2, accrued to April
//   3: the bank (balance sheet)
json ValidVoucher() {
    return json{{"source", "visma"},
                {"voucherId", "A-1"},
                {"series", "A"},
                {"date", "2026-03-02"},
                {"lines", json::array({
                              {{"account", "5011"},
                               {"unit", "ENH1"},
                               {"amount", "1000.00"},
                               {"transDate", "2026-02-28"},
                               {"text", "Lön"}},
                              {{"account", "4010"}, {"unit", "ENH1"}, {"amount", "250.50"}},
                              {{"account", "5011"},
                               {"unit", "ENH2"},
                               {"amount", "100"},
                               {"transDate", "2026-03-05"},
                               {"accrual", true},
                               {"accrualPeriod", "202604"}},
                              {{"account", "1930"}, {"unit", "ENH1"}, {"amount", "-1350.50"}},
                          })}};
}

// Two lines: 500.00 on `account`/`unit` against the bank.
json TwoLines(const std::string& account, const std::string& unit,
              const std::string& date = "2026-03-02") {
    return json{{"source", "visma"},
                {"voucherId", "B-1"},
                {"date", date},
                {"lines", json::array({
                              {{"account", "1930"}, {"unit", "ENH1"}, {"amount", "-500.00"}},
                              {{"account", account}, {"unit", unit}, {"amount", "500.00"}},
                          })}};
}

contracts::Origin KafkaAt(std::int64_t offset) {
    return contracts::Origin::Kafka("bfu.erp.vouchers", 2, offset);
}

class VoucherCheckerTest : public ::testing::Test {
protected:
    VoucherCheckerTest() : checker_(CheckRules{{2026}, {"202601"}}) {
        checker_.SetMaster(test::StandardMaster());
    }
    CheckResult Check(const json& j, std::int64_t offset = 1) {
        return checker_.Check(j.dump(), KafkaAt(offset), test::TestNow());
    }
    VoucherChecker checker_;
};

TEST_F(VoucherCheckerTest, AcceptsValidVoucherWithResolvedLines) {
    auto r = Check(ValidVoucher());
    ASSERT_EQ(r.kind, Kind::kAccepted)
        << (r.rejected.reasons.empty() ? "" : r.rejected.reasons[0].message);
    EXPECT_EQ(r.voucher_key, "visma:A-1");
    EXPECT_EQ(r.amount_ore, 135'050);  // 1000.00 + 250.50 + 100.00 kr
    ASSERT_EQ(r.lines.size(), 4u);
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        EXPECT_EQ(r.lines[i].line_no, static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(r.lines[i].line_count, 4);
        EXPECT_EQ(r.lines[i].fiscal_year, 2026);
        EXPECT_EQ(r.lines[i].voucher.source.value(), "visma");
        EXPECT_EQ(r.lines[i].voucher.voucher_id.value(), "A-1");
        EXPECT_EQ(r.lines[i].voucher.date, "2026-03-02");
    }
    const auto& l0 = r.lines[0];
    EXPECT_EQ(l0.period, "202602");  // from transDate, not the voucher date
    EXPECT_EQ(l0.account_class, 5);
    EXPECT_EQ(l0.account_group, "personal");
    EXPECT_EQ(l0.amount_ore, 100'000);
    EXPECT_TRUE(l0.is_operating);
    EXPECT_FALSE(l0.is_investment);
    EXPECT_EQ(l0.unit.value(), "ENH1");
    EXPECT_EQ(l0.text, "Lön");
    EXPECT_EQ(l0.trans_date, "2026-02-28");

    EXPECT_EQ(r.lines[1].period, "202603");  // the voucher date
    EXPECT_EQ(r.lines[1].account_group, "material");
    EXPECT_EQ(r.lines[1].account_class, 4);
    EXPECT_EQ(r.lines[1].amount_ore, 25'050);

    EXPECT_EQ(r.lines[2].period, "202604");  // the accrual period overrides transDate
    EXPECT_EQ(r.lines[2].unit.value(), "ENH2");
    EXPECT_EQ(r.lines[2].accrual_period, "202604");

    const auto& bank = r.lines[3];
    EXPECT_EQ(bank.account_class, 1);
    EXPECT_FALSE(bank.is_operating);
    EXPECT_FALSE(bank.is_investment);
    EXPECT_EQ(bank.account_group, "balansrakning");
    EXPECT_EQ(bank.amount_ore, -135'050);
}

TEST_F(VoucherCheckerTest, AcceptsVoucherInsideCloudEventsEnvelope) {
    contracts::Envelope env;
    env.id = "e-1";
    env.source = "visma";
    env.type = std::string(contracts::Voucher::kType);
    env.time = "2026-03-02T10:00:00Z";
    env.data = ValidVoucher();
    auto r = checker_.Check(contracts::Encode(env), KafkaAt(1), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kAccepted);
    EXPECT_EQ(r.voucher_key, "visma:A-1");
    ASSERT_EQ(r.lines.size(), 4u);
    EXPECT_EQ(r.lines[0].period, "202602");
}

TEST_F(VoucherCheckerTest, RejectsEnvelopeOfAnotherTypeAsSchema) {
    contracts::Envelope env;
    env.id = "e-1";
    env.source = "visma";
    env.type = "se.bfu.ledger.line.v1";
    env.time = "2026-03-02T10:00:00Z";
    env.data = ValidVoucher();
    auto r = checker_.Check(contracts::Encode(env), KafkaAt(1), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "schema");
    EXPECT_EQ(r.rejected.reasons[0].field, "/type");
}

TEST_F(VoucherCheckerTest, RejectsNonJsonAsSchemaKeepingThePayloadVerbatim) {
    const std::string payload = "voucher A-1; 5011 1000,00";
    auto r = checker_.Check(payload, KafkaAt(7), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "schema");
    EXPECT_EQ(r.rejected.reasons[0].field, "");
    EXPECT_FALSE(r.rejected.source.has_value());
    EXPECT_TRUE(r.voucher_key.empty());
    auto bytes = r.rejected.original.Bytes();
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, payload);
    EXPECT_EQ(r.rejected.origin, KafkaAt(7));
    EXPECT_EQ(r.rejected.rejected_at, core::ToRfc3339(test::TestNow()));
}

TEST_F(VoucherCheckerTest, RejectsMissingFieldsAsSchemaListingEveryPointer) {
    auto j = ValidVoucher();
    j.erase("date");
    j["lines"][1].erase("amount");
    auto r = Check(j);
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 2u);
    EXPECT_EQ(r.rejected.reasons[0].code, "schema");
    EXPECT_EQ(r.rejected.reasons[1].code, "schema");
    std::set<std::string> fields{r.rejected.reasons[0].field, r.rejected.reasons[1].field};
    EXPECT_EQ(fields, (std::set<std::string>{"/date", "/lines/1/amount"}));
    // Source and id were readable, so even a schema rejection is keyed.
    EXPECT_EQ(r.voucher_key, "visma:A-1");
    ASSERT_TRUE(r.rejected.voucher_id.has_value());
    EXPECT_EQ(r.rejected.voucher_id->value(), "A-1");
}

TEST_F(VoucherCheckerTest, PointsSchemaErrorsIntoTheEnvelopeData) {
    auto data = ValidVoucher();
    data["lines"][2].erase("unit");
    contracts::Envelope env;
    env.id = "e-1";
    env.source = "visma";
    env.type = std::string(contracts::Voucher::kType);
    env.time = "2026-03-02T10:00:00Z";
    env.data = data;
    auto r = checker_.Check(contracts::Encode(env), KafkaAt(1), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].field, "/data/lines/2/unit");
}

TEST_F(VoucherCheckerTest, PointsValidationErrorsIntoTheEnvelopeData) {
    contracts::Envelope env;
    env.id = "e-1";
    env.source = "visma";
    env.type = std::string(contracts::Voucher::kType);
    env.time = "2026-03-02T10:00:00Z";
    env.data = TwoLines("4999", "ENH1");
    auto r = checker_.Check(contracts::Encode(env), KafkaAt(1), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "unknown_account");
    EXPECT_EQ(r.rejected.reasons[0].field, "/data/lines/1/account");
}

TEST_F(VoucherCheckerTest, RejectsUnbalancedVoucher) {
    auto j = ValidVoucher();
    j["lines"][3]["amount"] = "-1350.49";
    auto r = Check(j);
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "unbalanced");
    EXPECT_EQ(r.rejected.reasons[0].field, "/lines");
    EXPECT_FALSE(r.rejected.reasons[0].line.has_value());
    EXPECT_TRUE(r.lines.empty());
}

// 186 debit lines of 997 000 000 000 000,00 kr and one credit line that an unchecked int64
// sum wraps to exactly 0: the voucher must be refused as out of range, never booked.
TEST_F(VoucherCheckerTest, RejectsAVoucherWhoseSumsOverflowInsteadOfWrappingToBalanced) {
    json lines = json::array();
    const std::int64_t big = 99'700'000'000'000'000;  // öre
    std::uint64_t total = 0;  // unsigned: wraps as a 64-bit sum would, by definition
    for (int i = 0; i < 186; ++i) {
        lines.push_back({{"account", "5011"}, {"unit", "ENH1"}, {"amount", "997000000000000.00"}});
        total += static_cast<std::uint64_t>(big);
    }
    // The credit that makes the wrapped 64-bit sum exactly 0.
    const auto wrapped = static_cast<std::int64_t>(total);
    const std::int64_t credit = -wrapped;
    ASSERT_LT(credit, 0);
    const std::string amount = std::to_string(credit / 100) + "." +
                               (std::abs(credit % 100) < 10 ? "0" : "") +
                               std::to_string(std::abs(credit % 100));
    lines.push_back({{"account", "1930"}, {"unit", "ENH1"}, {"amount", amount}});
    auto j = ValidVoucher();
    j["lines"] = lines;
    auto r = Check(j);
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "amount_out_of_range");
    EXPECT_EQ(r.rejected.reasons[0].field, "/lines");
    EXPECT_TRUE(r.lines.empty());
}

// A 10 000-line voucher with a wrong cost centre on every line: one rejection of a bounded
// size (it once listed 10 000 reasons, over the broker's message size, and stopped ingest).
TEST_F(VoucherCheckerTest, ManyBadLinesGiveAtMostAHundredReasonsTheLastCountingTheRest) {
    json lines = json::array();
    for (int i = 0; i < 5000; ++i) {
        lines.push_back({{"account", "5011"}, {"unit", "NOPE"}, {"amount", "1.00"}});
        lines.push_back({{"account", "1930"}, {"unit", "NOPE"}, {"amount", "-1.00"}});
    }
    auto j = ValidVoucher();
    j["lines"] = lines;
    const std::string payload = j.dump();
    auto r = checker_.Check(payload, KafkaAt(1), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), kMaxReasons);
    for (std::size_t i = 0; i + 1 < kMaxReasons; ++i) {
        EXPECT_EQ(r.rejected.reasons[i].code, "unknown_unit");
        EXPECT_EQ(r.rejected.reasons[i].line, static_cast<std::int64_t>(i + 1));
    }
    const auto& last = r.rejected.reasons.back();
    EXPECT_EQ(last.code, "more_reasons");
    EXPECT_NE(last.message.find("ytterligare 9 901 st"), std::string::npos) << last.message;
    EXPECT_NE(last.message.find("10 000 st i allt"), std::string::npos) << last.message;
    // The original is still kept verbatim, and the line count is the voucher's.
    EXPECT_EQ(r.rejected.original.content, payload);
    EXPECT_EQ(r.line_count, 10000);
}

TEST(CapReasons, LeavesAHundredAloneAndCutsLongTextsOnACharacter) {
    std::vector<contracts::RejectReason> reasons(kMaxReasons);
    for (auto& r : reasons) r.code = "unknown_unit";
    reasons[3].message = std::string(600, 'x') + "å";
    reasons[4].message = std::string(kMaxReasonTextBytes - 4, 'x') + "åäö";  // cut inside ä
    CapReasons(reasons);
    ASSERT_EQ(reasons.size(), kMaxReasons);
    EXPECT_EQ(reasons.back().code, "unknown_unit");
    EXPECT_LE(reasons[3].message.size(), kMaxReasonTextBytes);
    EXPECT_EQ(reasons[3].message.substr(reasons[3].message.size() - 3), "\u2026");
    EXPECT_LE(reasons[4].message.size(), kMaxReasonTextBytes);
    // Valid UTF-8: no sequence was split ("å" is kept whole or dropped whole).
    EXPECT_TRUE(nlohmann::json(reasons[4].message).dump().size() > 0);
    EXPECT_EQ(reasons[4].message.find("\xC3\u2026"), std::string::npos);
    reasons.emplace_back();
    CapReasons(reasons);
    ASSERT_EQ(reasons.size(), kMaxReasons);
    EXPECT_EQ(reasons.back().code, "more_reasons");
    EXPECT_NE(reasons.back().message.find("ytterligare 2 st"), std::string::npos);
}

// A voucher over kMaxOriginalBytes (possible over HTTP, up to its body limit) keeps its first
// kMaxOriginalBytes with a reason that says so; under it, the whole.
TEST_F(VoucherCheckerTest, AnOriginalOverTheBoundIsCutWithAReason) {
    auto j = ValidVoucher();
    j["lines"][0]["account"] = "4999";  // rejected
    j["lines"][0]["text"] = std::string(kMaxOriginalBytes, 'a');
    const std::string payload = j.dump();
    auto r = checker_.Check(payload, KafkaAt(1), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 2u);
    EXPECT_EQ(r.rejected.reasons[0].code, "unknown_account");
    EXPECT_EQ(r.rejected.reasons[1].code, "original_truncated");
    EXPECT_NE(r.rejected.reasons[1].message.find("de första 2 097 152 byte"), std::string::npos)
        << r.rejected.reasons[1].message;
    EXPECT_EQ(r.rejected.original.content, payload.substr(0, kMaxOriginalBytes));

    j["lines"][0]["text"] = std::string(kMaxOriginalBytes - 1000, 'a');
    const std::string fits = j.dump();
    ASSERT_LE(fits.size(), kMaxOriginalBytes);
    auto whole = checker_.Check(fits, KafkaAt(2), test::TestNow());
    ASSERT_EQ(whole.kind, Kind::kRejected);
    ASSERT_EQ(whole.rejected.reasons.size(), 1u);
    EXPECT_EQ(whole.rejected.original.content, fits);
}

struct LineCase {
    std::string account;
    std::string unit;
    std::string date;
    std::string code;
    std::string field;
};

TEST_F(VoucherCheckerTest, RejectsEachBadLineWithItsCodeFieldAndLineNumber) {
    const std::vector<LineCase> cases = {
        {"4999", "ENH1", "2026-03-02", "unknown_account", "/lines/1/account"},
        {"0123", "ENH1", "2026-03-02", "unknown_account", "/lines/1/account"},
        {"5999", "ENH1", "2026-03-02", "inactive_account", "/lines/1/account"},
        {"5011", "NOPE", "2026-03-02", "unknown_unit", "/lines/1/unit"},
        {"5011", "ENH1", "2025-12-31", "year_not_open", "/date"},
        {"5011", "ENH1", "2026-01-15", "period_closed", "/date"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.code + " " + c.account + " " + c.unit + " " + c.date);
        auto r = Check(TwoLines(c.account, c.unit, c.date));
        ASSERT_EQ(r.kind, Kind::kRejected);
        // Line 1 (the bank) fails the year/period checks too when the date is wrong.
        const auto& reasons = r.rejected.reasons;
        ASSERT_FALSE(reasons.empty());
        const auto& last = reasons.back();
        EXPECT_EQ(last.code, c.code);
        EXPECT_EQ(last.field, c.field);
        EXPECT_EQ(last.line, 2);
        EXPECT_FALSE(last.message.empty());
    }
}

TEST_F(VoucherCheckerTest, PointsPeriodErrorsAtTheMemberThatSetThePeriod) {
    auto j = TwoLines("5011", "ENH1");
    j["lines"][1]["transDate"] = "2026-01-20";  // January is closed
    auto r = Check(j);
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "period_closed");
    EXPECT_EQ(r.rejected.reasons[0].field, "/lines/1/transDate");
    EXPECT_EQ(r.rejected.reasons[0].line, 2);

    j["lines"][1]["accrualPeriod"] = "202512";  // 2025 is not open
    r = Check(j);
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "year_not_open");
    EXPECT_EQ(r.rejected.reasons[0].field, "/lines/1/accrualPeriod");
}

TEST_F(VoucherCheckerTest, RejectsDateThatDoesNotExistAsSchemaOnItsLine) {
    // The contract already demands a date that exists, so this is a schema error.
    auto j = TwoLines("5011", "ENH1");
    j["lines"][1]["transDate"] = "2026-02-30";
    auto r = Check(j);
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "schema");
    EXPECT_EQ(r.rejected.reasons[0].field, "/lines/1/transDate");
}

TEST_F(VoucherCheckerTest, ListsEveryReasonOfOneVoucher) {
    auto j = ValidVoucher();
    j["lines"][0]["account"] = "4999";
    j["lines"][1]["unit"] = "NOPE";
    j["lines"][3]["amount"] = "-1350.00";
    auto r = Check(j);
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 3u);
    EXPECT_EQ(r.rejected.reasons[0].code, "unbalanced");
    EXPECT_EQ(r.rejected.reasons[1].code, "unknown_account");
    EXPECT_EQ(r.rejected.reasons[1].field, "/lines/0/account");
    EXPECT_EQ(r.rejected.reasons[1].line, 1);
    EXPECT_EQ(r.rejected.reasons[2].code, "unknown_unit");
    EXPECT_EQ(r.rejected.reasons[2].field, "/lines/1/unit");
    EXPECT_EQ(r.rejected.reasons[2].line, 2);
}

TEST(VoucherChecker, RejectsWithNoMasterDataWhenNoneIsSet) {
    VoucherChecker checker(CheckRules{});
    auto r = checker.Check(ValidVoucher().dump(), KafkaAt(1), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kRejected);
    ASSERT_EQ(r.rejected.reasons.size(), 1u);
    EXPECT_EQ(r.rejected.reasons[0].code, "no_master_data");
    EXPECT_EQ(r.rejected.reasons[0].field, "");
    EXPECT_FALSE(r.rejected.reasons[0].line.has_value());
    EXPECT_EQ(r.voucher_key, "visma:A-1");
}

TEST_F(VoucherCheckerTest, TakesSameVoucherFromAnotherOriginAsDuplicate) {
    auto first = Check(ValidVoucher(), 10);
    ASSERT_EQ(first.kind, Kind::kAccepted);
    auto again = Check(ValidVoucher(), 11);
    EXPECT_EQ(again.kind, Kind::kDuplicate);
    EXPECT_EQ(again.voucher_key, "visma:A-1");
    EXPECT_TRUE(again.lines.empty());
    // The same voucher id from an HTTP request is a duplicate too.
    auto http =
        checker_.Check(ValidVoucher().dump(), contracts::Origin::Http("req-1"), test::TestNow());
    EXPECT_EQ(http.kind, Kind::kDuplicate);
    // Another source's voucher with the same id is a different voucher.
    auto other = ValidVoucher();
    other["source"] = "raindance";
    EXPECT_EQ(Check(other, 12).kind, Kind::kAccepted);
}

// The HTTP way checks without claiming (it hands what it would accept to the partition's
// owner): Lookup finds duplicates of what the register holds, and leaves the register alone.
TEST_F(VoucherCheckerTest, LookupFindsDuplicatesButClaimsNothing) {
    const auto origin = contracts::Origin::Http("r-1:0");
    auto looked =
        checker_.Lookup(checker_.Prepare(ValidVoucher().dump(), origin, test::TestNow()), origin);
    ASSERT_EQ(looked.kind, Kind::kAccepted);
    EXPECT_FALSE(checker_.Knows("visma:A-1"));
    EXPECT_EQ(checker_.Remembered(), 0u);
    // The owner's acceptance, read back from bfu.ingest.decisions.
    ASSERT_TRUE(checker_.Remember("visma:A-1", KafkaAt(7)));
    auto again = checker_.Lookup(
        checker_.Prepare(ValidVoucher().dump(), contracts::Origin::Http("r-2:0"), test::TestNow()),
        contracts::Origin::Http("r-2:0"));
    ASSERT_EQ(again.kind, Kind::kDuplicate);
    ASSERT_TRUE(again.first_origin.has_value());
    EXPECT_EQ(*again.first_origin, KafkaAt(7));
    EXPECT_TRUE(again.lines.empty());
    // A rejection stays a rejection of its own when its key is not held.
    auto bad = checker_.Lookup(
        checker_.Prepare(TwoLines("4999", "ENH1").dump(), origin, test::TestNow()), origin);
    EXPECT_EQ(bad.kind, Kind::kRejected);
}

// A voucher that would not fit a record of bfu.erp.vouchers is rejected, keyed, whatever else.
TEST_F(VoucherCheckerTest, RejectsAVoucherTooLargeForTheTopic) {
    auto j = ValidVoucher();
    j["lines"][0]["text"] = std::string(kMaxVoucherBytes, 'a');
    const std::string payload = j.dump();
    auto r = checker_.Check(payload, KafkaAt(3), test::TestNow());
    ASSERT_EQ(r.kind, Kind::kRejected);
    EXPECT_EQ(r.voucher_key, "visma:A-1");
    ASSERT_EQ(r.rejected.reasons.size(), 2u);
    EXPECT_EQ(r.rejected.reasons[0].code, "too_large");
    EXPECT_NE(r.rejected.reasons[0].message.find("dela upp"), std::string::npos);
    EXPECT_EQ(r.rejected.reasons[1].code, "original_truncated");
    EXPECT_FALSE(checker_.Knows("visma:A-1"));
    // Just under the bound it is accepted.
    j["lines"][0]["text"] = std::string(kMaxVoucherBytes - 1000, 'a');
    EXPECT_EQ(checker_.Check(j.dump(), KafkaAt(4), test::TestNow()).kind, Kind::kAccepted);
}

TEST_F(VoucherCheckerTest, DecidesTheSameRecordReadAgainTheSameWay) {
    // A batch retried after an aborted transaction reads the same offsets again.
    auto first = Check(ValidVoucher(), 10);
    ASSERT_EQ(first.kind, Kind::kAccepted);
    auto retried = Check(ValidVoucher(), 10);
    ASSERT_EQ(retried.kind, Kind::kAccepted);
    EXPECT_EQ(retried.lines, first.lines);

    auto bad = TwoLines("4999", "ENH1");
    ASSERT_EQ(Check(bad, 20).kind, Kind::kRejected);
    auto bad_again = Check(bad, 20);
    ASSERT_EQ(bad_again.kind, Kind::kRejected);
    EXPECT_EQ(bad_again.rejected.reasons[0].code, "unknown_account");
}

TEST_F(VoucherCheckerTest, ChecksRejectedVoucherAfreshWhenItIsSentAgain) {
    // Rejected vouchers are not remembered: once the cause is mended (here the ERP recodes the
    // line), the same source:voucherId from a new delivery is accepted, not a duplicate.
    auto bad = TwoLines("4999", "ENH1");
    ASSERT_EQ(Check(bad, 30).kind, Kind::kRejected);
    auto mended = TwoLines("4010", "ENH1");
    auto r = Check(mended, 31);
    ASSERT_EQ(r.kind, Kind::kAccepted);
    EXPECT_EQ(r.voucher_key, "visma:B-1");
    // ...and from then on it is a duplicate from any other delivery.
    EXPECT_EQ(Check(mended, 32).kind, Kind::kDuplicate);
}

// The lifecycle on the business date (docs/services/ingest.md, "Closed periods and years"):
// nothing pinned, so the date of `now` decides which years and periods are open.
class LifecycleCheck : public ::testing::Test {
protected:
    void SetMasterWith(const test::SnapshotBuilder& b) {
        auto md = service::MasterData::Build(b.snapshot(), "", test::kYear);
        ASSERT_TRUE(md.ok()) << md.error().ToString();
        checker_.SetMaster(*md);
    }
    // One 500 kr material line on ENH1 dated `date`, checked on business date `today`.
    CheckResult On(const char* today, const std::string& date) {
        auto j = TwoLines("4010", "ENH1", date);
        j["voucherId"] = "L-" + std::to_string(++n_);
        const auto now = domain::FromStockholm(domain::Date::Parse(today).value(), 12, 0);
        return checker_.Check(j.dump(), KafkaAt(n_), now);
    }
    static std::string Reason(const CheckResult& r) {
        return r.rejected.reasons.empty()
                   ? std::string()
                   : r.rejected.reasons.back().code + ": " + r.rejected.reasons.back().message;
    }
    VoucherChecker checker_{CheckRules{}};
    int n_ = 0;
};

TEST_F(LifecycleCheck, ClosesPeriodsOnTheirCloseDayAndSaysHowToCorrect) {
    SetMasterWith(test::StandardBuilder());
    // February's close day is 6 March 2026 (its fifth working day): open that day, not after.
    EXPECT_EQ(On("2026-03-06", "2026-02-27").kind, Kind::kAccepted);
    const auto r = On("2026-03-09", "2026-02-27");
    ASSERT_EQ(r.kind, Kind::kRejected);
    EXPECT_EQ(Reason(r),
              "period_closed: perioden 2026-02 är stängd enligt tidplanen (sista dag att bokföra "
              "var 2026-03-06): bokför rättelsen i en öppen period (tidigast 2026-03)");
    EXPECT_EQ(r.rejected.reasons.back().field, "/date");
    EXPECT_EQ(On("2026-03-09", "2026-03-02").kind, Kind::kAccepted);
}

TEST_F(LifecycleCheck, AClosingByTheFinanceUnitTakesEffectAtOnce) {
    using K = contracts::CalendarKind;
    auto b = test::StandardBuilder();
    b.Closing(K::kPeriodClosed, 2026, "202603", "202603", "2026-04-01", "ekonomi@ex.se");
    SetMasterWith(b);
    const auto r = On("2026-04-02", "2026-03-31");
    ASSERT_EQ(r.kind, Kind::kRejected);
    EXPECT_EQ(Reason(r),
              "period_closed: perioden 2026-03 är stängd (stängdes 2026-04-01 av ekonomi@ex.se): "
              "bokför rättelsen i en öppen period (tidigast 2026-04)");
    // Reopened for a correction: open again, whatever the timetable says.
    b.Closing(K::kPeriodReopened, 2026, "202603", "202603", "2026-04-20", "ekonomi@ex.se");
    SetMasterWith(b);
    EXPECT_EQ(On("2026-04-21", "2026-03-31").kind, Kind::kAccepted);
}

TEST_F(LifecycleCheck, TwoYearsAreOpenAcrossNewYear) {
    SetMasterWith(test::StandardBuilder());
    // In November the next year is not open; from 1 December it is.
    const auto early = On("2026-11-30", "2027-01-04");
    ASSERT_EQ(early.kind, Kind::kRejected);
    EXPECT_EQ(Reason(early),
              "year_not_open: räkenskapsåret 2027 är inte öppnat ännu (det öppnar 2026-12-01): "
              "kontrollera verifikationens datum eller periodiseringsperiod");
    EXPECT_EQ(On("2026-12-15", "2027-01-04").kind, Kind::kAccepted);
    // In January both take postings: the new year, and December's closing adjustments.
    EXPECT_EQ(On("2027-01-20", "2027-01-19").kind, Kind::kAccepted);
    EXPECT_EQ(On("2027-01-20", "2026-12-31").kind, Kind::kAccepted);
    EXPECT_EQ(On("2027-01-20", "2026-11-30").kind, Kind::kRejected);
    // After the arsbokslut day (26 February 2027) 2026 is closed.
    EXPECT_EQ(On("2027-02-26", "2026-12-31").kind, Kind::kAccepted);
    const auto late = On("2027-03-01", "2026-12-31");
    ASSERT_EQ(late.kind, Kind::kRejected);
    EXPECT_EQ(Reason(late),
              "period_closed: räkenskapsåret 2026 är stängt enligt tidplanen (årsbokslut "
              "2027-02-26), så perioden 2026-12 är stängd: bokför rättelsen i en öppen period "
              "(tidigast 2027-02)");
}

TEST_F(LifecycleCheck, AYearClosedByDecisionTakesNoMoreAdjustments) {
    using K = contracts::CalendarKind;
    auto b = test::StandardBuilder();
    b.Closing(K::kYearClosed, 2026, "arsbokslut", std::nullopt, "2027-02-10", "ekonomi@ex.se");
    SetMasterWith(b);
    const auto r = On("2027-02-11", "2026-12-31");
    ASSERT_EQ(r.kind, Kind::kRejected);
    EXPECT_NE(Reason(r).find("räkenskapsåret 2026 är stängt (årsbokslut 2027-02-10 av "
                             "ekonomi@ex.se)"),
              std::string::npos)
        << Reason(r);
    EXPECT_EQ(On("2027-02-11", "2027-02-01").kind, Kind::kAccepted);
}

TEST(VoucherChecker, AcceptsVoucherRejectedForWantOfMasterDataOnceMasterDataArrives) {
    VoucherChecker checker(CheckRules{{2026}, {}});
    auto first = checker.Check(ValidVoucher().dump(), KafkaAt(1), test::TestNow());
    ASSERT_EQ(first.kind, Kind::kRejected);
    ASSERT_EQ(first.rejected.reasons[0].code, "no_master_data");
    checker.SetMaster(test::StandardMaster());
    // Replayed from bfu.ledger.rejected: a different delivery of the same voucher.
    auto replayed =
        checker.Check(ValidVoucher().dump(), contracts::Origin::Http("replay-1"), test::TestNow());
    EXPECT_EQ(replayed.kind, Kind::kAccepted);
}

}  // namespace
}  // namespace bfu::ingest
