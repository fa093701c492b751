#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bfu/sie/crc32.hpp"
#include "bfu/sie/encoding.hpp"
#include "bfu/sie/parser.hpp"
#include "sie_test_util.hpp"

namespace bfu::sie {
namespace {

using testing::kHeader;

SieFile P(const std::string& text, std::string_view name = "test.se") { return Parse(text, name); }

const Issue* FindIssue(const std::vector<Issue>& issues, std::string_view code) {
    for (const Issue& i : issues) {
        if (i.code == code) return &i;
    }
    return nullptr;
}

// Every #VER ends up accepted or rejected: nothing is lost.
void ExpectNothingLost(const SieFile& f) {
    EXPECT_EQ(f.stats.ver_records,
              f.vouchers.size() + f.rejected.size() + f.stats.vouchers_streamed);
}

TEST(SieParser, ReadsHeaderRecordsAndFiscalYears) {
    const SieFile f = P(std::string(kHeader) + "#KPTYP BAS2014\n#VALUTA SEK\n#FNR \"K1\"\n");
    EXPECT_EQ(f.info.flag, "0");
    EXPECT_EQ(f.info.program, "Test");
    EXPECT_EQ(f.info.program_version, "1.0");
    EXPECT_EQ(f.info.declared_format, "PC8");
    ASSERT_TRUE(f.info.generated.has_value());
    EXPECT_EQ(f.info.generated->ToString(), "2024-08-15");
    EXPECT_EQ(f.info.generated_by, "ab");
    EXPECT_EQ(f.info.sie_type, "4");
    EXPECT_EQ(f.info.company_name, "Kommunen");
    EXPECT_EQ(f.info.org_number, "212000-0000");
    EXPECT_EQ(f.info.chart_type, "BAS2014");
    EXPECT_EQ(f.info.currency, "SEK");
    EXPECT_EQ(f.info.company_id, "K1");
    EXPECT_EQ(f.info.kind, FileKind::k4E);
    EXPECT_EQ(f.info.encoding, Encoding::kAscii);
    ASSERT_EQ(f.fiscal_years.size(), 2u);
    EXPECT_EQ(f.fiscal_years[0].index, 0);
    EXPECT_EQ(f.fiscal_years[0].start.ToString(), "2023-07-01");
    EXPECT_EQ(f.fiscal_years[0].end.ToString(), "2024-06-30");
    EXPECT_EQ(f.FiscalYearOf(*Date::Parse("20230915")), 0);
    EXPECT_EQ(f.FiscalYearOf(*Date::Parse("20230630")), -1);
    EXPECT_FALSE(f.FiscalYearOf(*Date::Parse("20240701")).has_value());
    EXPECT_TRUE(f.issues.empty());
    EXPECT_EQ(P("#FLAGGA 0\n", "EXPORT.SI").info.kind, FileKind::k4I);
}

TEST(SieParser, ReadsAccountsDimensionsAndObjects) {
    const SieFile f = P(std::string(kHeader) +
                        "#KONTO 3010 \"Försäljning\"\n#KTYP 3010 I\n#SRU 3010 7410\n"
                        "#ENHET 3010 st\n#KONTO 0351 \"Konto med nolla\"\n#KTYP 9999 X\n"
                        "#DIM 1 \"Kostnadsställe\"\n#DIM 6 Projekt\n"
                        "#UNDERDIM 61 \"Delprojekt\" 6\n#OBJEKT 1 \"100\" \"Hemtjänst\"\n"
                        "#OBJEKT 6 P1 \"Projekt 1\"\n#OBJEKT 1 \"100\" \"Hemtjänst norr\"\n");
    ASSERT_EQ(f.accounts.size(), 3u);  // #KTYP 9999 creates the entry, its type is refused
    const Account* a = f.FindAccount("3010");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->name, "Försäljning");
    EXPECT_EQ(a->type, "I");
    EXPECT_EQ(a->sru, "7410");
    EXPECT_EQ(a->unit, "st");
    EXPECT_EQ(f.FindAccount("0351")->name, "Konto med nolla");
    EXPECT_NE(FindIssue(f.issues, "bad_account_type"), nullptr);
    ASSERT_EQ(f.dimensions.size(), 3u);
    EXPECT_EQ(f.dimensions[2].number, 61);
    EXPECT_EQ(f.dimensions[2].parent, 6);
    EXPECT_EQ(f.dimensions[1].name, "Projekt");
    ASSERT_EQ(f.objects.size(), 2u);  // the second #OBJEKT 1 100 renames the first
    EXPECT_EQ(f.objects[0].name, "Hemtjänst norr");
    EXPECT_EQ(f.objects[1].id, "P1");
}

TEST(SieParser, ReadsVouchersWithDefaultsAndAllRowFields) {
    const SieFile f = P(std::string(kHeader) +
                        "#VER A 12 20240105 \"Inköp \\\"kontor\\\"\" 20240107 \"Anna\"\n"
                        "{\n"
                        "   #TRANS 5410 {1 \"100\" 6 \"P1\"} 1250.50 \"\" \"Stol\" 2 \"Bo\"\n"
                        "\t#TRANS 2440 {} -1250.5 20240110 \"\"\n"
                        "}\n");
    ASSERT_EQ(f.vouchers.size(), 1u);
    ExpectNothingLost(f);
    const Voucher& v = f.vouchers[0];
    EXPECT_EQ(v.series, "A");
    EXPECT_EQ(v.number, "12");
    EXPECT_EQ(v.Key(), "A-12");
    EXPECT_EQ(v.date.ToString(), "2024-01-05");
    EXPECT_EQ(v.text, "Inköp \"kontor\"");
    ASSERT_TRUE(v.registered.has_value());
    EXPECT_EQ(v.registered->ToString(), "2024-01-07");
    EXPECT_EQ(v.sign, "Anna");
    EXPECT_EQ(v.source_line, 10u);
    EXPECT_EQ(v.end_line, 14u);
    ASSERT_EQ(v.lines.size(), 2u);
    const VoucherLine& a = v.lines[0];
    EXPECT_EQ(a.account, "5410");
    ASSERT_EQ(a.objects.size(), 2u);
    EXPECT_EQ(a.objects[0], (ObjectRef{1, "100"}));
    EXPECT_EQ(a.objects[1], (ObjectRef{6, "P1"}));
    EXPECT_EQ(a.CostCentre(), "100");
    EXPECT_EQ(a.amount.ore(), 125050);
    EXPECT_EQ(a.date, v.date);  // transdat "" defaults to the voucher date
    EXPECT_FALSE(a.date_given);
    EXPECT_EQ(a.text, "Stol");
    EXPECT_EQ(a.quantity, "2");
    EXPECT_EQ(a.sign, "Bo");
    EXPECT_EQ(a.source_line, 12u);
    const VoucherLine& b = v.lines[1];
    EXPECT_TRUE(b.CostCentre().empty());
    EXPECT_EQ(b.amount.ore(), -125050);
    EXPECT_TRUE(b.date_given);
    EXPECT_EQ(b.date.ToString(), "2024-01-10");
    EXPECT_TRUE(f.issues.empty());
}

TEST(SieParser, CountsAnRtransOnceAndIgnoresBtrans) {
    const SieFile f = P(std::string(kHeader) +
                        "#VER A 1 20240105 \"Rättad\"\n{\n"
                        "#TRANS 1930 {} -100\n"
                        "#TRANS 4010 {} 100\n"
                        "#BTRANS 1930 {} -1000 20240301 \"\" \"\" \"Bo\"\n"
                        "#BTRANS 4010 {} 1000 20240301 \"\" \"\" \"Bo\"\n"
                        "#RTRANS 1930 {1 \"1\"} -50 20240301 \"\" \"\" \"Bo\"\n"
                        "#TRANS 1930 {1 \"1\"} -50 20240105 \"copy\"\n"
                        "#RTRANS 4010 {} 50 20240301 \"\" \"\" \"Bo\"\n"
                        "}\n");
    ASSERT_EQ(f.vouchers.size(), 1u);
    const Voucher& v = f.vouchers[0];
    ASSERT_EQ(v.lines.size(), 4u);
    EXPECT_EQ(v.removed_rows, 2u);
    EXPECT_EQ(v.lines[2].kind, LineKind::kAdded);
    EXPECT_EQ(v.lines[2].amount.ore(), -5000);
    // The copy's date and text are what older readers book; the #RTRANS signature stays.
    EXPECT_EQ(v.lines[2].date.ToString(), "2024-01-05");
    EXPECT_EQ(v.lines[2].text, "copy");
    EXPECT_EQ(v.lines[2].sign, "Bo");
    // An #RTRANS without a copy (the block ends) still counts, once.
    EXPECT_EQ(v.lines[3].kind, LineKind::kAdded);
    EXPECT_EQ(v.lines[3].date.ToString(), "2024-03-01");
    EXPECT_EQ(testing::SumOre(v), 0);
    EXPECT_EQ(f.stats.rtrans_records, 2u);
    EXPECT_EQ(f.stats.rtrans_copies, 1u);
    EXPECT_EQ(f.stats.btrans_records, 2u);
}

TEST(SieParser, AnRtransFollowedByADifferentTransCountsBoth) {
    const SieFile f = P(std::string(kHeader) +
                        "#VER A 1 20240105 \"x\"\n{\n"
                        "#RTRANS 1930 {} -50\n"
                        "#TRANS 4010 {} 50\n"
                        "}\n");
    ASSERT_EQ(f.vouchers.size(), 1u);
    ASSERT_EQ(f.vouchers[0].lines.size(), 2u);
    EXPECT_EQ(f.stats.rtrans_copies, 0u);
}

TEST(SieParser, IgnoresUnknownLabelsAndExtraFields) {
    const SieFile f = P(std::string(kHeader) +
                        "#PROSA \"fritext\"\n#NYETIKETT 1 2 3\n#KONTO 1930 \"Bank\" extra fält\n"
                        "#VER A 1 20240105 \"x\" 20240105 \"sig\" extra\n{\n"
                        "#TRANS 1930 {} -5 \"\" \"\" 1 \"sig\" e1 e2 e3 e4 e5 e6 e7 e8 e9 e10\n"
                        "#OKAND inne i blocket\n"
                        "#TRANS 4010 {} 5\n}\n");
    ASSERT_EQ(f.vouchers.size(), 1u);
    EXPECT_EQ(f.vouchers[0].lines.size(), 2u);
    EXPECT_EQ(f.FindAccount("1930")->name, "Bank");
    EXPECT_EQ(f.stats.unknown_records, 3u);
    EXPECT_TRUE(f.issues.empty());
}

TEST(SieParser, ReadsLowerCaseLabels) {
    const SieFile f = P(std::string(kHeader) +
                        "#ver A 1 20240105 \"x\"\n{\n#trans 1930 {} -5\n#Trans 4010 {} 5\n}\n");
    ASSERT_EQ(f.vouchers.size(), 1u);
    EXPECT_EQ(f.vouchers[0].lines.size(), 2u);
}

TEST(SieParser, RejectsAVoucherWhoseHeaderCannotBeLexed) {
    const SieFile f = P(std::string(kHeader) +
                        "#VER A 1 20240105 \"x\" {\n#TRANS 1930 {} -5\n#TRANS 4010 {} 5\n}\n");
    ExpectNothingLost(f);
    ASSERT_EQ(f.rejected.size(), 1u);
    EXPECT_EQ(f.rejected[0].reasons.at(0).code, "syntax");
    EXPECT_EQ(f.rejected[0].reasons.at(0).field, "#VER");
    EXPECT_EQ(f.rejected[0].voucher.lines.size(), 2u);
}

TEST(SieParser, CrlfAndLfReadAlike) {
    std::string lf = std::string(kHeader) +
                     "#VER A 1 20240105 \"x\"\n{\n#TRANS 1930 {} -5 \"\" \"rad\"\n"
                     "#TRANS 4010 {} 5\n}\n#IB 0 1930 10\n";
    std::string crlf;
    for (char c : lf) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    const SieFile a = P(lf);
    const SieFile b = P(crlf);
    ASSERT_EQ(a.vouchers.size(), 1u);
    ASSERT_EQ(b.vouchers.size(), 1u);
    EXPECT_EQ(a.vouchers[0], b.vouchers[0]);
    EXPECT_EQ(b.vouchers[0].lines[0].text, "rad");
    EXPECT_EQ(b.balances.size(), 1u);
    EXPECT_TRUE(b.issues.empty());
}

TEST(SieParser, ReadsBalancesAndBudget) {
    const SieFile f = P(std::string(kHeader) +
                        "#IB 0 1930 1000.00 3\n#UB 0 1930 1500\n#IB -1 1930 800\n"
                        "#RES 0 3010 -500\n#OIB 0 1930 {1 \"100\"} 10\n"
                        "#OUB 0 1930 {1 \"100\"} 20\n#PSALDO 0 202309 3010 {} -250 4\n"
                        "#PSALDO 0 202309 3010 {1 \"100\"} -250\n"
                        "#PBUDGET 0 202309 3010 {1 \"100\"} -300.50\n"
                        "#PBUDGET 0 202310 3010 {} -300\n");
    ASSERT_EQ(f.balances.size(), 8u);
    EXPECT_EQ(f.balances[0].kind, BalanceKind::kIb);
    EXPECT_EQ(f.balances[0].amount.ore(), 100000);
    EXPECT_EQ(f.balances[0].quantity, "3");
    EXPECT_EQ(f.balances[2].year, -1);
    EXPECT_EQ(f.balances[4].kind, BalanceKind::kOib);
    EXPECT_EQ(f.balances[4].objects[0], (ObjectRef{1, "100"}));
    EXPECT_EQ(f.balances[6].kind, BalanceKind::kPsaldo);
    EXPECT_EQ(f.balances[6].period->ToString(), "2023-09");
    EXPECT_TRUE(f.balances[6].objects.empty());
    ASSERT_EQ(f.budget.size(), 2u);
    EXPECT_EQ(f.budget[0].period.ToString(), "2023-09");
    EXPECT_EQ(f.budget[0].account, "3010");
    EXPECT_EQ(f.budget[0].objects[0].id, "100");
    EXPECT_EQ(f.budget[0].amount.ore(), -30050);
    EXPECT_EQ(f.budget[1].source_line, 19u);
    EXPECT_TRUE(f.issues.empty());
}

TEST(SieParser, ReportsBrokenRecordsWithFileLineAndField) {
    const SieFile f = P(std::string(kHeader) +
                            "#RAR x 20230101 20231231\n"    // line 10
                            "#RAR -2 20231231 20230101\n"   // 11
                            "#IB 0 1930 12,50\n"            // 12
                            "#PSALDO 0 202313 3010 {} 1\n"  // 13
                            "#PSALDO 0 202301 3010 1\n"     // 14
                            "#OBJEKT x \"1\" \"n\"\n"       // 15
                            "#KONTO 19-30 \"x\"\n"          // 16
                            "#DIM 1 \"a\n"                  // 17: unterminated quote, still read
                            "#OUB 0 1930 {1 \"2\" 5\n"      // 18
                            "just text\n",                  // 19
                        "broken.se");
    struct Want {
        const char* code;
        std::uint32_t line;
        const char* field;
    };
    const std::vector<Want> want = {
        {"bad_year", 10, "#RAR årsnr"},
        {"bad_year_range", 11, "#RAR start/slut"},
        {"bad_amount", 12, "#IB saldo"},
        {"bad_period", 13, "#PSALDO period"},
        {"bad_objects", 14, "#PSALDO objektlista"},
        {"bad_dimension", 15, "#OBJEKT dimensionsnr"},
        {"bad_account", 16, "#KONTO kontonr"},
        {"unterminated_quote", 17, "#DIM"},
        {"syntax", 18, "#OUB"},
        {"no_label", 19, ""},
    };
    ASSERT_EQ(f.issues.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(f.issues[i].code, want[i].code) << i;
        EXPECT_EQ(f.issues[i].line, want[i].line) << i;
        EXPECT_EQ(f.issues[i].field, want[i].field) << i;
        EXPECT_EQ(f.issues[i].file, "broken.se");
    }
    EXPECT_EQ(f.issues[2].ToString(),
              "broken.se:12: #IB saldo: amount '12,50' is not an SIE amount; #IB not read");
    EXPECT_EQ(f.issues[7].severity, Severity::kWarning);
    EXPECT_EQ(f.dimensions.at(0).name, "a");
    EXPECT_TRUE(f.balances.empty());
    EXPECT_TRUE(f.HasErrors());
}

TEST(SieParser, RejectsBrokenVouchersWithEveryReasonAndReadsOn) {
    const SieFile f = P(std::string(kHeader) +
                            "#VER A 1 2024013 \"bad date\"\n{\n"           // 10
                            "#TRANS 1930 {} -5\n#TRANS 4010 {} 5\n}\n"     // 12-14
                            "#VER A 2 20240105 \"bad rows\"\n{\n"          // 15
                            "#TRANS 1930 {} -5,00\n"                       // 17
                            "#TRANS 4010 {1} 5\n"                          // 18
                            "#TRANS 4010 {} 5 20240230\n"                  // 19
                            "#TRANS {} 5\n"                                // 20
                            "#TRANS 4010 {} 5\n}\n"                        // 21-22
                            "#VER A 3 20240105 \"unbalanced\"\n{\n"        // 23
                            "#TRANS 1930 {} -5\n#TRANS 4010 {} 4.99\n}\n"  // 25-27
                            "#VER A 4 20240105 \"good\"\n{\n"              // 28
                            "#TRANS 1930 {} -5\n#TRANS 4010 {} 5\n}\n",    // 30-32
                        "v.se");
    ExpectNothingLost(f);
    ASSERT_EQ(f.vouchers.size(), 1u);
    EXPECT_EQ(f.vouchers[0].number, "4");
    ASSERT_EQ(f.rejected.size(), 3u);

    const RejectedVoucher& r1 = f.rejected[0];
    EXPECT_EQ(r1.voucher.number, "1");
    ASSERT_EQ(r1.reasons.size(), 1u);
    EXPECT_EQ(r1.reasons[0].code, "bad_date");
    EXPECT_EQ(r1.reasons[0].line, 10u);
    EXPECT_EQ(r1.reasons[0].field, "#VER verdatum");
    EXPECT_EQ(r1.voucher.lines.size(), 2u);  // what could be read is kept

    const RejectedVoucher& r2 = f.rejected[1];
    ASSERT_EQ(r2.reasons.size(), 5u);
    EXPECT_EQ(r2.reasons[0].code, "bad_amount");
    EXPECT_EQ(r2.reasons[0].line, 17u);
    EXPECT_EQ(r2.reasons[0].field, "#TRANS belopp");
    EXPECT_EQ(r2.reasons[1].code, "bad_objects");
    EXPECT_EQ(r2.reasons[1].line, 18u);
    EXPECT_EQ(r2.reasons[2].code, "bad_date");
    EXPECT_EQ(r2.reasons[2].field, "#TRANS transdat");
    EXPECT_EQ(r2.reasons[3].code, "bad_account");
    EXPECT_EQ(r2.reasons[3].line, 20u);
    EXPECT_EQ(r2.reasons[4].code, "unbalanced");  // only one row of 5 kr was readable
    EXPECT_EQ(r2.reasons[4].line, 22u);

    const RejectedVoucher& r3 = f.rejected[2];
    ASSERT_EQ(r3.reasons.size(), 1u);
    EXPECT_EQ(r3.reasons[0].code, "unbalanced");
    EXPECT_EQ(r3.reasons[0].ToString(),
              "v.se:27: belopp: the rows sum to -0.01, not 0 (debit must equal credit)");
}

TEST(SieParser, RejectsVouchersWhoseBlockIsBroken) {
    const SieFile f = P(std::string(kHeader) +
                        "#VER A 1 20240105 \"no brace\"\n"        // 10
                        "#VER A 2 20240105 \"not closed\"\n{\n"   // 11
                        "#TRANS 1930 {} -5\n#TRANS 4010 {} 5\n"   // 13-14
                        "#VER A 3 20240105 \"rows, no brace\"\n"  // 15
                        "#TRANS 1930 {} -5\n#TRANS 4010 {} 5\n}\n"
                        "#TRANS 1930 {} 7\n"  // 19: outside any voucher
                        "}\n"                 // 20: stray
                        "#VER A 4 20240105 \"then a record\"\n{\n#TRANS 1930 {} 0\n"
                        "#IB 0 1930 5\n"  // 24
                        "#VER A 5 20240105 \"cut off\"\n{\n#TRANS 1930 {} 0\n");
    ExpectNothingLost(f);
    EXPECT_EQ(f.stats.ver_records, 5u);
    EXPECT_TRUE(f.vouchers.empty());
    ASSERT_EQ(f.rejected.size(), 5u);
    EXPECT_EQ(f.rejected[0].reasons[0].code, "missing_block");
    EXPECT_EQ(f.rejected[1].reasons[0].code, "unterminated_block");
    EXPECT_EQ(f.rejected[1].reasons[0].line, 15u);
    EXPECT_EQ(f.rejected[1].voucher.lines.size(), 2u);
    EXPECT_EQ(f.rejected[2].reasons[0].code, "missing_block");
    EXPECT_EQ(f.rejected[2].voucher.lines.size(), 2u);
    EXPECT_EQ(f.rejected[3].reasons[0].code, "unterminated_block");
    EXPECT_EQ(f.rejected[3].reasons[0].field, "#IB");
    EXPECT_EQ(f.rejected[4].reasons[0].code, "unterminated_block");
    EXPECT_EQ(f.rejected[4].reasons[0].message,
              "the file ends inside the #VER block opened on line 25");
    EXPECT_EQ(f.balances.size(), 1u);  // the #IB that cut voucher 4 short is still read
    ASSERT_EQ(f.issues.size(), 2u);
    EXPECT_EQ(f.issues[0].code, "row_outside_voucher");
    EXPECT_EQ(f.issues[0].line, 19u);
    EXPECT_EQ(f.issues[1].code, "syntax");
    EXPECT_EQ(f.issues[1].line, 20u);
}

TEST(SieParser, ConvertsCp437FileToUtf8) {
    // "#FNAMN "Björk & Ström"", a voucher text "Lön åäö" and an object "Östra" in CP437.
    const std::string bytes =
        "#FLAGGA 0\r\n#FORMAT PC8\r\n#FNAMN \"Bj\x94rk & Str\x94m\"\r\n"
        "#OBJEKT 1 \"\x99stra\" \"\x99stra omr\x86\x64\x65t\"\r\n"
        "#VER A 1 20240105 \"L\x94n \x86\x84\x94\"\r\n{\r\n"
        "#TRANS 7010 {1 \"\x99stra\"} 100 \"\" \"\x8F\x8E\x99\"\r\n"
        "#TRANS 1930 {} -100\r\n}\r\n";
    const SieFile f = P(bytes);
    EXPECT_EQ(f.info.encoding, Encoding::kCp437);
    EXPECT_EQ(f.info.company_name, "Björk & Ström");
    EXPECT_EQ(f.objects.at(0).id, "Östra");
    EXPECT_EQ(f.objects.at(0).name, "Östra området");
    ASSERT_EQ(f.vouchers.size(), 1u);
    EXPECT_EQ(f.vouchers[0].text, "Lön åäö");
    EXPECT_EQ(f.vouchers[0].lines[0].CostCentre(), "Östra");
    EXPECT_EQ(f.vouchers[0].lines[0].text, "ÅÄÖ");
}

TEST(SieParser, ConvertsLatin1FileToUtf8) {
    const std::string bytes =
        "#FLAGGA 0\n#FORMAT PC8\n#FNAMN \"Bj\xF6rk & Str\xF6m\"\n#KONTO 7010 \"L\xF6n \xE5\xE4\"\n";
    const SieFile f = P(bytes);
    EXPECT_EQ(f.info.encoding, Encoding::kLatin1);
    EXPECT_EQ(f.info.company_name, "Björk & Ström");
    EXPECT_EQ(f.FindAccount("7010")->name, "Lön åä");
}

TEST(SieParser, HonoursAnEncodingOverrideOnlyWhenItFits) {
    ParseOptions latin;
    latin.encoding = Encoding::kLatin1;
    // \x94 is ö in CP437 but a Windows-1252 quote mark: the operator's word is taken.
    EXPECT_EQ(Parse("#FNAMN \"\x94\"\n", "x.se", latin).info.company_name, "\u201D");
    ParseOptions utf8;
    utf8.encoding = Encoding::kUtf8;
    const SieFile f = Parse("#FNAMN \"Bj\x94rk\"\n", "x.se", utf8);
    EXPECT_EQ(f.info.encoding, Encoding::kCp437);
    EXPECT_EQ(f.info.company_name, "Björk");
    EXPECT_NE(FindIssue(f.issues, "encoding_override_refused"), nullptr);
}

std::string WithChecksum(const std::string& body, std::uint32_t crc) {
    return "#FLAGGA 0\n#KSUMMA\n" + body + "#KSUMMA " + std::to_string(crc) + "\n";
}

constexpr const char* kChecksumBody =
    "#PROGRAM \"Test \\\"x\\\"\" 1.0\n"
    "#KONTO 1910 \"Kassa\"\n"
    "#VER A 1 20240105 \"T\"\n"
    "{\n"
    "#TRANS 1910 {1 \"456\"} -12.50\n"
    "#TRANS 7010 {1 \"456\"}  12.50\n"
    "}\n";

// The bytes the standard checksums: each record's label and field contents, without spaces,
// quotes, braces and line ends; an escaped quote counts as the quote itself.
constexpr const char* kChecksumInput =
    "#PROGRAMTest \"x\"1.0"
    "#KONTO1910Kassa"
    "#VERA120240105T"
    "#TRANS19101456-12.50"
    "#TRANS7010145612.50";

TEST(SieParser, VerifiesKsumma) {
    const std::uint32_t crc = ComputeCrc32(kChecksumInput);
    const SieFile ok = P(WithChecksum(kChecksumBody, crc));
    ASSERT_TRUE(ok.checksum.has_value());
    EXPECT_TRUE(ok.checksum->closed);
    EXPECT_TRUE(ok.checksum->ok);
    EXPECT_EQ(ok.checksum->computed, crc);
    EXPECT_EQ(ok.checksum->source_line, 10u);
    EXPECT_TRUE(ok.issues.empty());
    EXPECT_EQ(ok.vouchers.size(), 1u);

    // Spacing does not count; the value may be written as a signed 32-bit number.
    std::string spaced = kChecksumBody;
    spaced.replace(spaced.find("{1 \"456\"} -12.50"), 16, "{ 1\t\"456\" }\t-12.50");
    const auto as_signed = static_cast<std::int64_t>(crc) - (crc >= 0x80000000u ? 4294967296 : 0);
    const std::string signed_file =
        "#FLAGGA 0\n#KSUMMA\n" + spaced + "#KSUMMA " + std::to_string(as_signed) + "\n";
    EXPECT_TRUE(P(signed_file).checksum->ok);
}

TEST(SieParser, ReportsAWrongOrMissingKsumma) {
    const std::uint32_t crc = ComputeCrc32(kChecksumInput);
    std::string changed = kChecksumBody;
    changed.replace(changed.find("Kassa"), 5, "Kasse");
    const SieFile bad = P(WithChecksum(changed, crc));
    ASSERT_TRUE(bad.checksum.has_value());
    EXPECT_FALSE(bad.checksum->ok);
    const Issue* mismatch = FindIssue(bad.issues, "checksum_mismatch");
    ASSERT_NE(mismatch, nullptr);
    EXPECT_EQ(mismatch->line, 10u);
    EXPECT_TRUE(bad.HasErrors());

    const SieFile cut = P(std::string("#FLAGGA 0\n#KSUMMA\n") + kChecksumBody);
    EXPECT_FALSE(cut.checksum->closed);
    EXPECT_NE(FindIssue(cut.issues, "checksum_not_closed"), nullptr);

    const SieFile stray = P(std::string(kChecksumBody) + "#KSUMMA 123\n");
    EXPECT_FALSE(stray.checksum.has_value());
    EXPECT_NE(FindIssue(stray.issues, "checksum_not_opened"), nullptr);

    const SieFile none = P(kChecksumBody);
    EXPECT_FALSE(none.checksum.has_value());
    EXPECT_TRUE(none.issues.empty());
}

TEST(SieParser, StreamsAcceptedVouchersToASink) {
    std::vector<Voucher> seen;
    ParseOptions options;
    std::size_t years_seen = 0;
    options.voucher_sink = [&seen, &years_seen](const Voucher& v, const SieFile& so_far) {
        seen.push_back(v);
        years_seen = so_far.fiscal_years.size();
    };
    const SieFile f = Parse(std::string(kHeader) +
                                "#VER A 1 20240105 \"x\"\n{\n#TRANS 1930 {} -5\n"
                                "#TRANS 4010 {} 5\n}\n#VER A 2 20240105 \"y\"\n{\n"
                                "#TRANS 1930 {} -5\n}\n",
                            "s.se", options);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].number, "1");
    EXPECT_EQ(seen[0].lines.size(), 2u);
    EXPECT_EQ(years_seen, 2u);  // the header was read before the voucher
    EXPECT_TRUE(f.vouchers.empty());
    EXPECT_EQ(f.stats.vouchers_streamed, 1u);
    EXPECT_EQ(f.rejected.size(), 1u);
    ExpectNothingLost(f);
}

