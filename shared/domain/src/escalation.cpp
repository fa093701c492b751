#include "bfu/domain/escalation.hpp"

#include <algorithm>
#include <chrono>

namespace bfu::domain {
namespace {

// Civil date of a time point (UTC) for the org's structure on that day.
Date DateOf(core::TimePoint t) {
    const auto days = std::chrono::floor<std::chrono::days>(t).time_since_epoch().count();
    return Date::FromDays(static_cast<std::int32_t>(days));
}

}  // namespace

std::string_view ToString(AlertReason r) noexcept {
    switch (r) {
        case AlertReason::kSuperior:
            return "superior";
        case AlertReason::kBeyondMandate:
            return "beyond_mandate";
        case AlertReason::kUnacknowledged:
            return "unacknowledged";
    }
    return "?";
}

EscalationDecision Escalate(const DeviationForEscalation& deviation, const Organisation& org,
                            std::span<const Acknowledgement> acks, core::TimePoint now,
                            const EscalationPolicy& policy) {
    EscalationDecision out;
    const Date day = DateOf(deviation.opened_at);
    std::vector<std::vector<UnitIndex>> rings{{deviation.unit}};
    for (auto& r : org.EscalationRingsAt(deviation.unit, day)) rings.push_back(std::move(r));
    const int top = static_cast<int>(rings.size()) - 1;

    auto ring_mandate = [&](int r) {
        core::Money best;
        for (UnitIndex x : rings[static_cast<std::size_t>(r)]) {
            best = std::max(best, org.unit(x).mandate);
        }
        return best;
    };
    auto ring_of = [&](UnitIndex u) {
        for (int r = 0; r <= top; ++r) {
            const auto& ring = rings[static_cast<std::size_t>(r)];
            if (std::find(ring.begin(), ring.end(), u) != ring.end()) return r;
        }
        return -1;
    };
    auto alert_ring = [&](int r, AlertReason reason, core::TimePoint due) {
        if (r > top) return;
        for (UnitIndex x : rings[static_cast<std::size_t>(r)]) {
            const bool already = std::any_of(out.alerts.begin(), out.alerts.end(),
                                             [&](const Alert& a) { return a.unit == x; });
            if (!already) out.alerts.push_back({x, r, reason, due});
        }
    };

    // Rule 2: mandate.
    int r = 0;
    if (deviation.amount && !deviation.favourable) {
        const core::Money amount = deviation.amount->Abs();
        out.within_mandate = amount <= ring_mandate(0);
        while (r < top && amount > ring_mandate(r)) {
            ++r;
            alert_ring(r, AlertReason::kBeyondMandate, deviation.opened_at);
        }
    }
    // Rule 1: the superiors of the responsible ring are told at once.
    alert_ring(1, AlertReason::kSuperior, deviation.opened_at);
    alert_ring(r + 1, AlertReason::kSuperior, deviation.opened_at);

    if (deviation.favourable) {
        out.acknowledged = true;
        out.responsible_ring = r;
        out.responsible = rings[static_cast<std::size_t>(r)];
        return out;
    }

    // Rule 3: acknowledgement deadlines.
    core::TimePoint since = deviation.opened_at;
    while (true) {
        const core::TimePoint deadline = since + policy.ack_timeout;
        const bool acked = std::any_of(acks.begin(), acks.end(), [&](const Acknowledgement& a) {
            return a.id == deviation.id && a.at <= std::min(deadline, now) &&
                   ring_of(a.by_unit) >= r;
        });
        if (acked) {
            out.acknowledged = true;
            break;
        }
        if (r >= top) break;
        if (now < deadline) {
            out.next = rings[static_cast<std::size_t>(r + 1)];
            out.next_deadline = deadline;
            break;
        }
        ++r;
        alert_ring(r, AlertReason::kUnacknowledged, deadline);
        alert_ring(r + 1, AlertReason::kSuperior, deadline);
        since = deadline;
    }
    out.responsible_ring = r;
    out.responsible = rings[static_cast<std::size_t>(r)];
    return out;
}

std::vector<std::vector<UnitIndex>> RingsOf(UnitIndex unit, const Organisation& org, Date day) {
    std::vector<std::vector<UnitIndex>> rings{{unit}};
    for (auto& r : org.EscalationRingsAt(unit, day)) rings.push_back(std::move(r));
    return rings;
}

int RingIndexOf(const std::vector<std::vector<UnitIndex>>& rings, UnitIndex u) {
    for (std::size_t r = 0; r < rings.size(); ++r) {
        if (std::find(rings[r].begin(), rings[r].end(), u) != rings[r].end()) {
            return static_cast<int>(r);
        }
    }
    return -1;
}

OpeningDecision DecideOpening(const DeviationForEscalation& deviation, const Organisation& org,
                              const AckPolicy& policy) {
    // Escalate at the opening moment gives the mandate rule and who is told at once.
    const EscalationDecision d = Escalate(deviation, org, {}, deviation.opened_at,
                                          EscalationPolicy{std::chrono::hours(24 * 365 * 100)});
    OpeningDecision out;
    out.within_mandate = d.within_mandate;
    out.responsible_ring = d.responsible_ring;
    out.responsible = d.responsible;
    for (const Alert& a : d.alerts) {
        if (a.unit != deviation.unit &&
            std::find(out.told.begin(), out.told.end(), a.unit) == out.told.end()) {
            out.told.push_back(a.unit);
        }
    }
    if (!deviation.favourable) {
        out.respond_by = AddWorkingTime(deviation.opened_at, policy.working_days, policy.calendar);
    }
    return out;
}

std::optional<EscalationStep> DueEscalation(const EscalationTrack& track, const Organisation& org,
                                            core::TimePoint now, const AckPolicy& policy) {
    if (track.acknowledged || now < track.respond_by) return std::nullopt;
    const auto rings = RingsOf(track.unit, org, track.day);
    int from = RingIndexOf(rings, track.responsible);
    if (from < 0) from = 0;  // the responsible unit left the line: start from the unit
    const int top = static_cast<int>(rings.size()) - 1;
    if (from >= top) return std::nullopt;
    EscalationStep step;
    step.from_ring = from;
    step.to_ring = from + 1;
    step.responsible = rings[static_cast<std::size_t>(from + 1)];
    step.told = step.responsible;
    if (from + 2 <= top) {
        for (UnitIndex u : rings[static_cast<std::size_t>(from + 2)]) step.told.push_back(u);
    }
    step.reminded = rings[static_cast<std::size_t>(from)];
    step.respond_by = AddWorkingTime(track.respond_by, policy.working_days, policy.calendar);
    return step;
}

bool AckCounts(UnitIndex unit, UnitIndex responsible, UnitIndex by_unit, const Organisation& org,
               Date day) {
    const auto rings = RingsOf(unit, org, day);
    const int r = std::max(0, RingIndexOf(rings, responsible));
    return RingIndexOf(rings, by_unit) >= r;
}

}  // namespace bfu::domain
