#include "bfu/core/money.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace bfu::core {
namespace {

std::int64_t ParseOre(std::string_view s) {
    auto r = Money::Parse(s);
    EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? r->ore() : 0;
}

TEST(MoneyParse, ReadsLedgerForms) {
    EXPECT_EQ(ParseOre("-1234.5"), -123450);
    EXPECT_EQ(ParseOre("1234.50"), 123450);
    EXPECT_EQ(ParseOre("1 234,50"), 123450);
    EXPECT_EQ(ParseOre("1\u00a0234,50"), 123450);
    EXPECT_EQ(ParseOre("1\u202f234,50"), 123450);
    EXPECT_EQ(ParseOre("+5"), 500);
    EXPECT_EQ(ParseOre("0.01"), 1);
    EXPECT_EQ(ParseOre("-0,07"), -7);
    EXPECT_EQ(ParseOre("  12 345 678,9 "), 1234567890);
    EXPECT_EQ(ParseOre("\u22121 234,50"), -123450);
    EXPECT_EQ(ParseOre("0"), 0);
    EXPECT_EQ(ParseOre("007"), 700);
}

TEST(MoneyParse, RejectsMoreThanTwoDecimalsInsteadOfRounding) {
    const auto r = Money::Parse("1.234");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    EXPECT_NE(r.error().message.find("more than two decimals"), std::string::npos);
    EXPECT_FALSE(Money::Parse("0.001").ok());
    EXPECT_FALSE(Money::Parse("1 234,567").ok());
}

TEST(MoneyParse, RejectsGarbage) {
    for (const char* s :
         {"",       " ",     "-",        "+",      ".5",     "5.",    "1,2.3",  "1.2,3", "12a",
          "a12",    "1 23",  "1234 567", "1  234", "--5",    "+-5",   "1e5",    "0x10",  "1,234.50",
          "1 234.", "1_000", "kr 5",     "5 kr",   "\u2212", "12 ,5", "1 234 x"}) {
        const auto r = Money::Parse(s);
        EXPECT_FALSE(r.ok()) << "'" << s << "' parsed as " << (r.ok() ? r->ore() : 0);
    }
    // "1 234 " with trailing ASCII space is trimmed and valid; covered separately:
    EXPECT_EQ(ParseOre("1 234 "), 123400);
}

TEST(MoneyParse, DetectsOverflowAtTheInt64Edge) {
    EXPECT_EQ(ParseOre("92233720368547758.07"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(ParseOre("-92233720368547758.08"), std::numeric_limits<std::int64_t>::min());
    const auto over = Money::Parse("92233720368547758.08");
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().code, Errc::kOutOfRange);
    EXPECT_EQ(Money::Parse("-92233720368547758.09").error().code, Errc::kOutOfRange);
    EXPECT_EQ(Money::Parse("99999999999999999999999999").error().code, Errc::kOutOfRange);
}

TEST(MoneyArithmetic, CheckedOperationsReportOverflow) {
    const Money max = Money::FromOre(std::numeric_limits<std::int64_t>::max());
    const Money min = Money::FromOre(std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(Money::Add(max, Money::FromOre(1)).error().code, Errc::kOutOfRange);
    EXPECT_EQ(Money::Sub(min, Money::FromOre(1)).error().code, Errc::kOutOfRange);
    EXPECT_EQ(Money::Mul(max, 2).error().code, Errc::kOutOfRange);
    EXPECT_EQ(Money::Negate(min).error().code, Errc::kOutOfRange);
    EXPECT_EQ(Money::FromKronorChecked(std::numeric_limits<std::int64_t>::max() / 10).error().code,
              Errc::kOutOfRange);
    EXPECT_EQ(Money::Add(Money::FromOre(5), Money::FromOre(-7))->ore(), -2);
    EXPECT_EQ(Money::Mul(Money::FromOre(-5), 3)->ore(), -15);
    EXPECT_EQ(Money::Negate(Money::FromOre(5))->ore(), -5);
}

TEST(MoneyArithmetic, PlainOperatorsAddSubtractNegate) {
    Money a = Money::FromKronor(10);
    a += Money::FromOre(5);
    EXPECT_EQ(a.ore(), 1005);
    a -= Money::FromOre(10);
    EXPECT_EQ(a.ore(), 995);
    EXPECT_EQ((-a).ore(), -995);
    EXPECT_EQ((a + a - Money::FromOre(1)).ore(), 1989);
    EXPECT_EQ(Money::FromOre(-3).Abs().ore(), 3);
    EXPECT_LT(Money::FromOre(-1), Money::Zero());
}

TEST(MoneyFormat, ToStringIsMachineFormWithTwoDecimals) {
    EXPECT_EQ(Money::FromOre(-123450).ToString(), "-1234.50");
    EXPECT_EQ(Money::FromOre(5).ToString(), "0.05");
    EXPECT_EQ(Money::FromOre(-5).ToString(), "-0.05");
    EXPECT_EQ(Money::FromOre(std::numeric_limits<std::int64_t>::min()).ToString(),
              "-92233720368547758.08");
}

TEST(MoneyFormat, SwedishReportUnits) {
    EXPECT_EQ(FormatKr(Money::FromOre(123456)), "1 235 kr");
    EXPECT_EQ(FormatKr(Money::FromOre(123449)), "1 234 kr");
    EXPECT_EQ(FormatKr(Money::FromOre(-123450)), "\u22121 235 kr");  // half away from zero
    EXPECT_EQ(FormatTkr(Money::FromOre(123456789)), "1 234,6 tkr");
    EXPECT_EQ(FormatTkr(Money::FromKronor(1'234'500)), "1 234,5 tkr");
    EXPECT_EQ(FormatTkr(Money::FromKronor(-50'000)), "\u221250,0 tkr");
    EXPECT_EQ(FormatMkr(Money::FromOre(1234567890)), "12,3 Mkr");
    EXPECT_EQ(FormatMkr(Money::FromKronor(-2'000'000)), "\u22122,0 Mkr");
    EXPECT_EQ(FormatMkr(Money::FromKronor(1'234'567'890)), "1 234,6 Mkr");
    // A tiny negative that rounds to zero carries no minus sign.
    EXPECT_EQ(FormatTkr(Money::FromOre(-4)), "0,0 tkr");
    EXPECT_EQ(FormatKr(Money::Zero()), "0 kr");
    EXPECT_EQ(FormatAmount(Money::FromOre(-123450)), "\u22121 234,50");
    EXPECT_EQ(FormatAmount(Money::FromOre(7)), "0,07");
}

TEST(MoneyFormat, PercentWithOneDecimal) {
    EXPECT_EQ(FormatPercent(Share::Of(Money::FromOre(53), Money::FromOre(1000))), "5,3 %");
    EXPECT_EQ(FormatPercent(Share{-1, 3}), "\u221233,3 %");
    EXPECT_EQ(FormatPercent(Share{2, 3}), "66,7 %");
    EXPECT_EQ(FormatPercent(Share{1, 2000}), "0,1 %");  // 0.05 % rounds away from zero
    EXPECT_EQ(FormatPercent(Share{5, 0}), "\u2013");
    EXPECT_EQ(FormatPercent(Share{12345, 100}), "12 345,0 %");
    EXPECT_EQ(FormatBasisPoints(530), "5,3 %");
    EXPECT_EQ(FormatBasisPoints(-25), "\u22120,3 %");
}

TEST(MoneyShare, ExactComparisonWithoutFloatingPoint) {
    // 50 000 kr of 1 000 000 kr is exactly 5 %.
    const Share s = Share::Of(Money::FromKronor(50'000), Money::FromKronor(1'000'000));
    EXPECT_EQ(s.BasisPoints(), 500);
    EXPECT_EQ(CompareAbsShareToBasisPoints(s, 500), 0);
    EXPECT_LT(CompareAbsShareToBasisPoints(s, 501), 0);
    EXPECT_GT(CompareAbsShareToBasisPoints(s, 499), 0);
    EXPECT_GT(CompareAbsShareToBasisPoints(Share{1, 0}, 1'000'000), 0);
    EXPECT_EQ(CompareAbsShareToBasisPoints(Share{0, 0}, 0), 0);
    EXPECT_EQ((Share{-1, -3}).BasisPoints(), 3333);
    EXPECT_EQ((Share{1, -3}).BasisPoints(), -3333);
    // Extremes do not overflow the comparison.
    const Share big{std::numeric_limits<std::int64_t>::max(), 1};
    EXPECT_GT(CompareAbsShareToBasisPoints(big, std::numeric_limits<std::int64_t>::max()), 0);
}

TEST(MoneyMulDiv, RoundsHalfAwayFromZeroAndDetectsOverflow) {
    EXPECT_EQ(*MulDivRound(5, 1, 2), 3);
    EXPECT_EQ(*MulDivRound(-5, 1, 2), -3);
    EXPECT_EQ(*MulDivRound(7, 3, -2), -11);
    EXPECT_EQ(*MulDivRound(std::numeric_limits<std::int64_t>::max(), 3, 3),
              std::numeric_limits<std::int64_t>::max());
    EXPECT_FALSE(MulDivRound(std::numeric_limits<std::int64_t>::max(), 2, 1).ok());
}

TEST(MoneyProperty, ParseOfEveryFormatRoundTrips) {
    std::mt19937_64 rng(20260326);
    std::uniform_int_distribution<int> bits(1, 63);
    for (int i = 0; i < 20000; ++i) {
        std::int64_t v = static_cast<std::int64_t>(rng() >> (64 - bits(rng)));
        if (rng() & 1) v = -v;
        const Money m = Money::FromOre(v);
        ASSERT_EQ(ParseOre(m.ToString()), v) << m.ToString();
        ASSERT_EQ(ParseOre(FormatAmount(m)), v) << FormatAmount(m);
        // Swedish form with a plain space and a hyphen-minus, as people type it.
        std::string typed = FormatAmount(m);
        if (v < 0) typed.replace(0, std::string("\u2212").size(), "-");
        ASSERT_EQ(ParseOre(typed), v) << typed;
    }
}

TEST(MoneyProperty, RoundedFormatsAreWithinHalfAUnit) {
    std::mt19937_64 rng(7);
    for (int i = 0; i < 5000; ++i) {
        const auto v = static_cast<std::int64_t>(rng() % 100'000'000'000ull) - 50'000'000'000;
        // FormatTkr shows tenths of tkr = 10 000 öre; parse the number back (without unit).
        std::string s = FormatTkr(Money::FromOre(v));
        s.resize(s.size() - 4);
        const std::int64_t shown = ParseOre(s) * 1000;  // kr-parsed tkr -> öre/100 * 100 000
        const std::int64_t diff = shown - v;
        ASSERT_LE(diff < 0 ? -diff : diff, 5000) << v << " shown as " << s;
    }
}

}  // namespace
}  // namespace bfu::core
