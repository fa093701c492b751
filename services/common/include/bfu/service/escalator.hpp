#pragma once
// Escalation when nobody answers (S7), for the owner of a deviation's events (analysis for the
// budget, investment, goal and HR kinds, forecasting for the forecast kind): one writer of its
// sequence numbers. The deadline of each step is on the events (respondBy on the opened and
// escalated events), so the timers are kept in Kafka: a restart re-reads them and changes
// nothing, and a changed working-day rule applies to new deadlines only.
//
// DueEscalationEvent is pure: from a deviation's record (the DeviationFold) and the time now it
// gives the `escalated` event to append, or nothing. It appends when the deviation is open,
// its episode has a deadline that has passed, nobody in the responsible ring or above
// acknowledged (domain::AckCounts), and a ring above exists. The event names the unit now
// responsible (escalation.to_unit, reason not_acknowledged), the new deadline counted from the
// old one, and who is told (the new ring and its superiors); its commandId
// "escalation:<opened seq>:<ring>" makes a repeat recognisable, so each step fires once.
//
// Thread-safety: pure functions.
#include <functional>
#include <optional>
#include <vector>

#include "bfu/config/config.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/domain/escalation.hpp"
#include "bfu/domain/org.hpp"
#include "bfu/service/deviation_table.hpp"

namespace bfu::service {

[[nodiscard]] std::optional<contracts::DeviationEvent> DueEscalationEvent(
    const DeviationRecord& record, const domain::Organisation& org, core::TimePoint now,
    const domain::AckPolicy& policy);

// Every escalated event due at `now` among `records` that the caller `owns` (its kinds, its
// units), in record order.
[[nodiscard]] std::vector<contracts::DeviationEvent> DueEscalations(
    const std::vector<DeviationRecord>& records, const domain::Organisation& org,
    core::TimePoint now, const domain::AckPolicy& policy,
    const std::function<bool(const DeviationRecord&)>& owns);

// The escalations due at the end of a writer's round. `round` holds the lifecycle events the
// round is about to write (not yet read back from Kafka); they are folded into `fold` first
// (the fold is idempotent, so reading them back later changes nothing), so a deviation that
// changed in this round and is due numbers its escalated event on after the change: every
// (deviation, seq) has one event. Analysis and forecasting call it once a round.
[[nodiscard]] std::vector<contracts::DeviationEvent> DueAfterRound(
    DeviationFold& fold, const std::vector<contracts::DeviationEvent>& round,
    const domain::Organisation& org, core::TimePoint now, const domain::AckPolicy& policy,
    const std::function<bool(const DeviationRecord&)>& owns);

// escalation.ack_working_days (default 2): the working days the responsible level has to
// acknowledge before the deviation goes one level up.
void AddEscalationFields(config::Schema& schema);
[[nodiscard]] domain::AckPolicy AckPolicyFrom(const config::Config& cfg);

// The units whose manager has this e-mail (ASCII case-insensitive).
[[nodiscard]] std::vector<domain::UnitIndex> UnitsManagedBy(const domain::Organisation& org,
                                                            std::string_view email);

}  // namespace bfu::service
