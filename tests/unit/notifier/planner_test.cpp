// The planner (planner.hpp): who is told what about a deviation event, on which channel, with
// which Message-ID and links, rendered with the default Swedish templates; the daily digest,
// the live message, and timetable messages. Also: no English word in any text people read.
#include "bfu/notifier/planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "bfu/domain/timetable.hpp"
#include "bfu/notifier/casework_index.hpp"
#include "bfu/notifier/message.hpp"
#include "bfu/notifier/mime.hpp"
#include "bfu/notifier/reminders.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/escalator.hpp"
#include "bfu/text/swedish.hpp"
#include "contracts/test_support.hpp"
#include "notifier_fixture.hpp"

namespace bfu::notifier {
namespace {

using contracts::Alert;
using contracts::AlertAbout;
using contracts::AlertChannel;
using contracts::AlertStatus;
using contracts::DeviationEvent;
using contracts::DeviationEventKind;
using domain::Severity;
using domain::TransitionType;
using nlohmann::json;

constexpr const char* kFrom = "Budgetuppföljning <bfu@kommun.se>";
constexpr const char* kDomain = "kommun.se";
constexpr const char* kLinksBase = "https://bfu.kommun.se";
constexpr const char* kLinkPrefix = "https://bfu.kommun.se/svar?t=";
constexpr const char* kDeviation = "budget:2026:ENH1";

std::size_t Count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + needle.size())) {
        ++n;
    }
    return n;
}

bool Contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The tokens of every answer link in `text`.
std::vector<std::string> Tokens(const std::string& text) {
    std::vector<std::string> out;
    const std::string prefix = kLinkPrefix;
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
        std::size_t end = at + prefix.size();
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 ||
                                     text[end] == '-' || text[end] == '_' || text[end] == '.')) {
            ++end;
        }
        out.push_back(text.substr(at + prefix.size(), end - at - prefix.size()));
    }
    return out;
}

// The contract's command id: ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$.
bool IsCommandId(const std::string& s) {
    static const std::regex kPattern("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$");
    return std::regex_match(s, kPattern);
}

// Who an alert goes to: "email:<address>" or "webhook:<url>".
std::string Target(const Alert& a) {
    if (a.channel == AlertChannel::kWebhook) return "webhook:" + (a.webhook ? a.webhook->url : "");
    return std::string(contracts::ToString(a.channel)) + ":" +
           Lower(a.recipient.email.value_or(""));
}

std::set<std::string> Targets(const std::vector<Alert>& alerts) {
    std::set<std::string> out;
    for (const auto& a : alerts) out.insert(Target(a));
    return out;
}

const Alert* ByTarget(const std::vector<Alert>& alerts, const std::string& target) {
    for (const auto& a : alerts) {
        if (Target(a) == target) return &a;
    }
    return nullptr;
}

std::vector<AlertState> StatesOf(const std::vector<Alert>& alerts) {
    AlertFold fold;
    for (const auto& a : alerts) (void)fold.Apply(a);
    if (alerts.empty() || !alerts.front().deviation_id) return {};
    return fold.ForDeviation(alerts.front().deviation_id->value());
}

class PlannerTest : public ::testing::Test {
protected:
    void SetUp() override {
        master_ = test::NotifierMaster();
        ASSERT_NE(master_, nullptr);
        templates_ = test::DefaultNotifierTemplates();
        ASSERT_NE(templates_, nullptr);
        signer_ = std::make_shared<const LinkSigner>("nyckel-till-svarslankar-2026");
    }

    [[nodiscard]] Planner MakePlanner(bool links = true, bool digest = true) const {
        PlannerOptions o;
        o.from = kFrom;
        if (links) o.links_base = kLinksBase;
        o.digest = digest;
        return Planner(templates_, links ? signer_ : nullptr, o);
    }

    [[nodiscard]] DeviationEvent Wire(const domain::DeviationEvent& e,
                                      core::TimePoint now = test::TestNow()) const {
        return service::ToWire(e, master_->org, now, std::nullopt);
    }

    // The opened event beyond the enhet's and the verksamhet's mandates (600 000 kr): the
    // sektor is responsible; VER, SEK, NAM and FORV are told.
    [[nodiscard]] DeviationEvent OpenedBeyondTwoMandates() const {
        return Wire(test::BudgetEvent(TransitionType::kOpened, 60'000'000, Severity::kCritical, 1));
    }

    std::vector<Alert> Plan(const Planner& planner, const DeviationEvent& e,
                            const std::vector<AlertState>& earlier = {},
                            core::TimePoint now = test::TestNow(), const json* casework = nullptr) {
        auto alerts = planner.ForEvent(e, master_.get(), earlier, now, casework);
        EXPECT_TRUE(alerts.ok()) << alerts.error().ToString();
        if (!alerts.ok()) return {};
        for (const auto& a : *alerts) {
            SCOPED_TRACE(a.alert_id);
            // Every record is valid on bfu.alerts and decodes back as it was.
            const json j = a.ToJson();
            EXPECT_EQ(alert_schema_.Validate(j), "");
            auto back = Alert::FromJson(j);
            EXPECT_TRUE(back.ok()) << (back.ok() ? "" : back.error().ToString());
            if (back.ok()) {
                EXPECT_EQ(*back, a);
            }
            if (a.channel == AlertChannel::kWebhook && a.content && a.content->json && a.webhook &&
                a.webhook->format == contracts::WebhookFormat::kGeneric) {
                EXPECT_EQ(webhook_schema_.Validate(*a.content->json), "")
                    << a.content->json->dump(2);
            }
        }
        return *alerts;
    }

    std::shared_ptr<const service::MasterData> master_;
    std::shared_ptr<const text::Templates> templates_;
    std::shared_ptr<const LinkSigner> signer_;
    contracts::test::SchemaValidator alert_schema_{"alert"};
    contracts::test::SchemaValidator webhook_schema_{contracts::test::SchemaFile{
        contracts::test::SchemasDir() / "http" / "webhook-alert.schema.json"}};
};

TEST_F(PlannerTest, ToWireNamesTheLineAsThePlannerExpects) {
    const DeviationEvent e = OpenedBeyondTwoMandates();
    EXPECT_EQ(test::Emails(e.notified),
              (std::vector<std::string>{"olof@ex.se", "sara@ex.se", "per@ex.se", "maria@ex.se"}));
    ASSERT_TRUE(e.escalation);
    EXPECT_EQ(e.escalation->to_unit.value(), "SEK");
    EXPECT_EQ(e.escalation->reason, contracts::EscalationReason::kBeyondMandate);
    EXPECT_TRUE(e.respond_by);
    EXPECT_FALSE(e.within_mandate);
    EXPECT_EQ(e.responsible.email, "maja@ex.se");
}

