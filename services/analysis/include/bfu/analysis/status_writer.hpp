#pragma once
// Writes unit statuses and deviation states to Redis in the layout of status_keys.hpp.
// Values are written absolutely (each unit's hash replaced whole in one MULTI/EXEC), never
// incremented, so a replay or a retried batch leaves the same result.
#include <string>
#include <vector>

#include "bfu/analysis/engine.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/redis/redis.hpp"

namespace bfu::analysis {

// The Redis commands for these statuses and deviation events (pure; tested without Redis).
[[nodiscard]] std::vector<redis::Argv> StatusCommands(
    const std::string& prefix, const std::vector<UnitStatus>& statuses,
    const std::vector<contracts::DeviationEvent>& deviations);

// Runs them in one transaction.
[[nodiscard]] redis::Status WriteStatus(redis::Executor& redis, const std::string& prefix,
                                        const std::vector<UnitStatus>& statuses,
                                        const std::vector<contracts::DeviationEvent>& deviations);

}  // namespace bfu::analysis
