#include "bfu/analysis/engine.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "bfu/service/deviation_wire.hpp"

namespace bfu::analysis {

namespace {

std::string TimeOfMs(std::int64_t ms) {
    if (ms <= 0) return {};
    return core::ToRfc3339(core::TimePoint(std::chrono::milliseconds(ms)));
}

}  // namespace

AnalysisEngine::AnalysisEngine(domain::DeviationRules rules) : rules_(rules) {}

void AnalysisEngine::SetMaster(std::shared_ptr<const service::MasterData> master) {
    std::vector<domain::DeviationState> states;
    if (monitor_) {
        // Every state, closed ones too: their sequence numbers continue.
        for (domain::UnitIndex u = 0; u < master_->org.size(); ++u) {
            for (auto kind : {domain::DeviationKind::kBudget, domain::DeviationKind::kInvestment}) {
                const auto* st = monitor_->Find(
                    domain::MakeDeviationId({master_->org.unit(u).id, kind, master_->year, {}}));
                if (st != nullptr) states.push_back(*st);
            }
        }
    }
    master_ = std::move(master);
    monitor_ = std::make_unique<domain::DeviationMonitor>(master_->org, master_->year, rules_);
    for (const auto& s : states) {
        if (master_->org.Find(s.key.unit)) monitor_->Restore(s);
    }
    RecomputeOwned();
    gained_.clear();
    for (domain::UnitIndex u = 0; u < owned_.size(); ++u) {
        if (owned_[u]) gained_.push_back(master_->org.unit(u).id.value());
    }
    Rebuild();
}

void AnalysisEngine::Rebuild() {
    ledger_ = domain::OutcomeLedger(master_->org, master_->year, master_->chart.GroupKinds());
    budget_ = master_->budget.Materialize(master_->org, master_->chart, master_->year.LastDay());
    through_ = -1;
    stats_.unplaced = 0;
    stats_.ignored = 0;
    cells_.ForEach([&](std::uint64_t key, CellMap::Value v) {
        PostCell(CellCoords::Unpack(key), v.group, v.ore);
    });
    last_at_ms_.assign(master_->org.size(), 0);
    for (const auto& [unit, line] : last_line_) NoteLine(unit, line);
    // Every unit is re-evaluated against the new master data.
    MarkAllDirty();
}

void AnalysisEngine::RecomputeOwned() {
    if (!master_) return;
    owned_.assign(master_->org.size(), true);
    if (!owns_) return;
    for (domain::UnitIndex u = 0; u < master_->org.size(); ++u) {
        owned_[u] = owns_(master_->org.unit(u).id.value());
    }
}

void AnalysisEngine::SetOwnership(Owns owns) {
    owns_ = std::move(owns);
    if (!master_) return;
    const std::vector<bool> before = owned_;
    RecomputeOwned();
    for (domain::UnitIndex u = 0; u < owned_.size(); ++u) {
        if (owned_[u] && (u >= before.size() || !before[u])) {
            gained_.push_back(master_->org.unit(u).id.value());
            extra_dirty_.push_back(u);
        }
    }
}

std::vector<std::string> AnalysisEngine::TakeGained() { return std::exchange(gained_, {}); }

bool AnalysisEngine::Owned(std::string_view unit) const {
    if (!master_) return false;
    auto u = master_->org.Find(unit);
    return u && owned_[*u];
}

bool AnalysisEngine::RestoreDeviation(const KnownDeviation& known) {
    if (!master_) return false;
    const auto& e = known.latest;
    if (e.year != master_->year.start_year()) return false;
    domain::DeviationKind kind;
    if (e.kind == contracts::DeviationKind::kBudget) {
        kind = domain::DeviationKind::kBudget;
    } else if (e.kind == contracts::DeviationKind::kInvestment) {
        kind = domain::DeviationKind::kInvestment;
    } else {
        return false;  // other kinds belong to forecasting or to later versions
    }
    auto u = master_->org.Find(e.unit.value());
    if (!u || !owned_[*u]) return false;
    const domain::DeviationKey key{e.unit, kind, master_->year, {}};
    const auto id = domain::MakeDeviationId(key);
    if (id != e.deviation_id) return false;
    const auto* current = monitor_->Find(id);
    if (current != nullptr && current->sequence >= known.last_seq) return false;
    domain::DeviationState s;
    if (current != nullptr) s = *current;
    s.id = id;
    s.key = key;
    s.sequence = static_cast<std::uint32_t>(known.last_seq);
    // The status fields come from the latest status event; an event of another kind (an
    // acknowledgement) only moves the sequence on.
    if (current == nullptr || known.latest.seq > static_cast<std::int64_t>(current->sequence)) {
        s.open = known.open;
        service::RestoreAmounts(e, s);
        if (auto p = domain::Period::Parse(e.period); p.ok()) {
            s.as_of = *p;
            if (current == nullptr) s.opened_in = *p;
        }
    }
    monitor_->Restore(s);
    extra_dirty_.push_back(*u);
    return true;
}

void AnalysisEngine::SetForecast(std::string_view unit, std::int64_t total_ore, int round) {
    auto [it, fresh] = forecasts_.try_emplace(std::string(unit), total_ore, round);
    // Rounds of one unit lie in different partitions: a later round stands, whatever order
    // they are read in.
    if (!fresh && (round < it->second.second ||
                   it->second == std::pair<std::int64_t, int>(total_ore, round))) {
        return;
    }
    it->second = {total_ore, round};
    if (!master_) return;
    if (auto u = master_->org.Find(unit)) extra_dirty_.push_back(*u);
}

void AnalysisEngine::MarkAllDirty() {
    if (master_) ledger_.MarkAllDirty();
}

core::Status AnalysisEngine::SetCell(const CellRecord& cell) {
    auto key = index_.KeyOf(cell.year, cell.unit, cell.account, cell.period);
    if (!key.ok()) return std::move(key).error();
    const std::uint32_t group = index_.Group(cell.group);
    const CellMap::Value before = cells_.Set(*key, {cell.ore, group});
    ++stats_.cells_set;
    NoteLine(cell.unit, cell.last);
    if (!master_ || (before.ore == cell.ore && before.group == group)) return core::Ok();
    const CellCoords coords = CellCoords::Unpack(*key);
    if (before.group == group) {
        PostCell(coords, group, cell.ore - before.ore);
    } else {
        PostCell(coords, before.group, -before.ore);
        PostCell(coords, group, cell.ore);
    }
    return core::Ok();
}

void AnalysisEngine::PostCell(const CellCoords& c, std::uint32_t group, std::int64_t ore) {
    if (c.year != master_->year.start_year()) {
        ++stats_.ignored;
        return;
    }
    auto period = domain::Period::Of(c.period_year, c.period_month);
    auto month = period.ok() ? master_->year.IndexOf(*period) : std::nullopt;
    if (!month) {
        ++stats_.ignored;
        return;
    }
    auto u = master_->org.Find(index_.UnitName(c.unit));
    auto g = master_->chart.FindGroup(index_.GroupName(group));
    if (!u || !g) {
        ++stats_.unplaced;
        return;
    }
    const auto m = static_cast<std::uint8_t>(*month);
    if (ore != 0) ledger_.Post({*u, *g, c.account, m, ore});
    through_ = std::max(through_, static_cast<int>(m));
}

void AnalysisEngine::NoteLine(std::string_view unit, const LineRef& line) {
    if (line.offset < 0) return;
    auto it = last_line_.find(unit);
    if (it == last_line_.end()) {
        it = last_line_.emplace(std::string(unit), line).first;
    } else if (line.at_ms >= it->second.at_ms) {
        it->second = line;
    }
    if (!master_ || last_at_ms_.size() != master_->org.size()) return;
    auto u = master_->org.Find(unit);
    if (!u) return;
    // The unit and every ancestor in any month of the year.
    const auto& cube = ledger_.cube();
    if (cube.unit_count() != master_->org.size()) return;
    last_at_ms_[*u] = std::max(last_at_ms_[*u], line.at_ms);
    for (int m = 0; m < domain::kMonths; ++m) {
        for (auto a : cube.AncestorsInMonth(*u, m)) {
            last_at_ms_[a] = std::max(last_at_ms_[a], line.at_ms);
        }
    }
}

EngineOutput AnalysisEngine::Flush(core::TimePoint now) {
    EngineOutput out;
    if (!master_) return out;
    auto dirty = ledger_.TakeDirty();
    dirty.insert(dirty.end(), extra_dirty_.begin(), extra_dirty_.end());
    extra_dirty_.clear();
    std::sort(dirty.begin(), dirty.end());
    dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
    std::erase_if(dirty, [&](domain::UnitIndex u) { return !owned_[u]; });
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
    const auto* accounts = &index_.accounts();
    auto events =
        monitor_->CheckBudget(ledger_, budget_, current, through, master_->chart, accounts);
    if (through > 0) {
        auto more = monitor_->CheckBudget(ledger_, budget_, complete, through - 1, master_->chart,
                                          accounts);
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
    for (domain::UnitIndex u = 0; u < master_->org.size(); ++u) {
        if (owned_[u]) all.push_back(StatusOf(u, now));
    }
    return all;
}

std::vector<std::string> AnalysisEngine::OwnedUnits() const {
    std::vector<std::string> ids;
    if (!master_) return ids;
    for (domain::UnitIndex u = 0; u < master_->org.size(); ++u) {
        if (owned_[u]) ids.push_back(master_->org.unit(u).id.value());
    }
    return ids;
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
    s.outcome_year_ore = cube.KindToDate(u, op, domain::kMonths - 1);
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
    if (auto f = forecasts_.find(s.unit); f != forecasts_.end()) {
        s.forecast_ore = f->second.first;
        s.forecast_round = f->second.second;
    }
    s.manager = spec.manager.name;
    s.manager_email = spec.manager.email;
    if (u < last_at_ms_.size()) s.last_event_at = TimeOfMs(last_at_ms_[u]);
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
    auto t = last_line_.find(e.key.unit.value());
    if (t != last_line_.end()) {
        contracts::Trigger tr;
        tr.topic = line_topic_;
        tr.partition = t->second.partition;
        tr.offset = t->second.offset;
        tr.voucher = contracts::TriggerVoucher{core::SourceId(t->second.source),
                                               core::VoucherId(t->second.voucher)};
        trigger = tr;
    }
    return service::ToWire(e, master_->org, now, std::move(trigger), ack_policy_);
}

}  // namespace bfu::analysis