TEST_F(PlannerTest, OpenedBeyondTwoMandatesGoesToTheLineTheNamndAndTheSektorsWebhooks) {
    const Planner planner = MakePlanner();
    const DeviationEvent e = OpenedBeyondTwoMandates();
    const auto alerts = Plan(planner, e);
    EXPECT_EQ(Targets(alerts),
              (std::set<std::string>{"email:maja@ex.se", "email:olof@ex.se", "email:sara@ex.se",
                                     "email:per@ex.se", "email:maria@ex.se",
                                     std::string("email:") + test::kMailbox,
                                     std::string("webhook:") + test::kSektorHook,
                                     std::string("webhook:") + test::kSektorChat,
                                     std::string("webhook:") + test::kVerksamhetHook}));
    EXPECT_EQ(alerts.size(), 9U) << "one alert per recipient and channel";

    std::set<std::string> ids;
    for (const auto& a : alerts) {
        SCOPED_TRACE(a.alert_id);
        ids.insert(a.alert_id);
        EXPECT_EQ(a.alert_id.rfind(std::string(kDeviation) +
                                       ":1:" + std::string(contracts::ToString(a.channel)) + ":",
                                   0),
                  0U);
        EXPECT_EQ(a.status, AlertStatus::kPending);
        EXPECT_EQ(a.attempt, 0);
        EXPECT_EQ(a.about, AlertAbout::kOpened);
        EXPECT_EQ(a.deviation_id, core::DeviationId(kDeviation));
        EXPECT_EQ(a.event_id, std::string(kDeviation) + ":1");
        EXPECT_EQ(a.unit.value(), "ENH1");
        EXPECT_EQ(a.sent_at, core::ToRfc3339(test::TestNow()));
        ASSERT_TRUE(a.content);
        EXPECT_FALSE(a.content->subject.empty());
        EXPECT_EQ(a.subject, a.content->subject);
        EXPECT_FALSE(a.content->text.empty());
        if (a.channel == AlertChannel::kEmail) {
            // The first message of the deviation to this recipient starts the thread.
            EXPECT_EQ(a.message_id,
                      ThreadMessageId(kDeviation, a.recipient.email.value_or(""), kDomain));
            EXPECT_FALSE(a.in_reply_to);
            EXPECT_TRUE(a.content->html);
            EXPECT_FALSE(a.webhook);
            EXPECT_TRUE(Contains(a.content->subject, "Hemtjänst Öst")) << a.content->subject;
            EXPECT_TRUE(Contains(a.content->subject, text::SignedKr(60'000'000)))
                << a.content->subject;
            EXPECT_TRUE(
                Contains(a.content->text, "Kvittera senast " + text::DateTimeText(*e.respond_by)))
                << a.content->text;
        } else {
            EXPECT_FALSE(a.message_id);
            ASSERT_TRUE(a.webhook);
            ASSERT_TRUE(a.content->json);
        }
    }
    EXPECT_EQ(ids.size(), alerts.size()) << "alert ids are distinct";
    // Deterministic: the same event read again plans the same alerts.
    EXPECT_EQ(Plan(planner, e), alerts);

    // Each reads as written for its role.
    const Alert* maja = ByTarget(alerts, "email:maja@ex.se");
    ASSERT_NE(maja, nullptr);
    EXPECT_TRUE(Contains(maja->content->text, "Vad du behöver göra")) << maja->content->text;
    const Alert* olof = ByTarget(alerts, "email:olof@ex.se");
    ASSERT_NE(olof, nullptr);
    EXPECT_TRUE(Contains(olof->content->text, "överordnad i linjen")) << olof->content->text;
    const Alert* reg = ByTarget(alerts, std::string("email:") + test::kMailbox);
    ASSERT_NE(reg, nullptr);
    EXPECT_EQ(reg->recipient.role, "registrator");
    EXPECT_TRUE(Contains(reg->content->text, "registrator")) << reg->content->text;
    // The sektor is responsible by mandate, and the text says so.
    EXPECT_TRUE(Contains(maja->content->text, "Sektor omsorg (sektor) ansvarar"))
        << maja->content->text;
}

TEST_F(PlannerTest, WebhookBodiesAreTheGenericContractOrChatText) {
    const auto alerts = Plan(MakePlanner(), OpenedBeyondTwoMandates());
    const Alert* generic = ByTarget(alerts, std::string("webhook:") + test::kSektorHook);
    ASSERT_NE(generic, nullptr);
    const json& body = *generic->content->json;
    EXPECT_EQ(body["type"], "se.bfu.webhook.alert.v1");
    EXPECT_EQ(body["alertId"], generic->alert_id);
    EXPECT_EQ(body["about"], "opened");
    EXPECT_EQ(body["sentAt"], generic->sent_at);
    EXPECT_EQ(body["unit"], (json{{"id", "ENH1"}, {"name", "Hemtjänst Öst"}, {"level", "enhet"}}));
    EXPECT_EQ(body["subject"], generic->content->subject);
    EXPECT_EQ(body["text"], generic->content->text);
    EXPECT_EQ(body["deviation"]["id"], kDeviation);
    EXPECT_EQ(body["deviation"]["kind"], "budget");
    EXPECT_EQ(body["deviation"]["severity"], "critical");
    EXPECT_EQ(body["deviation"]["deviationOre"], 60'000'000);
    EXPECT_EQ(body["deviation"]["budgetOre"], 300'000'000);
    EXPECT_EQ(body["deviation"]["withinMandate"], false);
    EXPECT_TRUE(body["deviation"].contains("respondBy"));
    ASSERT_TRUE(body.contains("links"));
    for (const char* k : {"acknowledge", "comment", "measure"}) {
        EXPECT_EQ(body["links"][k].get<std::string>().rfind(kLinkPrefix, 0), 0U) << k;
    }
    EXPECT_EQ(generic->webhook->secret_env, "BFU_OMSORG_HEMLIG");

    const Alert* chat = ByTarget(alerts, std::string("webhook:") + test::kSektorChat);
    ASSERT_NE(chat, nullptr);
    const json& chat_body = *chat->content->json;
    ASSERT_TRUE(chat_body.is_object());
    EXPECT_EQ(chat_body.size(), 1U) << chat_body.dump();
    ASSERT_TRUE(chat_body["text"].is_string());
    const std::string chat_text = chat_body["text"];
    EXPECT_TRUE(Contains(chat_text, "Hemtjänst Öst")) << chat_text;
    EXPECT_TRUE(Contains(chat_text, text::SignedKr(60'000'000))) << chat_text;
    EXPECT_EQ(Tokens(chat_text).size(), 3U) << chat_text;
}

