#include "bfu/domain/forecast.hpp"

#include <algorithm>
#include <limits>

#include "bfu/domain/budget.hpp"

namespace bfu::domain {
namespace {

using core::Errc;
using core::Error;
__extension__ using Int128 = __int128;

constexpr Int128 kMax64 = std::numeric_limits<std::int64_t>::max();

// a * num / den rounded half away from zero, clamped to int64 (forecasts of absurd trends
// must not wrap).
std::int64_t MulDiv128(Int128 a, Int128 num, Int128 den) {
    if (den < 0) {
        den = -den;
        num = -num;
    }
    Int128 p = a * num;
    Int128 q = p / den;
    const Int128 r = p % den;
    if ((r < 0 ? -r : r) * 2 >= den) q += p < 0 ? -1 : 1;
    if (q > kMax64) return std::numeric_limits<std::int64_t>::max();
    if (q < -kMax64) return -std::numeric_limits<std::int64_t>::max();
    return static_cast<std::int64_t>(q);
}

// Spreads rest over months through+1..11 by |weights| when they all share a sign and sum to
// non-zero, else evenly.
void FillRest(MonthlyAmounts& months, int through, std::int64_t rest,
              const MonthlyAmounts& pattern) {
    const int first = through + 1;
    if (first >= kMonths) return;
    std::vector<std::int64_t> w;
    bool pos = false;
    bool neg = false;
    for (int m = first; m < kMonths; ++m) {
        const std::int64_t v = pattern[static_cast<std::size_t>(m)];
        pos = pos || v > 0;
        neg = neg || v < 0;
        w.push_back(v < 0 ? -v : v);
    }
    if ((pos && neg) || (!pos && !neg)) std::fill(w.begin(), w.end(), 1);
    const auto spread = SpreadByWeights(rest, w);
    for (int m = first; m < kMonths; ++m) {
        months[static_cast<std::size_t>(m)] = spread[static_cast<std::size_t>(m - first)];
    }
}

Forecast Finish(Forecast f, const MonthlyAmounts& outcome, int through, std::int64_t rest,
                const MonthlyAmounts& pattern) {
    f.through = through;
    std::int64_t o = 0;
    for (int m = 0; m <= through; ++m) {
        f.months[static_cast<std::size_t>(m)] = outcome[static_cast<std::size_t>(m)];
        o += outcome[static_cast<std::size_t>(m)];
    }
    if (through >= kMonths - 1) rest = 0;
    FillRest(f.months, through, rest, pattern);
    f.outcome_to_date = core::Money::FromOre(o);
    f.rest = core::Money::FromOre(rest);
    f.total = f.outcome_to_date + f.rest;
    return f;
}

}  // namespace

std::string_view ToString(ForecastMethod m) noexcept {
    switch (m) {
        case ForecastMethod::kProfileTrend:
            return "profile_trend";
        case ForecastMethod::kRunRate:
            return "run_rate";
        case ForecastMethod::kManager:
            return "manager";
    }
    return "?";
}

core::Status ForecastConfig::Validate() const {
    if (trend_weight_percent < 0 || trend_weight_percent > 100) {
        return Error(Errc::kConfig, "trend_weight_percent", "the trend weight must be 0..100");
    }
    return core::Ok();
}

Forecast ForecastProfileTrend(const MonthlyAmounts& outcome, const MonthlyAmounts& budget,
                              int through, const ForecastConfig& config) {
    through = std::clamp(through, -1, kMonths - 1);
    std::int64_t o = 0;
    std::int64_t btd = 0;
    std::int64_t brest = 0;
    for (int m = 0; m < kMonths; ++m) {
        if (m <= through) {
            o += outcome[static_cast<std::size_t>(m)];
            btd += budget[static_cast<std::size_t>(m)];
        } else {
            brest += budget[static_cast<std::size_t>(m)];
        }
    }
    std::int64_t rest = brest;
    if (btd != 0 && brest != 0) {
        rest += MulDiv128(brest, static_cast<Int128>(o - btd) * config.trend_weight_percent,
                          static_cast<Int128>(btd) * 100);
    }
    Forecast f;
    f.method = ForecastMethod::kProfileTrend;
    return Finish(f, outcome, through, rest, budget);
}

Forecast ForecastUnit(const Cube& outcome, const Cube& budget, UnitIndex u, GroupKind kind,
                      int through, const ForecastConfig& config) {
    Forecast sum;
    sum.method = ForecastMethod::kProfileTrend;
    sum.through = std::clamp(through, -1, kMonths - 1);
    for (GroupIndex g = 0; g < outcome.group_count(); ++g) {
        if (outcome.kind(g) != kind) continue;
        const Forecast f = ForecastProfileTrend(outcome.GroupMonths(u, g), budget.GroupMonths(u, g),
                                                through, config);
        for (std::size_t m = 0; m < kMonths; ++m) sum.months[m] += f.months[m];
        sum.outcome_to_date += f.outcome_to_date;
        sum.rest += f.rest;
        sum.total += f.total;
    }
    return sum;
}

Forecast ForecastRunRate(const MonthlyAmounts& outcome, int through,
                         std::span<const MonthlyAmounts> history) {
    through = std::clamp(through, -1, kMonths - 1);
    MonthlyAmounts season{};
    for (const auto& year : history) {
        for (std::size_t m = 0; m < kMonths; ++m) season[m] += year[m];
    }
    std::int64_t o = 0;
    for (int m = 0; m <= through; ++m) o += outcome[static_cast<std::size_t>(m)];
    std::int64_t s_td = 0;
    std::int64_t s_rest = 0;
    bool pos = false;
    bool neg = false;
    for (int m = 0; m < kMonths; ++m) {
        const std::int64_t v = season[static_cast<std::size_t>(m)];
        (m <= through ? s_td : s_rest) += v;
        pos = pos || v > 0;
        neg = neg || v < 0;
    }
    const bool seasonal = !history.empty() && !(pos && neg) && s_td != 0;
    std::int64_t rest = 0;
    MonthlyAmounts pattern{};
    if (through >= 0) {
        if (seasonal) {
            rest = MulDiv128(o, s_rest, s_td);
            pattern = season;
        } else {
            rest = MulDiv128(o, kMonths - 1 - through, through + 1);
            pattern.fill(1);
        }
    }
    Forecast f;
    f.method = ForecastMethod::kRunRate;
    return Finish(f, outcome, through, rest, pattern);
}

std::vector<RoundAccuracy> MeasureAccuracy(std::span<const RoundForecast> rounds,
                                           core::Money actual) {
    std::vector<RoundAccuracy> out;
    for (const RoundForecast& r : rounds) {
        RoundAccuracy a;
        a.round = r.round;
        a.forecast = r.amount;
        a.actual = actual;
        a.error = r.amount - actual;
        a.method = r.method;
        if (!actual.IsZero()) {
            const std::int64_t e = a.error.ore() < 0 ? -a.error.ore() : a.error.ore();
            a.abs_error_bp = core::Share{e, actual.Abs().ore()}.BasisPoints();
        }
        out.push_back(a);
    }
    return out;
}

core::Status ForecastBook::RecordComputed(const core::UnitId& unit, int round, const Forecast& f) {
    if (round < 1 || round > 6) {
        return Error(Errc::kInvalidArgument, "round",
                     "forecast round " + std::to_string(round) + " is outside 1..6");
    }
    entries_[{unit.value(), round}].computed = f;
    return core::Ok();
}

core::Status ForecastBook::Submit(const ManagerForecast& mf, Date deadline) {
    if (mf.round < 1 || mf.round > 6) {
        return Error(Errc::kInvalidArgument, "round",
                     "forecast round " + std::to_string(mf.round) + " is outside 1..6");
    }
    if (mf.comment.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Error(Errc::kInvalidArgument, "comment",
                     "a manager's forecast needs a comment explaining it");
    }
    if (mf.unit.value().empty()) {
        return Error(Errc::kInvalidArgument, "unit", "a manager's forecast needs a unit");
    }
    Entry& e = entries_[{mf.unit.value(), mf.round}];
    if (e.manager && e.manager->submitted_on > mf.submitted_on) return core::Ok();
    e.manager = mf;
    e.late = mf.submitted_on > deadline;
    return core::Ok();
}

std::optional<RoundForecast> ForecastBook::ForRound(const core::UnitId& unit, int round) const {
    const auto it = entries_.find({unit.value(), round});
    if (it == entries_.end()) return std::nullopt;
    const Entry& e = it->second;
    RoundForecast r;
    r.round = round;
    if (e.manager) {
        r.amount = e.manager->amount;
        r.method = ForecastMethod::kManager;
        r.comment = e.manager->comment;
        r.late = e.late;
        r.submitted_on = e.manager->submitted_on;
        return r;
    }
    if (!e.computed) return std::nullopt;
    r.amount = e.computed->total;
    r.method = e.computed->method;
    return r;
}

std::optional<RoundForecast> ForecastBook::Current(const core::UnitId& unit) const {
    for (int round = 6; round >= 1; --round) {
        if (auto r = ForRound(unit, round)) return r;
    }
    return std::nullopt;
}

std::vector<RoundForecast> ForecastBook::AllRounds(const core::UnitId& unit) const {
    std::vector<RoundForecast> out;
    for (int round = 1; round <= 6; ++round) {
        if (auto r = ForRound(unit, round)) out.push_back(*r);
    }
    return out;
}

}  // namespace bfu::domain
