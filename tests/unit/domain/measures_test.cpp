#include "bfu/domain/measures.hpp"

#include <gtest/gtest.h>

#include <array>

namespace bfu::domain {
namespace {

Period P(int y, int m) { return Period::Of(y, m).value(); }
const FiscalYear k2026 = FiscalYear::Calendar(2026);

TEST(MeasureEffect, MonthsAndEffectWithinTheYear) {
    MeasureSpan m{P(2026, 4), std::nullopt, -40'000'00};
    EXPECT_EQ(MonthsIn(m, k2026), 9);  // April..December
    EXPECT_EQ(EffectInYear(m, k2026), -360'000'00);
    m.last = P(2026, 6);
    EXPECT_EQ(MonthsIn(m, k2026), 3);
    EXPECT_EQ(EffectInYear(m, k2026), -120'000'00);
    // A span from the year before counts from January; one after the year counts nothing.
    MeasureSpan early{P(2025, 11), P(2026, 2), -1'000};
    EXPECT_EQ(MonthsIn(early, k2026), 2);
    MeasureSpan later{P(2027, 1), std::nullopt, -1'000};
    EXPECT_EQ(MonthsIn(later, k2026), 0);
    EXPECT_EQ(EffectInYear(later, k2026), 0);
}

TEST(MeasureEffect, AfterAForecastsMonthOnlyTheMonthsItHasNotSeen) {
    const MeasureSpan m{P(2026, 4), std::nullopt, -40'000'00};
    EXPECT_EQ(EffectAfter(m, k2026, P(2026, 2)), -360'000'00);  // April..December
    EXPECT_EQ(EffectAfter(m, k2026, P(2026, 6)), -240'000'00);  // July..December
    EXPECT_EQ(EffectAfter(m, k2026, P(2026, 12)), 0);
}

TEST(MeasureEffect, RealisedAgainstTheBaselineBeforeTheStart) {
    // The example of the header: 60 000 kr over a month in January-March, 25 000 kr over in
    // April and May, a measure from April expecting -40 000 kr a month, judged through May.
    const std::array<std::int64_t, 12> dev{
        60'000'00, 60'000'00, 60'000'00, 25'000'00, 25'000'00, 0, 0, 0, 0, 0, 0, 0};
    const MeasureSpan m{P(2026, 4), std::nullopt, -40'000'00};
    const auto r = JudgeEffect(m, k2026, dev, P(2026, 5));
    EXPECT_EQ(r.months, 2);
    EXPECT_EQ(r.baseline_per_month, 60'000'00);
    EXPECT_EQ(r.realised, -70'000'00);
    EXPECT_EQ(r.expected, -80'000'00);
    // Not judged yet: nothing realised.
    const auto none = JudgeEffect(m, k2026, dev, P(2026, 3));
    EXPECT_EQ(none.months, 0);
    EXPECT_EQ(none.realised, 0);
    // Starting in January: no months before it, a baseline of 0.
    const auto jan = JudgeEffect({P(2026, 1), std::nullopt, -1}, k2026, dev, P(2026, 2));
    EXPECT_EQ(jan.baseline_per_month, 0);
    EXPECT_EQ(jan.realised, 120'000'00);
    // The last month bounds the months judged.
    const auto bounded = JudgeEffect({P(2026, 4), P(2026, 4), -40'000'00}, k2026, dev, P(2026, 5));
    EXPECT_EQ(bounded.months, 1);
    EXPECT_EQ(bounded.realised, -35'000'00);
}

TEST(MeasureCoverage, CoveredAtMostTheDeviation) {
    const std::array<std::int64_t, 2> effects{-300'000'00, -200'000'00};
    const auto c = Cover(800'000'00, effects);
    EXPECT_EQ(c.covered, 500'000'00);
    EXPECT_EQ(c.uncovered, 300'000'00);
    const auto over = Cover(400'000'00, effects);
    EXPECT_EQ(over.covered, 400'000'00);
    EXPECT_EQ(over.uncovered, 0);
    EXPECT_EQ(Cover(-100, effects).covered, 0);
    EXPECT_EQ(Cover(-100, effects).uncovered, 0);
    // A measure that raises the cost covers nothing.
    const std::array<std::int64_t, 1> up{+50'000'00};
    EXPECT_EQ(Cover(100'000'00, up).covered, 0);
}

TEST(MeasureStatus, TransitionsFollowTheLife) {
    using S = MeasureStatus;
    EXPECT_TRUE(CheckMeasureTransition(S::kProposed, S::kDecided).ok());
    EXPECT_TRUE(CheckMeasureTransition(S::kDecided, S::kOngoing).ok());
    EXPECT_TRUE(CheckMeasureTransition(S::kOngoing, S::kDone).ok());
    EXPECT_TRUE(CheckMeasureTransition(S::kDecided, S::kDone).ok());
    EXPECT_TRUE(CheckMeasureTransition(S::kProposed, S::kCancelled).ok());
    EXPECT_TRUE(CheckMeasureTransition(S::kOngoing, S::kCancelled).ok());
    EXPECT_FALSE(CheckMeasureTransition(S::kDone, S::kOngoing).ok());
    EXPECT_FALSE(CheckMeasureTransition(S::kCancelled, S::kDecided).ok());
    EXPECT_FALSE(CheckMeasureTransition(S::kProposed, S::kOngoing).ok());
    EXPECT_FALSE(CheckMeasureTransition(S::kDecided, S::kDecided).ok());
    const auto refused = CheckMeasureTransition(S::kDone, S::kOngoing);
    EXPECT_EQ(refused.error().code, core::Errc::kFailedPrecondition);
    EXPECT_NE(refused.error().message.find("genomförd"), std::string::npos);
    EXPECT_TRUE(CountsOn(S::kOngoing));
    EXPECT_FALSE(CountsOn(S::kProposed));
    EXPECT_FALSE(CountsOn(S::kCancelled));
}

TEST(PlanState, TheNamndDecidesAProposedPlanOnce) {
    using S = PlanState;
    using A = PlanAction;
    EXPECT_EQ(NextPlanState(S::kDraft, A::kChange).value(), S::kDraft);
    EXPECT_EQ(NextPlanState(S::kDraft, A::kPropose).value(), S::kProposed);
    EXPECT_EQ(NextPlanState(S::kProposed, A::kDecide).value(), S::kDecided);
    EXPECT_EQ(NextPlanState(S::kProposed, A::kReferBack).value(), S::kReferredBack);
    EXPECT_EQ(NextPlanState(S::kReferredBack, A::kChange).value(), S::kReferredBack);
    EXPECT_EQ(NextPlanState(S::kReferredBack, A::kPropose).value(), S::kProposed);
    EXPECT_EQ(NextPlanState(S::kProposed, A::kReject).value(), S::kRejected);
    EXPECT_FALSE(NextPlanState(S::kDecided, A::kDecide).ok());  // never twice
    EXPECT_FALSE(NextPlanState(S::kDraft, A::kDecide).ok());    // not before it is proposed
    EXPECT_FALSE(NextPlanState(S::kProposed, A::kChange).ok());
    EXPECT_FALSE(NextPlanState(S::kRejected, A::kPropose).ok());
    EXPECT_NE(NextPlanState(S::kDecided, A::kDecide).error().message.find("beslutad"),
              std::string::npos);
}

}  // namespace
}  // namespace bfu::domain
