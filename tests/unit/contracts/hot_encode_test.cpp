// The hot-path encoders (hot_encode.hpp) must write exactly the bytes the generic EncodeMessage
// writes: consumers and the contract tests see one wire format whichever path produced it.
#include "bfu/contracts/hot_encode.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace bfu::contracts {
namespace {

using test::ExampleFiles;
using test::ReadJson;

EventMeta Meta(std::string subject) {
    return {"id-1:2", "bfu/ingest", core::TimePoint(std::chrono::milliseconds(1'780'000'000'123)),
            std::move(subject)};
}

TEST(HotEncode, LedgerLineExamplesEncodeAsTheGenericPath) {
    int seen = 0;
    for (const auto& file : ExampleFiles("ledger-line", "valid-")) {
        SCOPED_TRACE(file.filename().string());
        auto line = LedgerLine::FromJson(ReadJson(file));
        ASSERT_TRUE(line.ok()) << line.error().ToString();
        for (const std::string subject : {"E211", ""}) {
            EXPECT_EQ(EncodeLedgerLine(line.value(), Meta(subject)),
                      EncodeMessage(line.value(), Meta(subject)));
            ++seen;
        }
    }
    EXPECT_GE(seen, 4);
}

TEST(HotEncode, IngestDecisionExamplesEncodeAsTheGenericPath) {
    int seen = 0;
    for (const auto& file : ExampleFiles("ingest-decision", "valid-")) {
        SCOPED_TRACE(file.filename().string());
        auto decision = IngestDecision::FromJson(ReadJson(file));
        ASSERT_TRUE(decision.ok()) << decision.error().ToString();
        EXPECT_EQ(EncodeIngestDecision(decision.value(), Meta("erp:V1")),
                  EncodeMessage(decision.value(), Meta("erp:V1")));
        ++seen;
    }
    EXPECT_GE(seen, 3);
}

// Strings that exercise every escape nlohmann writes, Swedish letters, 4-byte UTF-8, DEL,
// and byte sequences that are not UTF-8 (which nlohmann replaces with U+FFFD).
const std::vector<std::string>& Texts() {
    static const std::vector<std::string> texts = {
        "",
        "Hyra lokal",
        "Förskolan Ängen, Östra",
        "citat \"x\" och \\ snedstreck",
        "ny\nrad\ttab\rcr\bbs\fff",
        std::string("nul\0byte", 8),
        "\x01\x1f\x7f kontroll",
        "emoji \xF0\x9F\x98\x80 och \xE2\x82\xAC",
        "trasig \xC3 latin-1",
        "latin-1 \xE5\xE4\xF6",
        "overlong \xC0\xAF",
        "surrogat \xED\xA0\x80",
        "för stor \xF4\x90\x80\x80",
        "avhuggen \xE2\x82",
    };
    return texts;
}

LedgerLine BaseLine() {
    LedgerLine l;
    l.voucher.source = core::SourceId("erp");
    l.voucher.voucher_id = core::VoucherId("2026-000123");
    l.voucher.date = "2026-03-14";
    l.line_no = 2;
    l.line_count = 5;
    l.unit = core::UnitId("E211");
    l.account = core::AccountNo("5010");
    l.account_class = 5;
    l.account_group = "50";
    l.period = "202603";
    l.fiscal_year = 2026;
    l.amount_ore = -1'234'550;
    return l;
}

TEST(HotEncode, GeneratedLinesWithEveryOptionalFieldAndHardStrings) {
    std::mt19937 rng(20261126);
    const auto& texts = Texts();
    const std::vector<double> quantities = {0.5, 2.0, -3.0, 1e20, 1.0 / 3.0, 12345.678, 0.0};
    int fallbacks = 0;
    for (int i = 0; i < 2000; ++i) {
        LedgerLine l = BaseLine();
        const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        const auto maybe = [&] { return rng() % 2 == 0; };
        if (maybe()) l.voucher.series = texts[pick(texts.size())];
        if (maybe()) l.project = texts[pick(texts.size())];
        if (maybe()) l.trans_date = "2026-03-1" + std::to_string(pick(10));
        if (maybe()) l.text = texts[pick(texts.size())];
        if (maybe()) l.quantity = quantities[pick(quantities.size())];
        if (maybe()) l.accrual = maybe();
        if (maybe()) l.accrual_period = "202604";
        if (maybe()) l.dims["dim6"] = texts[pick(texts.size())];
        if (maybe()) l.dims["activity"] = "E211";
        if (maybe()) l.dims["project"] = "P-7";
        l.is_operating = maybe();
        l.is_investment = maybe();
        l.amount_ore = static_cast<std::int64_t>(rng()) - 2'000'000'000LL;
        l.line_no = static_cast<std::int64_t>(pick(100)) + 1;
        const std::string subject = maybe() ? std::string(l.unit.value()) : std::string();
        const std::string generic = EncodeMessage(l, Meta(subject));
        ASSERT_EQ(EncodeLedgerLine(l, Meta(subject)), generic) << "line " << i;
        if (generic.find("\xEF\xBF\xBD") != std::string::npos) ++fallbacks;
    }
    // The replacement path was taken and agreed too.
    EXPECT_GT(fallbacks, 100);
}

TEST(HotEncode, GeneratedDecisionsForEveryWayResultAndOrigin) {
    const std::vector<Origin> origins = {
        Origin::Kafka("bfu.erp.vouchers", 3, 123456789),
        Origin::Http("req-\"7\"\n"),
        Origin::File("/inbox/processing/Bokföring 2026.se", 4711),
        Origin::File("/inbox/\xE5r.se", 1),
    };
    int seen = 0;
    for (const auto way : {IngestWay::kKafka, IngestWay::kHttp, IngestWay::kSieFile}) {
        for (const auto result :
             {IngestResult::kAccepted, IngestResult::kRejected, IngestResult::kDuplicate}) {
            for (const auto& origin : origins) {
                for (int variant = 0; variant < 4; ++variant) {
                    IngestDecision d;
                    d.way = way;
                    d.result = result;
                    d.origin = origin;
                    d.line_count = variant * 3;
                    d.gross_ore = 987'654'321LL * variant;
                    d.decided_at = "2026-11-26T13:45:01.123Z";
                    if (variant % 2 == 0) d.source = core::SourceId("erp");
                    if (variant < 2) d.voucher_id = core::VoucherId("V-" + std::to_string(seen));
                    if (result == IngestResult::kRejected) {
                        d.reasons = {"unbalanced", "unknown_account"};
                        d.reasons.resize(static_cast<std::size_t>(variant));
                    }
                    if (result == IngestResult::kDuplicate && variant != 3) {
                        d.first_origin = origins[static_cast<std::size_t>(variant)];
                    }
                    ASSERT_EQ(EncodeIngestDecision(d, Meta(d.Key())),
                              EncodeMessage(d, Meta(d.Key())))
                        << "decision " << seen;
                    ++seen;
                }
            }
        }
    }
    EXPECT_EQ(seen, 3 * 3 * 4 * 4);
}

TEST(HotEncode, TheTextDecodesBackToTheSameMessage) {
    LedgerLine l = BaseLine();
    l.text = "Förskolan \"Ängen\"";
    l.dims["dim6"] = "P-1";
    auto decoded = DecodeMessage<LedgerLine>(EncodeLedgerLine(l, Meta("E211")));
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(decoded.value(), l);
}

}  // namespace
}  // namespace bfu::contracts