TEST_F(PlannerTest, LinksCarryTheRecipientsIdentityAndTheAlert) {
    const auto alerts = Plan(MakePlanner(), OpenedBeyondTwoMandates());
    for (const auto& a : alerts) {
        SCOPED_TRACE(a.alert_id);
        const std::string text = a.content->json && a.content->json->contains("text") &&
                                         a.channel == AlertChannel::kWebhook &&
                                         a.webhook->format == contracts::WebhookFormat::kChat
                                     ? (*a.content->json)["text"].get<std::string>()
                                     : a.content->text;
        const auto tokens = Tokens(text);
        ASSERT_EQ(tokens.size(), 3U) << text;
        if (a.content->html) {
            EXPECT_EQ(Count(*a.content->html, kLinkPrefix), 3U);
        }
        std::set<LinkAction> actions;
        for (const auto& t : tokens) {
            auto claims = signer_->Verify(t, test::TestNow());
            ASSERT_TRUE(claims.ok()) << claims.error().ToString();
            EXPECT_EQ(claims->deviation_id, kDeviation);
            EXPECT_EQ(claims->alert_id, a.alert_id);
            EXPECT_TRUE(IsCommandId(claims->CommandId())) << claims->CommandId();
            actions.insert(claims->action);
            // A person acts as themselves; a mailbox or a webhook as its unit's manager.
            if (a.recipient.role == "registrator") {
                EXPECT_EQ(claims->email, "per@ex.se");
            } else if (a.channel == AlertChannel::kWebhook) {
                EXPECT_EQ(claims->email,
                          a.webhook->url == test::kVerksamhetHook ? "olof@ex.se" : "sara@ex.se");
            } else {
                EXPECT_EQ(claims->email, a.recipient.email.value_or(""));
                EXPECT_EQ(claims->name, a.recipient.name);
            }
            // Valid for the configured two weeks, not longer.
            EXPECT_TRUE(signer_->Verify(t, test::TestNow() + std::chrono::hours(24 * 14)).ok());
            EXPECT_FALSE(
                signer_->Verify(t, test::TestNow() + std::chrono::hours(24 * 14 + 1)).ok());
        }
        EXPECT_EQ(actions.size(), 3U);
    }
    // Without a signer (links switched off) no message carries a link.
    for (const auto& a : Plan(MakePlanner(/*links=*/false), OpenedBeyondTwoMandates())) {
        EXPECT_FALSE(Contains(a.content->text, "/svar?t=")) << a.alert_id;
        EXPECT_FALSE(Contains(a.content->html.value_or(""), "/svar?t=")) << a.alert_id;
        EXPECT_FALSE(Contains(a.content->json.value_or(json()).dump(), "/svar?t=")) << a.alert_id;
    }
}

TEST_F(PlannerTest, AMailboxThatIsAlsoAPersonsAddressChangesNoOtherRecipientsLinks) {
    // The förvaltning's mailbox is the kommundirektör's own address: she is told once, and the
    // nämnd's registrator's links still act as the nämnd's manager.
    auto b = test::NotifierBuilder();
    auto forv = test::UnitRecord("FORV", "KS", contracts::OrgLevel::kForvaltning, "Förvaltningen",
                                 "Maria Lind", "kommundirektör", "maria@ex.se", 500'000'000);
    forv.mailbox = "maria@ex.se";
    test::PutUnit(b, forv);
    master_ = test::NotifierMaster(b);
    ASSERT_NE(master_, nullptr);
    const auto alerts = Plan(MakePlanner(), OpenedBeyondTwoMandates());
    EXPECT_EQ(std::count_if(alerts.begin(), alerts.end(),
                            [](const Alert& a) { return Target(a) == "email:maria@ex.se"; }),
              1);
    for (const auto& a : alerts) {
        if (a.channel != AlertChannel::kEmail) continue;
        const auto tokens = Tokens(a.content->text);
        ASSERT_FALSE(tokens.empty()) << a.alert_id;
        auto claims = signer_->Verify(tokens.front(), test::TestNow());
        ASSERT_TRUE(claims.ok());
        const std::string expected =
            a.recipient.role == "registrator" ? "per@ex.se" : a.recipient.email.value_or("");
        EXPECT_EQ(claims->email, expected)
            << "the links of the alert to " << Target(a) << " act as " << claims->email;
    }
}

TEST_F(PlannerTest, LinkCommandIdsFitTheContractForALongChatWebhookUrl) {
    // Microsoft Teams incoming-webhook URLs are around 200 characters; the alert id holds the
    // URL, and an answer link's command id ("link:<alert id>:<action>") must still be one the
    // deviation owner accepts (^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$).
    const std::string teams =
        "https://kommunen.webhook.office.com/webhookb2/"
        "3f9a2c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b@7c8d9e0f-1a2b-3c4d-5e6f-7a8b9c0d1e2f/"
        "IncomingWebhook/0a1b2c3d4e5f67890a1b2c3d4e5f6789/"
        "4d5e6f7a-8b9c-0d1e-2f3a-4b5c6d7e8f9a";
    auto b = test::NotifierBuilder();
    auto sek = test::UnitRecord("SEK", "NAM", contracts::OrgLevel::kSektor, "Sektor omsorg",
                                "Sara Nord", "sektorchef", "sara@ex.se", 100'000'000);
    sek.webhooks = {contracts::Webhook{teams, contracts::WebhookFormat::kChat, std::nullopt}};
    test::PutUnit(b, sek);
    master_ = test::NotifierMaster(b);
    ASSERT_NE(master_, nullptr);
    const auto alerts = Plan(MakePlanner(), OpenedBeyondTwoMandates());
    const Alert* chat = ByTarget(alerts, "webhook:" + teams);
    ASSERT_NE(chat, nullptr);
    const auto tokens = Tokens((*chat->content->json)["text"].get<std::string>());
    ASSERT_EQ(tokens.size(), 3U);
    for (const auto& t : tokens) {
        auto claims = signer_->Verify(t, test::TestNow());
        ASSERT_TRUE(claims.ok());
        EXPECT_TRUE(IsCommandId(claims->CommandId()))
            << "the link's command id has " << claims->CommandId().size()
            << " characters; analysis refuses it (field commandId): " << claims->CommandId();
    }
}

