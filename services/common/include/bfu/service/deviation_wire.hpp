#pragma once
// The domain core's deviation events and levels in their contract (wire) form, shared by
// analysis (budget and investment kinds) and forecasting (forecast kind), so both write
// bfu.deviations alike.
#include <optional>

#include "bfu/contracts/analysis.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/domain/deviation.hpp"
#include "bfu/domain/escalation.hpp"
#include "bfu/domain/org.hpp"

namespace bfu::service {

[[nodiscard]] contracts::OrgLevel ToWire(domain::Level level);
[[nodiscard]] contracts::DeviationKind ToWire(domain::DeviationKind kind);
[[nodiscard]] contracts::Severity ToWire(domain::Severity severity);
// Back from the wire, e.g. to restore a deviation monitor's state from the latest event.
[[nodiscard]] domain::Severity FromWire(contracts::Severity severity);
// The öre of a budget, investment or forecast deviation's latest status event put back on a
// monitor's state (its deviation, reference, the deviation last reported, direction and
// severity), as analysis and forecasting restore their deviations.
void RestoreAmounts(const contracts::DeviationEvent& event, domain::DeviationState& state);
[[nodiscard]] contracts::DeviationEventKind ToWire(domain::TransitionType type);
[[nodiscard]] contracts::Person ToWire(const domain::Manager& manager);

// The event with its responsible manager, who is told at once (S7, domain::DecideOpening on
// the reporting lines in force at the end of the event's period: the superior always, and up
// the line as far as the amount passes the mandates, and the responsible level's superiors),
// whether it is within the manager's mandate, and the input that triggered it. An opened event
// also says which unit is responsible when that is not the unit itself (`escalation`, reason
// beyond_mandate) and, when unfavourable, by when it must be acknowledged (`respondBy`,
// `policy.working_days` working days from `now`).
[[nodiscard]] contracts::DeviationEvent ToWire(const domain::DeviationEvent& event,
                                               const domain::Organisation& org, core::TimePoint now,
                                               std::optional<contracts::Trigger> trigger,
                                               const domain::AckPolicy& policy = {});

}  // namespace bfu::service
