#include "bfu/reporting/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include "bfu/casework/book.hpp"
#include "bfu/casework/views.hpp"
#include "bfu/core/money.hpp"
#include "bfu/domain/budget.hpp"
#include "bfu/domain/cube.hpp"
#include "bfu/domain/good_examples.hpp"
#include "bfu/domain/measures.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::reporting {

namespace {

using domain::GroupKind;
using domain::UnitIndex;

std::int64_t ShareBp(std::int64_t part, std::int64_t whole) {
    return core::Share{part, whole < 0 ? -whole : whole}.BasisPoints();
}

std::int64_t Sum(const Months& m, int through) {
    std::int64_t s = 0;
    for (int i = 0; i <= through && i < 12; ++i) s += m[static_cast<std::size_t>(i)];
    return s;
}

domain::Profile ProfileOf(const contracts::BudgetProfile& p) {
    switch (p.kind) {
        case contracts::ProfileKind::kEven:
            return domain::Profile::Even();
        case contracts::ProfileKind::kPersonnel:
            return domain::Profile::Personnel();
        case contracts::ProfileKind::kHeating:
            return domain::Profile::Heating();
        case contracts::ProfileKind::kExplicit: {
            auto explicit_profile = domain::Profile::Explicit(p.months);
            if (explicit_profile.ok()) return *explicit_profile;
            return domain::Profile::Even();
        }
    }
    return domain::Profile::Even();
}

domain::MeasureSpan SpanOf(const contracts::CaseMeasure& m) {
    domain::MeasureSpan s;
    if (auto p = domain::Period::Parse(m.from_period); p.ok()) s.first = *p;
    if (m.to_period) {
        if (auto p = domain::Period::Parse(*m.to_period); p.ok()) s.last = *p;
    }
    s.effect_per_month = m.effect_ore_per_month;
    return s;
}

std::string UnitNameOf(const domain::Organisation& org, const std::string& id) {
    if (auto u = org.Find(id)) return org.unit(*u).name;
    return id;
}

// The budget record in force on `as_of` per year:unit:group, as analysis's AsOfReplay chooses
// it: the highest revision decided on or before the day (revision 0 always counts); when only
// later revisions are left on the compacted topic, the earliest of them, with a note.
std::map<std::string, const contracts::Budget*> BudgetsInForce(const ReportStore& store, int year,
                                                               const std::string& as_of,
                                                               std::vector<std::string>& notes) {
    std::map<std::string, const contracts::Budget*> in_force;
    std::map<std::string, const contracts::Budget*> later_only;
    for (const auto& [key, b] : store.budgets()) {
        if (b.year != year) continue;
        const std::string id =
            std::to_string(b.year) + ":" + b.unit.value() + ":" + b.account_group;
        if (b.revision.no == 0 || b.revision.date <= as_of) {
            auto& slot = in_force[id];
            if (slot == nullptr || b.revision.no >= slot->revision.no) slot = &b;
        } else {
            auto& slot = later_only[id];
            if (slot == nullptr || b.revision.no < slot->revision.no) slot = &b;
        }
    }
    for (const auto& [id, b] : later_only) {
        if (in_force.count(id) != 0) continue;
        in_force[id] = b;
        notes.push_back("Budgeten " + id + " har inget beslut från " + text::DateText(as_of) +
                        " eller tidigare kvar; revision " + std::to_string(b->revision.no) +
                        " används.");
    }
    return in_force;
}

const std::map<std::string, std::string>& KnownGroupNames() {
    static const std::map<std::string, std::string> kNames = {
        {"intakter", "Verksamhetens intäkter"},
        {"material", "Material, tjänster och bidrag"},
        {"personal", "Personalkostnader"},
        {"lokaler", "Lokalkostnader"},
        {"lokaler_ovrigt", "Lokaler och övriga kostnader"},
        {"ovrigt", "Övriga kostnader och avskrivningar"},
        {"finans", "Skatter, utjämning och finansiella poster"},
        {"investering", "Investeringar"},
        {"balansrakning", "Balansräkning"},
    };
    return kNames;
}

// Per unit and month: the HR figures summed over the unit's subtree.
struct HrAcc {
    std::array<std::int64_t, 12> headcount{};
    std::array<double, 12> fte{};
    std::array<double, 12> sick_weighted{};  // sick leave % x headcount
    std::array<double, 12> overtime{};
    std::array<bool, 12> seen{};
};

}  // namespace