TEST_F(PlannerTest, AChangedEventRepliesToTheThread) {
    const Planner planner = MakePlanner();
    const auto opened = Plan(planner, OpenedBeyondTwoMandates());
    const DeviationEvent changed =
        Wire(test::BudgetEvent(TransitionType::kChanged, 80'000'000, Severity::kCritical, 2));
    const auto alerts = Plan(planner, changed, StatesOf(opened));
    ASSERT_FALSE(alerts.empty());
    std::set<std::string> ids;
    for (const auto& a : alerts) {
        SCOPED_TRACE(a.alert_id);
        ids.insert(a.alert_id);
        EXPECT_EQ(a.about, AlertAbout::kChanged);
        EXPECT_EQ(a.status, AlertStatus::kPending) << "a critical change goes at once";
        EXPECT_EQ(a.event_id, std::string(kDeviation) + ":2");
        EXPECT_EQ(a.alert_id.rfind(std::string(kDeviation) + ":2:", 0), 0U);
        if (a.channel != AlertChannel::kEmail) continue;
        const std::string email = a.recipient.email.value_or("");
        EXPECT_EQ(a.message_id, AlertMessageId(a.alert_id, kDomain));
        EXPECT_EQ(a.in_reply_to, ThreadMessageId(kDeviation, email, kDomain));
        EXPECT_NE(a.message_id, a.in_reply_to);
        EXPECT_TRUE(Contains(a.content->subject, "Ändrad")) << a.content->subject;
    }
    for (const auto& a : opened) EXPECT_EQ(ids.count(a.alert_id), 0U) << "ids differ per seq";
}

// What casework holds about ENH1's deviation: one measure naming it, one in a plan that answers
// it (listed once though the plan names it too), one about another deviation, and the plan.
std::shared_ptr<const service::MasterSnapshot> CaseMeasures() {
    auto snap = std::make_shared<service::MasterSnapshot>();
    auto put = [&](const std::string& id, std::optional<std::string> deviation,
                   const std::string& text, std::int64_t effect, contracts::MeasureStatus status,
                   std::optional<std::string> to = std::nullopt) {
        contracts::MeasureEvent e;
        e.measure.id = core::MeasureId(id);
        if (deviation) e.measure.deviation_id = core::DeviationId(*deviation);
        e.measure.unit = core::UnitId("ENH1");
        e.measure.area = core::UnitId("VER");
        e.measure.text = text;
        e.measure.responsible = {"Olof Björk", "verksamhetschef", "olof@ex.se"};
        e.measure.effect_ore_per_month = effect;
        e.measure.from_period = "202605";
        e.measure.to_period = std::move(to);
        e.measure.status = status;
        e.by = e.measure.responsible;
        e.at = "2026-04-02T12:00:00.000Z";
        (*snap)[std::string(contracts::topics::kCaseMeasures)][id] =
            contracts::EncodeMessage(e, {"m-" + id, "bfu/test", test::TestNow(), id});
    };
    put("m1", std::string(kDeviation), "Färre timvikarier", -4'000'000,
        contracts::MeasureStatus::kOngoing);
    put("m2", std::nullopt, "Samordnade scheman", -2'500'050, contracts::MeasureStatus::kDecided,
        "202612");
    put("m3", std::string("budget:2026:ENH2"), "Annat", -1'000'000,
        contracts::MeasureStatus::kProposed);
    return snap;
}

std::shared_ptr<const service::MasterSnapshot> CasePlans() {
    auto snap = std::make_shared<service::MasterSnapshot>();
    contracts::PlanEvent e;
    e.plan.id = "plan-1";
    e.plan.sektor = core::UnitId("SEK");
    e.plan.body = core::UnitId("NAM");
    e.plan.title = "Hemtjänst i balans";
    e.plan.text = "Hur ramen hålls.";
    e.plan.deviations = {core::DeviationId(kDeviation)};
    e.plan.measures = {core::MeasureId("m2"), core::MeasureId("m1")};
    e.plan.state = contracts::PlanState::kDecided;
    e.plan.decision_ref = "§ 45/2026";
    e.by = {"Sara Nord", "sektorchef", "sara@ex.se"};
    e.at = "2026-04-20T12:00:00.000Z";
    (*snap)[std::string(contracts::topics::kCasePlans)]["plan-1"] =
        contracts::EncodeMessage(e, {"p-1", "bfu/test", test::TestNow(), "plan-1"});
    return snap;
}

TEST(CaseworkIndexTest, FindsTheMeasuresAndPlansAnsweringADeviation) {
    CaseworkIndex index;
    const auto measures = CaseMeasures();
    const auto plans = CasePlans();
    const json j = index.For(kDeviation, measures, plans);
    ASSERT_TRUE(j.is_object()) << j.dump();
    ASSERT_EQ(j["atgarder"].size(), 2U) << j.dump(2);
    EXPECT_EQ(j["atgarder"][0]["text"], "Färre timvikarier");
    EXPECT_EQ(j["atgarder"][0]["status"], "pågår");
    EXPECT_EQ(j["atgarder"][0]["effekt"], text::SignedKr(-4'000'000));
    EXPECT_EQ(j["atgarder"][0]["fran"], "maj 2026");
    EXPECT_FALSE(j["atgarder"][0].contains("till"));
    EXPECT_EQ(j["atgarder"][1]["text"], "Samordnade scheman");
    EXPECT_EQ(j["atgarder"][1]["till"], "december 2026");
    ASSERT_EQ(j["planer"].size(), 1U);
    EXPECT_EQ(j["planer"][0]["status"], "beslutad");
    EXPECT_EQ(j["planer"][0]["beslut"], "§ 45/2026");
    // Another deviation sees only its own measure; one with none gets null.
    const json other = index.For("budget:2026:ENH2", measures, plans);
    ASSERT_EQ(other["atgarder"].size(), 1U);
    EXPECT_FALSE(other["har_planer"].get<bool>());
    EXPECT_TRUE(index.For("budget:2026:VER", measures, plans).is_null());
    EXPECT_TRUE(index.For(kDeviation, nullptr, nullptr).is_null()) << "rebuilt on a new snapshot";
}

TEST_F(PlannerTest, AChangedEventShowsTheMeasuresAndThePlanAnsweringIt) {
    const Planner planner = MakePlanner();
    const auto opened = Plan(planner, OpenedBeyondTwoMandates());
    CaseworkIndex index;
    const json casework = index.For(kDeviation, CaseMeasures(), CasePlans());
    const auto alerts =
        Plan(planner,
             Wire(test::BudgetEvent(TransitionType::kChanged, 80'000'000, Severity::kCritical, 2)),
             StatesOf(opened), test::TestNow(), &casework);
    const Alert* maja = nullptr;
    for (const auto& a : alerts) {
        if (a.channel == AlertChannel::kEmail && a.recipient.email == "maja@ex.se") maja = &a;
    }
    ASSERT_NE(maja, nullptr);
    ASSERT_TRUE(maja->content && maja->content->html);
    const std::string& t = maja->content->text;
    EXPECT_TRUE(Contains(
        t, "Färre timvikarier (pågår): " + text::SignedKr(-4'000'000) + " per månad från maj 2026"))
        << t;
    EXPECT_TRUE(Contains(t, "till december 2026")) << t;
    EXPECT_TRUE(Contains(t, "Åtgärdsplan: Hemtjänst i balans (beslutad, beslut § 45/2026)")) << t;
    const std::string& h = *maja->content->html;
    EXPECT_TRUE(Contains(h, "<caption>Åtgärder</caption>")) << h;
    EXPECT_TRUE(Contains(h, "<th scope=\"col\">Effekt per månad</th>")) << h;
    // Without casework the message has no such section.
    const auto bare =
        Plan(planner,
             Wire(test::BudgetEvent(TransitionType::kChanged, 80'000'000, Severity::kCritical, 2)),
             StatesOf(opened));
    for (const auto& a : bare) {
        if (a.content) {
            EXPECT_FALSE(Contains(a.content->text, "Åtgärder:")) << a.alert_id;
        }
    }
}

