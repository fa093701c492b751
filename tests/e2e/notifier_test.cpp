// The notifier end to end (issue #11): the built bfu-ingest, bfu-analysis and bfu-notifier
// against the real broker and Redis, a real SMTP server (Debian's aiosmtpd, delivering into a
// Maildir) and a real HTTP receiver for webhooks, on the simulated business clock (bfu.clock).
//   - a voucher beyond the enhet's and the verksamhet's mandates reaches the line at once:
//     one e-mail each to the enhetschef, verksamhetschef, sektorchef and the sektor's
//     superiors, the nämnd's registrator, one signed webhook POST; a later change is threaded;
//   - answering by link as a browser would records the acknowledgement under the recipient's
//     identity, once; an altered or expired link changes nothing;
//   - after a restart of the notifier, the closing reaches the same people;
//   - killed between recording and sending, and with the SMTP server down for a while, every
//     message arrives exactly once (by Message-ID);
//   - an unanswered deviation escalates after two working days (Easter in between does not
//     count); an answered one does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/notifier/channels.hpp"
#include "bfu/notifier/links.hpp"
#include "bfu/zmq/zmq.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"
#include "support/mail.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::Eventually;
using bfu::testing::FreePort;

constexpr int kYear = 2026;
constexpr const char* kLinkKey = "e2e-link-key-0123456789abcdef";
constexpr const char* kWebhookSecret = "e2e-webhook-secret";

const std::string kMaja = "maja.oberg@exempelkommun.se";             // enhetschef E211
const std::string kOlof = "olof.bjork@exempelkommun.se";             // verksamhetschef V21
const std::string kSara = "sara.nord@exempelkommun.se";              // sektorchef S2
const std::string kAnna = "anna.sjo@exempelkommun.se";               // Omsorgsnämnden
const std::string kMaria = "maria.lind@exempelkommun.se";            // kommundirektör
const std::string kRegistrator = "registrator.on@exempelkommun.se";  // Omsorgsnämnden's mailbox
const std::string kEmil = "emil.akesson@exempelkommun.se";           // enhetschef E212
const std::string kLena = "lena.hed@exempelkommun.se";               // verksamhetschef V22

