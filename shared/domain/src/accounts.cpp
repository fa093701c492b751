#include "bfu/domain/accounts.hpp"

#include <algorithm>

namespace bfu::domain {
namespace {

using core::Errc;
using core::Error;

bool AllDigits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view ToString(AccountClass c) noexcept {
    switch (c) {
        case AccountClass::kBalanceSheet:
            return "balansräkning";
        case AccountClass::kRevenue:
            return "intäkter";
        case AccountClass::kOtherCost:
            return "övriga kostnader";
        case AccountClass::kPersonnel:
            return "personalkostnader";
        case AccountClass::kFinancial:
            return "skatter, utjämning och finansiella poster";
    }
    return "?";
}

core::Result<AccountClass> ClassOfAccount(std::string_view account) {
    if (account.size() < 4 || account.size() > 8 || !AllDigits(account)) {
        return Error(Errc::kInvalidArgument, "account",
                     "account '" + std::string(account) + "' must be 4 to 8 digits");
    }
    switch (account.front()) {
        case '1':
        case '2':
            return AccountClass::kBalanceSheet;
        case '3':
            return AccountClass::kRevenue;
        case '4':
        case '6':
        case '7':
            return AccountClass::kOtherCost;
        case '5':
            return AccountClass::kPersonnel;
        case '8':
            return AccountClass::kFinancial;
        default:
            return Error(Errc::kInvalidArgument, "account",
                         "account '" + std::string(account) + "' is in class " +
                             std::string(1, account.front()) +
                             ", which Kommun-Bas follow-up does not use");
    }
}

core::Result<ChartOfAccounts> ChartOfAccounts::Build(std::vector<AccountGroup> groups,
                                                     std::vector<PrefixRule> rules,
                                                     std::optional<std::string> investment_group) {
    ChartOfAccounts chart;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (groups[i].id.empty()) {
            return Error(Errc::kInvalidArgument, "groups",
                         "account group number " + std::to_string(i + 1) + " has an empty id");
        }
        if (!chart.group_index_.emplace(groups[i].id, static_cast<GroupIndex>(i)).second) {
            return Error(Errc::kAlreadyExists, "group " + groups[i].id,
                         "account group '" + groups[i].id + "' is listed twice");
        }
    }
    for (const PrefixRule& r : rules) {
        if (!AllDigits(r.prefix) || r.prefix.size() > 8) {
            return Error(Errc::kInvalidArgument, "rule " + r.prefix,
                         "account prefix '" + r.prefix + "' must be 1 to 8 digits");
        }
        const auto g = chart.group_index_.find(r.group);
        if (g == chart.group_index_.end()) {
            return Error(
                Errc::kNotFound, "rule " + r.prefix,
                "prefix '" + r.prefix + "' maps to group '" + r.group + "', which is not defined");
        }
        if (!chart.rules_.emplace(r.prefix, g->second).second) {
            return Error(Errc::kAlreadyExists, "rule " + r.prefix,
                         "account prefix '" + r.prefix + "' has two rules");
        }
        chart.longest_prefix_ = std::max(chart.longest_prefix_, r.prefix.size());
    }
    if (investment_group) {
        const auto g = chart.group_index_.find(*investment_group);
        if (g == chart.group_index_.end() || groups[g->second].kind != GroupKind::kInvestment) {
            return Error(Errc::kInvalidArgument, "investment_group",
                         "investment group '" + *investment_group +
                             "' must be a defined group of kind investment");
        }
        chart.investment_group_ = g->second;
    }
    chart.groups_ = std::move(groups);
    return chart;
}

ChartOfAccounts ChartOfAccounts::KommunBasDefault() {
    std::vector<AccountGroup> groups = {
        {"intakter", "Verksamhetens intäkter", GroupKind::kOperating, "even"},
        {"material", "Material, tjänster och bidrag", GroupKind::kOperating, "even"},
        {"personal", "Personalkostnader", GroupKind::kOperating, "personnel"},
        {"lokaler_ovrigt", "Lokaler och övriga kostnader", GroupKind::kOperating, "heating"},
        {"ovrigt", "Övriga kostnader och avskrivningar", GroupKind::kOperating, "even"},
        {"finans", "Skatter, utjämning och finansiella poster", GroupKind::kOperating, "even"},
        {"investering", "Investeringar", GroupKind::kInvestment, "even"},
    };
    std::vector<PrefixRule> rules = {
        {"3", "intakter"}, {"4", "material"}, {"5", "personal"},     {"6", "lokaler_ovrigt"},
        {"7", "ovrigt"},   {"8", "finans"},   {"11", "investering"}, {"12", "investering"},
    };
    auto chart = Build(std::move(groups), std::move(rules), "investering");
    return std::move(chart).value();
}

std::vector<GroupKind> ChartOfAccounts::GroupKinds() const {
    std::vector<GroupKind> kinds;
    kinds.reserve(groups_.size());
    for (const auto& g : groups_) kinds.push_back(g.kind);
    return kinds;
}

std::optional<GroupIndex> ChartOfAccounts::FindGroup(std::string_view id) const {
    const auto it = group_index_.find(std::string(id));
    if (it == group_index_.end()) return std::nullopt;
    return it->second;
}

core::Result<AccountInfo> ChartOfAccounts::Resolve(std::string_view account,
                                                   bool investment_flag) const {
    auto cls = ClassOfAccount(account);
    if (!cls) return std::move(cls).error();
    AccountInfo info;
    info.account_class = *cls;
    if (investment_flag && investment_group_) {
        info.group = *investment_group_;
        info.kind = GroupKind::kInvestment;
        return info;
    }
    std::string key(account.substr(0, std::min(account.size(), longest_prefix_)));
    while (!key.empty()) {
        const auto it = rules_.find(key);
        if (it != rules_.end()) {
            info.group = it->second;
            info.kind = groups_[it->second].kind;
            return info;
        }
        key.pop_back();
    }
    return Error(Errc::kNotFound, "account",
                 "account '" + std::string(account) + "' (" + std::string(ToString(*cls)) +
                     ") maps to no account group; add a prefix rule for it");
}

std::uint32_t Interner::Intern(std::string_view s) {
    const auto it = index_.find(std::string(s));
    if (it != index_.end()) return it->second;
    const auto i = static_cast<std::uint32_t>(names_.size());
    names_.emplace_back(s);
    index_.emplace(names_.back(), i);
    return i;
}

std::optional<std::uint32_t> Interner::Find(std::string_view s) const {
    const auto it = index_.find(std::string(s));
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

}  // namespace bfu::domain
