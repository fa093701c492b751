// CaseBook: the fold of the four casework topics (book.hpp). A measure or plan event applies
// when its version is higher than the one held and joins the entity's history; a comment or a
// decision applies once per id; every event's command id is remembered; MeasuresFor finds a
// deviation's measures directly and through a plan; Units lists every unit the book touches.
#include "bfu/casework/book.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace bfu::casework {
namespace {

using contracts::CaseMeasure;
using contracts::CasePlan;
using contracts::CommentEvent;
using contracts::DecisionEvent;
using contracts::MeasureEvent;
using contracts::PlanEvent;

MeasureEvent Measure(const std::string& id, std::int64_t version,
                     contracts::MeasureStatus status = contracts::MeasureStatus::kProposed,
                     std::optional<std::string> deviation = std::nullopt,
                     const std::string& unit = "ENH1", const std::string& area = "VER",
                     std::optional<std::string> command_id = std::nullopt) {
    MeasureEvent e;
    e.event = version == 1 ? contracts::MeasureEventKind::kProposed
                           : contracts::MeasureEventKind::kStatus;
    e.measure.id = core::MeasureId(id);
    if (deviation) e.measure.deviation_id = core::DeviationId(*deviation);
    e.measure.unit = core::UnitId(unit);
    e.measure.area = core::UnitId(area);
    e.measure.text = "Färre timvikarier v" + std::to_string(version);
    e.measure.responsible = {"Olof Björk", "verksamhetschef", "olof@ex.se"};
    e.measure.effect_ore_per_month = -4'000'000;
    e.measure.from_period = "202604";
    e.measure.status = status;
    e.version = version;
    e.by = e.measure.responsible;
    e.at = "2026-03-31T12:00:00.000Z";
    e.command_id = std::move(command_id);
    return e;
}

PlanEvent Plan(const std::string& id, std::int64_t version, contracts::PlanState state,
               std::vector<std::string> deviations, std::vector<std::string> measures,
               std::optional<std::string> command_id = std::nullopt) {
    PlanEvent e;
    e.event =
        version == 1 ? contracts::PlanEventKind::kDrafted : contracts::PlanEventKind::kChanged;
    e.plan.id = id;
    e.plan.sektor = core::UnitId("SEK");
    e.plan.body = core::UnitId("NAM");
    e.plan.title = "Plan v" + std::to_string(version);
    e.plan.text = "Hur ramen hålls.";
    for (auto& d : deviations) e.plan.deviations.emplace_back(d);
    for (auto& m : measures) e.plan.measures.emplace_back(m);
    e.plan.state = state;
    e.version = version;
    e.by = {"Sara Nord", "sektorchef", "sara@ex.se"};
    e.at = "2026-03-31T12:00:00.000Z";
    e.command_id = std::move(command_id);
    return e;
}

CommentEvent Comment(const std::string& id, const std::string& unit, const std::string& text,
                     std::optional<std::string> command_id = std::nullopt) {
    CommentEvent c;
    c.comment_id = id;
    c.unit = core::UnitId(unit);
    c.period = "202603";
    c.text = text;
    c.by = {"Maja Öberg", "enhetschef", "maja@ex.se"};
    c.at = "2026-03-31T12:00:00.000Z";
    c.command_id = std::move(command_id);
    return c;
}

DecisionEvent Decision(const std::string& id, const std::string& body, const std::string& text,
                       std::optional<std::string> command_id = std::nullopt) {
    DecisionEvent d;
    d.decision_id = id;
    d.ref = "§ 45/2026";
    d.body = core::UnitId(body);
    d.date = "2026-04-15";
    d.text = text;
    d.subject = contracts::DecisionSubject::kPlan;
    d.subject_ids = {"p1"};
    d.by = {"Siv Sjö", "nämndsekreterare", "siv@ex.se"};
    d.at = "2026-04-15T10:00:00.000Z";
    d.command_id = std::move(command_id);
    return d;
}

std::vector<std::string> Ids(const std::vector<MeasureRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.current.id.value());
    return out;
}

