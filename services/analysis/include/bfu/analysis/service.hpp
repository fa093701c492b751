#pragma once
// The analysis service: consumes bfu.ledger.lines and the master topics, keeps every unit's
// outcome against its periodised budget at every level (AnalysisEngine), writes deviation
// events to bfu.deviations and unit aggregates to bfu.unit.aggregates in one Kafka transaction
// per batch with the input offsets, and every touched unit's status to Redis.
// Topics and config: docs/services/analysis.md.
#include "bfu/runtime/app.hpp"

namespace bfu::analysis {

[[nodiscard]] runtime::App MakeApp();

}  // namespace bfu::analysis
