// UnitView (views.hpp): a unit's casework as people see it — its measures and its area's with
// their expected year effect and the effect realised so far (judged from UnitMonths), its open
// deviations with how much the counted measures (decided, ongoing, done) cover, its action
// plans with their state, the decisions about it newest first, and its comments. The case is
// built through the commands, as the service builds it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "bfu/casework/views.hpp"
#include "casework_fixture.hpp"

namespace bfu::casework::test {
namespace {

// Months through May 2026: VER 60 000 kr over budget a month January-March, 25 000 kr over in
// April and May (the example of domain/measures.hpp); ENH1 10 000 kr over every month.
UnitMonths VerMonths() {
    UnitMonths m;
    m.deviation = {6'000'000, 6'000'000, 6'000'000, 2'500'000, 2'500'000};
    m.through = domain::Period::Of(2026, 5).value();
    return m;
}
UnitMonths Enh1Months() {
    UnitMonths m;
    m.deviation = {1'000'000, 1'000'000, 1'000'000, 1'000'000, 1'000'000};
    m.through = domain::Period::Of(2026, 5).value();
    return m;
}

ViewInputs Inputs(const World& w, std::map<std::string, UnitMonths> months) {
    ViewInputs in;
    in.book = &w.book;
    in.master = w.master.get();
    in.deviations = [&w](std::string_view unit) {
        std::vector<service::DeviationRecord> out;
        for (const auto& [id, r] : w.deviations) {
            if (r.latest.unit.value() == unit) out.push_back(r);
        }
        return out;
    };
    in.months = [months = std::move(months)](std::string_view unit) -> std::optional<UnitMonths> {
        auto it = months.find(std::string(unit));
        if (it == months.end()) return std::nullopt;
        return it->second;
    };
    return in;
}

const json* ById(const json& list, const std::string& id) {
    for (const auto& x : list) {
        if (x.value("id", "") == id) return &x;
    }
    return nullptr;
}

std::vector<std::string> Field(const json& list, const char* field) {
    std::vector<std::string> out;
    for (const auto& x : list) out.push_back(x.value(field, ""));
    return out;
}

// The scripted case (dates of decisions in parentheses):
//   mA  ENH1's budget deviation, acts in VER, -40 000 kr/month from April; in the plan;
//       decided with the plan (§ 45/2026, 2026-04-15)
//   mB  ENH1's budget deviation, -10 000 kr/month July-September; proposed
//   mC  ENH1's budget deviation, -50 000 kr/month from April; rejected (§ 40/2026, 2026-04-01)
//   mD  ENH1 without a deviation, -5 000 kr/month October-December; in the plan, decided with
//       it, then ongoing
//   plan-omsorg  SEK, answering ENH1's budget and forecast deviations, measures mA and mD,
//       decided; plan-skola  SEK2, ENH3's deviation, a draft
//   § 50/2026 (2026-05-20)  a budget revision of ENH1 personal
//   comments on ENH1: Maja on the outcome of March, Olof on the budget deviation; Emil on ENH2
class UnitViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        w.Propose("cmd-a", {{"area", "VER"}});
        w.Propose("cmd-b", {{"effectSekPerMonth", -10000}, {"from", "2026-07"}, {"to", "2026-09"}});
        w.Propose("cmd-c", {{"effectSekPerMonth", -50000}});
        json d{{"op", "measure.propose"}, {"by", "maja@ex.se"},  {"commandId", "cmd-d"},
               {"unit", "ENH1"},          {"text", "Egen regi"}, {"effectSekPerMonth", -5000},
               {"from", "2026-10"},       {"to", "2026-12"}};
        w.Do(d);
        mA = IdFrom("m-", "cmd-a");
        mB = IdFrom("m-", "cmd-b");
        mC = IdFrom("m-", "cmd-c");
        mD = IdFrom("m-", "cmd-d");
        w.Draft("cmd-p", {{"plan", "plan-omsorg"},
                          {"deviations", json::array({kDevEnh1, kForecastEnh1})},
                          {"measures", json::array({mA, mD})}});
        w.ProposePlan("cmd-p-propose", "plan-omsorg");
        Record("§ 40/2026", "2026-04-01",
               World::Decision("", "measure", json::array({mC}), "avslag"));
        Record("§ 45/2026", "2026-04-15",
               World::Decision("", "plan", json::array({"plan-omsorg"})));
        w.Do(
            {{"op", "measure.status"}, {"by", "maja@ex.se"}, {"measure", mD}, {"status", "pagar"}});
        json revision = World::Decision("", "budget_revision", json::array());
        revision["year"] = kYear;
        revision["budget"] = json::array(
            {{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1'300'000}}});
        Record("§ 50/2026", "2026-05-20", revision);
        w.Do({{"op", "plan.draft"},
              {"by", "gustav@ex.se"},
              {"sektor", "SEK2"},
              {"plan", "plan-skola"},
              {"title", "Åtgärdsplan grundskola"},
              {"text", "Skolan håller ramen."},
              {"deviations", json::array({kDevEnh3})}});
        w.Do({{"op", "comment.add"},
              {"by", "maja@ex.se"},
              {"unit", "ENH1"},
              {"period", "2026-03"},
              {"text", "Höga vikariekostnader i mars."}});
        w.Do({{"op", "comment.add"},
              {"by", "olof@ex.se"},
              {"deviation", kDevEnh1},
              {"text", "Avvikelsen beror på sjukfrånvaro."}});
        w.Do({{"op", "comment.add"}, {"by", "emil@ex.se"}, {"unit", "ENH2"}, {"text", "Inget."}});
    }

    void Record(const std::string& ref, const std::string& date, json req) {
        req["ref"] = ref;
        req["date"] = date;
        w.Do(req);
    }

    json View(const std::string& unit) const {
        return UnitView(unit, Inputs(w, {{"VER", VerMonths()}, {"ENH1", Enh1Months()}}));
    }

    World w;
    std::string mA, mB, mC, mD;
};

