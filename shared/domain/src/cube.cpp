#include "bfu/domain/cube.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <unordered_map>

namespace bfu::domain {

Cube::Cube(const Organisation& org, FiscalYear fy, std::vector<GroupKind> group_kinds)
    : fy_(fy),
      units_(org.size()),
      groups_(group_kinds.size()),
      kinds_(std::move(group_kinds)),
      own_(units_ * groups_ * kMonths, 0),
      total_(units_ * groups_ * kMonths, 0),
      kind_total_(units_ * 2 * kMonths, 0) {
    BuildAncestors(org);
}

void Cube::BuildAncestors(const Organisation& org) {
    for (int m = 0; m < kMonths; ++m) {
        const std::vector<UnitIndex> parent = org.ParentsAt(fy_.PeriodAt(m).FirstDay());
        auto& offsets = anc_offsets_[static_cast<std::size_t>(m)];
        auto& flat = anc_[static_cast<std::size_t>(m)];
        offsets.assign(units_ + 1, 0);
        flat.clear();
        for (UnitIndex u = 0; u < units_; ++u) {
            offsets[u] = static_cast<std::uint32_t>(flat.size());
            for (UnitIndex p = parent[u]; p != kNoUnit; p = parent[p]) flat.push_back(p);
        }
        offsets[units_] = static_cast<std::uint32_t>(flat.size());

        // Pre-order by an explicit stack (the tree is shallow, but input is not trusted to be).
        std::vector<std::vector<UnitIndex>> children(units_);
        std::vector<UnitIndex> roots;
        for (UnitIndex u = 0; u < units_; ++u) {
            (parent[u] == kNoUnit ? roots : children[parent[u]]).push_back(u);
        }
        auto& order = preorder_[static_cast<std::size_t>(m)];
        auto& pos = pos_[static_cast<std::size_t>(m)];
        auto& size = subtree_size_[static_cast<std::size_t>(m)];
        order.clear();
        pos.assign(units_, 0);
        size.assign(units_, 1);
        std::vector<UnitIndex> stack(roots.rbegin(), roots.rend());
        while (!stack.empty()) {
            const UnitIndex u = stack.back();
            stack.pop_back();
            pos[u] = static_cast<std::uint32_t>(order.size());
            order.push_back(u);
            for (auto it = children[u].rbegin(); it != children[u].rend(); ++it)
                stack.push_back(*it);
        }
        // Subtree sizes bottom-up: children come after their parent in pre-order.
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            if (parent[*it] != kNoUnit) size[parent[*it]] += size[*it];
        }
    }
}

std::span<const UnitIndex> Cube::SubtreeInMonth(UnitIndex u, int m) const noexcept {
    const auto mi = static_cast<std::size_t>(m);
    return std::span<const UnitIndex>(preorder_[mi].data() + pos_[mi][u], subtree_size_[mi][u]);
}

void Cube::Add(UnitIndex u, GroupIndex g, int month, std::int64_t ore) noexcept {
    assert(u < units_ && g < groups_ && month >= 0 && month < kMonths);
    const auto k = kinds_[g];
    own_[Cell(u, g, month)] += ore;
    total_[Cell(u, g, month)] += ore;
    kind_total_[KindCell(u, k, month)] += ore;
    for (UnitIndex a : AncestorsInMonth(u, month)) {
        total_[Cell(a, g, month)] += ore;
        kind_total_[KindCell(a, k, month)] += ore;
    }
}

std::int64_t Cube::GroupToDate(UnitIndex u, GroupIndex g, int through) const noexcept {
    std::int64_t sum = 0;
    for (int m = 0; m <= std::min(through, kMonths - 1); ++m) sum += Total(u, g, m);
    return sum;
}

std::int64_t Cube::KindToDate(UnitIndex u, GroupKind k, int through) const noexcept {
    std::int64_t sum = 0;
    for (int m = 0; m <= std::min(through, kMonths - 1); ++m) sum += KindTotal(u, k, m);
    return sum;
}

MonthlyAmounts Cube::KindMonths(UnitIndex u, GroupKind k) const noexcept {
    MonthlyAmounts out{};
    for (int m = 0; m < kMonths; ++m) out[static_cast<std::size_t>(m)] = KindTotal(u, k, m);
    return out;
}

MonthlyAmounts Cube::GroupMonths(UnitIndex u, GroupIndex g) const noexcept {
    MonthlyAmounts out{};
    for (int m = 0; m < kMonths; ++m) out[static_cast<std::size_t>(m)] = Total(u, g, m);
    return out;
}

std::span<const UnitIndex> Cube::AncestorsInMonth(UnitIndex u, int m) const noexcept {
    const auto& offsets = anc_offsets_[static_cast<std::size_t>(m)];
    const auto& flat = anc_[static_cast<std::size_t>(m)];
    return std::span<const UnitIndex>(flat.data() + offsets[u], offsets[u + 1] - offsets[u]);
}

std::int64_t Cube::Restructure(const Organisation& old_org, const Organisation& new_org) {
    Cube fresh(new_org, fy_, kinds_);
    std::int64_t dropped = 0;
    for (UnitIndex u = 0; u < units_; ++u) {
        const auto nu = new_org.Find(old_org.unit(u).id);
        for (GroupIndex g = 0; g < groups_; ++g) {
            for (int m = 0; m < kMonths; ++m) {
                const std::int64_t v = Own(u, g, m);
                if (v == 0) continue;
                if (nu) {
                    fresh.Add(*nu, g, m, v);
                } else {
                    dropped += v < 0 ? -v : v;
                }
            }
        }
    }
    *this = std::move(fresh);
    return dropped;
}

