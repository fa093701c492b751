// Timetable reminders (reminders.hpp): who is reminded of what, from 08:00 Swedish time a
// number of working days before the event until the end of its day, once.
#include "bfu/notifier/reminders.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bfu/notifier/mime.hpp"
#include "bfu/notifier/planner.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/deviation_wire.hpp"
#include "bfu/text/swedish.hpp"
#include "notifier_fixture.hpp"

namespace bfu::notifier {
namespace {

using contracts::AlertAbout;

domain::Date Day(int month, int day) {
    return domain::Date::FromYmd(test::kYear, month, day).value();
}

core::TimePoint Local(int month, int day, int hour, int minute = 0) {
    return domain::FromStockholm(Day(month, day), hour, minute);
}

class Reminders : public ::testing::Test {
protected:
    void SetUp() override {
        master_ = test::StandardMaster();
        ASSERT_NE(master_, nullptr);
        auto tt = domain::BuildTimetable(test::kYear, {});
        ASSERT_TRUE(tt.ok()) << tt.error().ToString();
        timetable_ = std::move(tt).value();
    }

    // The reminders due at `now`; `submitted` units and rounds, `sent` alert ids.
    std::vector<Reminder> Due(core::TimePoint now,
                              const std::set<std::pair<std::string, int>>& submitted = {},
                              const std::set<std::string>& sent = {}) {
        return DueReminders(
            timetable_, *master_, now, ReminderPolicy{},
            [&](const std::string& unit, int round) {
                asked_.insert({unit, round});
                return submitted.count({unit, round}) != 0;
            },
            [&](const std::string& id) { return sent.count(id) != 0; });
    }

    // The recipients of the reminders about the event `key`.
    static std::vector<std::string> About(const std::vector<Reminder>& due,
                                          const std::string& key) {
        std::vector<std::string> out;
        const std::string prefix = "reminder." + key + "." + std::to_string(test::kYear) + ":";
        for (const auto& r : due) {
            if (r.alert_id.rfind(prefix, 0) == 0) out.push_back(r.to.email.value_or(""));
        }
        return out;
    }

    static const Reminder* Find(const std::vector<Reminder>& due, const std::string& id) {
        for (const auto& r : due) {
            if (r.alert_id == id) return &r;
        }
        return nullptr;
    }

