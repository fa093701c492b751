// DecideCaseCommand (commands.hpp) for action plans (S9) and the decisions of a nämnd (S15):
// plan.draft, plan.change, plan.propose and decision.record on plans, measures and budget
// revisions — the events each makes and every refusal with its code and field.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bfu/casework/commands.hpp"
#include "casework_fixture.hpp"

namespace bfu::casework::test {
namespace {

using core::Errc;
using MS = contracts::MeasureStatus;
using PS = contracts::PlanState;

const contracts::Person kSara{"Sara Nord", "sektorchef", "sara@ex.se"};
const contracts::Person kSiv{"Siv Sjö", "nämndsekreterare", "siv@ex.se"};
const contracts::Person kPer{"Per Holm", "ordförande", "per@ex.se"};

json DraftRequest(json extra = json::object()) {
    json r{{"op", "plan.draft"},
           {"by", "sara@ex.se"},
           {"sektor", "SEK"},
           {"title", "Åtgärdsplan hemtjänst 2026"},
           {"text", "Hemtjänsten håller ramen genom färre timvikarier."},
           {"deviations", json::array({kDevEnh1})}};
    r.update(extra);
    return r;
}

// ---- plan.draft ----

TEST(PlanDraft, MakesADraftForTheSektorsNamndAndTakesItsMeasures) {
    World w;
    w.Propose("cmd-m1");
    w.Propose("cmd-m2", {{"effectSekPerMonth", -10000}});
    const std::string m1 = IdFrom("m-", "cmd-m1");
    const std::string m2 = IdFrom("m-", "cmd-m2");
    auto r = w.Decide(DraftRequest({{"commandId", "cmd-p1"},
                                    {"deviations", json::array({kDevEnh1, kForecastEnh1})},
                                    {"measures", json::array({m1, m2})},
                                    {"comment", "Första utkastet"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->plans.size(), 1U);
    const auto& e = r->plans[0];
    EXPECT_EQ(e.event, contracts::PlanEventKind::kDrafted);
    EXPECT_EQ(e.version, 1);
    EXPECT_EQ(e.by, kSara);
    EXPECT_EQ(e.at, kNow);
    EXPECT_EQ(e.command_id, "cmd-p1");
    EXPECT_EQ(e.comment, "Första utkastet");
    const auto& p = e.plan;
    EXPECT_EQ(p.id, IdFrom("plan-", "cmd-p1"));
    EXPECT_EQ(p.sektor.value(), "SEK");
    EXPECT_EQ(p.body.value(), "NAM");  // the nämnd above the sektor decides it
    EXPECT_EQ(p.title, "Åtgärdsplan hemtjänst 2026");
    EXPECT_EQ(p.text, "Hemtjänsten håller ramen genom färre timvikarier.");
    ASSERT_EQ(p.deviations.size(), 2U);
    EXPECT_EQ(p.deviations[0].value(), kDevEnh1);
    EXPECT_EQ(p.deviations[1].value(), kForecastEnh1);
    ASSERT_EQ(p.measures.size(), 2U);
    EXPECT_EQ(p.measures[0].value(), m1);
    EXPECT_EQ(p.measures[1].value(), m2);
    EXPECT_EQ(p.state, PS::kDraft);
    EXPECT_FALSE(p.decision_ref.has_value());
    // Its measures now belong to it: a changed event each, one version up.
    ASSERT_EQ(r->measures.size(), 2U);
    for (const auto& me : r->measures) {
        EXPECT_EQ(me.event, contracts::MeasureEventKind::kChanged);
        EXPECT_EQ(me.version, 2);
        EXPECT_EQ(me.measure.plan_id, p.id);
        EXPECT_EQ(me.measure.status, MS::kProposed);
        EXPECT_EQ(me.by, kSara);
        EXPECT_EQ(me.command_id, "cmd-p1");
    }
    EXPECT_EQ(r->reply["op"], "plan.draft");
    EXPECT_EQ(r->reply["applied"], true);
    EXPECT_EQ(r->reply["plan"], p.id);
    EXPECT_EQ(r->reply["state"], "utkast");
    EXPECT_EQ(r->reply["body"], "NAM");
}

TEST(PlanDraft, WithAGivenIdOnce) {
    World w;
    auto r = w.Do(DraftRequest({{"plan", "plan-hemtjanst-2026"}}));
    ASSERT_EQ(r.plans.size(), 1U);
    EXPECT_EQ(r.plans[0].plan.id, "plan-hemtjanst-2026");
    EXPECT_TRUE(r.measures.empty());
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"plan", "plan-hemtjanst-2026"}})),
                        Errc::kAlreadyExists, "plan"));
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"plan", "plan hemtjänst"}})),
                        Errc::kInvalidArgument, "plan"));
}

TEST(PlanDraft, OnlyASektorDraftsAPlan) {
    World w;
    for (const char* not_sektor : {"VER", "ENH1", "NAM", "KF"}) {
        EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"sektor", not_sektor}, {"by", "karin@ex.se"}})),
                            Errc::kInvalidArgument, "sektor"))
            << not_sektor;
    }
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"sektor", "SEK9"}})), Errc::kNotFound, "sektor"));
    json no_sektor = DraftRequest();
    no_sektor.erase("sektor");
    EXPECT_TRUE(Refused(w.Decide(no_sektor), Errc::kInvalidArgument, "sektor"));
}

