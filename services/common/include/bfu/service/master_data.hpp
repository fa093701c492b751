#pragma once
// MasterData: the master-data topics (organisation, accounts, budget, and the finance unit's
// closings on bfu.calendar) decoded from their contract messages and built into the domain
// core's objects.
//
// The organisation must be complete to build (a tree with a KF root); until it is, Build
// returns an error and the service keeps the previous MasterData (or none). A unit's record
// with `history` becomes moves by date (domain::UnitMove): the earliest placement is its base
// parent, each later one a move from its validFrom, the record's parent the last move, so the
// roll-up follows the tree in force in each month. Accounts map onto the chart's groups one
// rule per account number; with no account records published, the default Kommun-Bas chart
// applies. Budgets are built for every year published (budgets); `year`/`budget` are the
// service's follow-up year (followup.year, or the clock's year at start) for the services
// that follow one year. Closings: the period and year decisions on bfu.calendar, when the
// service reads that topic. With rules (rules.hpp), a unit whose record says mandateOre 0
// takes its level's mandate from the rules.
//
// Lifecycle: immutable once built; shared between threads as shared_ptr<const MasterData>.
#include <map>
#include <memory>
#include <set>
#include <string>

#include "bfu/contracts/master.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/accounts.hpp"
#include "bfu/domain/budget.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/lifecycle.hpp"
#include "bfu/domain/org.hpp"
#include "bfu/service/master_table.hpp"
#include "bfu/service/rules.hpp"

namespace bfu::service {

struct MasterData {
    domain::FiscalYear year;
    domain::Organisation org;
    domain::ChartOfAccounts chart;
    domain::BudgetBook budget{domain::FiscalYear::Calendar(1970)};
    // Every year with a budget published: year -> its book (the one in force per key).
    std::map<int, domain::BudgetBook> budgets;
    // The finance unit's decisions on bfu.calendar (period closed/reopened, year closed).
    domain::ClosingBook closings;
    // The account records as published (number -> record); empty when none were.
    std::map<std::string, contracts::Account> accounts;
    // The organisation's records as published (unit id -> record): mailboxes and webhooks.
    std::map<std::string, contracts::OrgUnit> org_units;
    // The budget in force per "year:unit:accountGroup" (every year published): the record with
    // the highest revision number (bfu.master.budget keeps every revision under its own key).
    std::map<std::string, contracts::Budget> budget_records;
    // Goals (goal id -> record), when the service reads bfu.master.goals.
    std::map<std::string, contracts::Goal> goals;
    // Records that could not be decoded or applied, "topic/key: reason" each; they are left
    // out, never silently: services log them and count them in a metric.
    std::vector<std::string> problems;

    // The book of `year`, or nullptr when nothing was budgeted for it.
    [[nodiscard]] const domain::BudgetBook* BudgetOf(int year) const;

    [[nodiscard]] static core::Result<std::shared_ptr<const MasterData>> Build(
        const MasterSnapshot& snapshot, const std::string& topic_prefix, int year,
        const MunicipalRules* municipal = nullptr);
};

}  // namespace bfu::service
