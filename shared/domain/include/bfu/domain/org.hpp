#pragma once
// The organisation (S4, S7): a tree of units with a level, a manager and a mandate, reporting
// lines beyond the tree, and reorganisations that move a unit to another parent from a date.
//
// Levels, top down: KF -> KS -> förvaltning (the kommundirektör) -> nämnd -> sektor ->
// verksamhet -> enhet. The tree is the political/budget line along which figures roll up:
//   KS          parent KF
//   förvaltning parent KS
//   nämnd       parent KF or KS
//   sektor      parent nämnd
//   verksamhet  parent sektor
//   enhet       parent verksamhet (or directly a sektor, for small sectors)
// Reporting lines (who is told about a deviation) are the tree parent plus extra lines:
//   - a sektor also reports to the förvaltning (the kommundirektör); added automatically when
//     the organisation has exactly one förvaltning and the spec lists none;
//   - a nämnd whose tree parent is KF also reports to KS (KS has oversight of the nämnder);
//     added automatically when the organisation has a KS;
//   - the förvaltning reports to KS, its tree parent.
// Any unit may list further `reports_to` lines explicitly.
//
// Reorganisation: a UnitMove gives a unit a new parent from an effective date. ParentAt(u, d)
// is exact by date; monthly roll-ups use the structure in force on the first day of the month,
// so a move effective 1 April counts from April and one dated 15 March also from April.
//
// Lifecycle: built once from specs by Organisation::Build, which validates everything and
// interns unit ids to dense UnitIndex values (0..size-1, in spec order). Immutable afterwards;
// a new master-data version builds a new Organisation. Thread-safe for concurrent reads.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bfu/core/money.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"
#include "bfu/domain/calendar.hpp"

namespace bfu::domain {

enum class Level : std::uint8_t { kKf, kKs, kForvaltning, kNamnd, kSektor, kVerksamhet, kEnhet };
inline constexpr int kLevelCount = 7;

// "KF", "KS", "förvaltning", "nämnd", "sektor", "verksamhet", "enhet".
[[nodiscard]] std::string_view ToString(Level level) noexcept;
// Accepts the names above, case-insensitively for ASCII, and "forvaltning"/"namnd" without
// diacritics.
[[nodiscard]] core::Result<Level> ParseLevel(std::string_view text);

using UnitIndex = std::uint32_t;
inline constexpr UnitIndex kNoUnit = 0xFFFFFFFFu;

struct Manager {
    std::string name;
    std::string role;  // e.g. "enhetschef", "sektorchef", "kommundirektör"
    std::string email;
    bool operator==(const Manager&) const = default;
};

struct UnitSpec {
    core::UnitId id;
    std::string name;
    Level level = Level::kEnhet;
    std::optional<core::UnitId> parent;  // empty only for the KF root
    Manager manager;
    // How large a deviation the manager may handle alone (S7).
    core::Money mandate;
    // Extra reporting lines beyond the tree parent (see the file comment for the defaults).
    std::vector<core::UnitId> reports_to;
};

struct UnitMove {
    core::UnitId unit;
    core::UnitId new_parent;
    Date effective;            // the new parent applies from this date (inclusive)
    std::string decision_ref;  // e.g. "KF § 12/2026"
};

class Organisation {
public:
    Organisation() = default;

    // Validates: unique non-empty ids; exactly one root, of level KF; every parent exists and
    // has an allowed level; no cycles; reporting lines name existing units; moves name existing
    // units, keep the level rules, create no cycle. Errors name the unit concerned.
    [[nodiscard]] static core::Result<Organisation> Build(std::vector<UnitSpec> units,
                                                          std::vector<UnitMove> moves = {});

    [[nodiscard]] std::size_t size() const noexcept { return units_.size(); }
    [[nodiscard]] std::optional<UnitIndex> Find(const core::UnitId& id) const;
    [[nodiscard]] std::optional<UnitIndex> Find(std::string_view id) const;
    [[nodiscard]] const UnitSpec& unit(UnitIndex u) const { return units_[u]; }
    [[nodiscard]] const std::vector<UnitSpec>& units() const noexcept { return units_; }
    [[nodiscard]] const std::vector<UnitMove>& moves() const noexcept { return moves_; }
    [[nodiscard]] UnitIndex root() const noexcept { return root_; }

    // Tree parent in force on date d (kNoUnit for the root).
    [[nodiscard]] UnitIndex ParentAt(UnitIndex u, Date d) const;
    // The parent of every unit on date d, indexed by UnitIndex (kNoUnit for the root).
    [[nodiscard]] std::vector<UnitIndex> ParentsAt(Date d) const;
    [[nodiscard]] std::vector<UnitIndex> ChildrenAt(UnitIndex u, Date d) const;
    // Parent, grandparent, ... up to the root, on date d.
    [[nodiscard]] std::vector<UnitIndex> AncestorsAt(UnitIndex u, Date d) const;
    // True if u is `top` or lies below it on date d.
    [[nodiscard]] bool IsInSubtreeAt(UnitIndex u, UnitIndex top, Date d) const;

    // Who is told at once about a deviation at u: the tree parent plus the reporting lines.
    [[nodiscard]] std::vector<UnitIndex> SuperiorsAt(UnitIndex u, Date d) const;
    // Rings of escalation: [0] = SuperiorsAt(u), [1] = their superiors not yet listed, ... up
    // to KF. Enhet: [verksamhet], [sektor], [nämnd, förvaltning], [KS], [KF].
    [[nodiscard]] std::vector<std::vector<UnitIndex>> EscalationRingsAt(UnitIndex u, Date d) const;

private:
    std::vector<UnitSpec> units_;
    std::vector<UnitMove> moves_;         // sorted by effective date
    std::vector<UnitIndex> base_parent_;  // from the specs
    std::vector<std::vector<UnitIndex>> extra_lines_;
    std::vector<std::vector<std::pair<Date, UnitIndex>>> moves_by_unit_;  // sorted by date
    std::unordered_map<std::string, UnitIndex> index_;
    UnitIndex root_ = kNoUnit;
};

// True if a unit of level `child` may have a tree parent of level `parent`.
[[nodiscard]] bool IsAllowedParent(Level child, Level parent) noexcept;

}  // namespace bfu::domain
