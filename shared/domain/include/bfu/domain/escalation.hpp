#pragma once
// Escalation (S7) as a pure function of the deviation, the organisation, the acknowledgements
// and the time now.
//
// Rings: ring 0 is the unit where the deviation arose; ring k+1 is the superiors of ring k
// (Organisation::EscalationRingsAt: enhet -> verksamhet -> sektor -> nämnd + kommundirektör ->
// KS -> KF).
//
// The rules:
//   1. The superior is always told at once: ring 1 is alerted when the deviation opens.
//   2. Mandate: the responsible ring is the lowest ring r whose mandate covers the amount
//      (|deviation| <= the largest mandate in the ring). Escalation to it is immediate, and
//      its superiors (ring r+1) are told at once too. A deviation beyond every mandate rests
//      with the top ring. Deviations without an amount (goal, HR) stay with ring 0.
//      Favourable deviations never escalate by mandate: overspending the frame is what
//      mandates limit.
//   3. Acknowledgement: the responsible ring must acknowledge within ack_timeout from the
//      moment the deviation reached it. An ack by any unit in the responsible ring or above
//      counts. Without one, responsibility moves one ring up at that deadline, whose superiors
//      are then told, and the clock restarts. Favourable deviations need no acknowledgement.
// The result lists everyone who must have been alerted by now, with when and why, so a
// notifier can send what it has not yet sent (deduplicating by deviation id + unit), and the
// next step with its deadline.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "bfu/core/clock.hpp"
#include "bfu/core/money.hpp"
#include "bfu/core/strong_id.hpp"
#include "bfu/domain/org.hpp"
#include "bfu/domain/workdays.hpp"

namespace bfu::domain {

struct EscalationPolicy {
    core::Duration ack_timeout = std::chrono::hours(72);
};

struct DeviationForEscalation {
    core::DeviationId id;
    UnitIndex unit = 0;
    std::optional<core::Money> amount;  // |amount| is compared with mandates; none for goal/HR
    bool favourable = false;
    core::TimePoint opened_at;
};

struct Acknowledgement {
    core::DeviationId id;
    UnitIndex by_unit = 0;  // the unit whose manager acknowledged
    core::TimePoint at;
};

enum class AlertReason : std::uint8_t {
    kSuperior,        // always told at once (ring 1, and the superiors of each new owner)
    kBeyondMandate,   // became responsible because the amount exceeds lower mandates
    kUnacknowledged,  // became responsible because the ring below did not acknowledge in time
};
[[nodiscard]] std::string_view ToString(AlertReason r) noexcept;

struct Alert {
    UnitIndex unit = 0;
    int ring = 0;
    AlertReason reason = AlertReason::kSuperior;
    core::TimePoint due;  // when it should have gone out
};

struct EscalationDecision {
    bool within_mandate = true;  // the unit's own manager may handle it (ring 0 covers it)
    int responsible_ring = 0;
    std::vector<UnitIndex> responsible;  // units of the responsible ring
    std::vector<Alert> alerts;           // everyone to be alerted by now, in order
    bool acknowledged = false;           // the responsible ring has acknowledged
    // Who takes over next if no acknowledgement arrives, and when; empty at the top or
    // once acknowledged.
    std::vector<UnitIndex> next;
    std::optional<core::TimePoint> next_deadline;
};

[[nodiscard]] EscalationDecision Escalate(const DeviationForEscalation& deviation,
                                          const Organisation& org,
                                          std::span<const Acknowledgement> acks,
                                          core::TimePoint now, const EscalationPolicy& policy);

// --- Escalation as the services run it: step by step, on working time ---------------------
//
// Escalate above answers "what must have happened by now" from the opening alone. The services
// instead record every step as an event (opened, escalated, acknowledged) and keep the deadline
// on it, so a restart re-times nothing and a changed rule applies to new deadlines only (as
// on-call tools such as Grafana OnCall and PagerDuty treat pending escalations). The two
// functions below are those steps; the rings are Escalate's (ring 0 the unit, ring k+1 the
// superiors of ring k).

// How long the responsible level has to acknowledge: working days (weekends and Swedish public
// holidays are not working time, domain/workdays.hpp), counted from the moment the deviation
// reached it.
struct AckPolicy {
    int working_days = 2;
    WorkCalendar calendar;
};

// The rings of escalation for a deviation at `unit` on `day`: [0] = {unit}, then
// Organisation::EscalationRingsAt.
[[nodiscard]] std::vector<std::vector<UnitIndex>> RingsOf(UnitIndex unit, const Organisation& org,
                                                          Date day);
// The ring holding `u`, or -1.
[[nodiscard]] int RingIndexOf(const std::vector<std::vector<UnitIndex>>& rings, UnitIndex u);

// When a deviation opens: who is responsible by mandate and who is told at once (every unit
// whose manager must get the alert besides the unit's own: ring 1, the rings passed by mandate
// and the responsible ring's superiors), and by when the responsible ring must acknowledge
// (none for favourable deviations, which need no acknowledgement).
struct OpeningDecision {
    bool within_mandate = true;
    int responsible_ring = 0;
    std::vector<UnitIndex> responsible;
    std::vector<UnitIndex> told;  // in ring order, without duplicates, never the unit itself
    std::optional<core::TimePoint> respond_by;
};
[[nodiscard]] OpeningDecision DecideOpening(const DeviationForEscalation& deviation,
                                            const Organisation& org, const AckPolicy& policy);

// One escalation step when nobody acknowledged in time.
struct EscalationStep {
    int from_ring = 0;
    int to_ring = 0;
    std::vector<UnitIndex> responsible;  // the units of to_ring: they must act now
    std::vector<UnitIndex> told;         // responsible plus their superiors (to_ring + 1)
    std::vector<UnitIndex> reminded;     // the units of from_ring, who did not answer
    core::TimePoint respond_by;          // the new deadline, counted from the old one
};

// The deviation's escalation as its events left it.
struct EscalationTrack {
    UnitIndex unit = 0;          // where the deviation arose
    UnitIndex responsible = 0;   // the unit responsible now (the unit, or where it escalated)
    core::TimePoint respond_by;  // the deadline of the responsible ring
    bool acknowledged = false;   // acknowledged by the responsible ring or above
    Date day;                    // the organisation's structure to use (the event's date)
};

// The step due at `now`: respond_by has passed, nobody acknowledged and there is a ring above.
// nullopt otherwise. Each step moves one ring up; the new deadline counts from the old one,
// so a clock that jumped days ahead gives one step per call until it has caught up.
[[nodiscard]] std::optional<EscalationStep> DueEscalation(const EscalationTrack& track,
                                                          const Organisation& org,
                                                          core::TimePoint now,
                                                          const AckPolicy& policy);

// Whether an acknowledgement by the manager of `by_unit` counts for a deviation whose
// responsible unit is `responsible` (rule 3: the responsible ring or above).
[[nodiscard]] bool AckCounts(UnitIndex unit, UnitIndex responsible, UnitIndex by_unit,
                             const Organisation& org, Date day);

}  // namespace bfu::domain
