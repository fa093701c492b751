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

}  // namespace bfu::domain