OutcomeLedger::OutcomeLedger(const Organisation& org, FiscalYear fy,
                             std::vector<GroupKind> group_kinds, bool keep_account_detail)
    : cube_(org, fy, std::move(group_kinds)),
      // Room for a few accounts per unit and group before the first rehash.
      slots_(std::bit_ceil(std::max<std::size_t>(1024, org.size() * cube_.group_count() * 8))),
      unit_rows_(org.size()),
      dirty_flag_(org.size(), 0),
      keep_account_detail_(keep_account_detail) {
    assert(cube_.group_count() < 256);
}

void OutcomeLedger::Grow() {
    std::vector<Slot> bigger(slots_.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (const Slot& s : slots_) {
        if (s.key == 0) continue;
        std::size_t i = (s.key * 0x9E3779B97F4A7C15ull) >> 20 & mask;  // SlotOf, new size
        while (bigger[i].key != 0) i = (i + 1) & mask;
        bigger[i] = s;
    }
    slots_ = std::move(bigger);
}

std::uint32_t OutcomeLedger::RowFor(std::uint64_t key) {
    if ((rows_.size() + 1) * 2 > slots_.size()) Grow();
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = SlotOf(key);
    while (true) {
        Slot& s = slots_[i];
        if (s.key == key) return s.row;
        if (s.key == 0) {
            s.key = key;
            s.row = static_cast<std::uint32_t>(rows_.size());
            rows_.push_back(MonthlyAmounts{});
            row_key_.push_back(key);
            unit_rows_[static_cast<std::size_t>((key >> 32) - 1)].push_back(s.row);
            return s.row;
        }
        i = (i + 1) & mask;
    }
}

void OutcomeLedger::Post(const Posting& p) {
    assert(p.account < (1u << 24));
    cube_.Add(p.unit, p.group, p.month, p.ore);
    if (keep_account_detail_) {
        rows_[RowFor(KeyOf(p))][p.month] += p.ore;
    }
    if (!dirty_flag_[p.unit]) {
        dirty_flag_[p.unit] = 1;
        dirty_.push_back(p.unit);
    }
    ++posted_;
}

void OutcomeLedger::PostBatch(std::span<const Posting> postings) {
    const std::size_t n = postings.size();
    if (!keep_account_detail_) {
        for (const Posting& p : postings) Post(p);
        return;
    }
    // Two-stage software pipeline: the slot of line i+32 is prefetched; by the time it is line
    // i+16 its slot is in cache, so the row cell can be found and prefetched in turn.
    constexpr std::size_t kSlotAhead = 32;
    constexpr std::size_t kRowAhead = 16;
    for (std::size_t i = 0; i < n; ++i) {
        if (i + kSlotAhead < n)
            __builtin_prefetch(&slots_[SlotOf(KeyOf(postings[i + kSlotAhead]))]);
        if (i + kRowAhead < n) {
            const Posting& ahead = postings[i + kRowAhead];
            const std::uint64_t key = KeyOf(ahead);
            const Slot& s = slots_[SlotOf(key)];
            if (s.key == key) __builtin_prefetch(&rows_[s.row][ahead.month]);
        }
        Post(postings[i]);
    }
}

void OutcomeLedger::MarkDirty(UnitIndex u) {
    if (!dirty_flag_[u]) {
        dirty_flag_[u] = 1;
        dirty_.push_back(u);
    }
}

void OutcomeLedger::MarkAllDirty() {
    for (UnitIndex u = 0; u < dirty_flag_.size(); ++u) MarkDirty(u);
}

std::vector<UnitIndex> OutcomeLedger::TakeDirty() {
    std::vector<UnitIndex> out = dirty_;
    for (UnitIndex u : dirty_) {
        for (int m = 0; m < kMonths; ++m) {
            for (UnitIndex a : cube_.AncestorsInMonth(u, m)) {
                if (!dirty_flag_[a]) {
                    dirty_flag_[a] = 1;
                    out.push_back(a);
                }
            }
        }
    }
    for (UnitIndex u : out) dirty_flag_[u] = 0;
    dirty_.clear();
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<AccountAmounts> OutcomeLedger::AccountsInSubtree(UnitIndex top) const {
    std::vector<AccountAmounts> out;
    std::unordered_map<std::uint32_t, std::size_t> seen;  // group<<24|account -> out index
    for (int m = 0; m < kMonths; ++m) {
        const auto mi = static_cast<std::size_t>(m);
        for (UnitIndex unit : cube_.SubtreeInMonth(top, m)) {
            for (std::uint32_t r : unit_rows_[unit]) {
                const std::int64_t v = rows_[r][mi];
                if (v == 0) continue;
                const auto ga = static_cast<std::uint32_t>(row_key_[r] & 0xFFFFFFFFu);
                const auto [it, fresh] = seen.emplace(ga, out.size());
                if (fresh) {
                    AccountAmounts row;
                    row.account = ga & 0xFFFFFFu;
                    row.group = ga >> 24;
                    out.push_back(row);
                }
                out[it->second].months[mi] += v;
            }
        }
    }
    return out;
}

}  // namespace bfu::domain
