#pragma once
// Outcome and roll-up (S4, S12): dense arrays of öre per (unit, account group, fiscal month),
// kept rolled up to every level of the organisation as amounts arrive.
//
// Cube is the storage shared by outcome and budget: for every unit it holds its *own* amounts
// (postings on its cost centre) and its *total* (own plus everything below it in the tree).
// Add() updates the unit and every ancestor in force in that month, so totals are always
// current: after any sequence of Adds, Total(n, g, m) == sum of Own(x, g, m) over every x in
// n's subtree in month m, to the öre. A reorganisation is honoured per month (structure on the
// month's first day, see org.hpp).
//
// OutcomeLedger adds what follow-up needs on top of the Cube: account detail per unit for root
// causes, and the set of units touched since the last TakeDirty() so the deviation check runs
// only where something changed.
//
// The hot path (Add/Post) does integer indexing only: units, groups and accounts are interned
// to dense indexes before (Organisation, ChartOfAccounts, Interner). Overflow: a cell holds
// int64 öre (about ±9.2 * 10^16 kr); totals of real ledgers are many orders below it.
//
// Lifecycle: one per fiscal year and organisation version. When the organisation changes, a
// Cube is carried over with Restructure; an OutcomeLedger is rebuilt by posting its lines into
// a new one (its account detail is keyed by unit index). Neither keeps a reference to the
// Organisation. Not thread-safe: one owner thread mutates; concurrent const reads are safe
// only while nobody mutates.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bfu/core/money.hpp"
#include "bfu/domain/accounts.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/org.hpp"

namespace bfu::domain {

inline constexpr int kMonths = 12;
using MonthlyAmounts = std::array<std::int64_t, kMonths>;  // öre per fiscal month

class Cube {
public:
    Cube() = default;
    Cube(const Organisation& org, FiscalYear fy, std::vector<GroupKind> group_kinds);

    [[nodiscard]] std::size_t unit_count() const noexcept { return units_; }
    [[nodiscard]] std::size_t group_count() const noexcept { return groups_; }
    [[nodiscard]] FiscalYear fiscal_year() const noexcept { return fy_; }
    [[nodiscard]] GroupKind kind(GroupIndex g) const { return kinds_[g]; }

    // Adds ore to (u, g, month) and to every ancestor of u in force in that month.
    // month is the fiscal month index 0..11. Preconditions (asserted): indexes in range.
    void Add(UnitIndex u, GroupIndex g, int month, std::int64_t ore) noexcept;

    [[nodiscard]] std::int64_t Own(UnitIndex u, GroupIndex g, int month) const noexcept {
        return own_[Cell(u, g, month)];
    }
    [[nodiscard]] std::int64_t Total(UnitIndex u, GroupIndex g, int month) const noexcept {
        return total_[Cell(u, g, month)];
    }
    // Total of all groups of a kind in a month.
    [[nodiscard]] std::int64_t KindTotal(UnitIndex u, GroupKind k, int month) const noexcept {
        return kind_total_[KindCell(u, k, month)];
    }
    // Months 0..through (inclusive); through = -1 gives 0.
    [[nodiscard]] std::int64_t GroupToDate(UnitIndex u, GroupIndex g, int through) const noexcept;
    [[nodiscard]] std::int64_t KindToDate(UnitIndex u, GroupKind k, int through) const noexcept;
    [[nodiscard]] MonthlyAmounts KindMonths(UnitIndex u, GroupKind k) const noexcept;
    [[nodiscard]] MonthlyAmounts GroupMonths(UnitIndex u, GroupIndex g) const noexcept;

    // Ancestors of u (excluding u) in force in fiscal month m.
    [[nodiscard]] std::span<const UnitIndex> AncestorsInMonth(UnitIndex u, int m) const noexcept;
    // u and every unit below it in fiscal month m (pre-order), in O(subtree size).
    [[nodiscard]] std::span<const UnitIndex> SubtreeInMonth(UnitIndex u, int m) const noexcept;
    // Recomputes every total from the own amounts with a new organisation (same unit ids;
    // units new in org start empty, units missing from org are dropped with their amounts
    // reported in the return value as öre, so a caller can reject the change).
    std::int64_t Restructure(const Organisation& old_org, const Organisation& new_org);