    std::shared_ptr<const service::MasterData> master_;
    domain::Timetable timetable_;
    std::set<std::pair<std::string, int>> asked_;
};

TEST_F(Reminders, TheTimetableIsTheOneTheseTestsAssume) {
    // prognos-1: the last weekday of February; tertialrapport: Friday of ISO week 26.
    ASSERT_NE(timetable_.Find("prognos-1"), nullptr);
    EXPECT_EQ(timetable_.Find("prognos-1")->date, Day(2, 27));
    ASSERT_NE(timetable_.Find("tertialrapport"), nullptr);
    EXPECT_EQ(timetable_.Find("tertialrapport")->date, Day(6, 26));
    ASSERT_NE(timetable_.Find("apt-var"), nullptr);
    EXPECT_EQ(timetable_.Find("apt-var")->date, Day(5, 12));
    ASSERT_NE(timetable_.Find("kd-var"), nullptr);
    EXPECT_EQ(timetable_.Find("kd-var")->date, Day(6, 23));
}

TEST_F(Reminders, ForecastRoundRemindsEveryEnhetschefFrom0800TwoWorkingDaysBefore) {
    // Friday 27 February: reminders from Wednesday 25 February 08:00 (CET).
    EXPECT_TRUE(Due(Local(2, 24, 12)).empty());
    EXPECT_TRUE(Due(Local(2, 25, 7, 59)).empty());
    const auto due = Due(Local(2, 25, 8, 0));
    EXPECT_EQ(About(due, "prognos-1"), (std::vector<std::string>{"emil@ex.se", "maja@ex.se"}));
    EXPECT_EQ(due.size(), 2U) << "nothing else is due that day";
    const Reminder* maja = Find(due, "reminder.prognos-1.2026:maja-ex.se");
    ASSERT_NE(maja, nullptr);
    EXPECT_EQ(maja->about, AlertAbout::kForecastRound);
    EXPECT_EQ(maja->to, (contracts::Person{"Maja Öberg", "enhetschef", "maja@ex.se"}));
    EXPECT_EQ(maja->unit.value(), "ENH1");
    EXPECT_EQ(maja->data["mottagare"]["namn"], "Maja Öberg");
    EXPECT_EQ(maja->data["rubrik"], timetable_.Find("prognos-1")->title);
    EXPECT_EQ(maja->data["datum"], text::DateText(Day(2, 27)));
    EXPECT_EQ(maja->data["ar"], "2026");
    EXPECT_EQ(maja->data["enheter"], nlohmann::json::array({"Hemtjänst Öst (ENH1)"}));
    EXPECT_EQ(maja->data["har_enheter"], true);
    EXPECT_FALSE(maja->data["uppgift"].get<std::string>().empty());
    // Round 1 is what was asked about.
    EXPECT_EQ(asked_.count({"ENH1", 1}), 1U);
    EXPECT_EQ(asked_.count({"ENH2", 1}), 1U);

    // Still due on the event's day until its end; not the day after.
    EXPECT_EQ(About(Due(Local(2, 27, 23, 59)), "prognos-1").size(), 2U);
    EXPECT_TRUE(About(Due(Local(2, 28, 0, 0)), "prognos-1").empty());
    EXPECT_TRUE(About(Due(Local(3, 2, 8, 0)), "prognos-1").empty());
}

TEST_F(Reminders, ForecastRoundSkipsUnitsThatSubmittedAndRemindersAlreadySent) {
    const auto now = Local(2, 26, 9);
    EXPECT_EQ(About(Due(now, {{"ENH1", 1}}), "prognos-1"),
              (std::vector<std::string>{"emil@ex.se"}));
    // A submission for another round does not count.
    EXPECT_EQ(About(Due(now, {{"ENH1", 2}}), "prognos-1").size(), 2U);
    EXPECT_EQ(About(Due(now, {}, {"reminder.prognos-1.2026:maja-ex.se"}), "prognos-1"),
              (std::vector<std::string>{"emil@ex.se"}));
    EXPECT_TRUE(About(Due(now, {{"ENH1", 1}, {"ENH2", 1}}), "prognos-1").empty());
}

TEST_F(Reminders, ReportDeadlinesRemindSektorchefer) {
    // Friday 26 June; five working days before, midsommarafton (Friday 19 June) not counted:
    // Thursday 18 June.
    EXPECT_EQ(domain::AddWorkingDays(Day(6, 26), -5, {}), Day(6, 18));
    EXPECT_TRUE(About(Due(Local(6, 17, 23, 0)), "tertialrapport").empty());
    const auto due = Due(Local(6, 18, 8, 0));
    EXPECT_EQ(About(due, "tertialrapport"), (std::vector<std::string>{"sara@ex.se"}));
    const Reminder* sara = Find(due, "reminder.tertialrapport.2026:sara-ex.se");
    ASSERT_NE(sara, nullptr);
    EXPECT_EQ(sara->about, AlertAbout::kReportDeadline);
    EXPECT_EQ(sara->unit.value(), "SEK");
    EXPECT_EQ(sara->data["enheter"], nlohmann::json::array({"Sektor omsorg (SEK)"}));
    EXPECT_EQ(About(Due(Local(6, 26, 16)), "tertialrapport").size(), 1U);
    EXPECT_TRUE(About(Due(Local(6, 27, 8)), "tertialrapport").empty());
}

TEST_F(Reminders, DialogueStepsRemindTheirResponsibleManagers) {
    // Step 1, APT on Tuesday 12 May: enhetschefer from Tuesday 5 May.
    EXPECT_TRUE(About(Due(Local(5, 4, 12)), "apt-var").empty());
    EXPECT_EQ(About(Due(Local(5, 5, 8)), "apt-var"),
              (std::vector<std::string>{"emil@ex.se", "maja@ex.se"}));
    // Step 2 on Tuesday 26 May: verksamhetschefer, from Tuesday 19 May (Kristi himmelsfärd on
    // Thursday 14 May is before that).
    EXPECT_EQ(About(Due(Local(5, 19, 8)), "omrade-var"), (std::vector<std::string>{"olof@ex.se"}));
    EXPECT_TRUE(About(Due(Local(5, 18, 17)), "omrade-var").empty());
    // Step 4 with the kommundirektör on Tuesday 23 June: sektorchefer, five working days
    // before with midsommarafton (Friday 19 June) not counted: from Monday 15 June.
    EXPECT_EQ(domain::AddWorkingDays(Day(6, 23), -5, {}), Day(6, 15));
    EXPECT_TRUE(About(Due(Local(6, 12, 17)), "kd-var").empty());
    EXPECT_EQ(About(Due(Local(6, 15, 8)), "kd-var"), (std::vector<std::string>{"sara@ex.se"}));
    const auto due = Due(Local(6, 18, 8));
    EXPECT_EQ(About(due, "kd-var"), (std::vector<std::string>{"sara@ex.se"}));
    const Reminder* sara = Find(due, "reminder.kd-var.2026:sara-ex.se");
    ASSERT_NE(sara, nullptr);
    EXPECT_EQ(sara->about, AlertAbout::kDialogue);
    // The same day's report reminder to the same person is a separate reminder.
    EXPECT_NE(Find(due, "reminder.tertialrapport.2026:sara-ex.se"), nullptr);
}

TEST_F(Reminders, OneReminderPerPersonNamingAllTheirUnits) {
    // Maja manages both enheter.
    auto b = test::StandardBuilder();
    test::PutUnit(b, test::UnitRecord("ENH2", "VER", contracts::OrgLevel::kEnhet, "Hemtjänst Väst",
                                      "Maja Öberg", "enhetschef", "Maja@Ex.se", 1'000'000));
    master_ = test::NotifierMaster(b);
    ASSERT_NE(master_, nullptr);
    const auto due = Due(Local(2, 25, 9));
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].alert_id, "reminder.prognos-1.2026:maja-ex.se");
    EXPECT_EQ(due[0].data["enheter"],
              nlohmann::json::array({"Hemtjänst Öst (ENH1)", "Hemtjänst Väst (ENH2)"}));
    // One unit submitted: the reminder names only the other.
    const auto rest = Due(Local(2, 25, 9), {{"ENH1", 1}});
    ASSERT_EQ(rest.size(), 1U);
    EXPECT_EQ(rest[0].data["enheter"], nlohmann::json::array({"Hemtjänst Väst (ENH2)"}));
    EXPECT_EQ(rest[0].unit.value(), "ENH2");
}