TEST_F(UnitViewTest, MeasuresOfTheUnitWithExpectedAndRealisedEffect) {
    const json v = View("ENH1");
    EXPECT_EQ(v["unit"], "ENH1");
    EXPECT_EQ(v["unitName"], "Hemtjänst Öst");
    ASSERT_EQ(v["measures"].size(), 4U) << v["measures"].dump(2);

    const json* a = ById(v["measures"], mA);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ((*a)["text"], "Färre timvikarier");
    EXPECT_EQ((*a)["status"], "beslutad");
    EXPECT_EQ((*a)["statusCode"], "beslutad");
    EXPECT_EQ((*a)["unit"], "ENH1");
    EXPECT_EQ((*a)["area"], "VER");
    EXPECT_EQ((*a)["areaName"], "Hemtjänst");
    EXPECT_EQ((*a)["responsible"], "Olof Björk");
    EXPECT_EQ((*a)["effectOrePerMonth"], -4'000'000);
    EXPECT_EQ((*a)["from"], "202604");
    EXPECT_FALSE(a->contains("to"));
    EXPECT_EQ((*a)["expectedYearOre"], -36'000'000);  // April-December
    EXPECT_EQ((*a)["planId"], "plan-omsorg");
    EXPECT_EQ((*a)["decisionRef"], "§ 45/2026");
    EXPECT_EQ((*a)["deviation"], kDevEnh1);
    // Judged from VER's months through May: (25 000 - 60 000) x 2 = -70 000 kr realised
    // against -80 000 kr expected.
    ASSERT_TRUE(a->contains("realised")) << a->dump(2);
    EXPECT_EQ((*a)["realised"]["months"], 2);
    EXPECT_EQ((*a)["realised"]["realisedOre"], -7'000'000);
    EXPECT_EQ((*a)["realised"]["expectedOre"], -8'000'000);
    EXPECT_EQ((*a)["realised"]["baselinePerMonthOre"], 6'000'000);
    EXPECT_EQ((*a)["realised"]["through"], "202605");

    const json* b = ById(v["measures"], mB);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ((*b)["status"], "föreslagen");
    EXPECT_EQ((*b)["statusCode"], "foreslagen");
    EXPECT_EQ((*b)["area"], "ENH1");
    EXPECT_EQ((*b)["to"], "202609");
    EXPECT_EQ((*b)["expectedYearOre"], -3'000'000);
    EXPECT_FALSE(b->contains("planId"));
    EXPECT_FALSE(b->contains("decisionRef"));
    // Not started by May: nothing judged yet.
    EXPECT_EQ((*b)["realised"]["months"], 0);
    EXPECT_EQ((*b)["realised"]["realisedOre"], 0);
    EXPECT_EQ((*b)["realised"]["expectedOre"], 0);

    const json* c = ById(v["measures"], mC);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ((*c)["status"], "avbruten");
    EXPECT_EQ((*c)["decisionRef"], "§ 40/2026");
    EXPECT_EQ((*c)["expectedYearOre"], -45'000'000);
    // ENH1's own months: 10 000 kr over before and after April, so nothing realised.
    EXPECT_EQ((*c)["realised"]["months"], 2);
    EXPECT_EQ((*c)["realised"]["realisedOre"], 0);
    EXPECT_EQ((*c)["realised"]["baselinePerMonthOre"], 1'000'000);

    const json* d = ById(v["measures"], mD);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ((*d)["status"], "pågår");
    EXPECT_EQ((*d)["statusCode"], "pagar");
    EXPECT_EQ((*d)["responsible"], "Maja Öberg");
    EXPECT_EQ((*d)["expectedYearOre"], -1'500'000);
    EXPECT_EQ((*d)["planId"], "plan-omsorg");
    EXPECT_EQ((*d)["decisionRef"], "§ 45/2026");
    EXPECT_FALSE(d->contains("deviation"));
}