TEST(PlanDraft, OnlyTheSektorsLine) {
    World w;
    // Olof heads a verksamhet below the sektor: not the sektor's line.
    EXPECT_TRUE(
        Refused(w.Decide(DraftRequest({{"by", "olof@ex.se"}})), Errc::kPermissionDenied, "by"));
    EXPECT_TRUE(
        Refused(w.Decide(DraftRequest({{"by", "gustav@ex.se"}})), Errc::kPermissionDenied, "by"));
    for (const char* who : {"sara@ex.se", "per@ex.se", "karin@ex.se"}) {
        auto r = w.Decide(DraftRequest({{"by", who}}));
        EXPECT_TRUE(r.ok()) << who << ": " << (r.ok() ? "" : r.error().ToString());
    }
}

TEST(PlanDraft, NeedsDeviationsOfTheSektor) {
    World w;
    json none = DraftRequest();
    none.erase("deviations");
    EXPECT_TRUE(Refused(w.Decide(none), Errc::kInvalidArgument, "deviations"));
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"deviations", json::array()}})),
                        Errc::kInvalidArgument, "deviations"));
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"deviations", kDevEnh1}})), Errc::kInvalidArgument,
                        "deviations"));
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"deviations", json::array({kDevEnh1, 5})}})),
                        Errc::kInvalidArgument, "deviations"));
    // ENH3 lies in SEK2, not in SEK.
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"deviations", json::array({kDevEnh1, kDevEnh3})}})),
                        Errc::kInvalidArgument, "deviations"));
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"deviations", json::array({"budget:2026:NOPE"})}})),
                        Errc::kNotFound, "deviations"));
    EXPECT_TRUE(Refused(w.Decide(DraftRequest({{"measures", json::array({"m-nope"})}})),
                        Errc::kNotFound, "measures"));
    json no_title = DraftRequest();
    no_title.erase("title");
    EXPECT_TRUE(Refused(w.Decide(no_title), Errc::kInvalidArgument, "title"));
    json no_text = DraftRequest();
    no_text.erase("text");
    EXPECT_TRUE(Refused(w.Decide(no_text), Errc::kInvalidArgument, "text"));
}

// A plan of SEK gathers SEK's measures; a measure of ENH3 (in SEK2, under another nämnd) is
// not Sara's to put in it, nor for Omsorgsnämnden to decide.
TEST(PlanDraft, MeasuresOfAnotherSektorAreRefused) {
    World w;
    w.Do({{"op", "measure.propose"},
          {"by", "ida@ex.se"},
          {"commandId", "cmd-m3"},
          {"deviation", kDevEnh3},
          {"text", "Färre lärarvikarier"},
          {"effectSekPerMonth", -20000},
          {"from", "2026-08"}});
    const std::string m3 = IdFrom("m-", "cmd-m3");
    ASSERT_NE(w.book.FindMeasure(m3), nullptr);
    auto r = w.Decide(DraftRequest({{"measures", json::array({m3})}}));
    EXPECT_FALSE(r.ok()) << "SEK's plan took ENH3's measure: " << (r.ok() ? r->reply.dump() : "");
}

// ---- plan.change and plan.propose ----

class PlanLife : public ::testing::Test {
protected:
    void SetUp() override {
        w.Propose("cmd-m1");
        m1 = IdFrom("m-", "cmd-m1");
        w.Draft("cmd-p1", {{"measures", json::array({m1})}});
        plan = IdFrom("plan-", "cmd-p1");
        ASSERT_NE(w.book.FindPlan(plan), nullptr);
    }
    json Change(json extra) const {
        json r{{"op", "plan.change"}, {"by", "sara@ex.se"}, {"plan", plan}};
        r.update(extra);
        return r;
    }
    json Propose() const { return {{"op", "plan.propose"}, {"by", "sara@ex.se"}, {"plan", plan}}; }
    json Decision(const std::string& ref, const std::string& outcome,
                  const std::string& by = "siv@ex.se") const {
        return World::Decision(ref, "plan", json::array({plan}), outcome, by);
    }
    World w;
    std::string m1;
    std::string plan;
};

