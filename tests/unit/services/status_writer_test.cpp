// StatusCommands: the Redis commands analysis runs for statuses and deviation events.
#include "bfu/analysis/status_writer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace bfu::analysis {
namespace {

UnitStatus Status(const std::string& unit) {
    UnitStatus s;
    s.unit = unit;
    s.name = "Hemtjänst Öst";
    s.level = "enhet";
    s.parent = "VER";
    s.children = {};
    s.year = 2026;
    s.through_period = "202602";
    s.outcome_to_date_ore = 30'000'000;
    s.budget_to_date_ore = 22'000'000;
    s.annual_budget_ore = 132'000'000;
    s.outcome_year_ore = 41'000'000;
    s.forecast_ore = 140'000'000;
    s.forecast_round = 1;
    s.last_event_at = "2026-03-30T08:00:00.000Z";
    s.deviation_ore = 8'000'000;
    s.share_bp = 3636;
    s.light = "red";
    s.open_deviations = {"budget:2026:" + unit, "investment:2026:" + unit};
    s.manager = "Maja Öberg";
    s.manager_email = "maja@ex.se";
    s.updated_at = "2026-03-31T12:00:00.000Z";
    return s;
}

contracts::DeviationEvent Event(contracts::DeviationEventKind kind, std::int64_t seq) {
    contracts::DeviationEvent d;
    d.deviation_id = core::DeviationId("budget:2026:ENH1");
    d.seq = seq;
    d.unit = core::UnitId("ENH1");
    d.kind = contracts::DeviationKind::kBudget;
    d.year = 2026;
    d.period = "202602";
    d.event = kind;
    d.at = "2026-03-31T12:00:00.000Z";
    d.budget_ore = 22'000'000;
    d.outcome_ore = 30'000'000;
    d.deviation_ore = 8'000'000;
    d.share = 0.3636;
    d.severity = contracts::Severity::kMajor;
    d.within_mandate = false;
    d.responsible = {"Maja Öberg", "enhetschef", std::string("maja@ex.se")};
    return d;
}

// The field/value pairs of an HSET argv (argv[0] = HSET, argv[1] = key).
std::map<std::string, std::string> Fields(const redis::Argv& hset) {
    std::map<std::string, std::string> out;
    EXPECT_EQ(hset.size() % 2, 0u) << "HSET needs field/value pairs";
    for (std::size_t i = 2; i + 1 < hset.size(); i += 2) out[hset[i]] = hset[i + 1];
    return out;
}

TEST(StatusCommands, ReplacesEachUnitHashWholeAndAddsTheUnitsToTheSet) {
    auto enh1 = Status("ENH1");
    auto ver = Status("VER");
    ver.children = {"ENH1", "ENH2"};
    ver.open_deviations.clear();
    ver.forecast_ore.reset();
    ver.forecast_round.reset();
    auto cmds = StatusCommands("bfu:", {enh1, ver}, {});
    // Each status twice: as the unit's status (the business year's) and under its year.
    ASSERT_EQ(cmds.size(), 9u);
    EXPECT_EQ(cmds[0], (redis::Argv{"DEL", "bfu:unit:ENH1"}));
    ASSERT_GE(cmds[1].size(), 2u);
    EXPECT_EQ(cmds[1][0], "HSET");
    EXPECT_EQ(cmds[1][1], "bfu:unit:ENH1");
    const std::map<std::string, std::string> expected = {
        {"unit", "ENH1"},
        {"name", "Hemtjänst Öst"},
        {"level", "enhet"},
        {"parent", "VER"},
        {"children", ""},
        {"year", "2026"},
        {"through_period", "202602"},
        {"outcome_to_date_ore", "30000000"},
        {"budget_to_date_ore", "22000000"},
        {"annual_budget_ore", "132000000"},
        {"outcome_year_ore", "41000000"},
        {"forecast_ore", "140000000"},
        {"forecast_round", "1"},
        {"deviation_ore", "8000000"},
        {"share_bp", "3636"},
        {"light", "red"},
        {"open_deviations", "budget:2026:ENH1,investment:2026:ENH1"},
        {"manager", "Maja Öberg"},
        {"manager_email", "maja@ex.se"},
        {"last_event_at", "2026-03-30T08:00:00.000Z"},
        {"updated_at", "2026-03-31T12:00:00.000Z"},
    };
    EXPECT_EQ(Fields(cmds[1]), expected);
    EXPECT_EQ(cmds[2], (redis::Argv{"DEL", "bfu:unit:ENH1:2026"}));
    EXPECT_EQ(cmds[3][1], "bfu:unit:ENH1:2026");
    EXPECT_EQ(Fields(cmds[3]), expected);
    EXPECT_EQ(cmds[4], (redis::Argv{"DEL", "bfu:unit:VER"}));
    auto ver_fields = Fields(cmds[5]);
    EXPECT_EQ(ver_fields["children"], "ENH1,ENH2");
    EXPECT_EQ(ver_fields["open_deviations"], "");
    EXPECT_EQ(ver_fields["forecast_ore"], "") << "no forecast yet: an empty field";
    EXPECT_EQ(cmds[6], (redis::Argv{"DEL", "bfu:unit:VER:2026"}));
    EXPECT_EQ(cmds[8], (redis::Argv{"SADD", "bfu:units", "ENH1", "VER"}));
}

TEST(StatusCommands, AnotherYearsStatusIsWrittenUnderItsYearOnly) {
    auto last_year = Status("ENH1");
    last_year.year = 2025;
    last_year.current = false;
    auto cmds = StatusCommands("bfu:", {last_year}, {});
    ASSERT_EQ(cmds.size(), 3u);
    EXPECT_EQ(cmds[0], (redis::Argv{"DEL", "bfu:unit:ENH1:2025"}));
    EXPECT_EQ(Fields(cmds[1])["year"], "2025");
    EXPECT_EQ(cmds[2], (redis::Argv{"SADD", "bfu:units", "ENH1"}));
}

TEST(StatusCommands, WritesOpenedDeviationAndAddsItToTheOpenSet) {
    const auto event = Event(contracts::DeviationEventKind::kOpened, 1);
    auto cmds = StatusCommands("t7:", {}, {event});
    ASSERT_EQ(cmds.size(), 3u);  // no statuses: no SADD of units
    EXPECT_EQ(cmds[0], (redis::Argv{"DEL", "t7:deviation:budget:2026:ENH1"}));
    ASSERT_EQ(cmds[1][0], "HSET");
    EXPECT_EQ(cmds[1][1], "t7:deviation:budget:2026:ENH1");
    auto f = Fields(cmds[1]);
    EXPECT_EQ(f["id"], "budget:2026:ENH1");
    EXPECT_EQ(f["unit"], "ENH1");
    EXPECT_EQ(f["kind"], "budget");
    EXPECT_EQ(f["event"], "opened");
    EXPECT_EQ(f["seq"], "1");
    EXPECT_EQ(f["period"], "202602");
    EXPECT_EQ(f["budget_ore"], "22000000");
    EXPECT_EQ(f["outcome_ore"], "30000000");
    EXPECT_EQ(f["deviation_ore"], "8000000");
    EXPECT_EQ(f["severity"], "major");
    EXPECT_EQ(f["within_mandate"], "0");
    EXPECT_EQ(f["open"], "1");
    EXPECT_EQ(f["at"], "2026-03-31T12:00:00.000Z");
    EXPECT_EQ(f.size(), 14u);
    auto decoded = contracts::DeviationEvent::FromJson(nlohmann::json::parse(f["json"]));
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(*decoded, event);
    EXPECT_EQ(cmds[2], (redis::Argv{"SADD", "t7:deviations:open", "budget:2026:ENH1"}));
}

TEST(StatusCommands, RemovesClosedDeviationFromTheOpenSet) {
    auto cmds = StatusCommands("bfu:", {},
                               {Event(contracts::DeviationEventKind::kChanged, 2),
                                Event(contracts::DeviationEventKind::kClosed, 3)});
    ASSERT_EQ(cmds.size(), 6u);
    EXPECT_EQ(Fields(cmds[1])["open"], "1");
    EXPECT_EQ(cmds[2], (redis::Argv{"SADD", "bfu:deviations:open", "budget:2026:ENH1"}));
    EXPECT_EQ(cmds[3], (redis::Argv{"DEL", "bfu:deviation:budget:2026:ENH1"}));
    auto closed = Fields(cmds[4]);
    EXPECT_EQ(closed["open"], "0");
    EXPECT_EQ(closed["event"], "closed");
    EXPECT_EQ(closed["seq"], "3");
    EXPECT_EQ(cmds[5], (redis::Argv{"SREM", "bfu:deviations:open", "budget:2026:ENH1"}));
}

TEST(StatusCommands, IsEmptyWhenThereIsNothingToWrite) {
    EXPECT_TRUE(StatusCommands("bfu:", {}, {}).empty());
}

}  // namespace
}  // namespace bfu::analysis
