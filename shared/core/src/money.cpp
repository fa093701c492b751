#include "bfu/core/money.hpp"

#include <cassert>
#include <limits>

namespace bfu::core {
namespace {

__extension__ using Int128 = __int128;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::string_view kMinus = "\u2212";  // U+2212 MINUS SIGN, what Swedish print uses

Error Invalid(std::string_view text, std::string_view why) {
    std::string msg = "amount '";
    msg += text;
    msg += "' ";
    msg += why;
    return Error(Errc::kInvalidArgument, "amount", std::move(msg));
}

// Length of a group separator starting at text[i]: ' ', U+00A0, U+202F; 0 if none.
std::size_t GroupSeparatorAt(std::string_view text, std::size_t i) {
    if (text[i] == ' ') return 1;
    if (text.substr(i, 2) == "\xC2\xA0") return 2;
    if (text.substr(i, 3) == "\xE2\x80\xAF") return 3;
    return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Rounds a / b half away from zero; b > 0.
Int128 DivRound(Int128 a, Int128 b) {
    const Int128 q = a / b;
    const Int128 r = a % b;
    const Int128 twice = (r < 0 ? -r : r) * 2;
    if (twice >= b) return a < 0 ? q - 1 : q + 1;
    return q;
}

std::string Signed(bool negative, std::string body) {
    if (!negative) return body;
    std::string out(kMinus);
    out += body;
    return out;
}

// |ore| scaled by 1/divisor, rounded half away from zero to `decimals` decimals, as Swedish
// text without sign.
std::string ScaledBody(std::int64_t ore, std::int64_t divisor, int decimals) {
    Int128 mag = ore;
    if (mag < 0) mag = -mag;
    Int128 scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    const Int128 units = DivRound(mag * scale, divisor);
    const auto whole = static_cast<std::uint64_t>(units / scale);
    std::string out = GroupThousands(whole);
    if (decimals > 0) {
        auto frac = static_cast<std::uint64_t>(units % scale);
        std::string digits = std::to_string(frac);
        const auto width = static_cast<std::size_t>(decimals);
        if (digits.size() < width) digits = std::string(width - digits.size(), '0') + digits;
        out += ',';
        out += digits;
    }
    return out;
}

// True if the rounded display value is zero (no minus sign on "0,0 tkr").
bool RoundsToZero(std::int64_t ore, std::int64_t divisor, int decimals) {
    Int128 mag = ore;
    if (mag < 0) mag = -mag;
    Int128 scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    return DivRound(mag * scale, divisor) == 0;
}

std::string FormatScaled(Money m, std::int64_t divisor, int decimals, std::string_view unit) {
    const bool negative = m.ore() < 0 && !RoundsToZero(m.ore(), divisor, decimals);
    std::string out = Signed(negative, ScaledBody(m.ore(), divisor, decimals));
    out += ' ';
    out += unit;
    return out;
}

}  // namespace

Result<Money> Money::FromKronorChecked(std::int64_t kronor) {
    std::int64_t ore = 0;
    if (__builtin_mul_overflow(kronor, std::int64_t{100}, &ore)) {
        return Error(Errc::kOutOfRange, "amount", "kronor amount overflows the öre range");
    }
    return Money(ore);
}

Result<Money> Money::Parse(std::string_view original) {
    std::string_view text = original;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' ||
                             text.front() == '\n')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                             text.back() == '\n')) {
        text.remove_suffix(1);
    }
    if (text.empty()) return Invalid(original, "is empty; write e.g. 1234.50");

    bool negative = false;
    if (text.front() == '-' || text.front() == '+') {
        negative = text.front() == '-';
        text.remove_prefix(1);
    } else if (text.substr(0, kMinus.size()) == kMinus) {
        negative = true;
        text.remove_prefix(kMinus.size());
    }
    if (text.empty() || !IsDigit(text.front())) {
        return Invalid(original, "must start with a digit after the sign (write 0.5, not .5)");
    }

    // Integer part with optional group separators between groups of exactly three digits.
    Int128 kronor = 0;
    std::size_t i = 0;
    std::size_t group_len = 0;
    bool grouped = false;
    constexpr Int128 kLimit = static_cast<Int128>(kMax) + 1;  // |INT64_MIN| in öre
    while (i < text.size()) {
        const char c = text[i];
        if (IsDigit(c)) {
            kronor = kronor * 10 + (c - '0');
            if (kronor * 100 > kLimit) {
                return Error(Errc::kOutOfRange, "amount",
                             "amount '" + std::string(original) + "' is outside the öre range");
            }
            ++group_len;
            ++i;
            continue;
        }
        const std::size_t sep = GroupSeparatorAt(text, i);
        if (sep == 0) break;
        if ((grouped && group_len != 3) || (!grouped && group_len > 3)) {
            return Invalid(original, "has misplaced digit grouping; groups are three digits");
        }
        grouped = true;
        group_len = 0;
        i += sep;
        if (i >= text.size() || !IsDigit(text[i])) {
            return Invalid(original, "has a group separator not followed by a digit");
        }
    }
    if (grouped && group_len != 3) {
        return Invalid(original, "has misplaced digit grouping; groups are three digits");
    }

    Int128 ore = kronor * 100;
    if (i < text.size()) {
        if (text[i] != ',' && text[i] != '.') {
            return Invalid(original, "contains a character that is not part of an amount");
        }
        ++i;
        std::size_t decimals = 0;
        Int128 frac = 0;
        while (i < text.size() && IsDigit(text[i])) {
            if (++decimals > 2) {
                return Invalid(original, "has more than two decimals; öre is the smallest unit");
            }
            frac = frac * 10 + (text[i] - '0');
            ++i;
        }
        if (decimals == 0) return Invalid(original, "needs a digit after the decimal separator");
        if (i != text.size()) {
            return Invalid(original, "contains a character that is not part of an amount");
        }
        if (decimals == 1) frac *= 10;
        ore += frac;
    }
    if (negative) ore = -ore;
    if (ore > kMax || ore < kMin) {
        return Error(Errc::kOutOfRange, "amount",
                     "amount '" + std::string(original) + "' is outside the öre range");
    }
    return Money(static_cast<std::int64_t>(ore));
}

