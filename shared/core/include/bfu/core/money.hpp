#pragma once
// Money is an integer number of öre (1 SEK = 100 öre). Costs are positive, revenues negative
// (the SIE convention). Arithmetic that would overflow is detected, never wrapped.
//
// Two kinds of arithmetic, on purpose:
//   - Add/Sub/Mul/Negate return Result<Money> and report overflow as Errc::kOutOfRange. Use
//     them on values that come from outside (parsed amounts, multipliers from configuration).
//   - operator+ - += -= and unary - are for sums whose magnitude is bounded by the domain: the
//     int64 range is ±92 233 720 368 547 758 kr, about a million times a large municipality's
//     yearly turnover, so summing ledger amounts cannot reach it. They assert on overflow
//     (a programming error, not an input error) instead of wrapping.
//
// Parsing (Parse) accepts exactly what ledger files and people write:
//   "-1234.5", "1234.50", "+5", "0.01", "1 234,50", "1 234,50" with a no-break space
//   (U+00A0) or narrow no-break space (U+202F) as group separator, and a leading real minus
//   (U+2212) as produced by the Swedish formatting below. Surrounding ASCII whitespace is
//   ignored. Either ',' or '.' is the decimal separator (only one of them, once). Group
//   separators must sit between groups of exactly three digits. Rejected (kInvalidArgument):
//   more than two decimals ("1.234" is never 1 234 kr nor rounded), ".5" and "5." (a digit is
//   required on both sides of the separator), empty text, any other character. A value outside
//   the int64 öre range is kOutOfRange.
//
// Formatting for reports (Swedish): groups of three with a space, decimal comma, a real minus
// sign U+2212 ("−") for negatives, the unit after a space. Rounding for display is half away
// from zero, done on integers.
//   FormatKr(123456)      -> "1 235 kr"        (whole kronor)
//   FormatTkr(123456789)  -> "1 234,6 tkr"     (thousands of kronor, one decimal)
//   FormatMkr(1234567890) -> "12,3 Mkr"        (millions of kronor, one decimal)
//   FormatAmount(-123450) -> "−1 234,50"       (exact, two decimals; Parse reads it back)
//   FormatPercent(Share)  -> "5,3 %"           (one decimal)
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "bfu/core/result.hpp"

namespace bfu::core {

class Money {
public:
    constexpr Money() = default;
    [[nodiscard]] static constexpr Money FromOre(std::int64_t ore) { return Money(ore); }
    // Whole kronor; overflow is a programming error here (constants), see FromKronorChecked.
    [[nodiscard]] static constexpr Money FromKronor(std::int64_t kronor) {
        return Money(kronor * 100);
    }
    [[nodiscard]] static Result<Money> FromKronorChecked(std::int64_t kronor);
    [[nodiscard]] static constexpr Money Zero() { return Money(0); }
    [[nodiscard]] constexpr std::int64_t ore() const noexcept { return ore_; }

    // Exact parse of a ledger amount in kronor: "-1234.5", "1234.50", "1 234,50", "0.01".
    // More than two decimals, garbage or overflow is an error, never rounded.
    [[nodiscard]] static Result<Money> Parse(std::string_view text);
    // Plain machine form in kronor with two decimals: "-1234.50".
    [[nodiscard]] std::string ToString() const;

    // Checked arithmetic: kOutOfRange on overflow.
    [[nodiscard]] static Result<Money> Add(Money a, Money b);
    [[nodiscard]] static Result<Money> Sub(Money a, Money b);
    [[nodiscard]] static Result<Money> Mul(Money a, std::int64_t factor);
    [[nodiscard]] static Result<Money> Negate(Money a);

    [[nodiscard]] constexpr bool IsZero() const noexcept { return ore_ == 0; }
    [[nodiscard]] constexpr bool IsNegative() const noexcept { return ore_ < 0; }
    // |a|; INT64_MIN has no absolute value and asserts (it cannot arise from bounded sums).
    [[nodiscard]] Money Abs() const;

    Money& operator+=(Money other);
    Money& operator-=(Money other);
    friend Money operator+(Money a, Money b) { return a += b; }
    friend Money operator-(Money a, Money b) { return a -= b; }
    friend Money operator-(Money a) { return Money() - a; }

    // Spelled out rather than defaulted: clang-tidy 14 flags the defaulted <=> with a false
    // modernize-use-nullptr, and the lint gate is fatal.
    friend constexpr bool operator==(Money a, Money b) noexcept { return a.ore_ == b.ore_; }
    friend constexpr std::strong_ordering operator<=>(Money a, Money b) noexcept {
        return a.ore_ <=> b.ore_;
    }

private:
    explicit constexpr Money(std::int64_t ore) : ore_(ore) {}
    std::int64_t ore_ = 0;
};

// An exact ratio part/whole, e.g. a deviation over its budget, kept as two integers so that no
// floating point touches money. Compare shares with CompareShareToBasisPoints; show them with
// FormatPercent. A share with whole == 0 is "undefined" (IsDefined() == false).
struct Share {
    std::int64_t part = 0;
    std::int64_t whole = 0;

    [[nodiscard]] static Share Of(Money part, Money whole) { return {part.ore(), whole.ore()}; }
    [[nodiscard]] constexpr bool IsDefined() const noexcept { return whole != 0; }
    // The share in basis points (1/100 of a percent), rounded half away from zero, clamped to
    // the int64 range. Undefined shares give 0.
    [[nodiscard]] std::int64_t BasisPoints() const noexcept;
};

// Compares |part/whole| with bp/10000 exactly: negative, zero or positive like <=>.
// An undefined share (whole == 0) compares greater than any bp when part != 0 (an amount
// against nothing is an infinite share) and equal to 0 bp when part == 0.
[[nodiscard]] int CompareAbsShareToBasisPoints(Share share, std::int64_t bp) noexcept;

// a * num / den rounded half away from zero, exactly (128-bit intermediate). den must not be 0.
// kOutOfRange if the result does not fit.
[[nodiscard]] Result<std::int64_t> MulDivRound(std::int64_t a, std::int64_t num, std::int64_t den);

// Swedish report formatting; see the file comment.
[[nodiscard]] std::string FormatKr(Money m);
[[nodiscard]] std::string FormatTkr(Money m);
[[nodiscard]] std::string FormatMkr(Money m);
[[nodiscard]] std::string FormatAmount(Money m);
// "5,3 %"; an undefined share formats as "–" (en dash), the convention in Swedish tables.
[[nodiscard]] std::string FormatPercent(Share s);
// Basis points as a percentage with one decimal: 530 -> "5,3 %".
[[nodiscard]] std::string FormatBasisPoints(std::int64_t bp);

// Groups the digits of a non-negative integer in threes with ' ': 1234567 -> "1 234 567".
[[nodiscard]] std::string GroupThousands(std::uint64_t value);

}  // namespace bfu::core
