#include "bfu/sie_import/convert.hpp"

#include <gtest/gtest.h>

#include <string>

#include "bfu/contracts/ledger.hpp"
#include "bfu/sie/parser.hpp"
#include "bfu/sie_import/report.hpp"

namespace bfu::sie_import {
namespace {

const core::TimePoint kNow = core::TimePoint(std::chrono::seconds(1767225600));  // 2026-01-01

constexpr const char* kCalendarHeader =
    "#FLAGGA 0\n"
    "#PROGRAM \"Test\" 1.0\n"
    "#FORMAT PC8\n"
    "#GEN 20260110\n"
    "#SIETYP 4\n"
    "#FNAMN \"Kommunen\"\n"
    "#ORGNR 212000-0000\n"
    "#RAR 0 20260101 20261231\n"
    "#DIM 1 \"Ansvar\"\n"
    "#DIM 6 \"Projekt\"\n";

Import Read(const std::string& text, ConvertOptions options = {},
            const std::string& name = "test.se") {
    return Prepare(text, name, std::move(options), kNow);
}

TEST(SieConvert, VoucherCarriesUnitProjectDimsDatesAndOrigin) {
    const std::string text = std::string(kCalendarHeader) +
                             "#VER A 7 20260314 \"Hyra mars\" 20260315\n"
                             "{\n"
                             "#TRANS 5010 {1 \"HT-NORR\" 6 \"P100\" 2 \"B7\"} 1500.50 20260301 "
                             "\"Lokal\" 2\n"
                             "#TRANS 1930 {} -1500.50\n"
                             "}\n";
    ConvertOptions options;
    options.default_unit = "EKO";
    const auto import = Read(text, options);
    ASSERT_EQ(import.conversion.vouchers.size(), 1u);
    EXPECT_TRUE(import.conversion.rejected.empty());
    const auto& cv = import.conversion.vouchers[0];
    const auto& v = cv.voucher;
    EXPECT_EQ(v.source.value(), "sie-212000-0000");
    EXPECT_EQ(v.voucher_id.value(), "20260101-A-7");
    EXPECT_EQ(v.Key(), "sie-212000-0000:20260101-A-7");
    EXPECT_EQ(v.series, "A");
    EXPECT_EQ(v.date, "2026-03-14");
    EXPECT_EQ(v.text, "Hyra mars");
    EXPECT_EQ(v.registered_at, "2026-03-15T00:00:00Z");
    ASSERT_EQ(v.lines.size(), 2u);
    EXPECT_EQ(v.lines[0].unit.value(), "HT-NORR");
    EXPECT_EQ(v.lines[0].project, "P100");
    EXPECT_EQ(v.lines[0].dims.at("dim2"), "B7");
    EXPECT_EQ(v.lines[0].amount_ore, 150050);
    EXPECT_EQ(v.lines[0].trans_date, "2026-03-01");
    EXPECT_EQ(v.lines[0].text, "Lokal");
    EXPECT_EQ(v.lines[0].quantity, 2.0);
    // No cost centre: the default unit; no transdat: the voucher date.
    EXPECT_EQ(v.lines[1].unit.value(), "EKO");
    EXPECT_EQ(v.lines[1].trans_date, "2026-03-14");
    EXPECT_EQ(v.lines[1].amount_ore, -150050);
    EXPECT_EQ(cv.origin.kind, contracts::OriginKind::kFile);
    EXPECT_EQ(cv.origin.file, "test.se");
    EXPECT_EQ(cv.origin.file_line, 11);
    // What is sent is what the contract's decoder accepts.
    EXPECT_TRUE(contracts::Voucher::FromJson(v.ToJson()).ok());
}

TEST(SieConvert, RtransCountsOnceAndBtransIsIgnored) {
    const std::string text = std::string(kCalendarHeader) +
                             "#VER A 1 20260201 \"Rättad\"\n"
                             "{\n"
                             "#TRANS 4010 {1 \"U1\"} 100.00\n"
                             "#BTRANS 4010 {1 \"U1\"} 100.00\n"
                             "#RTRANS 4020 {1 \"U1\"} 100.00\n"
                             "#TRANS 4020 {1 \"U1\"} 100.00\n"
                             "#BTRANS 4010 {1 \"U1\"} -100.00\n"
                             "#TRANS 1930 {1 \"U1\"} -200.00\n"
                             "}\n";
    const auto import = Read(text);
    ASSERT_EQ(import.conversion.vouchers.size(), 1u);
    const auto& lines = import.conversion.vouchers[0].voucher.lines;
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1].account.value(), "4020");
    std::int64_t sum = 0;
    for (const auto& l : lines) sum += l.amount_ore;
    EXPECT_EQ(sum, 0);
    EXPECT_EQ(import.conversion.lines, 3u);
}

