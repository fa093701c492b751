#pragma once
// The chart of accounts: Kommun-Bas 13 classes, account groups for reporting, and the
// municipality's own sub-accounts mapped onto groups by prefix rules (S12, S5).
//
// Kommun-Bas class by the account's first digit:
//   1-2 balance sheet (not followed up, except fixed-asset accounts used for investments)
//   3   revenue (verksamhetens intäkter)
//   4   other operating costs (material, purchased services, grants)
//   5   personnel costs
//   6-7 other operating costs (premises, other costs, depreciation)
//   8   taxes, general state grants and equalisation, financial items
//   0, 9 not part of Kommun-Bas follow-up (rejected as unknown class)
//
// Mapping: every rule maps an account prefix to a group; the longest matching prefix wins, so a
// municipality can map "5" -> personal and "5011" -> a finer "lon_manad" group. An account no
// rule matches is not followed up (Resolve says why), which ingest records as a rejection.
//
// Investments (S5) are kept apart from operations: a group has a kind (operating or
// investment). Fixed-asset accounts (prefixes 11, 12 in the default chart) map to the
// investment group; and a ledger line flagged as an investment by the ERP (a project marked
// as investment) resolves to the chart's investment group whatever its account.
//
// Lifecycle: built once by Build (or KommunBasDefault) from configuration; immutable;
// thread-safe for concurrent reads.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bfu/core/result.hpp"

namespace bfu::domain {

enum class AccountClass : std::uint8_t {
    kBalanceSheet,  // 1-2
    kRevenue,       // 3
    kOtherCost,     // 4, 6, 7
    kPersonnel,     // 5
    kFinancial,     // 8: taxes, equalisation, financial items
};
[[nodiscard]] std::string_view ToString(AccountClass c) noexcept;
// The class from the first digit; an error for an account that is not 4-8 digits or starts
// with 0 or 9.
[[nodiscard]] core::Result<AccountClass> ClassOfAccount(std::string_view account);

enum class GroupKind : std::uint8_t { kOperating, kInvestment };

using GroupIndex = std::uint32_t;

struct AccountGroup {
    std::string id;    // stable key, e.g. "personal"
    std::string name;  // Swedish display name, e.g. "Personalkostnader"
    GroupKind kind = GroupKind::kOperating;
    // Which budget profile suits the group by default ("even", "personnel", "heating").
    std::string default_profile = "even";
};

struct PrefixRule {
    std::string prefix;  // digits, e.g. "5" or "5011"
    std::string group;   // an AccountGroup id
};

struct AccountInfo {
    AccountClass account_class = AccountClass::kOtherCost;
    GroupIndex group = 0;
    GroupKind kind = GroupKind::kOperating;
};

class ChartOfAccounts {
public:
    ChartOfAccounts() = default;

    // Validates: unique non-empty group ids; rule prefixes are digits and unique; rules name
    // existing groups; investment_group (if given) is a group of kind investment.
    [[nodiscard]] static core::Result<ChartOfAccounts> Build(
        std::vector<AccountGroup> groups, std::vector<PrefixRule> rules,
        std::optional<std::string> investment_group);

    // The default Kommun-Bas grouping: intakter (3), material (4), personal (5),
    // lokaler_ovrigt (6), ovrigt (7), finans (8), and investering (11, 12; investment kind).
    [[nodiscard]] static ChartOfAccounts KommunBasDefault();

    [[nodiscard]] const std::vector<AccountGroup>& groups() const noexcept { return groups_; }
    [[nodiscard]] std::size_t group_count() const noexcept { return groups_.size(); }
    // The kind of every group, by GroupIndex: what a Cube needs.
    [[nodiscard]] std::vector<GroupKind> GroupKinds() const;
    [[nodiscard]] std::optional<GroupIndex> FindGroup(std::string_view id) const;
    [[nodiscard]] std::optional<GroupIndex> investment_group() const noexcept {
        return investment_group_;
    }

    // Resolves an account (and the ERP's investment flag) to class, group and kind.
    // kInvalidArgument for a malformed account, kNotFound when no rule maps it (a balance-sheet
    // account that is not an investment asset lands here: follow-up ignores it).
    [[nodiscard]] core::Result<AccountInfo> Resolve(std::string_view account,
                                                    bool investment_flag = false) const;

private:
    std::vector<AccountGroup> groups_;
    std::unordered_map<std::string, GroupIndex> group_index_;
    std::unordered_map<std::string, GroupIndex> rules_;  // prefix -> group
    std::size_t longest_prefix_ = 0;
    std::optional<GroupIndex> investment_group_;
};

// Interns strings (account numbers, indicator ids) to dense indexes for the hot path.
// Not thread-safe for Intern; Find/Name are safe concurrently when no Intern runs.
class Interner {
public:
    std::uint32_t Intern(std::string_view s);
    [[nodiscard]] std::optional<std::uint32_t> Find(std::string_view s) const;
    [[nodiscard]] const std::string& Name(std::uint32_t i) const { return names_[i]; }
    [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }

private:
    std::unordered_map<std::string, std::uint32_t> index_;
    std::vector<std::string> names_;
};

}  // namespace bfu::domain
