#pragma once
// The Redis key layout of unit status (documented in docs/redis.md). Every key starts with a
// prefix (redis.prefix, default "bfu:") so that tests and several municipalities can share
// one Redis.
//   <p>unit:<id>              hash   the unit's current status: the year of the business date
//                                    (analysis writes it whole)
//   <p>unit:<id>:<year>       hash   the unit's status in each year analysis follows (the
//                                    same fields; a closed year's last one stays)
//   <p>units                  set    every unit id with a status
//   <p>forecast:<id>          hash   the unit's latest full-year forecast (forecasting)
//   <p>deviation:<id>         hash   a deviation's latest state (analysis)
//   <p>deviations:open        set    ids of open deviations
//   <p>casework:<id>          string the unit's casework as JSON: measures, coverage, plans,
//                                    decisions, comments (casework)
#include <string>
#include <string_view>

namespace bfu::service::status_keys {

inline std::string Unit(std::string_view prefix, std::string_view id) {
    return std::string(prefix) + "unit:" + std::string(id);
}
inline std::string UnitYear(std::string_view prefix, std::string_view id, int year) {
    return Unit(prefix, id) + ":" + std::to_string(year);
}
inline std::string Units(std::string_view prefix) { return std::string(prefix) + "units"; }
inline std::string Forecast(std::string_view prefix, std::string_view id) {
    return std::string(prefix) + "forecast:" + std::string(id);
}
inline std::string Deviation(std::string_view prefix, std::string_view id) {
    return std::string(prefix) + "deviation:" + std::string(id);
}
inline std::string Casework(std::string_view prefix, std::string_view id) {
    return std::string(prefix) + "casework:" + std::string(id);
}
inline std::string OpenDeviations(std::string_view prefix) {
    return std::string(prefix) + "deviations:open";
}

}  // namespace bfu::service::status_keys
