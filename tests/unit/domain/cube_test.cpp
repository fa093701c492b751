#include "bfu/domain/cube.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "test_org.hpp"

namespace bfu::domain {
namespace {

using testing::BuildSmall;
using testing::U;

Date D(const char* s) { return Date::Parse(s).value(); }

std::vector<GroupKind> Kinds() { return ChartOfAccounts::KommunBasDefault().GroupKinds(); }

TEST(OutcomeLedger, PostingRollsUpToEveryAncestor) {
    const Organisation org = BuildSmall();
    OutcomeLedger ledger(org, FiscalYear::Calendar(2026), Kinds());
    ledger.Post({U(org, "HT1"), 2, 7, 1, 100'00});
    ledger.Post({U(org, "HT2"), 2, 7, 1, 50'00});
    ledger.Post({U(org, "SB1"), 0, 9, 1, -30'00});
    const Cube& c = ledger.cube();
    EXPECT_EQ(c.Total(U(org, "HT"), 2, 1), 150'00);
    EXPECT_EQ(c.Own(U(org, "HT"), 2, 1), 0);
    EXPECT_EQ(c.Total(U(org, "OMS"), 2, 1), 150'00);
    EXPECT_EQ(c.KindTotal(U(org, "OMS"), GroupKind::kOperating, 1), 120'00);
    EXPECT_EQ(c.KindTotal(U(org, "KF"), GroupKind::kOperating, 1), 120'00);
    EXPECT_EQ(c.Total(U(org, "KS"), 2, 1), 0);  // not under KS in the tree
    EXPECT_EQ(c.KindToDate(U(org, "KF"), GroupKind::kOperating, 0), 0);
    EXPECT_EQ(ledger.posted_count(), 3u);
}

TEST(OutcomeLedger, TakeDirtyListsPostedUnitsAndAncestorsOnce) {
    const Organisation org = BuildSmall();
    OutcomeLedger ledger(org, FiscalYear::Calendar(2026), Kinds());
    ledger.Post({U(org, "HT1"), 2, 1, 0, 1});
    ledger.Post({U(org, "HT1"), 2, 1, 3, 1});
    ledger.Post({U(org, "HT2"), 2, 1, 0, 1});
    const auto dirty = ledger.TakeDirty();
    std::vector<std::string> ids;
    for (UnitIndex u : dirty) ids.push_back(org.unit(u).id.value());
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::string>{"HT", "HT1", "HT2", "KF", "OMS", "VON"}));
    EXPECT_TRUE(ledger.TakeDirty().empty());
}

TEST(OutcomeLedger, MarkDirtySchedulesACheckWithoutChangingAmounts) {
    const Organisation org = BuildSmall();
    OutcomeLedger ledger(org, FiscalYear::Calendar(2026), Kinds());
    ledger.MarkDirty(U(org, "SB1"));
    const auto one = ledger.TakeDirty();
    EXPECT_EQ(one.size(), 5u);  // SB1, SB, OMS, VON, KF
    ledger.MarkAllDirty();
    EXPECT_EQ(ledger.TakeDirty().size(), org.size());
    EXPECT_EQ(ledger.posted_count(), 0u);
    EXPECT_TRUE(ledger.AccountsInSubtree(org.root()).empty());
}

TEST(OutcomeLedger, ReorganisationMidYearRollsEachMonthToItsParent) {
    // HT2 moves from hemtjänst (HT) to särskilt boende (SB) from 1 July.
    const Organisation org =
        BuildSmall({{core::UnitId("HT2"), core::UnitId("SB"), D("2026-07-01"), "VON § 30/2026"}});
    OutcomeLedger ledger(org, FiscalYear::Calendar(2026), Kinds());
    for (std::uint8_t m = 0; m < 12; ++m) ledger.Post({U(org, "HT2"), 2, 0, m, 10'00});
    const Cube& c = ledger.cube();
    EXPECT_EQ(c.GroupToDate(U(org, "HT"), 2, 11), 60'00);  // Jan-Jun
    EXPECT_EQ(c.GroupToDate(U(org, "SB"), 2, 11), 60'00);  // Jul-Dec
    EXPECT_EQ(c.GroupToDate(U(org, "OMS"), 2, 11), 120'00);
    EXPECT_EQ(c.Total(U(org, "HT"), 2, 6), 0);
    EXPECT_EQ(c.Total(U(org, "SB"), 2, 5), 0);
    // Account detail follows the same months.
    const auto ht_accounts = ledger.AccountsInSubtree(U(org, "HT"));
    ASSERT_EQ(ht_accounts.size(), 1u);
    EXPECT_EQ(ht_accounts[0].months[5], 10'00);
    EXPECT_EQ(ht_accounts[0].months[6], 0);
}

TEST(Cube, RestructureRecomputesTotalsForANewOrganisation) {
    const Organisation before = BuildSmall();
    const Organisation after =
        BuildSmall({{core::UnitId("HT2"), core::UnitId("SB"), D("2026-01-01"), "KF § 1/2026"}});
    Cube c(before, FiscalYear::Calendar(2026), Kinds());
    c.Add(U(before, "HT2"), 2, 4, 700);
    EXPECT_EQ(c.Total(U(before, "HT"), 2, 4), 700);
    EXPECT_EQ(c.Restructure(before, after), 0);
    EXPECT_EQ(c.Total(U(after, "HT"), 2, 4), 0);
    EXPECT_EQ(c.Total(U(after, "SB"), 2, 4), 700);
    EXPECT_EQ(c.Total(U(after, "KF"), 2, 4), 700);
}

// Property: after any sequence of postings, every node's total equals the sum of the own
// amounts of the units in its subtree that month, to the öre.
TEST(RollupProperty, EveryNodeEqualsSumOfItsSubtree) {
    const Organisation org =
        BuildSmall({{core::UnitId("HT2"), core::UnitId("SB"), D("2026-05-01"), "§ 9"},
                    {core::UnitId("SB1"), core::UnitId("HT"), D("2026-09-01"), "§ 10"}});
    const FiscalYear fy = FiscalYear::Calendar(2026);
    std::mt19937_64 rng(99);
    for (int trial = 0; trial < 30; ++trial) {
        OutcomeLedger ledger(org, fy, Kinds());
        std::map<std::tuple<UnitIndex, GroupIndex, int>, std::int64_t> own;
        const int n = 2000 + static_cast<int>(rng() % 2000);
        for (int i = 0; i < n; ++i) {
            Posting p;
            p.unit = static_cast<UnitIndex>(rng() % org.size());
            p.group = static_cast<GroupIndex>(rng() % 7);
            p.account = static_cast<std::uint32_t>(rng() % 50);
            p.month = static_cast<std::uint8_t>(rng() % 12);
            p.ore = static_cast<std::int64_t>(rng() % 20'000'000) - 10'000'000;
            ledger.Post(p);
            own[{p.unit, p.group, p.month}] += p.ore;
        }
        const Cube& c = ledger.cube();
        for (UnitIndex node = 0; node < org.size(); ++node) {
            for (int m = 0; m < 12; ++m) {
                const Date day = fy.PeriodAt(m).FirstDay();
                std::int64_t op = 0;
                for (GroupIndex g = 0; g < 7; ++g) {
                    std::int64_t expect = 0;
                    for (UnitIndex x = 0; x < org.size(); ++x) {
                        if (!org.IsInSubtreeAt(x, node, day)) continue;
                        const auto it = own.find({x, g, m});
                        if (it != own.end()) expect += it->second;
                    }
                    ASSERT_EQ(c.Total(node, g, m), expect) << "node " << node << " month " << m;
                    if (g != 6) op += expect;
                }
                ASSERT_EQ(c.KindTotal(node, GroupKind::kOperating, m), op);
            }
            // Account detail of the subtree sums to the same totals.
            std::int64_t acc = 0;
            for (const auto& a : ledger.AccountsInSubtree(node)) {
                for (auto v : a.months) acc += v;
            }
            std::int64_t all = 0;
            for (int m = 0; m < 12; ++m) {
                all += c.KindTotal(node, GroupKind::kOperating, m) +
                       c.KindTotal(node, GroupKind::kInvestment, m);
            }
            ASSERT_EQ(acc, all);
        }
    }
}

}  // namespace
}  // namespace bfu::domain