TEST_F(Reminders, TheRenderedReminderIsSwedishAndNamesTheDate) {
    const auto due = Due(Local(2, 25, 9));
    ASSERT_FALSE(due.empty());
    auto templates = test::DefaultNotifierTemplates();
    ASSERT_NE(templates, nullptr);
    PlannerOptions o;
    o.from = "bfu <bfu@kommun.se>";
    const Planner planner(templates, nullptr, o);
    auto a = planner.Timetable(due[0].alert_id, due[0].about, due[0].to, due[0].unit, due[0].data,
                               Local(2, 25, 9));
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    EXPECT_EQ(a->alert_id, due[0].alert_id);
    EXPECT_EQ(a->status, contracts::AlertStatus::kPending);
    EXPECT_EQ(a->about, AlertAbout::kForecastRound);
    EXPECT_FALSE(a->deviation_id);
    EXPECT_EQ(a->message_id, AlertMessageId(due[0].alert_id, "kommun.se"));
    ASSERT_TRUE(a->content);
    EXPECT_NE(a->content->subject.find("27 februari 2026"), std::string::npos)
        << a->content->subject;
    EXPECT_NE(a->content->text.find("Hemtjänst"), std::string::npos) << a->content->text;
    EXPECT_TRUE(a->content->html);
}

// ---- S9: the action plan a deviation beyond the nämnd's mandate needs ------------------

class PlanReminders : public ::testing::Test {
protected:
    void SetUp() override {
        master_ = test::NotifierMaster();
        ASSERT_NE(master_, nullptr);
    }

    // ENH1's budget deviation opened at TestNow (Tuesday 31 March 2026, 14:00 CEST), folded
    // the way every reader of bfu.deviations folds it.
    std::vector<service::DeviationRecord> Open(std::int64_t deviation_ore) {
        service::DeviationFold fold;
        (void)fold.Apply(
            service::ToWire(test::BudgetEvent(domain::TransitionType::kOpened, deviation_ore,
                                              domain::Severity::kCritical, 1),
                            master_->org, test::TestNow(), std::nullopt));
        return fold.Open();
    }

