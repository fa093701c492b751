#pragma once
// Outcome cells: the unit of analysis's state. A cell is the cumulative outcome of one
// (fiscal year, unit, account, period): the sum in öre of every ledger line of that cell that
// analysis has committed. Cells are what the posting stage writes to its changelog topic
// (bfu.analysis.outcome) and what the evaluation stage reads back; because each record holds
// the cell's new total (not a delta), reading a record twice, or the whole changelog again
// after a restart, gives the same state.
//
// Changelog record: key "<year>:<unit>:<account>:<period>" (e.g. "2026:E211:5410:202603"),
// value "<ore>;<group>;<partition>;<offset>;<at ms>;<source>;<voucher id>" where the last five
// name the latest line that changed the cell (its bfu.ledger.lines partition and offset, its
// timestamp, its voucher); source and voucher id are %-escaped (';' and '%').
//
// CellMap (stage 2) and PartitionCells (stage 1) are the in-memory stores: open-addressing hash
// tables from a packed 64-bit cell key (interned unit and account, fiscal year, period) to the
// öre total and a 32-bit tag (the interned account group, or the ledger partition), 20 bytes per
// slot and no allocation per cell. The table grows by half when 80 % full, so it is 53-80 % full
// and a million cells take 24-36 MiB (a power-of-two table grown at 70 % would be 35-70 % full).
//
// Thread-safety: none; each stage owns its maps and interners.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/domain/accounts.hpp"

namespace bfu::analysis {

// The ledger line that last changed a cell.
struct LineRef {
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    std::int64_t at_ms = 0;  // the line record's timestamp
    std::string source;
    std::string voucher;

    bool operator==(const LineRef&) const = default;
};

struct CellRecord {
    int year = 0;
    std::string unit;
    std::string account;
    std::string period;  // YYYYMM
    std::string group;
    std::int64_t ore = 0;
    LineRef last;

    bool operator==(const CellRecord&) const = default;
};

[[nodiscard]] std::string CellKey(int year, std::string_view unit, std::string_view account,
                                  std::string_view period);
[[nodiscard]] std::string EncodeCellValue(const CellRecord& cell);
// kInvalidArgument naming what is wrong with the key or the value.
[[nodiscard]] core::Result<CellRecord> DecodeCell(std::string_view key, std::string_view value);

// Interned coordinates of a cell, packed into 64 bits: unit index + 1 (20 bits), account index
// (19 bits), fiscal year - 1900 (11 bits), period as months since January 1900 (14 bits).
struct CellCoords {
    std::uint32_t unit = 0;
    std::uint32_t account = 0;
    int year = 0;
    int period_year = 0;
    int period_month = 1;  // 1..12

    [[nodiscard]] std::uint64_t Pack() const noexcept;
    [[nodiscard]] static CellCoords Unpack(std::uint64_t key) noexcept;
};

// Interns units, accounts and groups and turns a record's text coordinates into a packed key.
class CellIndex {
public:
    // kInvalidArgument for a period that is not YYYYMM or a year outside 1900-2999, and
    // kOutOfRange when more units or accounts arrive than the packing holds.
    [[nodiscard]] core::Result<std::uint64_t> KeyOf(int year, std::string_view unit,
                                                    std::string_view account,
                                                    std::string_view period);
    [[nodiscard]] std::uint32_t Group(std::string_view group) { return groups_.Intern(group); }

    [[nodiscard]] const std::string& UnitName(std::uint32_t u) const { return units_.Name(u); }
    [[nodiscard]] const std::string& AccountName(std::uint32_t a) const {
        return accounts_.Name(a);
    }
    [[nodiscard]] const std::string& GroupName(std::uint32_t g) const { return groups_.Name(g); }
    [[nodiscard]] const domain::Interner& accounts() const noexcept { return accounts_; }

private:
    domain::Interner units_;
    domain::Interner accounts_;
    domain::Interner groups_;
};

namespace detail {

// The slots shared by CellMap and PartitionCells: parallel arrays (a probe reads only keys),
// linear probing from a home slot spread over a table of any size (not only powers of two).
class CellSlots {
public:
    // `tag_is_identity`: a slot matches on key and tag (PartitionCells) rather than on the key
    // alone, the tag then being a value (CellMap).
    explicit CellSlots(bool tag_is_identity) noexcept : tag_is_identity_(tag_is_identity) {}

    static constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);

