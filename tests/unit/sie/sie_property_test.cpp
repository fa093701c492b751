// Property: any vouchers bfu can hold, written as SIE text (UTF-8, CP437 or Latin-1; LF or
// CRLF), parse back to exactly the same vouchers. And: damaged files never lose a voucher.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bfu/sie/encoding.hpp"
#include "bfu/sie/parser.hpp"
#include "bfu/sie/writer.hpp"
#include "sie_test_util.hpp"

namespace bfu::sie {
namespace {

class Generator {
public:
    explicit Generator(std::uint32_t seed) : rng_(seed) {}

    int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    bool Chance(int percent) { return Int(1, 100) <= percent; }

    // Text from pieces that stress the lexer: quotes, backslashes, braces, '#', tabs, spaces
    // and Swedish letters (all of which CP437 and Latin-1 can hold).
    std::string Text(int max_pieces) {
        static const std::vector<std::string> kPieces = {
            "a", "Lön",    "åäö", "ÅÄÖ", "é", " ", "\"",   "\\",  "{",
            "}", "#TRANS", "\t",  "x y", "1", "-", "\\\"", "kr.", "Östra"};
        std::string out;
        const int n = Int(0, max_pieces);
        for (int i = 0; i < n; ++i) out += kPieces[static_cast<std::size_t>(Int(0, 17))];
        return out;
    }

    Date RandomDate() {
        const int year = Int(2019, 2026);
        const int month = Int(1, 12);
        const int day = Int(1, 28);
        return Date{year, month, day};
    }

    std::string Quantity() {
        static const std::vector<std::string> kQuantities = {"", "", "1", "-2", "0.5", "12.125"};
        return kQuantities[static_cast<std::size_t>(Int(0, 5))];
    }

    Voucher RandomVoucher() {
        Voucher v;
        v.series = Chance(80) ? std::string(1, static_cast<char>('A' + Int(0, 5))) : Text(2);
        v.number = Chance(90) ? std::to_string(Int(1, 99999)) : "";
        v.date = RandomDate();
        v.text = Text(6);
        if (Chance(50)) v.registered = RandomDate();
        if (Chance(30)) v.sign = Text(2);
        const int rows = Int(1, 8);
        std::int64_t sum = 0;
        for (int i = 0; i < rows; ++i) {
            VoucherLine l;
            l.account = std::to_string(Int(1000, 8999));
            const int objects = Int(0, 3);
            for (int k = 0; k < objects; ++k) {
                l.objects.push_back(
                    {Int(1, 12), Chance(70) ? std::to_string(Int(1, 999)) : Text(3)});
            }
            std::int64_t ore = std::uniform_int_distribution<std::int64_t>(-100'000'000'000,
                                                                           100'000'000'000)(rng_);
            if (i == rows - 1) ore = -sum;  // balance the voucher
            sum += ore;
            l.amount = core::Money::FromOre(ore);
            l.date_given = Chance(40);
            l.date = l.date_given ? RandomDate() : v.date;
            l.text = Chance(50) ? Text(4) : "";
            l.quantity = Quantity();
            l.sign = Chance(20) ? Text(2) : "";
            l.kind = Chance(15) ? LineKind::kAdded : LineKind::kTrans;
            v.lines.push_back(std::move(l));
        }
        return v;
    }

private:
    std::mt19937 rng_;
};

// Source positions depend on the text layout, not on the voucher.
Voucher WithoutPositions(Voucher v) {
    v.source_line = 0;
    v.end_line = 0;
    for (VoucherLine& l : v.lines) l.source_line = 0;
    return v;
}

std::string Utf8ToLatin1(std::string_view utf8) {
    std::string out;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c == 0xC3 && i + 1 < utf8.size()) {
            out += static_cast<char>(0xC0 | (static_cast<unsigned char>(utf8[++i]) & 0x3F));
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

TEST(SieProperty, WrittenVouchersParseBackExactly) {
    for (std::uint32_t seed = 1; seed <= 300; ++seed) {
        Generator g(seed);
        std::vector<Voucher> vouchers;
        const int count = g.Int(1, 12);
        for (int i = 0; i < count; ++i) {
            vouchers.push_back(g.RandomVoucher());
            // Unique numbers: a repeated one is (rightly) reported as a duplicate key.
            if (!vouchers.back().number.empty()) vouchers.back().number = std::to_string(i + 1);
        }
        const bool crlf = g.Chance(50);
        std::string text = "#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n";
        for (const Voucher& v : vouchers) AppendVoucher(text, v, crlf);

        const int encoding = g.Int(0, 2);
        std::string bytes = text;
        if (encoding == 1) bytes = Utf8ToCp437(text);
        if (encoding == 2) bytes = Utf8ToLatin1(text);

        const SieFile f = Parse(bytes, "gen.se");
        ASSERT_TRUE(f.issues.empty()) << "seed " << seed << ": " << f.issues[0].ToString();
        ASSERT_TRUE(f.rejected.empty())
            << "seed " << seed << ": " << f.rejected[0].reasons[0].ToString();
        ASSERT_EQ(f.vouchers.size(), vouchers.size()) << "seed " << seed;
        for (std::size_t i = 0; i < vouchers.size(); ++i) {
            ASSERT_EQ(WithoutPositions(f.vouchers[i]), vouchers[i])
                << "seed " << seed << " voucher " << i << " encoding " << encoding;
        }
    }
}

TEST(SieProperty, DamagedFilesNeverLoseAVoucher) {
    Generator g(4242);
    std::string text = "#FLAGGA 0\n#RAR 0 20190101 20261231\n";
    for (int i = 0; i < 40; ++i) AppendVoucher(text, g.RandomVoucher(), g.Chance(50));
    static const char kNoise[] = {'{', '}', '"', '\\', '\n', ' ', '#', 'x', '\r', '\0'};
    for (int round = 0; round < 300; ++round) {
        std::string damaged = text;
        const int edits = g.Int(1, 20);
        for (int e = 0; e < edits; ++e) {
            const auto at =
                static_cast<std::size_t>(g.Int(0, static_cast<int>(damaged.size()) - 1));
            switch (g.Int(0, 2)) {
                case 0:
                    damaged[at] = kNoise[g.Int(0, 9)];
                    break;
                case 1:
                    damaged.erase(at, static_cast<std::size_t>(g.Int(1, 30)));
                    break;
                default:
                    damaged.insert(at, 1, kNoise[g.Int(0, 9)]);
                    break;
            }
        }
        const SieFile f = Parse(damaged, "damaged.se");
        EXPECT_EQ(f.stats.ver_records, f.vouchers.size() + f.rejected.size()) << round;
        for (const Voucher& v : f.vouchers) EXPECT_EQ(testing::SumOre(v), 0) << round;
        for (const RejectedVoucher& r : f.rejected) EXPECT_FALSE(r.reasons.empty()) << round;
    }
}

}  // namespace
}  // namespace bfu::sie
