// The decide stage's contracts (casework.hpp): every field set in C++ survives encode -> schema
// -> decode; the schemas' if/then rules are the decoder's; long texts keep their line breaks and
// nothing else; and what the decide stage added elsewhere (an org unit's secretary, a forecast
// with its measures, a budget key per revision).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "bfu/contracts/contracts.hpp"
#include "bfu/core/clock.hpp"
#include "test_support.hpp"

namespace bfu::contracts {
namespace {

using test::ReadJson;
using test::SchemasDir;

const Person kAnna{"Anna Lind", "enhetschef", "anna.lind@kommun.example"};
const Person kEva{"Eva Berg", "n\xC3\xA4mndsekreterare", std::nullopt};

// Encodes, checks the schema, decodes and compares; also through the envelope.
template <typename T>
void ExpectRoundTrip(const T& value, const std::string& schema_name) {
    const nlohmann::json j = value.ToJson();
    test::SchemaValidator schema(schema_name);
    EXPECT_EQ(schema.Validate(j), "") << j.dump();
    auto back = T::FromJson(j);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(back.value(), value);
    const std::string text = EncodeMessage(
        value, {"id-1", "bfu/casework", core::FromUnixMillis(1774958400000), value.Key()});
    auto enveloped = DecodeMessage<T>(text);
    ASSERT_TRUE(enveloped.ok()) << enveloped.error().ToString();
    EXPECT_EQ(enveloped.value(), value);
}

MeasureEvent FullMeasureEvent() {
    MeasureEvent e;
    e.event = MeasureEventKind::kStatus;
    e.measure.id = core::MeasureId("m-2026-0012");
    e.measure.deviation_id = core::DeviationId("budget:2026:HT-NORR");
    e.measure.unit = core::UnitId("HT-NORR");
    e.measure.area = core::UnitId("HT-NORR-NATT");
    e.measure.text = "Gemensamt helgschema.\r\nTimbank.\nUppf\xC3\xB6ljs varje m\xC3\xA5nad.";
    e.measure.responsible = kAnna;
    e.measure.effect_ore_per_month = -4'500'000;
    e.measure.from_period = "202605";
    e.measure.to_period = "202612";
    e.measure.status = MeasureStatus::kDecided;
    e.measure.plan_id = "plan-2026-HT-1";
    e.measure.decision_ref = "SON \xC2\xA7 45/2026";
    e.version = 3;
    e.by = kEva;
    e.at = "2026-06-15T15:05:00+02:00";
    e.comment = "Beslutad av socialn\xC3\xA4mnden.";
    e.command_id = "son:2026-06-15:45";
    return e;
}

DecisionEvent BudgetRevisionDecision() {
    DecisionEvent d;
    d.decision_id = "KF:2026:7";
    d.ref = "KF \xC2\xA7 7/2026";
    d.body = core::UnitId("KF");
    d.date = "2026-09-28";
    d.meeting = "Kommunfullm\xC3\xA4ktige 28 september";
    d.text = "Kommunfullm\xC3\xA4ktige beslutar\n1. om till\xC3\xA4ggsbudget.";
    d.subject = DecisionSubject::kBudgetRevision;
    d.outcome = DecisionOutcome::kApproved;
    d.year = 2026;
    d.revision = 2;
    d.budget = {{core::UnitId("HT-NORR"), "50", 1'320'000'000},
                {core::UnitId("HT-SODER"), "personal", -5'000'000}};
    d.by = kEva;
    d.at = "2026-09-28T20:15:00Z";
    d.command_id = "kf-2026-7";
    return d;
}

TEST(ContractsCasework, TypesTopicsAndKeys) {
    EXPECT_EQ(MeasureEvent::kType, "se.bfu.casework.measure.v1");
    EXPECT_EQ(CommentEvent::kType, "se.bfu.casework.comment.v1");
    EXPECT_EQ(PlanEvent::kType, "se.bfu.casework.plan.v1");
    EXPECT_EQ(DecisionEvent::kType, "se.bfu.casework.decision.v1");
    EXPECT_EQ(MeasureEvent::kTopic, "bfu.casework.measures");
    EXPECT_EQ(CommentEvent::kTopic, "bfu.casework.comments");
    EXPECT_EQ(PlanEvent::kTopic, "bfu.casework.plans");
    EXPECT_EQ(DecisionEvent::kTopic, "bfu.casework.decisions");
    EXPECT_EQ(FullMeasureEvent().Key(), "m-2026-0012");
    EXPECT_EQ(BudgetRevisionDecision().Key(), "KF:2026:7");
    for (const char* name : {"measure-event", "comment-event", "plan-event", "decision-event"}) {
        const MessageInfo* info = FindMessageByName(name);
        ASSERT_NE(info, nullptr) << name;
        EXPECT_EQ(FindMessageByType(info->type), info);
    }
}

TEST(ContractsCasework, WireNamesOfTheEnums) {
    EXPECT_EQ(ToString(MeasureStatus::kProposed), "foreslagen");
    EXPECT_EQ(ToString(MeasureStatus::kOngoing), "pagar");
    EXPECT_EQ(ToString(MeasureStatus::kDone), "genomford");
    EXPECT_EQ(ParseEnum<MeasureStatus>("avbruten"), MeasureStatus::kCancelled);
    EXPECT_FALSE(ParseEnum<MeasureStatus>("f\xC3\xB6reslagen").has_value());
    EXPECT_EQ(ToString(PlanState::kReferredBack), "aterremitterad");
    EXPECT_EQ(ToString(PlanEventKind::kReferredBack), "referred_back");
    EXPECT_EQ(ToString(DecisionSubject::kBudgetRevision), "budget_revision");
    EXPECT_EQ(ToString(DecisionOutcome::kReferredBack), "aterremiss");
    EXPECT_EQ(ToString(CommentSubject::kHr), "hr");
}

TEST(ContractsCasework, MeasureEventWithEveryField) {
    const MeasureEvent e = FullMeasureEvent();
    const nlohmann::json j = e.ToJson();
    EXPECT_EQ(j["event"], "status");
    EXPECT_EQ(j["measure"]["id"], "m-2026-0012");
    EXPECT_EQ(j["measure"]["deviationId"], "budget:2026:HT-NORR");
    EXPECT_EQ(j["measure"]["effectOrePerMonth"], -4'500'000);
    EXPECT_EQ(j["measure"]["status"], "beslutad");
    EXPECT_EQ(j["measure"]["toPeriod"], "202612");
    EXPECT_EQ(j["measure"]["planId"], "plan-2026-HT-1");
    EXPECT_EQ(j["commandId"], "son:2026-06-15:45");
    ExpectRoundTrip(e, "measure-event");

    // The optional pieces absent: not written, and still valid.
    MeasureEvent m = e;
    m.measure.deviation_id.reset();
    m.measure.to_period.reset();
    m.measure.plan_id.reset();
    m.measure.decision_ref.reset();
    m.comment.reset();
    m.command_id.reset();
    m.measure.effect_ore_per_month = std::numeric_limits<std::int64_t>::min();
    const nlohmann::json mj = m.ToJson();
    for (const char* key : {"deviationId", "toPeriod", "planId", "decisionRef"}) {
        EXPECT_FALSE(mj["measure"].contains(key)) << key;
    }
    EXPECT_FALSE(mj.contains("comment"));
    EXPECT_FALSE(mj.contains("commandId"));
    ExpectRoundTrip(m, "measure-event");
}

TEST(ContractsCasework, FromAfterToIsLeftToTheDomain) {
    MeasureEvent e = FullMeasureEvent();
    e.measure.from_period = "202610";
    e.measure.to_period = "202603";
    ExpectRoundTrip(e, "measure-event");
}

TEST(ContractsCasework, CommentEventWithEveryField) {
    CommentEvent c;
    c.comment_id = "c-2026-04-HT-NORR-2";
    c.unit = core::UnitId("HT-NORR");
    c.period = "202604";
    c.subject = CommentSubject::kDeviation;
    c.deviation_id = core::DeviationId("budget:2026:HT-NORR");
    c.goal_id = "G-2026-1";
    c.text = "Sjukfr\xC3\xA5nvaro.\r\nSe \xC3\xA5tg\xC3\xA4rd m-2026-0012.";
    c.by = kAnna;
    c.at = "2026-05-06T16:25:00Z";
    c.command_id = "web:0c1d2e3f";
    EXPECT_EQ(c.Key(), "HT-NORR");
    const nlohmann::json j = c.ToJson();
    EXPECT_EQ(j["commentId"], "c-2026-04-HT-NORR-2");
    EXPECT_EQ(j["subject"], "deviation");
    EXPECT_EQ(j["goalId"], "G-2026-1");
    ExpectRoundTrip(c, "comment-event");

    CommentEvent plain = c;
    plain.subject = CommentSubject::kOutcome;
    plain.deviation_id.reset();
    plain.goal_id.reset();
    plain.command_id.reset();
    const nlohmann::json pj = plain.ToJson();
    EXPECT_FALSE(pj.contains("deviationId"));
    EXPECT_FALSE(pj.contains("goalId"));
    EXPECT_FALSE(pj.contains("commandId"));
    ExpectRoundTrip(plain, "comment-event");
}

TEST(ContractsCasework, PlanEventWithEveryField) {
    PlanEvent p;
    p.event = PlanEventKind::kDecided;
    p.plan.id = "plan-2026-HT-1";
    p.plan.sektor = core::UnitId("VO-HT");
    p.plan.body = core::UnitId("SON");
    p.plan.title = "\xC3\x85tg\xC3\xA4rdsplan hemtj\xC3\xA4nsten 2026";
    p.plan.text = "Underskott 2,3 mnkr.\n\n1. Helgschema.\n2. Timbank.";
    p.plan.deviations = {core::DeviationId("budget:2026:HT-NORR"),
                         core::DeviationId("forecast:2026:HT-SODER")};
    p.plan.measures = {core::MeasureId("m-2026-0012"), core::MeasureId("m-2026-0013")};
    p.plan.state = PlanState::kDecided;
    p.plan.decision_ref = "SON \xC2\xA7 45/2026";
    p.version = 4;
    p.by = kEva;
    p.at = "2026-06-15T15:10:00Z";
    p.comment = "Bifall enligt f\xC3\xB6rslag.";
    p.command_id = "son:2026-06-15:45";
    EXPECT_EQ(p.Key(), "plan-2026-HT-1");
    const nlohmann::json j = p.ToJson();
    EXPECT_EQ(j["event"], "decided");
    EXPECT_EQ(j["plan"]["state"], "beslutad");
    EXPECT_EQ(j["plan"]["deviations"][1], "forecast:2026:HT-SODER");
    EXPECT_EQ(j["plan"]["measures"].size(), 2U);
    ExpectRoundTrip(p, "plan-event");

    // A draft without measures still writes the (empty) list: the schema requires it.
    PlanEvent draft = p;
    draft.event = PlanEventKind::kDrafted;
    draft.plan.state = PlanState::kDraft;
    draft.plan.measures.clear();
    draft.plan.decision_ref.reset();
    draft.comment.reset();
    draft.command_id.reset();
    draft.version = 1;
    const nlohmann::json dj = draft.ToJson();
    EXPECT_EQ(dj["plan"]["measures"], nlohmann::json::array());
    EXPECT_FALSE(dj["plan"].contains("decisionRef"));
    ExpectRoundTrip(draft, "plan-event");

    // No deviation: refused by both.
    PlanEvent none = draft;
    none.plan.deviations.clear();
    auto decoded = PlanEvent::FromJson(none.ToJson());
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().field, "/plan/deviations");
    EXPECT_NE(test::SchemaValidator("plan-event").Validate(none.ToJson()), "");
}

TEST(ContractsCasework, DecisionEventBudgetRevisionAndOnPlans) {
    const DecisionEvent d = BudgetRevisionDecision();
    const nlohmann::json j = d.ToJson();
    EXPECT_EQ(j["subject"], "budget_revision");
    EXPECT_EQ(j["outcome"], "bifall");
    EXPECT_EQ(j["revision"], 2);
    EXPECT_EQ(j["budget"][1],
              (nlohmann::json{
                  {"unit", "HT-SODER"}, {"accountGroup", "personal"}, {"annualOre", -5'000'000}}));
    EXPECT_FALSE(j.contains("subjectIds"));
    ExpectRoundTrip(d, "decision-event");

    DecisionEvent on_plan = d;
    on_plan.subject = DecisionSubject::kPlan;
    on_plan.outcome = DecisionOutcome::kReferredBack;
    on_plan.subject_ids = {"plan-2026-HT-1"};
    on_plan.year.reset();
    on_plan.revision.reset();
    on_plan.budget.clear();
    on_plan.meeting.reset();
    on_plan.command_id.reset();
    const nlohmann::json pj = on_plan.ToJson();
    EXPECT_EQ(pj["subjectIds"], (nlohmann::json{"plan-2026-HT-1"}));
    for (const char* key : {"year", "revision", "budget", "meeting", "commandId"}) {
        EXPECT_FALSE(pj.contains(key)) << key;
    }
    ExpectRoundTrip(on_plan, "decision-event");
}

// The schema's if/then rules, as the decoder reports them: on the first missing property.
TEST(ContractsCasework, ConditionalRequirementsAreTheDecoders) {
    struct Case {
        nlohmann::json value;
        std::string field;
        std::string says;
    };
    const nlohmann::json revision = BudgetRevisionDecision().ToJson();
    nlohmann::json no_budget = revision;
    no_budget.erase("budget");
    nlohmann::json no_year = revision;
    no_year.erase("year");
    nlohmann::json no_revision = revision;
    no_revision.erase("revision");
    nlohmann::json plan_without_ids = revision;
    plan_without_ids["subject"] = "plan";
    nlohmann::json measure_without_ids = revision;
    measure_without_ids["subject"] = "measure";
    const std::vector<Case> decisions = {
        {no_budget, "/budget", "subject is \"budget_revision\""},
        {no_year, "/year", "subject is \"budget_revision\""},
        {no_revision, "/revision", "subject is \"budget_revision\""},
        {plan_without_ids, "/subjectIds", "subject is \"plan\""},
        {measure_without_ids, "/subjectIds", "subject is \"measure\""},
    };
    test::SchemaValidator decision_schema("decision-event");
    for (const auto& c : decisions) {
        SCOPED_TRACE(c.value.dump());
        auto decoded = DecisionEvent::FromJson(c.value);
        ASSERT_FALSE(decoded.ok());
        EXPECT_EQ(decoded.error().field, c.field);
        EXPECT_NE(decoded.error().message.find(c.says), std::string::npos)
            << decoded.error().message;
        EXPECT_NE(decision_schema.Validate(c.value), "");
    }

    // A plan decision with a budget is not a budget revision: the budget rules do not apply,
    // and a budget revision may name what it follows from.
    nlohmann::json plan_with_budget = revision;
    plan_with_budget["subject"] = "plan";
    plan_with_budget["subjectIds"] = {"plan-2026-HT-1"};
    plan_with_budget.erase("year");
    EXPECT_TRUE(DecisionEvent::FromJson(plan_with_budget).ok());
    EXPECT_EQ(decision_schema.Validate(plan_with_budget), "");

    // A comment names its deviation or goal when it has one; the schema does not require it.
    nlohmann::json goal_without_id =
        ReadJson(SchemasDir() / "examples/comment-event/valid-deviation.json");
    goal_without_id.erase("deviationId");
    goal_without_id["subject"] = "goal";
    EXPECT_TRUE(CommentEvent::FromJson(goal_without_id).ok());
    EXPECT_EQ(test::SchemaValidator("comment-event").Validate(goal_without_id), "");
}

TEST(ContractsCasework, LongTextsKeepLineBreaksAndRefuseOtherControlCharacters) {
    const nlohmann::json measure =
        ReadJson(SchemasDir() / "examples/measure-event/valid-proposed.json");
    test::SchemaValidator schema("measure-event");
    for (const std::string ok : {"rad 1\nrad 2", "rad 1\r\nrad 2\r\n", "\n", "\xC3\xA5\xC3\xA4"}) {
        nlohmann::json j = measure;
        j["measure"]["text"] = ok;
        EXPECT_TRUE(MeasureEvent::FromJson(j).ok()) << nlohmann::json(ok).dump();
        EXPECT_EQ(schema.Validate(j), "") << nlohmann::json(ok).dump();
    }
    for (const std::string& bad :
         {std::string("a\tb"), std::string("a\0b", 3), std::string("a\x0B"), std::string("a\x0C"),
          std::string("a\x1F"), std::string("a\x7F")}) {
        SCOPED_TRACE(nlohmann::json(bad).dump());
        nlohmann::json j = measure;
        j["measure"]["text"] = bad;
        auto decoded = MeasureEvent::FromJson(j);
        ASSERT_FALSE(decoded.ok());
        EXPECT_EQ(decoded.error().field, "/measure/text");
        EXPECT_NE(decoded.error().message.find("control characters other than line breaks"),
                  std::string::npos)
            << decoded.error().message;
        EXPECT_EQ(decoded.error().message.find_first_of(std::string("\t\x0B\x0C\x1F\x7F\0", 6)),
                  std::string::npos);
        EXPECT_NE(schema.Validate(j), "");
    }
    // The short texts are one line.
    nlohmann::json j = measure;
    j["comment"] = "rad 1\nrad 2";
    auto decoded = MeasureEvent::FromJson(j);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().field, "/comment");
    EXPECT_NE(decoded.error().message.find("(such as line breaks)"), std::string::npos);
}

TEST(ContractsCasework, OrgUnitSecretary) {
    auto unit =
        OrgUnit::FromJson(ReadJson(SchemasDir() / "examples/org-unit/valid-namnd-secretary.json"));
    ASSERT_TRUE(unit.ok()) << unit.error().ToString();
    ASSERT_TRUE(unit->secretary.has_value());
    EXPECT_EQ(unit->secretary->name, "Eva Berg");
    ExpectRoundTrip(unit.value(), "org-unit");
    OrgUnit without = unit.value();
    without.secretary.reset();
    EXPECT_FALSE(without.ToJson().contains("secretary"));
    nlohmann::json bad = unit->ToJson();
    bad["secretary"]["name"] = "Eva\r\nBerg";
    auto refused = OrgUnit::FromJson(bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "/secretary/name");
}

TEST(ContractsCasework, ForecastWithMeasures) {
    auto f =
        Forecast::FromJson(ReadJson(SchemasDir() / "examples/forecast/valid-with-measures.json"));
    ASSERT_TRUE(f.ok()) << f.error().ToString();
    ASSERT_TRUE(f->measures_effect_ore.has_value());
    ASSERT_TRUE(f->with_measures_ore.has_value());
    EXPECT_EQ(*f->with_measures_ore, f->total_ore + *f->measures_effect_ore);
    const nlohmann::json j = f->ToJson();
    EXPECT_EQ(j["measuresEffectOre"], -36'000'000);
    ExpectRoundTrip(f.value(), "forecast");
    Forecast plain = f.value();
    plain.measures_effect_ore.reset();
    plain.with_measures_ore.reset();
    EXPECT_FALSE(plain.ToJson().contains("measuresEffectOre"));
    EXPECT_FALSE(plain.ToJson().contains("withMeasuresOre"));
}

TEST(ContractsCasework, BudgetKeyCarriesTheRevision) {
    auto b =
        Budget::FromJson(ReadJson(SchemasDir() / "examples/budget/valid-personnel-revised.json"));
    ASSERT_TRUE(b.ok()) << b.error().ToString();
    EXPECT_EQ(b->Key(), "2026:SKOLA-1:50:1");
    Budget first = b.value();
    first.revision.no = 0;
    EXPECT_EQ(first.Key(), "2026:SKOLA-1:50:0");
    EXPECT_NE(first.Key(), b->Key());  // both revisions survive compaction
}

}  // namespace
}  // namespace bfu::contracts
