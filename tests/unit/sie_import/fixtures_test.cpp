// Every real export in ../shared/data/sie goes through the conversion: every voucher becomes a
// contract voucher (none lost, none invented), bfu's outcome recomputed from the converted
// messages equals the parser's outcome per account and month, ids are unique and stable, and
// the reconciliation against the file's own balances is clean or explained.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "bfu/sie_import/report.hpp"

namespace bfu::sie_import {
namespace {

const core::TimePoint kNow = core::TimePoint(std::chrono::seconds(1767225600));

std::string FixtureDir() {
    const char* root = std::getenv("BFU_SOURCE_DIR");
    return std::string(root != nullptr ? root : ".") + "/../shared/data/sie/";
}

std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Expected {
    const char* file;
    std::size_t vouchers;
    std::uint64_t lines;
    std::size_t differences;  // reconciliation differences (all explained below)
    bool reconciled;          // false: a 4I file, not reconciled
};

// sie4.se: the 4 differences are the ones docs/sie-import.md explains (a 60 000 kr purchase
// invoice the balances include but the vouchers lack, and the suspense account FEL that the
// exporter keeps no balance for); the parser's own fixture test asserts each amount.
constexpr Expected kFiles[] = {
    {"bl-administration_typ4.se", 84, 405, 0, true},
    {"exempelfil_med_underdim_utf8.se", 295, 1330, 0, true},
    {"magenta_sie4e.se", 19, 84, 0, true},
    {"mamut_sie4_export.se", 168, 458, 0, true},
    {"sie4.se", 70, 260, 4, true},
    {"sie4_psaldo.se", 20, 76, 0, true},
    {"sie4i_transactions.si", 165, 869, 0, false},
    {"specter_exempelfil.se", 26, 148, 0, true},
};

class SieFixtureImport : public ::testing::TestWithParam<Expected> {};

TEST_P(SieFixtureImport, ConvertsEveryVoucherAndReconciles) {
    const Expected e = GetParam();
    const std::string path = FixtureDir() + e.file;
    const std::string bytes = ReadAll(path);
    ASSERT_FALSE(bytes.empty()) << path;
    ConvertOptions options;
    options.default_unit = "SIE-DEFAULT";
    const auto import = Prepare(bytes, path, options, kNow);

    EXPECT_TRUE(import.FileErrors().empty());
    const auto& c = import.conversion;
    EXPECT_EQ(c.vouchers.size(), e.vouchers);
    EXPECT_EQ(c.lines, e.lines);
    EXPECT_TRUE(c.rejected.empty());
    EXPECT_EQ(import.file.stats.ver_records, e.vouchers);

    // Outcome per account and month from the converted messages == the parser's.
    std::map<std::pair<std::string, std::string>, std::int64_t> from_messages;
    std::set<std::string> keys;
    for (const auto& cv : c.vouchers) {
        EXPECT_TRUE(keys.insert(cv.voucher.Key()).second) << "duplicate key " << cv.voucher.Key();
        // The key is used in event ids downstream: only id characters.
        for (const char ch : cv.voucher.Key()) {
            EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' ||
                        ch == ':' || ch == '-')
                << cv.voucher.Key();
        }
        EXPECT_TRUE(contracts::Voucher::FromJson(cv.voucher.ToJson()).ok()) << cv.voucher.Key();
        EXPECT_EQ(cv.origin.file, path);
        for (const auto& l : cv.voucher.lines) {
            ASSERT_TRUE(l.trans_date.has_value());
            const std::string month = l.trans_date->substr(0, 7);
            from_messages[{l.account.value(), month}] += l.amount_ore;
        }
    }
    std::map<std::pair<std::string, std::string>, std::int64_t> from_parser;
    for (const auto& [key, cell] : import.outcomes.by_account_period()) {
        from_parser[{key.account, key.period.ToString()}] = cell.amount.ore();
    }
    EXPECT_EQ(from_messages, from_parser);

    if (e.reconciled) {
        EXPECT_TRUE(import.reconciliation.performed);
        EXPECT_EQ(import.reconciliation.differences.size(), e.differences);
    } else {
        EXPECT_FALSE(import.reconciliation.performed);
    }

