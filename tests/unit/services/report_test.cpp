// ReportBook and the renderers: the follow-up report's model and its Markdown, HTML and JSON.
#include "bfu/reporting/report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "test_master.hpp"

namespace bfu::reporting {
namespace {

contracts::UnitAggregate Aggregate(const std::string& unit, std::int64_t outcome_to_date,
                                   std::int64_t budget_to_date, std::int64_t annual,
                                   const std::string& as_of = "2026-03-10T08:00:00.000Z",
                                   int year = 2026) {
    contracts::UnitAggregate a;
    a.year = year;
    a.unit = core::UnitId(unit);
    a.through_period = "202602";
    a.as_of = as_of;
    a.totals.outcome_to_date_ore = outcome_to_date;
    a.totals.budget_to_date_ore = budget_to_date;
    a.totals.budget_ore = annual;
    return a;
}

contracts::DeviationEvent Deviation(
    const std::string& id, const std::string& unit, std::int64_t deviation, std::int64_t seq = 1,
    contracts::DeviationEventKind event = contracts::DeviationEventKind::kOpened, int year = 2026) {
    contracts::DeviationEvent d;
    d.deviation_id = core::DeviationId(id);
    d.seq = seq;
    d.unit = core::UnitId(unit);
    d.year = year;
    d.period = "202602";
    d.event = event;
    d.at = "2026-03-10T08:00:00.000Z";
    d.deviation_ore = deviation;
    d.budget_ore = 22'000'000;
    d.outcome_ore = 22'000'000 + deviation;
    d.responsible = {"Maja Öberg", "enhetschef", std::nullopt};
    return d;
}

contracts::Forecast ForecastOf(const std::string& unit, int round, std::int64_t total,
                               const std::string& made_at = "2026-03-10T08:00:00.000Z") {
    contracts::Forecast f;
    f.year = 2026;
    f.unit = core::UnitId(unit);
    f.round = round;
    f.total_ore = total;
    f.made_at = made_at;
    return f;
}

domain::UnitSpec Spec(const std::string& id, std::optional<std::string> parent, domain::Level level,
                      const std::string& name) {
    domain::UnitSpec s;
    s.id = core::UnitId(id);
    if (parent) s.parent = core::UnitId(*parent);
    s.level = level;
    s.name = name;
    s.manager = {"Chef " + id, "chef", ""};
    return s;
}

class ReportBookTest : public ::testing::Test {
protected:
    ReportBookTest() : master_(test::StandardMaster()) {}
    const domain::Organisation& org() const { return master_->org; }
    std::shared_ptr<const service::MasterData> master_;
    ReportBook book_;
};

TEST_F(ReportBookTest, ListsRowsInTreeOrderWithTheirDepth) {
    book_.OnAggregate(Aggregate("ENH1", 0, 0, 0));
    auto m = book_.Build(org(), 2026, "2026-03-31T12:00:00Z");
    const std::vector<std::pair<std::string, int>> expected = {
        {"KF", 0},  {"KS", 1},  {"FORV", 2}, {"NAM", 1},
        {"SEK", 2}, {"VER", 3}, {"ENH1", 4}, {"ENH2", 4},
    };
    ASSERT_EQ(m.rows.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(m.rows[i].unit, expected[i].first);
        EXPECT_EQ(m.rows[i].depth, expected[i].second);
    }
    EXPECT_EQ(m.rows[6].name, "Hemtjänst Öst");
    EXPECT_EQ(m.rows[6].level, "enhet");
    EXPECT_EQ(m.scope, "KF");
    EXPECT_EQ(m.scope_name, "Kommunfullmäktige");
    EXPECT_EQ(m.as_of, "2026-03-31T12:00:00Z");
}

TEST_F(ReportBookTest, TakesTotalsFromTheLatestAggregateOfTheYear) {
    book_.OnAggregate(Aggregate("ENH1", 30'000'000, 22'000'000, 132'000'000));
    // An older aggregate arriving late does not replace the newer one.
    book_.OnAggregate(Aggregate("ENH1", 1, 1, 1, "2026-03-01T08:00:00.000Z"));
    book_.OnAggregate(Aggregate("ENH2", 99, 99, 99, "2026-03-10T08:00:00.000Z", 2025));
    book_.OnForecast(ForecastOf("ENH1", 2, 150'000'000));
    book_.OnForecast(ForecastOf("ENH1", 1, 111'000'000, "2026-03-20T08:00:00.000Z"));
    auto m = book_.Build(org(), 2026, "2026-03-31T12:00:00Z");
    EXPECT_EQ(m.through_period, "202602");
    const auto& enh1 = m.rows[6];
    ASSERT_EQ(enh1.unit, "ENH1");
    EXPECT_EQ(enh1.outcome_to_date_ore, 30'000'000);
    EXPECT_EQ(enh1.budget_to_date_ore, 22'000'000);
    EXPECT_EQ(enh1.annual_budget_ore, 132'000'000);
    EXPECT_EQ(enh1.deviation_ore, 8'000'000);
    EXPECT_EQ(enh1.share_bp, 3636);
    EXPECT_EQ(enh1.forecast_ore, 150'000'000);  // round 2 stands over an earlier round
    EXPECT_EQ(enh1.light, "green");             // no open deviation
    const auto& enh2 = m.rows[7];
    ASSERT_EQ(enh2.unit, "ENH2");
    EXPECT_EQ(enh2.outcome_to_date_ore, 0);  // its only aggregate is of 2025
    EXPECT_FALSE(enh2.forecast_ore.has_value());
}

TEST_F(ReportBookTest, ListsOpenDeviationsOfTheScopeLargestFirst) {
    book_.OnAggregate(Aggregate("ENH1", 30'000'000, 22'000'000, 132'000'000));
    book_.OnAggregate(Aggregate("ENH2", 28'000'000, 40'000'000, 240'000'000));
    book_.OnDeviation(Deviation("budget:2026:ENH1", "ENH1", 8'000'000));
    book_.OnDeviation(Deviation("budget:2026:ENH2", "ENH2", -12'000'000));
    book_.OnDeviation(Deviation("forecast:2026:ENH1", "ENH1", 20'000'000));
    book_.OnDeviation(Deviation("budget:2026:VER", "VER", 3'000'000));
    book_.OnDeviation(
        Deviation("budget:2026:VER", "VER", 1'000'000, 2, contracts::DeviationEventKind::kClosed));
    // A late copy of the opening does not reopen it.
    book_.OnDeviation(Deviation("budget:2026:VER", "VER", 3'000'000, 1));
    book_.OnDeviation(Deviation("budget:2025:ENH2", "ENH2", 50'000'000, 1,
                                contracts::DeviationEventKind::kOpened, 2025));
    book_.OnDeviation(Deviation("budget:2026:KS", "KS", 90'000'000));

    auto m = book_.Build(org(), 2026, "2026-03-31T12:00:00Z", "SEK");
    EXPECT_EQ(m.scope, "SEK");
    EXPECT_EQ(m.scope_name, "Sektor omsorg");
    ASSERT_EQ(m.rows.size(), 4u);
    EXPECT_EQ(m.rows[0].unit, "SEK");
    EXPECT_EQ(m.rows[0].depth, 0);
    EXPECT_EQ(m.rows[3].depth, 2);
    ASSERT_EQ(m.open_deviations.size(), 3u);  // KS is outside SEK; VER closed; 2025 another year
    EXPECT_EQ(m.open_deviations[0].deviation_id.value(), "forecast:2026:ENH1");
    EXPECT_EQ(m.open_deviations[1].deviation_id.value(), "budget:2026:ENH2");
    EXPECT_EQ(m.open_deviations[2].deviation_id.value(), "budget:2026:ENH1");
    EXPECT_EQ(m.rows[1].light, "green");   // VER: closed
    EXPECT_EQ(m.rows[2].light, "red");     // ENH1: open, over budget
    EXPECT_EQ(m.rows[3].light, "yellow");  // ENH2: open, under budget
}

TEST_F(ReportBookTest, FallsBackToTheRootForAnUnknownScope) {
    auto m = book_.Build(org(), 2026, "2026-03-31T12:00:00Z", "NO-SUCH-UNIT");
    EXPECT_EQ(m.scope, "KF");
    EXPECT_EQ(m.rows.size(), 8u);
    EXPECT_TRUE(book_.empty());
    EXPECT_TRUE(m.good_examples.empty());
    EXPECT_TRUE(m.open_deviations.empty());
}

TEST(ReportBook, ListsAtMostFiveEnheterUnderBudgetBestFirst) {
    using L = domain::Level;
    std::vector<domain::UnitSpec> specs = {Spec("KF", std::nullopt, L::kKf, "KF"),
                                           Spec("NAM", "KF", L::kNamnd, "Nämnd"),
                                           Spec("SEK", "NAM", L::kSektor, "Sektor")};
    // Outcome to date against a budget to date of 10 000 000 each (share in parentheses).
    const std::vector<std::pair<std::string, std::int64_t>> outcomes = {
        {"E1", 9'000'000},   // -10 %
        {"E2", 9'500'000},   // -5 %
        {"E3", 8'000'000},   // -20 %
        {"E4", 10'500'000},  // +5 %: over budget, no good example
        {"E5", 9'900'000},   // -1 %: sixth best, left out
        {"E6", 9'700'000},   // -3 %
        {"E7", 7'000'000},   // -30 %
    };
    ReportBook book;
    for (const auto& [id, outcome] : outcomes) {
        specs.push_back(Spec(id, "SEK", L::kEnhet, "Enhet " + id));
        book.OnAggregate(Aggregate(id, outcome, 10'000'000, 60'000'000));
    }
    specs.push_back(Spec("E8", "SEK", L::kEnhet, "Utan budget"));
    book.OnAggregate(Aggregate("E8", -1'000'000, 0, 0));  // no budget: no share to compare
    book.OnAggregate(Aggregate("SEK", 1'000, 80'000'000, 480'000'000));  // not an enhet
    auto org = domain::Organisation::Build(std::move(specs));
    ASSERT_TRUE(org.ok()) << org.error().message;
    auto m = book.Build(*org, 2026, "2026-03-31T12:00:00Z");
    std::vector<std::string> good;
    for (const auto& r : m.good_examples) good.push_back(r.unit);
    EXPECT_EQ(good, (std::vector<std::string>{"E7", "E3", "E1", "E2", "E6"}));
    ASSERT_FALSE(m.good_examples.empty());
    EXPECT_EQ(m.good_examples[0].deviation_ore, -3'000'000);
    EXPECT_EQ(m.good_examples[0].share_bp, -3000);
}

TEST(ReportRender, EscapesNamesInHtml) {
    using L = domain::Level;
    auto org = domain::Organisation::Build({Spec("KF", std::nullopt, L::kKf, "Kommun <KF>"),
                                            Spec("NAM", "KF", L::kNamnd, "Kök & \"Café\"")});
    ASSERT_TRUE(org.ok());
    ReportBook book;
    book.OnAggregate(Aggregate("NAM", 100, 100, 1200));
    const auto html = RenderHtml(book.Build(*org, 2026, "2026-03-31T12:00:00Z"));
    EXPECT_NE(html.find("Kök &amp; &quot;Café&quot;"), std::string::npos);
    EXPECT_NE(html.find("<title>Budgetuppföljning 2026 – Kommun &lt;KF&gt;</title>"),
              std::string::npos);
    EXPECT_EQ(html.find("<KF>"), std::string::npos);
    EXPECT_EQ(html.find("\"Café\""), std::string::npos);
}

TEST(Tkr, FormatsThousandsOfKronorWithOneDecimalAndGrouping) {
    EXPECT_EQ(Tkr(123'450'000), "1 234,5 tkr");  // 1 234 500 kr
    EXPECT_EQ(Tkr(0), "0,0 tkr");
    EXPECT_EQ(Tkr(10'000), "0,1 tkr");  // 100 kr
    EXPECT_EQ(Tkr(12'345'678'900), "123 456,8 tkr");
    EXPECT_EQ(Tkr(123'456'780'000), "1 234 567,8 tkr");
    EXPECT_EQ(Tkr(99'990'000), "999,9 tkr");
    EXPECT_EQ(Tkr(100'000'000), "1 000,0 tkr");
}

TEST(Tkr, WritesNegativeAmountsWithARealMinusSign) {
    EXPECT_EQ(Tkr(-123'450'000), "\u22121 234,5 tkr");
    EXPECT_EQ(Tkr(-10'000), "\u22120,1 tkr");
}

TEST(Tkr, RoundsHalfAwayFromZero) {
    EXPECT_EQ(Tkr(5'000), "0,1 tkr");  // 50 kr = 0.05 tkr
    EXPECT_EQ(Tkr(4'999), "0,0 tkr");  // 49.99 kr
    EXPECT_EQ(Tkr(-5'000), "\u22120,1 tkr");
    EXPECT_EQ(Tkr(-4'999), "0,0 tkr");  // rounds to zero: no minus sign
    EXPECT_EQ(Tkr(15'000), "0,2 tkr");  // 150 kr = 0.15 tkr
    EXPECT_EQ(Tkr(-25'000), "\u22120,3 tkr");
    EXPECT_EQ(Tkr(99'995'000), "1 000,0 tkr");  // 999 950 kr carries into the thousands
}

class ReportRenderTest : public ReportBookTest {
protected:
    ReportModel Model() {
        book_.OnAggregate(Aggregate("ENH1", 30'000'000, 22'000'000, 132'000'000));
        book_.OnAggregate(Aggregate("ENH2", 36'000'000, 40'000'000, 240'000'000));
        book_.OnForecast(ForecastOf("ENH1", 2, 150'000'000));
        auto d = Deviation("budget:2026:ENH1", "ENH1", 8'000'000);
        d.causes = {{contracts::CauseDimension::kGroup, "personal", 8'000'000, 1.0}};
        book_.OnDeviation(d);
        return book_.Build(org(), 2026, "2026-03-31T12:00:00Z");
    }
};

TEST_F(ReportRenderTest, MarkdownHasARowPerUnitInTkr) {
    const auto md = RenderMarkdown(Model());
    EXPECT_NE(md.find("# Budgetuppföljning 2026 – Kommunfullmäktige"), std::string::npos);
    EXPECT_NE(md.find("|         Hemtjänst Öst (ENH1) | enhet | 300,0 tkr | 220,0 tkr | 80,0 tkr "
                      "| 36,4 % | 1 320,0 tkr | 1 500,0 tkr | röd |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("Hemtjänst Väst (ENH2) | enhet | 360,0 tkr | 400,0 tkr | \u221240,0 tkr | "
                      "\u221210,0 % |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("- **ENH1** budget: 80,0 tkr"), std::string::npos) << md;
    EXPECT_NE(md.find("  - orsak group personal: 80,0 tkr"), std::string::npos) << md;
    EXPECT_NE(md.find("- Hemtjänst Väst (ENH2): 40,0 tkr under budget (10,0 %)"), std::string::npos)
        << md;
}

TEST_F(ReportRenderTest, JsonHasTheModelsFields) {
    const auto model = Model();
    auto j = nlohmann::json::parse(RenderJson(model));
    EXPECT_EQ(j["year"], 2026);
    EXPECT_EQ(j["throughPeriod"], "202602");
    EXPECT_EQ(j["asOf"], "2026-03-31T12:00:00Z");
    EXPECT_EQ(j["scope"], "KF");
    ASSERT_EQ(j["rows"].size(), 8u);
    const auto& enh1 = j["rows"][6];
    EXPECT_EQ(enh1["unit"], "ENH1");
    EXPECT_EQ(enh1["name"], "Hemtjänst Öst");
    EXPECT_EQ(enh1["level"], "enhet");
    EXPECT_EQ(enh1["depth"], 4);
    EXPECT_EQ(enh1["outcomeToDateOre"], 30'000'000);
    EXPECT_EQ(enh1["budgetToDateOre"], 22'000'000);
    EXPECT_EQ(enh1["annualBudgetOre"], 132'000'000);
    EXPECT_EQ(enh1["deviationOre"], 8'000'000);
    EXPECT_EQ(enh1["shareBp"], 3636);
    EXPECT_EQ(enh1["forecastOre"], 150'000'000);
    EXPECT_EQ(enh1["light"], "red");
    EXPECT_FALSE(j["rows"][7].contains("forecastOre"));
    ASSERT_EQ(j["openDeviations"].size(), 1u);
    auto d = contracts::DeviationEvent::FromJson(j["openDeviations"][0]);
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    EXPECT_EQ(*d, model.open_deviations[0]);
    EXPECT_EQ(j["goodExamples"], nlohmann::json::array({"ENH2"}));
}

}  // namespace
}  // namespace bfu::reporting
