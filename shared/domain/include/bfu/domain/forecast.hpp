#pragma once
// Forecasting (S6): full-year forecasts per round, managers' own forecasts, accuracy.
//
// Profile + trend (the default method), for months 0..t closed:
//   O = outcome to date, Btd = budget to date, Brest = budget for the remaining months
//   rest = Brest + w * Brest * (O - Btd) / Btd        (w = trend_weight_percent / 100)
//   forecast = O + rest
// i.e. the rest of the budget scaled by the trend seen so far, damped by w (0 % = the budget
// for the rest as it stands, 100 % = the full trend). With Btd = 0 there is no trend and rest
// = Brest. rest is spread over the remaining months by the budget's own profile, exactly, so
// the monthly forecast has outcome in closed months and the sum is exact:
//   forecast.total == outcome to date + sum of the forecast of the remaining months.
//
// Run-rate with seasonality: with earlier years' monthly outcome, rest = O * S_rest / S_td,
// where S are the earlier years' summed outcome for the same fiscal months (the seasonal
// pattern); without usable history (none, or mixed signs, or S_td = 0) it is the plain
// run-rate O * (11 - t) / (t + 1).
//
// A manager's own forecast with a comment stands for the round it names: it replaces the
// computed forecast of that round, also when submitted after the round's deadline (it is then
// marked late, and reports say so). It does not carry into the next round, which is computed
// afresh unless the manager submits again. Several submissions for one round: the latest
// submission date wins, and on the same date the later arrival.
//
// Accuracy per round, once the year's outcome A is known: error = F - A and the absolute error
// as a share of |A| in basis points.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bfu/core/money.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/cube.hpp"

namespace bfu::domain {

enum class ForecastMethod : std::uint8_t { kProfileTrend, kRunRate, kManager };
[[nodiscard]] std::string_view ToString(ForecastMethod m) noexcept;

struct ForecastConfig {
    std::int64_t trend_weight_percent = 50;  // 0..100
    [[nodiscard]] core::Status Validate() const;
};

struct Forecast {
    ForecastMethod method = ForecastMethod::kProfileTrend;
    int through = -1;         // last closed fiscal month index; -1 = none closed
    MonthlyAmounts months{};  // outcome for closed months, forecast for the rest
    core::Money outcome_to_date;
    core::Money rest;
    core::Money total;
};

// Profile + trend on one series (e.g. one account group of one unit).
[[nodiscard]] Forecast ForecastProfileTrend(const MonthlyAmounts& outcome,
                                            const MonthlyAmounts& budget, int through,
                                            const ForecastConfig& config);
// Per group of the given kind, summed: each group keeps its own trend (personnel and revenue
// rarely move together).
[[nodiscard]] Forecast ForecastUnit(const Cube& outcome, const Cube& budget, UnitIndex u,
                                    GroupKind kind, int through, const ForecastConfig& config);
// Run-rate with seasonality from earlier years (each an array of the same fiscal months).
[[nodiscard]] Forecast ForecastRunRate(const MonthlyAmounts& outcome, int through,
                                       std::span<const MonthlyAmounts> history);

struct ManagerForecast {
    core::UnitId unit;
    int round = 0;  // 1..6
    core::Money amount;
    std::string comment;  // required: the manager's reasoning is what makes it stand
    std::string submitted_by;
    Date submitted_on;
};

struct RoundForecast {
    int round = 0;
    core::Money amount;
    ForecastMethod method = ForecastMethod::kProfileTrend;
    std::string comment;
    bool late = false;  // a manager forecast submitted after the round's deadline
    std::optional<Date> submitted_on;
};

struct RoundAccuracy {
    int round = 0;
    core::Money forecast;
    core::Money actual;
    core::Money error;              // forecast - actual
    std::int64_t abs_error_bp = 0;  // |error| / |actual|; 0 when actual is 0
    ForecastMethod method = ForecastMethod::kProfileTrend;
};
[[nodiscard]] std::vector<RoundAccuracy> MeasureAccuracy(std::span<const RoundForecast> rounds,
                                                         core::Money actual);

// The forecasts of one fiscal year: computed per (unit, round), managers' submissions, and the
// forecast that stands. Owner: the forecasting service. Not thread-safe.
class ForecastBook {
public:
    explicit ForecastBook(FiscalYear fy) : fy_(fy) {}
    [[nodiscard]] FiscalYear fiscal_year() const noexcept { return fy_; }

    // Records the computed forecast of a round (replaces an earlier computation).
    [[nodiscard]] core::Status RecordComputed(const core::UnitId& unit, int round,
                                              const Forecast& f);
    // Accepts a manager's forecast. kInvalidArgument for a round outside 1..6 or an empty
    // comment. deadline is the round's deadline (from the timetable); past it the forecast is
    // accepted and marked late.
    [[nodiscard]] core::Status Submit(const ManagerForecast& mf, Date deadline);

    // The forecast that stands for a round: the manager's if any, else the computed one.
    [[nodiscard]] std::optional<RoundForecast> ForRound(const core::UnitId& unit, int round) const;
    // The latest round that has a forecast.
    [[nodiscard]] std::optional<RoundForecast> Current(const core::UnitId& unit) const;
    [[nodiscard]] std::vector<RoundForecast> AllRounds(const core::UnitId& unit) const;

private:
    struct Entry {
        std::optional<Forecast> computed;
        std::optional<ManagerForecast> manager;
        bool late = false;
    };
    FiscalYear fy_;
    std::map<std::pair<std::string, int>, Entry> entries_;
};

}  // namespace bfu::domain
