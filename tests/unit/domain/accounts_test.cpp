#include "bfu/domain/accounts.hpp"

#include <gtest/gtest.h>

namespace bfu::domain {
namespace {

std::string GroupOf(const ChartOfAccounts& chart, std::string_view account, bool inv = false) {
    auto r = chart.Resolve(account, inv);
    if (!r.ok()) return "error:" + r.error().message;
    return chart.groups()[r->group].id;
}

TEST(AccountClass, FollowsKommunBasFirstDigit) {
    EXPECT_EQ(ClassOfAccount("3011").value(), AccountClass::kRevenue);
    EXPECT_EQ(ClassOfAccount("4010").value(), AccountClass::kOtherCost);
    EXPECT_EQ(ClassOfAccount("5011").value(), AccountClass::kPersonnel);
    EXPECT_EQ(ClassOfAccount("6110").value(), AccountClass::kOtherCost);
    EXPECT_EQ(ClassOfAccount("7810").value(), AccountClass::kOtherCost);
    EXPECT_EQ(ClassOfAccount("8011").value(), AccountClass::kFinancial);
    EXPECT_EQ(ClassOfAccount("1110").value(), AccountClass::kBalanceSheet);
    EXPECT_EQ(ClassOfAccount("2440").value(), AccountClass::kBalanceSheet);
    EXPECT_FALSE(ClassOfAccount("9999").ok());
    EXPECT_FALSE(ClassOfAccount("0123").ok());
    EXPECT_FALSE(ClassOfAccount("501").ok());
    EXPECT_FALSE(ClassOfAccount("50a1").ok());
}

TEST(ChartOfAccounts, DefaultMapsClassesAndKeepsInvestmentsApart) {
    const ChartOfAccounts chart = ChartOfAccounts::KommunBasDefault();
    EXPECT_EQ(GroupOf(chart, "3011"), "intakter");
    EXPECT_EQ(GroupOf(chart, "5011"), "personal");
    EXPECT_EQ(GroupOf(chart, "6110"), "lokaler_ovrigt");
    EXPECT_EQ(GroupOf(chart, "8011"), "finans");
    EXPECT_EQ(GroupOf(chart, "1110"), "investering");
    EXPECT_EQ(chart.Resolve("1110")->kind, GroupKind::kInvestment);
    EXPECT_EQ(chart.Resolve("5011")->kind, GroupKind::kOperating);
    // A balance-sheet account that is not a fixed asset is not followed up.
    const auto ignored = chart.Resolve("2440");
    ASSERT_FALSE(ignored.ok());
    EXPECT_EQ(ignored.error().code, core::Errc::kNotFound);
    // An operating account on an investment project goes to the investment group.
    EXPECT_EQ(GroupOf(chart, "4010", true), "investering");
    EXPECT_EQ(chart.Resolve("4010", true)->account_class, AccountClass::kOtherCost);
}

TEST(ChartOfAccounts, LongestPrefixWinsForOwnSubAccounts) {
    auto chart = ChartOfAccounts::Build(
        {{"personal", "Personal", GroupKind::kOperating, "personnel"},
         {"lon_manad", "Månadslöner", GroupKind::kOperating, "personnel"},
         {"vikarie", "Vikarier", GroupKind::kOperating, "personnel"},
         {"intakter", "Intäkter", GroupKind::kOperating, "even"}},
        {{"5", "personal"}, {"501", "lon_manad"}, {"50115", "vikarie"}, {"3", "intakter"}},
        std::nullopt);
    ASSERT_TRUE(chart.ok()) << chart.error().ToString();
    EXPECT_EQ(GroupOf(*chart, "5011"), "lon_manad");
    EXPECT_EQ(GroupOf(*chart, "501150"), "vikarie");
    EXPECT_EQ(GroupOf(*chart, "501199"), "lon_manad");
    EXPECT_EQ(GroupOf(*chart, "5410"), "personal");
    EXPECT_NE(GroupOf(*chart, "4010").find("no account group"), std::string::npos);
    // Without an investment group the flag changes nothing.
    EXPECT_EQ(GroupOf(*chart, "5011", true), "lon_manad");
}

TEST(ChartOfAccounts, RejectsBadConfiguration) {
    EXPECT_FALSE(ChartOfAccounts::Build({{"a", "A"}}, {{"5x", "a"}}, std::nullopt).ok());
    EXPECT_FALSE(ChartOfAccounts::Build({{"a", "A"}}, {{"5", "b"}}, std::nullopt).ok());
    EXPECT_FALSE(ChartOfAccounts::Build({{"a", "A"}}, {{"5", "a"}, {"5", "a"}}, std::nullopt).ok());
    EXPECT_FALSE(ChartOfAccounts::Build({{"a", "A"}, {"a", "B"}}, {}, std::nullopt).ok());
    // The investment group must be of investment kind.
    const auto r = ChartOfAccounts::Build({{"a", "A"}}, {}, "a");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "investment_group");
}

TEST(Interner, GivesDenseStableIndexes) {
    Interner in;
    EXPECT_EQ(in.Intern("5011"), 0u);
    EXPECT_EQ(in.Intern("3011"), 1u);
    EXPECT_EQ(in.Intern("5011"), 0u);
    EXPECT_EQ(in.Name(1), "3011");
    EXPECT_EQ(in.Find("3011"), 1u);
    EXPECT_FALSE(in.Find("4010").has_value());
    EXPECT_EQ(in.size(), 2u);
}

}  // namespace
}  // namespace bfu::domain
