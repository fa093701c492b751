#include "bfu/domain/org.hpp"

#include <algorithm>
#include <array>

#include "text.hpp"

namespace bfu::domain {
namespace {

using core::Errc;
using core::Error;

Error UnitError(const std::string& id, std::string msg) {
    return Error(Errc::kInvalidArgument, "unit " + id, std::move(msg));
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Walks up from u with the given parent array; true if it reaches the root without a cycle.
bool ReachesRoot(UnitIndex u, const std::vector<UnitIndex>& parent) {
    std::size_t steps = 0;
    while (u != kNoUnit) {
        if (++steps > parent.size()) return false;
        u = parent[u];
    }
    return true;
}

}  // namespace

std::string_view ToString(Level level) noexcept {
    switch (level) {
        case Level::kKf:
            return "KF";
        case Level::kKs:
            return "KS";
        case Level::kForvaltning:
            return "förvaltning";
        case Level::kNamnd:
            return "nämnd";
        case Level::kSektor:
            return "sektor";
        case Level::kVerksamhet:
            return "verksamhet";
        case Level::kEnhet:
            return "enhet";
    }
    return "?";
}

core::Result<Level> ParseLevel(std::string_view text) {
    const std::string t = Lower(text);
    if (t == "kf") return Level::kKf;
    if (t == "ks") return Level::kKs;
    if (t == "förvaltning" || t == "forvaltning" || t == "fÖrvaltning") return Level::kForvaltning;
    if (t == "nämnd" || t == "namnd" || t == "nÄmnd") return Level::kNamnd;
    if (t == "sektor") return Level::kSektor;
    if (t == "verksamhet") return Level::kVerksamhet;
    if (t == "enhet") return Level::kEnhet;
    return Error(
        Errc::kInvalidArgument, "level",
        internal::Quoted(text,
                         " is not a level; use KF, KS, förvaltning, nämnd, sektor, verksamhet or "
                         "enhet"));
}

bool IsAllowedParent(Level child, Level parent) noexcept {
    switch (child) {
        case Level::kKf:
            return false;
        case Level::kKs:
            return parent == Level::kKf;
        case Level::kForvaltning:
            return parent == Level::kKs;
        case Level::kNamnd:
            return parent == Level::kKf || parent == Level::kKs;
        case Level::kSektor:
            return parent == Level::kNamnd;
        case Level::kVerksamhet:
            return parent == Level::kSektor;
        case Level::kEnhet:
            return parent == Level::kVerksamhet || parent == Level::kSektor;
    }
    return false;
}

core::Result<Organisation> Organisation::Build(std::vector<UnitSpec> units,
                                               std::vector<UnitMove> moves) {
    Organisation org;
    const std::size_t n = units.size();
    if (n == 0) return Error(Errc::kInvalidArgument, "units", "the organisation has no units");
    if (n >= kNoUnit) return Error(Errc::kOutOfRange, "units", "too many units");
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& id = units[i].id.value();
        if (id.empty()) {
            return Error(Errc::kInvalidArgument, "units",
                         "unit number " + std::to_string(i + 1) + " ('" + units[i].name +
                             "') has an empty id");
        }
        if (!org.index_.emplace(id, static_cast<UnitIndex>(i)).second) {
            return Error(Errc::kAlreadyExists, "unit " + id,
                         "unit id '" + id + "' is listed twice");
        }
    }
    org.base_parent_.assign(n, kNoUnit);
    std::size_t ks_count = 0;
    std::size_t forvaltning_count = 0;
    UnitIndex ks = kNoUnit;
    UnitIndex forvaltning = kNoUnit;
    for (std::size_t i = 0; i < n; ++i) {
        const UnitSpec& s = units[i];
        const std::string& id = s.id.value();
        if (s.level == Level::kKs) {
            ++ks_count;
            ks = static_cast<UnitIndex>(i);
        }
        if (s.level == Level::kForvaltning) {
            ++forvaltning_count;
            forvaltning = static_cast<UnitIndex>(i);
        }
        if (s.mandate.IsNegative()) {
            return UnitError(id,
                             "'" + id + "' has a negative mandate; a mandate is an amount >= 0");
        }
        if (!s.parent) {
            if (s.level != Level::kKf) {
                return UnitError(id, "'" + id + "' (" + std::string(ToString(s.level)) +
                                         ") has no parent; only the KF is the root");
            }
            if (org.root_ != kNoUnit) {
                return UnitError(id, "'" + id + "' is a second KF root; '" +
                                         units[org.root_].id.value() + "' is the root already");
            }
            org.root_ = static_cast<UnitIndex>(i);
            continue;
        }
        const auto it = org.index_.find(s.parent->value());
        if (it == org.index_.end()) {
            return UnitError(
                id, "'" + id + "' names parent '" + s.parent->value() + "', which does not exist");
        }
        const UnitSpec& p = units[it->second];
        if (!IsAllowedParent(s.level, p.level)) {
            return UnitError(id, "'" + id + "' is a " + std::string(ToString(s.level)) +
                                     " and cannot sit under '" + p.id.value() + "', a " +
                                     std::string(ToString(p.level)));
        }
        org.base_parent_[i] = it->second;
    }
    if (org.root_ == kNoUnit) {
        return Error(Errc::kInvalidArgument, "units", "the organisation has no KF root");
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!ReachesRoot(static_cast<UnitIndex>(i), org.base_parent_)) {
            return UnitError(units[i].id.value(),
                             "'" + units[i].id.value() + "' is part of a cycle of parents");
        }
    }

