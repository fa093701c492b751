#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "bfu/sie/crc32.hpp"
#include "bfu/sie/lexer.hpp"

namespace bfu::sie {
namespace {

std::vector<Field> Lex(std::string_view line, LexError* error = nullptr) {
    FieldCursor c(line);
    std::vector<Field> out;
    Field f;
    while (c.Next(f)) out.push_back(f);
    if (error != nullptr) *error = c.error();
    return out;
}

TEST(SieLexer, SplitsPlainQuotedAndListFields) {
    const auto f = Lex(R"(1910 {1 "100" 6 "P1"}  -12.50	20240105 "a \"b\" c\\d" 2 sign)");
    ASSERT_EQ(f.size(), 7u);
    EXPECT_EQ(f[0].text, "1910");
    EXPECT_EQ(f[0].kind, FieldKind::kPlain);
    EXPECT_EQ(f[1].kind, FieldKind::kList);
    EXPECT_EQ(f[1].text, R"(1 "100" 6 "P1")");
    EXPECT_EQ(f[2].text, "-12.50");
    EXPECT_EQ(f[3].text, "20240105");  // separated by a tab
    EXPECT_EQ(f[4].kind, FieldKind::kQuotedEscaped);
    std::string text;
    AppendFieldText(text, f[4]);
    EXPECT_EQ(text, R"(a "b" c\d)");
    EXPECT_EQ(f[6].text, "sign");
}

TEST(SieLexer, KeepsBackslashesThatEscapeNothing) {
    const auto f = Lex(R"("C:\ProgramData\SPCS" "")");
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].kind, FieldKind::kQuoted);
    EXPECT_EQ(f[0].text, R"(C:\ProgramData\SPCS)");
    EXPECT_EQ(f[1].kind, FieldKind::kQuoted);
    EXPECT_TRUE(f[1].text.empty());
}

TEST(SieLexer, TreatsCrAndTabsAsSpace) {
    const auto f = Lex("\t1910\t{}\t5\r");
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[1].kind, FieldKind::kList);
    EXPECT_TRUE(f[1].text.empty());
    EXPECT_EQ(f[2].text, "5");
}

TEST(SieLexer, QuotesInsideAnObjectListMayHoldBraces) {
    const auto f = Lex(R"({1 "a}b" 6 "\"x\""} 5)");
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].text, R"(1 "a}b" 6 "\"x\"")");
    EXPECT_EQ(f[1].text, "5");
}

TEST(SieLexer, ReportsUnterminatedQuoteAndListAndNesting) {
    LexError e = LexError::kNone;
    auto f = Lex(R"(1910 "cut off text)", &e);
    EXPECT_EQ(e, LexError::kUnterminatedQuote);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[1].text, "cut off text");

    Lex("1910 {1 \"2\" 5", &e);
    EXPECT_EQ(e, LexError::kUnterminatedList);
    Lex("1910 {1 {2}} 5", &e);
    EXPECT_EQ(e, LexError::kNestedList);
    Lex("1910 {1 \"2} 5", &e);
    EXPECT_EQ(e, LexError::kUnterminatedList);
}

TEST(SieLexer, ParsesAmountsExactlyInOre) {
    struct Case {
        const char* text;
        std::int64_t ore;
    };
    for (const Case& c :
         {Case{"0", 0}, Case{"5", 500}, Case{"-5", -500}, Case{"+5", 500}, Case{"-1234.5", -123450},
          Case{"1234.50", 123450}, Case{"0.01", 1}, Case{"-0.5", -50}, Case{"12.500", 1250},
          Case{"92233720368547758.07", std::numeric_limits<std::int64_t>::max()}}) {
        std::int64_t ore = -1;
        ASSERT_TRUE(ParseAmountOre(c.text, ore)) << c.text;
        EXPECT_EQ(ore, c.ore) << c.text;
    }
}

TEST(SieLexer, RejectsAmountsThatAreNotExactOre) {
    for (const char* bad : {"", "-", ".5", "5.", "1.234", "1,50", "1 000", "12a", "--1",
                            "92233720368547758.08", "999999999999999999999", "1e3", "0x10"}) {
        std::int64_t ore = 0;
        EXPECT_FALSE(ParseAmountOre(bad, ore)) << bad;
    }
}

TEST(SieLexer, ParsesIntegersAndDecimalsAndAccounts) {
    std::int32_t v = 0;
    EXPECT_TRUE(ParseInt32("-1", v));
    EXPECT_EQ(v, -1);
    EXPECT_FALSE(ParseInt32("2147483648", v));
    EXPECT_FALSE(ParseInt32("1x", v));
    EXPECT_FALSE(ParseInt32("", v));
    std::int64_t w = 0;
    EXPECT_TRUE(ParseInt64("-3456789012", w));
    EXPECT_EQ(w, -3456789012);
    EXPECT_TRUE(IsDecimal("-2.125"));
    EXPECT_FALSE(IsDecimal("2,5"));
    EXPECT_TRUE(IsAccountNumber("0351"));
    EXPECT_TRUE(IsAccountNumber("FEL"));
    EXPECT_FALSE(IsNumericAccount("FEL"));
    EXPECT_FALSE(IsAccountNumber("19-10"));
    EXPECT_FALSE(IsAccountNumber(""));
    EXPECT_FALSE(IsAccountNumber("123456789012345678901"));
}

TEST(SieCrc32, MatchesTheStandardCheckValue) {
    // The CRC-32 check value (ISO 3309, zlib) for "123456789".
    EXPECT_EQ(ComputeCrc32("123456789"), 0xCBF43926u);
    EXPECT_EQ(ComputeCrc32(""), 0u);
    Crc32 incremental;
    incremental.Update("12345");
    incremental.Update("6789");
    EXPECT_EQ(incremental.Value(), 0xCBF43926u);
}

}  // namespace
}  // namespace bfu::sie