class NotifierE2e : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("notifier"));
        smtp_ = std::make_unique<bfu::testing::SmtpServer>(dir_ / "mail", dir_ / "smtp.log");
        ASSERT_TRUE(smtp_->Start()) << bfu::testing::Slurp(dir_ / "smtp.log");
        ASSERT_TRUE(hooks_.bound());
        kafka::KafkaConfig pc;
        pc.brokers = brokers_;
        auto p = kafka::Producer::Create(pc);
        ASSERT_TRUE(p.ok()) << p.error().ToString();
        producer_ = std::move(p).value();
    }
    void TearDown() override {
        CloseRun();
        if (smtp_) smtp_->Stop();
    }

    std::map<std::string, std::string> Env(const std::string& name, const std::string& start) {
        auto env = ServiceEnv(name, kYear, FreePort());
        env["BFU_CLOCK_MODE"] = "simulated";
        env["BFU_CLOCK_START"] = start;
        // The municipality's timetable closes January on 1 February and March on 1 April
        // (chosen close days, rules.file), so on the tests' start dates the month before is
        // complete and judged for the whole organisation (docs/architecture.md). The year is
        // pinned, so postings into those months are still taken (only decisions close them).
        const auto rules = dir_ / "rules.json";
        if (!std::filesystem::exists(rules)) {
            std::ofstream(rules)
                << R"({"timetable": {"dates": {"2026": )"
                << R"({"stangning-01": "2026-02-01", "stangning-03": "2026-04-01"}}}})";
        }
        env["BFU_RULES_FILE"] = rules.string();
        return env;
    }

    // ingest, analysis and the notifier, on the simulated clock from `start`.
    void StartServices(const std::string& start,
                       const std::map<std::string, std::string>& notifier_extra = {}) {
        start_ = start;
        ASSERT_NO_FATAL_FAILURE(StartService("ingest", Env("ingest", start)));
        auto analysis = Env("analysis", start);
        analysis_endpoint_ = analysis.at("BFU_ZMQ_ENDPOINT");
        ASSERT_NO_FATAL_FAILURE(StartService("analysis", analysis));
        auto casework = Env("casework", start);
        casework_endpoint_ = casework.at("BFU_ZMQ_ENDPOINT");
        ASSERT_NO_FATAL_FAILURE(StartService("casework", casework));
        ASSERT_NO_FATAL_FAILURE(StartNotifier(notifier_extra));
        ASSERT_NO_FATAL_FAILURE(WaitReady());
    }

    void StartNotifier(const std::map<std::string, std::string>& extra = {}) {
        auto env = notifier_env_;
        if (env.empty()) {
            env = Env("notifier", start_);
            env["BFU_ZMQ_PUB_ENDPOINT"] = "tcp://127.0.0.1:" + std::to_string(FreePort());
            env["BFU_NOTIFIER_SMTP_URL"] = smtp_->url();
            env["BFU_NOTIFIER_FROM"] = "Budgetuppföljning <bfu@exempelkommun.se>";
            env["BFU_NOTIFIER_LINK_KEY"] = kLinkKey;
            env["BFU_NOTIFIER_WEBHOOK_SECRET"] = kWebhookSecret;
            env["BFU_NOTIFIER_ANALYSIS_ENDPOINT"] = analysis_endpoint_;
            env["BFU_NOTIFIER_CASEWORK_ENDPOINT"] = casework_endpoint_;
            env["BFU_NOTIFIER_REMINDERS_ENABLED"] = "false";
            env["BFU_NOTIFIER_RETRY_INITIAL"] = "200";
            env["BFU_NOTIFIER_RETRY_MAX"] = "1000";
            env["BFU_NOTIFIER_OUTBOX_DIR"] = (dir_ / "outbox").string();
            notifier_env_ = env;
        }
        for (const auto& [k, v] : extra) env[k] = v;
        ASSERT_NO_FATAL_FAILURE(StartService("notifier", env));
        notifier_port_ = std::stoi(env.at("BFU_HTTP_PORT"));
    }

    void RestartNotifier(const std::map<std::string, std::string>& extra = {}) {
        services_["notifier"]->Terminate(10s);
        services_.erase("notifier");
        http_ports_.erase("notifier");
        ASSERT_NO_FATAL_FAILURE(StartNotifier(extra));
        ASSERT_NO_FATAL_FAILURE(WaitReady());
    }

    // The example municipality, with a webhook on Sektor omsorg and a registrator's address
    // on Omsorgsnämnden.
    void PublishMaster() {
        auto m = cli::MakeExampleMunicipality(kYear);
        for (auto& u : m.org) {
            if (u.id.value() == "S2") {
                u.webhooks.push_back({hooks_.url("/s2"), contracts::WebhookFormat::kGeneric, {}});
            }
            if (u.id.value() == "ON") u.mailbox = kRegistrator;
        }
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.org));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.accounts));
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.budgets));
        const double records =
            static_cast<double>(m.org.size() + m.accounts.size() + m.budgets.size());
        ASSERT_TRUE(
            Eventually([&] { return Metric("analysis", "bfu_master_records") >= records; }, 60s));
        ASSERT_TRUE(Eventually(
            [&] {
                return Metric("ingest", "bfu_master_records") >=
                       static_cast<double>(m.org.size() + m.accounts.size());
            },
            60s));
    }

    // A personnel cost of `ore` on `unit` (negative: a correction), paid from the bank.
    void Voucher(const std::string& id, const std::string& date, const std::string& unit,
                 std::int64_t ore) {
        contracts::Voucher v;
        v.source = core::SourceId("e2e-erp");
        v.voucher_id = core::VoucherId(id);
        v.series = "A";
        v.date = date;
        v.text = "Löner " + unit;
        contracts::VoucherLine cost;
        cost.account = core::AccountNo("5011");
        cost.unit = core::UnitId(unit);
        cost.amount_ore = ore;
        contracts::VoucherLine bank = cost;
        bank.account = core::AccountNo("1930");
        bank.amount_ore = -ore;
        v.lines = {cost, bank};
        ASSERT_TRUE(
            producer_->Produce(Topic(contracts::topics::kErpVouchers), v.Key(), v.ToJson().dump())
                .ok());
        ASSERT_TRUE(producer_->Flush(30s).ok());
    }

    void SetClock(const std::string& now) {
        contracts::ClockTick tick;
        tick.now = now;
        tick.by = "e2e";
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, std::vector<contracts::ClockTick>{tick}));
    }

    std::vector<contracts::DeviationEvent> Deviations() {
        std::vector<contracts::DeviationEvent> out;
        for (const auto& m :
             bfu::testing::ReadCommitted(brokers_, Topic(contracts::topics::kDeviations), 30s)) {
            auto e = contracts::DecodeMessage<contracts::DeviationEvent>(m.value);
            if (e.ok()) out.push_back(std::move(e).value());
        }
        return out;
    }
    std::vector<contracts::DeviationEvent> DeviationsOf(const std::string& id,
                                                        contracts::DeviationEventKind kind) {
        std::vector<contracts::DeviationEvent> out;
        for (auto& e : Deviations()) {
            if (e.deviation_id.value() == id && e.event == kind) out.push_back(e);
        }
        return out;
    }
    // Every rejected voucher with its reasons, for a failure's message.
    std::string RejectedVouchers() {
        std::string out;
        for (const auto& m :
             bfu::testing::ReadTopic(brokers_, Topic(contracts::topics::kLedgerRejected), 0, 5s)) {
            out += m.value + "\n";
        }
        return out.empty() ? "no rejected vouchers" : out;
    }
    std::vector<contracts::Alert> Alerts() {
        std::vector<contracts::Alert> out;
        for (const auto& m :
             bfu::testing::ReadCommitted(brokers_, Topic(contracts::topics::kAlerts), 30s)) {
            auto a = contracts::DecodeMessage<contracts::Alert>(m.value);
            if (a.ok()) out.push_back(std::move(a).value());
        }
        return out;
    }

    // The messages to `email` about the unit named `unit` (every level of the line has
    // deviations of its own: the verksamhet's roll-up may open one too).
    std::vector<bfu::testing::MailMessage> MailsAbout(const std::string& email,
                                                      const std::string& unit) {
        std::vector<bfu::testing::MailMessage> out;
        for (auto& m : smtp_->To(email)) {
            if (m.subject.find(unit) != std::string::npos) out.push_back(std::move(m));
        }
        return out;
    }
    std::vector<bfu::testing::WebhookCall> HooksAbout(const std::string& unit_id) {
        std::vector<bfu::testing::WebhookCall> out;
        for (auto& c : hooks_.Calls()) {
            auto j = nlohmann::json::parse(c.body, nullptr, false);
            if (j.is_object() && j["unit"]["id"] == unit_id) out.push_back(std::move(c));
        }
        return out;
    }

    // Waits until every address has at least `n` messages (about `unit`, when given).
    bool MailsArrive(const std::vector<std::string>& to, std::size_t n,
                     std::chrono::milliseconds timeout = 60s, const std::string& unit = {}) {
        return Eventually(
            [&] {
                for (const auto& t : to) {
                    if ((unit.empty() ? smtp_->To(t) : MailsAbout(t, unit)).size() < n) {
                        return false;
                    }
                }
                return true;
            },
            timeout, 200ms);
    }

    // The URL after "<label>:" in a message's text.
    static std::string LinkIn(const bfu::testing::MailMessage& m, const std::string& label) {
        std::smatch match;
        const std::regex re(label + ":\\s+(http://[^\\s]+)");
        if (!std::regex_search(m.text, match, re)) return {};
        return match[1];
    }
    static std::string PathOf(const std::string& url) {
        const auto slash = url.find('/', std::string("http://").size());
        return slash == std::string::npos ? "/" : url.substr(slash);
    }
    static std::string TokenOf(const std::string& url) {
        const auto t = url.find("t=");
        return t == std::string::npos ? std::string() : url.substr(t + 2);
    }
    bfu::testing::HttpResult PostForm(const std::string& form) {
        return bfu::testing::HttpRequest(notifier_port_, "POST", "/svar", form,
                                         {"Content-Type: application/x-www-form-urlencoded"});
    }

    std::unique_ptr<bfu::testing::SmtpServer> smtp_;
    bfu::testing::WebhookReceiver hooks_;
    std::unique_ptr<kafka::Producer> producer_;
    std::string start_;
    std::string analysis_endpoint_;
    std::string casework_endpoint_;
    std::map<std::string, std::string> notifier_env_;
    int notifier_port_ = 0;
};