TEST_F(PlanLife, ChangeADraft) {
    auto r = w.Decide(Change({{"title", "Ny rubrik"}, {"commandId", "cmd-ch"}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->plans.size(), 1U);
    const auto& e = r->plans[0];
    EXPECT_EQ(e.event, contracts::PlanEventKind::kChanged);
    EXPECT_EQ(e.version, 2);
    EXPECT_EQ(e.by, kSara);
    EXPECT_EQ(e.at, kNow);
    EXPECT_EQ(e.command_id, "cmd-ch");
    auto expected = w.book.FindPlan(plan)->current;
    expected.title = "Ny rubrik";
    EXPECT_EQ(e.plan, expected);  // the rest as it was
    EXPECT_EQ(r->reply["version"], 2);
    EXPECT_EQ(r->reply["plan"], plan);

    r = w.Decide(Change({{"text", "Ny text"}, {"deviations", json::array({kForecastEnh1})}}));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->plans[0].plan.text, "Ny text");
    ASSERT_EQ(r->plans[0].plan.deviations.size(), 1U);
    EXPECT_EQ(r->plans[0].plan.deviations[0].value(), kForecastEnh1);
    EXPECT_EQ(r->plans[0].plan.measures.size(), 1U);

    EXPECT_TRUE(Refused(w.Decide(Change({{"deviations", json::array()}})), Errc::kInvalidArgument,
                        "deviations"));
    EXPECT_TRUE(Refused(w.Decide(Change({{"deviations", json::array({kDevEnh3})}})),
                        Errc::kInvalidArgument, "deviations"));
    EXPECT_TRUE(Refused(w.Decide(Change({{"measures", json::array({"m-nope"})}})), Errc::kNotFound,
                        "measures"));
    EXPECT_TRUE(Refused(w.Decide(Change({{"by", "olof@ex.se"}})), Errc::kPermissionDenied, "by"));
    json unknown = Change(json::object());
    unknown["plan"] = "plan-nope";
    EXPECT_TRUE(Refused(w.Decide(unknown), Errc::kNotFound, "plan"));
    json no_plan = Change(json::object());
    no_plan.erase("plan");
    EXPECT_TRUE(Refused(w.Decide(no_plan), Errc::kInvalidArgument, "plan"));
}

// plan.draft marks the plan's measures as the plan's (plan_id); a measure added by plan.change
// should be marked the same way, so that the measure says which plan it belongs to.
TEST_F(PlanLife, AMeasureAddedByAChangeBelongsToThePlan) {
    w.Propose("cmd-m2");
    const std::string m2 = IdFrom("m-", "cmd-m2");
    auto r = w.Do(Change({{"measures", json::array({m1, m2})}}));
    ASSERT_EQ(r.plans.size(), 1U);
    EXPECT_EQ(r.plans[0].plan.measures.size(), 2U);
    EXPECT_EQ(w.book.FindMeasure(m1)->current.plan_id, plan);
    EXPECT_EQ(w.book.FindMeasure(m2)->current.plan_id, plan)
        << "plan.change added " << m2 << " to " << plan << " but the measure does not say so";
}

TEST_F(PlanLife, ProposeNeedsMeasures) {
    w.Draft("cmd-p2", {{"plan", "plan-tom"}});
    EXPECT_TRUE(
        Refused(w.Decide({{"op", "plan.propose"}, {"by", "sara@ex.se"}, {"plan", "plan-tom"}}),
                Errc::kFailedPrecondition, "measures"));
    // Measures removed again by a change: still none.
    w.Do(Change({{"measures", json::array()}}));
    EXPECT_TRUE(Refused(w.Decide(Propose()), Errc::kFailedPrecondition, "measures"));
}

TEST_F(PlanLife, ProposeMakesItProposedAndThenItIsNotChanged) {
    auto r = w.Decide(Propose());
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->plans.size(), 1U);
    EXPECT_EQ(r->plans[0].event, contracts::PlanEventKind::kProposed);
    EXPECT_EQ(r->plans[0].version, 2);
    EXPECT_EQ(r->plans[0].plan.state, PS::kProposed);
    EXPECT_EQ(r->plans[0].by, kSara);
    EXPECT_TRUE(r->measures.empty());  // proposing a plan does not decide its measures
    EXPECT_EQ(r->reply["state"], "foreslagen");
    w.Apply(*r);
    EXPECT_TRUE(Refused(w.Decide(Propose()), Errc::kFailedPrecondition, "plan"));
    EXPECT_TRUE(Refused(w.Decide(Change({{"title", "x"}})), Errc::kFailedPrecondition, "plan"));
    EXPECT_TRUE(Refused(w.Decide({{"op", "plan.propose"}, {"by", "emil@ex.se"}, {"plan", plan}}),
                        Errc::kPermissionDenied, "by"));
}

// ---- decision.record on plans ----