TEST(SieParser, BoundsIssuesOnHostileInput) {
    std::string text;
    for (int i = 0; i < 500; ++i) text += "#IB x\n";
    ParseOptions options;
    options.max_issues = 100;
    const SieFile f = Parse(text, "h.se", options);
    EXPECT_EQ(f.issues.size(), 100u);
    EXPECT_EQ(f.stats.issues_dropped, 400u);
}

TEST(SieParser, StaysLinearOnPathologicalLines) {
    // One huge line of braces, one of quotes, one with 200 000 fields, a voucher with 50 000
    // broken rows: all read in one pass, with bounded findings.
    std::string text = std::string(kHeader);
    text += "#TRANS " + std::string(1'000'000, '{') + "\n";
    text += "#KONTO 1 " + std::string(1'000'000, '"') + "\n";
    text += "#PROSA";
    for (int i = 0; i < 200'000; ++i) text += " f";
    text += "\n#VER A 1 20240105 \"x\"\n{\n";
    for (int i = 0; i < 50'000; ++i) text += "#TRANS 1930 {} bad\n";
    text += "}\n";
    const SieFile f = P(text);
    ASSERT_EQ(f.rejected.size(), 1u);
    EXPECT_EQ(f.rejected[0].reasons.size(), 50u);  // capped per voucher
    EXPECT_GE(f.stats.issues_dropped, 49'950u);
    EXPECT_EQ(f.stats.lines, 50'015u);
    ExpectNothingLost(f);
}

TEST(SieParser, SaysWhenTheInputIsNotSie) {
    const SieFile f = P("hello\nworld\n");
    EXPECT_NE(FindIssue(f.issues, "not_sie"), nullptr);
    EXPECT_TRUE(P("").HasErrors());
}

TEST(SieParser, AcceptsNonNumericSuspenseAccountsAloud) {
    const SieFile f = P(std::string(kHeader) +
                        "#KONTO FEL \"Felkonto\"\n#VER 1 7 20240105 \"x\"\n{\n"
                        "#TRANS 1590 {} -487.38\n#TRANS FEL {} 487.38\n}\n");
    ASSERT_EQ(f.vouchers.size(), 1u);
    EXPECT_EQ(f.vouchers[0].lines[1].account, "FEL");
    ASSERT_EQ(f.issues.size(), 1u);  // once per account, not per row
    EXPECT_EQ(f.issues[0].code, "non_numeric_account");
    EXPECT_EQ(f.issues[0].severity, Severity::kWarning);
}

TEST(SieParser, ParseFileReportsAMissingFile) {
    const auto r = ParseFile("/nonexistent/dir/x.se");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::Errc::kNotFound);
}

}  // namespace
}  // namespace bfu::sie
