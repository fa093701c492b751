// The hand-written format checks and the exact amount parser.
#include "bfu/contracts/formats.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace bfu::contracts {
namespace {

TEST(ContractsFormats, AmountParsesExactlyToOre) {
    EXPECT_EQ(ParseAmountOre("0"), 0);
    EXPECT_EQ(ParseAmountOre("-1234.50"), -123450);
    EXPECT_EQ(ParseAmountOre("-1234.5"), -123450);
    EXPECT_EQ(ParseAmountOre("0.01"), 1);
    EXPECT_EQ(ParseAmountOre("-0.05"), -5);
    EXPECT_EQ(ParseAmountOre("999999999999999.99"), 99999999999999999);
    for (const char* bad : {"", "-", "1.", ".5", "1.234", "1 234,50", "1,5", "+5", "1e3", " 1",
                            "1 ", "--1", "0x10", "1234567890123456", "1.2.3", "NaN"}) {
        EXPECT_FALSE(ParseAmountOre(bad).has_value()) << bad;
    }
}

TEST(ContractsFormats, AmountFormatsCanonically) {
    EXPECT_EQ(FormatAmountOre(-123450), "-1234.50");
    EXPECT_EQ(FormatAmountOre(5), "0.05");
    EXPECT_EQ(FormatAmountOre(-5), "-0.05");
    EXPECT_EQ(FormatAmountOre(0), "0.00");
    EXPECT_EQ(FormatAmountOre(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
}

TEST(ContractsFormats, Dates) {
    EXPECT_TRUE(IsDate("2026-03-31"));
    EXPECT_TRUE(IsDate("2026-02-29"));  // as the schema's "date" format (no leap-year rule)
    EXPECT_FALSE(IsDate("2026-02-30"));
    EXPECT_FALSE(IsDate("2026-04-31"));
    EXPECT_FALSE(IsDate("2026-13-01"));
    EXPECT_FALSE(IsDate("2026-00-10"));
    EXPECT_FALSE(IsDate("2026-1-01"));
    EXPECT_FALSE(IsDate("20260101"));
}

TEST(ContractsFormats, DateTimes) {
    EXPECT_TRUE(IsDateTime("2026-03-31T12:00:00Z"));
    EXPECT_TRUE(IsDateTime("2026-03-31T12:00:00.123Z"));
    EXPECT_TRUE(IsDateTime("2026-03-31T23:59:60+01:00"));
    EXPECT_TRUE(IsDateTime("2026-03-31T12:00:00.123456789-05:30"));
    EXPECT_FALSE(IsDateTime("2026-03-31T12:00:00"));
    EXPECT_FALSE(IsDateTime("2026-03-31 12:00:00Z"));
    EXPECT_FALSE(IsDateTime("2026-03-31t12:00:00Z"));
    EXPECT_FALSE(IsDateTime("2026-03-31T24:00:00Z"));
    EXPECT_FALSE(IsDateTime("2026-03-31T12:00:00.Z"));
    EXPECT_FALSE(IsDateTime("2026-03-31T12:00:00.1234567890Z"));
    EXPECT_FALSE(IsDateTime("2026-03-31T12:00:00+0100"));
}

TEST(ContractsFormats, PeriodsIdsAccounts) {
    EXPECT_TRUE(IsPeriod("202601"));
    EXPECT_TRUE(IsPeriod("202612"));
    EXPECT_FALSE(IsPeriod("202613"));
    EXPECT_FALSE(IsPeriod("202600"));
    EXPECT_FALSE(IsPeriod("2026-01"));
    EXPECT_TRUE(IsId("HT-NORR"));
    EXPECT_TRUE(IsId("dev-2026.1_a"));
    EXPECT_FALSE(IsId("-x"));
    EXPECT_FALSE(IsId("a:b"));
    EXPECT_FALSE(IsId(""));
    EXPECT_TRUE(IsEventId("budget:2026:HT-NORR"));
    EXPECT_FALSE(IsEventId(":budget"));
    EXPECT_TRUE(IsAccountNo("5011"));
    EXPECT_TRUE(IsAccountNo("121900"));
    EXPECT_FALSE(IsAccountNo("501"));
    EXPECT_FALSE(IsAccountNo("1219000"));
}

TEST(ContractsFormats, DecisionRefsAndEnvelopeAttributes) {
    EXPECT_TRUE(IsDecisionRef("\xC2\xA7 45/2026"));
    EXPECT_TRUE(IsDecisionRef("KF \xC2\xA7 7/2021"));
    EXPECT_FALSE(IsDecisionRef("KF 7/2021"));
    EXPECT_FALSE(IsDecisionRef("\xC2\xA7 45/26"));
    EXPECT_FALSE(IsDecisionRef("\xC2\xA7 /2026"));
    EXPECT_TRUE(IsEventType("se.bfu.ledger.line.v1"));
    EXPECT_TRUE(IsEventType("se.bfu.ops.goal-outcome.v12"));
    EXPECT_FALSE(IsEventType("se.bfu.v1"));
    EXPECT_FALSE(IsEventType("se.bfu.ledger.line.v0"));
    EXPECT_FALSE(IsEventType("se.bfu.Ledger.v1"));
    EXPECT_TRUE(IsEventSource("bfu/ingest"));
    EXPECT_TRUE(IsEventSource("erp"));
    EXPECT_FALSE(IsEventSource("bfu//ingest"));
    EXPECT_FALSE(IsEventSource("/bfu"));
    EXPECT_TRUE(IsEmail("a.b@kommun.example"));
    EXPECT_FALSE(IsEmail("a@b@c"));
    EXPECT_FALSE(IsEmail("a b@c"));
    EXPECT_FALSE(IsEmail("a@b\r\nBcc: c@d"));
    EXPECT_FALSE(IsEmail("a\x7F@b"));
    EXPECT_TRUE(IsEmail("\xC3\xA5sa@kommun.example"));
}

TEST(ContractsFormats, LinesUrlsEnvNamesCommandIds) {
    EXPECT_TRUE(IsLine("Hemtj\xC3\xA4nst Norr"));
    EXPECT_FALSE(IsLine(""));
    EXPECT_FALSE(IsLine("a\nb"));
    EXPECT_FALSE(IsLine("a\rb"));
    EXPECT_FALSE(IsLine("a\tb"));
    EXPECT_FALSE(IsLine(std::string("a\0b", 3)));
    EXPECT_FALSE(IsLine("a\x1F"));
    EXPECT_FALSE(IsLine("a\x7F"));
    EXPECT_TRUE(IsLine("\xC2\x80 \xC3\xBF"));  // U+0080 and U+00FF are not ASCII controls
    EXPECT_TRUE(HasControlChar("\r"));
    EXPECT_FALSE(HasControlChar("~ \xE2\x80\x93"));

    EXPECT_TRUE(IsHttpUrl("https://hooks.kommun.example/x?y=1"));
    EXPECT_TRUE(IsHttpUrl("http://127.0.0.1:8080"));
    EXPECT_FALSE(IsHttpUrl("https://"));
    EXPECT_FALSE(IsHttpUrl("ftp://x"));
    EXPECT_FALSE(IsHttpUrl("HTTPS://x"));
    EXPECT_FALSE(IsHttpUrl("https://x y"));
    EXPECT_FALSE(IsHttpUrl("https://x\r\n"));

    EXPECT_TRUE(IsEnvName("BFU_KEY_1"));
    EXPECT_TRUE(IsEnvName("_X"));
    EXPECT_FALSE(IsEnvName("1KEY"));
    EXPECT_FALSE(IsEnvName("bfu_key"));
    EXPECT_FALSE(IsEnvName(""));
    EXPECT_FALSE(IsEnvName("A-B"));

    EXPECT_TRUE(IsCommandId("web:7f3c2a10-5b1e.x_y"));
    EXPECT_TRUE(IsCommandId(std::string(128, 'c')));
    EXPECT_FALSE(IsCommandId(std::string(129, 'c')));
    EXPECT_FALSE(IsCommandId(":x"));
    EXPECT_FALSE(IsCommandId(""));
    EXPECT_FALSE(IsCommandId("a b"));
}

TEST(ContractsFormats, LongTexts) {
    EXPECT_TRUE(IsLongText("rad 1\nrad 2"));
    EXPECT_TRUE(IsLongText("rad 1\r\nrad 2\r\n"));
    EXPECT_TRUE(IsLongText("\n"));
    EXPECT_TRUE(IsLongText("\xC3\x85tg\xC3\xA4rd"));
    EXPECT_FALSE(IsLongText(""));
    EXPECT_FALSE(IsLongText("a\tb"));
    EXPECT_FALSE(IsLongText(std::string("a\0b", 3)));
    EXPECT_FALSE(IsLongText("a\x0B"));
    EXPECT_FALSE(IsLongText("a\x0C"));
    EXPECT_FALSE(IsLongText("a\x1F"));
    EXPECT_FALSE(IsLongText("a\x7F"));
    EXPECT_TRUE(HasControlCharBesidesLineBreaks("\t"));
    EXPECT_FALSE(HasControlCharBesidesLineBreaks("\r\n"));
}

TEST(ContractsFormats, Utf8AndBase64) {
    EXPECT_TRUE(IsValidUtf8("Hemtj\xC3\xA4nst"));
    EXPECT_FALSE(IsValidUtf8("\xC3"));
    EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
    EXPECT_EQ(Base64Encode("Man"), "TWFu");
    EXPECT_EQ(Base64Encode("Ma"), "TWE=");
    EXPECT_EQ(Base64Encode("M"), "TQ==");
    EXPECT_EQ(Base64Decode("TWE=").value(), "Ma");
    EXPECT_FALSE(Base64Decode("TWE").has_value());
    EXPECT_FALSE(Base64Decode("T=E=").has_value());
}

}  // namespace
}  // namespace bfu::contracts
