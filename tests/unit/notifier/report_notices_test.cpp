// Report notices (reminders.hpp, ReportNotices): a report announced on bfu.reports goes by
// e-mail to the nämnd's secretary (or its registrator's mailbox) and the sektorchef, a
// dialogunderlag also to its unit's manager; once per report and person; the message is
// Swedish, names the report, its period and as-of day, and lists the paths of its files.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "bfu/notifier/mime.hpp"
#include "bfu/notifier/planner.hpp"
#include "bfu/notifier/reminders.hpp"
#include "notifier_fixture.hpp"

namespace bfu::notifier {
namespace {

using contracts::AlertAbout;

contracts::ReportPublished Published(contracts::ReportKind kind, const std::string& id,
                                     const std::string& scope, const std::string& period,
                                     const std::string& as_of) {
    contracts::ReportPublished r;
    r.report_id = id;
    r.kind = kind;
    r.scope = core::UnitId(scope);
    r.year = test::kYear;
    r.period = period;
    r.as_of = as_of;
    const std::string stem = "/srv/bfu/rapporter/2026/" + id;
    r.files = {{contracts::FileFormat::kHtml, stem + ".html", std::nullopt},
               {contracts::FileFormat::kXlsx, stem + ".xlsx", std::nullopt},
               {contracts::FileFormat::kPdf, stem + ".pdf", std::nullopt}};
    return r;
}

std::vector<std::string> To(const std::vector<Reminder>& notices) {
    std::vector<std::string> out;
    for (const auto& n : notices) out.push_back(n.to.email.value_or(""));
    return out;
}

class ReportNoticesTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto b = test::NotifierBuilder();
        // The nämnd's secretary, who also records its decisions.
        auto nam = test::UnitRecord("NAM", "KF", contracts::OrgLevel::kNamnd, "Omsorgsnämnden",
                                    "Per Holm", "ordförande", "per@ex.se", 300'000'000);
        nam.mailbox = test::kMailbox;
        nam.secretary = contracts::Person{"Stina Ek", "nämndsekreterare", "Stina.Ek@ex.se"};
        test::PutUnit(b, nam);
        master_ = test::NotifierMaster(b);
        ASSERT_NE(master_, nullptr);
        plain_ = test::NotifierMaster();  // the nämnd names no secretary, only its mailbox
        ASSERT_NE(plain_, nullptr);
    }

    std::vector<Reminder> Notices(const contracts::ReportPublished& r,
                                  const std::set<std::string>& sent = {}) {
        return ReportNotices(r, *master_,
                             [&](const std::string& id) { return sent.count(id) != 0; });
    }

    std::shared_ptr<const service::MasterData> master_;
    std::shared_ptr<const service::MasterData> plain_;
};

TEST_F(ReportNoticesTest, ATertialrapportOfANamndGoesToItsSecretaryAndTheSektorchef) {
    const auto r =
        Published(contracts::ReportKind::kTertial, "tertialrapport.NAM.2026-04.2026-06-25", "NAM",
                  "202604", "2026-06-25T23:59:59+02:00");
    const auto notices = Notices(r);
    EXPECT_EQ(To(notices), (std::vector<std::string>{"Stina.Ek@ex.se", "sara@ex.se"}));
    ASSERT_EQ(notices.size(), 2U);
    EXPECT_EQ(notices[0].alert_id, "report.tertialrapport.NAM.2026-04.2026-06-25:stina.ek-ex.se");
    EXPECT_EQ(notices[0].about, AlertAbout::kReportDeadline);
    EXPECT_EQ(notices[0].templates, "rapport");
    EXPECT_EQ(notices[0].unit.value(), "NAM");
    EXPECT_EQ(notices[0].data["rubrik"], "Tertialrapport januari–april 2026 – Omsorgsnämnden");
    EXPECT_EQ(notices[0].data["per"], "25 juni 2026");
    EXPECT_EQ(notices[0].data["filer"].size(), 3U);
}

TEST_F(ReportNoticesTest, WithoutASecretaryTheNamndsMailboxGetsIt) {
    const auto r = Published(contracts::ReportKind::kDelar, "delarsrapport.NAM.2026-08.2026-10-15",
                             "NAM", "202608", "2026-10-15T23:59:59+02:00");
    const auto notices = ReportNotices(r, *plain_, [](const std::string&) { return false; });
    EXPECT_EQ(To(notices), (std::vector<std::string>{test::kMailbox, "sara@ex.se"}));
}