// Budgets (example municipality): E211's operating budget for January is 713 830 kr
// (personnel 663 830 with the personnel profile, material 20 000, rent 40 000, fees −10 000).
TEST_F(NotifierE2e, BeyondMandateReachesTheLineAnswersByLinkAndClosesAfterARestart) {
    ASSERT_NO_FATAL_FAILURE(StartServices("2026-02-02T09:00:00+01:00"));
    ASSERT_NO_FATAL_FAILURE(PublishMaster());

    // 1 500 000 kr of personnel in January: 786 170 kr over budget, beyond the enhetschef's
    // (100 000 kr) and the verksamhetschef's (500 000 kr) mandates, within the sektorchef's.
    ASSERT_NO_FATAL_FAILURE(Voucher("N-1", "2026-01-25", "E211", 150'000'000));
    const std::vector<std::string> line{kMaja, kOlof, kSara, kAnna, kMaria, kRegistrator};
    const std::string e211 = "Hemtjänst Centrum";
    ASSERT_TRUE(MailsArrive(line, 1, 60s, e211)) << smtp_->Messages().size() << " messages";
    ASSERT_TRUE(Eventually([&] { return HooksAbout("E211").size() >= 1; }, 30s));
    std::this_thread::sleep_for(2s);  // nothing more is coming
    for (const auto& who : line) {
        auto mails = MailsAbout(who, e211);
        ASSERT_EQ(mails.size(), 1u) << who;
        const auto& m = mails[0];
        EXPECT_EQ(m.subject.rfind("Ny budgetavvikelse: Hemtjänst Centrum, januari 2026", 0), 0u)
            << m.subject;
        EXPECT_NE(m.subject.find("+786 170 kr"), std::string::npos) << m.subject;
        EXPECT_NE(m.text.find("Sektor omsorg (sektor) ansvarar för åtgärderna"), std::string::npos)
            << m.text;
        EXPECT_NE(m.html.find("<html lang=\"sv\">"), std::string::npos);
        EXPECT_NE(m.html.find("<th scope=\"row\">Avvikelse</th>"), std::string::npos);
        EXPECT_FALSE(m.MessageId().empty());
        EXPECT_TRUE(m.Header("in-reply-to").empty());
        EXPECT_EQ(m.Header("from").find("bfu@exempelkommun.se") != std::string::npos, true);
    }
    // The enhetschef is told what to do and by when: two working days.
    const auto maja_first = MailsAbout(kMaja, e211)[0];
    EXPECT_NE(maja_first.text.find("Vad du behöver göra"), std::string::npos);
    EXPECT_NE(maja_first.text.find("Kvittera senast 4 februari 2026 kl. 09.00"), std::string::npos)
        << maja_first.text;
    // One signed POST to the sektor's webhook.
    auto calls = HooksAbout("E211");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].path, "/s2");
    EXPECT_EQ(calls[0].headers["x-bfu-signature"],
              notifier::WebhookSignature(kWebhookSecret, calls[0].body));
    auto body = nlohmann::json::parse(calls[0].body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << calls[0].body;
    EXPECT_EQ(body["type"], "se.bfu.webhook.alert.v1");
    EXPECT_EQ(body["about"], "opened");
    EXPECT_EQ(body["unit"]["id"], "E211");
    const auto dev_ore = body["deviation"]["deviationOre"].get<std::int64_t>();
    auto opened_events = DeviationsOf("budget:2026:E211", contracts::DeviationEventKind::kOpened);
    ASSERT_EQ(opened_events.size(), 1u);
    EXPECT_EQ(dev_ore, opened_events[0].deviation_ore.value_or(0));
    EXPECT_GE(dev_ore, 78'617'000);
    EXPECT_LE(dev_ore, 78'617'100);
    EXPECT_TRUE(body["links"].contains("acknowledge"));

    // 400 000 kr more: a change, in the same conversation.
    ASSERT_NO_FATAL_FAILURE(Voucher("N-2", "2026-01-26", "E211", 40'000'000));
    ASSERT_TRUE(MailsArrive({kMaja, kSara}, 2, 60s, e211));
    std::this_thread::sleep_for(1s);
    for (const auto& who : {kMaja, kSara}) {
        auto mails = MailsAbout(who, e211);
        ASSERT_EQ(mails.size(), 2u) << who;
        EXPECT_EQ(mails[1].subject.rfind("Ändrad budgetavvikelse", 0), 0u) << mails[1].subject;
        EXPECT_EQ(mails[1].Header("in-reply-to"), mails[0].MessageId()) << who;
        EXPECT_EQ(mails[1].Header("references"), mails[0].MessageId()) << who;
        EXPECT_NE(mails[1].MessageId(), mails[0].MessageId());
    }

    // Kvittera, as a browser would: GET shows the form and changes nothing; POST acknowledges
    // under the recipient's identity.
    const std::string deviation = "budget:2026:E211";
    const std::string sara_ack = LinkIn(MailsAbout(kSara, e211)[0], "Kvittera");
    ASSERT_FALSE(sara_ack.empty()) << MailsAbout(kSara, e211)[0].text;
    auto page = bfu::testing::HttpGet(notifier_port_, PathOf(sara_ack));
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_NE(page.body.find("lang=\"sv\""), std::string::npos);
    EXPECT_NE(page.body.find("Kvittera avvikelsen"), std::string::npos);
    EXPECT_NE(page.body.find("Sara Nord"), std::string::npos);
    EXPECT_TRUE(DeviationsOf(deviation, contracts::DeviationEventKind::kAcknowledged).empty());
    auto done = PostForm("t=" + TokenOf(sara_ack) + "&kommentar=Vi+ser+%C3%B6ver+bemanningen");
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_NE(done.body.find("Avvikelsen är kvitterad"), std::string::npos) << done.body;
    auto acks = DeviationsOf(deviation, contracts::DeviationEventKind::kAcknowledged);
    ASSERT_EQ(acks.size(), 1u);
    ASSERT_TRUE(acks[0].by.has_value());
    EXPECT_EQ(acks[0].by->email.value_or(""), kSara);
    EXPECT_EQ(acks[0].comment.value_or(""), "Vi ser över bemanningen");
    ASSERT_TRUE(acks[0].command_id.has_value());
    EXPECT_EQ(acks[0].command_id->rfind("link:", 0), 0u);
    // The same link again: nothing more is recorded.
    auto again = PostForm("t=" + TokenOf(sara_ack));
    EXPECT_EQ(again.status, 200);
    EXPECT_NE(again.body.find("redan använts"), std::string::npos) << again.body;

    // Comment by link: recorded by casework under Maja's name, about the deviation.
    const std::string maja_comment = LinkIn(maja_first, "Kommentera");
    ASSERT_FALSE(maja_comment.empty());
    auto commented =
        PostForm("t=" + TokenOf(maja_comment) + "&kommentar=Vikarier+vid+sjukfr%C3%A5nvaro");
    ASSERT_EQ(commented.status, 200) << commented.body;
    EXPECT_NE(commented.body.find("Din kommentar är sparad"), std::string::npos) << commented.body;
    std::vector<contracts::CommentEvent> comments;
    for (const auto& m :
         bfu::testing::ReadTopic(brokers_, Topic(contracts::topics::kCaseComments), 1, 10s)) {
        auto c = contracts::DecodeMessage<contracts::CommentEvent>(m.value);
        if (c.ok()) comments.push_back(std::move(c).value());
    }
    ASSERT_EQ(comments.size(), 1u);
    EXPECT_EQ(comments[0].by.email.value_or(""), kMaja);
    EXPECT_EQ(comments[0].text, "Vikarier vid sjukfrånvaro");
    EXPECT_EQ(comments[0].subject, contracts::CommentSubject::kDeviation);
    ASSERT_TRUE(comments[0].deviation_id.has_value());
    EXPECT_EQ(comments[0].deviation_id->value(), deviation);
    // A measure by link: proposed in casework, for the deviation, from the month given.
    const std::string maja_measure = LinkIn(maja_first, "Lägg till åtgärd");
    ASSERT_FALSE(maja_measure.empty());
    auto measured =
        PostForm("t=" + TokenOf(maja_measure) +
                 "&vad=F%C3%A4rre+vikarier&vem=Maja+%C3%96berg&effekt=-40000&fran=2026-03");
    ASSERT_EQ(measured.status, 200) << measured.body;
    std::vector<contracts::MeasureEvent> measures;
    for (const auto& m :
         bfu::testing::ReadTopic(brokers_, Topic(contracts::topics::kCaseMeasures), 1, 10s)) {
        auto e = contracts::DecodeMessage<contracts::MeasureEvent>(m.value);
        if (e.ok()) measures.push_back(std::move(e).value());
    }
    ASSERT_EQ(measures.size(), 1u);
    EXPECT_EQ(measures[0].measure.effect_ore_per_month, -4'000'000);
    EXPECT_EQ(measures[0].measure.from_period, "202603");
    EXPECT_EQ(measures[0].measure.status, contracts::MeasureStatus::kProposed);
    EXPECT_EQ(measures[0].by.email.value_or(""), kMaja);

    // An altered link and an expired one: a clear page, nothing changes.
    std::string forged = TokenOf(LinkIn(maja_first, "Kvittera"));
    ASSERT_FALSE(forged.empty());
    forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
    auto refused = bfu::testing::HttpGet(notifier_port_, "/svar?t=" + forged);
    EXPECT_EQ(refused.status, 403);
    EXPECT_NE(refused.body.find("Länken är inte giltig"), std::string::npos);
    EXPECT_EQ(PostForm("t=" + forged).status, 403);
    notifier::LinkSigner signer(kLinkKey);
    notifier::LinkClaims old;
    old.action = notifier::LinkAction::kAcknowledge;
    old.deviation_id = deviation;
    old.email = kMaja;
    old.name = "Maja Öberg";
    old.expires = core::ToUnixMillis(core::FromRfc3339("2026-01-01T00:00:00Z").value()) / 1000;
    old.alert_id = "old";
    auto expired = bfu::testing::HttpGet(notifier_port_, "/svar?t=" + signer.Sign(old));
    EXPECT_EQ(expired.status, 410);
    EXPECT_NE(expired.body.find("Länken har gått ut"), std::string::npos);
    EXPECT_EQ(PostForm("t=" + signer.Sign(old)).status, 410);
    EXPECT_EQ(DeviationsOf(deviation, contracts::DeviationEventKind::kAcknowledged).size(), 1u);

    // The notifier restarts; then the deviation closes (a correction of exactly the
    // deviation brings the outcome to the budget): the same people and the webhook hear it is
    // over.
    ASSERT_NO_FATAL_FAILURE(RestartNotifier());
    auto changed = DeviationsOf(deviation, contracts::DeviationEventKind::kChanged);
    ASSERT_FALSE(changed.empty());
    // February has begun somewhere: January is complete, so a unit no longer over budget is
    // still judged through it (docs/architecture.md, the judged month).
    ASSERT_NO_FATAL_FAILURE(Voucher("N-3", "2026-02-01", "E111", 10'000));
    ASSERT_TRUE(Eventually(
        [&] {
            return !DeviationsOf("budget:2026:E111", contracts::DeviationEventKind::kOpened)
                        .empty();
        },
        60s));
    ASSERT_NO_FATAL_FAILURE(
        Voucher("N-4", "2026-01-27", "E211", -changed.back().deviation_ore.value_or(0)));
    ASSERT_TRUE(Eventually(
        [&] { return !DeviationsOf(deviation, contracts::DeviationEventKind::kClosed).empty(); },
        60s))
        << RejectedVouchers();
    ASSERT_TRUE(Eventually(
        [&] {
            for (const auto& who : line) {
                auto mails = MailsAbout(who, e211);
                if (std::none_of(mails.begin(), mails.end(), [](const auto& m) {
                        return m.subject.rfind("Avslutad budgetavvikelse", 0) == 0;
                    })) {
                    return false;
                }
            }
            return true;
        },
        60s));
    ASSERT_TRUE(Eventually([&] { return HooksAbout("E211").size() >= 3; }, 30s));
    auto closing = nlohmann::json::parse(HooksAbout("E211").back().body, nullptr, false);
    EXPECT_EQ(closing["about"], "closed");
    // Nobody outside the line heard anything.
    for (const auto& m : smtp_->Messages()) {
        EXPECT_TRUE(std::find(line.begin(), line.end(), m.To()) != line.end()) << m.To();
    }
}

// A deviation event written again with the same id (analysis re-derives its events after a
// restart: at-least-once) is a copy: its live alert is not published or recorded again, and no
// e-mail is planned again. (ops/chaos found live alerts recorded "sent" twice.)
TEST_F(NotifierE2e, ACopyOfAnEventAlreadyAlertedAlertsNobodyAgain) {
    ASSERT_NO_FATAL_FAILURE(StartServices("2026-02-02T09:00:00+01:00"));
    ASSERT_NO_FATAL_FAILURE(PublishMaster());
    ASSERT_NO_FATAL_FAILURE(Voucher("C-1", "2026-01-25", "E211", 150'000'000));
    auto count = [&](contracts::AlertChannel channel, contracts::AlertStatus status) {
        std::map<std::string, int> n;
        for (const auto& a : Alerts()) {
            if (a.channel == channel && a.status == status) ++n[a.alert_id];
        }
        return n;
    };
    ASSERT_TRUE(Eventually(
        [&] {
            return !count(contracts::AlertChannel::kZmq, contracts::AlertStatus::kSent).empty() &&
                   !count(contracts::AlertChannel::kEmail, contracts::AlertStatus::kPending)
                        .empty();
        },
        60s));
    std::this_thread::sleep_for(3s);  // every event of the voucher alerted
    const auto live = count(contracts::AlertChannel::kZmq, contracts::AlertStatus::kSent);
    const auto mails = count(contracts::AlertChannel::kEmail, contracts::AlertStatus::kPending);
    // Every deviation event again, byte for byte, as a restarted analysis writes it.
    const auto events =
        bfu::testing::ReadTopic(brokers_, Topic(contracts::topics::kDeviations), 1, 10s);
    ASSERT_FALSE(events.empty());
    for (const auto& m : events) {
        ASSERT_TRUE(producer_->Produce(Topic(contracts::topics::kDeviations), m.key, m.value).ok());
    }
    ASSERT_TRUE(producer_->Flush(30s).ok());
    // Before the fix a second "sent" record of a live alert came within a second; wait well
    // beyond that for it not to come.
    const bool doubled = Eventually(
        [&] {
            for (const auto& [id, n] :
                 count(contracts::AlertChannel::kZmq, contracts::AlertStatus::kSent)) {
                if (n > 1) return true;
            }
            return false;
        },
        12s, 500ms);
    EXPECT_FALSE(doubled) << "a live alert was recorded sent twice";
    EXPECT_EQ(count(contracts::AlertChannel::kZmq, contracts::AlertStatus::kSent), live);
    EXPECT_EQ(count(contracts::AlertChannel::kEmail, contracts::AlertStatus::kPending), mails);
}

TEST_F(NotifierE2e, KilledBetweenRecordingAndSendingAndSmtpDownEveryMessageArrivesOnce) {
    // Deliveries wait eight seconds: the notifier is killed after recording, before sending.
    ASSERT_NO_FATAL_FAILURE(
        StartServices("2026-02-02T09:00:00+01:00", {{"BFU_NOTIFIER_DELIVERY_DELAY", "8000"}}));
    ASSERT_NO_FATAL_FAILURE(PublishMaster());
    ASSERT_NO_FATAL_FAILURE(Voucher("K-1", "2026-01-25", "E211", 150'000'000));
    auto pending = [&] {
        std::size_t n = 0;
        for (const auto& a : Alerts()) {
            n += a.status == contracts::AlertStatus::kPending &&
                 a.channel == contracts::AlertChannel::kEmail;
        }
        return n;
    };
    ASSERT_TRUE(Eventually([&] { return pending() >= 6; }, 60s));
    services_.erase("notifier");  // SIGKILL
    http_ports_.erase("notifier");
    EXPECT_TRUE(smtp_->Messages().empty()) << "sent before the kill";
    ASSERT_NO_FATAL_FAILURE(StartNotifier({{"BFU_NOTIFIER_DELIVERY_DELAY", "0"}}));
    ASSERT_NO_FATAL_FAILURE(WaitReady());
    ASSERT_TRUE(MailsArrive({kMaja, kOlof, kSara, kAnna, kMaria, kRegistrator}, 1));

    // The SMTP server goes away; a second deviation (Norrskolan, beyond 100 000 kr) is recorded
    // and fails to send; the server comes back and the messages arrive.
    smtp_->Stop();
    ASSERT_NO_FATAL_FAILURE(Voucher("K-2", "2026-01-25", "E111", 110'000'000));
    ASSERT_TRUE(Eventually(
        [&] {
            for (const auto& a : Alerts()) {
                if (a.status == contracts::AlertStatus::kFailed) return true;
            }
            return false;
        },
        60s));
    ASSERT_TRUE(smtp_->Start());
    ASSERT_TRUE(MailsArrive(
        {"nils.gran@exempelkommun.se", "johan.as@exempelkommun.se", "erik.dahl@exempelkommun.se"},
        1));
    std::this_thread::sleep_for(3s);  // retries that were due have run
    std::map<std::string, int> by_id;
    for (const auto& m : smtp_->Messages()) ++by_id[m.MessageId()];
    for (const auto& [id, n] : by_id) EXPECT_EQ(n, 1) << id;
    std::size_t planned = 0;
    for (const auto& a : Alerts()) {
        planned += a.status == contracts::AlertStatus::kPending &&
                   a.channel == contracts::AlertChannel::kEmail;
    }
    EXPECT_EQ(by_id.size(), planned);
}

// E212 (budget Jan–Mar 1 945 766 kr) and E221 (3 261 702 kr) both go beyond the enhet's
// mandate into the verksamhet's on the Thursday before Easter; V22 acknowledges E221.
TEST_F(NotifierE2e, UnansweredEscalatesAfterTwoWorkingDaysAnsweredDoesNot) {
    ASSERT_NO_FATAL_FAILURE(StartServices("2026-04-02T09:00:00+02:00"));
    ASSERT_NO_FATAL_FAILURE(PublishMaster());
    ASSERT_NO_FATAL_FAILURE(Voucher("E-1", "2026-03-20", "E212", 215'000'000));
    ASSERT_NO_FATAL_FAILURE(Voucher("E-2", "2026-03-20", "E221", 355'000'000));
    ASSERT_TRUE(MailsArrive({kEmil, kOlof, kLena}, 1));
    auto opened = DeviationsOf("budget:2026:E212", contracts::DeviationEventKind::kOpened);
    ASSERT_EQ(opened.size(), 1u);
    // Långfredagen (3 April) and annandag påsk (6 April) are not working days.
    EXPECT_EQ(opened[0].respond_by.value_or(""), "2026-04-08T07:00:00.000Z");
    ASSERT_TRUE(opened[0].escalation.has_value());
    EXPECT_EQ(opened[0].escalation->to_unit.value(), "V21");

    ::zmq::context_t zctx(1);
    zmq::JsonClient analysis(zctx, analysis_endpoint_);
    auto ack = analysis.Call({{"op", "deviation.ack"},
                              {"deviation", "budget:2026:E221"},
                              {"by", kLena},
                              {"commandId", "e2e-ack-1"}});
    ASSERT_TRUE(ack.ok()) << ack.error().ToString();

    // Tuesday after Easter: not yet.
    ASSERT_NO_FATAL_FAILURE(SetClock("2026-04-07T12:00:00+02:00"));
    std::this_thread::sleep_for(4s);
    EXPECT_TRUE(
        DeviationsOf("budget:2026:E212", contracts::DeviationEventKind::kEscalated).empty());

    // Wednesday 09:00:30: E212 goes to the sektor; E221, acknowledged, stays.
    ASSERT_NO_FATAL_FAILURE(SetClock("2026-04-08T09:00:30+02:00"));
    ASSERT_TRUE(Eventually(
        [&] {
            return !DeviationsOf("budget:2026:E212", contracts::DeviationEventKind::kEscalated)
                        .empty();
        },
        30s));
    auto escalated = DeviationsOf("budget:2026:E212", contracts::DeviationEventKind::kEscalated);
    ASSERT_EQ(escalated.size(), 1u);
    ASSERT_TRUE(escalated[0].escalation.has_value());
    EXPECT_EQ(escalated[0].escalation->to_unit.value(), "S2");
    EXPECT_EQ(escalated[0].escalation->reason, contracts::EscalationReason::kNotAcknowledged);
    EXPECT_EQ(escalated[0].respond_by.value_or(""), "2026-04-10T07:00:00.000Z");
    EXPECT_TRUE(
        DeviationsOf("budget:2026:E221", contracts::DeviationEventKind::kEscalated).empty());
    // The sektorchef hears it is hers now; the verksamhetschef who did not answer is reminded.
    ASSERT_TRUE(Eventually(
        [&] {
            auto sara = smtp_->To(kSara);
            auto olof = smtp_->To(kOlof);
            return std::any_of(sara.begin(), sara.end(),
                               [](const auto& m) {
                                   return m.subject.rfind("Eskalerad budgetavvikelse", 0) == 0;
                               }) &&
                   std::any_of(olof.begin(), olof.end(),
                               [](const auto& m) { return m.subject.rfind("Påminnelse", 0) == 0; });
        },
        30s));
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(DeviationsOf("budget:2026:E212", contracts::DeviationEventKind::kEscalated).size(),
              1u);
}

}  // namespace
}  // namespace bfu