TEST_F(UnitViewTest, MeasuresOfTheAreaShowInTheAreasView) {
    const json v = View("VER");
    EXPECT_EQ(Field(v["measures"], "id"), (std::vector<std::string>{mA}));
    EXPECT_TRUE(View("ENH2")["measures"].empty());
    EXPECT_TRUE(View("SEK")["measures"].empty());
}

TEST_F(UnitViewTest, WithoutMonthsNothingIsJudged) {
    ViewInputs in = Inputs(w, {});
    const json v = UnitView("ENH1", in);
    for (const auto& m : v["measures"]) EXPECT_FALSE(m.contains("realised")) << m.dump();
    in.months = nullptr;
    const json without = UnitView("ENH1", in);
    for (const auto& m : without["measures"]) EXPECT_FALSE(m.contains("realised"));
}

TEST_F(UnitViewTest, OpenDeviationsAndHowMuchTheCountedMeasuresCover) {
    const json v = View("ENH1");
    ASSERT_EQ(v["deviations"].size(), 2U) << v["deviations"].dump(2);
    const json* budget = ById(v["deviations"], kDevEnh1);
    ASSERT_NE(budget, nullptr);
    EXPECT_EQ((*budget)["kind"], "budget");
    EXPECT_EQ((*budget)["period"], "202603");
    EXPECT_EQ((*budget)["deviationOre"], kDevEnh1Ore);
    // mA (decided, -36 000 000) and mD (ongoing, -1 500 000) count; mB (proposed) and mC
    // (cancelled) count nothing though they answer it.
    EXPECT_EQ((*budget)["coveredOre"], 37'500'000);
    EXPECT_EQ((*budget)["uncoveredOre"], 12'500'000);
    auto ids = (*budget)["measures"].get<std::vector<std::string>>();
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> want = {mA, mB, mC, mD};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(ids, want);

    // The forecast deviation (100 000 kr) is answered by the plan's measures only: covered at
    // most in full.
    const json* forecast = ById(v["deviations"], kForecastEnh1);
    ASSERT_NE(forecast, nullptr);
    EXPECT_EQ((*forecast)["kind"], "forecast");
    EXPECT_EQ((*forecast)["deviationOre"], 10'000'000);
    EXPECT_EQ((*forecast)["coveredOre"], 10'000'000);
    EXPECT_EQ((*forecast)["uncoveredOre"], 0);
    EXPECT_EQ((*forecast)["measures"].size(), 2U);

    // A closed deviation is not listed.
    EXPECT_TRUE(View("ENH2")["deviations"].empty());
}

