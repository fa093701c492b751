#pragma once
// Deviations (S2, S13): when a deviation opens, changes and closes, how severe it is, its
// stable id and its root cause.
//
// Kinds and their signed deviation d (positive = unfavourable) and reference (the share base):
//   budget      operating net cost to date minus operating budget to date; ref = budget to date
//   investment  the same over investment groups (S5 keeps investments apart)
//   forecast    full-year forecast minus annual operating budget; ref = annual budget
//   goal        indicator vs target: target - value when higher is better, value - target
//               when lower is better; ref = target
//   hr          as goal, for personnel figures (sick leave, overtime), normally lower-is-better
// Money kinds open in both directions (an underspend is reported too, as favourable); goal and
// HR kinds open only when unfavourable (beating a target is a good example, not a deviation).
//
// "Passes the threshold" (the rule, exactly): |d| > amount AND |d| / |ref| > share, both
// strictly. A deviation exactly at either threshold does not pass: the threshold is the
// tolerance itself. When ref is 0 (a unit with no budget) the share is infinite, so the amount
// alone decides; a zero amount threshold means only the share decides.
//
// Hysteresis: an open deviation stays open while it passes the threshold scaled by
// close_ratio_percent (default 80 %: amount and share both at 80 %); it closes when it no
// longer does. So it opens above 50 tkr but closes only at or below 40 tkr (enhet defaults).
//
// Changed: an open deviation emits kChanged when its severity or direction changes, or when d
// has moved since the last event by more than the threshold (same two-part rule), so a stream
// of vouchers does not produce an event each.
//
// Severity: the excess factor is how many times over the threshold d is, taking the smaller of
// the amount and share factors (both must be exceeded to pass); >= critical_factor_percent is
// critical, >= major_factor_percent is major, else minor.
//
// Evaluate() is the state machine as a pure function: prior state + observation -> next state
// and at most one event. DeviationMonitor applies it over the outcome cube for many units.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "bfu/core/money.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"
#include "bfu/domain/accounts.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/cube.hpp"
#include "bfu/domain/org.hpp"

namespace bfu::domain {

enum class DeviationKind : std::uint8_t { kBudget, kInvestment, kForecast, kGoal, kHr };
inline constexpr int kDeviationKindCount = 5;
[[nodiscard]] std::string_view ToString(DeviationKind k) noexcept;
[[nodiscard]] core::Result<DeviationKind> ParseDeviationKind(std::string_view text);
[[nodiscard]] constexpr bool IsMoneyKind(DeviationKind k) noexcept {
    return k == DeviationKind::kBudget || k == DeviationKind::kInvestment ||
           k == DeviationKind::kForecast;
}

enum class Direction : std::uint8_t { kUnfavourable, kFavourable };
enum class Severity : std::uint8_t { kMinor, kMajor, kCritical };
[[nodiscard]] std::string_view ToString(Direction d) noexcept;
[[nodiscard]] std::string_view ToString(Severity s) noexcept;

// A threshold: an amount (öre for money kinds, the indicator's unit x 1000 for goal/HR kinds)
// and a share in basis points (500 = 5 %).
struct Threshold {
    std::int64_t amount = 0;
    std::int64_t share_bp = 0;
    bool operator==(const Threshold&) const = default;
};

// The two-part rule of the file comment.
[[nodiscard]] bool PassesThreshold(std::int64_t deviation, std::int64_t reference,
                                   const Threshold& t) noexcept;
// The threshold scaled by percent (for hysteresis).
[[nodiscard]] Threshold ScaleThreshold(const Threshold& t, std::int64_t percent) noexcept;

struct DeviationRules {
    // Money thresholds per organisation level, indexed by Level.
    std::array<Threshold, kLevelCount> money_by_level{};
    // Goal and HR thresholds unless an indicator brings its own.
    Threshold indicator_default{0, 500};
    std::int64_t close_ratio_percent = 80;
    std::int64_t major_factor_percent = 200;
    std::int64_t critical_factor_percent = 400;

