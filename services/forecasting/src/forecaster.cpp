#include "bfu/forecasting/forecaster.hpp"

#include <algorithm>

#include "bfu/service/deviation_wire.hpp"

namespace bfu::forecasting {

namespace {

contracts::ForecastMethod ToWire(domain::ForecastMethod m) {
    switch (m) {
        case domain::ForecastMethod::kProfileTrend:
            return contracts::ForecastMethod::kBlend;
        case domain::ForecastMethod::kRunRate:
            return contracts::ForecastMethod::kTrend;
        case domain::ForecastMethod::kManager:
            return contracts::ForecastMethod::kManager;
    }
    return contracts::ForecastMethod::kBlend;
}

}  // namespace

Forecaster::Forecaster(domain::ForecastConfig config, domain::DeviationRules rules)
    : config_(config), rules_(rules) {}

void Forecaster::SetMaster(std::shared_ptr<const service::MasterData> master) {
    std::vector<domain::DeviationState> open;
    if (monitor_) open = monitor_->OpenDeviations();
    master_ = std::move(master);
    monitor_ = std::make_unique<domain::DeviationMonitor>(master_->org, master_->year, rules_);
    for (const auto& s : open) {
        if (master_->org.Find(s.key.unit)) monitor_->Restore(s);
    }
}

core::Result<ForecastOutput> Forecaster::OnAggregate(const contracts::UnitAggregate& a,
                                                     core::TimePoint now) {
    if (!master_) {
        return core::Error(core::Errc::kFailedPrecondition, "master",
                           "no master data (organisation) yet");
    }
    ForecastOutput out;
    const auto& fy = master_->year;
    if (a.year != fy.start_year()) return out;
    auto u = master_->org.Find(a.unit.value());
    if (!u) {
        return core::Error(core::Errc::kNotFound, "/unit",
                           "unit " + a.unit.value() + " is not in the organisation");
    }
    auto period = domain::Period::Parse(a.through_period);
    if (!period.ok()) {
        return core::Error(core::Errc::kInvalidArgument, "/throughPeriod", period.error().message);
    }
    // The aggregate's period is the last complete month (analysis leaves out the month still
    // being booked), so a half-booked month is not read as a trend.
    auto month = fy.IndexOf(*period);
    if (!month) return out;
    const int through = *month;
    domain::MonthlyAmounts outcome{};
    domain::MonthlyAmounts budget{};
    for (std::size_t m = 0; m < 12; ++m) {
        outcome[m] = a.totals.months[m].outcome_ore;
        budget[m] = a.totals.months[m].budget_ore;
    }
    const auto f = domain::ForecastProfileTrend(outcome, budget, through, config_);
    const int round = std::max(through, 0) / 2 + 1;
    auto [it, fresh] = last_written_.try_emplace({a.unit.value(), round}, 0);
    if (!fresh && it->second == f.total.ore()) return out;
    it->second = f.total.ore();

    contracts::Forecast fc;
    fc.year = a.year;
    fc.unit = a.unit;
    fc.round = round;
    fc.method = ToWire(f.method);
    fc.total_ore = f.total.ore();
    fc.budget_ore = a.totals.budget_ore;
    fc.inputs.through_period = a.through_period;
    fc.inputs.outcome_to_date_ore = f.outcome_to_date.ore();
    fc.inputs.budget_to_date_ore = a.totals.budget_to_date_ore;
    std::int64_t budget_rest = 0;
    for (int m = through + 1; m < 12; ++m) budget_rest += budget[static_cast<std::size_t>(m)];
    fc.inputs.remaining_profile_ore = budget_rest;
    fc.inputs.trend_adjustment_ore = f.rest.ore() - budget_rest;
    fc.made_at = core::ToRfc3339(now);
    out.forecasts.push_back(std::move(fc));

    if (auto ev = monitor_->CheckForecast(*u, f.total, core::Money::FromOre(a.totals.budget_ore),
                                          *period)) {
        out.deviations.push_back(service::ToWire(*ev, master_->org, now, std::nullopt));
    }
    return out;
}

}  // namespace bfu::forecasting
