// MasterData::Build: the master-data topics decoded and built into organisation, chart and
// budget for one fiscal year.
#include "bfu/service/master_data.hpp"

#include <gtest/gtest.h>

#include "test_master.hpp"

namespace bfu::service {
namespace {

using test::kYear;
using test::SnapshotBuilder;
using test::StandardBuilder;

domain::Date YearEnd() { return domain::Date::FromYmd(kYear, 12, 31).value(); }

TEST(MasterData, BuildsOrgChartAndBudgetWhenSnapshotIsComplete) {
    auto md = MasterData::Build(StandardBuilder("t1.").snapshot(), "t1.", kYear);
    ASSERT_TRUE(md.ok()) << md.error().message;
    const MasterData& m = *md.value();
    EXPECT_TRUE(m.problems.empty());
    EXPECT_EQ(m.year.start_year(), kYear);
    ASSERT_EQ(m.org.size(), 8u);
    auto enh1 = m.org.Find("ENH1");
    ASSERT_TRUE(enh1.has_value());
    const auto& spec = m.org.unit(*enh1);
    EXPECT_EQ(spec.name, "Hemtjänst Öst");
    EXPECT_EQ(spec.level, domain::Level::kEnhet);
    EXPECT_EQ(spec.manager.name, "Maja Öberg");
    EXPECT_EQ(spec.manager.email, "maja@ex.se");
    EXPECT_EQ(spec.mandate.ore(), 10'000'000);
    EXPECT_EQ(m.org.unit(m.org.root()).id.value(), "KF");
    EXPECT_EQ(m.org.unit(m.org.ParentAt(*enh1, YearEnd())).id.value(), "VER");

    auto personal = m.chart.FindGroup("personal");
    ASSERT_TRUE(personal.has_value());
    auto info = m.chart.Resolve("5011");
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->group, *personal);
    EXPECT_EQ(info->account_class, domain::AccountClass::kPersonnel);