TEST_F(UnitViewTest, MeasuresDoneCountAndCancelledOnesStopCounting) {
    // mA done: still counts.
    w.Do(
        {{"op", "measure.status"}, {"by", "maja@ex.se"}, {"measure", mA}, {"status", "genomford"}});
    json budget = *ById(View("ENH1")["deviations"], kDevEnh1);
    EXPECT_EQ(budget["coveredOre"], 37'500'000);
    // mD cancelled: no longer counts.
    w.Do({{"op", "measure.status"}, {"by", "maja@ex.se"}, {"measure", mD}, {"status", "avbruten"}});
    budget = *ById(View("ENH1")["deviations"], kDevEnh1);
    EXPECT_EQ(budget["coveredOre"], 36'000'000);
    EXPECT_EQ(budget["uncoveredOre"], 14'000'000);
}

TEST_F(UnitViewTest, PlansWithTheirState) {
    const json v = View("ENH1");
    // The plan answering ENH1's deviations; not SEK2's.
    ASSERT_EQ(v["plans"].size(), 1U) << v["plans"].dump(2);
    const json& p = v["plans"][0];
    EXPECT_EQ(p["id"], "plan-omsorg");
    EXPECT_EQ(p["title"], "Åtgärdsplan hemtjänst 2026");
    EXPECT_EQ(p["state"], "beslutad");
    EXPECT_EQ(p["stateCode"], "beslutad");
    EXPECT_EQ(p["version"], 3);  // drafted, proposed, decided
    EXPECT_EQ(p["sektor"], "SEK");
    EXPECT_EQ(p["body"], "NAM");
    EXPECT_EQ(p["bodyName"], "Omsorgsnämnden");
    EXPECT_EQ(p["decisionRef"], "§ 45/2026");
    EXPECT_EQ(p["measures"], json::array({mA, mD}));
    EXPECT_EQ(p["deviations"], json::array({kDevEnh1, kForecastEnh1}));

    // The sektor and the nämnd see it; the other sektor and nämnd see theirs.
    EXPECT_EQ(Field(View("SEK")["plans"], "id"), (std::vector<std::string>{"plan-omsorg"}));
    EXPECT_EQ(Field(View("NAM")["plans"], "id"), (std::vector<std::string>{"plan-omsorg"}));
    const json sek2 = View("SEK2")["plans"];
    ASSERT_EQ(sek2.size(), 1U);
    EXPECT_EQ(sek2[0]["id"], "plan-skola");
    EXPECT_EQ(sek2[0]["state"], "utkast");
    EXPECT_EQ(sek2[0]["version"], 1);
    EXPECT_FALSE(sek2[0].contains("decisionRef"));
    EXPECT_EQ(Field(View("NAM2")["plans"], "id"), (std::vector<std::string>{"plan-skola"}));
    EXPECT_EQ(Field(View("ENH3")["plans"], "id"), (std::vector<std::string>{"plan-skola"}));
    EXPECT_TRUE(View("ENH2")["plans"].empty());
}

TEST_F(UnitViewTest, ReferredBackPlanShowsItsState) {
    w.Draft("cmd-p2", {{"plan", "plan-2"}, {"measures", json::array({mB})}});
    w.ProposePlan("cmd-p2-propose", "plan-2");
    json req = World::Decision("§ 47/2026", "plan", json::array({"plan-2"}), "aterremiss");
    w.Do(req);
    const json sek = View("SEK");
    const json* p = ById(sek["plans"], "plan-2");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ((*p)["state"], "återremitterad");
    EXPECT_EQ((*p)["stateCode"], "aterremitterad");
    EXPECT_EQ((*p)["version"], 3);
    EXPECT_FALSE(p->contains("decisionRef"));
}

TEST_F(UnitViewTest, TheNamndsDecisionsNewestFirst) {
    const json v = View("NAM");
    EXPECT_EQ(Field(v["decisions"], "ref"),
              (std::vector<std::string>{"§ 50/2026", "§ 45/2026", "§ 40/2026"}));
    const json& rev = v["decisions"][0];
    EXPECT_EQ(rev["id"], "NAM-50-2026");
    EXPECT_EQ(rev["date"], "2026-05-20");
    EXPECT_EQ(rev["body"], "NAM");
    EXPECT_EQ(rev["bodyName"], "Omsorgsnämnden");
    EXPECT_EQ(rev["subject"], "budget_revision");
    EXPECT_EQ(rev["outcome"], "bifall");
    EXPECT_EQ(rev["text"], "Nämnden beslutar enligt förslaget.");
    EXPECT_EQ(rev["revision"], 1);
    EXPECT_EQ(v["decisions"][1]["subject"], "plan");
    EXPECT_FALSE(v["decisions"][1].contains("revision"));
    EXPECT_EQ(v["decisions"][2]["outcome"], "avslag");
    // NAM2 has decided nothing.
    EXPECT_TRUE(View("NAM2")["decisions"].empty());
}

