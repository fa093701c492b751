#include "bfu/analysis/engine.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "bfu/domain/workdays.hpp"
#include "bfu/service/deviation_wire.hpp"

namespace bfu::analysis {

namespace {

std::string TimeOfMs(std::int64_t ms) {
    if (ms <= 0) return {};
    return core::ToRfc3339(core::TimePoint(std::chrono::milliseconds(ms)));
}

constexpr std::array<domain::DeviationKind, 2> kMoneyKinds = {domain::DeviationKind::kBudget,
                                                              domain::DeviationKind::kInvestment};

const domain::OutcomeLedger& EmptyLedger() {
    static const domain::OutcomeLedger kEmpty;
    return kEmpty;
}

}  // namespace

AnalysisEngine::AnalysisEngine(domain::DeviationRules rules, domain::LifecycleRules lifecycle)
    : rules_(rules), lifecycle_rules_(std::move(lifecycle)) {}

void AnalysisEngine::SetLifecycleRules(domain::LifecycleRules rules) {
    lifecycle_rules_ = std::move(rules);
    synced_ = false;
}

void AnalysisEngine::SetMaster(std::shared_ptr<const service::MasterData> master) {
    // Every state, closed ones too, of every year: their sequence numbers continue.
    std::map<int, std::vector<domain::DeviationState>> states;
    if (master_) {
        for (const auto& [year, y] : years_) {
            for (domain::UnitIndex u = 0; u < master_->org.size(); ++u) {
                for (auto kind : kMoneyKinds) {
                    const auto* st = y.monitor->Find(
                        domain::MakeDeviationId({master_->org.unit(u).id, kind, y.fy, {}}));
                    if (st != nullptr) states[year].push_back(*st);
                }
            }
        }
    }
    master_ = std::move(master);
    RecomputeOwned();
    gained_.clear();
    for (domain::UnitIndex u = 0; u < owned_.size(); ++u) {
        if (owned_[u]) gained_.push_back(master_->org.unit(u).id.value());
    }
    for (auto& [year, y] : years_) {
        BuildYear(year, y);
        for (const auto& s : states[year]) {
            if (master_->org.Find(s.key.unit)) y.monitor->Restore(s);
        }
    }
    // The closings may have changed: the judged months and years are looked at again.
    synced_ = false;
}

void AnalysisEngine::BuildYear(int year, Year& y) {
    y.fy = domain::FiscalYear::Calendar(year);
    y.ledger = domain::OutcomeLedger(master_->org, y.fy, master_->chart.GroupKinds());
    const domain::BudgetBook* book = master_->BudgetOf(year);
    // No budget for the year: zeros of the right shape.
    y.budget = book != nullptr ? book->Materialize(master_->org, master_->chart, y.fy.LastDay())
                               : domain::Cube(master_->org, y.fy, master_->chart.GroupKinds());
    y.monitor = std::make_unique<domain::DeviationMonitor>(master_->org, y.fy, rules_);
    y.last_at_ms.assign(master_->org.size(), 0);
    y.extra_dirty.clear();
    cells_.ForEach([&](std::uint64_t key, CellMap::Value v) {
        const CellCoords c = CellCoords::Unpack(key);
        if (c.year == year) PostCell(c, v.group, v.ore);
    });
    for (const auto& [unit_year, at] : last_at_) {
        if (unit_year.second == year) PropagateAt(y, unit_year.first, at);
    }
    for (const auto& [id, known] : known_) {
        if (known.latest.year == year) (void)ApplyKnown(known);
    }
    // Every unit is evaluated against the new master data.
    y.ledger.MarkAllDirty();
}

void AnalysisEngine::SyncYears(domain::Date today) {
    if (!master_) return;
    if (synced_ && view_.today() == today) return;
    const int business_before = view_.business_year();
    auto view = domain::LifecycleView::On(today, lifecycle_rules_, master_->closings);
    const auto& open = view.open_years();
    // Years no longer open: their last outputs stand.
    for (auto it = years_.begin(); it != years_.end();) {
        if (std::find(open.begin(), open.end(), it->first) == open.end()) {
            it = years_.erase(it);
        } else {
            ++it;
        }
    }
    for (int year : open) {
        auto [it, fresh] = years_.try_emplace(year);
        Year& y = it->second;
        if (fresh) BuildYear(year, y);
        const auto judged = view.JudgedMonth(year);
        if (fresh || judged != y.judged) {
            // The judged month moved: every unit of the year is judged afresh, also those whose
            // outcome did not change (one that fell back to budget closes now).
            y.judged = judged;
            y.ledger.MarkAllDirty();
        }
        if (year == view.business_year() && business_before != year) y.ledger.MarkAllDirty();
    }
    view_ = std::move(view);
    synced_ = true;
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
    if (e.kind != contracts::DeviationKind::kBudget &&
        e.kind != contracts::DeviationKind::kInvestment) {
        return false;  // other kinds belong to forecasting or to the indicator tracker
    }
    auto u = master_->org.Find(e.unit.value());
    if (!u || !owned_[*u]) return false;
    const auto kind = e.kind == contracts::DeviationKind::kBudget
                          ? domain::DeviationKind::kBudget
                          : domain::DeviationKind::kInvestment;
    const auto id =
        domain::MakeDeviationId({e.unit, kind, domain::FiscalYear::Calendar(e.year), {}});
    if (id != e.deviation_id) return false;
    auto it = known_.find(id.value());
    if (it != known_.end() && it->second.last_seq >= known.last_seq &&
        it->second.latest.seq >= e.seq) {
        return false;
    }
    known_[id.value()] = known;
    if (years_.count(e.year) == 0) return true;  // taken over when the year starts
    return ApplyKnown(known);
}

bool AnalysisEngine::ApplyKnown(const KnownDeviation& known) {
    const auto& e = known.latest;
    auto y = years_.find(e.year);
    if (y == years_.end()) return false;
    auto u = master_->org.Find(e.unit.value());
    if (!u) return false;
    const auto kind = e.kind == contracts::DeviationKind::kBudget
                          ? domain::DeviationKind::kBudget
                          : domain::DeviationKind::kInvestment;
    const domain::DeviationKey key{e.unit, kind, y->second.fy, {}};
    const auto id = domain::MakeDeviationId(key);
    const auto* current = y->second.monitor->Find(id);
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
    y->second.monitor->Restore(s);
    y->second.extra_dirty.push_back(*u);
    return true;
}

void AnalysisEngine::SetForecast(std::string_view unit, int year, std::int64_t total_ore,
                                 int round) {
    auto [it, fresh] = forecasts_.try_emplace({std::string(unit), year}, total_ore, round);
    // Rounds of one unit lie in different partitions: a later round stands, whatever order
    // they are read in.
    if (!fresh && (round < it->second.second ||
                   it->second == std::pair<std::int64_t, int>(total_ore, round))) {
        return;
    }
    it->second = {total_ore, round};
    if (!master_) return;
    auto y = years_.find(year);
    if (y == years_.end()) return;
    if (auto u = master_->org.Find(unit)) y->second.extra_dirty.push_back(*u);
}

void AnalysisEngine::MarkAllDirty() {
    if (!master_) return;
    for (auto& [year, y] : years_) y.ledger.MarkAllDirty();
}

core::Status AnalysisEngine::SetCell(const CellRecord& cell) {
    auto key = index_.KeyOf(cell.year, cell.unit, cell.account, cell.period);
    if (!key.ok()) return std::move(key).error();
    const std::uint32_t group = index_.Group(cell.group);
    const CellMap::Value before = cells_.Set(*key, {cell.ore, group});
    ++stats_.cells_set;
    NoteLine(cell.year, cell.unit, cell.last);
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
    auto y = years_.find(c.year);
    if (y == years_.end()) {
        ++stats_.ignored;
        return;
    }
    auto period = domain::Period::Of(c.period_year, c.period_month);
    auto month = period.ok() ? y->second.fy.IndexOf(*period) : std::nullopt;
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
    if (ore != 0) y->second.ledger.Post({*u, *g, c.account, m, ore});
}

void AnalysisEngine::NoteLine(int year, std::string_view unit, const LineRef& line) {
    if (line.offset < 0) return;
    auto it = last_line_.find(unit);
    if (it == last_line_.end()) {
        last_line_.emplace(std::string(unit), line);
    } else if (line.at_ms >= it->second.at_ms) {
        it->second = line;
    }
    auto& at = last_at_[{std::string(unit), year}];
    at = std::max(at, line.at_ms);
    if (!master_) return;
    auto y = years_.find(year);
    if (y != years_.end()) PropagateAt(y->second, unit, line.at_ms);
}

void AnalysisEngine::PropagateAt(Year& y, std::string_view unit, std::int64_t at_ms) {
    if (y.last_at_ms.size() != master_->org.size()) return;
    auto u = master_->org.Find(unit);
    if (!u) return;
    // The unit and every ancestor in any month of the year.
    const auto& cube = y.ledger.cube();
    if (cube.unit_count() != master_->org.size()) return;
    y.last_at_ms[*u] = std::max(y.last_at_ms[*u], at_ms);
    for (int m = 0; m < domain::kMonths; ++m) {
        for (auto a : cube.AncestorsInMonth(*u, m)) {
            y.last_at_ms[a] = std::max(y.last_at_ms[a], at_ms);
        }
    }
}

EngineOutput AnalysisEngine::Flush(core::TimePoint now, std::optional<domain::Date> business_date) {
    EngineOutput out;
    if (!master_) return out;
    SyncYears(business_date ? *business_date : domain::StockholmDate(now));
    const auto* accounts = &index_.accounts();
    for (auto& [year, y] : years_) {
        auto dirty = y.ledger.TakeDirty();
        dirty.insert(dirty.end(), y.extra_dirty.begin(), y.extra_dirty.end());
        dirty.insert(dirty.end(), extra_dirty_.begin(), extra_dirty_.end());
        y.extra_dirty.clear();
        std::sort(dirty.begin(), dirty.end());
        dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
        std::erase_if(dirty, [&](domain::UnitIndex u) { return !owned_[u]; });
        if (dirty.empty()) continue;
        // Every unit through the one judged month: no unit is judged through a month still
        // being booked, and each level is the sum of what lies under it. A year with nothing
        // booked at all is not judged: its ledger has not been delivered yet, and every unit
        // would look underspent.
        if (y.judged && y.ledger.posted_count() > 0) {
            auto events = y.monitor->CheckBudget(y.ledger, y.budget, dirty, *y.judged,
                                                 master_->chart, accounts);
            for (const auto& e : events) out.deviations.push_back(ToContract(e, now));
        }
        for (auto u : dirty) {
            if (y.judged) out.aggregates.push_back(AggregateOf(year, y, u, now));
            out.statuses.push_back(StatusOf(year, y, u, now));
        }
    }
    extra_dirty_.clear();
    return out;
}

std::vector<UnitStatus> AnalysisEngine::AllStatuses(core::TimePoint now) const {
    std::vector<UnitStatus> all;
    if (!master_) return all;
    for (const auto& [year, y] : years_) {
        for (domain::UnitIndex u = 0; u < master_->org.size(); ++u) {
            if (owned_[u]) all.push_back(StatusOf(year, y, u, now));
        }
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

std::vector<int> AnalysisEngine::Years() const {
    std::vector<int> out;
    for (const auto& [year, y] : years_) out.push_back(year);
    return out;
}

std::optional<int> AnalysisEngine::JudgedMonth(int year) const {
    auto it = years_.find(year);
    if (it == years_.end()) return std::nullopt;
    return it->second.judged;
}

const domain::OutcomeLedger& AnalysisEngine::ledger(int year) const {
    auto it = years_.find(year == 0 ? view_.business_year() : year);
    if (it == years_.end() && year == 0 && years_.size() == 1) it = years_.begin();
    return it == years_.end() ? EmptyLedger() : it->second.ledger;
}

domain::Date AnalysisEngine::TreeDate(const Year& y) const {
    return std::clamp(view_.today(), y.fy.FirstDay(), y.fy.LastDay());
}

UnitStatus AnalysisEngine::StatusOf(int year, const Year& y, domain::UnitIndex u,
                                    core::TimePoint now) const {
    const auto& org = master_->org;
    const auto& spec = org.unit(u);
    const auto& cube = y.ledger.cube();
    const int through = y.judged.value_or(-1);
    const domain::Date tree = TreeDate(y);
    UnitStatus s;
    s.unit = spec.id.value();
    s.name = spec.name;
    s.level = std::string(domain::ToString(spec.level));
    auto parent = org.ParentAt(u, tree);
    if (parent != domain::kNoUnit) s.parent = org.unit(parent).id.value();
    for (auto c : org.ChildrenAt(u, tree)) s.children.push_back(org.unit(c).id.value());
    s.year = year;
    s.current = year == view_.business_year();
    if (through >= 0) s.through_period = y.fy.PeriodAt(through).ToString();
    const auto op = domain::GroupKind::kOperating;
    s.outcome_to_date_ore = cube.KindToDate(u, op, through);
    s.budget_to_date_ore = y.budget.KindToDate(u, op, through);
    s.annual_budget_ore = y.budget.KindToDate(u, op, domain::kMonths - 1);
    s.outcome_year_ore = cube.KindToDate(u, op, domain::kMonths - 1);
    s.deviation_ore = s.outcome_to_date_ore - s.budget_to_date_ore;
    s.share_bp =
        s.budget_to_date_ore == 0 ? 0 : s.deviation_ore * 10000 / std::llabs(s.budget_to_date_ore);
    bool red = false;
    for (auto kind : kMoneyKinds) {
        auto id = domain::MakeDeviationId({spec.id, kind, y.fy, {}});
        const auto* st = y.monitor->Find(id);
        if (st && st->open) {
            s.open_deviations.push_back(id.value());
            if (st->direction == domain::Direction::kUnfavourable) red = true;
        }
    }
    s.light = s.open_deviations.empty() ? "green" : (red ? "red" : "yellow");
    if (auto f = forecasts_.find({s.unit, year}); f != forecasts_.end()) {
        s.forecast_ore = f->second.first;
        s.forecast_round = f->second.second;
    }
    s.manager = spec.manager.name;
    s.manager_email = spec.manager.email;
    if (u < y.last_at_ms.size()) s.last_event_at = TimeOfMs(y.last_at_ms[u]);
    s.updated_at = core::ToRfc3339(now);
    return s;
}

contracts::UnitAggregate AnalysisEngine::AggregateOf(int year, const Year& y, domain::UnitIndex u,
                                                     core::TimePoint now) const {
    const auto& spec = master_->org.unit(u);
    const auto& cube = y.ledger.cube();
    const int judged = y.judged.value_or(0);
    contracts::UnitAggregate a;
    a.year = year;
    a.unit = spec.id;
    a.level = service::ToWire(spec.level);
    a.includes_subtree = !master_->org.ChildrenAt(u, TreeDate(y)).empty();
    a.through_period = y.fy.PeriodAt(judged).ToString();
    a.as_of = core::ToRfc3339(now);
    const auto& groups = master_->chart.groups();
    for (domain::GroupIndex g = 0; g < groups.size(); ++g) {
        if (groups[g].kind != domain::GroupKind::kOperating) continue;
        contracts::AggregateGroup ag;
        ag.account_group = groups[g].id;
        bool any = false;
        for (int m = 0; m < domain::kMonths; ++m) {
            const auto o = cube.Total(u, g, m);
            const auto b = y.budget.Total(u, g, m);
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
        const auto b = y.budget.KindTotal(u, op, m);
        a.totals.months[static_cast<std::size_t>(m)] = {o, b};
        a.totals.outcome_ore += o;
        a.totals.budget_ore += b;
    }
    a.totals.outcome_to_date_ore = cube.KindToDate(u, op, judged);
    a.totals.budget_to_date_ore = y.budget.KindToDate(u, op, judged);
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