TEST(CaseBook, EmptyBookKnowsNothing) {
    CaseBook book;
    EXPECT_EQ(book.FindMeasure("m1"), nullptr);
    EXPECT_EQ(book.FindPlan("p1"), nullptr);
    EXPECT_EQ(book.FindDecision("NAM-45-2026"), nullptr);
    EXPECT_FALSE(book.HasCommand("cmd-1"));
    EXPECT_TRUE(book.MeasuresFor("budget:2026:ENH1").empty());
    EXPECT_TRUE(book.CommentsFor("ENH1").empty());
    EXPECT_TRUE(book.Units().empty());
}

TEST(CaseBook, MeasureTakesTheHigherVersionAndKeepsItsHistory) {
    CaseBook book;
    const auto v1 = Measure("m1", 1);
    const auto v2 = Measure("m1", 2, contracts::MeasureStatus::kDecided);
    EXPECT_TRUE(book.Apply(v1));
    EXPECT_TRUE(book.Apply(v2));
    const auto* r = book.FindMeasure("m1");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->version, 2);
    EXPECT_EQ(r->current, v2.measure);
    ASSERT_EQ(r->history.size(), 2U);
    EXPECT_EQ(r->history[0], v1);
    EXPECT_EQ(r->history[1], v2);

    // Read back after the writer applied them (or an older one arriving late): no change.
    EXPECT_FALSE(book.Apply(v1));
    EXPECT_FALSE(book.Apply(v2));
    auto same_version_other_text = v2;
    same_version_other_text.measure.text = "något annat";
    EXPECT_FALSE(book.Apply(same_version_other_text));
    r = book.FindMeasure("m1");
    EXPECT_EQ(r->version, 2);
    EXPECT_EQ(r->current.text, v2.measure.text);
    EXPECT_EQ(r->history.size(), 2U);

    // A later version applies even after a gap (the one between aged out or was never seen).
    const auto v4 = Measure("m1", 4, contracts::MeasureStatus::kDone);
    EXPECT_TRUE(book.Apply(v4));
    EXPECT_EQ(book.FindMeasure("m1")->version, 4);
    EXPECT_EQ(book.FindMeasure("m1")->current.status, contracts::MeasureStatus::kDone);
    EXPECT_EQ(book.FindMeasure("m1")->history.size(), 3U);
    EXPECT_EQ(book.measures().size(), 1U);
}

TEST(CaseBook, AmendedPlanKeepsEveryVersionInOrder) {
    CaseBook book;
    using S = contracts::PlanState;
    std::vector<PlanEvent> events = {
        Plan("p1", 1, S::kDraft, {"budget:2026:ENH1"}, {"m1"}),
        Plan("p1", 2, S::kProposed, {"budget:2026:ENH1"}, {"m1"}),
        Plan("p1", 3, S::kReferredBack, {"budget:2026:ENH1"}, {"m1"}),
        Plan("p1", 4, S::kReferredBack, {"budget:2026:ENH1"}, {"m1", "m2"}),
        Plan("p1", 5, S::kProposed, {"budget:2026:ENH1"}, {"m1", "m2"}),
        Plan("p1", 6, S::kDecided, {"budget:2026:ENH1"}, {"m1", "m2"}),
    };
    for (const auto& e : events) EXPECT_TRUE(book.Apply(e)) << e.version;
    for (const auto& e : events) EXPECT_FALSE(book.Apply(e)) << "again " << e.version;
    const auto* p = book.FindPlan("p1");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->version, 6);
    EXPECT_EQ(p->current.state, S::kDecided);
    EXPECT_EQ(p->current.title, "Plan v6");
    ASSERT_EQ(p->history.size(), events.size());
    for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(p->history[i], events[i]) << i;
    EXPECT_EQ(book.plans().size(), 1U);
}