TEST_F(UnitViewTest, DecisionsOnTheSameDayNewestRecordedFirst) {
    w.now = TestNow() + std::chrono::hours(1);
    Record("§ 51/2026", "2026-05-20",
           World::Decision("", "measure", json::array({mB}), "aterremiss"));
    w.now = TestNow() + std::chrono::hours(2);
    Record("§ 52/2026", "2026-05-20",
           World::Decision("", "measure", json::array({mB}), "aterremiss"));
    EXPECT_EQ(Field(View("NAM")["decisions"], "ref"),
              (std::vector<std::string>{"§ 52/2026", "§ 51/2026", "§ 50/2026", "§ 45/2026",
                                        "§ 40/2026"}));
}

TEST_F(UnitViewTest, DecisionsAboutTheUnitsMeasuresAndBudget) {
    // ENH1: the rejection of mC and the revision of its budget, newest first.
    const auto refs = Field(View("ENH1")["decisions"], "ref");
    EXPECT_NE(std::find(refs.begin(), refs.end(), "§ 50/2026"), refs.end());
    EXPECT_NE(std::find(refs.begin(), refs.end(), "§ 40/2026"), refs.end());
    EXPECT_LT(std::find(refs.begin(), refs.end(), "§ 50/2026"),
              std::find(refs.begin(), refs.end(), "§ 40/2026"));
    // The sektor: the decision on its plan.
    EXPECT_EQ(Field(View("SEK")["decisions"], "ref"), (std::vector<std::string>{"§ 45/2026"}));
    // ENH2: nothing.
    EXPECT_TRUE(View("ENH2")["decisions"].empty());
}

// The plan that answers ENH1's deviations is in ENH1's view (PlansWithTheirState) and its
// measures carry the decision's reference; the decision itself (§ 45/2026, bifall, which
// decided ENH1's measures mA and mD) should be among the decisions about ENH1 too.
TEST_F(UnitViewTest, TheDecisionOnAPlanAnsweringTheUnitIsAboutTheUnit) {
    EXPECT_EQ(Field(View("ENH1")["decisions"], "ref"),
              (std::vector<std::string>{"§ 50/2026", "§ 45/2026", "§ 40/2026"}));
}

TEST_F(UnitViewTest, CommentsInTheOrderMade) {
    const json v = View("ENH1");
    ASSERT_EQ(v["comments"].size(), 2U) << v["comments"].dump(2);
    const json& first = v["comments"][0];
    EXPECT_EQ(first["period"], "202603");
    EXPECT_EQ(first["subject"], "outcome");
    EXPECT_EQ(first["text"], "Höga vikariekostnader i mars.");
    EXPECT_EQ(first["by"], "Maja Öberg");
    EXPECT_EQ(first["at"], kNow);
    EXPECT_FALSE(first.contains("deviation"));
    const json& second = v["comments"][1];
    EXPECT_EQ(second["subject"], "deviation");
    EXPECT_EQ(second["deviation"], kDevEnh1);
    EXPECT_EQ(second["by"], "Olof Björk");
    EXPECT_EQ(second["text"], "Avvikelsen beror på sjukfrånvaro.");
    EXPECT_EQ(View("ENH2")["comments"].size(), 1U);
    EXPECT_TRUE(View("VER")["comments"].empty());
}

TEST(UnitView, AnEmptyBook) {
    World w;
    const json v = UnitView("ENH1", Inputs(w, {}));
    EXPECT_EQ(v["unit"], "ENH1");
    EXPECT_TRUE(v["measures"].empty());
    EXPECT_TRUE(v["plans"].empty());
    EXPECT_TRUE(v["decisions"].empty());
    EXPECT_TRUE(v["comments"].empty());
    // The open deviations are listed, uncovered.
    ASSERT_EQ(v["deviations"].size(), 2U);
    const json* budget = ById(v["deviations"], kDevEnh1);
    ASSERT_NE(budget, nullptr);
    EXPECT_EQ((*budget)["coveredOre"], 0);
    EXPECT_EQ((*budget)["uncoveredOre"], kDevEnh1Ore);
    EXPECT_TRUE((*budget)["measures"].empty());
    // An unknown unit is named by its id.
    EXPECT_EQ(UnitView("ENH9", Inputs(w, {}))["unitName"], "ENH9");
}