TEST_F(PlanLife, BifallDecidesThePlanAndItsProposedMeasures) {
    // A second measure, cancelled before the decision, and a third in the plan.
    w.Propose("cmd-m2");
    w.Propose("cmd-m3");
    const std::string m2 = IdFrom("m-", "cmd-m2");
    const std::string m3 = IdFrom("m-", "cmd-m3");
    w.Do(Change({{"measures", json::array({m1, m2, m3})}}));
    w.Do({{"op", "measure.status"}, {"by", "maja@ex.se"}, {"measure", m2}, {"status", "avbruten"}});
    w.Do(Propose());
    const auto plan_version = w.book.FindPlan(plan)->version;

    json req = Decision("§ 45/2026", "bifall");
    req["commandId"] = "cmd-d1";
    auto r = w.Decide(req);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->plans.size(), 1U);
    const auto& pe = r->plans[0];
    EXPECT_EQ(pe.event, contracts::PlanEventKind::kDecided);
    EXPECT_EQ(pe.version, plan_version + 1);
    EXPECT_EQ(pe.plan.state, PS::kDecided);
    EXPECT_EQ(pe.plan.decision_ref, "§ 45/2026");
    EXPECT_EQ(pe.by, kSiv);
    EXPECT_EQ(pe.at, kNow);
    EXPECT_EQ(pe.command_id, "cmd-d1");
    // The proposed measures are decided with the reference; the cancelled one is left alone.
    ASSERT_EQ(r->measures.size(), 2U);
    std::vector<std::string> decided;
    for (const auto& me : r->measures) {
        decided.push_back(me.measure.id.value());
        EXPECT_EQ(me.event, contracts::MeasureEventKind::kStatus);
        EXPECT_EQ(me.measure.status, MS::kDecided);
        EXPECT_EQ(me.measure.decision_ref, "§ 45/2026");
        EXPECT_EQ(me.version, w.book.FindMeasure(me.measure.id.value())->version + 1);
        EXPECT_EQ(me.by, kSiv);
        EXPECT_EQ(me.command_id, "cmd-d1");
    }
    std::sort(decided.begin(), decided.end());
    std::vector<std::string> want = {m1, m3};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(decided, want);
    // The decision itself.
    ASSERT_EQ(r->decisions.size(), 1U);
    const auto& d = r->decisions[0];
    EXPECT_EQ(d.decision_id, "NAM-45-2026");
    EXPECT_EQ(d.ref, "§ 45/2026");
    EXPECT_EQ(d.body.value(), "NAM");
    EXPECT_EQ(d.date, "2026-04-15");
    EXPECT_EQ(d.meeting, "Omsorgsnämndens sammanträde 15 april");
    EXPECT_EQ(d.text, "Nämnden beslutar enligt förslaget.");
    EXPECT_EQ(d.subject, contracts::DecisionSubject::kPlan);
    EXPECT_EQ(d.subject_ids, (std::vector<std::string>{plan}));
    EXPECT_EQ(d.outcome, contracts::DecisionOutcome::kApproved);
    EXPECT_EQ(d.by, kSiv);
    EXPECT_EQ(d.at, kNow);
    EXPECT_EQ(d.command_id, "cmd-d1");
    EXPECT_FALSE(d.year.has_value());
    EXPECT_FALSE(d.revision.has_value());
    EXPECT_TRUE(r->budgets.empty());
    EXPECT_EQ(r->reply["op"], "decision.record");
    EXPECT_EQ(r->reply["applied"], true);
    EXPECT_EQ(r->reply["decision"], "NAM-45-2026");
    EXPECT_EQ(r->reply["ref"], "§ 45/2026");
    EXPECT_EQ(r->reply["subject"], "plan");
    EXPECT_EQ(r->reply["outcome"], "bifall");
    w.Apply(*r);
    EXPECT_EQ(w.book.FindMeasure(m2)->current.status, MS::kCancelled);
    EXPECT_FALSE(w.book.FindMeasure(m2)->current.decision_ref.has_value());

    // A decided plan is never decided again, whatever the outcome or the reference.
    for (const char* outcome : {"bifall", "aterremiss", "avslag"}) {
        EXPECT_TRUE(
            Refused(w.Decide(Decision("§ 46/2026", outcome)), Errc::kFailedPrecondition, "plan"))
            << outcome;
    }
    // Nor changed or proposed again.
    EXPECT_TRUE(Refused(w.Decide(Change({{"title", "x"}})), Errc::kFailedPrecondition, "plan"));
    EXPECT_TRUE(Refused(w.Decide(Propose()), Errc::kFailedPrecondition, "plan"));
}

TEST_F(PlanLife, TheChairMayRecordTooButNobodyElse) {
    w.Do(Propose());
    EXPECT_TRUE(Refused(w.Decide(Decision("§ 45/2026", "bifall", "sara@ex.se")),
                        Errc::kPermissionDenied, "by"));
    // KF's chair is above the nämnd in the line, but neither its secretary nor its chair.
    EXPECT_TRUE(Refused(w.Decide(Decision("§ 45/2026", "bifall", "karin@ex.se")),
                        Errc::kPermissionDenied, "by"));
    // The other nämnd's secretary.
    EXPECT_TRUE(Refused(w.Decide(Decision("§ 45/2026", "bifall", "bo@ex.se")),
                        Errc::kPermissionDenied, "by"));
    auto r = w.Decide(Decision("§ 45/2026", "bifall", "per@ex.se"));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->decisions.at(0).by, kPer);
    // Without case.
    r = w.Decide(Decision("§ 45/2026", "bifall", "SIV@Ex.Se"));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(r->decisions.at(0).by, kSiv);
}