TEST_F(PlannerTest, AClosedEventGoesExactlyToThoseAlertedBeforeWithoutLinks) {
    const Planner planner = MakePlanner();
    const auto opened = Plan(planner, OpenedBeyondTwoMandates());
    const DeviationEvent closed =
        Wire(test::BudgetEvent(TransitionType::kClosed, 1'000'000, Severity::kMinor, 3));
    auto earlier = StatesOf(opened);
    // The live message of the opening is in the log too; it names no one to tell.
    const auto live = planner.Live(OpenedBeyondTwoMandates(), master_.get(), test::TestNow());
    ASSERT_TRUE(live);
    AlertState live_state;
    live_state.planned = live->record;
    live_state.status = live->record.status;
    earlier.push_back(live_state);

    const auto alerts = Plan(planner, closed, earlier);
    EXPECT_EQ(Targets(alerts), Targets(opened));
    EXPECT_EQ(alerts.size(), opened.size());
    for (const auto& a : alerts) {
        SCOPED_TRACE(a.alert_id);
        EXPECT_EQ(a.about, AlertAbout::kClosed);
        EXPECT_EQ(a.status, AlertStatus::kPending);
        EXPECT_NE(a.channel, AlertChannel::kZmq);
        EXPECT_FALSE(Contains(a.content->text, "/svar?t="));
        EXPECT_FALSE(Contains(a.content->html.value_or(""), "/svar?t="));
        EXPECT_FALSE(Contains(a.content->json.value_or(json()).dump(), "/svar?t="));
        EXPECT_FALSE(Contains(a.content->text, "Kvittera senast"));
        if (a.channel == AlertChannel::kEmail) {
            EXPECT_TRUE(Contains(a.content->text, "Ingen åtgärd behövs")) << a.content->text;
            EXPECT_EQ(a.in_reply_to, ThreadMessageId(kDeviation, *a.recipient.email, kDomain));
        }
    }
    // Nobody was told before (the log is empty, or holds only live messages): nobody now.
    EXPECT_TRUE(Plan(planner, closed, {}).empty());
    EXPECT_TRUE(Plan(planner, closed, {live_state}).empty());
    EXPECT_FALSE(ShouldAlert(closed, false));
    EXPECT_TRUE(ShouldAlert(closed, true));
}

TEST_F(PlannerTest, AMinorChangeWithinTheMandateIsQueuedForTheDigestAndSkipsWebhooks) {
    const DeviationEvent minor =
        Wire(test::BudgetEvent(TransitionType::kChanged, 5'000'000, Severity::kMinor, 2));
    ASSERT_TRUE(minor.within_mandate);
    EXPECT_EQ(test::Emails(minor.notified), (std::vector<std::string>{"olof@ex.se"}));
    const auto queued = Plan(MakePlanner(), minor);
    EXPECT_EQ(Targets(queued), (std::set<std::string>{"email:maja@ex.se", "email:olof@ex.se"}))
        << "the verksamhet's webhook skips a digestible change";
    for (const auto& a : queued) {
        EXPECT_EQ(a.status, AlertStatus::kQueued) << a.alert_id;
        EXPECT_EQ(a.channel, AlertChannel::kEmail);
        EXPECT_EQ(a.attempt, 0);
    }
    // Without digests it goes at once, webhook included.
    const auto now = Plan(MakePlanner(true, /*digest=*/false), minor);
    EXPECT_EQ(Targets(now),
              (std::set<std::string>{"email:maja@ex.se", "email:olof@ex.se",
                                     std::string("webhook:") + test::kVerksamhetHook}));
    for (const auto& a : now) EXPECT_EQ(a.status, AlertStatus::kPending) << a.alert_id;
    // A major change within the mandate, and an opening, go at once.
    for (const auto& e :
         {Wire(test::BudgetEvent(TransitionType::kChanged, 5'000'000, Severity::kMajor, 2)),
          Wire(test::BudgetEvent(TransitionType::kOpened, 5'000'000, Severity::kMinor, 1))}) {
        for (const auto& a : Plan(MakePlanner(), e)) {
            EXPECT_EQ(a.status, AlertStatus::kPending) << a.alert_id;
        }
    }
}

TEST_F(PlannerTest, AFavourableMoneyDeviationIsNotAlerted) {
    const Planner planner = MakePlanner();
    for (auto type : {TransitionType::kOpened, TransitionType::kChanged}) {
        const DeviationEvent e = Wire(test::BudgetEvent(type, -60'000'000, Severity::kCritical, 1));
        EXPECT_FALSE(ShouldAlert(e, false));
        EXPECT_TRUE(Plan(planner, e).empty()) << contracts::ToString(e.event);
        EXPECT_FALSE(planner.Live(e, master_.get(), test::TestNow()))
            << "planner.hpp: the live message exists only for an event that is alerted at all";
    }
    // Recorded events that are no status change are no alerts either.
    DeviationEvent ack = OpenedBeyondTwoMandates();
    ack.seq = 2;
    ack.event = DeviationEventKind::kAcknowledged;
    ack.by = contracts::Person{"Sara Nord", "sektorchef", "sara@ex.se"};
    EXPECT_TRUE(Plan(planner, ack).empty());
    EXPECT_FALSE(planner.Live(ack, master_.get(), test::TestNow()));
}

// An opened deviation within ENH1's mandate that nobody acknowledged, escalated by the
// escalator at its deadline.
struct Escalation {
    DeviationEvent opened;
    DeviationEvent escalated;
    core::TimePoint at;
};

Escalation EscalatedOnce(const service::MasterData& master) {
    Escalation out;
    out.opened =
        service::ToWire(test::BudgetEvent(TransitionType::kOpened, 5'000'000, Severity::kMajor, 1),
                        master.org, test::TestNow(), std::nullopt);
    service::DeviationFold fold;
    (void)fold.Apply(out.opened);
    out.at = core::FromRfc3339(out.opened.respond_by.value_or("")).value();
    auto e = service::DueEscalationEvent(*fold.Find(kDeviation), master.org, out.at,
                                         domain::AckPolicy{});
    EXPECT_TRUE(e.has_value());
    if (e) out.escalated = *e;
    return out;
}