    // The slot of (key, tag), or the empty slot where it would go. Precondition: capacity() > 0.
    [[nodiscard]] std::size_t SlotOf(std::uint64_t key, std::uint32_t tag) const noexcept;
    // The slot of (key, tag) when present, else kNoSlot.
    [[nodiscard]] std::size_t FindSlot(std::uint64_t key, std::uint32_t tag) const noexcept;
    // The slot of (key, tag), made with ore 0 when absent (growing the table first if needed).
    std::size_t Insert(std::uint64_t key, std::uint32_t tag);
    // Keeps the slots for which keep(tag) is true; the table shrinks to fit them.
    template <typename Keep>
    void Retain(Keep&& keep);
    void Clear();

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return keys_.size(); }

    // Slot i: its key (0 when empty), öre and tag.
    [[nodiscard]] std::uint64_t key(std::size_t i) const noexcept { return keys_[i]; }
    [[nodiscard]] std::int64_t& ore(std::size_t i) noexcept { return ore_[i]; }
    [[nodiscard]] const std::int64_t& ore(std::size_t i) const noexcept { return ore_[i]; }
    [[nodiscard]] std::uint32_t& tag(std::size_t i) noexcept { return tag_[i]; }
    [[nodiscard]] std::uint32_t tag(std::size_t i) const noexcept { return tag_[i]; }

private:
    // Moves every slot into a table of `capacity` slots.
    void Rehash(std::size_t capacity);

    std::vector<std::uint64_t> keys_;  // 0 = empty
    std::vector<std::int64_t> ore_;
    std::vector<std::uint32_t> tag_;
    bool tag_is_identity_;
    std::size_t size_ = 0;
};

// The capacity that holds `n` cells below the maximum load.
[[nodiscard]] std::size_t CapacityFor(std::size_t n) noexcept;

template <typename Keep>
void CellSlots::Retain(Keep&& keep) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
        if (keys_[i] == 0) continue;
        if (keep(tag_[i])) {
            ++kept;
        } else {
            keys_[i] = 0;
        }
    }
    if (kept == size_) return;
    size_ = kept;
    // Linear probing cannot leave holes in a probe sequence: every kept slot is placed again.
    Rehash(kept == 0 ? 0 : CapacityFor(kept));
}

}  // namespace detail

// Stage 2's cells: key -> öre total and account group.
class CellMap {
public:
    struct Value {
        std::int64_t ore = 0;
        std::uint32_t group = 0;
    };

    // The value of `key`, or nullptr. `key` is never 0 (CellCoords::Pack guarantees it).
    [[nodiscard]] const std::int64_t* Find(std::uint64_t key) const noexcept;
    // Sets the value of `key` (inserting it); returns the previous one (ore 0 when new).
    Value Set(std::uint64_t key, Value value);
    // Adds ore to `key` (inserting it with `group`), sets its group; returns the new total.
    std::int64_t Add(std::uint64_t key, std::int64_t ore, std::uint32_t group);

    [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }
    // Slots allocated (each 20 bytes), for the memory figures.
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.capacity(); }
    void Clear() { slots_.Clear(); }

    template <typename F>
    void ForEach(F&& f) const {
        for (std::size_t i = 0; i < slots_.capacity(); ++i) {
            if (slots_.key(i) != 0) f(slots_.key(i), Value{slots_.ore(i), slots_.tag(i)});
        }
    }

private:
    detail::CellSlots slots_{false};
};

// Stage 1's cells of every partition this instance holds, in one table: (partition, key) -> öre
// total. A cell is one partition's sum, as if each partition had a map of its own (the lines of
// one unit are in one partition, but nothing here relies on it), without a half-empty table per
// partition.
class PartitionCells {
public:
    // Adds ore to the partition's cell `key` (inserting it); returns the new total.
    std::int64_t Add(std::int32_t partition, std::uint64_t key, std::int64_t ore);
    // Sets the partition's cell `key` to `ore` (inserting it).
    void Set(std::int32_t partition, std::uint64_t key, std::int64_t ore);
    // The partition's total of `key`, or nullptr.
    [[nodiscard]] const std::int64_t* Find(std::int32_t partition,
                                           std::uint64_t key) const noexcept;
    // Forgets every cell of `partition` (O(table size): a rebalance or a restore, not per line).
    void Erase(std::int32_t partition);

    [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.capacity(); }

private:
    detail::CellSlots slots_{true};
};

}  // namespace bfu::analysis