    [[nodiscard]] bool operator==(const Cube&) const = default;

private:
    [[nodiscard]] std::size_t Cell(UnitIndex u, GroupIndex g, int m) const noexcept {
        return (static_cast<std::size_t>(u) * groups_ + g) * kMonths + static_cast<std::size_t>(m);
    }
    [[nodiscard]] static std::size_t KindCell(UnitIndex u, GroupKind k, int m) noexcept {
        return (static_cast<std::size_t>(u) * 2 + static_cast<std::size_t>(k)) * kMonths +
               static_cast<std::size_t>(m);
    }
    void BuildAncestors(const Organisation& org);

    FiscalYear fy_;
    std::size_t units_ = 0;
    std::size_t groups_ = 0;
    std::vector<GroupKind> kinds_;
    std::vector<std::int64_t> own_;
    std::vector<std::int64_t> total_;
    std::vector<std::int64_t> kind_total_;
    // Per month: offsets (units_+1) into a flat list of ancestors.
    std::array<std::vector<std::uint32_t>, kMonths> anc_offsets_;
    std::array<std::vector<UnitIndex>, kMonths> anc_;
    // Per month: units in depth-first pre-order, and each unit's position and subtree size in
    // it, so a subtree is a contiguous slice.
    std::array<std::vector<UnitIndex>, kMonths> preorder_;
    std::array<std::vector<std::uint32_t>, kMonths> pos_;
    std::array<std::vector<std::uint32_t>, kMonths> subtree_size_;
};

// A ledger line resolved to dense indexes: what ingest publishes and analysis posts.
struct Posting {
    UnitIndex unit = 0;
    GroupIndex group = 0;
    std::uint32_t account = 0;  // an Interner index of the account number, < 2^24 (asserted)
    std::uint8_t month = 0;     // fiscal month index 0..11
    std::int64_t ore = 0;
};

struct AccountAmounts {
    std::uint32_t account = 0;
    GroupIndex group = 0;
    MonthlyAmounts months{};
};

class OutcomeLedger {
public:
    OutcomeLedger() = default;
    // keep_account_detail: account-level amounts for root causes. It costs a hash lookup and a
    // likely cache miss per line (see bench/domain_bench.cpp); a consumer that only needs
    // group totals (e.g. a roll-up stage) turns it off, and AccountsInSubtree is then empty.
    OutcomeLedger(const Organisation& org, FiscalYear fy, std::vector<GroupKind> group_kinds,
                  bool keep_account_detail = true);

    // Hot path: adds the posting to the cube, its account detail, and marks the unit dirty.
    void Post(const Posting& p);
    // The same as Post for each, with the account-detail lookups of later lines prefetched
    // while earlier ones are added (the detail table does not fit in cache).
    void PostBatch(std::span<const Posting> postings);

    [[nodiscard]] const Cube& cube() const noexcept { return cube_; }
    [[nodiscard]] std::uint64_t posted_count() const noexcept { return posted_; }

    // Marks units for the next TakeDirty without posting anything, e.g. after the budget or
    // the rules changed and every unit must be checked again.
    void MarkDirty(UnitIndex u);
    void MarkAllDirty();

    // Units whose totals changed since the last call: the posted units and all their
    // ancestors (in any month), each once, ascending. Clears the set.
    [[nodiscard]] std::vector<UnitIndex> TakeDirty();

    // Account detail of u's subtree: per (account, group), months 0..11, honouring the
    // structure of each month. Only non-zero rows.
    [[nodiscard]] std::vector<AccountAmounts> AccountsInSubtree(UnitIndex u) const;

private:
    struct Slot {
        std::uint64_t key = 0;  // 0 = empty; else (unit+1) << 32 | group << 24 | account
        std::uint32_t row = 0;
    };
    std::uint32_t RowFor(std::uint64_t key);
    [[nodiscard]] static std::uint64_t KeyOf(const Posting& p) noexcept {
        return (static_cast<std::uint64_t>(p.unit) + 1) << 32 |
               static_cast<std::uint64_t>(p.group) << 24 | p.account;
    }
    [[nodiscard]] std::size_t SlotOf(std::uint64_t key) const noexcept {
        return (key * 0x9E3779B97F4A7C15ull) >> 20 & (slots_.size() - 1);
    }
    void Grow();

    Cube cube_;
    std::vector<Slot> slots_;
    std::vector<std::uint64_t> row_key_;
    std::vector<MonthlyAmounts> rows_;
    std::vector<std::vector<std::uint32_t>> unit_rows_;  // rows of each unit's own postings
    std::vector<std::uint8_t> dirty_flag_;
    std::vector<UnitIndex> dirty_;
    std::uint64_t posted_ = 0;
    bool keep_account_detail_ = true;
};

}  // namespace bfu::domain
