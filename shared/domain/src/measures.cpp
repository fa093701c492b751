#include "bfu/domain/measures.hpp"

#include <algorithm>
#include <string>

namespace bfu::domain {

namespace {

std::int64_t DivRound(std::int64_t n, std::int64_t d) {
    // Half away from zero; d > 0.
    const std::int64_t q = n / d;
    const std::int64_t r = n % d;
    if (2 * (r < 0 ? -r : r) >= d) return n < 0 ? q - 1 : q + 1;
    return q;
}

// The span's months in `year` as fiscal month indexes [lo, hi], or lo > hi when none.
std::pair<int, int> IndexRange(const MeasureSpan& m, FiscalYear year) {
    const Period first_of_year = year.First();
    const Period last_of_year = year.Last();
    const Period lo = std::max(m.first, first_of_year);
    const Period hi = m.last ? std::min(*m.last, last_of_year) : last_of_year;
    if (hi < lo) return {1, 0};
    return {*year.IndexOf(lo), *year.IndexOf(hi)};
}

}  // namespace

std::string_view ToString(MeasureStatus s) noexcept {
    switch (s) {
        case MeasureStatus::kProposed:
            return "föreslagen";
        case MeasureStatus::kDecided:
            return "beslutad";
        case MeasureStatus::kOngoing:
            return "pågår";
        case MeasureStatus::kDone:
            return "genomförd";
        case MeasureStatus::kCancelled:
            return "avbruten";
    }
    return "?";
}

core::Status CheckMeasureTransition(MeasureStatus from, MeasureStatus to) {
    using S = MeasureStatus;
    const bool ok =
        (from == S::kProposed && (to == S::kDecided || to == S::kCancelled)) ||
        (from == S::kDecided && (to == S::kOngoing || to == S::kDone || to == S::kCancelled)) ||
        (from == S::kOngoing && (to == S::kDone || to == S::kCancelled));
    if (ok) return core::Ok();
    return core::Error(core::Errc::kFailedPrecondition, "status",
                       "åtgärdens status är " + std::string(ToString(from)) +
                           "; den kan inte ändras till " + std::string(ToString(to)));
}

int MonthsIn(const MeasureSpan& m, FiscalYear year) {
    const auto [lo, hi] = IndexRange(m, year);
    return hi >= lo ? hi - lo + 1 : 0;
}

std::int64_t EffectInYear(const MeasureSpan& m, FiscalYear year) {
    return m.effect_per_month * MonthsIn(m, year);
}

std::int64_t EffectAfter(const MeasureSpan& m, FiscalYear year, Period through) {
    MeasureSpan rest = m;
    rest.first = std::max(m.first, through.Next());
    return EffectInYear(rest, year);
}

RealisedEffect JudgeEffect(const MeasureSpan& m, FiscalYear year,
                           std::span<const std::int64_t> deviation_by_month, Period judged,
                           int baseline_months) {
    RealisedEffect out;
    const auto start = year.IndexOf(m.first);
    const auto end_judged = year.IndexOf(std::min(judged, year.Last()));
    if (!start || !end_judged || *end_judged < *start) return out;
    int end = *end_judged;
    if (m.last) {
        if (auto last = year.IndexOf(*m.last)) end = std::min(end, *last);
    }
    auto dev = [&](int i) {
        return static_cast<std::size_t>(i) < deviation_by_month.size()
                   ? deviation_by_month[static_cast<std::size_t>(i)]
                   : 0;
    };
    std::int64_t sum = 0;
    int n = 0;
    for (int i = *start - 1; i >= 0 && n < baseline_months; --i, ++n) sum += dev(i);
    out.baseline_per_month = n > 0 ? DivRound(sum, n) : 0;
    for (int i = *start; i <= end; ++i) {
        out.realised += dev(i) - out.baseline_per_month;
        ++out.months;
    }
    out.expected = m.effect_per_month * out.months;
    return out;
}

Coverage Cover(std::int64_t deviation, std::span<const std::int64_t> effects) {
    if (deviation <= 0) return {};
    std::int64_t reduction = 0;
    for (auto e : effects) reduction -= e;
    const std::int64_t covered = std::clamp<std::int64_t>(reduction, 0, deviation);
    return {covered, deviation - covered};
}

std::string_view ToString(PlanState s) noexcept {
    switch (s) {
        case PlanState::kDraft:
            return "utkast";
        case PlanState::kProposed:
            return "föreslagen";
        case PlanState::kDecided:
            return "beslutad";
        case PlanState::kReferredBack:
            return "återremitterad";
        case PlanState::kRejected:
            return "avslagen";
    }
    return "?";
}

core::Result<PlanState> NextPlanState(PlanState state, PlanAction action) {
    using S = PlanState;
    const bool editable = state == S::kDraft || state == S::kReferredBack;
    switch (action) {
        case PlanAction::kChange:
            if (editable) return state;
            break;
        case PlanAction::kPropose:
            if (editable) return S::kProposed;
            break;
        case PlanAction::kDecide:
            if (state == S::kProposed) return S::kDecided;
            break;
        case PlanAction::kReferBack:
            if (state == S::kProposed) return S::kReferredBack;
            break;
        case PlanAction::kReject:
            if (state == S::kProposed) return S::kRejected;
            break;
    }
    static constexpr const char* kActions[] = {"ändras", "föreslås", "beslutas", "återremitteras",
                                               "avslås"};
    return core::Error(core::Errc::kFailedPrecondition, "plan",
                       "en åtgärdsplan som är " + std::string(ToString(state)) + " kan inte " +
                           kActions[static_cast<int>(action)]);
}

}  // namespace bfu::domain
