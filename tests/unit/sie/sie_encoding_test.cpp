#include <gtest/gtest.h>

#include <string>

#include "bfu/sie/encoding.hpp"

namespace bfu::sie {
namespace {

// åäöÅÄÖé in CP437 and in Latin-1.
constexpr const char* kCp437Letters = "\x86\x84\x94\x8F\x8E\x99\x82";
constexpr const char* kLatin1Letters = "\xE5\xE4\xF6\xC5\xC4\xD6\xE9";
constexpr const char* kUtf8Letters = "åäöÅÄÖé";

TEST(SieEncoding, ConvertsCp437SwedishLettersToUtf8) {
    EXPECT_EQ(ToUtf8(kCp437Letters, Encoding::kCp437), kUtf8Letters);
    // Box drawing and Greek from the upper half, e.g. in old DOS exports.
    EXPECT_EQ(ToUtf8("\xC4\xE1\xFF", Encoding::kCp437), "─ß\u00A0");
}

TEST(SieEncoding, ConvertsLatin1AndWindows1252ToUtf8) {
    EXPECT_EQ(ToUtf8(kLatin1Letters, Encoding::kLatin1), kUtf8Letters);
    EXPECT_EQ(ToUtf8("\x80 100", Encoding::kLatin1), "€ 100");
    EXPECT_EQ(ToUtf8("plain ascii", Encoding::kLatin1), "plain ascii");
}

TEST(SieEncoding, DetectsCp437FromSwedishLetters) {
    const std::string file =
        std::string("#FORMAT PC8\n#FNAMN \"Bj") + "\x94" + "rk " + kCp437Letters + "\"\n";
    const EncodingGuess g = DetectEncoding(file);
    EXPECT_EQ(g.encoding, Encoding::kCp437);
    EXPECT_EQ(g.cp437_letters, 8u);
    EXPECT_EQ(g.latin1_letters, 0u);
}

TEST(SieEncoding, DetectsLatin1EvenWhenTheFileClaimsPc8) {
    const std::string file =
        std::string("#FORMAT PC8\n#FNAMN \"Bj") + "\xF6" + "rk " + kLatin1Letters + "\"\n";
    EXPECT_EQ(DetectEncoding(file).encoding, Encoding::kLatin1);
}

TEST(SieEncoding, DetectsUtf8AndAsciiAndBom) {
    EXPECT_EQ(DetectEncoding("#FNAMN \"Övningsbolaget\"\n").encoding, Encoding::kUtf8);
    EXPECT_EQ(DetectEncoding("#FNAMN \"Ovningsbolaget\"\n").encoding, Encoding::kAscii);
    const EncodingGuess bom = DetectEncoding("\xEF\xBB\xBF#FLAGGA 0\n");
    EXPECT_EQ(bom.encoding, Encoding::kUtf8);
    EXPECT_EQ(bom.bom_length, 3u);
}

TEST(SieEncoding, TieGoesToCp437AsTheStandardSays) {
    // 0xB0 is no Swedish letter in either set: the declaration (PC8) decides.
    EXPECT_EQ(DetectEncoding("#FNAMN \"\xB0\"\n").encoding, Encoding::kCp437);
}

TEST(SieEncoding, RejectsMalformedUtf8) {
    EXPECT_TRUE(IsValidUtf8("plain"));
    EXPECT_TRUE(IsValidUtf8("räksmörgås €"));
    EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(IsValidUtf8("abc\xE2\x82"));       // cut off
    EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
    EXPECT_FALSE(IsValidUtf8("\x94"));              // CP437 ö alone
}

TEST(SieEncoding, Utf8ToCp437RoundTripsSwedishText) {
    const std::string text = "Östervåla Ärlig Å é";
    const std::string pc8 = Utf8ToCp437(text);
    EXPECT_EQ(pc8, "\x99sterv\x86la \x8Erlig \x8F \x82");
    EXPECT_EQ(ToUtf8(pc8, Encoding::kCp437), text);
    EXPECT_EQ(Utf8ToCp437("€"), "?");  // CP437 has no euro sign
}

TEST(SieEncoding, NamesAreStable) {
    EXPECT_EQ(ToString(Encoding::kCp437), "cp437");
    EXPECT_EQ(ToString(Encoding::kLatin1), "latin-1");
    EXPECT_EQ(ToString(Encoding::kUtf8), "utf-8");
    EXPECT_EQ(ToString(Encoding::kAscii), "ascii");
}

}  // namespace
}  // namespace bfu::sie
