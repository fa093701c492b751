// DecideCaseCommand (commands.hpp) for measures and comments, and what every command shares:
// who may act, command ids (the same one sent twice is applied once), ids made from the command
// id, the time and person on every event, and refusals said in Swedish with their code and
// field.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bfu/casework/commands.hpp"
#include "casework_fixture.hpp"

namespace bfu::casework::test {
namespace {

using core::Errc;
using MS = contracts::MeasureStatus;

const contracts::Person kOlof{"Olof Björk", "verksamhetschef", "olof@ex.se"};
const contracts::Person kMaja{"Maja Öberg", "enhetschef", "maja@ex.se"};

json ProposeRequest(json extra = json::object()) {
    json r{{"op", "measure.propose"},     {"by", "olof@ex.se"},          {"deviation", kDevEnh1},
           {"text", "Färre timvikarier"}, {"effectSekPerMonth", -40000}, {"from", "2026-04"}};
    r.update(extra);
    return r;
}

// ---- measure.propose ----

TEST(MeasurePropose, OnADeviationMakesAProposedMeasure) {
    World w;
    auto r = w.Decide(ProposeRequest({{"commandId", "cmd-m1"},
                                      {"area", "VER"},
                                      {"to", "2026-12"},
                                      {"comment", "Från dialogen i april"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->measures.size(), 1U);
    EXPECT_TRUE(r->comments.empty());
    EXPECT_TRUE(r->plans.empty());
    EXPECT_TRUE(r->decisions.empty());
    EXPECT_TRUE(r->budgets.empty());
    const auto& e = r->measures[0];
    EXPECT_EQ(e.event, contracts::MeasureEventKind::kProposed);
    EXPECT_EQ(e.version, 1);
    EXPECT_EQ(e.by, kOlof);
    EXPECT_EQ(e.at, kNow);
    EXPECT_EQ(e.command_id, "cmd-m1");
    EXPECT_EQ(e.comment, "Från dialogen i april");
    const auto& m = e.measure;
    EXPECT_EQ(m.id.value(), IdFrom("m-", "cmd-m1"));
    ASSERT_TRUE(m.deviation_id.has_value());
    EXPECT_EQ(m.deviation_id->value(), kDevEnh1);
    EXPECT_EQ(m.unit.value(), "ENH1");  // the deviation's unit
    EXPECT_EQ(m.area.value(), "VER");
    EXPECT_EQ(m.text, "Färre timvikarier");
    EXPECT_EQ(m.responsible, kOlof);  // none named: the one who proposes it
    EXPECT_EQ(m.effect_ore_per_month, -4'000'000);
    EXPECT_EQ(m.from_period, "202604");
    EXPECT_EQ(m.to_period, "202612");
    EXPECT_EQ(m.status, MS::kProposed);
    EXPECT_FALSE(m.plan_id.has_value());
    EXPECT_FALSE(m.decision_ref.has_value());

    EXPECT_EQ(r->reply["op"], "measure.propose");
    EXPECT_EQ(r->reply["applied"], true);
    EXPECT_EQ(r->reply["measure"]["id"], m.id.value());
    EXPECT_EQ(r->reply["measure"]["status"], "foreslagen");
    EXPECT_EQ(r->reply["measure"]["unit"], "ENH1");
    EXPECT_EQ(r->reply["measure"]["area"], "VER");
    EXPECT_EQ(r->reply["measure"]["effectOrePerMonth"], -4'000'000);
}

TEST(MeasurePropose, AtAnotherTimeTheEventSaysSo) {
    World w;
    w.now = core::FromUnixMillis(1780000000123LL);  // 2026-05-28T20:26:40.123Z
    auto r = w.Decide(ProposeRequest({{"commandId", "cmd-m1"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->measures[0].at, "2026-05-28T20:26:40.123Z");
}

TEST(MeasurePropose, OnAUnitWithoutADeviationActsInTheUnitItself) {
    World w;
    json req = ProposeRequest({{"by", "maja@ex.se"}, {"unit", "ENH1"}});
    req.erase("deviation");
    auto r = w.Decide(req);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    const auto& m = r->measures[0].measure;
    EXPECT_EQ(m.unit.value(), "ENH1");
    EXPECT_EQ(m.area.value(), "ENH1");
    EXPECT_FALSE(m.deviation_id.has_value());
    EXPECT_FALSE(m.to_period.has_value());
    EXPECT_EQ(r->measures[0].by, kMaja);
    EXPECT_FALSE(r->measures[0].command_id.has_value());
    // Without a command id the id is random.
    EXPECT_EQ(m.id.value().rfind("m-", 0), 0U) << m.id.value();
    auto again = w.Decide(req);
    ASSERT_TRUE(again.ok());
    EXPECT_NE(again->measures[0].measure.id, m.id);
}

TEST(MeasurePropose, NamesTheResponsiblePerson) {
    World w;
    auto r = w.Decide(
        ProposeRequest({{"responsible", {{"name", "Maja Öberg"}, {"email", "maja@ex.se"}}}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->measures[0].measure.responsible,
              (contracts::Person{"Maja Öberg", "ansvarig", "maja@ex.se"}));
    EXPECT_EQ(r->measures[0].by, kOlof);

    r = w.Decide(
        ProposeRequest({{"responsible", {{"name", "Maja Öberg"}, {"role", "enhetschef"}}}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->measures[0].measure.responsible,
              (contracts::Person{"Maja Öberg", "enhetschef", std::nullopt}));

    r = w.Decide(ProposeRequest({{"who", "Bemanningsenheten"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->measures[0].measure.responsible,
              (contracts::Person{"Bemanningsenheten", "ansvarig", std::nullopt}));

    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"responsible", {{"email", "x@ex.se"}}}})),
                        Errc::kInvalidArgument, "responsible"));
}

TEST(MeasurePropose, ReadsTheEffectInKronorAsSwedesWriteIt) {
    World w;
    const std::vector<std::pair<json, std::int64_t>> cases = {
        {-40000, -4'000'000},
        {"-40000", -4'000'000},
        {"\u221240 000", -4'000'000},  // U+2212 and a space between thousands
        {"-1 234,50", -123'450},
        {"-1234.50", -123'450},
        {25000, 2'500'000},  // a measure may cost too
        {0, 0},
    };
    for (const auto& [given, ore] : cases) {
        auto r = w.Decide(ProposeRequest({{"effectSekPerMonth", given}}));
        ASSERT_TRUE(r.ok()) << given.dump() << ": " << r.error().ToString();
        EXPECT_EQ(r->measures[0].measure.effect_ore_per_month, ore) << given.dump();
    }
}

TEST(MeasurePropose, RefusesABadAmountInSwedish) {
    World w;
    json missing = ProposeRequest();
    missing.erase("effectSekPerMonth");
    EXPECT_TRUE(Refused(w.Decide(missing), Errc::kInvalidArgument, "effectSekPerMonth"));
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"effectSekPerMonth", -40000.5}})),
                        Errc::kInvalidArgument, "effectSekPerMonth"));
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"effectSekPerMonth", true}})),
                        Errc::kInvalidArgument, "effectSekPerMonth"));
    // Text that is no amount, and kronor beyond what öre can hold: the reason is Swedish too.
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"effectSekPerMonth", "fyrtiotusen"}})),
                        Errc::kInvalidArgument, "effectSekPerMonth"));
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"effectSekPerMonth", "-40 00"}})),
                        Errc::kInvalidArgument, "effectSekPerMonth"));
    EXPECT_TRUE(
        Refused(w.Decide(ProposeRequest({{"effectSekPerMonth", 9'000'000'000'000'000'000LL}})),
                Errc::kInvalidArgument, "effectSekPerMonth"));
}

