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
// CellMap is the in-memory store: an open-addressing hash table from a packed 64-bit cell key
// (interned unit and account, fiscal year, period) to the öre total and the interned account
// group, 20 bytes per slot and no allocation per cell, so a million cells take tens of MiB.
//
// Thread-safety: none; each stage owns its maps and interners.
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

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    void Clear();

    template <typename F>
    void ForEach(F&& f) const {
        for (std::size_t i = 0; i < keys_.size(); ++i) {
            if (keys_[i] != 0) f(keys_[i], Value{ore_[i], group_[i]});
        }
    }

private:
    [[nodiscard]] std::size_t SlotOf(std::uint64_t key) const noexcept;
    void Grow();

    std::vector<std::uint64_t> keys_;
    std::vector<std::int64_t> ore_;
    std::vector<std::uint32_t> group_;
    std::size_t size_ = 0;
};

}  // namespace bfu::analysis