    EXPECT_EQ(m.budget.AnnualAt(*enh1, *personal, YearEnd()).ore(), 120'000'000);
    const auto months = m.budget.MonthsAt(*enh1, *personal, YearEnd());
    for (auto month : months) EXPECT_EQ(month, 10'000'000);
    EXPECT_EQ(m.accounts.size(), 8u);
}

TEST(MasterData, ReadsNothingWhenTopicPrefixDiffers) {
    // The records lie under "t1."; built for "t2." there is no organisation at all.
    auto md = MasterData::Build(StandardBuilder("t1.").snapshot(), "t2.", kYear);
    ASSERT_FALSE(md.ok());
    EXPECT_EQ(md.error().code, core::Errc::kFailedPrecondition);
}

TEST(MasterData, FailsWithPreconditionWhenNoOrganisationIsPublished) {
    SnapshotBuilder b;
    b.Account("5011", 5, "personal");
    auto md = MasterData::Build(b.snapshot(), "", kYear);
    ASSERT_FALSE(md.ok());
    EXPECT_EQ(md.error().code, core::Errc::kFailedPrecondition);
}

TEST(MasterData, FailsNamingTheUnitWhenItsParentIsMissing) {
    using L = contracts::OrgLevel;
    SnapshotBuilder b;
    b.Unit("KF", std::nullopt, L::kKf, "KF", "Karin", "k@ex.se", 0)
        .Unit("NAM", "KF", L::kNamnd, "Nämnd", "Per", "p@ex.se", 0)
        .Unit("ORPHAN", "SEK-GONE", L::kEnhet, "Föräldralös", "Ida", "i@ex.se", 0);
    auto md = MasterData::Build(b.snapshot(), "", kYear);
    ASSERT_FALSE(md.ok());
    const std::string text = md.error().field + " " + md.error().message;
    EXPECT_NE(text.find("ORPHAN"), std::string::npos) << text;
}

TEST(MasterData, KnowsBalanceSheetAccountsButMapsThemToNoGroup) {
    auto md = MasterData::Build(StandardBuilder().snapshot(), "", kYear);
    ASSERT_TRUE(md.ok());
    const MasterData& m = *md.value();
    ASSERT_EQ(m.accounts.count("1930"), 1u);
    ASSERT_EQ(m.accounts.count("2440"), 1u);
    EXPECT_EQ(m.accounts.at("2440").account_class, 2);
    EXPECT_FALSE(m.chart.Resolve("1930").ok());
    EXPECT_FALSE(m.chart.Resolve("2440").ok());
    EXPECT_FALSE(m.chart.FindGroup("balansrakning").has_value());
    // An investment asset (class 1, flagged) does map, onto the investment group.
    auto inv = m.chart.Resolve("1110");
    ASSERT_TRUE(inv.ok());
    EXPECT_EQ(inv->kind, domain::GroupKind::kInvestment);
    ASSERT_TRUE(m.chart.investment_group().has_value());
    EXPECT_EQ(m.chart.groups()[*m.chart.investment_group()].id, "investering");
    // The inactive account is known (ingest tells inactive from unknown).
    ASSERT_EQ(m.accounts.count("5999"), 1u);
    EXPECT_FALSE(m.accounts.at("5999").active);
}

TEST(MasterData, BuildsTheBudgetOfEveryYearPublished) {
    auto md = MasterData::Build(StandardBuilder().snapshot(), "", kYear);
    ASSERT_TRUE(md.ok());
    const MasterData& m = *md.value();
    auto enh2 = m.org.Find("ENH2");
    auto material = m.chart.FindGroup("material");
    auto personal = m.chart.FindGroup("personal");
    ASSERT_TRUE(enh2 && material && personal);
    ASSERT_NE(m.BudgetOf(kYear - 1), nullptr);
    ASSERT_NE(m.BudgetOf(kYear), nullptr);
    EXPECT_EQ(m.BudgetOf(kYear + 1), nullptr);
    const auto last_year_end = domain::Date::FromYmd(kYear - 1, 12, 31).value();
    EXPECT_EQ(m.BudgetOf(kYear - 1)->AnnualAt(*enh2, *material, last_year_end).ore(), 99'900'000);
    EXPECT_EQ(m.BudgetOf(kYear - 1)->fiscal_year().start_year(), kYear - 1);
    EXPECT_EQ(m.BudgetOf(kYear)->AnnualAt(*enh2, *personal, YearEnd()).ore(),
              test::kEnh2PersonalAnnual);
}

TEST(MasterData, AUnitsHistoryBecomesMovesByDate) {
    using L = contracts::OrgLevel;
    auto b = StandardBuilder();
    b.Unit("VER2", "SEK", L::kVerksamhet, "Särskilt boende", "Nils Ek", "nils@ex.se", 0);
    contracts::OrgUnit moved;
    moved.id = core::UnitId("ENH2");
    moved.parent = core::UnitId("VER2");
    moved.level = L::kEnhet;
    moved.name = "Hemtjänst Väst";
    moved.manager.name = "Emil Åkesson";
    moved.manager.role = "enhetschef";
    moved.mandate_ore = 1'000'000;
    moved.valid_from = "2026-09-01";
    moved.decision_ref = "KS § 112/2026";
    moved.history = {{core::UnitId("VER"), "2020-01-01", std::nullopt}};
    b.Org(moved);
    auto md = MasterData::Build(b.snapshot(), "", kYear);
    ASSERT_TRUE(md.ok()) << md.error().ToString();
    const auto& org = md.value()->org;
    const auto enh2 = *org.Find("ENH2");
    const auto d = [](const char* s) { return domain::Date::Parse(s).value(); };
    EXPECT_EQ(org.unit(org.ParentAt(enh2, d("2026-08-31"))).id.value(), "VER");
    EXPECT_EQ(org.unit(org.ParentAt(enh2, d("2026-09-01"))).id.value(), "VER2");
    ASSERT_EQ(org.moves().size(), 1u);
    EXPECT_EQ(org.moves()[0].decision_ref, "KS § 112/2026");
}

TEST(MasterData, ALevelsMandateComesFromTheRulesWhenTheRecordSaysZero) {
    MunicipalRules rules;
    rules.mandates[static_cast<std::size_t>(domain::Level::kKs)] = core::Money::FromOre(7'00);
    rules.mandates[static_cast<std::size_t>(domain::Level::kEnhet)] = core::Money::FromOre(9'00);
    auto md = MasterData::Build(StandardBuilder().snapshot(), "", kYear, &rules);
    ASSERT_TRUE(md.ok());
    const auto& org = md.value()->org;
    EXPECT_EQ(org.unit(*org.Find("KS")).mandate.ore(), 7'00);          // 0 in its record
    EXPECT_EQ(org.unit(*org.Find("ENH1")).mandate.ore(), 10'000'000);  // its own
}

TEST(MasterData, ReadsTheFinanceUnitsClosings) {
    using K = contracts::CalendarKind;
    auto b = StandardBuilder();
    b.Closing(K::kPeriodClosed, kYear, "202603", "202603", "2026-04-03", "ek@ex.se")
        .Closing(K::kPeriodClosed, kYear, "202604", "202604", "2026-05-04")
        .Closing(K::kPeriodReopened, kYear, "202604", "202604", "2026-05-06")
        .Closing(K::kYearClosed, kYear - 1, "arsbokslut", std::nullopt, "2026-02-20")
        .Closing(K::kBokslutsdag, kYear - 1, "bokslutsdag", std::nullopt, "2026-03-12");
    auto md = MasterData::Build(b.snapshot(), "", kYear);
    ASSERT_TRUE(md.ok());
    const auto& c = md.value()->closings;
    const auto p = [](int code) { return domain::Period::Of(code / 100, code % 100).value(); };
    ASSERT_NE(c.ForPeriod(p(202603)), nullptr);
    EXPECT_EQ(c.ForPeriod(p(202603))->kind, domain::ClosingKind::kPeriodClosed);
    EXPECT_EQ(c.ForPeriod(p(202603))->by, "ek@ex.se");
    ASSERT_NE(c.ForPeriod(p(202604)), nullptr);
    EXPECT_EQ(c.ForPeriod(p(202604))->kind, domain::ClosingKind::kPeriodReopened);
    ASSERT_NE(c.ForYear(kYear - 1), nullptr);
    EXPECT_EQ(c.All().size(), 3u);
    EXPECT_TRUE(md.value()->problems.empty());
}

TEST(MasterData, IgnoresBudgetsOfAnotherYear) {
    auto md = MasterData::Build(StandardBuilder().snapshot(), "", kYear);
    ASSERT_TRUE(md.ok());
    const MasterData& m = *md.value();
    auto enh2 = m.org.Find("ENH2");
    auto material = m.chart.FindGroup("material");
    ASSERT_TRUE(enh2 && material);
    EXPECT_FALSE(m.budget.HasBudget(*enh2, *material));
    EXPECT_EQ(m.budget.AnnualAt(*enh2, *material, YearEnd()).ore(), 0);
    // Another year's budget is not a problem, just not this year's.
    EXPECT_TRUE(m.problems.empty());
}

TEST(MasterData, ListsUndecodableRecordInProblemsAndBuildsTheRest) {
    auto b = StandardBuilder();
    b.Raw(contracts::topics::kMasterAccounts, "7010", "this is not an envelope");
    auto md = MasterData::Build(b.snapshot(), "", kYear);
    ASSERT_TRUE(md.ok());
    const MasterData& m = *md.value();
    ASSERT_EQ(m.problems.size(), 1u);
    EXPECT_EQ(m.problems[0].rfind("bfu.master.accounts/7010: ", 0), 0u) << m.problems[0];
    EXPECT_EQ(m.accounts.count("7010"), 0u);
    EXPECT_EQ(m.accounts.size(), 8u);
}

TEST(MasterData, ListsBudgetOfUnknownUnitInProblems) {
    auto b = StandardBuilder();
    b.Budget("GHOST", "personal", kYear, 1'000'000);
    auto md = MasterData::Build(b.snapshot(), "", kYear);
    ASSERT_TRUE(md.ok());
    ASSERT_EQ(md.value()->problems.size(), 1u);
    EXPECT_NE(md.value()->problems[0].find("unknown unit GHOST"), std::string::npos)
        << md.value()->problems[0];
}

TEST(MasterData, UsesKommunBasDefaultChartWhenNoAccountsArePublished) {
    using L = contracts::OrgLevel;
    SnapshotBuilder b;
    b.Unit("KF", std::nullopt, L::kKf, "KF", "Karin", "k@ex.se", 0);
    auto md = MasterData::Build(b.snapshot(), "", kYear);
    ASSERT_TRUE(md.ok());
    EXPECT_TRUE(md.value()->accounts.empty());
    auto info = md.value()->chart.Resolve("5011");
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(md.value()->chart.groups()[info->group].id, "personal");
}

}  // namespace
}  // namespace bfu::service