TEST(SieConvert, RowWithoutCostCentreRejectsItsVoucherWhenNoDefaultUnit) {
    const std::string text = std::string(kCalendarHeader) +
                             "#VER A 1 20260201 \"Utan ansvar\"\n"
                             "{\n"
                             "#TRANS 4010 {1 \"U1\"} 100.00\n"
                             "#TRANS 1930 {} -100.00\n"
                             "}\n"
                             "#VER A 2 20260202 \"Med ansvar\"\n"
                             "{\n"
                             "#TRANS 4010 {1 \"U1\"} 5.00\n"
                             "#TRANS 1930 {1 \"U1\"} -5.00\n"
                             "}\n";
    const auto import = Read(text);
    ASSERT_EQ(import.conversion.vouchers.size(), 1u);
    EXPECT_EQ(import.conversion.vouchers[0].voucher.voucher_id.value(), "20260101-A-2");
    ASSERT_EQ(import.conversion.rejected.size(), 1u);
    const auto& r = import.conversion.rejected[0];
    EXPECT_EQ(r.voucher_id, "20260101-A-1");
    EXPECT_EQ(r.line, 11u);
    ASSERT_EQ(r.reasons.size(), 1u);
    EXPECT_EQ(r.reasons[0].code, "missing_unit");
    EXPECT_EQ(r.reasons[0].line, 14u);
    // The message for bfu.ledger.rejected: the block as written, from the file and line.
    EXPECT_EQ(r.message.origin.kind, contracts::OriginKind::kFile);
    EXPECT_EQ(r.message.origin.file_line, 11);
    EXPECT_EQ(r.message.original.content,
              "#VER A 1 20260201 \"Utan ansvar\"\n{\n#TRANS 4010 {1 \"U1\"} 100.00\n"
              "#TRANS 1930 {} -100.00\n}\n");
    EXPECT_TRUE(contracts::RejectedVoucher::FromJson(r.message.ToJson()).ok());
}

TEST(SieConvert, ParserRejectsBecomeRejectedMessagesWithTheirReasons) {
    const std::string text = std::string(kCalendarHeader) +
                             "#VER B 9 20260301 \"Hyra\"\n"
                             "{\n"
                             "#TRANS 5010 {1 \"U1\"} 100.00\n"
                             "#TRANS 1930 {1 \"U1\"} -99.00\n"
                             "}\n";
    const auto import = Read(text);
    EXPECT_TRUE(import.conversion.vouchers.empty());
    ASSERT_EQ(import.conversion.rejected.size(), 1u);
    const auto& r = import.conversion.rejected[0];
    EXPECT_EQ(r.key, "B-9");
    ASSERT_FALSE(r.reasons.empty());
    EXPECT_EQ(r.reasons[0].code, "unbalanced");
    EXPECT_EQ(r.message.reasons[0].code, "unbalanced");
    EXPECT_EQ(r.message.Key(), "sie-212000-0000:20260101-B-9");
    EXPECT_TRUE(contracts::RejectedVoucher::FromJson(r.message.ToJson()).ok());
}

