// The real exports in ../shared/data/sie: every one imports, and its reconciliation against
// its own balances is clean or the difference is asserted exactly, with the reason.
//
// The counts and control totals asserted here were cross-checked with an independent reading
// of the files (a separate script with its own tokenizer and decimal arithmetic).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bfu/sie/parser.hpp"
#include "bfu/sie/reconcile.hpp"
#include "sie_test_util.hpp"

namespace bfu::sie {
namespace {

struct Loaded {
    bool ok = false;
    SieFile file;
    Outcomes outcomes;
    Reconciliation rec;
};

Loaded Load(const std::string& name) {
    auto parsed = ParseFile(testing::FixtureDir() + name);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().ToString());
    Loaded l;
    if (!parsed.ok()) return l;
    l.ok = true;
    l.file = std::move(parsed).value();
    l.outcomes = ComputeOutcomes(l.file);
    l.rec = Reconcile(l.file, l.outcomes);
    return l;
}

std::int64_t DebitOre(const SieFile& f) {
    std::int64_t debit = 0;
    for (const Voucher& v : f.vouchers) {
        for (const VoucherLine& l : v.lines) {
            if (l.amount.ore() > 0) debit += l.amount.ore();
        }
    }
    return debit;
}

std::vector<std::string> IssueCodes(const SieFile& f) {
    std::vector<std::string> codes;
    for (const Issue& i : f.issues) codes.push_back(i.code);
    return codes;
}

// Every voucher accepted, every one balanced, nothing lost.
void ExpectAllImported(const Loaded& l, std::uint32_t vouchers, std::uint64_t lines) {
    EXPECT_EQ(l.file.stats.ver_records, vouchers);
    EXPECT_EQ(l.file.vouchers.size(), vouchers);
    EXPECT_TRUE(l.file.rejected.empty());
    EXPECT_EQ(l.outcomes.lines(), lines);
    EXPECT_EQ(l.outcomes.rows_outside_years(), 0u);
    for (const Voucher& v : l.file.vouchers) EXPECT_EQ(testing::SumOre(v), 0) << v.Key();
}

TEST(SieFixtures, BlAdministrationCp437WithJulyYearBudgetAndCorrections) {
    const Loaded l = Load("bl-administration_typ4.se");
    ASSERT_TRUE(l.ok) << "fixtures: set BFU_SOURCE_DIR (ctest does)";
    const SieFile& f = l.file;
    ExpectAllImported(l, 84, 405);
    EXPECT_EQ(f.info.encoding, Encoding::kCp437);
    EXPECT_EQ(f.info.program, "BL Administration");
    ASSERT_EQ(f.fiscal_years.size(), 2u);
    EXPECT_EQ(f.fiscal_years[0].start.ToString(), "2009-07-01");
    EXPECT_EQ(f.fiscal_years[0].end.ToString(), "2010-06-30");
    EXPECT_EQ(DebitOre(f), 101480321);
    EXPECT_EQ(f.accounts.size(), 117u);
    ASSERT_EQ(f.dimensions.size(), 3u);
    EXPECT_EQ(f.dimensions[0].name, "Kostnadsställe");
    EXPECT_EQ(f.objects.size(), 23u);
    EXPECT_EQ(f.objects[1].name, "Östervåla");
    // One object id in this file is the single byte 0xC5: '┼' in CP437 (as decoded, the file
    // being PC8 by its letters), although BL evidently meant Latin-1 'Å' ("Å1" / "årsta").
    // The importer keeps the file's declared and detected encoding for every field.
    EXPECT_EQ(f.objects[22].id, "┼1");
    EXPECT_EQ(f.objects[22].name, "årsta");
    // #RTRANS rows count once (their #TRANS copies are skipped); #BTRANS rows are ignored.
    EXPECT_EQ(f.stats.rtrans_records, 6u);
    EXPECT_EQ(f.stats.rtrans_copies, 6u);
    EXPECT_EQ(f.stats.btrans_records, 3u);
    // #PBUDGET: 24 periodic budget rows, 12 months of 3010 and 4010 from July.
    ASSERT_EQ(f.budget.size(), 24u);
    EXPECT_EQ(f.budget[0].period, (Period{2009, 7}));
    EXPECT_EQ(f.budget[0].account, "3010");
    EXPECT_EQ(f.budget[0].amount.ore(), -10000000);
    // Series "#" number 1 is used by twelve different depreciation vouchers.
    EXPECT_EQ(IssueCodes(f), std::vector<std::string>(11, "duplicate_voucher_key"));
    EXPECT_TRUE(l.rec.Clean());
    EXPECT_EQ(l.rec.checked, 57u);      // #RES, #UB and #OUB of year 0
    EXPECT_EQ(l.rec.not_checked, 44u);  // year -1: the file holds no vouchers of it
}

TEST(SieFixtures, VismaUtf8WithSubdimensions) {
    const Loaded l = Load("exempelfil_med_underdim_utf8.se");
    ASSERT_TRUE(l.ok) << "fixtures: set BFU_SOURCE_DIR (ctest does)";
    const SieFile& f = l.file;
    ExpectAllImported(l, 295, 1330);
    // Declares #FORMAT PC8 but is UTF-8. Its Swedish letters were already lost before we got
    // it: the bytes are U+FFFD replacement characters, which stay as they are.
    EXPECT_EQ(f.info.declared_format, "PC8");
    EXPECT_EQ(f.info.encoding, Encoding::kUtf8);
    EXPECT_EQ(f.info.company_name, "\uFFFDvningsbolaget AB");
    EXPECT_EQ(DebitOre(f), 3419790588);
    ASSERT_EQ(f.dimensions.size(), 4u);
    EXPECT_EQ(f.dimensions[2].number, 61);
    EXPECT_EQ(f.dimensions[2].name, "Kubernetesdrift");
    EXPECT_EQ(f.dimensions[2].parent, 6);
    EXPECT_EQ(f.objects.size(), 39u);
    // Unquoted object ids: {1 Nord 6 0001}.
    bool found = false;
    for (const Voucher& v : f.vouchers) {
        for (const VoucherLine& line : v.lines) {
            // #TRANS 3041 {1 Nord 6 0001} -52625.00
            if (line.account == "3041" && line.amount.ore() == -5262500) {
                ASSERT_EQ(line.objects.size(), 2u);
                EXPECT_EQ(line.objects[1], (ObjectRef{6, "0001"}));
                EXPECT_EQ(line.objects[0], (ObjectRef{1, "Nord"}));
                EXPECT_EQ(line.CostCentre(), "Nord");
                found = true;
            }
        }
    }
    EXPECT_TRUE(found);
    EXPECT_TRUE(f.issues.empty());
    EXPECT_TRUE(l.rec.Clean());
    EXPECT_EQ(l.rec.checked, 85u);
}

TEST(SieFixtures, MagentaPeriodBalancesAreMovementsPerMonth) {
    const Loaded l = Load("magenta_sie4e.se");
    ASSERT_TRUE(l.ok) << "fixtures: set BFU_SOURCE_DIR (ctest does)";
    const SieFile& f = l.file;
    ExpectAllImported(l, 19, 84);
    EXPECT_EQ(f.info.encoding, Encoding::kCp437);
    EXPECT_EQ(f.info.company_name, "TESTFÖRETAGET AB");
    EXPECT_EQ(f.vouchers[0].text, "Försäljning");
    EXPECT_EQ(f.FindAccount("0351")->name, "Förs varor inom Sverige, oredu");
    EXPECT_EQ(DebitOre(f), 48415400);
    std::size_t psaldo = 0;
    for (const Balance& b : f.balances) psaldo += b.kind == BalanceKind::kPsaldo ? 1 : 0;
    EXPECT_EQ(psaldo, 73u);
    // Clean only under the reading that #PSALDO is the month's movement: read as a running
    // balance, 8 of the 36 rows of year 0 would differ.
    EXPECT_TRUE(l.rec.Clean());
    EXPECT_EQ(l.rec.checked, 84u);
}

TEST(SieFixtures, MamutTabsQuotedNumbersAndManyDimensions) {
    const Loaded l = Load("mamut_sie4_export.se");
    ASSERT_TRUE(l.ok) << "fixtures: set BFU_SOURCE_DIR (ctest does)";
    const SieFile& f = l.file;
    ExpectAllImported(l, 168, 458);
    EXPECT_EQ(f.info.declared_format, "PC8");  // written as "PC8", quoted
    EXPECT_EQ(f.vouchers[0].series, "1");
    EXPECT_EQ(f.vouchers[0].text, "30083 Svenska Mässan i Göteborg, 12");
    const VoucherLine& first = f.vouchers[0].lines[0];
    ASSERT_EQ(first.objects.size(), 2u);
    EXPECT_EQ(first.objects[0], (ObjectRef{1, "2"}));
    EXPECT_EQ(first.objects[1], (ObjectRef{10, "12"}));
    EXPECT_EQ(f.dimensions.size(), 5u);
    EXPECT_EQ(DebitOre(f), 2520829119);
    EXPECT_TRUE(l.rec.Clean());
}

TEST(SieFixtures, SoftOneFileDiffersWhereItsBalancesHoldVouchersItLacks) {
    const Loaded l = Load("sie4.se");
    ASSERT_TRUE(l.ok) << "fixtures: set BFU_SOURCE_DIR (ctest does)";
    const SieFile& f = l.file;
    ExpectAllImported(l, 70, 260);
    EXPECT_EQ(f.info.company_name, "Demoföretaget AB");
    EXPECT_EQ(DebitOre(f), 271810804);
    // The exporter's suspense accounts FEL and DIFF are read as accounts (once each said
    // aloud), and three texts cut off without their closing quote are read to the line end.
    EXPECT_EQ(IssueCodes(f),
              (std::vector<std::string>{"non_numeric_account", "bad_account_type",
                                        "non_numeric_account", "unterminated_quote",
                                        "unterminated_quote", "unterminated_quote"}));
    ASSERT_EQ(l.rec.differences.size(), 4u);
    // 1) The balances include a purchase the file's vouchers do not (numbering has gaps:
    //    series 1 lacks 3-6, 20-25, ...): 48 000 kr cost on 4010, 12 000 kr input VAT on 2640,
    //    -60 000 kr supplier debt on 2440 - one invoice of 60 000 kr with 25 % VAT.
    const Difference& ub2440 = l.rec.differences[0];
    EXPECT_EQ(ub2440.kind, BalanceKind::kUb);
    EXPECT_EQ(ub2440.account, "2440");
    EXPECT_EQ(ub2440.expected.ore(), -54811532);
    EXPECT_EQ(ub2440.computed.ore(), -48811532);
    EXPECT_EQ(ub2440.Delta()->ore(), 6000000);
    const Difference& ub2640 = l.rec.differences[1];
    EXPECT_EQ(ub2640.account, "2640");
    EXPECT_EQ(ub2640.Delta()->ore(), -1200000);
    // 2) Rows on the suspense account FEL: the exporter keeps no balance for it at all.
    const Difference& fel = l.rec.differences[2];
    EXPECT_EQ(fel.kind, BalanceKind::kUb);
    EXPECT_EQ(fel.account, "FEL");
    EXPECT_EQ(fel.expected.ore(), 0);
    EXPECT_EQ(fel.computed.ore(), 3312572);
    EXPECT_EQ(fel.source_line, 0u);
    const Difference& res4010 = l.rec.differences[3];
    EXPECT_EQ(res4010.kind, BalanceKind::kRes);
    EXPECT_EQ(res4010.account, "4010");
    EXPECT_EQ(res4010.Delta()->ore(), -4800000);
    // The missing invoice balances: 48 000 + 12 000 - 60 000 = 0.
    EXPECT_EQ(ub2440.Delta()->ore() + ub2640.Delta()->ore() + res4010.Delta()->ore(), 0);
}

TEST(SieFixtures, AvendoManyPeriodBalancesAndACorrection) {
    const Loaded l = Load("sie4_psaldo.se");
    ASSERT_TRUE(l.ok) << "fixtures: set BFU_SOURCE_DIR (ctest does)";
    const SieFile& f = l.file;
    ExpectAllImported(l, 20, 76);
    EXPECT_EQ(f.info.company_name, "Övningsbolaget AB");
    EXPECT_EQ(f.stats.rtrans_records, 1u);
    EXPECT_EQ(f.stats.rtrans_copies, 1u);
    EXPECT_EQ(f.stats.btrans_records, 1u);
    EXPECT_EQ(DebitOre(f), 73304131);
    EXPECT_TRUE(l.rec.Clean());
    EXPECT_EQ(l.rec.checked, 90u);
    EXPECT_EQ(l.rec.not_checked, 283u);  // year -1's 238 #PSALDO and its #RES/#UB
}

TEST(SieFixtures, FortnoxImportFileIsVouchersOnly) {
    const Loaded l = Load("sie4i_transactions.si");
    ASSERT_TRUE(l.ok) << "fixtures: set BFU_SOURCE_DIR (ctest does)";
    const SieFile& f = l.file;
    ExpectAllImported(l, 165, 869);
    EXPECT_EQ(f.info.kind, FileKind::k4I);
    EXPECT_EQ(f.vouchers[0].series, "A");  // quoted series and numbers
    EXPECT_EQ(f.vouchers[0].number, "1");
    EXPECT_EQ(f.vouchers[0].text, "Reseutlägg");
    EXPECT_EQ(DebitOre(f), 6962651900);
    // Not reconciled: 4I is vouchers only. The balances Fortnox put in anyway are the opening
    // balances repeated - every one of the 48 #UB equals its #IB - so they cannot describe the
    // year's 165 vouchers.
    EXPECT_FALSE(l.rec.performed);
    std::size_t ub = 0;
    for (const Balance& b : f.balances) {
        if (b.kind != BalanceKind::kUb) continue;
        ++ub;
        bool equal_ib = false;
        for (const Balance& i : f.balances) {
            if (i.kind == BalanceKind::kIb && i.account == b.account && i.year == b.year) {
                equal_ib = i.amount == b.amount;
            }
        }
        EXPECT_TRUE(equal_ib) << b.account;
    }
    EXPECT_EQ(ub, 48u);
    // Forced, every difference is exactly the year's movement the #UB leaves out (or a result
    // account that moved without any #RES).
    const Reconciliation forced = Reconcile(f, l.outcomes, {.force = true});
    EXPECT_EQ(forced.differences.size(), 114u);
    for (const Difference& d : forced.differences) {
        EXPECT_EQ(d.Delta()->ore(), l.outcomes.YearAccount(0, d.account).ore()) << d.account;
    }
}

TEST(SieFixtures, SpecterResultAndClosingBalances) {
    const Loaded l = Load("specter_exempelfil.se");
    ASSERT_TRUE(l.ok) << "fixtures: set BFU_SOURCE_DIR (ctest does)";
    const SieFile& f = l.file;
    ExpectAllImported(l, 26, 148);
    EXPECT_EQ(f.info.program, "Specter Business Management");
    EXPECT_EQ(f.vouchers[0].text, "Kassajournal nr 5");
    EXPECT_EQ(DebitOre(f), 209587490);
    EXPECT_TRUE(l.rec.Clean());
    EXPECT_EQ(l.rec.checked, 50u);
}

}  // namespace
}  // namespace bfu::sie
