#include <gtest/gtest.h>

#include <string>

#include "bfu/sie/parser.hpp"
#include "bfu/sie/reconcile.hpp"
#include "sie_test_util.hpp"

namespace bfu::sie {
namespace {

// Fiscal year July 2023 - June 2024. Two vouchers in September and one in October; the
// balances below are what an exporter would write for them.
const std::string kVouchers =
    "#VER A 1 20230905 \"Lön\"\n{\n"
    "#TRANS 7010 {1 \"100\"} 1000\n#TRANS 7010 {1 \"200\"} 500\n#TRANS 1930 {} -1500\n}\n"
    "#VER A 2 20230920 \"Intäkt\"\n{\n"
    "#TRANS 3010 {1 \"100\"} -300\n#TRANS 1930 {} 300\n}\n"
    "#VER A 3 20231002 \"Lön\"\n{\n"
    "#TRANS 7010 {1 \"100\"} 200 20231001\n#TRANS 1930 {} -200\n}\n";

const std::string kBalances =
    "#IB 0 1930 10000\n#UB 0 1930 8600\n"
    "#RES 0 7010 1700\n#RES 0 3010 -300\n"
    "#OIB 0 1930 {1 \"100\"} 50\n#OUB 0 7010 {1 \"100\"} 1200\n"
    "#PSALDO 0 202309 7010 {} 1500\n#PSALDO 0 202310 7010 {} 200\n"
    "#PSALDO 0 202309 3010 {} -300\n#PSALDO 0 202309 1930 {} -1200\n"
    "#PSALDO 0 202310 1930 {} -200\n#PSALDO 0 202309 7010 {1 \"100\"} 1000\n"
    "#PSALDO 0 202309 7010 {1 \"200\"} 500\n"
    // Year -1 has no vouchers in the file: not checked.
    "#RES -1 7010 99999\n#PSALDO -1 202209 7010 {} 5\n";

struct ReconcileRun {
    SieFile file;
    Outcomes outcomes;
    Reconciliation rec;
};

ReconcileRun Reconciled(const std::string& balances, std::string_view name = "r.se",
                        ReconcileOptions options = {}) {
    ReconcileRun r;
    r.file = Parse(std::string(testing::kHeader) + kVouchers + balances, name);
    r.outcomes = ComputeOutcomes(r.file);
    r.rec = Reconcile(r.file, r.outcomes, options);
    return r;
}

TEST(SieOutcomes, SumsPerAccountPeriodAndObject) {
    const ReconcileRun r = Reconciled("");
    const Outcomes& o = r.outcomes;
    EXPECT_EQ(o.vouchers(), 3u);
    EXPECT_EQ(o.lines(), 7u);
    EXPECT_EQ(o.AccountPeriod("7010", Period{2023, 9}).amount.ore(), 150000);
    EXPECT_EQ(o.AccountPeriod("7010", Period{2023, 9}).lines, 2u);
    EXPECT_EQ(o.AccountPeriod("7010", Period{2023, 10}).amount.ore(), 20000);
    EXPECT_EQ(o.AccountPeriod("1930", Period{2023, 9}).amount.ore(), -120000);
    EXPECT_EQ(o.AccountPeriod("1930", Period{2023, 11}).lines, 0u);
    EXPECT_EQ(o.AccountPeriodObject("7010", Period{2023, 9}, 1, "100").amount.ore(), 100000);
    EXPECT_EQ(o.AccountPeriodObject("7010", Period{2023, 9}, 1, "200").amount.ore(), 50000);
    EXPECT_EQ(o.AccountPeriodObject("1930", Period{2023, 9}, 1, "100").lines, 0u);
    EXPECT_EQ(o.YearAccount(0, "7010").ore(), 170000);
    EXPECT_EQ(o.YearAccountObject(0, "7010", 1, "100").ore(), 120000);
    EXPECT_EQ(o.by_account_period().size(), 5u);
    const auto sorted = o.SortedByAccountPeriod();
    ASSERT_EQ(sorted.size(), 5u);
    EXPECT_EQ(sorted[0].first.account, "1930");
    EXPECT_EQ(sorted[4].first.account, "7010");
    EXPECT_EQ(sorted[4].first.period, (Period{2023, 10}));
    const auto objects = o.SortedByObject();
    ASSERT_EQ(objects.size(), 4u);  // 3010/100 Sep, 7010/100 Sep, 7010/200 Sep, 7010/100 Oct
    EXPECT_EQ(objects[1].first.object, "100");
    EXPECT_EQ(objects[2].first.object, "200");
    EXPECT_EQ(o.years_with_rows(), std::vector<std::int32_t>{0});
    EXPECT_EQ(o.rows_outside_years(), 0u);
}

TEST(SieOutcomes, CountsARowOnceWhenItsListRepeatsAnObject) {
    Outcomes o;
    Voucher v;
    VoucherLine l;
    l.account = "7010";
    l.objects = {{1, "100"}, {1, "100"}, {6, "P"}};
    l.amount = core::Money::FromOre(5);
    l.date = Date{2024, 1, 1};
    v.lines.push_back(l);
    o.Add(v);
    EXPECT_EQ(o.AccountPeriodObject("7010", Period{2024, 1}, 1, "100").amount.ore(), 5);
    EXPECT_EQ(o.by_object().size(), 2u);
    EXPECT_EQ(o.rows_outside_years(), 1u);  // no fiscal years given
}

TEST(SieReconcile, IsCleanWhenTheBalancesMatch) {
    const ReconcileRun r = Reconciled(kBalances);
    EXPECT_TRUE(r.rec.performed);
    EXPECT_TRUE(r.rec.Clean()) << r.rec.differences.size();
    EXPECT_EQ(r.rec.years_checked, std::vector<std::int32_t>{0});
    EXPECT_EQ(r.rec.checked, 11u);
    EXPECT_EQ(r.rec.not_checked, 2u);
}

TEST(SieReconcile, ReportsEveryDifferenceExactly) {
    std::string changed = kBalances;
    changed.replace(changed.find("#UB 0 1930 8600"), 15, "#UB 0 1930 8601");
    changed.replace(changed.find("#PSALDO 0 202309 7010 {1 \"200\"} 500"), 35,
                    "#PSALDO 0 202309 7010 {1 \"200\"} 400");
    changed.replace(changed.find("#RES 0 3010 -300"), 16, "#RES 0 3010 -301");
    const ReconcileRun r = Reconciled(changed);
    ASSERT_EQ(r.rec.differences.size(), 3u);
    const Difference& ub = r.rec.differences[0];
    EXPECT_EQ(ub.kind, BalanceKind::kUb);
    EXPECT_EQ(ub.account, "1930");
    EXPECT_EQ(ub.expected.ore(), 860100);
    EXPECT_EQ(ub.computed.ore(), 860000);
    EXPECT_EQ(ub.Delta()->ore(), -100);
    EXPECT_EQ(ub.source_line, 27u);
    const Difference& res = r.rec.differences[1];
    EXPECT_EQ(res.kind, BalanceKind::kRes);
    EXPECT_EQ(res.account, "3010");
    EXPECT_EQ(res.expected.ore(), -30100);
    const Difference& ps = r.rec.differences[2];
    EXPECT_EQ(ps.kind, BalanceKind::kPsaldo);
    EXPECT_EQ(ps.period, (Period{2023, 9}));
    ASSERT_EQ(ps.objects.size(), 1u);
    EXPECT_EQ(ps.objects[0].id, "200");
    EXPECT_EQ(ps.expected.ore(), 40000);
    EXPECT_EQ(ps.computed.ore(), 50000);
}

TEST(SieReconcile, ReportsMovementsTheFileHasNoBalanceFor) {
    std::string without = kBalances;
    without.erase(without.find("#RES 0 3010 -300\n"), 17);
    without.erase(without.find("#PSALDO 0 202310 1930 {} -200\n"), 30);
    const ReconcileRun r = Reconciled(without);
    ASSERT_EQ(r.rec.differences.size(), 2u);
    const Difference& res = r.rec.differences[0];
    EXPECT_EQ(res.kind, BalanceKind::kRes);
    EXPECT_EQ(res.account, "3010");
    EXPECT_EQ(res.expected.ore(), 0);
    EXPECT_EQ(res.computed.ore(), -30000);
    EXPECT_EQ(res.source_line, 0u);
    const Difference& ps = r.rec.differences[1];
    EXPECT_EQ(ps.kind, BalanceKind::kPsaldo);
    EXPECT_EQ(ps.account, "1930");
    EXPECT_EQ(ps.period, (Period{2023, 10}));
    EXPECT_EQ(ps.computed.ore(), -20000);
}

TEST(SieReconcile, ShowsARejectedVouchersEffect) {
    const std::string broken =
        "#VER A 4 20231105 \"unbalanced\"\n{\n#TRANS 7010 {} 10\n#TRANS 1930 {} -9\n}\n";
    ReconcileRun r;
    r.file =
        Parse(std::string(testing::kHeader) + kVouchers + broken + kBalances + "#RES 0 7010 1710\n",
              "r.se");
    r.outcomes = ComputeOutcomes(r.file);
    r.rec = Reconcile(r.file, r.outcomes);
    ASSERT_EQ(r.file.rejected.size(), 1u);
    // Both #RES 0 7010 rows are compared; the one that counted the rejected voucher differs.
    ASSERT_EQ(r.rec.differences.size(), 1u);
    EXPECT_EQ(r.rec.differences[0].expected.ore(), 171000);
    EXPECT_EQ(r.rec.differences[0].computed.ore(), 170000);
}

TEST(SieReconcile, SkipsA4IFileUnlessForced) {
    const ReconcileRun skipped = Reconciled("#UB 0 1930 10000\n#IB 0 1930 10000\n", "import.si");
    EXPECT_FALSE(skipped.rec.performed);
    EXPECT_FALSE(skipped.rec.Clean());
    EXPECT_NE(skipped.rec.skipped_reason.find("4I"), std::string::npos);
    EXPECT_TRUE(skipped.rec.differences.empty());

    const ReconcileRun forced =
        Reconciled("#UB 0 1930 10000\n#IB 0 1930 10000\n", "import.si", {.force = true});
    EXPECT_TRUE(forced.rec.performed);
    // The #UB, and the two result accounts that moved with no #RES at all.
    ASSERT_EQ(forced.rec.differences.size(), 3u);
    EXPECT_EQ(forced.rec.differences[0].kind, BalanceKind::kUb);
    EXPECT_EQ(forced.rec.differences[0].computed.ore(), 1000000 - 140000);
    EXPECT_EQ(forced.rec.differences[1].account, "3010");
    EXPECT_EQ(forced.rec.differences[2].account, "7010");
}

}  // namespace
}  // namespace bfu::sie
