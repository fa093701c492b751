// Replay as of a date: master records and ledger lines in topic order, statuses as they were
// on the date out (no Kafka).
#include <gtest/gtest.h>

#include <map>

#include "bfu/analysis/replay.hpp"
#include "bfu/contracts/envelope.hpp"
#include "test_master.hpp"

namespace bfu::analysis {
namespace {

std::string LineValue(const std::string& unit, const std::string& date, const std::string& period,
                      std::int64_t ore) {
    contracts::LedgerLine l;
    l.voucher = {core::SourceId("visma"), core::VoucherId("V-" + date), std::nullopt, date};
    l.unit = core::UnitId(unit);
    l.account = core::AccountNo("5011");
    l.account_class = 5;
    l.account_group = "personal";
    l.period = period;
    l.fiscal_year = 2026;
    l.amount_ore = ore;
    return contracts::EncodeMessage(l, {"e-" + date, "bfu/test", test::TestNow(), unit});
}

std::string Revision(std::int64_t no, const std::string& date, std::int64_t annual) {
    contracts::Budget b;
    b.unit = core::UnitId("ENH1");
    b.account_group = "personal";
    b.year = 2026;
    b.annual_ore = annual;
    b.profile.kind = contracts::ProfileKind::kEven;
    b.revision = {no, "KF § " + std::to_string(no) + "/2026", date};
    return contracts::EncodeMessage(b, {"b-" + date, "bfu/test", test::TestNow(), b.Key()});
}

std::map<std::string, UnitStatus> Replay(const std::string& as_of, std::uint64_t* after = nullptr,
                                         std::vector<std::string>* problems = nullptr) {
    AsOfReplay replay(2026, *domain::Date::Parse(as_of), "");
    const auto builder = test::StandardBuilder();  // snapshot() refers into it
    for (const auto& [topic, records] : builder.snapshot()) {
        for (const auto& [key, value] : records) replay.AddMaster(topic, key, value);
    }
    const std::string budget_key = "2026:ENH1:personal:1";
    replay.AddMaster("bfu.master.budget", budget_key, Revision(1, "2026-05-15", 156'000'000));
    EXPECT_TRUE(
        replay.AddLine(0, 0, 1, LineValue("ENH1", "2026-01-10", "202601", 10'000'000)).ok());
    EXPECT_TRUE(replay.AddLine(3, 0, 2, LineValue("ENH2", "2026-02-10", "202602", 7'000'003)).ok());
    // Booked in May into April: not there on 30 April.
    EXPECT_TRUE(replay.AddLine(0, 1, 3, LineValue("ENH1", "2026-05-02", "202604", 5'000'000)).ok());
    EXPECT_FALSE(replay.AddLine(0, 2, 4, "not a line").ok());
    auto statuses = replay.Statuses(test::TestNow());
    EXPECT_TRUE(statuses.ok());
    std::map<std::string, UnitStatus> out;
    if (!statuses.ok()) return out;
    for (auto& s : *statuses) out.emplace(s.unit, std::move(s));
    if (after != nullptr) *after = replay.lines_after();
    if (problems != nullptr) *problems = replay.problems();
    return out;
}

TEST(AsOfReplay, CountsOnlyLinesDatedByTheDayAndTheBudgetInForceThen) {
    std::uint64_t after = 0;
    auto april = Replay("2026-04-30", &after);
    ASSERT_EQ(april.count("KF"), 1u);
    EXPECT_EQ(after, 1u);
    EXPECT_EQ(april["ENH1"].outcome_year_ore, 10'000'000);
    EXPECT_EQ(april["KF"].outcome_year_ore, 17'000'003);
    EXPECT_EQ(april["ENH1"].annual_budget_ore, 132'000'000) << "revision 1 decided in May";

    auto june = Replay("2026-06-01");
    EXPECT_EQ(june["ENH1"].outcome_year_ore, 15'000'000);
    EXPECT_EQ(june["KF"].outcome_year_ore, 22'000'003);
    EXPECT_EQ(june["ENH1"].annual_budget_ore, 156'000'000 + 12'000'000);
}

TEST(AsOfReplay, UsesTheOldestRevisionLeftWhenCompactionRemovedTheOneInForce) {
    AsOfReplay replay(2026, *domain::Date::Parse("2026-03-01"), "");
    const auto builder = test::StandardBuilder();  // snapshot() refers into it
    for (const auto& [topic, records] : builder.snapshot()) {
        for (const auto& [key, value] : records) {
            if (topic != "bfu.master.budget") replay.AddMaster(topic, key, value);
        }
    }
    replay.AddMaster("bfu.master.budget", "2026:ENH1:personal:2",
                     Revision(2, "2026-05-15", 156'000'000));
    auto statuses = replay.Statuses(test::TestNow());
    ASSERT_TRUE(statuses.ok());
    ASSERT_EQ(replay.problems().size(), 1u);
    EXPECT_NE(replay.problems()[0].find("revision 2 used"), std::string::npos);
}

TEST(AsOfReplay, RefusesWithoutAnOrganisation) {
    AsOfReplay replay(2026, *domain::Date::Parse("2026-03-01"), "");
    auto statuses = replay.Statuses(test::TestNow());
    ASSERT_FALSE(statuses.ok());
    EXPECT_EQ(statuses.error().code, core::Errc::kFailedPrecondition);
}

}  // namespace
}  // namespace bfu::analysis
