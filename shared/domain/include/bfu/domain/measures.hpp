#pragma once
// Measures (åtgärder, S13) and action plans (åtgärdsplaner, S9): their expected effect, their
// realised effect judged from the outcome of the months after they started, how much of a
// deviation they cover, and the rules of their states. Pure; thread-safe.
//
// Expected effect. A measure expects `effect_per_month` öre a month (negative lowers the cost)
// from its first month to its last (the year's last when open-ended). Its effect in a year is
// the monthly effect times its months within that year; its effect on a forecast made through
// month T is the monthly effect times its months after T (what the forecast has not seen yet).
//
// Realised effect. The deviation (outcome minus budget) of the measure's area month by month:
// the months before the measure started give the baseline (the mean of up to
// `baseline_months` months, 0 when there are none); each month from the start up to the
// judged month realises its deviation minus the baseline. Example: an area 60 000 kr over
// budget a month in January-March, a measure from April expecting -40 000 kr a month, and April
// and May 25 000 kr over: realised (25 000 - 60 000) x 2 = -70 000 kr against an expected
// -80 000 kr.
//
// Coverage. Of a deviation of D öre (an overspend, D > 0), the measures answering it cover
// what their expected effects in the year take off it, at most D: covered = min(D, -sum of
// effects), uncovered = D - covered. Measures that are proposed or cancelled cover nothing:
// only decided, ongoing and done ones count.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "bfu/core/result.hpp"
#include "bfu/domain/calendar.hpp"

namespace bfu::domain {

enum class MeasureStatus : std::uint8_t { kProposed, kDecided, kOngoing, kDone, kCancelled };
[[nodiscard]] std::string_view ToString(MeasureStatus s) noexcept;  // "föreslagen", ...

// Whether a measure may go from `from` to `to`: föreslagen -> beslutad -> pågår -> genomförd,
// beslutad -> genomförd, and avbruten from föreslagen, beslutad or pågår. kFailedPrecondition
// names both states otherwise (the same state again is no transition either).
[[nodiscard]] core::Status CheckMeasureTransition(MeasureStatus from, MeasureStatus to);
// Decided, ongoing and done measures are counted on: in coverage and in forecasts.
[[nodiscard]] constexpr bool CountsOn(MeasureStatus s) noexcept {
    return s == MeasureStatus::kDecided || s == MeasureStatus::kOngoing ||
           s == MeasureStatus::kDone;
}

struct MeasureSpan {
    Period first;
    std::optional<Period> last;  // none: to the end of the year asked about
    std::int64_t effect_per_month = 0;
};

// Months of the span within `year` (calendar fiscal year), and its effect over them.
[[nodiscard]] int MonthsIn(const MeasureSpan& m, FiscalYear year);
[[nodiscard]] std::int64_t EffectInYear(const MeasureSpan& m, FiscalYear year);
// Its effect in the months of `year` after `through` (what a forecast through `through` has
// not seen): months max(first, through + 1) .. min(last, the year's last).
[[nodiscard]] std::int64_t EffectAfter(const MeasureSpan& m, FiscalYear year, Period through);

struct RealisedEffect {
    int months = 0;             // months judged since the start
    std::int64_t realised = 0;  // sum of (deviation - baseline) over them
    std::int64_t expected = 0;  // effect_per_month x months: the same months
    std::int64_t baseline_per_month = 0;
};

// `deviation_by_month[i]` = outcome - budget of month i (0..11) of `year`, for the months
// through `judged` (later entries are ignored). The baseline is the mean (rounded half away
// from zero) of the up to `baseline_months` months before the start that lie in the year.
[[nodiscard]] RealisedEffect JudgeEffect(const MeasureSpan& m, FiscalYear year,
                                         std::span<const std::int64_t> deviation_by_month,
                                         Period judged, int baseline_months = 3);

struct Coverage {
    std::int64_t covered = 0;
    std::int64_t uncovered = 0;
};
// `deviation` > 0 is an overspend; `effects` the year effects of the measures that count
// (negative lowers the cost). A favourable deviation (<= 0) needs no cover: {0, 0}.
[[nodiscard]] Coverage Cover(std::int64_t deviation, std::span<const std::int64_t> effects);

enum class PlanState : std::uint8_t { kDraft, kProposed, kDecided, kReferredBack, kRejected };
[[nodiscard]] std::string_view ToString(PlanState s) noexcept;  // "utkast", ...
enum class PlanAction : std::uint8_t { kChange, kPropose, kDecide, kReferBack, kReject };
// The plan's state after `action`, or kFailedPrecondition naming the state and the action:
// change in utkast or återremitterad; propose from utkast or återremitterad; decide, refer back
// or reject a föreslagen plan only (a decided plan is never decided again).
[[nodiscard]] core::Result<PlanState> NextPlanState(PlanState state, PlanAction action);

}  // namespace bfu::domain