    std::vector<Reminder> Due(const std::vector<service::DeviationRecord>& open,
                              core::TimePoint now, bool decided = false,
                              const std::set<std::string>& sent = {}) {
        return DuePlanReminders(
            open, *master_, now, ReminderPolicy{},
            [&](const std::string& id) {
                asked_.insert(id);
                return decided;
            },
            [&](const std::string& id) { return sent.count(id) != 0; });
    }

    std::shared_ptr<const service::MasterData> master_;
    std::set<std::string> asked_;
};

TEST_F(PlanReminders, TheSektorchefIsRemindedTenWorkingDaysAfterTheDeviationOpened) {
    // 4 000 000 kr over: beyond Omsorgsnämnden's mandate of 3 000 000 kr.
    const auto open = Open(400'000'000);
    ASSERT_EQ(open.size(), 1U);
    // Ten working days from Tuesday 31 March 14:00 over Easter (3 and 6 April are holidays):
    // Thursday 16 April 14:00.
    EXPECT_TRUE(Due(open, Local(4, 16, 13, 59)).empty());
    const auto due = Due(open, Local(4, 16, 14, 0));
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].about, AlertAbout::kPlanDue);
    EXPECT_EQ(due[0].to.email, "sara@ex.se");
    EXPECT_EQ(due[0].unit.value(), "SEK");
    EXPECT_EQ(due[0].alert_id.rfind("plan-due.", 0), 0U) << due[0].alert_id;
    EXPECT_NE(due[0].alert_id.find(".1:sara-ex.se"), std::string::npos) << due[0].alert_id;
    EXPECT_EQ(due[0].data["rubrik"], "Åtgärdsplan saknas för Hemtjänst Öst");
    const std::string text = due[0].data["beskrivning"];
    EXPECT_NE(text.find(text::SignedKr(400'000'000)), std::string::npos) << text;
    EXPECT_NE(text.find("Omsorgsnämnden"), std::string::npos) << text;
    EXPECT_EQ(asked_, std::set<std::string>{open[0].id().value()});
}

TEST_F(PlanReminders, ADecidedPlanOrASentReminderStopsIt) {
    const auto open = Open(400'000'000);
    const auto later = Local(4, 20, 9);
    ASSERT_EQ(Due(open, later).size(), 1U);
    EXPECT_TRUE(Due(open, later, /*decided=*/true).empty());
    const std::string id = Due(open, later)[0].alert_id;
    EXPECT_TRUE(Due(open, later, false, {id}).empty());
}

TEST_F(PlanReminders, NoPlanIsAskedWithinTheNamndsMandateOrForAFavourableDeviation) {
    const auto later = Local(5, 20, 9);
    // 2 000 000 kr: beyond the sektor's mandate, within the nämnd's.
    EXPECT_TRUE(Due(Open(200'000'000), later).empty());
    // 4 000 000 kr under budget.
    EXPECT_TRUE(Due(Open(-400'000'000), later).empty());
    // A closed deviation needs no plan.
    auto closed = Open(400'000'000);
    closed[0].open = false;
    EXPECT_TRUE(Due(closed, later).empty());
}

TEST_F(PlanReminders, TheReminderRendersInSwedish) {
    const auto due = Due(Open(400'000'000), Local(4, 16, 15));
    ASSERT_EQ(due.size(), 1U);
    auto templates = test::DefaultNotifierTemplates();
    ASSERT_NE(templates, nullptr);
    PlannerOptions o;
    o.from = "bfu <bfu@kommun.se>";
    const Planner planner(templates, nullptr, o);
    auto a = planner.Timetable(due[0].alert_id, due[0].about, due[0].to, due[0].unit, due[0].data,
                               Local(4, 16, 15));
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    ASSERT_TRUE(a->content);
    EXPECT_NE(a->content->subject.find("Åtgärdsplan saknas"), std::string::npos)
        << a->content->subject;
    EXPECT_NE(a->content->text.find("bfu plan propose"), std::string::npos) << a->content->text;
}

}  // namespace
}  // namespace bfu::notifier
