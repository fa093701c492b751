#pragma once
// The one formatter for everything a manager, controller or nämnd reads: money, shares,
// figures, months, dates and times, and the Swedish names of the contract's enums. The
// notifier, reporting and the CLI all format through here, so one share never prints as
// 37,2 % in an e-mail and 37,3 % in a report.
//
// Conventions (Språkrådet, and how Swedish municipal reports write them):
//   Kr(26587100)        -> "265 871 kr"        whole kronor, groups of three, a real minus "−"
//   Tkr(123456789)      -> "1 234,6 tkr"       thousands of kronor with one decimal
//   Mkr(1234567890)     -> "12,3 Mkr"
//   Amount(-123450)     -> "−1 234,50"         exact, two decimals
//   SignedKr(26587100)  -> "+265 871 kr"       a deviation: its sign always shown
//   Percent(0.3725)     -> "37,3 %"            a ratio; rounded once, half away from zero,
//                                              through basis points like every other share
//   PercentBp(3725)     -> "37,3 %"
//   Figure(6.04, "%")   -> "6,0 %"             an indicator with its unit; "st" and other
//   Figure(12, "st")    -> "12 st"             counts without decimals when whole
//   MonthYear(2026-04)  -> "april 2026"
//   PeriodText("202604")-> "april 2026"        a wire period; other text is returned as it is
//   DateText(2026-12-07)-> "7 december 2026"
//   DateTime(t)         -> "7 december 2026 kl. 14.30" in Swedish local time (Europe/Stockholm)
// Pure functions; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/common.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/money.hpp"
#include "bfu/domain/calendar.hpp"

namespace bfu::text {

[[nodiscard]] std::string Kr(std::int64_t ore);
[[nodiscard]] std::string Tkr(std::int64_t ore);
[[nodiscard]] std::string Mkr(std::int64_t ore);
[[nodiscard]] std::string Amount(std::int64_t ore);
[[nodiscard]] std::string SignedKr(std::int64_t ore);
[[nodiscard]] std::string SignedTkr(std::int64_t ore);

// A ratio (0.053 = 5,3 %) with one decimal; rounded to basis points first, as shares are
// computed and stored (bp), then to tenths of a percent.
[[nodiscard]] std::string Percent(double ratio);
[[nodiscard]] std::string PercentBp(std::int64_t bp);
// The ratio in basis points, rounded half away from zero (0.3725 -> 3725).
[[nodiscard]] std::int64_t BasisPoints(double ratio) noexcept;

// A number with a decimal comma: `decimals` digits (half away from zero), groups of three.
[[nodiscard]] std::string Decimal(double value, int decimals);
// An indicator value with its measure unit ("%", "st", "dagar", ...): one decimal, except a
// whole number of a count unit ("st", "dagar", "antal") which prints without.
[[nodiscard]] std::string Figure(double value, std::string_view measure_unit);

// "januari" .. "december"; "" for a month outside 1..12.
[[nodiscard]] std::string_view MonthName(int month) noexcept;
[[nodiscard]] std::string MonthYear(domain::Period period);
// "202604" or "2026-04" -> "april 2026"; anything else is returned unchanged.
[[nodiscard]] std::string PeriodText(std::string_view period);
// "januari–april 2026" for the months from `first` to `last` of one year.
[[nodiscard]] std::string PeriodRange(domain::Period first, domain::Period last);
[[nodiscard]] std::string DateText(domain::Date date);
// "2026-12-07" -> "7 december 2026"; anything else is returned unchanged.
[[nodiscard]] std::string DateText(std::string_view iso_date);
// Swedish local time: "7 december 2026 kl. 14.30".
[[nodiscard]] std::string DateTime(core::TimePoint t);
// An RFC 3339 time from the wire, as DateTime; anything else is returned unchanged.
[[nodiscard]] std::string DateTimeText(std::string_view rfc3339);

// The Swedish names of the contract's enums, as people read them.
[[nodiscard]] std::string_view LevelName(contracts::OrgLevel level) noexcept;     // "enhet", "KF"
[[nodiscard]] std::string_view KindName(contracts::DeviationKind kind) noexcept;  // budgetavvikelse
[[nodiscard]] std::string_view SeverityName(contracts::Severity severity) noexcept;  // "allvarlig"
[[nodiscard]] std::string_view DimensionName(contracts::CauseDimension dimension) noexcept;
[[nodiscard]] std::string_view EventName(contracts::DeviationEventKind event) noexcept;  // "ny"

}  // namespace bfu::text
