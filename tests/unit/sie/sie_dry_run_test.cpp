#include <gtest/gtest.h>

#include <string>

#include "bfu/sie/dry_run.hpp"
#include "bfu/sie/parser.hpp"
#include "sie_test_util.hpp"

namespace bfu::sie {
namespace {

using nlohmann::json;

const std::string kFile = std::string(testing::kHeader) +
                          "#KONTO 7010 \"Löner\"\n"
                          "#VER A 1 20230905 \"Lön\"\n{\n"
                          "#TRANS 7010 {1 \"100\" 6 \"P1\"} 1000\n#TRANS 1930 {} -1000\n}\n"
                          "#VER A 2 20230906 \"Obalans\"\n{\n"
                          "#TRANS 7010 {} 1\n}\n"
                          "#PBUDGET 0 202309 7010 {1 \"100\"} 1200\n"
                          "#RES 0 7010 1000.50\n";

TEST(SieDryRun, HoldsEverythingTheCliPrints) {
    const SieFile f = Parse(kFile, "kommun.se");
    const json doc = DryRunJson(f);
    EXPECT_EQ(doc["schema"], "bfu.sie.dry-run/1");
    EXPECT_EQ(doc["dry_run"], true);
    EXPECT_EQ(doc["file"]["name"], "kommun.se");
    EXPECT_EQ(doc["file"]["encoding"], "utf-8");
    EXPECT_EQ(doc["file"]["kind"], "4E");
    EXPECT_EQ(doc["file"]["company_name"], "Kommunen");
    EXPECT_TRUE(doc["file"]["checksum"].is_null());

    ASSERT_EQ(doc["fiscal_years"].size(), 2u);
    EXPECT_EQ(doc["fiscal_years"][0],
              (json{{"index", 0}, {"start", "2023-07-01"}, {"end", "2024-06-30"}}));

    const json& counts = doc["counts"];
    EXPECT_EQ(counts["ver_records"], 2);
    EXPECT_EQ(counts["vouchers"], 1);
    EXPECT_EQ(counts["lines"], 2);
    EXPECT_EQ(counts["vouchers_rejected"], 1);
    EXPECT_EQ(counts["lines_in_rejected"], 1);
    EXPECT_EQ(counts["budget_rows"], 1);

    EXPECT_EQ(
        doc["outcome"],
        (json::array(
            {{{"account", "1930"}, {"period", "2023-09"}, {"amount_ore", -100000}, {"lines", 1}},
             {{"account", "7010"}, {"period", "2023-09"}, {"amount_ore", 100000}, {"lines", 1}}})));
    ASSERT_EQ(doc["outcome_by_object"].size(), 2u);
    EXPECT_EQ(doc["outcome_by_object"][0], (json{{"account", "7010"},
                                                 {"period", "2023-09"},
                                                 {"dimension", 1},
                                                 {"object", "100"},
                                                 {"amount_ore", 100000},
                                                 {"lines", 1}}));
    EXPECT_EQ(doc["outcome_by_object"][1]["dimension"], 6);
    EXPECT_EQ(doc["outcome_by_object"][1]["object"], "P1");

    ASSERT_EQ(doc["budget"].size(), 1u);
    EXPECT_EQ(doc["budget"][0]["period"], "2023-09");
    EXPECT_EQ(doc["budget"][0]["amount_ore"], 120000);
    EXPECT_EQ(doc["budget"][0]["objects"], (json::array({{{"dimension", 1}, {"object", "100"}}})));

    ASSERT_EQ(doc["rejected"].size(), 1u);
    const json& rejected = doc["rejected"][0];
    EXPECT_EQ(rejected["key"], "A-2");
    EXPECT_EQ(rejected["date"], "2023-09-06");
    EXPECT_EQ(rejected["line"], 16);
    ASSERT_EQ(rejected["reasons"].size(), 1u);
    EXPECT_EQ(rejected["reasons"][0]["code"], "unbalanced");
    EXPECT_EQ(rejected["reasons"][0]["line"], 19);
    EXPECT_EQ(rejected["reasons"][0]["file"], "kommun.se");

    const json& rec = doc["reconciliation"];
    EXPECT_EQ(rec["performed"], true);
    EXPECT_EQ(rec["clean"], false);
    EXPECT_EQ(rec["years_checked"], json::array({0}));
    ASSERT_EQ(rec["differences"].size(), 2u);
    // The #RES counted the rejected voucher's 0.50 kr... and 1930 moved without any #UB.
    EXPECT_EQ(rec["differences"][0], (json{{"kind", "ub"},
                                           {"year", 0},
                                           {"period", nullptr},
                                           {"account", "1930"},
                                           {"objects", json::array()},
                                           {"expected_ore", 0},
                                           {"computed_ore", -100000},
                                           {"difference_ore", -100000},
                                           {"line", nullptr}}));
    EXPECT_EQ(rec["differences"][1]["kind"], "res");
    EXPECT_EQ(rec["differences"][1]["expected_ore"], 100050);
    EXPECT_EQ(rec["differences"][1]["computed_ore"], 100000);
    EXPECT_EQ(rec["differences"][1]["difference_ore"], -50);
    EXPECT_EQ(rec["differences"][1]["line"], 21);
    EXPECT_TRUE(doc["issues"].empty());
}

TEST(SieDryRun, SerialisesEveryFixtureAsValidJson) {
    for (const char* name : {"bl-administration_typ4.se", "exempelfil_med_underdim_utf8.se",
                             "magenta_sie4e.se", "mamut_sie4_export.se", "sie4.se",
                             "sie4_psaldo.se", "sie4i_transactions.si", "specter_exempelfil.se"}) {
        auto parsed = ParseFile(testing::FixtureDir() + name);
        ASSERT_TRUE(parsed.ok()) << name;
        const json doc = DryRunJson(*parsed);
        // Strict dump: throws on any invalid UTF-8, so every string is converted right.
        const std::string text = doc.dump();
        const json back = json::parse(text);
        EXPECT_EQ(back["counts"]["vouchers"], parsed->vouchers.size()) << name;
        EXPECT_EQ(back["rejected"].size(), 0u) << name;
    }
}

TEST(SieDryRun, ReportsASkipped4IReconciliationAndTheChecksum) {
    const std::string text = "#FLAGGA 0\n#KSUMMA\n#FNAMN x\n#KSUMMA 1\n";
    const json doc = DryRunJson(Parse(text, "in.si"));
    EXPECT_EQ(doc["file"]["kind"], "4I");
    EXPECT_EQ(doc["reconciliation"]["performed"], false);
    EXPECT_FALSE(doc["reconciliation"]["skipped_reason"].get<std::string>().empty());
    EXPECT_EQ(doc["file"]["checksum"]["ok"], false);
    EXPECT_EQ(doc["file"]["checksum"]["declared"], 1);
    EXPECT_EQ(doc["issues"][0]["code"], "checksum_mismatch");
    EXPECT_EQ(doc["issues"][0]["severity"], "error");
}

}  // namespace
}  // namespace bfu::sie
