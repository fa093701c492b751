#pragma once
// Forecaster: full-year forecasts from unit aggregates (S6), as a pure object. For each
// aggregate of the followed-up year it computes the domain core's profile + trend forecast of
// the operating net cost (outcome to date plus the rest of the budget, scaled by the trend so
// far), writes it when it differs from the last one written for that unit and round, and runs
// the forecast deviation check (forecast vs annual budget, thresholds per level).
//
// Months: the forecast uses the months through the aggregate's period, which analysis sets to
// the last complete month. Round: a forecast belongs to the bimonthly round whose cut-off is
// that month or the next one (January and February -> round 1, ...).
//
// Lifecycle and thread-safety: one per forecasting instance, driven by one thread.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/domain/deviation.hpp"
#include "bfu/domain/forecast.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::forecasting {

struct ForecastOutput {
    std::vector<contracts::Forecast> forecasts;
    std::vector<contracts::DeviationEvent> deviations;
};

class Forecaster {
public:
    explicit Forecaster(domain::ForecastConfig config = {},
                        domain::DeviationRules rules = domain::DeviationRules::Defaults());

    void SetMaster(std::shared_ptr<const service::MasterData> master);
    [[nodiscard]] bool HasMaster() const noexcept { return master_ != nullptr; }

    // kFailedPrecondition without master data; aggregates of other years give nothing.
    [[nodiscard]] core::Result<ForecastOutput> OnAggregate(const contracts::UnitAggregate& a,
                                                           core::TimePoint now);

private:
    domain::ForecastConfig config_;
    domain::DeviationRules rules_;
    std::shared_ptr<const service::MasterData> master_;
    std::unique_ptr<domain::DeviationMonitor> monitor_;
    std::map<std::pair<std::string, int>, std::int64_t> last_written_;  // (unit, round) -> total
};

}  // namespace bfu::forecasting