TEST(MeasurePropose, RefusesBadPeriods) {
    World w;
    json no_from = ProposeRequest();
    no_from.erase("from");
    EXPECT_TRUE(Refused(w.Decide(no_from), Errc::kInvalidArgument, "from"));
    for (const char* bad : {"2026-13", "april", "2026-4", "20260401"}) {
        EXPECT_TRUE(
            Refused(w.Decide(ProposeRequest({{"from", bad}})), Errc::kInvalidArgument, "from"))
            << bad;
        EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"to", bad}})), Errc::kInvalidArgument, "to"))
            << bad;
    }
    // to before from
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"from", "2026-06"}, {"to", "2026-05"}})),
                        Errc::kInvalidArgument, "to"));
    // A single month is fine (to == from); both forms of a month are read.
    auto r = w.Decide(ProposeRequest({{"from", "202606"}, {"to", "2026-06"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->measures[0].measure.from_period, "202606");
    EXPECT_EQ(r->measures[0].measure.to_period, "202606");
}

TEST(MeasurePropose, RefusesSomeoneOutsideTheUnitsLine) {
    World w;
    // Emil heads ENH2, not ENH1 or anything above it.
    EXPECT_TRUE(
        Refused(w.Decide(ProposeRequest({{"by", "emil@ex.se"}})), Errc::kPermissionDenied, "by"));
    json on_unit = ProposeRequest({{"by", "emil@ex.se"}, {"unit", "ENH1"}});
    on_unit.erase("deviation");
    EXPECT_TRUE(Refused(w.Decide(on_unit), Errc::kPermissionDenied, "by"));
    // Gustav heads another sektor.
    EXPECT_TRUE(
        Refused(w.Decide(ProposeRequest({{"by", "gustav@ex.se"}})), Errc::kPermissionDenied, "by"));
    // Nobody at all.
    EXPECT_TRUE(
        Refused(w.Decide(ProposeRequest({{"by", "okand@ex.se"}})), Errc::kPermissionDenied, "by"));
    // Maja may act on ENH1 but not in VER, above her.
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"by", "maja@ex.se"}, {"area", "VER"}})),
                        Errc::kPermissionDenied, "area"));
    // Everyone up the line may; the e-mail is compared without case.
    for (const char* who : {"maja@ex.se", "OLOF@EX.SE", "sara@ex.se", "per@ex.se", "karin@ex.se"}) {
        auto r = w.Decide(ProposeRequest({{"by", who}}));
        EXPECT_TRUE(r.ok()) << who << ": " << (r.ok() ? "" : r.error().ToString());
    }
}

