#include "bfu/service/deviation_wire.hpp"

#include <cstdlib>

namespace bfu::service {

namespace {

bool IsMoney(domain::DeviationKind k) {
    return k == domain::DeviationKind::kBudget || k == domain::DeviationKind::kInvestment ||
           k == domain::DeviationKind::kForecast;
}

}  // namespace

namespace {

double Share(std::int64_t bp) { return static_cast<double>(bp) / 10000.0; }

}  // namespace

contracts::OrgLevel ToWire(domain::Level l) {
    using contracts::OrgLevel;
    switch (l) {
        case domain::Level::kKf:
            return OrgLevel::kKf;
        case domain::Level::kKs:
            return OrgLevel::kKs;
        case domain::Level::kForvaltning:
            return OrgLevel::kForvaltning;
        case domain::Level::kNamnd:
            return OrgLevel::kNamnd;
        case domain::Level::kSektor:
            return OrgLevel::kSektor;
        case domain::Level::kVerksamhet:
            return OrgLevel::kVerksamhet;
        case domain::Level::kEnhet:
            return OrgLevel::kEnhet;
    }
    return OrgLevel::kEnhet;
}

contracts::DeviationKind ToWire(domain::DeviationKind k) {
    switch (k) {
        case domain::DeviationKind::kBudget:
            return contracts::DeviationKind::kBudget;
        case domain::DeviationKind::kInvestment:
            return contracts::DeviationKind::kInvestment;
        case domain::DeviationKind::kForecast:
            return contracts::DeviationKind::kForecast;
        case domain::DeviationKind::kGoal:
            return contracts::DeviationKind::kGoal;
        case domain::DeviationKind::kHr:
            return contracts::DeviationKind::kHr;
    }
    return contracts::DeviationKind::kBudget;
}

contracts::Severity ToWire(domain::Severity s) {
    switch (s) {
        case domain::Severity::kMinor:
            return contracts::Severity::kMinor;
        case domain::Severity::kMajor:
            return contracts::Severity::kMajor;
        case domain::Severity::kCritical:
            return contracts::Severity::kCritical;
    }
    return contracts::Severity::kMinor;
}

domain::Severity FromWire(contracts::Severity s) {
    switch (s) {
        case contracts::Severity::kMajor:
            return domain::Severity::kMajor;
        case contracts::Severity::kCritical:
            return domain::Severity::kCritical;
        case contracts::Severity::kMinor:
            break;
    }
    return domain::Severity::kMinor;
}

contracts::DeviationEventKind ToWire(domain::TransitionType t) {
    switch (t) {
        case domain::TransitionType::kOpened:
            return contracts::DeviationEventKind::kOpened;
        case domain::TransitionType::kChanged:
            return contracts::DeviationEventKind::kChanged;
        case domain::TransitionType::kClosed:
            return contracts::DeviationEventKind::kClosed;
    }
    return contracts::DeviationEventKind::kChanged;
}

contracts::Person ToWire(const domain::Manager& m) {
    contracts::Person p;
    p.name = m.name;
    p.role = m.role;
    if (!m.email.empty()) p.email = m.email;
    return p;
}

void RestoreAmounts(const contracts::DeviationEvent& e, domain::DeviationState& s) {
    s.deviation = e.deviation_ore.value_or(0);
    s.reference = e.budget_ore.value_or(0);
    s.reported_deviation = s.deviation;
    s.direction =
        s.deviation > 0 ? domain::Direction::kUnfavourable : domain::Direction::kFavourable;
    s.severity = FromWire(e.severity);
}

contracts::DeviationEvent ToWire(const domain::DeviationEvent& e, const domain::Organisation& org,
                                 core::TimePoint now, std::optional<contracts::Trigger> trigger,
                                 const domain::AckPolicy& policy) {
    contracts::DeviationEvent d;
    d.deviation_id = e.id;
    d.seq = e.sequence;
    d.unit = e.key.unit;
    d.level = ToWire(e.level);
    d.kind = ToWire(e.key.kind);
    d.year = e.key.year.start_year();
    d.period = e.as_of.ToString();
    d.event = ToWire(e.type);
    d.at = core::ToRfc3339(now);
    d.budget_ore = e.reference;
    d.outcome_ore = e.actual;
    d.deviation_ore = e.actual - e.reference;
    d.share = Share(e.share_bp);
    d.severity = ToWire(e.severity);
    auto add_causes = [&](const std::vector<domain::RootCauseItem>& items,
                          contracts::CauseDimension dim) {
        for (const auto& item : items) {
            d.causes.push_back({dim, item.id, item.amount.ore(), Share(item.share_bp)});
        }
    };
    add_causes(e.root_cause.groups, contracts::CauseDimension::kGroup);
    add_causes(e.root_cause.accounts, contracts::CauseDimension::kAccount);
    add_causes(e.root_cause.months, contracts::CauseDimension::kMonth);
    if (auto u = org.Find(e.key.unit)) {
        const auto& spec = org.unit(*u);
        d.responsible = ToWire(spec.manager);
        d.within_mandate = std::llabs(e.deviation) <= spec.mandate.ore();
        domain::DeviationForEscalation dev;
        dev.id = e.id;
        dev.unit = *u;
        if (IsMoney(e.key.kind)) dev.amount = core::Money::FromOre(e.deviation);
        dev.favourable = e.direction == domain::Direction::kFavourable;
        dev.opened_at = now;
        const domain::OpeningDecision opening = domain::DecideOpening(dev, org, policy);
        for (auto t : opening.told) d.notified.push_back(ToWire(org.unit(t).manager));
        if (e.type == domain::TransitionType::kOpened) {
            if (opening.respond_by) d.respond_by = core::ToRfc3339(*opening.respond_by);
            if (opening.responsible_ring > 0 && !opening.responsible.empty()) {
                const auto& r = org.unit(opening.responsible.front());
                d.escalation = contracts::Escalation{r.id, ToWire(r.level),
                                                     contracts::EscalationReason::kBeyondMandate};
            }
        }
    }
    d.trigger = std::move(trigger);
    return d;
}

}  // namespace bfu::service