TEST_F(PlannerTest, AnEscalationTellsTheNewLevelAndRemindsTheOneThatDidNotAnswer) {
    const Planner planner = MakePlanner();
    const Escalation esc = EscalatedOnce(*master_);
    ASSERT_TRUE(esc.escalated.escalation);
    EXPECT_EQ(esc.escalated.escalation->to_unit.value(), "VER");
    const auto opened = Plan(planner, esc.opened);
    const auto alerts = Plan(planner, esc.escalated, StatesOf(opened), esc.at);
    EXPECT_EQ(Targets(alerts),
              (std::set<std::string>{"email:olof@ex.se", "email:sara@ex.se", "email:maja@ex.se",
                                     std::string("webhook:") + test::kVerksamhetHook,
                                     std::string("webhook:") + test::kSektorHook,
                                     std::string("webhook:") + test::kSektorChat}));
    for (const auto& a : alerts) {
        SCOPED_TRACE(a.alert_id);
        EXPECT_EQ(a.status, AlertStatus::kPending);
        ASSERT_TRUE(a.content);
        if (Target(a) == "email:maja@ex.se") {
            EXPECT_EQ(a.about, AlertAbout::kReminder);
            EXPECT_EQ(a.content->subject.rfind("Påminnelse:", 0), 0U) << a.content->subject;
            EXPECT_TRUE(Contains(a.content->subject, "Hemtjänst")) << a.content->subject;
            EXPECT_TRUE(Contains(a.content->text, "Ingen kvitterade")) << a.content->text;
            EXPECT_EQ(Tokens(a.content->text).size(), 3U) << "she may still acknowledge";
            EXPECT_EQ(a.in_reply_to, ThreadMessageId(kDeviation, "maja@ex.se", kDomain));
        } else {
            EXPECT_EQ(a.about, AlertAbout::kEscalated);
            if (a.channel != AlertChannel::kEmail) continue;
            const std::string& text = a.content->text;
            EXPECT_TRUE(Contains(text, "eskalerats till Hemtjänst (verksamhet)")) << text;
            EXPECT_TRUE(Contains(text, "eftersom ingen kvitterade den i tid")) << text;
            EXPECT_TRUE(
                Contains(text, "Kvittera senast " + text::DateTimeText(*esc.escalated.respond_by)))
                << text;
            EXPECT_EQ(Tokens(text).size(), 3U);
        }
    }
}

TEST_F(PlannerTest, DigestCarriesTheQueuedItemsOnceADay) {
    const Planner planner = MakePlanner();
    const auto minor1 = Plan(
        planner, Wire(test::BudgetEvent(TransitionType::kChanged, 5'000'000, Severity::kMinor, 2)));
    auto other = test::BudgetEvent(TransitionType::kChanged, 800'000, Severity::kMinor, 4, "ENH2");
    const auto minor2 = Plan(planner, Wire(other));
    AlertFold fold;
    for (const auto& a : minor1) ASSERT_TRUE(fold.Apply(a));
    for (const auto& a : minor2) ASSERT_TRUE(fold.Apply(a));
    auto queued = fold.Queued();
    ASSERT_EQ(queued.count("olof@ex.se"), 1U);
    const auto items = queued["olof@ex.se"];
    ASSERT_EQ(items.size(), 2U);

    const auto now = test::TestNow() + std::chrono::hours(4);  // 18:00 the same day
    auto digest = planner.Digest(items, now);
    ASSERT_TRUE(digest.ok()) << digest.error().ToString();
    ASSERT_EQ(digest->size(), 3U);
    const Alert& d = digest->front();
    EXPECT_EQ(d.alert_id, "digest.2026-03-31:olof-ex.se");
    EXPECT_EQ(d.about, AlertAbout::kDigest);
    EXPECT_EQ(d.status, AlertStatus::kPending);
    EXPECT_EQ(d.channel, AlertChannel::kEmail);
    EXPECT_EQ(d.recipient.email, "olof@ex.se");
    EXPECT_FALSE(d.deviation_id);
    EXPECT_EQ(d.items,
              (std::vector<std::string>{items[0].planned.alert_id, items[1].planned.alert_id}));
    EXPECT_EQ(d.message_id, AlertMessageId(d.alert_id, kDomain));
    ASSERT_TRUE(d.content);
    EXPECT_TRUE(Contains(d.content->subject, "31 mars 2026")) << d.content->subject;
    EXPECT_TRUE(Contains(d.content->subject, "2 ")) << d.content->subject;
    for (const auto& it : items) {
        EXPECT_TRUE(Contains(d.content->text, it.planned.content->subject)) << d.content->text;
        EXPECT_TRUE(Contains(d.content->html.value_or(""), it.planned.content->subject));
    }
    EXPECT_EQ(alert_schema_.Validate(d.ToJson()), "");
    for (std::size_t i = 1; i < digest->size(); ++i) {
        const Alert& x = (*digest)[i];
        EXPECT_EQ(x.alert_id, items[i - 1].planned.alert_id);
        EXPECT_EQ(x.status, AlertStatus::kDigested);
        EXPECT_EQ(x.digest_id, d.alert_id);
        EXPECT_EQ(alert_schema_.Validate(x.ToJson()), "") << x.alert_id;
    }
    // Folded, the items are done and the recipient has nothing queued any more.
    for (const auto& r : *digest) (void)fold.Apply(r);
    for (const auto& it : items) {
        EXPECT_EQ(fold.Find(it.planned.alert_id)->status, AlertStatus::kDigested);
    }
    EXPECT_EQ(fold.Queued().count("olof@ex.se"), 0U);
    EXPECT_EQ(fold.Queued().count("maja@ex.se"), 1U) << "others keep theirs";
    // Nothing queued, no digest.
    auto none = planner.Digest({}, now);
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
}

TEST_F(PlannerTest, LiveTopicIsTheUnitsPathInTheTree) {
    const Planner planner = MakePlanner();
    const DeviationEvent e = OpenedBeyondTwoMandates();
    const auto live = planner.Live(e, master_.get(), test::TestNow());
    ASSERT_TRUE(live);
    EXPECT_EQ(live->topic, "alert/KF/NAM/SEK/VER/ENH1/");
    EXPECT_EQ(live->record.channel, AlertChannel::kZmq);
    EXPECT_EQ(live->record.status, AlertStatus::kSent);
    EXPECT_EQ(live->record.alert_id, std::string(kDeviation) + ":1:zmq:live");
    EXPECT_EQ(alert_schema_.Validate(live->record.ToJson()), "");
    EXPECT_EQ(live->body["deviation"]["deviationId"], kDeviation);
    EXPECT_TRUE(Contains(live->body["subject"].get<std::string>(), "Hemtjänst Öst"));
    EXPECT_FALSE(live->body["body"].get<std::string>().empty());
    // A subscriber to a unit's path gets its whole subtree: the prefix of every unit below.
    EXPECT_EQ(live->topic.rfind("alert/KF/NAM/SEK/", 0), 0U);
    auto sek = test::BudgetEvent(TransitionType::kOpened, 60'000'000, Severity::kMajor, 1, "SEK");
    sek.level = domain::Level::kSektor;
    const auto sek_live = planner.Live(Wire(sek), master_.get(), test::TestNow());
    ASSERT_TRUE(sek_live);
    EXPECT_EQ(sek_live->topic, "alert/KF/NAM/SEK/");
    // Without master data, the unit alone.
    const auto bare = planner.Live(e, nullptr, test::TestNow());
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->topic, "alert/ENH1/");
}