TEST_F(PlanLife, AterremissSendsItBackAndTheAmendedPlanKeepsEveryVersion) {
    w.Do(Propose());                                     // v2
    auto r = w.Do(Decision("§ 45/2026", "återremiss"));  // v3
    ASSERT_EQ(r.plans.size(), 1U);
    EXPECT_EQ(r.plans[0].event, contracts::PlanEventKind::kReferredBack);
    EXPECT_EQ(r.plans[0].plan.state, PS::kReferredBack);
    EXPECT_FALSE(r.plans[0].plan.decision_ref.has_value());
    EXPECT_TRUE(r.measures.empty());  // its measures stay proposed
    ASSERT_EQ(r.decisions.size(), 1U);
    EXPECT_EQ(r.decisions[0].outcome, contracts::DecisionOutcome::kReferredBack);
    EXPECT_EQ(w.book.FindMeasure(m1)->current.status, MS::kProposed);

    // Amended and proposed again.
    w.Propose("cmd-m2", {{"plan", plan}, {"by", "sara@ex.se"}});  // v4: a measure added
    const std::string m2 = IdFrom("m-", "cmd-m2");
    auto changed = w.Do(Change({{"text", "Kompletterad enligt nämndens återremiss."}}));  // v5
    ASSERT_EQ(changed.plans.size(), 1U);
    EXPECT_EQ(changed.plans[0].plan.state, PS::kReferredBack);
    auto proposed = w.Do(Propose());  // v6
    ASSERT_EQ(proposed.plans.size(), 1U);
    EXPECT_EQ(proposed.plans[0].plan.state, PS::kProposed);
    auto decided = w.Do(Decision("§ 60/2026", "bifall"));  // v7
    ASSERT_EQ(decided.plans.size(), 1U);
    EXPECT_EQ(decided.plans[0].plan.decision_ref, "§ 60/2026");
    EXPECT_EQ(decided.measures.size(), 2U);

    const auto* p = w.book.FindPlan(plan);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->version, 7);
    EXPECT_EQ(p->current.state, PS::kDecided);
    using K = contracts::PlanEventKind;
    const std::vector<std::pair<K, PS>> want = {{K::kDrafted, PS::kDraft},
                                                {K::kProposed, PS::kProposed},
                                                {K::kReferredBack, PS::kReferredBack},
                                                {K::kChanged, PS::kReferredBack},
                                                {K::kChanged, PS::kReferredBack},
                                                {K::kProposed, PS::kProposed},
                                                {K::kDecided, PS::kDecided}};
    ASSERT_EQ(p->history.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(p->history[i].version, static_cast<std::int64_t>(i + 1)) << i;
        EXPECT_EQ(p->history[i].event, want[i].first) << i;
        EXPECT_EQ(p->history[i].plan.state, want[i].second) << i;
    }
    EXPECT_EQ(p->history[2].plan.text, "Hemtjänsten håller ramen genom färre timvikarier.");
    EXPECT_EQ(p->history[4].plan.text, "Kompletterad enligt nämndens återremiss.");
    EXPECT_EQ(p->history[3].plan.measures.size(), 2U);
    EXPECT_EQ(w.book.FindMeasure(m1)->current.decision_ref, "§ 60/2026");
    EXPECT_EQ(w.book.FindMeasure(m2)->current.status, MS::kDecided);
    EXPECT_EQ(w.book.decisions().size(), 2U);
}

TEST_F(PlanLife, AvslagRejectsIt) {
    w.Do(Propose());
    auto r = w.Do(Decision("§ 45/2026", "avslag"));
    ASSERT_EQ(r.plans.size(), 1U);
    EXPECT_EQ(r.plans[0].event, contracts::PlanEventKind::kRejected);
    EXPECT_EQ(r.plans[0].plan.state, PS::kRejected);
    EXPECT_TRUE(r.measures.empty());
    EXPECT_EQ(r.decisions.at(0).outcome, contracts::DecisionOutcome::kRejected);
    EXPECT_EQ(r.reply["outcome"], "avslag");
    EXPECT_TRUE(Refused(w.Decide(Change({{"title", "x"}})), Errc::kFailedPrecondition, "plan"));
    EXPECT_TRUE(Refused(w.Decide(Propose()), Errc::kFailedPrecondition, "plan"));
    EXPECT_TRUE(
        Refused(w.Decide(Decision("§ 46/2026", "bifall")), Errc::kFailedPrecondition, "plan"));
}

TEST_F(PlanLife, ADraftIsNotDecided) {
    for (const char* outcome : {"bifall", "aterremiss", "avslag"}) {
        EXPECT_TRUE(
            Refused(w.Decide(Decision("§ 45/2026", outcome)), Errc::kFailedPrecondition, "plan"))
            << outcome;
    }
}

// The same plan twice in one decision is deciding it twice: refused, or decided once (one
// plan event, one event per measure), never two events with the same version.
TEST_F(PlanLife, APlanListedTwiceInOneDecisionIsDecidedOnce) {
    w.Do(Propose());
    auto r = w.Decide(World::Decision("§ 45/2026", "plan", json::array({plan, plan})));
    if (!r.ok()) {
        EXPECT_EQ(r.error().code, Errc::kFailedPrecondition) << r.error().ToString();
        return;
    }
    EXPECT_EQ(r->plans.size(), 1U);
    EXPECT_EQ(r->measures.size(), 1U);
    EXPECT_EQ(r->decisions.at(0).subject_ids, (std::vector<std::string>{plan}));
}

