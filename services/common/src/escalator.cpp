#include "bfu/service/escalator.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "bfu/domain/workdays.hpp"
#include "bfu/service/deviation_wire.hpp"

namespace bfu::service {

namespace {

bool SameEmail(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

}  // namespace

std::vector<domain::UnitIndex> UnitsManagedBy(const domain::Organisation& org,
                                              std::string_view email) {
    std::vector<domain::UnitIndex> out;
    if (email.empty()) return out;
    for (domain::UnitIndex u = 0; u < org.size(); ++u) {
        if (SameEmail(org.unit(u).manager.email, email)) out.push_back(u);
    }
    return out;
}

std::vector<contracts::DeviationEvent> DueEscalations(
    const std::vector<DeviationRecord>& records, const domain::Organisation& org,
    core::TimePoint now, const domain::AckPolicy& policy,
    const std::function<bool(const DeviationRecord&)>& owns) {
    std::vector<contracts::DeviationEvent> out;
    for (const auto& r : records) {
        if (!r.open || !owns(r)) continue;
        if (auto e = DueEscalationEvent(r, org, now, policy)) out.push_back(std::move(*e));
    }
    return out;
}

std::vector<contracts::DeviationEvent> DueAfterRound(
    DeviationFold& fold, const std::vector<contracts::DeviationEvent>& round,
    const domain::Organisation& org, core::TimePoint now, const domain::AckPolicy& policy,
    const std::function<bool(const DeviationRecord&)>& owns) {
    for (const auto& e : round) (void)fold.Apply(e);
    return DueEscalations(fold.Open(), org, now, policy, owns);
}

void AddEscalationFields(config::Schema& schema) {
    schema.Int("escalation.ack_working_days", 2,
               "Working days (weekends and Swedish public holidays do not count) the responsible "
               "level has to acknowledge a deviation before it goes one level up");
}

domain::AckPolicy AckPolicyFrom(const config::Config& cfg) {
    const auto days = cfg.GetInt("escalation.ack_working_days");
    if (days < 1 || days > 60) {
        throw config::ConfigError("escalation.ack_working_days",
                                  "must be 1..60 working days, not " + std::to_string(days));
    }
    domain::AckPolicy p;
    p.working_days = static_cast<int>(days);
    return p;
}

std::optional<contracts::DeviationEvent> DueEscalationEvent(const DeviationRecord& record,
                                                            const domain::Organisation& org,
                                                            core::TimePoint now,
                                                            const domain::AckPolicy& policy) {
    const EscalationEpisode& ep = record.episode;
    if (!record.open || !record.has_status || !ep.respond_by || ep.opened_seq == 0) {
        return std::nullopt;
    }
    // A deviation that has turned favourable needs no acknowledgement (domain rule 3).
    const bool money = record.latest.kind == contracts::DeviationKind::kBudget ||
                       record.latest.kind == contracts::DeviationKind::kInvestment ||
                       record.latest.kind == contracts::DeviationKind::kForecast;
    if (money && record.latest.deviation_ore.value_or(0) <= 0) return std::nullopt;
    auto deadline = core::FromRfc3339(*ep.respond_by);
    if (!deadline.ok() || now < *deadline) return std::nullopt;
    auto unit = org.Find(record.latest.unit);
    if (!unit) return std::nullopt;
    domain::EscalationTrack track;
    track.unit = *unit;
    track.responsible = *unit;
    if (ep.responsible_unit) {
        if (auto r = org.Find(*ep.responsible_unit)) track.responsible = *r;
    }
    track.respond_by = *deadline;
    track.day = domain::StockholmDate(now);
    for (const auto& [seq, by] : ep.acks) {
        for (auto u : UnitsManagedBy(org, by.email.value_or(""))) {
            if (domain::AckCounts(track.unit, track.responsible, u, org, track.day)) {
                track.acknowledged = true;
            }
        }
    }
    auto step = domain::DueEscalation(track, org, now, policy);
    if (!step || step->responsible.empty()) return std::nullopt;
    const std::string command_id =
        "escalation:" + std::to_string(ep.opened_seq) + ":" + std::to_string(step->to_ring);
    if (record.HasCommand(command_id)) return std::nullopt;

    contracts::DeviationEvent e = record.latest;
    e.seq = record.last_seq + 1;
    e.event = contracts::DeviationEventKind::kEscalated;
    e.at = core::ToRfc3339(now);
    e.by.reset();
    e.comment.reset();
    e.trigger.reset();
    e.measure.reset();
    e.action_plan.reset();
    e.decision.reset();
    const auto& to = org.unit(step->responsible.front());
    e.escalation = contracts::Escalation{to.id, ToWire(to.level),
                                         contracts::EscalationReason::kNotAcknowledged};
    e.respond_by = core::ToRfc3339(step->respond_by);
    e.command_id = command_id;
    e.notified.clear();
    for (auto u : step->told) e.notified.push_back(ToWire(org.unit(u).manager));
    return e;
}

}  // namespace bfu::service