TEST_F(PlannerTest, GoalAndHrAlertsShowTargetAndActualWithTheirUnitAndNoKronor) {
    const Planner planner = MakePlanner();
    struct Case {
        domain::DeviationKind kind;
        std::string subject;
        double target;
        double actual;
        std::string name;
        std::string unit;
    };
    for (const auto& c : std::vector<Case>{
             {domain::DeviationKind::kGoal, test::kGoal, 10, 14, "Väntetid till hemtjänst",
              "dagar"},
             {domain::DeviationKind::kHr, "sick_leave", 5.0, 7.5, "Sjukfrånvaro", "%"}}) {
        SCOPED_TRACE(c.subject);
        const DeviationEvent e = test::IndicatorEvent(master_->org, c.kind, c.subject, c.target,
                                                      c.actual, test::TestNow());
        const auto alerts = Plan(planner, e);
        EXPECT_EQ(Targets(alerts),
                  (std::set<std::string>{"email:maja@ex.se", "email:olof@ex.se",
                                         std::string("webhook:") + test::kVerksamhetHook}));
        const std::string target = text::Figure(c.target, c.unit);
        const std::string actual = text::Figure(c.actual, c.unit);
        for (const auto& a : alerts) {
            SCOPED_TRACE(a.alert_id);
            ASSERT_TRUE(a.content);
            for (const std::string* part :
                 {&a.content->subject, &a.content->text, &a.subject.value()}) {
                EXPECT_TRUE(Contains(*part, c.name)) << *part;
                EXPECT_TRUE(Contains(*part, target)) << *part;
                EXPECT_TRUE(Contains(*part, actual)) << *part;
                EXPECT_FALSE(Contains(*part, " kr")) << *part;
                EXPECT_FALSE(Contains(*part, "0 kr")) << *part;
            }
            if (a.content->html) {
                EXPECT_TRUE(Contains(*a.content->html, target));
                EXPECT_TRUE(Contains(*a.content->html, actual));
                EXPECT_FALSE(Contains(*a.content->html, " kr"));
            }
            if (a.channel == AlertChannel::kWebhook) {
                const json& d = (*a.content->json)["deviation"];
                EXPECT_EQ(d["target"], c.target);
                EXPECT_EQ(d["actual"], c.actual);
                EXPECT_FALSE(d.contains("deviationOre"));
                EXPECT_EQ(d.value("measureUnit", std::string("(absent)")), c.unit)
                    << "webhook-alert.schema.json: measureUnit is the unit of target and actual";
            }
        }
    }
}

// ---- No English in anything people read ----------------------------------------------------

// Whole words (case-insensitive) that must not appear in a Swedish message. Words that are
// Swedish as well ("budget", "period", "status", "plan", "in") are left out.
const std::set<std::string>& EnglishWords() {
    static const std::set<std::string> kWords = {
        "the",          "and",      "of",       "for",     "to",        "your",
        "you",          "is",       "are",      "has",     "have",      "deviation",
        "deviations",   "month",    "account",  "group",   "severity",  "critical",
        "minor",        "major",    "unit",     "level",   "sent",      "alert",
        "please",       "click",    "here",     "link",    "measure",   "acknowledge",
        "acknowledged", "comment",  "forecast", "outcome", "report",    "reminder",
        "digest",       "opened",   "changed",  "closed",  "escalated", "new",
        "by",           "from",     "with",     "this",    "that",      "due",
        "deadline",     "summary",  "daily",    "goal",    "target",    "actual",
        "responsible",  "superior", "within",   "mandate", "cause",     "causes",
        "share",        "amount",   "date",     "or",      "not",       "if",
        "will",         "on",       "name",     "title",   "about",     "view",
        "open",         "close",    "action",   "submit",  "send",      "save",
        "add",          "done",     "error",    "sick",    "leave",     "overtime",
        "dear",         "hello",    "regards",  "budgeted"};
    return kWords;
}

// What a reader sees: HTML without its style sheet, tags and entities; no URLs (their tokens
// are random letters); without the data's own ids.
std::string Visible(std::string s, const std::vector<std::string>& ids) {
    s = std::regex_replace(s, std::regex("<style>[\\s\\S]*?</style>"), " ");
    s = std::regex_replace(s, std::regex("<[^>]*>"), " ");
    s = std::regex_replace(s, std::regex("&[#A-Za-z0-9]+;"), " ");
    s = std::regex_replace(s, std::regex("https?://[^\\s\"<>)\\]]+"), " ");
    for (const auto& id : ids) {
        for (auto at = s.find(id); at != std::string::npos; at = s.find(id)) {
            s.replace(at, id.size(), " ");
        }
    }
    return s;
}

std::set<std::string> EnglishIn(const std::string& text) {
    std::set<std::string> found;
    std::string word;
    auto flush = [&] {
        if (!word.empty() && EnglishWords().count(Lower(word)) != 0) found.insert(word);
        word.clear();
    };
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalpha(u) != 0 || u >= 0x80) {
            word += c;
        } else {
            flush();
        }
    }
    flush();
    return found;
}

class NoEnglish : public PlannerTest {
protected:
    void Check(const std::string& what, const std::string& text) {
        ASSERT_FALSE(text.empty()) << what << " is empty";
        const auto found = EnglishIn(Visible(text, ids_));
        std::string list;
        for (const auto& w : found) list += " " + w;
        EXPECT_TRUE(found.empty()) << what << " has English words:" << list << "\n---\n"
                                   << Visible(text, ids_);
        ++checked_;
    }

    void CheckAlert(const Alert& a) {
        ASSERT_TRUE(a.content) << a.alert_id;
        const std::string what =
            a.alert_id + " (" + std::string(contracts::ToString(a.about.value())) + ")";
        Check(what + " subject", a.content->subject);
        Check(what + " text", a.content->text);
        if (a.content->html) Check(what + " html", *a.content->html);
        if (a.content->json && a.content->json->contains("text")) {
            Check(what + " webhook text", (*a.content->json)["text"].get<std::string>());
        }
        if (a.content->json && a.content->json->contains("subject")) {
            Check(what + " webhook subject", (*a.content->json)["subject"].get<std::string>());
        }
        abouts_.insert(a.about.value());
    }