TEST_F(PlanLife, TheSameReferenceAgainIsRefused) {
    w.Do(Propose());
    w.Draft("cmd-p2", {{"plan", "plan-2"}, {"measures", json::array({m1})}});
    w.ProposePlan("cmd-p2-propose", "plan-2");
    w.Do(Decision("§ 45/2026", "bifall"));
    auto again = World::Decision("§ 45/2026", "plan", json::array({"plan-2"}));
    EXPECT_TRUE(Refused(w.Decide(again), Errc::kAlreadyExists, "ref"));
    // The same number in another nämnd is another decision.
    EXPECT_NE(DecisionId("NAM2", "§ 45/2026"), DecisionId("NAM", "§ 45/2026"));
}

TEST_F(PlanLife, APlanIsDecidedByItsOwnNamnd) {
    w.Do(Propose());
    auto other =
        World::Decision("§ 45/2026", "plan", json::array({plan}), "bifall", "bo@ex.se", "NAM2");
    EXPECT_TRUE(Refused(w.Decide(other), Errc::kPermissionDenied, "body"));
}

TEST_F(PlanLife, DecisionRefusals) {
    w.Do(Propose());
    for (const char* bad :
         {"45/2026", "§45/2026", "§ 45/26", "paragraf 45", "§ /2026", "§ 45-2026"}) {
        json req = Decision(bad, "bifall");
        EXPECT_TRUE(Refused(w.Decide(req), Errc::kInvalidArgument, "ref")) << bad;
    }
    json no_ref = Decision("§ 45/2026", "bifall");
    no_ref.erase("ref");
    EXPECT_TRUE(Refused(w.Decide(no_ref), Errc::kInvalidArgument, "ref"));
    // A reference with the body's name before the "§" is a reference too.
    EXPECT_TRUE(w.Decide(Decision("ON § 45/2026", "bifall")).ok());

    json body = Decision("§ 45/2026", "bifall");
    body["body"] = "SEK";
    EXPECT_TRUE(Refused(w.Decide(body), Errc::kInvalidArgument, "body"));
    body["body"] = "NAM9";
    EXPECT_TRUE(Refused(w.Decide(body), Errc::kNotFound, "body"));
    body.erase("body");
    EXPECT_TRUE(Refused(w.Decide(body), Errc::kInvalidArgument, "body"));

    for (const char* bad : {"2026-13-01", "15 april", "2026-02-30", "20260415"}) {
        json req = Decision("§ 45/2026", "bifall");
        req["date"] = bad;
        EXPECT_TRUE(Refused(w.Decide(req), Errc::kInvalidArgument, "date")) << bad;
    }
    json no_text = Decision("§ 45/2026", "bifall");
    no_text.erase("text");
    EXPECT_TRUE(Refused(w.Decide(no_text), Errc::kInvalidArgument, "text"));
    json subject = Decision("§ 45/2026", "bifall");
    subject["subject"] = "deviation";
    EXPECT_TRUE(Refused(w.Decide(subject), Errc::kInvalidArgument, "subject"));
    subject.erase("subject");
    EXPECT_TRUE(Refused(w.Decide(subject), Errc::kInvalidArgument, "subject"));
    EXPECT_TRUE(
        Refused(w.Decide(Decision("§ 45/2026", "bordlagd")), Errc::kInvalidArgument, "outcome"));

    json ids = Decision("§ 45/2026", "bifall");
    ids["ids"] = json::array({"plan-nope"});
    EXPECT_TRUE(Refused(w.Decide(ids), Errc::kNotFound, "ids"));
    ids["ids"] = json::array();
    EXPECT_TRUE(Refused(w.Decide(ids), Errc::kInvalidArgument, "ids"));
    ids.erase("ids");
    EXPECT_TRUE(Refused(w.Decide(ids), Errc::kInvalidArgument, "ids"));
    ids["ids"] = plan;  // not a list
    EXPECT_TRUE(Refused(w.Decide(ids), Errc::kInvalidArgument, "ids"));
}

// ---- decision.record on measures ----

class MeasureDecision : public ::testing::Test {
protected:
    void SetUp() override {
        w.Propose("cmd-m1");
        m1 = IdFrom("m-", "cmd-m1");
    }
    World w;
    std::string m1;
};

TEST_F(MeasureDecision, BifallDecidesIt) {
    auto r = w.Decide(World::Decision("§ 45/2026", "measure", json::array({m1})));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->measures.size(), 1U);
    const auto& e = r->measures[0];
    EXPECT_EQ(e.event, contracts::MeasureEventKind::kStatus);
    EXPECT_EQ(e.version, 2);
    EXPECT_EQ(e.measure.status, MS::kDecided);
    EXPECT_EQ(e.measure.decision_ref, "§ 45/2026");
    EXPECT_EQ(e.by, kSiv);
    EXPECT_TRUE(r->plans.empty());
    ASSERT_EQ(r->decisions.size(), 1U);
    EXPECT_EQ(r->decisions[0].subject, contracts::DecisionSubject::kMeasure);
    EXPECT_EQ(r->decisions[0].subject_ids, (std::vector<std::string>{m1}));
    EXPECT_EQ(r->reply["subject"], "measure");
    w.Apply(*r);
    // Decided is decided: not again.
    EXPECT_TRUE(Refused(w.Decide(World::Decision("§ 46/2026", "measure", json::array({m1}))),
                        Errc::kFailedPrecondition, "status"));
}