TEST(SieConvert, RepeatedKeysGetOccurrenceSuffixesStableAcrossImports) {
    std::string text = kCalendarHeader;
    for (int i = 0; i < 3; ++i) {
        text +=
            "#VER # 1 20260131 \"Avskrivning\"\n{\n#TRANS 7830 {1 \"U1\"} 10.00\n"
            "#TRANS 1229 {1 \"U1\"} -10.00\n}\n";
    }
    const auto a = Read(text);
    const auto b = Read(text);
    ASSERT_EQ(a.conversion.vouchers.size(), 3u);
    EXPECT_EQ(a.conversion.vouchers[0].voucher.voucher_id.value(), "20260101-_23-1");
    EXPECT_EQ(a.conversion.vouchers[1].voucher.voucher_id.value(), "20260101-_23-1.2");
    EXPECT_EQ(a.conversion.vouchers[2].voucher.voucher_id.value(), "20260101-_23-1.3");
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(a.conversion.vouchers[i].voucher, b.conversion.vouchers[i].voucher);
    }
}

TEST(SieConvert, AnIdTheFileAlreadyUsesIsNeverGivenTwice) {
    std::string text = kCalendarHeader;
    for (const char* number : {"1", "1", "1.2"}) {
        text += std::string("#VER A ") + number +
                " 20260131 \"x\"\n{\n#TRANS 7830 {1 \"U1\"} 10.00\n#TRANS 1229 {1 \"U1\"} "
                "-10.00\n}\n";
    }
    const auto a = Read(text);
    ASSERT_EQ(a.conversion.vouchers.size(), 3u);
    EXPECT_EQ(a.conversion.vouchers[0].voucher.voucher_id.value(), "20260101-A-1");
    EXPECT_EQ(a.conversion.vouchers[1].voucher.voucher_id.value(), "20260101-A-1.2");
    EXPECT_EQ(a.conversion.vouchers[2].voucher.voucher_id.value(), "20260101-A-1.2.2");
}

TEST(SieConvert, SourceFromOrgNumberElseCompanyNameElseFileName) {
    sie::FileInfo info;
    info.org_number = "556265-1892";
    info.company_name = "Övningsbolaget AB";
    EXPECT_EQ(SourceFor(info), "sie-556265-1892");
    info.org_number = "";
    EXPECT_EQ(SourceFor(info), "sie-Ovningsbolaget-AB");
    info.company_name = "";
    info.file_name = "/in/Export 2026.SE";
    EXPECT_EQ(SourceFor(info), "sie-Export-2026");
    info.file_name = "";
    EXPECT_EQ(SourceFor(info), "sie-unnamed");
}

TEST(SieConvert, BudgetRowsBecomeCalendarYearBudgetsPerUnitAndGroup) {
    const std::string text = std::string(kCalendarHeader) +
                             "#PBUDGET 0 202601 3010 {1 \"U1\"} -1000.00\n"
                             "#PBUDGET 0 202601 3020 {1 \"U1\"} -500.00\n"
                             "#PBUDGET 0 202602 5010 {1 \"U1\"} 800.00\n"
                             "#PBUDGET 0 202603 5010 {} 200.00\n"
                             "#PBUDGET 0 202603 1930 {1 \"U1\"} 200.00\n";
    ConvertOptions options;
    options.default_unit = "EKO";
    options.budget_ref = "KF § 12/2025";
    const auto import = Read(text, options);
    const auto& c = import.conversion;
    EXPECT_TRUE(c.budget_publishable);
    ASSERT_EQ(c.budgets.size(), 3u);  // EKO/personal, U1/intakter, U1/personal
    EXPECT_EQ(c.budgets[0].unit.value(), "EKO");
    EXPECT_EQ(c.budgets[0].account_group, "personal");
    EXPECT_EQ(c.budgets[0].profile.months[2], 20000);
    EXPECT_EQ(c.budgets[1].unit.value(), "U1");
    EXPECT_EQ(c.budgets[1].account_group, "intakter");
    EXPECT_EQ(c.budgets[1].year, 2026);
    EXPECT_EQ(c.budgets[1].annual_ore, -150000);
    EXPECT_EQ(c.budgets[1].profile.months[0], -150000);
    EXPECT_EQ(c.budgets[1].profile.kind, contracts::ProfileKind::kExplicit);
    EXPECT_EQ(c.budgets[1].revision.ref, "KF § 12/2025");
    EXPECT_EQ(c.budgets[1].revision.date, "2026-01-10");  // #GEN
    EXPECT_EQ(c.budgets[1].Key(), "2026:U1:intakter:0");
    EXPECT_EQ(c.budgets[2].account_group, "personal");
    EXPECT_EQ(c.budgets[2].profile.months[1], 80000);
    for (const auto& b : c.budgets) EXPECT_TRUE(contracts::Budget::FromJson(b.ToJson()).ok());
    // The balance-sheet account maps to no budget group.
    ASSERT_EQ(c.budget_rejected.size(), 1u);
    EXPECT_EQ(c.budget_rejected[0].reason.code, "no_account_group");
    EXPECT_EQ(c.budget_rejected[0].line, 15u);
}

