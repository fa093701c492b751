#pragma once
// The forecasting service: reads bfu.unit.aggregates, bfu.forecast.submissions and its own
// bfu.forecasts whole (a table every instance reads from the start), writes full-year
// forecasts to bfu.forecasts and forecast deviations to bfu.deviations on the business date's
// rounds and on material changes (Forecaster), each unit's latest forecast to Redis, and
// answers forecast.submit and forecast.accuracy on its ZeroMQ endpoint.
// Topics and config: docs/services/forecasting.md.
#include "bfu/config/config.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::forecasting {

[[nodiscard]] runtime::App MakeApp();

// The service's config schema and wire function, for tests that run its components in-process.
[[nodiscard]] config::Schema MakeSchema();
void Wire(runtime::Context& ctx);

}  // namespace bfu::forecasting