std::string Money::ToString() const {
    Int128 mag = ore_;
    const bool negative = mag < 0;
    if (negative) mag = -mag;
    std::string out = negative ? "-" : "";
    out += std::to_string(static_cast<std::uint64_t>(mag / 100));
    out += '.';
    const auto cents = static_cast<int>(mag % 100);
    if (cents < 10) out += '0';
    out += std::to_string(cents);
    return out;
}

Result<Money> Money::Add(Money a, Money b) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a.ore_, b.ore_, &r)) {
        return Error(Errc::kOutOfRange, "amount", "sum overflows the öre range");
    }
    return Money(r);
}

Result<Money> Money::Sub(Money a, Money b) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(a.ore_, b.ore_, &r)) {
        return Error(Errc::kOutOfRange, "amount", "difference overflows the öre range");
    }
    return Money(r);
}

Result<Money> Money::Mul(Money a, std::int64_t factor) {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a.ore_, factor, &r)) {
        return Error(Errc::kOutOfRange, "amount", "product overflows the öre range");
    }
    return Money(r);
}

Result<Money> Money::Negate(Money a) { return Sub(Money(), a); }

Money Money::Abs() const {
    assert(ore_ != kMin);
    return ore_ < 0 ? Money(-ore_) : *this;
}

Money& Money::operator+=(Money other) {
    [[maybe_unused]] const bool overflow = __builtin_add_overflow(ore_, other.ore_, &ore_);
    assert(!overflow && "Money sum overflow: use Money::Add for unbounded inputs");
    return *this;
}