    // enhet 50 tkr & 5 %, verksamhet 200 tkr & 3 %, sektor 1 Mkr & 2 %, nämnd and above
    // (nämnd, förvaltning, KS, KF) 2 Mkr & 1 %.
    [[nodiscard]] static DeviationRules Defaults();
    // Thresholds >= 0; 0 < close ratio <= 100; 100 <= major <= critical.
    [[nodiscard]] core::Status Validate() const;
    [[nodiscard]] const Threshold& ForLevel(Level l) const {
        return money_by_level[static_cast<std::size_t>(l)];
    }
    bool operator==(const DeviationRules&) const = default;
};

// What a deviation is about. subject is empty for money kinds and the indicator id for
// goal/HR kinds.
struct DeviationKey {
    core::UnitId unit;
    DeviationKind kind = DeviationKind::kBudget;
    FiscalYear year;
    std::string subject;
    bool operator==(const DeviationKey&) const = default;
};
// Stable id per (unit, kind, year[, subject]): "budget:2026:ENH-12", "goal:2025-26:ENH-12:nki".
[[nodiscard]] core::DeviationId MakeDeviationId(const DeviationKey& key);

struct Observation {
    DeviationKey key;
    Level level = Level::kEnhet;
    Period as_of;
    std::int64_t actual = 0;      // outcome, forecast or indicator value
    std::int64_t reference = 0;   // budget or target
    bool lower_is_better = true;  // for goal/HR; money kinds are costs (lower is better)
};
// d, positive = unfavourable (see the file comment).
[[nodiscard]] std::int64_t SignedDeviation(const Observation& o) noexcept;

struct RootCauseItem {
    std::string id;             // group id, account number, or period "YYYYMM"
    std::string name;           // display name (group name; empty for accounts and months)
    core::Money amount;         // contribution to the deviation (same sign as it when driving it)
    std::int64_t share_bp = 0;  // contribution / deviation, basis points
};
struct RootCause {
    std::vector<RootCauseItem> groups;
    std::vector<RootCauseItem> accounts;
    std::vector<RootCauseItem> months;
};

struct DeviationState {
    core::DeviationId id;
    DeviationKey key;
    bool open = false;
    Direction direction = Direction::kUnfavourable;
    Severity severity = Severity::kMinor;
    std::int64_t deviation = 0;           // latest d
    std::int64_t reference = 0;           // latest reference
    std::int64_t reported_deviation = 0;  // d at the last event
    Period opened_in;
    Period as_of;
    std::uint32_t sequence = 0;  // events so far (1 = opened)
};

enum class TransitionType : std::uint8_t { kOpened, kChanged, kClosed };
[[nodiscard]] std::string_view ToString(TransitionType t) noexcept;

struct DeviationEvent {
    TransitionType type = TransitionType::kOpened;
    core::DeviationId id;
    DeviationKey key;
    Level level = Level::kEnhet;
    Period as_of;
    std::int64_t actual = 0;
    std::int64_t reference = 0;
    std::int64_t deviation = 0;  // signed, positive = unfavourable
    std::int64_t share_bp = 0;   // deviation / |reference| (0 when the reference is 0)
    Direction direction = Direction::kUnfavourable;
    Severity severity = Severity::kMinor;
    std::optional<Severity> previous_severity;
    Threshold threshold;
    std::uint32_t sequence = 0;
    RootCause root_cause;  // filled for money kinds by DeviationMonitor on opened/changed
};

struct Evaluation {
    DeviationState state;
    std::optional<DeviationEvent> event;
};

// The state machine. prior may be null (never seen). Pure.
[[nodiscard]] Evaluation Evaluate(const DeviationState* prior, const Observation& obs,
                                  const Threshold& threshold, const DeviationRules& rules);
[[nodiscard]] Severity SeverityOf(std::int64_t deviation, std::int64_t reference,
                                  const Threshold& t, const DeviationRules& rules) noexcept;

// Root cause of a money deviation at u through fiscal month `through` (S13): account groups
// (outcome - budget per group), months (outcome - budget per month) and accounts (accounts
// carry no budget, so a group's deviation is attributed to its accounts in proportion to
// their outcome) ranked by how much they drive it, top_n each, only items that push in the
// deviation's direction. accounts may be null (no account detail).
[[nodiscard]] RootCause ExplainMoneyDeviation(const Cube& outcome, const Cube& budget,
                                              const OutcomeLedger* ledger,
                                              const ChartOfAccounts& chart,
                                              const Interner* accounts, UnitIndex u, GroupKind kind,
                                              int through, std::size_t top_n = 5);

// Runs Evaluate over many units and keeps the states. One per fiscal year.
// Owner: the analysis service (budget/investment/goal/HR kinds) or forecasting (forecast kind).
// Lifecycle: created with rules and the Organisation (which must outlive it: it keeps a
// pointer), states restored from the deviations topic (Restore), then fed checks. A new
// organisation version means a new monitor, restored from the previous one's states.
// Not thread-safe.
class DeviationMonitor {
public:
    DeviationMonitor(const Organisation& org, FiscalYear fy, DeviationRules rules);

    // Budget and investment deviations to date (months 0..through) for the given units (for
    // instance OutcomeLedger::TakeDirty()); budget is the materialised budget cube. Pass the
    // last closed month as `through`: a month still receiving lines compared with its full
    // monthly budget would open favourable deviations that close again at month end.
    [[nodiscard]] std::vector<DeviationEvent> CheckBudget(const OutcomeLedger& ledger,
                                                          const Cube& budget,
                                                          std::span<const UnitIndex> units,
                                                          int through, const ChartOfAccounts& chart,
                                                          const Interner* accounts = nullptr);

    // Forecast deviation: full-year forecast vs annual operating budget.
    [[nodiscard]] std::optional<DeviationEvent> CheckForecast(UnitIndex u, core::Money forecast,
                                                              core::Money annual_budget,
                                                              Period as_of);

    // Goal or HR deviation for one indicator (values x 1000). threshold overrides the default.
    [[nodiscard]] std::optional<DeviationEvent> CheckIndicator(
        UnitIndex u, DeviationKind kind, std::string_view indicator, std::int64_t value_milli,
        std::int64_t target_milli, bool lower_is_better, Period as_of,
        std::optional<Threshold> threshold = std::nullopt);

    [[nodiscard]] const DeviationState* Find(const core::DeviationId& id) const;
    [[nodiscard]] std::vector<DeviationState> OpenDeviations() const;
    // Restores a state (from the deviations topic) before checks resume.
    void Restore(const DeviationState& state);
    [[nodiscard]] const DeviationRules& rules() const noexcept { return rules_; }

private:
    std::optional<DeviationEvent> Apply(const Observation& obs, const Threshold& t);

    const Organisation* org_;
    FiscalYear fy_;
    DeviationRules rules_;
    std::unordered_map<std::string, DeviationState> states_;
    // Dense fast path for budget/investment: has a state for (unit, kind) ever opened?
    std::vector<std::uint8_t> known_;
};

}  // namespace bfu::domain