TEST(CaseBook, PlanEventOlderThanTheOneHeldIsIgnored) {
    CaseBook book;
    EXPECT_TRUE(book.Apply(Plan("p1", 2, contracts::PlanState::kProposed, {"d"}, {"m1"})));
    EXPECT_FALSE(book.Apply(Plan("p1", 1, contracts::PlanState::kDraft, {"d"}, {})));
    EXPECT_EQ(book.FindPlan("p1")->current.state, contracts::PlanState::kProposed);
    EXPECT_EQ(book.FindPlan("p1")->history.size(), 1U);
}

TEST(CaseBook, CommentAppliesOncePerIdInTheOrderMade) {
    CaseBook book;
    const auto a = Comment("c-1", "ENH1", "Vikarier i mars");
    const auto b = Comment("c-2", "ENH2", "Inget att säga");
    const auto c = Comment("c-3", "ENH1", "Sjuktalen sjunker");
    EXPECT_TRUE(book.Apply(a));
    EXPECT_TRUE(book.Apply(b));
    EXPECT_FALSE(book.Apply(a));
    auto same_id = a;
    same_id.text = "en annan text med samma id";
    EXPECT_FALSE(book.Apply(same_id));
    EXPECT_TRUE(book.Apply(c));
    ASSERT_EQ(book.comments().size(), 3U);
    const auto enh1 = book.CommentsFor("ENH1");
    ASSERT_EQ(enh1.size(), 2U);
    EXPECT_EQ(enh1[0], a);
    EXPECT_EQ(enh1[1], c);
    EXPECT_EQ(book.CommentsFor("ENH2").size(), 1U);
    EXPECT_TRUE(book.CommentsFor("VER").empty());
}

TEST(CaseBook, DecisionAppliesOncePerId) {
    CaseBook book;
    const auto d = Decision("NAM-45-2026", "NAM", "Bifall");
    EXPECT_TRUE(book.Apply(d));
    EXPECT_FALSE(book.Apply(d));
    EXPECT_FALSE(book.Apply(Decision("NAM-45-2026", "NAM", "Ett annat beslut, samma id")));
    ASSERT_NE(book.FindDecision("NAM-45-2026"), nullptr);
    EXPECT_EQ(book.FindDecision("NAM-45-2026")->text, "Bifall");
    EXPECT_TRUE(book.Apply(Decision("NAM-46-2026", "NAM", "Avslag")));
    EXPECT_EQ(book.decisions().size(), 2U);
    EXPECT_EQ(book.FindDecision("NAM-47-2026"), nullptr);
}

TEST(CaseBook, RemembersTheCommandIdOfEveryEventEvenOneNotApplied) {
    CaseBook book;
    (void)book.Apply(Measure("m1", 1, contracts::MeasureStatus::kProposed, std::nullopt, "ENH1",
                             "VER", "cmd-measure"));
    (void)book.Apply(Comment("c-1", "ENH1", "text", "cmd-comment"));
    (void)book.Apply(Plan("p1", 1, contracts::PlanState::kDraft, {"d"}, {}, "cmd-plan"));
    (void)book.Apply(Decision("NAM-45-2026", "NAM", "text", "cmd-decision"));
    for (const char* id : {"cmd-measure", "cmd-comment", "cmd-plan", "cmd-decision"}) {
        EXPECT_TRUE(book.HasCommand(id)) << id;
    }
    EXPECT_FALSE(book.HasCommand("cmd-other"));
    EXPECT_FALSE(book.HasCommand(""));

    // An event that does not change the state (an old version) still names its command: a
    // command whose event was superseded is still one that was applied.
    EXPECT_FALSE(book.Apply(Measure("m1", 1, contracts::MeasureStatus::kProposed, std::nullopt,
                                    "ENH1", "VER", "cmd-late")));
    EXPECT_TRUE(book.HasCommand("cmd-late"));
    EXPECT_FALSE(book.Apply(Comment("c-1", "ENH1", "text", "cmd-late-comment")));
    EXPECT_TRUE(book.HasCommand("cmd-late-comment"));
}

