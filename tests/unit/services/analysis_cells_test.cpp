// Analysis's state pieces alone: the changelog encoding of outcome cells, the packed cell keys
// and the cell map, the posting stage (stage 1) and the unit -> partition function.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "bfu/analysis/cells.hpp"
#include "bfu/analysis/posting.hpp"
#include "bfu/core/crc32.hpp"
#include "bfu/service/unit_partition.hpp"

namespace bfu::analysis {
namespace {

contracts::LedgerLine Line(const std::string& unit, const std::string& account,
                           const std::string& period, std::int64_t ore) {
    contracts::LedgerLine l;
    l.voucher = {core::SourceId("visma"), core::VoucherId("V;1%"), std::nullopt, "2026-01-10"};
    l.unit = core::UnitId(unit);
    l.account = core::AccountNo(account);
    l.account_group = "personal";
    l.period = period;
    l.fiscal_year = 2026;
    l.amount_ore = ore;
    return l;
}

TEST(CellCodec, RoundTripsKeyAndValueIncludingSeparatorsInTheVoucher) {
    CellRecord c{2026,
                 "ENH:1",
                 "5011",
                 "202603",
                 "per;sonal",
                 -123'456'789,
                 {4, 987'654, 1'774'958'400'000, "vis%ma", "V;17%3B"}};
    const auto key = CellKey(c.year, c.unit, c.account, c.period);
    EXPECT_EQ(key, "2026:ENH:1:5011:202603");
    const auto value = EncodeCellValue(c);
    EXPECT_EQ(value.substr(0, 11), "-123456789;");
    auto back = DecodeCell(key, value);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(*back, c);
}

TEST(CellCodec, RefusesMalformedKeysAndValues) {
    const std::string good = "5;personal;0;1;2;visma;V1";
    EXPECT_TRUE(DecodeCell("2026:E1:5011:202603", good).ok());
    for (const char* key : {"2026:E1:202603", "x:E1:5011:202603", "2026:E1:5011:202613",
                            "2026::5011:202603", "2026:E1:5011:2026-3"}) {
        SCOPED_TRACE(key);
        auto r = DecodeCell(key, good);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, core::Errc::kInvalidArgument);
    }
    for (const char* value : {"5;personal;0;1;2;visma", "five;personal;0;1;2;visma;V1",
                              "5;personal;p;1;2;visma;V1", ""}) {
        SCOPED_TRACE(value);
        EXPECT_FALSE(DecodeCell("2026:E1:5011:202603", value).ok());
    }
}

TEST(CellKeys, PackAndUnpackEveryCoordinateAndNeverGiveZero) {
    for (const CellCoords c : {CellCoords{0, 0, 1900, 1900, 1}, CellCoords{7, 12, 2026, 2025, 12},
                               CellCoords{(1U << 20) - 2, (1U << 19) - 1, 2999, 2999, 7}}) {
        const auto key = c.Pack();
        EXPECT_NE(key, 0u);
        const auto back = CellCoords::Unpack(key);
        EXPECT_EQ(back.unit, c.unit);
        EXPECT_EQ(back.account, c.account);
        EXPECT_EQ(back.year, c.year);
        EXPECT_EQ(back.period_year, c.period_year);
        EXPECT_EQ(back.period_month, c.period_month);
    }
    CellIndex index;
    auto a = index.KeyOf(2026, "E1", "5011", "202601");
    auto b = index.KeyOf(2026, "E1", "5011", "202602");
    auto a2 = index.KeyOf(2026, "E1", "5011", "202601");
    ASSERT_TRUE(a.ok() && b.ok() && a2.ok());
    EXPECT_NE(*a, *b);
    EXPECT_EQ(*a, *a2);
    EXPECT_FALSE(index.KeyOf(2026, "E1", "5011", "2026").ok());
    EXPECT_FALSE(index.KeyOf(1800, "E1", "5011", "202601").ok());
}

TEST(CellMap, HoldsManyCellsExactlyAsAMapDoes) {
    CellMap cells;
    std::map<std::uint64_t, std::int64_t> reference;
    std::mt19937_64 rng(42);
    for (int i = 0; i < 200'000; ++i) {
        const CellCoords c{static_cast<std::uint32_t>(rng() % 1000),
                           static_cast<std::uint32_t>(rng() % 100), 2026, 2026,
                           static_cast<int>(rng() % 12) + 1};
        const auto ore = static_cast<std::int64_t>(rng() % 2'000'000) - 1'000'000;
        const auto total = cells.Add(c.Pack(), ore, 3);
        reference[c.Pack()] += ore;
        ASSERT_EQ(total, reference[c.Pack()]);
    }
    EXPECT_EQ(cells.size(), reference.size());
    std::size_t seen = 0;
    cells.ForEach([&](std::uint64_t key, CellMap::Value v) {
        ++seen;
        EXPECT_EQ(v.ore, reference[key]);
        EXPECT_EQ(v.group, 3u);
    });
    EXPECT_EQ(seen, reference.size());
    const auto before = cells.Set(reference.begin()->first, {5, 9});
    EXPECT_EQ(before.ore, reference.begin()->second);
    ASSERT_NE(cells.Find(reference.begin()->first), nullptr);
    EXPECT_EQ(*cells.Find(reference.begin()->first), 5);
    EXPECT_EQ(cells.Find(CellCoords{5000, 1, 2026, 2026, 1}.Pack()), nullptr);
    cells.Clear();
    EXPECT_EQ(cells.size(), 0u);
    EXPECT_EQ(cells.Find(reference.begin()->first), nullptr);
}

TEST(CellMap, StaysBetweenEightFifteenthsAndFourFifthsFullAsItGrows) {
    CellMap cells;
    for (std::uint32_t i = 0; i < 100'000; ++i) {
        (void)cells.Add(CellCoords{i % 1000, i / 1000, 2026, 2026, 1}.Pack(), 1, 0);
        ASSERT_LE(cells.size() * 5, cells.capacity() * 4) << "after " << i + 1 << " cells";
        if (cells.size() > 1024) {
            ASSERT_GE(cells.size() * 15, cells.capacity() * 8) << "after " << i + 1 << " cells";
        }
    }
    EXPECT_EQ(cells.size(), 100'000u);
}

TEST(PartitionCells, KeepsEachPartitionsSumsApartAndErasesOnePartition) {
    PartitionCells cells;
    std::map<std::pair<std::int32_t, std::uint64_t>, std::int64_t> reference;
    std::mt19937_64 rng(7);
    auto check = [&] {
        ASSERT_EQ(cells.size(), reference.size());
        for (const auto& [pk, ore] : reference) {
            const auto* found = cells.Find(pk.first, pk.second);
            ASSERT_NE(found, nullptr);
            ASSERT_EQ(*found, ore);
        }
    };
    for (int i = 0; i < 100'000; ++i) {
        // Few units, so the same cell often turns up in several partitions.
        const CellCoords c{static_cast<std::uint32_t>(rng() % 50),
                           static_cast<std::uint32_t>(rng() % 40), 2026, 2026,
                           static_cast<int>(rng() % 12) + 1};
        const auto partition = static_cast<std::int32_t>(rng() % 6);
        const auto ore = static_cast<std::int64_t>(rng() % 2'000) - 1'000;
        const auto total = cells.Add(partition, c.Pack(), ore);
        reference[{partition, c.Pack()}] += ore;
        ASSERT_EQ(total, (reference[{partition, c.Pack()}]));
    }
    check();
    const auto key = reference.begin()->first.second;
    cells.Set(4, key, 77);
    reference[{4, key}] = 77;
    cells.Erase(2);
    std::erase_if(reference, [](const auto& r) { return r.first.first == 2; });
    check();
    EXPECT_EQ(cells.Find(2, key), nullptr);
    ASSERT_NE(cells.Find(4, key), nullptr);
    EXPECT_EQ(*cells.Find(4, key), 77);
    EXPECT_EQ(cells.Add(2, key, 5), 5) << "an erased partition starts again from zero";
    for (std::int32_t p = 0; p < 6; ++p) cells.Erase(p);
    EXPECT_EQ(cells.size(), 0u);
    EXPECT_EQ(cells.capacity(), 0u) << "an empty table gives its memory back";
}

TEST(PostingStage, DropsOnePartitionAndKeepsTheOthersCells) {
    PostingStage stage;
    for (std::int32_t p : {0, 1}) {
        stage.BeginRestore(p);
        stage.FinishRestore(p);
    }
    // The same cell in two partitions is two sums, as with a map per partition.
    ASSERT_TRUE(stage.Post(0, 1, 1, Line("E1", "5011", "202601", 100)).ok());
    ASSERT_TRUE(stage.Post(1, 1, 1, Line("E1", "5011", "202601", 40)).ok());
    auto again = stage.Post(1, 2, 1, Line("E1", "5011", "202601", 2));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again)->ore, 42);
    EXPECT_EQ(stage.cell_count(), 2u);
    stage.Drop(0);
    EXPECT_EQ(stage.cell_count(), 1u);
    EXPECT_FALSE(stage.Loaded(0));
    auto kept = stage.Post(1, 3, 1, Line("E1", "5011", "202601", 1));
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ((*kept)->ore, 43);
    // Restoring a partition again starts it from its changelog, not from what it held.
    stage.BeginRestore(1);
    CellRecord restored = **kept;
    restored.ore = 10;
    ASSERT_TRUE(stage.RestoreCell(1, restored).ok());
    stage.FinishRestore(1);
    auto after = stage.Post(1, 4, 1, Line("E1", "5011", "202601", 1));
    ASSERT_TRUE(after.ok());
    EXPECT_EQ((*after)->ore, 11);
    EXPECT_EQ(stage.cell_count(), 1u);
}

TEST(PostingStage, TurnsLinesIntoCumulativeCellsAndRestoresThemFromTheChangelog) {
    PostingStage stage;
    EXPECT_FALSE(stage.Loaded(2));
    stage.BeginRestore(2);
    stage.FinishRestore(2);
    ASSERT_TRUE(stage.Loaded(2));
    auto first = stage.Post(2, 10, 1000, Line("E1", "5011", "202601", 100));
    auto second = stage.Post(2, 11, 2000, Line("E1", "5011", "202601", 250));
    auto other = stage.Post(2, 12, 3000, Line("E1", "5011", "202602", 7));
    ASSERT_TRUE(first.ok() && second.ok() && other.ok());
    EXPECT_EQ((*first)->ore, 100);
    EXPECT_EQ((*second)->ore, 350) << "the cell's new total, not the line's amount";
    EXPECT_EQ((*other)->ore, 7);
    EXPECT_EQ((*second)->last.offset, 11);
    EXPECT_EQ((*second)->last.partition, 2);
    EXPECT_EQ((*second)->last.voucher, "V;1%");
    EXPECT_EQ(stage.cell_count(), 2u);
    EXPECT_TRUE(stage.IsReplay(2, 11));
    EXPECT_FALSE(stage.IsReplay(2, 13));

    // A restart: the partition is restored from its changelog and goes on from the totals.
    PostingStage restarted;
    restarted.BeginRestore(2);
    ASSERT_TRUE(restarted.RestoreCell(2, **second).ok());
    ASSERT_TRUE(restarted.RestoreCell(2, **other).ok());
    restarted.FinishRestore(2);
    auto next = restarted.Post(2, 13, 4000, Line("E1", "5011", "202601", 1));
    ASSERT_TRUE(next.ok());
    EXPECT_EQ((*next)->ore, 351);
    restarted.Drop(2);
    EXPECT_FALSE(restarted.Loaded(2));
    EXPECT_EQ(restarted.cell_count(), 0u);
}

TEST(PostingStage, MakesNoCellOfABalanceSheetLineAndRefusesABadPeriod) {
    PostingStage stage;
    stage.BeginRestore(0);
    stage.FinishRestore(0);
    auto bank = Line("E1", "1930", "202601", 100);
    bank.is_operating = false;
    auto r = stage.Post(0, 1, 1, bank);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
    auto bad = stage.Post(0, 2, 1, Line("E1", "5011", "2026-13", 1));
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().IsPoison());
    stage.Seen(0, 5);
    EXPECT_TRUE(stage.IsReplay(0, 5));
}

TEST(UnitPartition, IsCrc32ModuloThePartitionCount) {
    EXPECT_EQ(core::ComputeCrc32("123456789"), 0xCBF43926u);  // the standard check value
    EXPECT_EQ(core::ComputeCrc32(""), 0u);
    EXPECT_EQ(service::UnitPartition("123456789", 6), static_cast<std::int32_t>(0xCBF43926u % 6u));
    for (const char* unit : {"KF", "E211", "ENH1", "V21"}) {
        const auto p = service::UnitPartition(unit, 6);
        EXPECT_GE(p, 0);
        EXPECT_LT(p, 6);
        EXPECT_EQ(service::UnitPartition(unit, 1), 0);
    }
}

}  // namespace
}  // namespace bfu::analysis