// ---- coverage and counted effects, on a book filled directly ----

contracts::MeasureEvent Counted(const std::string& id, contracts::MeasureStatus status,
                                std::int64_t per_month, const std::string& from,
                                std::optional<std::string> to = std::nullopt,
                                const std::string& deviation = kDevEnh1) {
    contracts::MeasureEvent e;
    e.measure.id = core::MeasureId(id);
    e.measure.deviation_id = core::DeviationId(deviation);
    e.measure.unit = core::UnitId("ENH1");
    e.measure.area = core::UnitId("ENH1");
    e.measure.text = id;
    e.measure.responsible = {"Maja Öberg", "enhetschef", "maja@ex.se"};
    e.measure.effect_ore_per_month = per_month;
    e.measure.from_period = from;
    e.measure.to_period = std::move(to);
    e.measure.status = status;
    e.version = 1;
    e.by = e.measure.responsible;
    e.at = kNow;
    return e;
}

TEST(Coverage, AtMostTheDeviationAndNothingForAFavourableOne) {
    World w;
    using S = contracts::MeasureStatus;
    (void)w.book.Apply(Counted("m1", S::kDecided, -5'000'000, "202601"));   // -60 000 000
    (void)w.book.Apply(Counted("m2", S::kProposed, -5'000'000, "202601"));  // nothing
    json v = UnitView("ENH1", Inputs(w, {}));
    json budget = *ById(v["deviations"], kDevEnh1);
    EXPECT_EQ(budget["coveredOre"], kDevEnh1Ore);
    EXPECT_EQ(budget["uncoveredOre"], 0);

    // A favourable deviation needs no cover.
    w.Add(Deviation(kDevEnh1, "ENH1", -2'000'000));
    v = UnitView("ENH1", Inputs(w, {}));
    budget = *ById(v["deviations"], kDevEnh1);
    EXPECT_EQ(budget["coveredOre"], 0);
    EXPECT_EQ(budget["uncoveredOre"], 0);

    // A measure that costs (positive effect) covers nothing.
    World w2;
    (void)w2.book.Apply(Counted("m3", S::kOngoing, 1'000'000, "202601"));
    budget = *ById(UnitView("ENH1", Inputs(w2, {}))["deviations"], kDevEnh1);
    EXPECT_EQ(budget["coveredOre"], 0);
    EXPECT_EQ(budget["uncoveredOre"], kDevEnh1Ore);
}

TEST(Coverage, CountedEffectsAreTheYearEffectsOfDecidedOngoingAndDone) {
    using S = contracts::MeasureStatus;
    CaseBook book;
    (void)book.Apply(Counted("m-proposed", S::kProposed, -1'000'000, "202601"));
    (void)book.Apply(Counted("m-decided", S::kDecided, -1'000'000, "202604"));  // 9 months
    (void)book.Apply(Counted("m-ongoing", S::kOngoing, -2'000'000, "202511", "202602"));  // 2
    (void)book.Apply(Counted("m-done", S::kDone, -3'000'000, "202612", "202703"));        // 1
    (void)book.Apply(Counted("m-cancelled", S::kCancelled, -1'000'000, "202601"));
    (void)book.Apply(Counted("m-next-year", S::kDecided, -1'000'000, "202701"));  // 0
    const auto effects =
        CountedEffects(book.MeasuresFor(kDevEnh1), domain::FiscalYear::Calendar(2026));
    // In id order: decided, done, next-year, ongoing.
    EXPECT_EQ(effects, (std::vector<std::int64_t>{-9'000'000, -3'000'000, 0, -4'000'000}));
    EXPECT_TRUE(CountedEffects({}, domain::FiscalYear::Calendar(2026)).empty());
}

}  // namespace
}  // namespace bfu::casework::test