TEST(MeasurePropose, RefusesAClosedOrUnknownDeviationAndUnknownUnits) {
    World w;
    EXPECT_TRUE(
        Refused(w.Decide(ProposeRequest({{"by", "olof@ex.se"}, {"deviation", kDevEnh2Closed}})),
                Errc::kFailedPrecondition, "deviation"));
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"deviation", "budget:2026:NOPE"}})),
                        Errc::kNotFound, "deviation"));
    json unknown_unit = ProposeRequest({{"unit", "ENH9"}});
    unknown_unit.erase("deviation");
    EXPECT_TRUE(Refused(w.Decide(unknown_unit), Errc::kNotFound, "unit"));
    json no_unit = ProposeRequest();
    no_unit.erase("deviation");
    EXPECT_TRUE(Refused(w.Decide(no_unit), Errc::kInvalidArgument, "unit"));
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"area", "VER9"}})), Errc::kNotFound, "area"));
    json no_text = ProposeRequest();
    no_text.erase("text");
    EXPECT_TRUE(Refused(w.Decide(no_text), Errc::kInvalidArgument, "text"));
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"text", ""}})), Errc::kInvalidArgument, "text"));
}

TEST(MeasurePropose, TakesAGivenIdOnceAndRefusesABadOne) {
    World w;
    auto first = w.Do(ProposeRequest({{"measure", "m-vikarier"}}));
    ASSERT_EQ(first.measures.size(), 1U);
    EXPECT_EQ(first.measures[0].measure.id.value(), "m-vikarier");
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"measure", "m-vikarier"}})), Errc::kAlreadyExists,
                        "measure"));
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"measure", "m vikarier"}})),
                        Errc::kInvalidArgument, "measure"));
}

TEST(MeasurePropose, IntoADraftPlanChangesThePlan) {
    World w;
    w.Draft("cmd-p1");
    const std::string plan = IdFrom("plan-", "cmd-p1");
    auto r =
        w.Decide(ProposeRequest({{"commandId", "cmd-m1"}, {"plan", plan}, {"by", "sara@ex.se"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->measures.size(), 1U);
    ASSERT_EQ(r->plans.size(), 1U);
    const std::string mid = IdFrom("m-", "cmd-m1");
    EXPECT_EQ(r->measures[0].measure.plan_id, plan);
    const auto& p = r->plans[0];
    EXPECT_EQ(p.event, contracts::PlanEventKind::kChanged);
    EXPECT_EQ(p.version, 2);
    EXPECT_EQ(p.by, (contracts::Person{"Sara Nord", "sektorchef", "sara@ex.se"}));
    EXPECT_EQ(p.at, kNow);
    EXPECT_EQ(p.command_id, "cmd-m1");
    EXPECT_EQ(p.plan.state, contracts::PlanState::kDraft);
    ASSERT_EQ(p.plan.measures.size(), 1U);
    EXPECT_EQ(p.plan.measures[0].value(), mid);
    w.Apply(*r);
    EXPECT_EQ(w.book.FindPlan(plan)->version, 2);

    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"plan", "plan-nope"}, {"by", "sara@ex.se"}})),
                        Errc::kNotFound, "plan"));
    // A proposed plan is not changed by adding to it.
    w.ProposePlan("cmd-p1-propose", plan);
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"plan", plan}, {"by", "sara@ex.se"}})),
                        Errc::kFailedPrecondition, "plan"));
}