TEST_F(MeasureDecision, AvslagCancelsItAndAterremissLeavesIt) {
    auto r = w.Decide(World::Decision("§ 45/2026", "measure", json::array({m1}), "avslag"));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->measures.size(), 1U);
    EXPECT_EQ(r->measures[0].measure.status, MS::kCancelled);
    EXPECT_EQ(r->measures[0].measure.decision_ref, "§ 45/2026");

    r = w.Decide(World::Decision("§ 45/2026", "measure", json::array({m1}), "aterremiss"));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_TRUE(r->measures.empty());
    ASSERT_EQ(r->decisions.size(), 1U);
    EXPECT_EQ(r->decisions[0].subject_ids, (std::vector<std::string>{m1}));
}

TEST_F(MeasureDecision, Refusals) {
    EXPECT_TRUE(Refused(w.Decide(World::Decision("§ 45/2026", "measure", json::array({"m-nope"}))),
                        Errc::kNotFound, "ids"));
    EXPECT_TRUE(Refused(w.Decide(World::Decision("§ 45/2026", "measure", json::array())),
                        Errc::kInvalidArgument, "ids"));
    EXPECT_TRUE(Refused(w.Decide(World::Decision("§ 45/2026", "measure", json::array({m1}),
                                                 "bifall", "maja@ex.se")),
                        Errc::kPermissionDenied, "by"));
}

// ENH1's measure belongs to Omsorgsnämnden's area; Utbildningsnämnden has no say over it, as a
// plan is decided by its own nämnd only (APlanIsDecidedByItsOwnNamnd).
TEST_F(MeasureDecision, AnotherNamndDoesNotDecideIt) {
    auto r = w.Decide(
        World::Decision("§ 45/2026", "measure", json::array({m1}), "bifall", "bo@ex.se", "NAM2"));
    EXPECT_FALSE(r.ok()) << "Utbildningsnämnden decided Omsorgsnämnden's measure: "
                         << (r.ok() ? r->reply.dump() : "");
}

// ---- decision.record on a budget revision ----

json Revision(json lines, const std::string& ref = "§ 50/2026") {
    json r = World::Decision(ref, "budget_revision", json::array());
    r.erase("ids");
    r["year"] = kYear;
    r["budget"] = std::move(lines);
    r["text"] = "Tilläggsanslag till hemtjänsten.";
    return r;
}

TEST(BudgetRevision, MakesTheNextRevisionWithTheNewAnnualAmount) {
    World w;
    auto r = w.Decide(Revision(
        json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1'300'000}}})));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_TRUE(r->measures.empty());
    EXPECT_TRUE(r->plans.empty());
    ASSERT_EQ(r->budgets.size(), 1U);
    const auto& b = r->budgets[0];
    const auto& before = w.master->budget_records.at("2026:ENH1:personal");
    EXPECT_EQ(b.unit.value(), "ENH1");
    EXPECT_EQ(b.account_group, "personal");
    EXPECT_EQ(b.year, kYear);
    EXPECT_EQ(b.kind, before.kind);
    EXPECT_EQ(b.annual_ore, 130'000'000);
    EXPECT_EQ(b.profile, before.profile);  // the profile kept
    EXPECT_EQ(b.revision.no, before.revision.no + 1);
    EXPECT_EQ(b.revision.no, 1);
    EXPECT_EQ(b.revision.ref, "§ 50/2026");
    EXPECT_EQ(b.revision.date, "2026-04-15");
    EXPECT_EQ(b.Key(), "2026:ENH1:personal:1");
    ASSERT_EQ(r->decisions.size(), 1U);
    const auto& d = r->decisions[0];
    EXPECT_EQ(d.subject, contracts::DecisionSubject::kBudgetRevision);
    EXPECT_EQ(d.year, kYear);
    EXPECT_EQ(d.revision, 1);
    EXPECT_TRUE(d.subject_ids.empty());
    ASSERT_EQ(d.budget.size(), 1U);
    EXPECT_EQ(d.budget[0],
              (contracts::BudgetRevisionLine{core::UnitId("ENH1"), "personal", 130'000'000}));
    EXPECT_EQ(d.by, kSiv);
    EXPECT_EQ(r->reply["revision"], 1);
    EXPECT_EQ(r->reply["subject"], "budget_revision");
}

