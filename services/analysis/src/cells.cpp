#include "bfu/analysis/cells.hpp"

#include <charconv>

namespace bfu::analysis {

namespace {

constexpr std::uint32_t kUnitBits = 20;
constexpr std::uint32_t kAccountBits = 19;
constexpr std::uint32_t kYearBits = 11;
constexpr std::uint32_t kPeriodBits = 14;
static_assert(kUnitBits + kAccountBits + kYearBits + kPeriodBits == 64);
constexpr std::uint64_t kMaxUnits = (1ULL << kUnitBits) - 1;  // unit + 1 must fit
constexpr std::uint64_t kMaxAccounts = 1ULL << kAccountBits;

std::string Escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        if (c == '%') {
            out += "%25";
        } else if (c == ';') {
            out += "%3B";
        } else {
            out += c;
        }
    }
    return out;
}

std::string Unescape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s.substr(i, 3) == "%25") {
            out += '%';
            i += 2;
        } else if (s.substr(i, 3) == "%3B") {
            out += ';';
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
    if (s.empty()) return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
}

core::Error Bad(std::string_view what, std::string_view text) {
    return core::Error(core::Errc::kInvalidArgument, "bfu.analysis.outcome",
                       std::string(what) + ": '" + std::string(text) + "'");
}

// Splits on ';' into at most `n` fields, the last taking the rest.
std::vector<std::string_view> Split(std::string_view s, std::size_t n) {
    std::vector<std::string_view> out;
    while (out.size() + 1 < n) {
        const auto semi = s.find(';');
        if (semi == std::string_view::npos) break;
        out.push_back(s.substr(0, semi));
        s.remove_prefix(semi + 1);
    }
    out.push_back(s);
    return out;
}

bool ParsePeriod(std::string_view period, int& year, int& month) {
    return period.size() == 6 && ParseNumber(period.substr(0, 4), year) &&
           ParseNumber(period.substr(4, 2), month) && month >= 1 && month <= 12 && year >= 1900 &&
           year < 1900 + static_cast<int>((1U << kPeriodBits) / 12);
}

std::uint64_t Mix(std::uint64_t x) noexcept {
    // splitmix64's finaliser: packed keys differ in few bits, the slot index must not.
    x ^= x >> 30U;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27U;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31U;
    return x;
}

}  // namespace

std::string CellKey(int year, std::string_view unit, std::string_view account,
                    std::string_view period) {
    std::string k = std::to_string(year);
    k += ':';
    k += unit;
    k += ':';
    k += account;
    k += ':';
    k += period;
    return k;
}

std::string EncodeCellValue(const CellRecord& cell) {
    std::string v = std::to_string(cell.ore);
    v += ';';
    v += Escape(cell.group);
    v += ';';
    v += std::to_string(cell.last.partition);
    v += ';';
    v += std::to_string(cell.last.offset);
    v += ';';
    v += std::to_string(cell.last.at_ms);
    v += ';';
    v += Escape(cell.last.source);
    v += ';';
    v += Escape(cell.last.voucher);
    return v;
}

core::Result<CellRecord> DecodeCell(std::string_view key, std::string_view value) {
    CellRecord c;
    // year:unit:account:period; the unit may itself contain ':', the others may not.
    const auto first = key.find(':');
    const auto last = key.rfind(':');
    if (first == std::string_view::npos || last <= first) return Bad("cell key", key);
    const auto before_last = key.rfind(':', last - 1);
    if (before_last <= first) return Bad("cell key", key);
    if (!ParseNumber(key.substr(0, first), c.year)) return Bad("cell key year", key);
    c.unit = std::string(key.substr(first + 1, before_last - first - 1));
    c.account = std::string(key.substr(before_last + 1, last - before_last - 1));
    c.period = std::string(key.substr(last + 1));
    int py = 0;
    int pm = 0;
    if (c.unit.empty() || c.account.empty() || !ParsePeriod(c.period, py, pm)) {
        return Bad("cell key", key);
    }
    const auto f = Split(value, 7);
    if (f.size() != 7) return Bad("cell value (7 fields)", value);
    if (!ParseNumber(f[0], c.ore)) return Bad("cell value öre", value);
    c.group = Unescape(f[1]);
    if (!ParseNumber(f[2], c.last.partition) || !ParseNumber(f[3], c.last.offset) ||
        !ParseNumber(f[4], c.last.at_ms)) {
        return Bad("cell value line reference", value);
    }
    c.last.source = Unescape(f[5]);
    c.last.voucher = Unescape(f[6]);
    return c;
}

std::uint64_t CellCoords::Pack() const noexcept {
    const auto months = static_cast<std::uint64_t>((period_year - 1900) * 12 + (period_month - 1));
    std::uint64_t k = static_cast<std::uint64_t>(unit) + 1;
    k = (k << kAccountBits) | account;
    k = (k << kYearBits) | static_cast<std::uint64_t>(year - 1900);
    k = (k << kPeriodBits) | months;
    return k;
}

CellCoords CellCoords::Unpack(std::uint64_t key) noexcept {
    CellCoords c;
    const auto months = static_cast<int>(key & ((1ULL << kPeriodBits) - 1));
    key >>= kPeriodBits;
    c.year = static_cast<int>(key & ((1ULL << kYearBits) - 1)) + 1900;
    key >>= kYearBits;
    c.account = static_cast<std::uint32_t>(key & ((1ULL << kAccountBits) - 1));
    key >>= kAccountBits;
    c.unit = static_cast<std::uint32_t>(key - 1);
    c.period_year = 1900 + months / 12;
    c.period_month = months % 12 + 1;
    return c;
}

