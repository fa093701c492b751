// The example municipality (Exempelkommun) that the demo and the end-to-end tests use.
#include "bfu/cli/example_municipality.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bfu/ingest/voucher_checker.hpp"
#include "test_master.hpp"

namespace bfu::cli {
namespace {

constexpr int kYear = 2026;

std::set<std::string> UnitIds(const ExampleMunicipality& m) {
    std::set<std::string> ids;
    for (const auto& u : m.org) ids.insert(u.id.value());
    return ids;
}

std::set<std::string> AccountNumbers(const ExampleMunicipality& m) {
    std::set<std::string> numbers;
    for (const auto& a : m.accounts) numbers.insert(a.number.value());
    return numbers;
}

service::MasterSnapshot SnapshotOf(const ExampleMunicipality& m) {
    service::MasterSnapshot s;
    const contracts::EventMeta meta{"id", "bfu/test", test::TestNow(), ""};
    for (const auto& u : m.org) {
        s[std::string(contracts::topics::kMasterOrg)][u.Key()] = contracts::EncodeMessage(u, meta);
    }
    for (const auto& a : m.accounts) {
        s[std::string(contracts::topics::kMasterAccounts)][a.Key()] =
            contracts::EncodeMessage(a, meta);
    }
    for (const auto& b : m.budgets) {
        s[std::string(contracts::topics::kMasterBudget)][b.Key()] =
            contracts::EncodeMessage(b, meta);
    }
    return s;
}

TEST(ExampleMunicipality, IsTheSameOnEveryCall) {
    const auto a = MakeExampleMunicipality(kYear);
    const auto b = MakeExampleMunicipality(kYear);
    EXPECT_EQ(a.org, b.org);
    EXPECT_EQ(a.accounts, b.accounts);
    EXPECT_EQ(a.budgets, b.budgets);
    EXPECT_EQ(a.vouchers, b.vouchers);
    EXPECT_FALSE(a.vouchers.empty());
    // The year is a parameter, not baked in.
    const auto next = MakeExampleMunicipality(kYear + 1);
    EXPECT_EQ(next.vouchers.front().date.substr(0, 4), "2027");
    EXPECT_EQ(next.budgets.front().year, kYear + 1);
}

TEST(ExampleMunicipality, BalancesEveryVoucher) {
    const auto m = MakeExampleMunicipality(kYear);
    for (const auto& v : m.vouchers) {
        SCOPED_TRACE(v.voucher_id.value());
        ASSERT_GE(v.lines.size(), 2u);
        std::int64_t sum = 0;
        for (const auto& l : v.lines) sum += l.amount_ore;
        EXPECT_EQ(sum, 0);
    }
}

TEST(ExampleMunicipality, UsesOnlyKnownUnitsAndAccountsExceptThePlantedBadAccount) {
    const auto m = MakeExampleMunicipality(kYear);
    const auto units = UnitIds(m);
    const auto accounts = AccountNumbers(m);
    int unknown_accounts = 0;
    for (const auto& v : m.vouchers) {
        SCOPED_TRACE(v.voucher_id.value());
        for (const auto& l : v.lines) {
            EXPECT_EQ(units.count(l.unit.value()), 1u) << l.unit.value();
            if (accounts.count(l.account.value()) == 0) {
                ++unknown_accounts;
                EXPECT_EQ(v.voucher_id.value(), kBadAccountVoucher);
            }
        }
    }
    EXPECT_EQ(unknown_accounts, 1);
    for (const auto& b : m.budgets) {
        EXPECT_EQ(units.count(b.unit.value()), 1u) << b.unit.value();
        EXPECT_EQ(b.year, kYear);
    }
}

TEST(ExampleMunicipality, PlantsBadAccountVoucherWithAnAccountNotInTheChart) {
    const auto m = MakeExampleMunicipality(kYear);
    const auto accounts = AccountNumbers(m);
    int found = 0;
    for (const auto& v : m.vouchers) {
        if (v.voucher_id.value() != kBadAccountVoucher) continue;
        ++found;
        bool has_unknown = false;
        for (const auto& l : v.lines) has_unknown |= accounts.count(l.account.value()) == 0;
        EXPECT_TRUE(has_unknown);
    }
    EXPECT_EQ(found, 1);
}

TEST(ExampleMunicipality, SendsTheFirstVoucherAgainLast) {
    const auto m = MakeExampleMunicipality(kYear);
    ASSERT_GE(m.vouchers.size(), 2u);
    EXPECT_EQ(m.vouchers.front().voucher_id.value(), kDuplicatedVoucher);
    EXPECT_EQ(m.vouchers.back(), m.vouchers.front());
    int copies = 0;
    for (const auto& v : m.vouchers) copies += v.Key() == m.vouchers.front().Key() ? 1 : 0;
    EXPECT_EQ(copies, 2);
}

// Personnel outcome (class 5) of a unit in January, from the vouchers.
std::int64_t JanuaryPersonnel(const ExampleMunicipality& m, const std::string& unit) {
    std::int64_t sum = 0;
    std::set<std::string> seen;
    for (const auto& v : m.vouchers) {
        if (!seen.insert(v.Key()).second) continue;  // the duplicate is not outcome
        for (const auto& l : v.lines) {
            const auto& date = l.trans_date ? *l.trans_date : v.date;
            if (l.unit.value() == unit && l.account.value()[0] == '5' &&
                date.substr(5, 2) == "01") {
                sum += l.amount_ore;
            }
        }
    }
    return sum;
}

// January's personnel budget: the personnel profile gives January 100 of 1175 weights (100 a
// month in nine months, June 115, July 70, August 90).
double JanuaryPersonnelBudget(const ExampleMunicipality& m, const std::string& unit) {
    for (const auto& b : m.budgets) {
        if (b.unit.value() == unit && b.account_group == "personal") {
            EXPECT_EQ(b.profile.kind, contracts::ProfileKind::kPersonnel);
            return static_cast<double>(b.annual_ore) * 100.0 / 1175.0;
        }
    }
    ADD_FAILURE() << "no personnel budget for " << unit;
    return 1;
}

TEST(ExampleMunicipality, OverspendsOnPersonnelByFortyPercentInTheOverspendingUnit) {
    const auto m = MakeExampleMunicipality(kYear);
    const std::string unit(kOverspendingUnit);
    const double ratio =
        static_cast<double>(JanuaryPersonnel(m, unit)) / JanuaryPersonnelBudget(m, unit);
    EXPECT_NEAR(ratio, 1.40, 0.005);
    // Every other enhet stays within the ±2 % variation of an ordinary month.
    for (const auto& u : m.org) {
        if (u.level != contracts::OrgLevel::kEnhet || u.id.value() == unit) continue;
        SCOPED_TRACE(u.id.value());
        const double r = static_cast<double>(JanuaryPersonnel(m, u.id.value())) /
                         JanuaryPersonnelBudget(m, u.id.value());
        EXPECT_NEAR(r, 1.0, 0.0205);
    }
}

TEST(ExampleMunicipality, PassesQualityAssuranceExceptThePlantedFaults) {
    const auto m = MakeExampleMunicipality(kYear);
    auto md = service::MasterData::Build(SnapshotOf(m), "", kYear);
    ASSERT_TRUE(md.ok()) << md.error().message;
    EXPECT_TRUE(md.value()->problems.empty());
    EXPECT_EQ(md.value()->org.size(), m.org.size());

    ingest::VoucherChecker checker(ingest::CheckRules{{kYear}, {}});
    checker.SetMaster(md.value());
    int accepted = 0;
    for (std::size_t i = 0; i < m.vouchers.size(); ++i) {
        const auto& v = m.vouchers[i];
        SCOPED_TRACE(v.voucher_id.value());
        auto r = checker.Check(
            v.ToJson().dump(),
            contracts::Origin::Kafka("bfu.erp.vouchers", 0, static_cast<std::int64_t>(i)),
            test::TestNow());
        if (i + 1 == m.vouchers.size()) {
            EXPECT_EQ(r.kind, ingest::CheckResult::Kind::kDuplicate);
        } else if (v.voucher_id.value() == kBadAccountVoucher) {
            ASSERT_EQ(r.kind, ingest::CheckResult::Kind::kRejected);
            ASSERT_EQ(r.rejected.reasons.size(), 1u);
            EXPECT_EQ(r.rejected.reasons[0].code, "unknown_account");
            EXPECT_EQ(r.rejected.reasons[0].field, "/lines/0/account");
        } else {
            EXPECT_EQ(r.kind, ingest::CheckResult::Kind::kAccepted)
                << (r.rejected.reasons.empty() ? "" : r.rejected.reasons[0].message);
            ++accepted;
        }
    }
    EXPECT_EQ(accepted, static_cast<int>(m.vouchers.size()) - 2);
}

}  // namespace
}  // namespace bfu::cli