TEST(SieConvert, BudgetWithoutDecisionReferenceIsNotPublishable) {
    const std::string text =
        std::string(kCalendarHeader) + "#PBUDGET 0 202601 3010 {1 \"U1\"} -1000.00\n";
    const auto import = Read(text);
    EXPECT_EQ(import.conversion.budgets.size(), 1u);
    EXPECT_FALSE(import.conversion.budget_publishable);
    ConvertOptions bad;
    bad.budget_ref = "beslut 12";  // not "§ n/yyyy"
    const auto with_bad = Read(text, bad);
    EXPECT_FALSE(with_bad.conversion.budget_publishable);
    ASSERT_FALSE(with_bad.conversion.budget_rejected.empty());
    EXPECT_EQ(with_bad.conversion.budget_rejected[0].reason.code, "schema");
}

TEST(SieConvert, ReportHasTheDryRunDocumentAndTheImportSection) {
    const std::string text = std::string(kCalendarHeader) +
                             "#VER A 1 20260201 \"x\"\n{\n#TRANS 4010 {1 \"U1\"} 1.00\n"
                             "#TRANS 1930 {1 \"U1\"} -1.00\n}\n"
                             "#VER A 2 20260201 \"y\"\n{\n#TRANS 4010 {1 \"U1\"} 1.00\n}\n";
    const auto import = Read(text);
    const auto doc = ReportJson(import, true, std::nullopt);
    EXPECT_EQ(doc["schema"], "bfu.sie.dry-run/1");
    EXPECT_EQ(doc["dry_run"], true);
    EXPECT_EQ(doc["counts"]["vouchers"], 1);
    EXPECT_EQ(doc["import"]["source"], "sie-212000-0000");
    EXPECT_EQ(doc["import"]["vouchers"], 1);
    EXPECT_EQ(doc["import"]["lines"], 2);
    EXPECT_TRUE(doc["import"]["published"].is_null());
    ASSERT_EQ(doc["import"]["rejected"].size(), 1u);
    EXPECT_EQ(doc["import"]["rejected"][0]["voucher_id"], "20260101-A-2");
    EXPECT_EQ(doc["import"]["rejected"][0]["line"], 16);
    const auto published = ReportJson(import, false, Published{1, 1, 0});
    EXPECT_EQ(published["import"]["published"]["vouchers"], 1);
    const std::string summary = Summary(import, std::nullopt);
    EXPECT_NE(summary.find("vouchers: 1 (2 lines), rejected 1"), std::string::npos) << summary;
    EXPECT_NE(summary.find("test.se:16: A-2: unbalanced (line 19)"), std::string::npos) << summary;
}

TEST(SieConvert, BrokenFileHasFileErrorsNamingTheLine) {
    const std::string text =
        std::string("#FLAGGA 0\n#KSUMMA\n") + (kCalendarHeader + 10) + "#KSUMMA 12345\n";
    const auto import = Read(text);
    const auto errors = import.FileErrors();
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors[0].code, "checksum_mismatch");
    EXPECT_GT(errors[0].line, 0u);
}

}  // namespace
}  // namespace bfu::sie_import
