#include "bfu/domain/deviation.hpp"

#include <algorithm>
#include <limits>

#include "text.hpp"

namespace bfu::domain {
namespace {

using core::Errc;
using core::Error;
__extension__ using Int128 = __int128;

Int128 Abs128(std::int64_t v) { return v < 0 ? -static_cast<Int128>(v) : static_cast<Int128>(v); }

std::int64_t ShareBp(std::int64_t d, std::int64_t ref) {
    if (ref == 0) return 0;
    return core::Share{d, ref < 0 ? -ref : ref}.BasisPoints();
}

// How many percent of the threshold d is, the smaller of the two factors; max when neither
// criterion has a positive threshold.
Int128 ExcessPercent(std::int64_t d, std::int64_t ref, const Threshold& t) {
    constexpr Int128 kInf = static_cast<Int128>(std::numeric_limits<std::int64_t>::max());
    Int128 factor = kInf;
    const Int128 ad = Abs128(d);
    if (t.amount > 0) factor = std::min(factor, ad * 100 / t.amount);
    if (t.share_bp > 0 && ref != 0) {
        factor =
            std::min(factor, ad * 10000 * 100 / (static_cast<Int128>(t.share_bp) * Abs128(ref)));
    }
    return factor;
}

std::string YearLabel(FiscalYear fy) {
    std::string s = fy.Label();
    std::replace(s.begin(), s.end(), '/', '-');
    return s;
}

}  // namespace

std::string_view ToString(DeviationKind k) noexcept {
    switch (k) {
        case DeviationKind::kBudget:
            return "budget";
        case DeviationKind::kInvestment:
            return "investment";
        case DeviationKind::kForecast:
            return "forecast";
        case DeviationKind::kGoal:
            return "goal";
        case DeviationKind::kHr:
            return "hr";
    }
    return "?";
}

core::Result<DeviationKind> ParseDeviationKind(std::string_view text) {
    for (int i = 0; i < kDeviationKindCount; ++i) {
        const auto k = static_cast<DeviationKind>(i);
        if (text == ToString(k)) return k;
    }
    return Error(
        Errc::kInvalidArgument, "kind",
        internal::Quoted(text,
                         " is not a deviation kind; use budget, investment, forecast, goal or hr"));
}

std::string_view ToString(Direction d) noexcept {
    return d == Direction::kUnfavourable ? "unfavourable" : "favourable";
}

std::string_view ToString(Severity s) noexcept {
    switch (s) {
        case Severity::kMinor:
            return "minor";
        case Severity::kMajor:
            return "major";
        case Severity::kCritical:
            return "critical";
    }
    return "?";
}

std::string_view ToString(TransitionType t) noexcept {
    switch (t) {
        case TransitionType::kOpened:
            return "opened";
        case TransitionType::kChanged:
            return "changed";
        case TransitionType::kClosed:
            return "closed";
    }
    return "?";
}

bool PassesThreshold(std::int64_t deviation, std::int64_t reference, const Threshold& t) noexcept {
    const Int128 ad = Abs128(deviation);
    if (!(ad > t.amount)) return false;
    if (reference == 0) return ad > 0;
    return ad * 10000 > static_cast<Int128>(t.share_bp) * Abs128(reference);
}

Threshold ScaleThreshold(const Threshold& t, std::int64_t percent) noexcept {
    return {static_cast<std::int64_t>(static_cast<Int128>(t.amount) * percent / 100),
            static_cast<std::int64_t>(static_cast<Int128>(t.share_bp) * percent / 100)};
}

DeviationRules DeviationRules::Defaults() {
    DeviationRules r;
    const Threshold enhet{core::Money::FromKronor(50'000).ore(), 500};
    const Threshold verksamhet{core::Money::FromKronor(200'000).ore(), 300};
    const Threshold sektor{core::Money::FromKronor(1'000'000).ore(), 200};
    const Threshold namnd{core::Money::FromKronor(2'000'000).ore(), 100};
    r.money_by_level[static_cast<std::size_t>(Level::kEnhet)] = enhet;
    r.money_by_level[static_cast<std::size_t>(Level::kVerksamhet)] = verksamhet;
    r.money_by_level[static_cast<std::size_t>(Level::kSektor)] = sektor;
    r.money_by_level[static_cast<std::size_t>(Level::kNamnd)] = namnd;
    r.money_by_level[static_cast<std::size_t>(Level::kForvaltning)] = namnd;
    r.money_by_level[static_cast<std::size_t>(Level::kKs)] = namnd;
    r.money_by_level[static_cast<std::size_t>(Level::kKf)] = namnd;
    return r;
}

core::Status DeviationRules::Validate() const {
    auto check = [](const Threshold& t, const std::string& where) -> core::Status {
        if (t.amount < 0 || t.share_bp < 0) {
            return Error(Errc::kConfig, where, "thresholds must be >= 0");
        }
        return core::Ok();
    };
    for (int l = 0; l < kLevelCount; ++l) {
        BFU_TRY(check(money_by_level[static_cast<std::size_t>(l)],
                      "thresholds." + std::string(ToString(static_cast<Level>(l)))));
    }
    BFU_TRY(check(indicator_default, "thresholds.indicator"));
    if (close_ratio_percent <= 0 || close_ratio_percent > 100) {
        return Error(Errc::kConfig, "close_ratio_percent",
                     "the hysteresis close ratio must be in 1..100 percent");
    }
    if (major_factor_percent < 100 || critical_factor_percent < major_factor_percent) {
        return Error(Errc::kConfig, "severity",
                     "severity factors must satisfy 100 <= major <= critical (percent)");
    }
    return core::Ok();
}

core::DeviationId MakeDeviationId(const DeviationKey& key) {
    std::string id(ToString(key.kind));
    id += ':';
    id += YearLabel(key.year);
    id += ':';
    id += key.unit.value();
    if (!key.subject.empty()) {
        id += ':';
        id += key.subject;
    }
    return core::DeviationId(std::move(id));
}

std::int64_t SignedDeviation(const Observation& o) noexcept {
    if (IsMoneyKind(o.key.kind) || o.lower_is_better) return o.actual - o.reference;
    return o.reference - o.actual;
}

Severity SeverityOf(std::int64_t deviation, std::int64_t reference, const Threshold& t,
                    const DeviationRules& rules) noexcept {
    if (t.amount <= 0 && (t.share_bp <= 0 || reference == 0)) return Severity::kMinor;
    const Int128 f = ExcessPercent(deviation, reference, t);
    if (f >= rules.critical_factor_percent) return Severity::kCritical;
    if (f >= rules.major_factor_percent) return Severity::kMajor;
    return Severity::kMinor;
}

Evaluation Evaluate(const DeviationState* prior, const Observation& obs, const Threshold& threshold,
                    const DeviationRules& rules) {
    Evaluation out;
    DeviationState& s = out.state;
    if (prior != nullptr) {
        s = *prior;
    } else {
        s.key = obs.key;
        s.id = MakeDeviationId(obs.key);
    }
    const std::int64_t d = SignedDeviation(obs);
    const Direction dir = d > 0 ? Direction::kUnfavourable : Direction::kFavourable;
    const bool both_ways = IsMoneyKind(obs.key.kind);
    const bool counts = both_ways || dir == Direction::kUnfavourable;
    const Severity sev = SeverityOf(d, obs.reference, threshold, rules);
    const bool was_open = s.open;
    s.deviation = d;
    s.reference = obs.reference;
    s.as_of = obs.as_of;

    auto make_event = [&](TransitionType type) {
        DeviationEvent e;
        e.type = type;
        e.id = s.id;
        e.key = s.key;
        e.level = obs.level;
        e.as_of = obs.as_of;
        e.actual = obs.actual;
        e.reference = obs.reference;
        e.deviation = d;
        e.share_bp = ShareBp(d, obs.reference);
        e.direction = dir;
        e.severity = sev;
        e.threshold = threshold;
        e.sequence = ++s.sequence;
        return e;
    };

    if (!was_open) {
        if (counts && PassesThreshold(d, obs.reference, threshold)) {
            s.open = true;
            s.direction = dir;
            s.severity = sev;
            s.opened_in = obs.as_of;
            s.reported_deviation = d;
            out.event = make_event(TransitionType::kOpened);
        }
        return out;
    }
    const Threshold keep = ScaleThreshold(threshold, rules.close_ratio_percent);
    const bool same_side = (dir == s.direction) || both_ways;
    if (!(counts && same_side && PassesThreshold(d, obs.reference, keep))) {
        s.open = false;
        out.event = make_event(TransitionType::kClosed);
        out.event->previous_severity = s.severity;
        s.reported_deviation = d;
        return out;
    }
    const bool moved = PassesThreshold(d - s.reported_deviation, obs.reference, threshold);
    if (sev != s.severity || dir != s.direction || moved) {
        const Severity before = s.severity;
        s.severity = sev;
        s.direction = dir;
        s.reported_deviation = d;
        out.event = make_event(TransitionType::kChanged);
        out.event->previous_severity = before;
    }
    return out;
}

RootCause ExplainMoneyDeviation(const Cube& outcome, const Cube& budget,
                                const OutcomeLedger* ledger, const ChartOfAccounts& chart,
                                const Interner* accounts, UnitIndex u, GroupKind kind, int through,
                                std::size_t top_n) {
    RootCause rc;
    const std::int64_t total =
        outcome.KindToDate(u, kind, through) - budget.KindToDate(u, kind, through);
    if (total == 0) return rc;
    const bool positive = total > 0;
    auto drives = [&](std::int64_t v) { return positive ? v > 0 : v < 0; };
    auto rank = [&](std::vector<RootCauseItem>& items) {
        std::stable_sort(items.begin(), items.end(), [&](const auto& a, const auto& b) {
            return positive ? a.amount > b.amount : a.amount < b.amount;
        });
        if (items.size() > top_n) items.resize(top_n);
    };
    auto item = [&](std::string id, std::string name, std::int64_t v) {
        return RootCauseItem{std::move(id), std::move(name), core::Money::FromOre(v),
                             core::Share{v, total}.BasisPoints()};
    };

    std::vector<std::int64_t> group_dev(chart.group_count(), 0);
    std::vector<std::int64_t> group_out(chart.group_count(), 0);
    for (GroupIndex g = 0; g < chart.group_count() && g < outcome.group_count(); ++g) {
        if (outcome.kind(g) != kind) continue;
        group_out[g] = outcome.GroupToDate(u, g, through);
        group_dev[g] = group_out[g] - budget.GroupToDate(u, g, through);
        if (drives(group_dev[g])) {
            rc.groups.push_back(item(chart.groups()[g].id, chart.groups()[g].name, group_dev[g]));
        }
    }
    rank(rc.groups);

    for (int m = 0; m <= std::min(through, kMonths - 1); ++m) {
        const std::int64_t v = outcome.KindTotal(u, kind, m) - budget.KindTotal(u, kind, m);
        if (drives(v))
            rc.months.push_back(item(outcome.fiscal_year().PeriodAt(m).ToString(), "", v));
    }
    rank(rc.months);

    if (ledger != nullptr) {
        for (const AccountAmounts& a : ledger->AccountsInSubtree(u)) {
            if (a.group >= group_out.size() || outcome.kind(a.group) != kind) continue;
            std::int64_t acc_out = 0;
            for (int m = 0; m <= std::min(through, kMonths - 1); ++m) {
                acc_out += a.months[static_cast<std::size_t>(m)];
            }
            if (acc_out == 0 || group_out[a.group] == 0) continue;
            const auto share = core::MulDivRound(group_dev[a.group], acc_out, group_out[a.group]);
            if (!share.ok() || !drives(*share)) continue;
            std::string id = accounts != nullptr && a.account < accounts->size()
                                 ? accounts->Name(a.account)
                                 : std::to_string(a.account);
            rc.accounts.push_back(item(std::move(id), chart.groups()[a.group].name, *share));
        }
        rank(rc.accounts);
    }
    return rc;
}

DeviationMonitor::DeviationMonitor(const Organisation& org, FiscalYear fy, DeviationRules rules)
    : org_(&org), fy_(fy), rules_(rules), known_(org.size() * 2, 0) {}

std::optional<DeviationEvent> DeviationMonitor::Apply(const Observation& obs, const Threshold& t) {
    const core::DeviationId id = MakeDeviationId(obs.key);
    const auto it = states_.find(id.value());
    const DeviationState* prior = it == states_.end() ? nullptr : &it->second;
    Evaluation ev = Evaluate(prior, obs, t, rules_);
    if (prior != nullptr || ev.event) states_[id.value()] = std::move(ev.state);
    return std::move(ev.event);
}

std::vector<DeviationEvent> DeviationMonitor::CheckBudget(const OutcomeLedger& ledger,
                                                          const Cube& budget,
                                                          std::span<const UnitIndex> units,
                                                          int through, const ChartOfAccounts& chart,
                                                          const Interner* accounts) {
    std::vector<DeviationEvent> events;
    const Cube& outcome = ledger.cube();
    const Period as_of = fy_.PeriodAt(std::clamp(through, 0, kMonths - 1));
    for (UnitIndex u : units) {
        const UnitSpec& spec = org_->unit(u);
        const Threshold& t = rules_.ForLevel(spec.level);
        for (int k = 0; k < 2; ++k) {
            const GroupKind gk = k == 0 ? GroupKind::kOperating : GroupKind::kInvestment;
            const std::int64_t actual = outcome.KindToDate(u, gk, through);
            const std::int64_t ref = budget.KindToDate(u, gk, through);
            std::uint8_t& known =
                known_[static_cast<std::size_t>(u) * 2 + static_cast<std::size_t>(k)];
            // Fast path: nothing open and nothing passes -> no state, no event.
            if (!known && !PassesThreshold(actual - ref, ref, t)) continue;
            Observation obs;
            obs.key = {spec.id, k == 0 ? DeviationKind::kBudget : DeviationKind::kInvestment, fy_,
                       ""};
            obs.level = spec.level;
            obs.as_of = as_of;
            obs.actual = actual;
            obs.reference = ref;
            auto ev = Apply(obs, t);
            known = 1;
            if (!ev) continue;
            if (ev->type != TransitionType::kClosed) {
                ev->root_cause = ExplainMoneyDeviation(outcome, budget, &ledger, chart, accounts, u,
                                                       gk, through);
            }
            events.push_back(std::move(*ev));
        }
    }
    return events;
}

std::optional<DeviationEvent> DeviationMonitor::CheckForecast(UnitIndex u, core::Money forecast,
                                                              core::Money annual_budget,
                                                              Period as_of) {
    const UnitSpec& spec = org_->unit(u);
    Observation obs;
    obs.key = {spec.id, DeviationKind::kForecast, fy_, ""};
    obs.level = spec.level;
    obs.as_of = as_of;
    obs.actual = forecast.ore();
    obs.reference = annual_budget.ore();
    return Apply(obs, rules_.ForLevel(spec.level));
}

std::optional<DeviationEvent> DeviationMonitor::CheckIndicator(UnitIndex u, DeviationKind kind,
                                                               std::string_view indicator,
                                                               std::int64_t value_milli,
                                                               std::int64_t target_milli,
                                                               bool lower_is_better, Period as_of,
                                                               std::optional<Threshold> threshold) {
    const UnitSpec& spec = org_->unit(u);
    Observation obs;
    obs.key = {spec.id, kind, fy_, std::string(indicator)};
    obs.level = spec.level;
    obs.as_of = as_of;
    obs.actual = value_milli;
    obs.reference = target_milli;
    obs.lower_is_better = lower_is_better;
    return Apply(obs, threshold.value_or(rules_.indicator_default));
}

const DeviationState* DeviationMonitor::Find(const core::DeviationId& id) const {
    const auto it = states_.find(id.value());
    return it == states_.end() ? nullptr : &it->second;
}

std::vector<DeviationState> DeviationMonitor::OpenDeviations() const {
    std::vector<DeviationState> out;
    for (const auto& [id, s] : states_) {
        if (s.open) out.push_back(s);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.id.value() < b.id.value(); });
    return out;
}

void DeviationMonitor::Restore(const DeviationState& state) {
    states_[state.id.value()] = state;
    if (IsMoneyKind(state.key.kind) && state.key.kind != DeviationKind::kForecast) {
        if (const auto u = org_->Find(state.key.unit)) {
            const std::size_t k = state.key.kind == DeviationKind::kBudget ? 0 : 1;
            known_[static_cast<std::size_t>(*u) * 2 + k] = 1;
        }
    }
}

}  // namespace bfu::domain
