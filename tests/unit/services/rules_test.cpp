// The rules file (rules.hpp, docs/rules.md): the example in docs/examples/rules.json loads,
// every key lands where it should, and a bad file is refused naming the key, the file and the
// line.
#include "bfu/service/rules.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bfu::service {
namespace {

using domain::Level;

std::string ExamplePath() {
    const char* dir = std::getenv("BFU_SOURCE_DIR");
    if (dir == nullptr) throw std::runtime_error("BFU_SOURCE_DIR is not set; run through ctest");
    return std::string(dir) + "/docs/examples/rules.json";
}

std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

domain::Date D(const char* s) { return domain::Date::Parse(s).value(); }

TEST(Rules, TheDocumentedExampleLoadsWithEveryKey) {
    const std::string path = ExamplePath();
    auto r = ParseRules(Slurp(path), path);
    ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
    const MunicipalRules& rules = *r;
    EXPECT_EQ(rules.source, path);
    EXPECT_EQ(rules.deviation.ForLevel(Level::kEnhet).amount, 50'000'00);
    EXPECT_EQ(rules.deviation.ForLevel(Level::kEnhet).share_bp, 500);
    EXPECT_EQ(rules.deviation.ForLevel(Level::kVerksamhet).amount, 200'000'00);
    EXPECT_EQ(rules.deviation.ForLevel(Level::kSektor).share_bp, 200);
    EXPECT_EQ(rules.deviation.ForLevel(Level::kKf).amount, 2'000'000'00);
    EXPECT_EQ(rules.deviation.close_ratio_percent, 80);
    EXPECT_EQ(rules.deviation.critical_factor_percent, 400);
    EXPECT_EQ(rules.deviation.indicator_default.share_bp, 500);
    ASSERT_TRUE(rules.MandateFor(Level::kEnhet).has_value());
    EXPECT_EQ(rules.MandateFor(Level::kEnhet)->ore(), 50'000'00);
    EXPECT_EQ(rules.MandateFor(Level::kNamnd)->ore(), 3'000'000'00);
    EXPECT_FALSE(rules.MandateFor(Level::kKf).has_value());
    EXPECT_DOUBLE_EQ(rules.hr.SickLeaveFor("HT-NORR"), 7.5);
    EXPECT_DOUBLE_EQ(rules.hr.SickLeaveFor("E1"), 6.0);
    EXPECT_EQ(rules.hr.OvertimeFor("HT-NORR"), 120.0);
    EXPECT_EQ(rules.hr.OvertimeFor("E1"), std::nullopt);
    EXPECT_EQ(rules.lifecycle.close_working_day, 5);
    EXPECT_EQ(rules.lifecycle.dates.at(2026).at("arsbokslut"), D("2027-02-19"));
    EXPECT_EQ(rules.lifecycle.calendar.extra_closed.size(), 2u);
    // The chosen dates reach the timetable and the lifecycle.
    auto tt = domain::BuildTimetable(2026, rules.lifecycle.TimetableFor(2026));
    ASSERT_TRUE(tt.ok());
    EXPECT_EQ(tt->Find("prognos-2")->date, D("2026-04-28"));
    const auto v = domain::LifecycleView::On(D("2027-02-20"), rules.lifecycle, {});
    EXPECT_FALSE(v.IsOpen(2026));
}

TEST(Rules, NoFileIsTheDefaults) {
    auto r = ParseRules("{}", "tom.json");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->deviation, domain::DeviationRules::Defaults());
    EXPECT_DOUBLE_EQ(r->hr.sick_leave_pct, 6.0);
    EXPECT_EQ(r->lifecycle.close_working_day, domain::kDefaultCloseWorkingDay);
}

struct Bad {
    const char* text;
    const char* key;
    const char* where;  // "file:line"
    const char* says;
};

TEST(Rules, ABadFileNamesTheKeyTheFileAndTheLine) {
    const Bad cases[] = {
        {"{\n  \"deviation\": {\n    \"thresholds\": {\n      \"enhet\": {\"amountKr\": -5}\n    "
         "}\n  "
         "}\n}",
         "deviation.thresholds.enhet.amountKr", "r.json:4", "kronor >= 0"},
        {"{\n  \"deviaton\": {}\n}", "deviaton", "r.json:2", "unknown key 'deviaton'"},
        {"{\n  \"deviation\": {\n    \"thresholds\": {\"avdelning\": {\"amountKr\": 5}}\n  }\n}",
         "deviation.thresholds.avdelning", "r.json:3", "is not a level"},
        {"{\"deviation\": {\"thresholds\": {\"enhet\": {\"sharePercent\": 5.125}}}}",
         "deviation.thresholds.enhet.sharePercent", "r.json:1", "two decimals"},
        {"{\"deviation\": {\"majorFactorPercent\": 300,\n \"criticalFactorPercent\": 250}}",
         "deviation.criticalFactorPercent", "r.json:2", "at least majorFactorPercent"},
        {"{\"mandatesKr\": {\"enhet\": \"50000\"}}", "mandatesKr.enhet", "r.json:1",
         "integer number of kronor"},
        {"{\"hr\": {\"sickLeavePercent\": {\"default\": 120}}}", "hr.sickLeavePercent.default",
         "r.json:1", "percentage 0..100"},
        {"{\"hr\": {\"sickLeavePercent\": {\"units\": {\"E1\": 5, \"E2\": \"x\"}}}}",
         "hr.sickLeavePercent.units.E2", "r.json:1", "percentage"},
        {"{\"timetable\": {\n\"periodCloseWorkingDay\": 16}}", "timetable.periodCloseWorkingDay",
         "r.json:2", "1..15"},
        {"{\"timetable\": {\"dates\": {\"2026\": {\n\"stangning-02\": \"2026-05-02\"}}}}",
         "timetable.dates.2026.stangning-02", "r.json:2", "outside its window"},
        {"{\"timetable\": {\"dates\": {\"26\": {}}}}", "timetable.dates.26", "r.json:1",
         "not a year"},
        {"{\"calendar\": {\"extraClosed\": [\"2026-05-15\",\n \"2026-02-30\"]}}",
         "calendar.extraClosed.1", "r.json:2", "YYYY-MM-DD"},
        {"{\"calendar\": {\"swedishHolidays\": \"ja\"}}", "calendar.swedishHolidays", "r.json:1",
         "true or false"},
        {"{\n\"deviation\": {\"closeRatioPercent\": 80,}\n}", "(the file)", "r.json:2",
         "not valid JSON"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        auto r = ParseRules(c.text, "r.json");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().field, c.key);
        EXPECT_EQ(r.error().message.rfind(std::string(c.where) + ": ", 0), 0u) << r.error().message;
        EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
    }
}

TEST(Rules, RulesFromConfigStopsStartUpNamingKeyFileAndLine) {
    const auto dir = std::filesystem::temp_directory_path() / "bfu-rules-test";
    std::filesystem::create_directories(dir);
    const auto file = (dir / "regler.json").string();
    std::ofstream(file) << "{\n  \"hr\": {\n    \"overtimeHours\": {\"default\": -1}\n  }\n}\n";
    config::Schema schema;
    AddRulesFields(schema);
    schema.Int("followup.year", 0, "year");
    auto cfg =
        config::LoadFromText(schema, "{}", "test", config::MapEnv({{"BFU_RULES_FILE", file}}));
    try {
        (void)RulesFrom(cfg);
        FAIL() << "a bad rules file was accepted";
    } catch (const config::ConfigError& e) {
        EXPECT_EQ(e.key(), "hr.overtimeHours.default");
        EXPECT_EQ(e.source(), file + ":3");
        EXPECT_NE(std::string(e.what()).find("hours >= 0"), std::string::npos) << e.what();
    }
    auto missing = config::LoadFromText(schema, "{}", "test",
                                        config::MapEnv({{"BFU_RULES_FILE", file + ".saknas"}}));
    EXPECT_THROW((void)RulesFrom(missing), config::ConfigError);
    auto none = config::LoadFromText(schema, "{}", "test", config::MapEnv({}));
    EXPECT_EQ(RulesFrom(none)->source, "");
    auto pinned = config::LoadFromText(schema, "{\"followup\": {\"year\": 2026}}", "test",
                                       config::MapEnv({}));
    EXPECT_EQ(LifecycleFrom(*RulesFrom(pinned), pinned).pinned_years, std::set<int>{2026});
    EXPECT_TRUE(LifecycleFrom(*RulesFrom(none), none).pinned_years.empty());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bfu::service