TEST(CaseBook, MeasuresForADeviationDirectlyAndThroughAPlan) {
    CaseBook book;
    const std::string dev = "budget:2026:ENH1";
    (void)book.Apply(Measure("m-direct", 1, contracts::MeasureStatus::kProposed, dev));
    (void)book.Apply(Measure("m-in-plan", 1));  // no deviation of its own
    (void)book.Apply(Measure("m-both", 1, contracts::MeasureStatus::kProposed, dev));
    (void)book.Apply(Measure("m-other", 1, contracts::MeasureStatus::kProposed,
                             std::string("budget:2026:ENH2"), "ENH2"));
    (void)book.Apply(Measure("m-unrelated", 1));
    // A plan answering the deviation (and another one); it names a measure the book lacks.
    (void)book.Apply(Plan("p1", 1, contracts::PlanState::kDraft, {"forecast:2026:ENH1", dev},
                          {"m-in-plan", "m-both", "m-missing"}));
    (void)book.Apply(
        Plan("p2", 1, contracts::PlanState::kDraft, {"budget:2026:ENH2"}, {"m-unrelated"}));

    const auto found = book.MeasuresFor(dev);
    // Each once, by id; the measure the book does not hold is left out.
    EXPECT_EQ(Ids(found), (std::vector<std::string>{"m-both", "m-direct", "m-in-plan"}));
    EXPECT_EQ(Ids(book.MeasuresFor("forecast:2026:ENH1")),
              (std::vector<std::string>{"m-both", "m-in-plan"}));
    EXPECT_EQ(Ids(book.MeasuresFor("budget:2026:ENH2")),
              (std::vector<std::string>{"m-other", "m-unrelated"}));
    EXPECT_TRUE(book.MeasuresFor("budget:2026:ENH3").empty());

    // They are the records as they stand now (the latest version).
    (void)book.Apply(Measure("m-in-plan", 2, contracts::MeasureStatus::kDecided));
    for (const auto& r : book.MeasuresFor(dev)) {
        if (r.current.id.value() == "m-in-plan") {
            EXPECT_EQ(r.version, 2);
            EXPECT_EQ(r.current.status, contracts::MeasureStatus::kDecided);
        }
    }

    // A plan that no longer answers the deviation no longer brings its measures.
    (void)book.Apply(Plan("p1", 2, contracts::PlanState::kDraft, {"forecast:2026:ENH1"},
                          {"m-in-plan", "m-both"}));
    EXPECT_EQ(Ids(book.MeasuresFor(dev)), (std::vector<std::string>{"m-both", "m-direct"}));
}

TEST(CaseBook, UnitsAreEveryUnitTheBookTouches) {
    CaseBook book;
    (void)book.Apply(
        Measure("m1", 1, contracts::MeasureStatus::kProposed, std::nullopt, "ENH1", "VER"));
    EXPECT_EQ(book.Units(), (std::set<std::string>{"ENH1", "VER"}));
    (void)book.Apply(Plan("p1", 1, contracts::PlanState::kDraft, {"d"}, {"m1"}));
    (void)book.Apply(Comment("c-1", "ENH2", "text"));
    (void)book.Apply(Decision("KF-7-2026", "KF", "text"));
    EXPECT_EQ(book.Units(), (std::set<std::string>{"ENH1", "VER", "SEK", "NAM", "ENH2", "KF"}));
    // A measure moved to another area: the units as they stand now.
    auto moved =
        Measure("m1", 2, contracts::MeasureStatus::kProposed, std::nullopt, "ENH1", "ENH1");
    (void)book.Apply(moved);
    EXPECT_EQ(book.Units(), (std::set<std::string>{"ENH1", "SEK", "NAM", "ENH2", "KF"}));
}

}  // namespace
}  // namespace bfu::casework