Money& Money::operator-=(Money other) {
    [[maybe_unused]] const bool overflow = __builtin_sub_overflow(ore_, other.ore_, &ore_);
    assert(!overflow && "Money difference overflow: use Money::Sub for unbounded inputs");
    return *this;
}

std::int64_t Share::BasisPoints() const noexcept {
    if (whole == 0) return 0;
    Int128 w = whole;
    Int128 p = part;
    if (w < 0) {
        w = -w;
        p = -p;
    }
    const Int128 bp = DivRound(p * 10000, w);
    if (bp > kMax) return kMax;
    if (bp < kMin) return kMin;
    return static_cast<std::int64_t>(bp);
}

int CompareAbsShareToBasisPoints(Share share, std::int64_t bp) noexcept {
    Int128 p = share.part;
    if (p < 0) p = -p;
    Int128 w = share.whole;
    if (w < 0) w = -w;
    if (w == 0) {
        if (p == 0) return bp > 0 ? -1 : (bp == 0 ? 0 : 1);
        return 1;
    }
    const Int128 lhs = p * 10000;
    const Int128 rhs = static_cast<Int128>(bp) * w;
    return lhs < rhs ? -1 : (lhs == rhs ? 0 : 1);
}

Result<std::int64_t> MulDivRound(std::int64_t a, std::int64_t num, std::int64_t den) {
    assert(den != 0);
    Int128 n = static_cast<Int128>(a) * num;
    Int128 d = den;
    if (d < 0) {
        d = -d;
        n = -n;
    }
    const Int128 r = DivRound(n, d);
    if (r > kMax || r < kMin) {
        return Error(Errc::kOutOfRange, "amount", "scaled amount overflows the öre range");
    }
    return static_cast<std::int64_t>(r);
}

std::string GroupThousands(std::uint64_t value) {
    std::string digits = std::to_string(value);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    const std::size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
    out.append(digits, 0, lead);
    for (std::size_t i = lead; i < digits.size(); i += 3) {
        out += ' ';
        out.append(digits, i, 3);
    }
    return out;
}

std::string FormatKr(Money m) { return FormatScaled(m, 100, 0, "kr"); }
std::string FormatTkr(Money m) { return FormatScaled(m, 100'000, 1, "tkr"); }
std::string FormatMkr(Money m) { return FormatScaled(m, 100'000'000, 1, "Mkr"); }

std::string FormatAmount(Money m) {
    Int128 mag = m.ore();
    if (mag < 0) mag = -mag;
    std::string body = GroupThousands(static_cast<std::uint64_t>(mag / 100));
    body += ',';
    const auto cents = static_cast<int>(mag % 100);
    if (cents < 10) body += '0';
    body += std::to_string(cents);
    return Signed(m.ore() < 0, std::move(body));
}

std::string FormatBasisPoints(std::int64_t bp) {
    // One decimal of a percent = 10 bp.
    Int128 mag = bp;
    const bool negative = mag < 0;
    if (negative) mag = -mag;
    const Int128 tenths = DivRound(mag, 10);
    std::string body = GroupThousands(static_cast<std::uint64_t>(tenths / 10));
    body += ',';
    body += std::to_string(static_cast<int>(tenths % 10));
    body += " %";
    return Signed(negative && tenths != 0, std::move(body));
}

std::string FormatPercent(Share s) {
    if (!s.IsDefined()) return "\u2013";
    // Round directly to tenths of a percent from the exact ratio (not via rounded bp, which
    // would round twice).
    Int128 w = s.whole;
    Int128 p = s.part;
    if (w < 0) {
        w = -w;
        p = -p;
    }
    const Int128 tenths = DivRound(p * 1000, w);
    const bool negative = tenths < 0;
    const Int128 mag = negative ? -tenths : tenths;
    std::string body = GroupThousands(static_cast<std::uint64_t>(mag / 10));
    body += ',';
    body += std::to_string(static_cast<int>(mag % 10));
    body += " %";
    return Signed(negative, std::move(body));
}

}  // namespace bfu::core
