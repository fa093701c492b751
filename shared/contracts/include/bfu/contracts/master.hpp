#pragma once
// Master data on compacted topics: organisation units (bfu.master.org), accounts
// (bfu.master.accounts), budgets (bfu.master.budget) and goals (bfu.master.goals).
// Schemas: schemas/json/org-unit, account, budget, goal .schema.json. Members and functions
// follow the pattern described in ledger.hpp.
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/common.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"

namespace bfu::contracts {

// An earlier placement of a unit in the tree: under `parent` from `valid_from` until the next
// placement (the last one until the record's own validFrom).
struct OrgPlacement {
    core::UnitId parent;
    std::string valid_from;                   // YYYY-MM-DD
    std::optional<std::string> decision_ref;  // e.g. "KS § 12/2026"

    [[nodiscard]] nlohmann::json ToJson() const;
    bool operator==(const OrgPlacement&) const = default;
};

// A unit of the organisation. The record is the unit as it stands: under `parent` from
// `valid_from`. A reorganisation publishes the unit's record again with its new parent and
// validFrom and the placements before it in `history` (oldest first, each validFrom strictly
// before the next and before the record's), so the compacted topic, which keeps one record per
// unit id, still holds where the unit was in every month: roll-ups follow the tree in force in
// each month, and the history stays on the unit it was booked on.
struct OrgUnit {
    static constexpr std::string_view kType = "se.bfu.master.org.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kMasterOrg;

    core::UnitId id;
    std::optional<core::UnitId> parent;  // absent only for the root (KF)
    OrgLevel level = OrgLevel::kEnhet;
    std::string name;  // one line, no control characters
    Person manager;
    std::int64_t mandate_ore = 0;          // >= 0
    std::vector<core::UnitId> reports_to;  // extra reporting lines beside the parent
    std::string valid_from;                // YYYY-MM-DD
    std::optional<std::string> valid_to;
    // The unit's registered address (e.g. a nämnd's registrator), an e-mail address.
    std::optional<std::string> mailbox;
    std::vector<Webhook> webhooks;  // where alerts for the unit are also posted; empty = absent
    // A nämnd's secretary, who records its decisions (bfu.casework.decisions).
    std::optional<Person> secretary;
    // The placements before this one, oldest first; empty: always under `parent`.
    std::vector<OrgPlacement> history;
    // The decision behind this placement (a reorganisation's), e.g. "KS § 12/2026".
    std::optional<std::string> decision_ref;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<OrgUnit> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return id.value(); }
    bool operator==(const OrgUnit&) const = default;
};

struct Account {
    static constexpr std::string_view kType = "se.bfu.master.account.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kMasterAccounts;

    core::AccountNo number;  // 4-6 digits
    std::string name;
    int account_class = 0;  // 0-9 (wire name "class")
    std::string group;
    bool active = true;
    bool investment = false;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<Account> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return number.value(); }
    bool operator==(const Account&) const = default;
};

enum class BudgetKind { kOperating, kInvestment };
BFU_CONTRACTS_ENUM_NAMES(BudgetKind, "operating", "investment");
enum class ProfileKind { kEven, kPersonnel, kHeating, kExplicit };
BFU_CONTRACTS_ENUM_NAMES(ProfileKind, "even", "personnel", "heating", "explicit");

struct BudgetProfile {
    ProfileKind kind = ProfileKind::kEven;
    std::array<std::int64_t, 12> months{};  // öre per month; the domain checks sum == annual

    bool operator==(const BudgetProfile&) const = default;
};

struct BudgetRevision {
    std::int64_t no = 0;  // 0 = as first decided
    std::string ref;      // "§ 45/2026"
    std::string date;     // YYYY-MM-DD

    bool operator==(const BudgetRevision&) const = default;
};

struct Budget {
    static constexpr std::string_view kType = "se.bfu.master.budget.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kMasterBudget;

    core::UnitId unit;
    std::string account_group;
    int year = 0;
    BudgetKind kind = BudgetKind::kOperating;
    std::int64_t annual_ore = 0;
    BudgetProfile profile;
    BudgetRevision revision;

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<Budget> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    // year:unit:accountGroup:revision: every revision has its own key on the compacted topic.
    [[nodiscard]] std::string Key() const {
        return keys::Budget(year, unit.value(), account_group, revision.no);
    }
    bool operator==(const Budget&) const = default;
};

enum class GoalDirection { kHigherIsBetter, kLowerIsBetter };
BFU_CONTRACTS_ENUM_NAMES(GoalDirection, "higherIsBetter", "lowerIsBetter");

struct Goal {
    static constexpr std::string_view kType = "se.bfu.master.goal.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kMasterGoals;

    std::string id;
    core::UnitId unit;
    int year = 0;
    std::string name;
    std::optional<std::string> description;
    double target = 0;
    GoalDirection direction = GoalDirection::kHigherIsBetter;
    std::string measure_unit;  // "%", "st", "dagar" ...

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<Goal> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return id; }
    bool operator==(const Goal&) const = default;
};

}  // namespace bfu::contracts
