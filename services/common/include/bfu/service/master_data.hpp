#pragma once
// MasterData: the master-data topics (organisation, accounts, budget) decoded from their
// contract messages and built into the domain core's objects for one fiscal year.
//
// The organisation must be complete to build (a tree with a KF root); until it is, Build
// returns an error and the service keeps the previous MasterData (or none). Accounts map onto
// the chart's groups one rule per account number; with no account records published, the
// default Kommun-Bas chart applies. Budget records for other years are ignored.
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
#include "bfu/domain/org.hpp"
#include "bfu/service/master_table.hpp"

namespace bfu::service {

struct MasterData {
    domain::FiscalYear year;
    domain::Organisation org;
    domain::ChartOfAccounts chart;
    domain::BudgetBook budget{domain::FiscalYear::Calendar(1970)};
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

    [[nodiscard]] static core::Result<std::shared_ptr<const MasterData>> Build(
        const MasterSnapshot& snapshot, const std::string& topic_prefix, int year);
};

}  // namespace bfu::service