    // The same file converts to the same messages again (re-import is recognised by ingest).
    const auto again = Prepare(bytes, path, options, kNow);
    ASSERT_EQ(again.conversion.vouchers.size(), c.vouchers.size());
    for (std::size_t i = 0; i < c.vouchers.size(); ++i) {
        EXPECT_EQ(again.conversion.vouchers[i].voucher, c.vouchers[i].voucher);
    }
}

INSTANTIATE_TEST_SUITE_P(RealExports, SieFixtureImport, ::testing::ValuesIn(kFiles),
                         [](const ::testing::TestParamInfo<Expected>& param_info) {
                             std::string name;
                             for (const char* p = param_info.param.file; *p != '\0'; ++p) {
                                 name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
                             }
                             return name;
                         });

TEST(SieFixtureImportDetails, BlRepeatsSeriesHashNumberOneTwelveTimes) {
    const std::string path = FixtureDir() + "bl-administration_typ4.se";
    ConvertOptions options;
    options.default_unit = "SIE-DEFAULT";
    const auto import = Prepare(ReadAll(path), path, options, kNow);
    int hash_one = 0;
    for (const auto& cv : import.conversion.vouchers) {
        const auto& id = cv.voucher.voucher_id.value();
        if (id == "20090701-_23-1" || id.rfind("20090701-_23-1.", 0) == 0) ++hash_one;
    }
    EXPECT_EQ(hash_one, 12);
    EXPECT_EQ(import.conversion.source, "sie-556265-1892");
    // BL's budget is for a July-June fiscal year, which bfu's calendar-year budgets cannot
    // hold: every row is reported, none is converted.
    EXPECT_TRUE(import.conversion.budgets.empty());
    ASSERT_EQ(import.conversion.budget_rejected.size(), 24u);
    EXPECT_EQ(import.conversion.budget_rejected[0].reason.code, "fiscal_year_not_calendar");
}

TEST(SieFixtureImportDetails, WithoutDefaultUnitRowsLackingACostCentreRejectTheirVoucher) {
    // sie4.se codes a cost centre on the rows of one voucher only (3-159): with no --unit,
    // that one is sent and each of the other 69 says why it is not.
    const std::string path = FixtureDir() + "sie4.se";
    const auto import = Prepare(ReadAll(path), path, {}, kNow);
    ASSERT_EQ(import.conversion.vouchers.size(), 1u);
    EXPECT_EQ(import.conversion.vouchers[0].voucher.voucher_id.value(), "20140101-3-159");
    EXPECT_EQ(import.conversion.vouchers[0].voucher.lines[0].unit.value(), "1");
    ASSERT_EQ(import.conversion.rejected.size(), 69u);
    EXPECT_EQ(import.conversion.rejected[0].reasons[0].code, "missing_unit");
    EXPECT_EQ(import.conversion.rejected[0].reasons[0].line, 710u);
}

}  // namespace
}  // namespace bfu::sie_import

namespace bfu::sie_import {
namespace {

// Damaged copies of a real export (bytes changed, lines cut, duplicated): the conversion never
// loses a #VER (each is converted or rejected, with a unique id) and what it converts is always
// a voucher the contract's decoder accepts.
TEST(SieFixtureImportDetails, DamagedExportsConvertOrRejectEveryVoucher) {
    const std::string path = FixtureDir() + "bl-administration_typ4.se";
    const std::string original = ReadAll(path);
    ASSERT_FALSE(original.empty());
    std::mt19937 rng(20260101);
    ConvertOptions options;
    options.default_unit = "SIE-DEFAULT";
    for (int round = 0; round < 15; ++round) {
        std::string bytes = original;
        std::uniform_int_distribution<std::size_t> at(0, bytes.size() - 1);
        for (int i = 0; i < 20; ++i) {
            switch (rng() % 4) {
                case 0:  // change a byte
                    bytes[at(rng)] = static_cast<char>(rng() % 256);
                    break;
                case 1:  // drop a stretch
                    bytes.erase(at(rng) % bytes.size(), rng() % 40);
                    break;
                case 2:  // repeat a stretch
                {
                    const std::size_t from = at(rng) % bytes.size();
                    bytes.insert(from, bytes.substr(from, rng() % 200));
                    break;
                }
                default:  // a structural character where it does not belong
                    bytes[at(rng) % bytes.size()] = "{}\"#\n"[rng() % 5];
                    break;
            }
        }
        const auto import = Prepare(bytes, "damaged.se", options, kNow);
        const auto& c = import.conversion;
        EXPECT_EQ(c.vouchers.size() + c.rejected.size(), import.file.stats.ver_records) << round;
        std::set<std::string> ids;
        for (const auto& cv : c.vouchers) {
            EXPECT_TRUE(ids.insert(cv.voucher.voucher_id.value()).second) << round;
            EXPECT_TRUE(contracts::Voucher::FromJson(cv.voucher.ToJson()).ok()) << round;
        }
        for (const auto& r : c.rejected) {
            EXPECT_TRUE(ids.insert(r.voucher_id).second) << round;
            EXPECT_FALSE(r.reasons.empty()) << round;
            EXPECT_TRUE(contracts::RejectedVoucher::FromJson(r.message.ToJson()).ok()) << round;
        }
        EXPECT_FALSE(ReportJson(import, true, std::nullopt).dump().empty());
    }
}

}  // namespace
}  // namespace bfu::sie_import
