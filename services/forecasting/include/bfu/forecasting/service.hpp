#pragma once
// The forecasting service: consumes bfu.unit.aggregates and writes full-year forecasts to
// bfu.forecasts and forecast deviations to bfu.deviations (one Kafka transaction per batch
// with the input offsets), and each unit's latest forecast to Redis.
// Topics and config: docs/services/forecasting.md.
#include "bfu/runtime/app.hpp"

namespace bfu::forecasting {

[[nodiscard]] runtime::App MakeApp();

}  // namespace bfu::forecasting
