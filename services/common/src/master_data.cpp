#include "bfu/service/master_data.hpp"

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"

namespace bfu::service {

namespace {

domain::Level AsDomain(contracts::OrgLevel level) {
    using contracts::OrgLevel;
    switch (level) {
        case OrgLevel::kKf:
            return domain::Level::kKf;
        case OrgLevel::kKs:
            return domain::Level::kKs;
        case OrgLevel::kForvaltning:
            return domain::Level::kForvaltning;
        case OrgLevel::kNamnd:
            return domain::Level::kNamnd;
        case OrgLevel::kSektor:
            return domain::Level::kSektor;
        case OrgLevel::kVerksamhet:
            return domain::Level::kVerksamhet;
        case OrgLevel::kEnhet:
            return domain::Level::kEnhet;
    }
    return domain::Level::kEnhet;
}

domain::Profile AsDomain(const contracts::BudgetProfile& p) {
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

const std::map<std::string, std::string>& Records(const MasterSnapshot& snapshot,
                                                  const std::string& topic) {
    static const std::map<std::string, std::string> kEmpty;
    auto it = snapshot.find(topic);
    return it == snapshot.end() ? kEmpty : it->second;
}

}  // namespace

const domain::BudgetBook* MasterData::BudgetOf(int y) const {
    auto it = budgets.find(y);
    return it == budgets.end() ? nullptr : &it->second;
}

core::Result<std::shared_ptr<const MasterData>> MasterData::Build(const MasterSnapshot& snapshot,
                                                                  const std::string& topic_prefix,
                                                                  int year,
                                                                  const MunicipalRules* municipal) {
    auto md = std::make_shared<MasterData>();
    md->year = domain::FiscalYear::Calendar(year);
    md->budget = domain::BudgetBook(md->year);
    // append, not operator+: g++ 12 -O3 warns falsely (-Wrestrict) on string + std::string.
    const std::string org_topic = std::string(topic_prefix).append(contracts::topics::kMasterOrg);
    const std::string acc_topic =
        std::string(topic_prefix).append(contracts::topics::kMasterAccounts);
    const std::string bud_topic =
        std::string(topic_prefix).append(contracts::topics::kMasterBudget);

    std::vector<domain::UnitSpec> specs;
    std::vector<domain::UnitMove> moves;
    for (const auto& [key, value] : Records(snapshot, org_topic)) {
        auto unit = contracts::DecodeMessage<contracts::OrgUnit>(value);
        if (!unit.ok()) {
            md->problems.push_back(org_topic + "/" + key + ": " + unit.error().ToString());
            continue;
        }
        domain::UnitSpec spec;
        spec.id = unit->id;
        spec.name = unit->name;
        spec.level = AsDomain(unit->level);
        spec.parent = unit->parent;
        spec.manager = {unit->manager.name, unit->manager.role, unit->manager.email.value_or("")};
        spec.mandate = core::Money::FromOre(unit->mandate_ore);
        if (unit->mandate_ore == 0 && municipal != nullptr) {
            if (auto m = municipal->MandateFor(spec.level)) spec.mandate = *m;
        }
        // A reorganised unit: under its earliest parent first, then moved at each placement.
        if (!unit->history.empty()) {
            bool dates_ok = true;
            std::vector<domain::UnitMove> unit_moves;
            for (std::size_t i = 1; i <= unit->history.size(); ++i) {
                const bool last = i == unit->history.size();
                const std::string& from = last ? unit->valid_from : unit->history[i].valid_from;
                auto date = domain::Date::Parse(from);
                if (!date.ok()) {
                    dates_ok = false;
                    break;
                }
                domain::UnitMove move;
                move.unit = unit->id;
                move.new_parent = last ? *unit->parent : unit->history[i].parent;
                move.effective = *date;
                const auto& ref = last ? unit->decision_ref : unit->history[i].decision_ref;
                move.decision_ref = ref.value_or("");
                unit_moves.push_back(std::move(move));
            }
            if (dates_ok) {
                spec.parent = unit->history.front().parent;
                moves.insert(moves.end(), unit_moves.begin(), unit_moves.end());
            } else {
                md->problems.push_back(org_topic + "/" + key +
                                       ": history left out: a date does not parse");
            }
        }
        spec.reports_to = unit->reports_to;
        specs.push_back(std::move(spec));
        std::string id = unit->id.value();
        md->org_units.emplace(std::move(id), std::move(unit).value());
    }
    if (specs.empty()) {
        return core::Error(core::Errc::kFailedPrecondition, org_topic,
                           "no organisation published yet (bfu import org FILE)");
    }
    auto org = domain::Organisation::Build(std::move(specs), std::move(moves));
    if (!org.ok()) return std::move(org).error();
    md->org = std::move(org).value();

    // One prefix rule per published account; the groups are those the accounts name.
    std::vector<domain::AccountGroup> groups;
    std::vector<domain::PrefixRule> rules;
    std::set<std::string> seen_groups;
    std::optional<std::string> investment_group;
    for (const auto& [key, value] : Records(snapshot, acc_topic)) {
        auto account = contracts::DecodeMessage<contracts::Account>(value);
        if (!account.ok()) {
            md->problems.push_back(acc_topic + "/" + key + ": " + account.error().ToString());
            continue;
        }
        const bool is_balance =
            (account->account_class == 1 || account->account_class == 2) && !account->investment;
        if (!is_balance && seen_groups.insert(account->group).second) {
            domain::AccountGroup g;
            g.id = account->group;
            g.name = account->group;
            g.kind = account->investment ? domain::GroupKind::kInvestment
                                         : domain::GroupKind::kOperating;
            if (account->investment && !investment_group) investment_group = account->group;
            groups.push_back(std::move(g));
        }
        // Balance-sheet accounts are known (vouchers balance on them) but are no follow-up
        // outcome, so they map onto no group; investment assets do.
        const bool balance_sheet = account->account_class == 1 || account->account_class == 2;
        if (!balance_sheet || account->investment) {
            rules.push_back({account->number.value(), account->group});
        }
        std::string number = account->number.value();
        md->accounts.emplace(std::move(number), std::move(account).value());
    }
    if (rules.empty()) {
        md->chart = domain::ChartOfAccounts::KommunBasDefault();
    } else {
        auto chart =
            domain::ChartOfAccounts::Build(std::move(groups), std::move(rules), investment_group);
        if (!chart.ok()) return std::move(chart).error();
        md->chart = std::move(chart).value();
    }

    // Every revision is its own record; the one in force is the highest revision number.
    for (const auto& [key, value] : Records(snapshot, bud_topic)) {
        auto budget = contracts::DecodeMessage<contracts::Budget>(value);
        if (!budget.ok()) {
            md->problems.push_back(bud_topic + "/" + key + ": " + budget.error().ToString());
            continue;
        }
        const std::string id =
            std::to_string(budget->year) + ":" + budget->unit.value() + ":" + budget->account_group;
        auto it = md->budget_records.find(id);
        if (it == md->budget_records.end() || budget->revision.no > it->second.revision.no) {
            md->budget_records[id] = std::move(budget).value();
        }
    }
    for (const auto& [id, budget] : md->budget_records) {
        auto unit = md->org.Find(budget.unit);
        auto group = md->chart.FindGroup(budget.account_group);
        if (!unit || !group) {
            md->problems.push_back(
                bud_topic + "/" + id + ": unknown " +
                (!unit ? "unit " + budget.unit.value() : "account group " + budget.account_group));
            continue;
        }
        auto book = md->budgets.try_emplace(budget.year, domain::FiscalYear::Calendar(budget.year));
        book.first->second.Set(
            {*unit, *group, core::Money::FromOre(budget.annual_ore), AsDomain(budget.profile)});
    }
    if (const auto* own = md->BudgetOf(year)) md->budget = *own;
    // The finance unit's closings: the latest event per key is each subject's state.
    const std::string cal_topic = std::string(topic_prefix).append(contracts::topics::kCalendar);
    for (const auto& [key, value] : Records(snapshot, cal_topic)) {
        auto event = contracts::DecodeMessage<contracts::CalendarEvent>(value);
        if (!event.ok()) {
            md->problems.push_back(cal_topic + "/" + key + ": " + event.error().ToString());
            continue;
        }
        domain::Closing c;
        switch (event->kind) {
            case contracts::CalendarKind::kPeriodClosed:
                c.kind = domain::ClosingKind::kPeriodClosed;
                break;
            case contracts::CalendarKind::kPeriodReopened:
                c.kind = domain::ClosingKind::kPeriodReopened;
                break;
            case contracts::CalendarKind::kYearClosed:
                c.kind = domain::ClosingKind::kYearClosed;
                break;
            default:
                continue;  // the timetable's dates: nothing to decide here
        }
        c.year = event->year;
        if (event->period) {
            if (auto p = domain::Period::Parse(*event->period); p.ok()) c.period = *p;
        }
        if (auto d = domain::Date::Parse(event->date); d.ok()) c.date = *d;
        c.by = event->by.value_or("");
        if (auto s = md->closings.Apply(c); !s.ok()) {
            md->problems.push_back(cal_topic + "/" + key + ": " + s.error().ToString());
        }
    }
    const std::string goal_topic =
        std::string(topic_prefix).append(contracts::topics::kMasterGoals);
    for (const auto& [key, value] : Records(snapshot, goal_topic)) {
        auto goal = contracts::DecodeMessage<contracts::Goal>(value);
        if (!goal.ok()) {
            md->problems.push_back(goal_topic + "/" + key + ": " + goal.error().ToString());
            continue;
        }
        std::string id = goal->id;
        md->goals.emplace(std::move(id), std::move(goal).value());
    }
    return std::shared_ptr<const MasterData>(std::move(md));
}

}  // namespace bfu::service