std::string GroupName(const domain::ChartOfAccounts& chart, const std::string& id) {
    if (auto g = chart.FindGroup(id)) {
        const auto& name = chart.groups()[*g].name;
        if (!name.empty() && name != id) return name;
    }
    const auto& known = KnownGroupNames();
    if (auto it = known.find(id); it != known.end()) return it->second;
    if (id.empty()) return id;
    std::string out = id;
    if (out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out;
}

core::Result<Report> BuildReport(ReportStore& store, const ReportRequest& request,
                                 const BuildOptions& options) {
    const int year = request.year();
    auto master = store.Master(year);
    if (!master.ok()) return std::move(master).error();
    const service::MasterData& md = **master;
    const domain::Organisation& org = md.org;
    const domain::ChartOfAccounts& chart = md.chart;
    auto scope_index = org.Find(request.scope);
    if (!scope_index) {
        return core::Error(core::Errc::kNotFound, "scope",
                           "enheten '" + request.scope + "' finns inte i organisationen");
    }
    const UnitIndex scope = *scope_index;
    BFU_TRY(CheckKindFits(request.kind, request.period, org.unit(scope).level));

    const domain::FiscalYear fy = domain::FiscalYear::Calendar(year);
    const int p = request.period.month() - 1;  // fiscal month index of the period
    const std::string period_code = request.period.ToString();
    const std::string as_of = request.as_of.ToString();
    const auto cutoff = CutoffOf(request.as_of);
    const std::int32_t as_of_days = request.as_of.days();

    Report r;
    r.request = request;
    r.id = ReportId(request);
    r.scope_name = org.unit(scope).name;
    r.scope_level = org.unit(scope).level;
    r.year_complete = p == 11;

    // ---- Outcome and budget, rolled up month by month over the organisation.
    domain::Cube outcome(org, fy, chart.GroupKinds());
    domain::Cube budget(org, fy, chart.GroupKinds());
    std::array<std::vector<char>, 12> in_scope;
    for (int m = 0; m < 12; ++m) {
        auto& flags = in_scope[static_cast<std::size_t>(m)];
        flags.assign(org.size(), 0);
        for (UnitIndex u : outcome.SubtreeInMonth(scope, m)) flags[u] = 1;
    }
    std::vector<std::optional<UnitIndex>> unit_of(store.units().size());
    for (std::uint32_t i = 0; i < store.units().size(); ++i)
        unit_of[i] = org.Find(store.units().Name(i));
    std::vector<std::optional<domain::GroupIndex>> group_of(store.groups().size());
    for (std::uint32_t i = 0; i < store.groups().size(); ++i) {
        group_of[i] = chart.FindGroup(store.groups().Name(i));
    }
    std::vector<Months> account_months(store.accounts().size());
    std::vector<std::int64_t> account_group(store.accounts().size(), -1);
    std::int64_t unplaced_unit_ore = 0, unplaced_group_ore = 0;
    std::size_t unplaced_unit_rows = 0, unplaced_group_rows = 0;
    for (const OutcomeRow& row : store.rows()) {
        if (row.year != year || row.month > p || row.date > as_of_days) continue;
        const auto& u = unit_of[row.unit];
        if (!u) {
            unplaced_unit_ore += row.ore;
            ++unplaced_unit_rows;
            continue;
        }
        const auto& g = group_of[row.group];
        if (!g) {
            unplaced_group_ore += row.ore;
            ++unplaced_group_rows;
            continue;
        }
        outcome.Add(*u, *g, row.month, row.ore);
        if (in_scope[row.month][*u] != 0) {
            account_months[row.account][row.month] += row.ore;
            account_group[row.account] = row.group;
        }
    }
    if (unplaced_unit_rows > 0) {
        r.notes.push_back(std::to_string(unplaced_unit_rows) +
                          " belopp på enheter som saknas i organisationen ingår inte (" +
                          text::Kr(unplaced_unit_ore) + ").");
    }
    if (unplaced_group_rows > 0) {
        r.notes.push_back(std::to_string(unplaced_group_rows) +
                          " belopp i kontogrupper som saknas i kontoplanen ingår inte (" +
                          text::Kr(unplaced_group_ore) + ").");
    }
    const auto in_force = BudgetsInForce(store, year, as_of, r.notes);
    std::unordered_set<std::string> scope_ids;
    for (UnitIndex u : outcome.SubtreeInMonth(scope, p)) scope_ids.insert(org.unit(u).id.value());
    for (const auto& [id, b] : in_force) {
        auto u = org.Find(b->unit);
        auto g = chart.FindGroup(b->account_group);
        if (!u || !g) {
            r.notes.push_back("Budgeten " + id + " avser " + (!u ? "en enhet" : "en kontogrupp") +
                              " som saknas och ingår inte.");
            continue;
        }
        const auto months =
            domain::Spread(core::Money::FromOre(b->annual_ore), ProfileOf(b->profile), fy);
        for (int m = 0; m < 12; ++m) budget.Add(*u, *g, m, months[static_cast<std::size_t>(m)]);
        if (b->revision.no > 0 && scope_ids.count(b->unit.value()) != 0) {
            r.revisions.push_back({b->unit.value(), org.unit(*u).name, b->account_group,
                                   GroupName(chart, b->account_group), b->revision.no,
                                   b->revision.ref, b->revision.date, b->annual_ore});
        }
    }

    // ---- The units: the scope's subtree as in the period's month, depth-first.
    const auto parents = org.ParentsAt(request.period.FirstDay());
    std::map<UnitIndex, int> depth_of;
    const auto monthly = [&](const domain::Cube& c, UnitIndex u, GroupKind k) {
        Months out{};
        for (int m = 0; m < 12; ++m) out[static_cast<std::size_t>(m)] = c.KindTotal(u, k, m);
        return out;
    };
    for (UnitIndex u : outcome.SubtreeInMonth(scope, p)) {
        const auto& spec = org.unit(u);
        UnitFigures f;
        f.id = spec.id.value();
        f.name = spec.name;
        f.level = spec.level;
        const UnitIndex parent = parents[u];
        f.depth = u == scope ? 0 : depth_of[parent] + 1;
        depth_of[u] = f.depth;
        if (u != scope && parent != domain::kNoUnit) f.parent = org.unit(parent).id.value();
        f.manager = spec.manager.name;
        f.manager_role = spec.manager.role;
        f.outcome_months = monthly(outcome, u, GroupKind::kOperating);
        f.budget_months = monthly(budget, u, GroupKind::kOperating);
        f.outcome = Sum(f.outcome_months, p);
        f.budget = Sum(f.budget_months, p);
        f.annual_budget = Sum(f.budget_months, 11);
        f.share_bp = ShareBp(f.deviation(), f.budget);
        const auto inv_out = monthly(outcome, u, GroupKind::kInvestment);
        const auto inv_bud = monthly(budget, u, GroupKind::kInvestment);
        f.investment_outcome = Sum(inv_out, p);
        f.investment_budget = Sum(inv_bud, p);
        f.investment_annual_budget = Sum(inv_bud, 11);
        for (domain::GroupIndex g = 0; g < chart.group_count(); ++g) {
            GroupFigures gf;
            gf.id = chart.groups()[g].id;
            gf.name = GroupName(chart, gf.id);
            gf.investment = chart.groups()[g].kind == GroupKind::kInvestment;
            bool any = false;
            for (int m = 0; m < 12; ++m) {
                const auto i = static_cast<std::size_t>(m);
                gf.outcome_months[i] = outcome.Total(u, g, m);
                gf.budget_months[i] = budget.Total(u, g, m);
                any = any || gf.outcome_months[i] != 0 || gf.budget_months[i] != 0;
            }
            if (!any) continue;
            gf.outcome = Sum(gf.outcome_months, p);
            gf.budget = Sum(gf.budget_months, p);
            gf.annual_budget = Sum(gf.budget_months, 11);
            f.groups.push_back(std::move(gf));
        }
        r.units.push_back(std::move(f));
    }
    std::map<std::string, std::size_t> row_of;
    for (std::size_t i = 0; i < r.units.size(); ++i) row_of[r.units[i].id] = i;

    // ---- Accounts of the scope.
    for (std::uint32_t a = 0; a < account_months.size(); ++a) {
        if (account_group[a] < 0) continue;
        AccountFigures af;
        af.account = store.accounts().Name(a);
        if (auto it = md.accounts.find(af.account); it != md.accounts.end())
            af.name = it->second.name;
        af.group = store.groups().Name(static_cast<std::uint32_t>(account_group[a]));
        af.group_name = GroupName(chart, af.group);
        af.months = account_months[a];
        af.outcome = Sum(af.months, p);
        r.accounts.push_back(std::move(af));
    }
    std::sort(r.accounts.begin(), r.accounts.end(),
              [](const auto& x, const auto& y) { return x.account < y.account; });

    // ---- Forecasts: per unit the latest of the latest round at or before the period.
    const auto last_round = fy.LatestRoundAtOrBefore(request.period);
    const auto rounds = fy.FollowUpRounds();
    // unit -> round -> the forecast that stands (latest madeAt before the cut-off).
    auto forecasts_of = [&](const std::string& unit) {
        std::map<int, const contracts::Forecast*> by_round;
        std::map<int, core::TimePoint> at_of;
        const auto* all = store.ForecastsOf(unit);
        if (all == nullptr || !last_round) return by_round;
        for (const auto& t : *all) {
            const auto& f = t.event;
            if (f.year != year || t.at >= cutoff || f.round < 1 || f.round > *last_round) continue;
            auto it = at_of.find(f.round);
            if (it == at_of.end() || t.at >= it->second) {
                at_of[f.round] = t.at;
                by_round[f.round] = &f;
            }
        }
        return by_round;
    };
    for (auto& f : r.units) {
        const auto by_round = forecasts_of(f.id);
        if (by_round.empty()) continue;
        const auto* latest = by_round.rbegin()->second;
        f.forecast = latest->total_ore;
        f.forecast_round = latest->round;
        f.forecast_with_measures = latest->with_measures_ore;
    }
    auto round_figures = [&](const std::string& unit, std::int64_t actual) {
        std::vector<RoundFigures> out;
        if (!last_round) return out;
        const auto by_round = forecasts_of(unit);
        std::optional<std::int64_t> previous;
        for (int k = 1; k <= *last_round; ++k) {
            RoundFigures rf;
            rf.round = k;
            rf.cutoff = rounds[static_cast<std::size_t>(k - 1)].ToString();
            if (auto it = by_round.find(k); it != by_round.end()) {
                const auto& fc = *it->second;
                rf.forecast = fc.total_ore;
                rf.with_measures = fc.with_measures_ore;
                rf.made_at = fc.made_at;
                rf.method = std::string(contracts::ToString(fc.method));
                if (previous) rf.change = fc.total_ore - *previous;
                previous = fc.total_ore;
                if (r.year_complete) {
                    rf.actual = actual;
                    rf.error = fc.total_ore - actual;
                    rf.abs_error_bp = ShareBp(std::llabs(*rf.error), actual);
                }
            }
            out.push_back(std::move(rf));
        }
        return out;
    };
    r.rounds = round_figures(r.units.front().id, r.units.front().outcome);
    for (const auto& f : r.units) {
        if (f.depth != 1) continue;
        UnitAccuracy ua{f.id, f.name, round_figures(f.id, f.outcome)};
        if (std::any_of(ua.rounds.begin(), ua.rounds.end(),
                        [](const auto& x) { return x.forecast.has_value(); })) {
            r.accuracy.push_back(std::move(ua));
        }
    }

    // ---- Casework as of the cut-off.
    casework::CaseBook book;
    for (const auto& t : store.measures()) {
        if (t.at < cutoff) book.Apply(t.event);
    }
    for (const auto& t : store.plans()) {
        if (t.at < cutoff) book.Apply(t.event);
    }
    for (const auto& t : store.decisions()) {
        if (t.at < cutoff) book.Apply(t.event);
    }
    for (const auto& t : store.comments()) {
        if (t.at < cutoff) book.Apply(t.event);
    }
    auto deviation_by_month = [&](const std::string& unit) {
        std::array<std::int64_t, 12> d{};
        if (auto u = org.Find(unit)) {
            for (int m = 0; m <= p; ++m) {
                d[static_cast<std::size_t>(m)] = outcome.KindTotal(*u, GroupKind::kOperating, m) -
                                                 budget.KindTotal(*u, GroupKind::kOperating, m);
            }
        }
        return d;
    };

    // ---- Deviations open at the cut-off, about months up to the period.
    service::DeviationFold fold;
    for (const auto& t : store.deviations()) {
        const auto& e = t.event;
        if (t.at >= cutoff || e.year != year || e.period > period_code) continue;
        if (scope_ids.count(e.unit.value()) == 0) continue;
        fold.Apply(e);
    }
    std::set<std::string> open_units;
    for (const auto& rec : fold.All()) {
        if (!rec.open) continue;
        const auto& e = rec.latest;
        DeviationItem d;
        d.id = e.deviation_id.value();
        d.unit = e.unit.value();
        d.unit_name = UnitNameOf(org, d.unit);
        d.kind = std::string(contracts::ToString(e.kind));
        d.period = e.period;
        d.opened_at = e.at;
        d.outcome = e.outcome_ore;
        d.budget = e.budget_ore;
        d.deviation = e.deviation_ore;
        d.target = e.target;
        d.actual = e.actual;
        d.share_bp = text::BasisPoints(e.share);
        d.severity = std::string(contracts::ToString(e.severity));
        d.within_mandate = e.within_mandate;
        d.acknowledged = rec.acknowledged.has_value();
        d.responsible = e.responsible.name;
        d.responsible_role = e.responsible.role;
        for (const auto& c : e.causes) {
            CauseItem ci;
            ci.dimension = std::string(contracts::ToString(c.dimension));
            ci.key = c.key;
            switch (c.dimension) {
                case contracts::CauseDimension::kGroup:
                    ci.label = GroupName(chart, c.key);
                    break;
                case contracts::CauseDimension::kAccount: {
                    auto it = md.accounts.find(c.key);
                    ci.label = it != md.accounts.end() ? c.key + " " + it->second.name : c.key;
                    break;
                }
                case contracts::CauseDimension::kMonth:
                    ci.label = text::PeriodText(c.key);
                    break;
            }
            ci.amount = c.amount_ore;
            ci.share_bp = text::BasisPoints(c.share);
            d.causes.push_back(std::move(ci));
        }
        const auto ms = book.MeasuresFor(d.id);
        for (const auto& m : ms) d.measures.push_back(m.current.id.value());
        const auto cover = domain::Cover(d.deviation.value_or(0), casework::CountedEffects(ms, fy));
        d.covered = cover.covered;
        d.uncovered = cover.uncovered;
        open_units.insert(d.unit);
        r.deviations.push_back(std::move(d));
    }
    std::sort(r.deviations.begin(), r.deviations.end(), [](const auto& x, const auto& y) {
        const auto ax = std::llabs(x.deviation.value_or(0));
        const auto ay = std::llabs(y.deviation.value_or(0));
        return ax != ay ? ax > ay : x.id < y.id;
    });
    for (auto& f : r.units) {
        f.light = open_units.count(f.id) == 0 ? "green" : f.deviation() > 0 ? "red" : "yellow";
    }

    // ---- Measures, plans and decisions in the scope.
    std::set<std::string> scope_measures;
    for (const auto& [id, rec] : book.measures()) {
        const auto& m = rec.current;
        if (scope_ids.count(m.unit.value()) == 0 && scope_ids.count(m.area.value()) == 0) continue;
        MeasureItem mi;
        mi.id = id;
        mi.unit = m.unit.value();
        mi.area = m.area.value();
        mi.area_name = UnitNameOf(org, mi.area);
        mi.text = m.text;
        mi.status = std::string(contracts::ToString(m.status));
        mi.responsible = m.responsible.name;
        mi.effect_per_month = m.effect_ore_per_month;
        mi.from = m.from_period;
        mi.to = m.to_period.value_or("");
        const auto span = SpanOf(m);
        mi.expected_year = domain::EffectInYear(span, fy);
        const auto months = deviation_by_month(mi.area);
        const auto judged = domain::JudgeEffect(span, fy, months, request.period);
        mi.realised_months = judged.months;
        mi.realised = judged.realised;
        mi.expected_to_date = judged.expected;
        if (m.deviation_id) mi.deviation = m.deviation_id->value();
        mi.plan = m.plan_id.value_or("");
        mi.decision_ref = m.decision_ref.value_or("");
        scope_measures.insert(id);
        r.measures.push_back(std::move(mi));
    }
    std::set<std::string> scope_deviation_ids;
    for (const auto& t : store.deviations()) {
        if (scope_ids.count(t.event.unit.value()) != 0) {
            scope_deviation_ids.insert(t.event.deviation_id.value());
        }
    }
    std::set<std::string> scope_plans;
    for (const auto& [id, rec] : book.plans()) {
        const auto& pl = rec.current;
        bool about =
            scope_ids.count(pl.sektor.value()) != 0 || scope_ids.count(pl.body.value()) != 0;
        for (const auto& d : pl.deviations)
            about = about || scope_deviation_ids.count(d.value()) != 0;
        if (!about) continue;
        PlanItem pi;
        pi.id = id;
        pi.title = pl.title;
        pi.state = std::string(contracts::ToString(pl.state));
        pi.version = rec.version;
        pi.sektor = pl.sektor.value();
        pi.body = pl.body.value();
        pi.body_name = UnitNameOf(org, pi.body);
        pi.decision_ref = pl.decision_ref.value_or("");
        std::vector<casework::MeasureRecord> ms;
        for (const auto& m : pl.measures) {
            pi.measures.push_back(m.value());
            if (const auto* mr = book.FindMeasure(m.value())) ms.push_back(*mr);
        }
        for (const auto& d : pl.deviations) pi.deviations.push_back(d.value());
        for (auto e : casework::CountedEffects(ms, fy)) pi.expected_year += e;
        scope_plans.insert(id);
        r.plans.push_back(std::move(pi));
    }
    for (const auto& [id, d] : book.decisions()) {
        if (d.date > as_of) continue;
        bool about = scope_ids.count(d.body.value()) != 0;
        for (const auto& s : d.subject_ids) {
            about = about || scope_plans.count(s) != 0 || scope_measures.count(s) != 0;
        }
        for (const auto& b : d.budget) about = about || scope_ids.count(b.unit.value()) != 0;
        if (!about) continue;
        DecisionItem di;
        di.id = id;
        di.ref = d.ref;
        di.date = d.date;
        di.body = d.body.value();
        di.body_name = UnitNameOf(org, di.body);
        di.subject = std::string(contracts::ToString(d.subject));
        di.outcome = std::string(contracts::ToString(d.outcome));
        di.text = d.text;
        di.revision = d.revision;
        r.decisions.push_back(std::move(di));
    }
    std::sort(r.decisions.begin(), r.decisions.end(), [](const auto& x, const auto& y) {
        return x.date != y.date ? x.date > y.date : x.id < y.id;
    });

    // ---- Comments of the scope and the units right below it; the latest outcome comment of
    // every unit (for good examples).
    const std::string first_period = fy.First().ToString();
    std::map<std::string, std::string> latest_comment;
    for (const auto& c : book.comments()) {
        if (c.period < first_period || c.period > period_code) continue;
        const std::string unit = c.unit.value();
        auto row = row_of.find(unit);
        if (row == row_of.end()) continue;
        if (c.subject == contracts::CommentSubject::kOutcome ||
            c.subject == contracts::CommentSubject::kGeneral) {
            latest_comment[unit] = c.text;
        }
        if (r.units[row->second].depth > 1) continue;
        CommentItem ci;
        ci.unit = unit;
        ci.unit_name = r.units[row->second].name;
        ci.period = c.period;
        ci.subject = std::string(contracts::ToString(c.subject));
        ci.text = c.text;
        ci.by = c.by.name;
        ci.at = c.at;
        if (c.deviation_id) ci.deviation = c.deviation_id->value();
        ci.goal = c.goal_id.value_or("");
        r.comments.push_back(std::move(ci));
    }
    // Comments of different units come from different partitions, read in no fixed order:
    // sorted, so the report does not depend on it.
    std::stable_sort(r.comments.begin(), r.comments.end(), [](const auto& x, const auto& y) {
        return std::tie(x.at, x.unit, x.period) < std::tie(y.at, y.unit, y.period);
    });

    // ---- Goals and their latest outcome up to the period.
    for (const auto& [id, g] : md.goals) {
        if (g.year != year || row_of.count(g.unit.value()) == 0) continue;
        GoalItem gi;
        gi.id = id;
        gi.unit = g.unit.value();
        gi.unit_name = UnitNameOf(org, gi.unit);
        gi.name = g.name;
        gi.target = g.target;
        gi.lower_is_better = g.direction == contracts::GoalDirection::kLowerIsBetter;
        gi.measure_unit = g.measure_unit;
        const auto& outcomes = store.goal_outcomes();
        auto it = outcomes.upper_bound({id, period_code});
        if (it != outcomes.begin()) {
            --it;
            if (it->first.first == id && it->first.second >= first_period) {
                gi.value = it->second.value;
                gi.value_period = it->first.second;
                gi.comment = it->second.comment.value_or("");
                gi.met = gi.lower_is_better ? *gi.value <= gi.target : *gi.value >= gi.target;
            }
        }
        r.goals.push_back(std::move(gi));
    }
    std::sort(r.goals.begin(), r.goals.end(), [&](const auto& x, const auto& y) {
        const auto rx = row_of[x.unit], ry = row_of[y.unit];
        return rx != ry ? rx < ry : x.id < y.id;
    });

    // ---- HR: each unit's figures summed over its subtree, month by month.
    std::map<UnitIndex, HrAcc> hr;
    for (const auto& entry : store.hr()) {
        // Not a structured binding: the lambda below captures it (clang before 16 refuses).
        const contracts::HrFigure& h = entry.second;
        auto per = domain::Period::Parse(h.period);
        if (!per.ok() || per->year() != year || h.period > period_code) continue;
        auto u = org.Find(h.unit);
        if (!u) continue;
        const int m = per->month() - 1;
        const auto i = static_cast<std::size_t>(m);
        auto add = [&](UnitIndex x) {
            if (in_scope[i][x] == 0) return;
            auto& a = hr[x];
            a.headcount[i] += h.headcount;
            a.fte[i] += h.fte.value_or(0);
            a.sick_weighted[i] += h.sick_leave_pct * static_cast<double>(h.headcount);
            a.overtime[i] += h.overtime_hours;
            a.seen[i] = true;
        };
        add(*u);
        for (UnitIndex x : outcome.AncestorsInMonth(*u, m)) add(x);
    }
    for (auto& f : r.units) {
        auto it = hr.find(*org.Find(f.id));
        if (it == hr.end()) continue;
        const auto& a = it->second;
        Hr h;
        std::int64_t heads = 0;
        double sick = 0;
        for (int m = 0; m <= p; ++m) {
            const auto i = static_cast<std::size_t>(m);
            if (!a.seen[i]) continue;
            ++h.months;
            heads += a.headcount[i];
            sick += a.sick_weighted[i];
            h.overtime_hours_ytd += a.overtime[i];
        }
        const auto i = static_cast<std::size_t>(p);
        h.headcount = a.headcount[i];
        h.fte = a.fte[i];
        h.overtime_hours = a.overtime[i];
        h.sick_leave_pct =
            a.headcount[i] > 0 ? a.sick_weighted[i] / static_cast<double>(a.headcount[i]) : 0;
        h.sick_leave_avg_pct = heads > 0 ? sick / static_cast<double>(heads) : 0;
        f.hr = h;
    }

    // ---- Good examples (S3): enheter under budget whose goals are met, with their comment.
    std::vector<domain::UnitResult> results;
    for (const auto& f : r.units) {
        if (f.level != domain::Level::kEnhet) continue;
        domain::UnitResult ur;
        ur.unit = core::UnitId(f.id);
        ur.name = f.name;
        ur.outcome_to_date = core::Money::FromOre(f.outcome);
        ur.budget_to_date = core::Money::FromOre(f.budget);
        for (const auto& g : r.goals) {
            if (g.unit != f.id || !g.value) continue;
            ur.goals.push_back({g.id, std::llround(*g.value * 1000.0),
                                std::llround(g.target * 1000.0), g.lower_is_better});
        }
        if (auto it = latest_comment.find(f.id); it != latest_comment.end())
            ur.comment = it->second;
        results.push_back(std::move(ur));
    }
    domain::GoodExampleRules rules;
    rules.max_results = options.max_good_examples;
    for (const auto& e : domain::FindGoodExamples(results, rules)) {
        r.good_examples.push_back({e.unit.value(), e.name, e.budget_margin.ore(),
                                   e.budget_margin_bp, e.goal_margin_bp, e.goals_beaten,
                                   e.comment});
    }

    // ---- The dialogue step and its meeting.
    if (request.kind == Kind::kDialogunderlag) {
        DialogueInfo di;
        di.step = DialogueStep(r.scope_level);
        const std::string season = request.period.month() == 4 ? "var" : "host";
        const std::string key = (di.step == 1 ? "apt-" : di.step == 2 ? "omrade-" : "kd-") + season;
        di.responsible_role = di.step == 1   ? "enhetschef"
                              : di.step == 2 ? "verksamhetschef"
                                             : "sektorchef";
        if (options.timetable != nullptr) {
            if (const auto* e = options.timetable->Find(key)) {
                di.title = e->title;
                di.date = e->date.ToString();
            }
        }
        r.dialogue = di;
    }
    return r;
}

}  // namespace bfu::reporting
