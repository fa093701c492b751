#include "bfu/service/master_data.hpp"

#include "bfu/contracts/envelope.hpp"
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

core::Result<std::shared_ptr<const MasterData>> MasterData::Build(const MasterSnapshot& snapshot,
                                                                  const std::string& topic_prefix,
                                                                  int year) {
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
        spec.reports_to = unit->reports_to;
        specs.push_back(std::move(spec));
        std::string id = unit->id.value();
        md->org_units.emplace(std::move(id), std::move(unit).value());
    }
    if (specs.empty()) {
        return core::Error(core::Errc::kFailedPrecondition, org_topic,
                           "no organisation published yet (bfu import org FILE)");
    }
    auto org = domain::Organisation::Build(std::move(specs));
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
        if (budget.year != year) continue;
        auto unit = md->org.Find(budget.unit);
        auto group = md->chart.FindGroup(budget.account_group);
        if (!unit || !group) {
            md->problems.push_back(
                bud_topic + "/" + id + ": unknown " +
                (!unit ? "unit " + budget.unit.value() : "account group " + budget.account_group));
            continue;
        }
        md->budget.Set(
            {*unit, *group, core::Money::FromOre(budget.annual_ore), AsDomain(budget.profile)});
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
