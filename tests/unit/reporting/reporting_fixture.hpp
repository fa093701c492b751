#pragma once
// A ReportStore filled as reporting fills it from the topics: the example municipality's
// master data (tools/src/example_municipality.cpp: two nämnder, two sektorer, four
// verksamheter, seven enheter, budgets per enhet and account group) and ledger lines,
// forecasts, deviation and casework events written here, each encoded as it lies on its topic.
#include <gtest/gtest.h>

#include <string>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/reporting/store.hpp"

namespace bfu::reporting::test {

inline constexpr int kYear = 2026;

class StoreFixture : public ::testing::Test {
protected:
    void SetUp() override {
        const auto m = cli::MakeExampleMunicipality(kYear);
        for (const auto& u : m.org) Put(u);
        for (const auto& a : m.accounts) Put(a);
        for (const auto& b : m.budgets) Put(b);
    }

    template <typename T>
    void Put(const T& message) {
        const auto value = contracts::EncodeMessage(
            message, {contracts::NewEventId(), "test", core::WallClock().Now(), message.Key()});
        auto s = store_.Apply(std::string(T::kTopic), message.Key(), value);
        ASSERT_TRUE(s.ok()) << s.error().ToString();
    }

    // One ledger line of the fiscal year; the account's group from the example chart.
    void Line(const std::string& unit, const std::string& account, const std::string& period,
              const std::string& date, std::int64_t ore) {
        contracts::LedgerLine l;
        l.voucher.source = core::SourceId("test-erp");
        l.voucher.voucher_id = core::VoucherId("V-" + std::to_string(++voucher_));
        l.voucher.date = date;
        l.unit = core::UnitId(unit);
        l.account = core::AccountNo(account);
        l.account_class = account[0] - '0';
        l.account_group = account[0] == '3'   ? "intakter"
                          : account[0] == '4' ? "material"
                          : account[0] == '5' ? "personal"
                                              : "lokaler";
        l.period = period;
        l.fiscal_year = kYear;
        l.amount_ore = ore;
        Put(l);
    }

    contracts::Forecast Forecast(const std::string& unit, int round, std::int64_t total,
                                 const std::string& made_at) {
        contracts::Forecast f;
        f.year = kYear;
        f.unit = core::UnitId(unit);
        f.round = round;
        f.total_ore = total;
        f.budget_ore = 0;
        f.inputs.through_period = "202601";
        f.made_at = made_at;
        return f;
    }

    contracts::DeviationEvent Deviation(const std::string& unit, std::int64_t seq,
                                        contracts::DeviationEventKind event,
                                        const std::string& period, const std::string& at,
                                        std::int64_t deviation_ore) {
        contracts::DeviationEvent d;
        d.deviation_id = core::DeviationId("budget:2026:" + unit);
        d.seq = seq;
        d.unit = core::UnitId(unit);
        d.level = contracts::OrgLevel::kEnhet;
        d.kind = contracts::DeviationKind::kBudget;
        d.year = kYear;
        d.period = period;
        d.event = event;
        d.at = at;
        d.budget_ore = 100'000'000;
        d.outcome_ore = 100'000'000 + deviation_ore;
        d.deviation_ore = deviation_ore;
        d.share = static_cast<double>(deviation_ore) / 100'000'000.0;
        d.responsible =
            contracts::Person{"Maja Öberg", "enhetschef", "maja.oberg@exempelkommun.se"};
        d.causes = {{contracts::CauseDimension::kGroup, "personal", deviation_ore, 1.0}};
        return d;
    }

    ReportStore store_{""};
    int voucher_ = 0;
};

}  // namespace bfu::reporting::test
