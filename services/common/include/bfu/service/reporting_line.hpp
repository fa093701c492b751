#pragma once
// Who may act on a unit's follow-up (acknowledge its deviations, add measures, submit its
// forecast): the unit's own manager or the manager of a unit in its reporting line, i.e. the
// tree ancestors up to KF and the extra reporting lines (a sektor's kommundirektör, a nämnd's
// KS), as in force on a date. Shared by analysis (deviation commands) and forecasting
// (forecast submissions). Pure; thread-safe.
#include <optional>
#include <string_view>

#include "bfu/contracts/common.hpp"
#include "bfu/core/strong_id.hpp"
#include "bfu/domain/org.hpp"

namespace bfu::service {

// The manager whose e-mail is `email` (ASCII case-insensitive), as a contract person; nullopt
// for an unknown unit or someone outside the line.
[[nodiscard]] std::optional<contracts::Person> FindLineManager(const domain::Organisation& org,
                                                               const core::UnitId& unit,
                                                               std::string_view email,
                                                               domain::Date on);

}  // namespace bfu::service