    org.extra_lines_.assign(n, {});
    for (std::size_t i = 0; i < n; ++i) {
        const UnitSpec& s = units[i];
        auto& lines = org.extra_lines_[i];
        for (const auto& r : s.reports_to) {
            const auto it = org.index_.find(r.value());
            if (it == org.index_.end()) {
                return UnitError(s.id.value(), "'" + s.id.value() + "' reports to '" + r.value() +
                                                   "', which does not exist");
            }
            if (it->second == i) {
                return UnitError(s.id.value(), "'" + s.id.value() + "' reports to itself");
            }
            lines.push_back(it->second);
        }
        if (s.reports_to.empty() && s.level == Level::kSektor && forvaltning_count == 1) {
            lines.push_back(forvaltning);
        }
        if (s.reports_to.empty() && s.level == Level::kNamnd && ks_count >= 1 &&
            units[org.base_parent_[i]].level == Level::kKf) {
            lines.push_back(ks);
        }
    }

    // Moves, in date order; each is checked against the structure just before it applies.
    std::stable_sort(moves.begin(), moves.end(), [](const UnitMove& a, const UnitMove& b) {
        return a.effective < b.effective;
    });
    org.moves_by_unit_.assign(n, {});
    std::vector<UnitIndex> parent = org.base_parent_;
    for (const UnitMove& m : moves) {
        const auto u = org.index_.find(m.unit.value());
        if (u == org.index_.end()) {
            return UnitError(m.unit.value(),
                             "a move names unit '" + m.unit.value() + "', which does not exist");
        }
        const auto p = org.index_.find(m.new_parent.value());
        if (p == org.index_.end()) {
            return UnitError(m.unit.value(), "'" + m.unit.value() + "' is moved to parent '" +
                                                 m.new_parent.value() + "', which does not exist");
        }
        const UnitSpec& us = units[u->second];
        const UnitSpec& ps = units[p->second];
        if (!IsAllowedParent(us.level, ps.level)) {
            return UnitError(us.id.value(), "'" + us.id.value() + "' is a " +
                                                std::string(ToString(us.level)) +
                                                " and cannot be moved under '" + ps.id.value() +
                                                "', a " + std::string(ToString(ps.level)));
        }
        parent[u->second] = p->second;
        if (!ReachesRoot(u->second, parent)) {
            return UnitError(us.id.value(), "moving '" + us.id.value() + "' under '" +
                                                ps.id.value() + "' on " + m.effective.ToString() +
                                                " would create a cycle");
        }
        org.moves_by_unit_[u->second].emplace_back(m.effective, p->second);
    }
    org.moves_ = std::move(moves);
    org.units_ = std::move(units);
    return org;
}

std::optional<UnitIndex> Organisation::Find(const core::UnitId& id) const {
    return Find(std::string_view(id.value()));
}

std::optional<UnitIndex> Organisation::Find(std::string_view id) const {
    const auto it = index_.find(std::string(id));
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

UnitIndex Organisation::ParentAt(UnitIndex u, Date d) const {
    UnitIndex p = base_parent_[u];
    for (const auto& [when, to] : moves_by_unit_[u]) {
        if (when > d) break;
        p = to;
    }
    return p;
}

std::vector<UnitIndex> Organisation::ParentsAt(Date d) const {
    std::vector<UnitIndex> out(units_.size());
    for (UnitIndex u = 0; u < units_.size(); ++u) out[u] = ParentAt(u, d);
    return out;
}

std::vector<UnitIndex> Organisation::ChildrenAt(UnitIndex u, Date d) const {
    std::vector<UnitIndex> out;
    for (UnitIndex c = 0; c < units_.size(); ++c) {
        if (ParentAt(c, d) == u) out.push_back(c);
    }
    return out;
}

std::vector<UnitIndex> Organisation::AncestorsAt(UnitIndex u, Date d) const {
    std::vector<UnitIndex> out;
    for (UnitIndex p = ParentAt(u, d); p != kNoUnit; p = ParentAt(p, d)) out.push_back(p);
    return out;
}

bool Organisation::IsInSubtreeAt(UnitIndex u, UnitIndex top, Date d) const {
    for (UnitIndex x = u; x != kNoUnit; x = ParentAt(x, d)) {
        if (x == top) return true;
    }
    return false;
}

std::vector<UnitIndex> Organisation::SuperiorsAt(UnitIndex u, Date d) const {
    std::vector<UnitIndex> out;
    const UnitIndex p = ParentAt(u, d);
    // A nämnd under KF reports through KS (KS -> KF is the next ring), so KF is not told
    // before KS.
    const bool via_ks = units_[u].level == Level::kNamnd && p != kNoUnit &&
                        units_[p].level == Level::kKf &&
                        std::any_of(extra_lines_[u].begin(), extra_lines_[u].end(),
                                    [&](UnitIndex x) { return units_[x].level == Level::kKs; });
    if (p != kNoUnit && !via_ks) out.push_back(p);
    for (UnitIndex x : extra_lines_[u]) {
        if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
    }
    return out;
}

std::vector<std::vector<UnitIndex>> Organisation::EscalationRingsAt(UnitIndex u, Date d) const {
    std::vector<std::vector<UnitIndex>> rings;
    std::vector<bool> seen(units_.size(), false);
    seen[u] = true;
    std::vector<UnitIndex> frontier{u};
    while (!frontier.empty()) {
        std::vector<UnitIndex> next;
        for (UnitIndex x : frontier) {
            for (UnitIndex s : SuperiorsAt(x, d)) {
                if (!seen[s]) {
                    seen[s] = true;
                    next.push_back(s);
                }
            }
        }
        if (next.empty()) break;
        rings.push_back(next);
        frontier = std::move(next);
    }
    return rings;
}

}  // namespace bfu::domain