// A measure for ENH1 (omsorg) proposed into Utbildningsnämnden's plan, by someone who may not
// change that plan: the plan would then carry a measure of another sektor, changed by someone
// plan.change refuses.
TEST(MeasurePropose, IntoAnotherSektorsPlanIsRefused) {
    World w;
    w.Do({{"op", "plan.draft"},
          {"by", "gustav@ex.se"},
          {"commandId", "cmd-p2"},
          {"sektor", "SEK2"},
          {"title", "Åtgärdsplan grundskola"},
          {"text", "Skolan håller ramen."},
          {"deviations", json::array({kDevEnh3})}});
    const std::string plan = IdFrom("plan-", "cmd-p2");
    ASSERT_NE(w.book.FindPlan(plan), nullptr);
    EXPECT_TRUE(Refused(
        w.Decide(
            {{"op", "plan.change"}, {"by", "olof@ex.se"}, {"plan", plan}, {"title", "Ny titel"}}),
        Errc::kPermissionDenied, "by"));
    auto r = w.Decide(ProposeRequest({{"plan", plan}}));
    EXPECT_FALSE(r.ok()) << "olof@ex.se added an ENH1 measure to SEK2's plan: "
                         << (r.ok() ? r->reply.dump() : "");
}

// ---- measure.status ----

class MeasureStatusTest : public ::testing::Test {
protected:
    void SetUp() override {
        w.Propose("cmd-m1");
        id = IdFrom("m-", "cmd-m1");
    }
    json Status(const std::string& status, json extra = json::object()) const {
        json r{{"op", "measure.status"}, {"by", "maja@ex.se"}, {"measure", id}, {"status", status}};
        r.update(extra);
        return r;
    }
    void Decide() {
        w.Do(World::Decision("§ 45/2026", "measure", json::array({id})));
        ASSERT_EQ(w.book.FindMeasure(id)->current.status, MS::kDecided);
    }
    World w;
    std::string id;
};

TEST_F(MeasureStatusTest, BeslutadOnlyThroughADecision) {
    EXPECT_TRUE(Refused(w.Decide(Status("beslutad")), Errc::kFailedPrecondition, "status"));
    // Not by its manager either, whatever the line.
    EXPECT_TRUE(Refused(w.Decide(Status("beslutad", {{"by", "per@ex.se"}})),
                        Errc::kFailedPrecondition, "status"));
    Decide();
    EXPECT_TRUE(Refused(w.Decide(Status("beslutad")), Errc::kFailedPrecondition, "status"));
}