TEST(BudgetRevision, FromARevisedBudgetAndSeveralLinesAtOnce) {
    World w;
    // ENH1 material is at revision 1 (§ 12/2026, personnel profile).
    auto r = w.Decide(Revision(
        json::array({{{"unit", "ENH1"}, {"accountGroup", "material"}, {"annualSek", "180 000"}}})));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->budgets.size(), 1U);
    EXPECT_EQ(r->budgets[0].revision.no, 2);
    EXPECT_EQ(r->budgets[0].annual_ore, 18'000'000);
    EXPECT_EQ(r->budgets[0].profile.kind, contracts::ProfileKind::kPersonnel);
    EXPECT_EQ(r->decisions.at(0).revision, 2);

    // Two lines in one decision: one revision number for the decision.
    r = w.Decide(Revision(
        json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1'100'000}},
                     {{"unit", "ENH2"}, {"accountGroup", "personal"}, {"annualSek", 2'500'000}}})));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->budgets.size(), 2U);
    EXPECT_EQ(r->budgets[0].annual_ore, 110'000'000);
    EXPECT_EQ(r->budgets[1].annual_ore, 250'000'000);
    EXPECT_EQ(r->budgets[0].revision.no, r->budgets[1].revision.no);
    EXPECT_EQ(r->decisions.at(0).budget.size(), 2U);
}

TEST(BudgetRevision, Refusals) {
    World w;
    EXPECT_TRUE(Refused(w.Decide(Revision(json::array(
                            {{{"unit", "ENH1"}, {"accountGroup", "lokaler"}, {"annualSek", 1}}}))),
                        Errc::kNotFound, "budget/0"));
    EXPECT_TRUE(Refused(w.Decide(Revision(json::array(
                            {{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1}},
                             {{"unit", "ENH9"}, {"accountGroup", "personal"}, {"annualSek", 1}}}))),
                        Errc::kNotFound, "budget/1"));
    // ENH2 lokaler has an explicit monthly profile.
    EXPECT_TRUE(Refused(w.Decide(Revision(json::array(
                            {{{"unit", "ENH2"}, {"accountGroup", "lokaler"}, {"annualSek", 1}}}))),
                        Errc::kInvalidArgument, "budget/0"));
    EXPECT_TRUE(Refused(
        w.Decide(Revision(
            json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", "x"}}}))),
        Errc::kInvalidArgument, "budget/0/annualSek"));
    EXPECT_TRUE(
        Refused(w.Decide(Revision(json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}}}))),
                Errc::kInvalidArgument, "budget/0/annualSek"));
    // Another year's budget that does not exist.
    json other_year =
        Revision(json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1}}}));
    other_year["year"] = 2027;
    EXPECT_TRUE(Refused(w.Decide(other_year), Errc::kNotFound, "budget/0"));
    json no_year = Revision(json::array());
    no_year.erase("year");
    EXPECT_TRUE(Refused(w.Decide(no_year), Errc::kInvalidArgument, "year"));
    no_year["year"] = "2026";
    EXPECT_TRUE(Refused(w.Decide(no_year), Errc::kInvalidArgument, "year"));
    EXPECT_TRUE(Refused(w.Decide(Revision(json::array())), Errc::kInvalidArgument, "budget"));
    json no_budget = Revision(json::array());
    no_budget.erase("budget");
    EXPECT_TRUE(Refused(w.Decide(no_budget), Errc::kInvalidArgument, "budget"));
    EXPECT_TRUE(Refused(w.Decide([] {
        json r = Revision(
            json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1}}}));
        r["by"] = "sara@ex.se";
        return r;
    }()),
                        Errc::kPermissionDenied, "by"));
}

// The casework service writes the new revision to bfu.master.budget and reads it back through
// its master table, asynchronously; a second revision decided before that (its book already
// holds the first decision, with its revision number) must not take the same number, or both
// Budget records get the key 2026:ENH1:personal:1 and the compacted topic keeps only one.
TEST(BudgetRevision, ASecondRevisionBeforeTheMasterDataCatchesUpTakesTheNextNumber) {
    World w;
    const json line =
        json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1'300'000}}});
    auto first = w.Do(Revision(line, "§ 50/2026"));
    ASSERT_EQ(first.budgets.size(), 1U);
    EXPECT_EQ(first.budgets[0].revision.no, 1);
    // The master data still holds revision 0 (not read back yet).
    ASSERT_EQ(w.master->budget_records.at("2026:ENH1:personal").revision.no, 0);
    auto second = w.Decide(Revision(
        json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1'400'000}}}),
        "§ 51/2026"));
    ASSERT_TRUE(second.ok()) << second.error().ToString();
    ASSERT_EQ(second->budgets.size(), 1U);
    EXPECT_NE(second->budgets[0].Key(), first.budgets[0].Key())
        << "two revisions of ENH1 personal under one key";
    EXPECT_EQ(second->budgets[0].revision.no, 2);
}

// ENH1's budget lies under Omsorgsnämnden; Utbildningsnämnden does not revise it.
TEST(BudgetRevision, AnotherNamndDoesNotReviseIt) {
    World w;
    json r = Revision(
        json::array({{{"unit", "ENH1"}, {"accountGroup", "personal"}, {"annualSek", 1'300'000}}}));
    r["body"] = "NAM2";
    r["by"] = "bo@ex.se";
    auto decided = w.Decide(r);
    EXPECT_FALSE(decided.ok()) << "Utbildningsnämnden revised ENH1's budget: "
                               << (decided.ok() ? decided->reply.dump() : "");
}

}  // namespace
}  // namespace bfu::casework::test