TEST_F(ReportNoticesTest, ADialogunderlagAlsoGoesToTheManagerWhoLeadsTheDialogue) {
    const auto r =
        Published(contracts::ReportKind::kDialogue, "dialogunderlag.ENH1.2026-04.2026-05-11",
                  "ENH1", "202604", "2026-05-11T23:59:59+02:00");
    const auto notices = Notices(r);
    EXPECT_EQ(To(notices),
              (std::vector<std::string>{"Stina.Ek@ex.se", "sara@ex.se", "maja@ex.se"}));
    for (const auto& n : notices) EXPECT_EQ(n.about, AlertAbout::kDialogue);
}

TEST_F(ReportNoticesTest, AReportOfKfGoesToEverySektorchefUnderIt) {
    const auto r =
        Published(contracts::ReportKind::kArsredovisning, "arsredovisning.KF.2026-12.2027-05-06",
                  "KF", "202612", "2027-05-06T23:59:59+02:00");
    // KF names no secretary and no mailbox: the sektorchefs under it.
    EXPECT_EQ(To(Notices(r)), (std::vector<std::string>{"sara@ex.se"}));
}

TEST_F(ReportNoticesTest, EachPersonGetsAReportOnceAndAnUnknownScopeNobody) {
    const auto r = Published(contracts::ReportKind::kSectorSummary,
                             "sektorssammanfattning.SEK.2026-02.2026-02-27", "SEK", "202602",
                             "2026-02-27T23:59:59+01:00");
    const auto first = Notices(r);
    ASSERT_EQ(first.size(), 2U);
    EXPECT_EQ(first[1].about, AlertAbout::kForecastRound);
    const auto again = Notices(r, {first[0].alert_id});
    EXPECT_EQ(To(again), (std::vector<std::string>{"sara@ex.se"}));
    auto unknown = r;
    unknown.scope = core::UnitId("NOPE");
    EXPECT_TRUE(Notices(unknown).empty());
}

TEST_F(ReportNoticesTest, TheMessageIsSwedishAndListsTheFiles) {
    const auto r =
        Published(contracts::ReportKind::kTertial, "tertialrapport.NAM.2026-04.2026-06-25", "NAM",
                  "202604", "2026-06-25T23:59:59+02:00");
    const auto notices = Notices(r);
    ASSERT_FALSE(notices.empty());
    auto templates = test::DefaultNotifierTemplates();
    ASSERT_NE(templates, nullptr);
    PlannerOptions o;
    o.from = "bfu <bfu@kommun.se>";
    const Planner planner(templates, nullptr, o);
    const auto& n = notices[0];
    const auto now = domain::FromStockholm(*domain::Date::FromYmd(2026, 6, 26), 0, 1);
    auto a = planner.Timetable(n.alert_id, n.about, n.to, n.unit, n.data, now, n.templates);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    EXPECT_EQ(a->about, AlertAbout::kReportDeadline);
    EXPECT_EQ(a->channel, contracts::AlertChannel::kEmail);
    EXPECT_EQ(a->message_id, AlertMessageId(n.alert_id, "kommun.se"));
    ASSERT_TRUE(a->content);
    EXPECT_EQ(a->content->subject,
              "Tertialrapport januari–april 2026 – Omsorgsnämnden är klar (läget per 25 juni "
              "2026)");
    const std::string& body = a->content->text;
    EXPECT_NE(body.find("Hej Stina Ek!"), std::string::npos) << body;
    EXPECT_NE(body.find("sekreterare i Omsorgsnämnden"), std::string::npos) << body;
    EXPECT_NE(body.find("- webbsida (HTML): /srv/bfu/rapporter/2026/"
                        "tertialrapport.NAM.2026-04.2026-06-25.html"),
              std::string::npos)
        << body;
    EXPECT_NE(body.find("- Excel (XLSX): "), std::string::npos) << body;
    EXPECT_NE(body.find("- PDF: "), std::string::npos) << body;
    // No English word of the contract's kinds or formats.
    for (const char* word : {"tertial ", "report", "html:", "xlsx:", "sector"}) {
        EXPECT_EQ(body.find(word), std::string::npos) << word << " in " << body;
    }
    ASSERT_TRUE(a->content->html);
    const std::string& html = *a->content->html;
    EXPECT_NE(html.find("<html lang=\"sv\">"), std::string::npos);
    EXPECT_NE(html.find("<th scope=\"col\">Fil</th>"), std::string::npos);
    EXPECT_NE(html.find("tertialrapport.NAM.2026-04.2026-06-25.pdf"), std::string::npos);
}

}  // namespace
}  // namespace bfu::notifier