TEST_F(MeasureStatusTest, FollowsTheLifeOfAMeasure) {
    // föreslagen -> pågår is not a step: it must be decided first.
    EXPECT_TRUE(Refused(w.Decide(Status("pagar")), Errc::kFailedPrecondition, "status"));
    EXPECT_TRUE(Refused(w.Decide(Status("genomford")), Errc::kFailedPrecondition, "status"));
    EXPECT_TRUE(Refused(w.Decide(Status("foreslagen")), Errc::kFailedPrecondition, "status"));
    Decide();
    auto r = w.Decide(Status("pågår", {{"commandId", "cmd-s1"}, {"comment", "Startade 1 april"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->measures.size(), 1U);
    const auto& e = r->measures[0];
    EXPECT_EQ(e.event, contracts::MeasureEventKind::kStatus);
    EXPECT_EQ(e.version, 3);  // proposed 1, decided 2
    EXPECT_EQ(e.by, kMaja);
    EXPECT_EQ(e.at, kNow);
    EXPECT_EQ(e.command_id, "cmd-s1");
    EXPECT_EQ(e.comment, "Startade 1 april");
    EXPECT_EQ(e.measure.status, MS::kOngoing);
    EXPECT_EQ(e.measure.decision_ref, "§ 45/2026");  // kept
    auto expected = w.book.FindMeasure(id)->current;
    expected.status = MS::kOngoing;
    EXPECT_EQ(e.measure, expected);  // nothing else changes
    EXPECT_EQ(r->reply["applied"], true);
    EXPECT_EQ(r->reply["measure"]["status"], "pagar");
    w.Apply(*r);

    EXPECT_TRUE(Refused(w.Decide(Status("pagar")), Errc::kFailedPrecondition, "status"));
    auto done = w.Do(Status("genomförd"));
    ASSERT_EQ(done.measures.size(), 1U);
    EXPECT_EQ(done.measures[0].version, 4);
    EXPECT_EQ(done.measures[0].measure.status, MS::kDone);
    // Done is the end: not cancelled, not started again.
    EXPECT_TRUE(Refused(w.Decide(Status("avbruten")), Errc::kFailedPrecondition, "status"));
    EXPECT_TRUE(Refused(w.Decide(Status("pagar")), Errc::kFailedPrecondition, "status"));
    EXPECT_EQ(w.book.FindMeasure(id)->history.size(), 4U);
}

TEST_F(MeasureStatusTest, CancelledFromProposedAndThenNothingMore) {
    auto r = w.Do(Status("avbruten", {{"comment", "Ersätts av en annan åtgärd"}}));
    ASSERT_EQ(r.measures.size(), 1U);
    EXPECT_EQ(r.measures[0].version, 2);
    EXPECT_EQ(r.measures[0].measure.status, MS::kCancelled);
    for (const char* s : {"pagar", "genomford", "avbruten"}) {
        EXPECT_TRUE(Refused(w.Decide(Status(s)), Errc::kFailedPrecondition, "status")) << s;
    }
}

TEST_F(MeasureStatusTest, DecidedMayBeDoneOrCancelledDirectly) {
    Decide();
    World other = w;
    EXPECT_EQ(w.Do(Status("genomford")).measures.at(0).measure.status, MS::kDone);
    EXPECT_EQ(other.Do(Status("avbruten")).measures.at(0).measure.status, MS::kCancelled);
}

TEST_F(MeasureStatusTest, RefusesUnknownMeasuresStatusesAndPeople) {
    json unknown = Status("avbruten");
    unknown["measure"] = "m-nope";
    EXPECT_TRUE(Refused(w.Decide(unknown), Errc::kNotFound, "measure"));
    json no_measure = Status("avbruten");
    no_measure.erase("measure");
    EXPECT_TRUE(Refused(w.Decide(no_measure), Errc::kInvalidArgument, "measure"));
    EXPECT_TRUE(Refused(w.Decide(Status("klar")), Errc::kInvalidArgument, "status"));
    json no_status = Status("x");
    no_status.erase("status");
    EXPECT_TRUE(Refused(w.Decide(no_status), Errc::kInvalidArgument, "status"));
    EXPECT_TRUE(Refused(w.Decide(Status("avbruten", {{"by", "emil@ex.se"}})),
                        Errc::kPermissionDenied, "by"));
    EXPECT_TRUE(Refused(w.Decide(Status("avbruten", {{"by", "ida@ex.se"}})),
                        Errc::kPermissionDenied, "by"));
}

// ---- comment.add ----

json CommentRequest(json extra = json::object()) {
    json r{{"op", "comment.add"},  {"by", "maja@ex.se"},
           {"unit", "ENH1"},       {"period", "2026-03"},
           {"subject", "outcome"}, {"text", "Höga vikariekostnader i mars."}};
    r.update(extra);
    return r;
}

TEST(CommentAdd, OnAUnitsOutcome) {
    World w;
    auto r = w.Decide(CommentRequest({{"commandId", "cmd-c1"}, {"subject", "hr"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->comments.size(), 1U);
    EXPECT_TRUE(r->measures.empty());
    const auto& c = r->comments[0];
    EXPECT_EQ(c.comment_id, IdFrom("c-", "cmd-c1"));
    EXPECT_EQ(c.unit.value(), "ENH1");
    EXPECT_EQ(c.period, "202603");
    EXPECT_EQ(c.subject, contracts::CommentSubject::kHr);
    EXPECT_FALSE(c.deviation_id.has_value());
    EXPECT_EQ(c.text, "Höga vikariekostnader i mars.");
    EXPECT_EQ(c.by, kMaja);
    EXPECT_EQ(c.at, kNow);
    EXPECT_EQ(c.command_id, "cmd-c1");
    EXPECT_EQ(r->reply["op"], "comment.add");
    EXPECT_EQ(r->reply["applied"], true);
    EXPECT_EQ(r->reply["comment"], c.comment_id);
    EXPECT_EQ(r->reply["unit"], "ENH1");
    EXPECT_EQ(r->reply["period"], "202603");
}

TEST(CommentAdd, OnAGoalAndWithDefaults) {
    World w;
    json req = CommentRequest({{"subject", "goal"}, {"goal", "g-nojdhet"}});
    auto r = w.Decide(req);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->comments[0].subject, contracts::CommentSubject::kGoal);
    EXPECT_EQ(r->comments[0].goal_id, "g-nojdhet");
    // No subject: outcome; no period: the month it is now (March 2026).
    req = CommentRequest();
    req.erase("subject");
    req.erase("period");
    r = w.Decide(req);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->comments[0].subject, contracts::CommentSubject::kOutcome);
    EXPECT_EQ(r->comments[0].period, "202603");
}

TEST(CommentAdd, OnADeviationTakesItsUnitAndPeriod) {
    World w;
    json req{{"op", "comment.add"},
             {"by", "olof@ex.se"},
             {"deviation", kForecastEnh1},
             {"text", "Prognosen följs upp i maj."}};
    auto r = w.Decide(req);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    const auto& c = r->comments[0];
    EXPECT_EQ(c.unit.value(), "ENH1");
    EXPECT_EQ(c.subject, contracts::CommentSubject::kDeviation);
    ASSERT_TRUE(c.deviation_id.has_value());
    EXPECT_EQ(c.deviation_id->value(), kForecastEnh1);
    EXPECT_EQ(c.period, "202602");  // the deviation's
    EXPECT_EQ(c.by, kOlof);
    req["period"] = "2026-04";
    r = w.Decide(req);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->comments[0].period, "202604");
    // A closed deviation may still be commented on (what happened is explained afterwards).
    req["deviation"] = kDevEnh2Closed;
    r = w.Decide(req);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->comments[0].unit.value(), "ENH2");
}

TEST(CommentAdd, Refusals) {
    World w;
    EXPECT_TRUE(
        Refused(w.Decide(CommentRequest({{"by", "emil@ex.se"}})), Errc::kPermissionDenied, "by"));
    EXPECT_TRUE(Refused(w.Decide(CommentRequest({{"unit", "ENH9"}})), Errc::kNotFound, "unit"));
    json no_unit = CommentRequest();
    no_unit.erase("unit");
    EXPECT_TRUE(Refused(w.Decide(no_unit), Errc::kInvalidArgument, "unit"));
    json dev = CommentRequest({{"deviation", "budget:2026:NOPE"}});
    EXPECT_TRUE(Refused(w.Decide(dev), Errc::kNotFound, "deviation"));
    json dev_other_line = CommentRequest({{"deviation", kDevEnh3}});
    EXPECT_TRUE(Refused(w.Decide(dev_other_line), Errc::kPermissionDenied, "by"));
    EXPECT_TRUE(Refused(w.Decide(CommentRequest({{"period", "2026-00"}})), Errc::kInvalidArgument,
                        "period"));
    EXPECT_TRUE(
        Refused(w.Decide(CommentRequest({{"period", "mars"}})), Errc::kInvalidArgument, "period"));
    EXPECT_TRUE(Refused(w.Decide(CommentRequest({{"subject", "budget"}})), Errc::kInvalidArgument,
                        "subject"));
    json no_text = CommentRequest();
    no_text.erase("text");
    EXPECT_TRUE(Refused(w.Decide(no_text), Errc::kInvalidArgument, "text"));
}

// ---- what every command shares ----

TEST(CaseCommand, RefusesWhatIsNoCommand) {
    World w;
    EXPECT_TRUE(Refused(w.Decide(json::array()), Errc::kInvalidArgument, "op"));
    EXPECT_TRUE(Refused(w.Decide("measure.propose"), Errc::kInvalidArgument, "op"));
    EXPECT_TRUE(Refused(w.Decide({{"op", "measure.delete"}, {"by", "olof@ex.se"}}),
                        Errc::kInvalidArgument, "op"));
    EXPECT_TRUE(Refused(w.Decide({{"by", "olof@ex.se"}}), Errc::kInvalidArgument, "op"));
    json no_by = ProposeRequest();
    no_by.erase("by");
    EXPECT_TRUE(Refused(w.Decide(no_by), Errc::kInvalidArgument, "by"));
    for (const char* bad : {"", "bad id!", "-leading", "åäö"}) {
        auto r = w.Decide(ProposeRequest({{"commandId", bad}}));
        if (std::string(bad).empty()) {
            // An empty command id is as good as none.
            EXPECT_TRUE(r.ok());
            continue;
        }
        EXPECT_TRUE(Refused(r, Errc::kInvalidArgument, "commandId")) << bad;
    }
    EXPECT_TRUE(Refused(w.Decide(ProposeRequest({{"commandId", std::string(129, 'a')}})),
                        Errc::kInvalidArgument, "commandId"));
}

TEST(CaseCommand, WithoutMasterDataOrBookIsUnavailable) {
    World w;
    CaseContext c = w.Ctx();
    c.master = nullptr;
    EXPECT_TRUE(Refused(DecideCaseCommand(ProposeRequest(), c), Errc::kUnavailable, "service"));
    c = w.Ctx();
    c.book = nullptr;
    EXPECT_TRUE(Refused(DecideCaseCommand(ProposeRequest(), c), Errc::kUnavailable, "service"));
    // No deviation lookup: every deviation is unknown.
    c = w.Ctx();
    c.deviation = nullptr;
    EXPECT_TRUE(Refused(DecideCaseCommand(ProposeRequest(), c), Errc::kNotFound, "deviation"));
}

// A field of the wrong JSON type is refused like a missing or bad one, never thrown.
TEST(CaseCommand, AFieldOfTheWrongTypeIsRefusedNotThrown) {
    World w;
    w.Propose("cmd-m1");
    struct Case {
        json request;
        std::string field;
    };
    json budget_number = World::Decision("§ 50/2026", "budget_revision", json::array());
    budget_number["year"] = 2026;
    budget_number["budget"] = json::array({5});
    json budget_unit_number = budget_number;
    budget_unit_number["budget"] =
        json::array({{{"unit", 5}, {"accountGroup", "personal"}, {"annualSek", 1}}});
    json decision_subject = World::Decision("§ 50/2026", "plan", json::array({"x"}));
    decision_subject["subject"] = 3;
    json decision_outcome = World::Decision("§ 50/2026", "measure", json::array({"x"}));
    decision_outcome["outcome"] = false;
    const std::vector<Case> cases = {
        {{{"op", 5}, {"by", "olof@ex.se"}}, "op"},
        {CommentRequest({{"subject", 7}}), "subject"},
        {ProposeRequest({{"responsible", {{"name", 5}}}}), "responsible"},
        {decision_subject, "subject"},
        {decision_outcome, "outcome"},
        {budget_number, "budget/0"},
        {budget_unit_number, "budget/0"},
    };
    for (const auto& c : cases) {
        core::Result<CaseOutput> r = core::Error(Errc::kInternal, "test", "not run");
        try {
            r = w.Decide(c.request);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "threw on " << c.request.dump() << ": " << e.what();
            continue;
        }
        EXPECT_TRUE(Refused(r, Errc::kInvalidArgument, c.field)) << c.request.dump();
    }
}

TEST(CaseCommand, TheSameCommandIdTwiceIsAppliedOnce) {
    World w;
    const json propose = ProposeRequest({{"commandId", "cmd-m1"}});
    auto first = w.Do(propose);
    ASSERT_EQ(first.measures.size(), 1U);
    const auto measures_before = w.book.measures();

    auto again = w.Decide(propose);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_TRUE(again->Empty());
    EXPECT_EQ(again->reply,
              (json{{"op", "measure.propose"}, {"applied", false}, {"commandId", "cmd-m1"}}));
    // Even when the request now differs (a client retrying with an edited body) or would now
    // be refused (the measure id exists): the command was applied.
    json edited = propose;
    edited["text"] = "Något annat";
    again = w.Decide(edited);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->Empty());
    EXPECT_EQ(again->reply["applied"], false);
    EXPECT_EQ(w.book.measures().size(), measures_before.size());
}

TEST(CaseCommand, EveryOperationIsAppliedOncePerCommandId) {
    World w;
    const std::string m1 = IdFrom("m-", "cmd-m1");
    const std::string plan = IdFrom("plan-", "cmd-p1");
    const std::vector<json> commands = {
        ProposeRequest({{"commandId", "cmd-m1"}}),
        CommentRequest({{"commandId", "cmd-c1"}}),
        {{"op", "plan.draft"},
         {"by", "sara@ex.se"},
         {"commandId", "cmd-p1"},
         {"sektor", "SEK"},
         {"title", "Åtgärdsplan"},
         {"text", "Så hålls ramen."},
         {"deviations", json::array({kDevEnh1})},
         {"measures", json::array({m1})}},
        {{"op", "plan.change"},
         {"by", "sara@ex.se"},
         {"commandId", "cmd-p1-change"},
         {"plan", plan},
         {"title", "Åtgärdsplan, reviderad"}},
        {{"op", "plan.propose"},
         {"by", "sara@ex.se"},
         {"commandId", "cmd-p1-propose"},
         {"plan", plan}},
        [&] {
            json d = World::Decision("§ 45/2026", "plan", json::array({plan}));
            d["commandId"] = "cmd-d1";
            return d;
        }(),
        {{"op", "measure.status"},
         {"by", "maja@ex.se"},
         {"commandId", "cmd-s1"},
         {"measure", m1},
         {"status", "pagar"}},
    };
    for (const auto& c : commands) {
        auto first = w.Decide(c);
        ASSERT_TRUE(first.ok()) << c.dump() << ": " << first.error().ToString();
        EXPECT_FALSE(first->Empty()) << c.dump();
        EXPECT_EQ(first->reply["applied"], true) << c.dump();
        w.Apply(*first);
        auto again = w.Decide(c);
        ASSERT_TRUE(again.ok()) << c.dump() << ": " << again.error().ToString();
        EXPECT_TRUE(again->Empty()) << c.dump();
        EXPECT_EQ(again->reply,
                  (json{{"op", c["op"]}, {"applied", false}, {"commandId", c["commandId"]}}));
    }
    EXPECT_EQ(w.book.FindPlan(plan)->version, 4);   // drafted, changed, proposed, decided
    EXPECT_EQ(w.book.FindMeasure(m1)->version, 4);  // proposed, in the plan, decided, ongoing
    EXPECT_EQ(w.book.comments().size(), 1U);
    EXPECT_EQ(w.book.decisions().size(), 1U);
}

TEST(CaseCommand, ARefusedCommandMayBeSentAgainWithTheSameId) {
    World w;
    json req = ProposeRequest({{"commandId", "cmd-m1"}, {"from", "2026-13"}});
    EXPECT_TRUE(Refused(w.Decide(req), Errc::kInvalidArgument, "from"));
    EXPECT_FALSE(w.book.HasCommand("cmd-m1"));
    req["from"] = "2026-04";
    auto r = w.Do(req);
    ASSERT_EQ(r.measures.size(), 1U);
    EXPECT_EQ(r.measures[0].measure.id.value(), IdFrom("m-", "cmd-m1"));
}

TEST(CaseCommand, IdsComeFromTheCommandId) {
    // The same command id names the same entity in any book (a retry after a lost reply makes
    // no second measure), and different ids name different ones.
    World a;
    World b;
    const auto ma = a.Decide(ProposeRequest({{"commandId", "cmd-x"}}));
    const auto mb = b.Decide(ProposeRequest({{"commandId", "cmd-x"}}));
    const auto mc = b.Decide(ProposeRequest({{"commandId", "cmd-y"}}));
    ASSERT_TRUE(ma.ok() && mb.ok() && mc.ok());
    EXPECT_EQ(ma->measures[0].measure.id, mb->measures[0].measure.id);
    EXPECT_NE(mb->measures[0].measure.id, mc->measures[0].measure.id);
    EXPECT_EQ(ma->measures[0].measure.id.value(), IdFrom("m-", "cmd-x"));
    EXPECT_EQ(a.Decide(CommentRequest({{"commandId", "cmd-x"}}))->comments.at(0).comment_id,
              IdFrom("c-", "cmd-x"));
}

TEST(CaseCommand, DecisionIdFromBodyAndReference) {
    EXPECT_EQ(DecisionId("NAM", "§ 45/2026"), "NAM-45-2026");
    EXPECT_EQ(DecisionId("KF", "KF § 7/2021"), "KF-KF-7-2021");
    EXPECT_EQ(DecisionId("NAM2", "§ 1/2026"), "NAM2-1-2026");
}

}  // namespace
}  // namespace bfu::casework::test
