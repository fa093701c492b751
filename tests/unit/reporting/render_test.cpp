// The report's files as text: the JSON against its schema (schemas/http/report.schema.json,
// valijson) with the examples in schemas/examples-http/report/, the HTML self-contained and in
// Swedish, the formats a request may name.
#include "bfu/reporting/render.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "bfu/reporting/library.hpp"
#include "bfu/reporting/report.hpp"
#include "reporting_fixture.hpp"
#include "test_support.hpp"

namespace bfu::reporting {
namespace {

namespace ct = contracts::test;
using test::kYear;

ct::fs::path ReportSchema() { return ct::SchemasDir() / "http" / "report.schema.json"; }

class RenderTest : public test::StoreFixture {
protected:
    // A year with something in every part: lines, a forecast, a deviation with a measure,
    // HR figures, a goal, a comment, a budget revision.
    void FillYear() {
        for (int m = 1; m <= 4; ++m) {
            const std::string period = "2026" + std::string(m < 10 ? "0" : "") + std::to_string(m);
            const std::string date = "2026-0" + std::to_string(m) + "-25";
            Line("E111", "5011", period, date, 60'000'000);
            Line("E211", "5011", period, date, 90'000'000);
            Line("E221", "6110", period, date, 20'000'000);
            Line("E121", "3510", period, date, -6'000'000);
        }
        Put(Forecast("KF", 1, 9'000'000'000, "2026-02-27T17:00:00Z"));
        Put(Forecast("KF", 2, 9'100'000'000, "2026-04-30T17:00:00Z"));
        auto d = Deviation("E211", 1, contracts::DeviationEventKind::kOpened, "202603",
                           "2026-04-03T09:00:00Z", 12'000'000);
        Put(d);
        contracts::CommentEvent c;
        c.comment_id = "c-1";
        c.unit = core::UnitId("S2");
        c.period = "202604";
        c.subject = contracts::CommentSubject::kOutcome;
        c.text = "Timvikarier under en lång sjukskrivning; <åtgärd> beslutad.";
        c.by = contracts::Person{"Sara Nord", "sektorchef", std::nullopt};
        c.at = "2026-05-04T10:00:00Z";
        Put(c);
        contracts::HrFigure h;
        h.unit = core::UnitId("E211");
        h.period = "202604";
        h.sick_leave_pct = 9.5;
        h.overtime_hours = 120;
        h.headcount = 24;
        h.fte = 21.5;
        Put(h);
    }

    Report Make(Kind kind, const std::string& scope, int month, const char* as_of) {
        auto r = BuildReport(
            store_, {kind, scope, *domain::Period::Of(kYear, month), *domain::Date::Parse(as_of)});
        EXPECT_TRUE(r.ok()) << r.error().ToString();
        return r.ok() ? std::move(r).value() : Report{};
    }
};

TEST_F(RenderTest, EveryKindsJsonMatchesTheSchema) {
    FillYear();
    ct::SchemaValidator schema(ct::SchemaFile{ReportSchema()});
    const std::vector<std::tuple<Kind, std::string, int>> cases = {
        {Kind::kTertial, "KF", 4},          {Kind::kDelar, "BUN", 8},
        {Kind::kArsredovisning, "KF", 12},  {Kind::kSektorssammanfattning, "S2", 4},
        {Kind::kDialogunderlag, "E211", 4}, {Kind::kDialogunderlag, "V21", 4},
        {Kind::kDialogunderlag, "S2", 8},   {Kind::kLopande, "KF", 3}};
    for (const auto& [kind, scope, month] : cases) {
        SCOPED_TRACE(std::string(KindId(kind)) + " " + scope);
        const auto j = ReportToJson(Make(kind, scope, month, "2026-12-20"));
        EXPECT_EQ(schema.Validate(j), "");
    }
}

TEST_F(RenderTest, TheSchemaExamplesGetTheVerdictTheirNamesPromise) {
    ct::SchemaValidator schema(ct::SchemaFile{ReportSchema()});
    const auto dir = ct::SchemasDir() / "examples-http" / "report";
    const auto valid = ct::ExampleFilesIn(dir, "valid-");
    const auto invalid = ct::ExampleFilesIn(dir, "invalid-");
    EXPECT_GE(valid.size(), 1U);
    EXPECT_GE(invalid.size(), 3U);
    for (const auto& file : valid) {
        SCOPED_TRACE(file.filename().string());
        EXPECT_EQ(schema.Validate(ct::ReadJson(file)), "");
    }
    for (const auto& file : invalid) {
        SCOPED_TRACE(file.filename().string());
        EXPECT_NE(schema.Validate(ct::ReadJson(file)), "") << "the schema accepts it";
    }
    // The schema's enums are the C++ words.
    const auto doc = ct::ReadJson(ReportSchema());
    std::set<std::string> kinds;
    for (const auto& k : doc["properties"]["kind"]["enum"]) kinds.insert(k.get<std::string>());
    for (Kind k : {Kind::kTertial, Kind::kDelar, Kind::kArsredovisning,
                   Kind::kSektorssammanfattning, Kind::kDialogunderlag, Kind::kLopande}) {
        EXPECT_EQ(kinds.count(std::string(KindId(k))), 1u) << KindId(k);
    }
    EXPECT_EQ(kinds.size(), 6u);
}

TEST_F(RenderTest, TheHtmlIsSelfContainedSwedishAndEscaped) {
    FillYear();
    auto templates = text::Templates::Load(DefaultTemplates());
    ASSERT_TRUE(templates.ok()) << templates.error().ToString();
    for (Kind kind : {Kind::kTertial, Kind::kSektorssammanfattning}) {
        auto html = RenderHtml(Make(kind, "S2", 4, "2026-06-25"), *templates);
        ASSERT_TRUE(html.ok()) << html.error().ToString();
        const std::string& h = *html;
        // Nothing is fetched: no script, no stylesheet or image from elsewhere.
        EXPECT_EQ(h.find("<script"), std::string::npos);
        EXPECT_EQ(h.find("src="), std::string::npos);
        EXPECT_EQ(h.find("<link"), std::string::npos);
        EXPECT_EQ(h.find("url("), std::string::npos);
        EXPECT_NE(h.find("<svg"), std::string::npos);
        EXPECT_NE(h.find("@page { size: A4"), std::string::npos);
        // Swedish months, amounts in tkr, account groups by name, kinds in words.
        EXPECT_NE(h.find("januari–april 2026"), std::string::npos);
        EXPECT_NE(h.find("25 juni 2026"), std::string::npos);
        EXPECT_NE(h.find(" tkr"), std::string::npos);
        EXPECT_NE(h.find("Personalkostnader"), std::string::npos);
        EXPECT_NE(h.find("Budgetavvikelse"), std::string::npos);
        for (const char* english : {"group", ">budget<", "forecast", "deviation", "202604",
                                    "orsak group", "minor", "major"}) {
            EXPECT_EQ(h.find(english), std::string::npos) << english;
        }
        // The comment's text is escaped.
        if (kind == Kind::kSektorssammanfattning) {
            EXPECT_NE(h.find("&lt;åtgärd&gt;"), std::string::npos);
        }
    }
}

TEST_F(RenderTest, TheRollingReportKeepsItsUnitRowsAndDeviationLines) {
    FillYear();
    auto templates = text::Templates::Load(DefaultTemplates());
    ASSERT_TRUE(templates.ok());
    auto html = RenderHtml(Make(Kind::kLopande, "KF", 3, "2026-04-10"), *templates);
    ASSERT_TRUE(html.ok()) << html.error().ToString();
    EXPECT_NE(html->find("Hemtjänst Centrum (E211)"), std::string::npos);
    EXPECT_NE(html->find("<li><b>E211</b> budgetavvikelse"), std::string::npos);
}

TEST(ReportFormats, ParseTheNamesInWritingOrder) {
    auto f = ParseFormats({"pdf,html", "json"});
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(*f, (std::vector<contracts::FileFormat>{contracts::FileFormat::kJson,
                                                      contracts::FileFormat::kHtml,
                                                      contracts::FileFormat::kPdf}));
    EXPECT_EQ(ParseFormats({"alla"})->size(), 4u);
    auto bad = ParseFormats({"docx"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("docx"), std::string::npos);
}

}  // namespace
}  // namespace bfu::reporting
