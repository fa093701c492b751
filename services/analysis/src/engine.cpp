#include "bfu/analysis/engine.hpp"

#include <algorithm>
#include <cstdlib>

#include "bfu/service/deviation_wire.hpp"

namespace bfu::analysis {

AnalysisEngine::AnalysisEngine(domain::DeviationRules rules) : rules_(rules) {}

void AnalysisEngine::SetMaster(std::shared_ptr<const service::MasterData> master) {
    std::vector<domain::DeviationState> open;
    if (monitor_) open = monitor_->OpenDeviations();
    master_ = std::move(master);
    monitor_ = std::make_unique<domain::DeviationMonitor>(master_->org, master_->year, rules_);
    for (const auto& s : open) {
        if (master_->org.Find(s.key.unit)) monitor_->Restore(s);
    }
    Rebuild();
}

void AnalysisEngine::Rebuild() {
    ledger_ = domain::OutcomeLedger(master_->org, master_->year, master_->chart.GroupKinds());
    budget_ = master_->budget.Materialize(master_->org, master_->chart, master_->year.LastDay());
    std::vector<Retained> kept;
    kept.reserve(retained_.size());
    for (auto& r : retained_) {
        auto u = master_->org.Find(r.unit_id);
        auto g = master_->chart.FindGroup(r.group);
        if (!u || !g) continue;  // the unit or group left the master data
        r.unit = *u;
        ledger_.Post({*u, *g, r.account, r.month, r.ore});
        kept.push_back(std::move(r));
    }
    retained_ = std::move(kept);
    // Every unit is re-evaluated against the new master data.
    MarkAllDirty();
}

void AnalysisEngine::MarkAllDirty() {
    if (master_) ledger_.MarkAllDirty();
}

core::Status AnalysisEngine::Apply(const contracts::LedgerLine& line,
                                   const contracts::Trigger& trigger) {
    if (!master_) {
        return core::Error(core::Errc::kFailedPrecondition, "master",
                           "no master data (organisation, budget) yet");
    }
    if (line.fiscal_year != master_->year.start_year() ||
        (!line.is_operating && !line.is_investment)) {
        ++stats_.ignored;
        return core::Ok();
    }
    auto u = master_->org.Find(line.unit);
    if (!u) {
        return core::Error(core::Errc::kNotFound, "/unit",
                           "unit " + line.unit.value() + " is not in the organisation");
    }
    auto g = master_->chart.FindGroup(line.account_group);
    if (!g) {
        return core::Error(core::Errc::kNotFound, "/accountGroup",
                           "account group " + line.account_group + " is not in the chart");
    }
    auto period = domain::Period::Parse(line.period);
    if (!period.ok())
        return core::Error(core::Errc::kInvalidArgument, "/period", period.error().message);
    auto month = master_->year.IndexOf(*period);
    if (!month) {
        ++stats_.ignored;
        return core::Ok();
    }
    const std::uint32_t account = accounts_.Intern(line.account.value());
    const auto m = static_cast<std::uint8_t>(*month);
    ledger_.Post({*u, *g, account, m, line.amount_ore});
    retained_.push_back({*u, line.unit.value(), line.account_group, account, m, line.amount_ore});
    through_ = std::max(through_, static_cast<int>(m));
    last_trigger_[line.unit.value()] = trigger;
    ++stats_.posted;
    return core::Ok();
}

EngineOutput AnalysisEngine::Flush(core::TimePoint now) {
    EngineOutput out;
    if (!master_) return out;
    auto dirty = ledger_.TakeDirty();
    if (dirty.empty()) return out;
    // The latest month is still being booked. An overspend in it is already real (the costs
    // are booked), so a unit over budget there is judged through it; any other unit is judged
    // through the last complete month, because an underspend in a month still being booked is
    // only postings not yet made.
    const int through = std::max(through_, 0);
    std::vector<domain::UnitIndex> current, complete;
    const auto op = domain::GroupKind::kOperating;
    for (auto u : dirty) {
        const auto d =
            ledger_.cube().KindToDate(u, op, through) - budget_.KindToDate(u, op, through);
        (d > 0 ? current : complete).push_back(u);
    }
    auto events =
        monitor_->CheckBudget(ledger_, budget_, current, through, master_->chart, &accounts_);
    if (through > 0) {
        auto more = monitor_->CheckBudget(ledger_, budget_, complete, through - 1, master_->chart,
                                          &accounts_);
        events.insert(events.end(), more.begin(), more.end());
    }
    for (const auto& e : events) out.deviations.push_back(ToContract(e, now));
    for (auto u : dirty) {
        out.aggregates.push_back(AggregateOf(u, now));
        out.statuses.push_back(StatusOf(u, now));
    }
    return out;
}

std::vector<UnitStatus> AnalysisEngine::AllStatuses(core::TimePoint now) const {
    std::vector<UnitStatus> all;
    if (!master_) return all;
    for (domain::UnitIndex u = 0; u < master_->org.size(); ++u) all.push_back(StatusOf(u, now));
    return all;
}

int AnalysisEngine::JudgedMonth(domain::UnitIndex u) const noexcept {
    if (through_ < 0) return -1;
    const auto op = domain::GroupKind::kOperating;
    const auto d = ledger_.cube().KindToDate(u, op, through_) - budget_.KindToDate(u, op, through_);
    return d > 0 ? through_ : CompleteMonth();
}

UnitStatus AnalysisEngine::StatusOf(domain::UnitIndex u, core::TimePoint now) const {
    const auto& org = master_->org;
    const auto& spec = org.unit(u);
    const auto& cube = ledger_.cube();
    const int through = JudgedMonth(u);
    const domain::Date today = master_->year.LastDay();
    UnitStatus s;
    s.unit = spec.id.value();
    s.name = spec.name;
    s.level = std::string(domain::ToString(spec.level));
    auto parent = org.ParentAt(u, today);
    if (parent != domain::kNoUnit) s.parent = org.unit(parent).id.value();
    for (auto c : org.ChildrenAt(u, today)) s.children.push_back(org.unit(c).id.value());
    s.year = master_->year.start_year();
    if (through >= 0) s.through_period = master_->year.PeriodAt(through).ToString();
    const auto op = domain::GroupKind::kOperating;
    s.outcome_to_date_ore = cube.KindToDate(u, op, through);
    s.budget_to_date_ore = budget_.KindToDate(u, op, through);
    s.annual_budget_ore = budget_.KindToDate(u, op, domain::kMonths - 1);
    s.deviation_ore = s.outcome_to_date_ore - s.budget_to_date_ore;
    s.share_bp =
        s.budget_to_date_ore == 0 ? 0 : s.deviation_ore * 10000 / std::llabs(s.budget_to_date_ore);
    bool red = false;
    for (auto kind : {domain::DeviationKind::kBudget, domain::DeviationKind::kInvestment}) {
        auto id = domain::MakeDeviationId({spec.id, kind, master_->year, {}});
        const auto* st = monitor_->Find(id);
        if (st && st->open) {
            s.open_deviations.push_back(id.value());
            if (st->direction == domain::Direction::kUnfavourable) red = true;
        }
    }
    s.light = s.open_deviations.empty() ? "green" : (red ? "red" : "yellow");
    s.manager = spec.manager.name;
    s.manager_email = spec.manager.email;
    s.updated_at = core::ToRfc3339(now);
    return s;
}

contracts::UnitAggregate AnalysisEngine::AggregateOf(domain::UnitIndex u,
                                                     core::TimePoint now) const {
    const auto& spec = master_->org.unit(u);
    const auto& cube = ledger_.cube();
    contracts::UnitAggregate a;
    a.year = master_->year.start_year();
    a.unit = spec.id;
    a.level = service::ToWire(spec.level);
    a.includes_subtree = !master_->org.ChildrenAt(u, master_->year.LastDay()).empty();
    const int complete = CompleteMonth();
    a.through_period = master_->year.PeriodAt(std::max(complete, 0)).ToString();
    a.as_of = core::ToRfc3339(now);
    const auto& groups = master_->chart.groups();
    for (domain::GroupIndex g = 0; g < groups.size(); ++g) {
        if (groups[g].kind != domain::GroupKind::kOperating) continue;
        contracts::AggregateGroup ag;
        ag.account_group = groups[g].id;
        bool any = false;
        for (int m = 0; m < domain::kMonths; ++m) {
            const auto o = cube.Total(u, g, m);
            const auto b = budget_.Total(u, g, m);
            ag.months[static_cast<std::size_t>(m)] = {o, b};
            ag.outcome_ore += o;
            ag.budget_ore += b;
            any = any || o != 0 || b != 0;
        }
        if (any) a.groups.push_back(std::move(ag));
    }
    const auto op = domain::GroupKind::kOperating;
    for (int m = 0; m < domain::kMonths; ++m) {
        const auto o = cube.KindTotal(u, op, m);
        const auto b = budget_.KindTotal(u, op, m);
        a.totals.months[static_cast<std::size_t>(m)] = {o, b};
        a.totals.outcome_ore += o;
        a.totals.budget_ore += b;
    }
    a.totals.outcome_to_date_ore = cube.KindToDate(u, op, complete);
    a.totals.budget_to_date_ore = budget_.KindToDate(u, op, complete);
    return a;
}

contracts::DeviationEvent AnalysisEngine::ToContract(const domain::DeviationEvent& e,
                                                     core::TimePoint now) const {
    std::optional<contracts::Trigger> trigger;
    auto t = last_trigger_.find(e.key.unit.value());
    if (t != last_trigger_.end()) trigger = t->second;
    return service::ToWire(e, master_->org, now, std::move(trigger));
}

}  // namespace bfu::analysis
