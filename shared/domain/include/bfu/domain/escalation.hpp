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

}  // namespace bfu::domain