core::Result<std::uint64_t> CellIndex::KeyOf(int year, std::string_view unit,
                                             std::string_view account, std::string_view period) {
    CellCoords c;
    if (year < 1900 || year >= 1900 + (1 << kYearBits)) {
        return Bad("fiscal year", std::to_string(year));
    }
    c.year = year;
    if (!ParsePeriod(period, c.period_year, c.period_month)) return Bad("period", period);
    auto u = units_.Find(unit);
    if (!u && units_.size() >= kMaxUnits) {
        return core::Error(core::Errc::kOutOfRange, "/unit",
                           "more than " + std::to_string(kMaxUnits) + " units");
    }
    auto a = accounts_.Find(account);
    if (!a && accounts_.size() >= kMaxAccounts) {
        return core::Error(core::Errc::kOutOfRange, "/account",
                           "more than " + std::to_string(kMaxAccounts) + " accounts");
    }
    c.unit = u ? *u : units_.Intern(unit);
    c.account = a ? *a : accounts_.Intern(account);
    return c.Pack();
}

namespace detail {

namespace {

// The smallest table (20 KiB).
constexpr std::size_t kMinCapacity = 1024;

// True when `size` cells would fill more than 4/5 of `capacity` slots; the table then grows by
// half. Linear probing with a well-mixed key finds a cell in about 3 probes on average at that
// load, and a table is at least 8/15 full after growing.
bool OverLoad(std::size_t size, std::size_t capacity) noexcept { return size * 5 > capacity * 4; }

}  // namespace

std::size_t CapacityFor(std::size_t n) noexcept {
    std::size_t c = kMinCapacity;
    while (OverLoad(n, c)) c += c / 2;
    return c;
}

std::size_t CellSlots::SlotOf(std::uint64_t key, std::uint32_t tag) const noexcept {
    const std::size_t n = keys_.size();
    // The upper 32 bits of the mixed key scaled to [0, n) (n < 2^32): any table size works.
    std::size_t i = static_cast<std::size_t>(((Mix(key) >> 32U) * n) >> 32U);
    while (keys_[i] != 0 && (keys_[i] != key || (tag_is_identity_ && tag_[i] != tag))) {
        if (++i == n) i = 0;
    }
    return i;
}

std::size_t CellSlots::FindSlot(std::uint64_t key, std::uint32_t tag) const noexcept {
    if (keys_.empty()) return kNoSlot;
    const std::size_t i = SlotOf(key, tag);
    return keys_[i] == 0 ? kNoSlot : i;
}

std::size_t CellSlots::Insert(std::uint64_t key, std::uint32_t tag) {
    if (keys_.empty() || OverLoad(size_ + 1, keys_.size())) {
        Rehash(keys_.empty() ? kMinCapacity : keys_.size() + keys_.size() / 2);
    }
    const std::size_t i = SlotOf(key, tag);
    if (keys_[i] == 0) {
        keys_[i] = key;
        ore_[i] = 0;
        tag_[i] = tag;
        ++size_;
    }
    return i;
}

void CellSlots::Clear() {
    keys_ = {};
    ore_ = {};
    tag_ = {};
    size_ = 0;
}

void CellSlots::Rehash(std::size_t capacity) {
    std::vector<std::uint64_t> keys = std::move(keys_);
    std::vector<std::int64_t> ore = std::move(ore_);
    std::vector<std::uint32_t> tag = std::move(tag_);
    keys_ = {};
    ore_ = {};
    tag_ = {};
    if (capacity == 0) return;
    keys_.assign(capacity, 0);
    ore_.assign(capacity, 0);
    tag_.assign(capacity, 0);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == 0) continue;
        const std::size_t j = SlotOf(keys[i], tag[i]);
        keys_[j] = keys[i];
        ore_[j] = ore[i];
        tag_[j] = tag[i];
    }
}

}  // namespace detail

const std::int64_t* CellMap::Find(std::uint64_t key) const noexcept {
    const std::size_t i = slots_.FindSlot(key, 0);
    return i == detail::CellSlots::kNoSlot ? nullptr : &slots_.ore(i);
}

CellMap::Value CellMap::Set(std::uint64_t key, Value value) {
    const std::size_t before_size = slots_.size();
    const std::size_t i = slots_.Insert(key, value.group);
    Value before;
    if (slots_.size() == before_size) before = {slots_.ore(i), slots_.tag(i)};
    slots_.ore(i) = value.ore;
    slots_.tag(i) = value.group;
    return before;
}

std::int64_t CellMap::Add(std::uint64_t key, std::int64_t ore, std::uint32_t group) {
    const std::size_t i = slots_.Insert(key, group);
    slots_.ore(i) += ore;
    slots_.tag(i) = group;
    return slots_.ore(i);
}

std::int64_t PartitionCells::Add(std::int32_t partition, std::uint64_t key, std::int64_t ore) {
    const std::size_t i = slots_.Insert(key, static_cast<std::uint32_t>(partition));
    slots_.ore(i) += ore;
    return slots_.ore(i);
}

void PartitionCells::Set(std::int32_t partition, std::uint64_t key, std::int64_t ore) {
    slots_.ore(slots_.Insert(key, static_cast<std::uint32_t>(partition))) = ore;
}

const std::int64_t* PartitionCells::Find(std::int32_t partition, std::uint64_t key) const noexcept {
    const std::size_t i = slots_.FindSlot(key, static_cast<std::uint32_t>(partition));
    return i == detail::CellSlots::kNoSlot ? nullptr : &slots_.ore(i);
}

void PartitionCells::Erase(std::int32_t partition) {
    const auto tag = static_cast<std::uint32_t>(partition);
    slots_.Retain([tag](std::uint32_t t) { return t != tag; });
}

}  // namespace bfu::analysis