    void CheckAll(const std::vector<Alert>& alerts) {
        for (const auto& a : alerts) CheckAlert(a);
    }

    // Ids that travel in the text as data (the deviation ids; "sick_leave" is an id).
    std::vector<std::string> ids_ = {"budget:2026:ENH1", "budget:2026:ENH2",
                                     "hr:2026:ENH1:sick_leave", "goal:2026:ENH1:vantetid",
                                     // a command people type, not prose
                                     "bfu forecast submit"};
    std::set<AlertAbout> abouts_;
    int checked_ = 0;
};

TEST_F(NoEnglish, InEveryKindOfMessageAndPage) {
    const Planner planner = MakePlanner();
    // opened (beyond mandate, causes, links), changed, closed.
    const auto opened = Plan(planner, OpenedBeyondTwoMandates());
    CheckAll(opened);
    CaseworkIndex index;
    const json casework = index.For(kDeviation, CaseMeasures(), CasePlans());
    const auto changed =
        Plan(planner,
             Wire(test::BudgetEvent(TransitionType::kChanged, 80'000'000, Severity::kCritical, 2)),
             StatesOf(opened), test::TestNow(), &casework);
    CheckAll(changed);
    CheckAll(Plan(planner,
                  Wire(test::BudgetEvent(TransitionType::kClosed, 1'000'000, Severity::kMinor, 3)),
                  StatesOf(opened)));
    // escalated and the reminder to the level below.
    const Escalation esc = EscalatedOnce(*master_);
    CheckAll(Plan(planner, esc.escalated, StatesOf(Plan(planner, esc.opened)), esc.at));
    // a minor change (queued) and its digest.
    const auto queued = Plan(
        planner, Wire(test::BudgetEvent(TransitionType::kChanged, 5'000'000, Severity::kMinor, 2)));
    CheckAll(queued);
    AlertFold fold;
    for (const auto& a : queued) (void)fold.Apply(a);
    for (const auto& [email, items] : fold.Queued()) {
        auto digest = planner.Digest(items, test::TestNow());
        ASSERT_TRUE(digest.ok()) << digest.error().ToString();
        CheckAlert(digest->front());
    }
    // goal and HR.
    for (const auto& [kind, subject, target, actual] :
         std::vector<std::tuple<domain::DeviationKind, std::string, double, double>>{
             {domain::DeviationKind::kGoal, test::kGoal, 10, 14},
             {domain::DeviationKind::kHr, "sick_leave", 5.0, 7.5}}) {
        CheckAll(Plan(planner, test::IndicatorEvent(master_->org, kind, subject, target, actual,
                                                    test::TestNow())));
    }
    // The live message.
    const auto live = planner.Live(OpenedBeyondTwoMandates(), master_.get(), test::TestNow());
    ASSERT_TRUE(live);
    Check("live subject", live->body["subject"].get<std::string>());
    Check("live body", live->body["body"].get<std::string>());

    // Timetable reminders of every kind, with the data DueReminders makes.
    const auto timetable = domain::BuildTimetable(test::kYear, {});
    ASSERT_TRUE(timetable.ok()) << timetable.error().ToString();
    std::set<std::string> keys_done;
    for (const auto& ev : timetable->events) {
        const auto day = domain::AddWorkingDays(ev.date, -1, {});
        const auto now = domain::FromStockholm(day, 9, 0);
        const auto due = DueReminders(
            *timetable, *master_, now, ReminderPolicy{},
            [](const std::string&, int) { return false; },
            [](const std::string&) { return false; });
        for (const auto& r : due) {
            const std::string key = r.alert_id.substr(0, r.alert_id.find(':'));
            if (!keys_done.insert(key).second) continue;
            auto a = planner.Timetable(r.alert_id, r.about, r.to, r.unit, r.data, now);
            ASSERT_TRUE(a.ok()) << a.error().ToString();
            CheckAlert(*a);
        }
    }
    EXPECT_GE(keys_done.size(), 10U) << "reminders for rounds, reports and dialogues";

    // The answer page (svar.html) for every action, after the answer and on a refusal.
    const DeviationEvent e = OpenedBeyondTwoMandates();
    const json deviation =
        DeviationData(e, master_.get(), e.responsible, Role::kResponsible, Links{})["avvikelse"];
    const std::vector<std::pair<std::string, std::string>> pages = {
        {"kvittera", "Kvittera avvikelse"},
        {"kommentera", "Kommentera avvikelse"},
        {"atgard", "Lägg till åtgärd"}};
    for (const auto& [action, title] : pages) {
        const json form{{"atgard_url", "/svar"},
                        {"token", "abc.def"},
                        {"person", "Maja Öberg (maja@ex.se)"},
                        {"kvittera", action == "kvittera"},
                        {"kommentera", action == "kommentera"},
                        {"atgard", action == "atgard"}};
        auto page = templates_->Render(
            "svar.html", json{{"titel", title}, {"avvikelse", deviation}, {"formular", form}});
        ASSERT_TRUE(page.ok()) << page.error().ToString();
        Check("svar.html " + action, *page);
    }
    auto refused =
        templates_->Render("svar.html", json{{"titel", "Länken är inte giltig"},
                                             {"meddelande",
                                              "Länken är inte giltig: den är ändrad eller "
                                              "ofullständig. Inget har ändrats."}});
    ASSERT_TRUE(refused.ok());
    Check("svar.html refused", *refused);

    for (auto about :
         {AlertAbout::kOpened, AlertAbout::kChanged, AlertAbout::kClosed, AlertAbout::kEscalated,
          AlertAbout::kReminder, AlertAbout::kDigest, AlertAbout::kForecastRound,
          AlertAbout::kReportDeadline, AlertAbout::kDialogue}) {
        EXPECT_EQ(abouts_.count(about), 1U) << contracts::ToString(about) << " not rendered";
    }
    EXPECT_GT(checked_, 100);
}

TEST(NoEnglishCheck, FindsEnglishWordsAndSparesSwedish) {
    EXPECT_EQ(EnglishIn("Please click here to acknowledge the deviation"),
              (std::set<std::string>{"Please", "click", "here", "to", "acknowledge", "the",
                                     "deviation"}));
    EXPECT_TRUE(EnglishIn("Kvittera avvikelsen för Hemtjänst Öst senast 2 april 2026").empty());
    EXPECT_TRUE(EnglishIn("Budget hittills, period mars 2026").empty());
    EXPECT_EQ(Visible("<p style=\"x\">Hej <a href=\"https://x/the\">Kvittera</a></p><style>"
                      "a{color:red}</style> budget:2026:ENH1",
                      {"budget:2026:ENH1"})
                  .find("the"),
              std::string::npos);
}

}  // namespace
}  // namespace bfu::notifier
