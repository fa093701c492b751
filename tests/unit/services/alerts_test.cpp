// The notifier's pure part: who is alerted, what they are told, and the e-mail form.
#include "bfu/notifier/alerts.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "test_master.hpp"

namespace bfu::notifier {
namespace {

using contracts::DeviationEventKind;
using contracts::DeviationKind;

contracts::DeviationEvent Event(DeviationEventKind event = DeviationEventKind::kOpened,
                                std::int64_t deviation_ore = 8'000'000,
                                DeviationKind kind = DeviationKind::kBudget) {
    contracts::DeviationEvent d;
    d.deviation_id = core::DeviationId("budget:2026:ENH1");
    d.seq = 1;
    d.unit = core::UnitId("ENH1");
    d.level = contracts::OrgLevel::kEnhet;
    d.kind = kind;
    d.year = 2026;
    d.period = "202602";
    d.event = event;
    d.at = "2026-03-31T12:00:00.000Z";
    d.budget_ore = 22'000'000;
    d.outcome_ore = 22'000'000 + deviation_ore;
    d.deviation_ore = deviation_ore;
    d.share = 0.3636;
    d.severity = contracts::Severity::kMinor;
    d.within_mandate = true;
    d.responsible = {"Maja Öberg", "enhetschef", std::string("maja@ex.se")};
    d.notified = {{"Olof Björk", "verksamhetschef", std::string("olof@ex.se")},
                  {"Sara Nord", "sektorchef", std::nullopt}};
    d.causes = {{contracts::CauseDimension::kGroup, "personal", 8'000'000, 1.0}};
    return d;
}

TEST(ShouldAlert, AlertsUnfavourableMoneyDeviationWhenOpenedOrChanged) {
    EXPECT_TRUE(ShouldAlert(Event(DeviationEventKind::kOpened), false));
    EXPECT_TRUE(ShouldAlert(Event(DeviationEventKind::kChanged), true));
    EXPECT_TRUE(ShouldAlert(Event(DeviationEventKind::kEscalated), true));
}

TEST(ShouldAlert, DoesNotAlertFavourableMoneyDeviation) {
    EXPECT_FALSE(ShouldAlert(Event(DeviationEventKind::kOpened, -8'000'000), false));
    EXPECT_FALSE(ShouldAlert(Event(DeviationEventKind::kChanged, -8'000'000), true));
    EXPECT_FALSE(ShouldAlert(
        Event(DeviationEventKind::kOpened, -8'000'000, DeviationKind::kForecast), false));
}

TEST(ShouldAlert, AlertsClosingOnlyWhenTheOpeningWasAlerted) {
    EXPECT_TRUE(ShouldAlert(Event(DeviationEventKind::kClosed), true));
    EXPECT_FALSE(ShouldAlert(Event(DeviationEventKind::kClosed), false));
    EXPECT_FALSE(ShouldAlert(Event(DeviationEventKind::kClosed, -8'000'000), false));
}

TEST(ShouldAlert, AlwaysAlertsGoalAndHrDeviations) {
    for (auto kind : {DeviationKind::kGoal, DeviationKind::kHr}) {
        auto e = Event(DeviationEventKind::kOpened, 0, kind);
        e.deviation_ore.reset();
        e.budget_ore.reset();
        e.outcome_ore.reset();
        e.target = 95.0;
        e.actual = 88.0;
        EXPECT_TRUE(ShouldAlert(e, false));
    }
}

TEST(ShouldAlert, DoesNotAlertRecordedEvents) {
    for (auto kind : {DeviationEventKind::kAcknowledged, DeviationEventKind::kMeasureAdded,
                      DeviationEventKind::kMeasureDone, DeviationEventKind::kDecision}) {
        EXPECT_FALSE(ShouldAlert(Event(kind), true));
    }
}

TEST(AlertsFor, SendsToTheNotifiedAndTheResponsibleManager) {
    auto alerts =
        AlertsFor(Event(), contracts::AlertChannel::kEmail, test::TestNow(), "Hemtjänst Öst");
    ASSERT_EQ(alerts.size(), 3u);
    EXPECT_EQ(alerts[0].alert.recipient.name, "Olof Björk");
    EXPECT_EQ(alerts[1].alert.recipient.name, "Sara Nord");
    EXPECT_EQ(alerts[2].alert.recipient.name, "Maja Öberg");
    for (const auto& a : alerts) {
        EXPECT_EQ(a.alert.deviation_id.value(), "budget:2026:ENH1");
        EXPECT_EQ(a.alert.unit.value(), "ENH1");
        EXPECT_EQ(a.alert.channel, contracts::AlertChannel::kEmail);
        EXPECT_EQ(a.alert.sent_at, core::ToRfc3339(test::TestNow()));
        EXPECT_EQ(a.alert.attempt, 1);
        EXPECT_EQ(a.alert.subject, a.subject);
    }
}

TEST(AlertsFor, WritesSwedishSubjectWithUnitNameAndAmount) {
    auto alerts =
        AlertsFor(Event(), contracts::AlertChannel::kEmail, test::TestNow(), "Hemtjänst Öst");
    ASSERT_FALSE(alerts.empty());
    // 8 000 000 öre = 80 000 kr; share 0.3636 = 36.4 %.
    EXPECT_EQ(alerts[0].subject,
              "Ny budgetavvikelse för Hemtjänst Öst (ENH1), t.o.m. 202602: 80 000 kr, 36,4 %");
    const auto& body = alerts[0].body;
    EXPECT_NE(body.find("Utfall hittills: 300 000 kr"), std::string::npos) << body;
    EXPECT_NE(body.find("Budget hittills: 220 000 kr"), std::string::npos) << body;
    EXPECT_NE(body.find("Ansvarig chef: Maja Öberg (enhetschef)"), std::string::npos);
    EXPECT_NE(body.find("group personal: 80 000 kr"), std::string::npos) << body;
    EXPECT_NE(body.find("inom ansvarig chefs mandat"), std::string::npos);
}

TEST(AlertsFor, UsesTheUnitIdWhenNameIsUnknownAndMarksClosing) {
    auto closed = Event(DeviationEventKind::kClosed, 1'234'567'800);
    auto alerts = AlertsFor(closed, contracts::AlertChannel::kZmq, test::TestNow());
    ASSERT_FALSE(alerts.empty());
    EXPECT_EQ(alerts[0].subject.rfind("Avslutad budgetavvikelse för ENH1, t.o.m. 202602: "
                                      "12 345 678 kr",
                                      0),
              0u)
        << alerts[0].subject;
}

TEST(AlertsFor, SaysWhenTheDeviationIsBeyondTheManagersMandate) {
    auto e = Event();
    e.within_mandate = false;
    auto alerts = AlertsFor(e, contracts::AlertChannel::kEmail, test::TestNow());
    ASSERT_FALSE(alerts.empty());
    EXPECT_NE(alerts[0].body.find("större än ansvarig chefs mandat"), std::string::npos);
    EXPECT_EQ(alerts[0].body.find("ryms inom"), std::string::npos);
}

TEST(AlertsFor, GivesNothingForRecordedEvents) {
    EXPECT_TRUE(AlertsFor(Event(DeviationEventKind::kAcknowledged), contracts::AlertChannel::kEmail,
                          test::TestNow())
                    .empty());
}

TEST(AlertId, IsDeterministicPerDeviationSequenceChannelAndRecipient) {
    const auto e = Event();
    const contracts::Person olof{"Olof Björk", "verksamhetschef", std::string("olof@ex.se")};
    EXPECT_EQ(AlertId(e, contracts::AlertChannel::kEmail, olof),
              "budget:2026:ENH1:1:email:olof-ex.se");
    EXPECT_EQ(AlertId(e, contracts::AlertChannel::kEmail, olof),
              AlertId(Event(), contracts::AlertChannel::kEmail, olof));
    auto later = e;
    later.seq = 2;
    EXPECT_NE(AlertId(later, contracts::AlertChannel::kEmail, olof),
              AlertId(e, contracts::AlertChannel::kEmail, olof));
    EXPECT_NE(AlertId(e, contracts::AlertChannel::kWebhook, olof),
              AlertId(e, contracts::AlertChannel::kEmail, olof));
    auto first = AlertsFor(e, contracts::AlertChannel::kEmail, test::TestNow());
    auto second = AlertsFor(e, contracts::AlertChannel::kEmail, test::TestNow());
    ASSERT_EQ(first.size(), second.size());
    for (std::size_t i = 0; i < first.size(); ++i) {
        EXPECT_EQ(first[i].alert.alert_id, second[i].alert.alert_id);
    }
    EXPECT_NE(first[0].alert.alert_id, first[1].alert.alert_id);
}

// --- ToEmail -------------------------------------------------------------------------------

std::string Base64Decode(const std::string& in) {
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        const auto pos = alphabet.find(c);
        EXPECT_NE(pos, std::string::npos) << "not base64: " << c;
        if (pos == std::string::npos) return out;
        buffer = (buffer << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

bool IsValidUtf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;  // continuation bytes
        if (c < 0x80) {
            n = 0;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n + 1;
    }
    return true;
}

struct Mail {
    std::vector<std::string> header_lines;  // unfolded
    std::string body;
};

Mail Parse(const std::string& text) {
    Mail m;
    const auto split = text.find("\r\n\r\n");
    EXPECT_NE(split, std::string::npos);
    if (split == std::string::npos) return m;
    const std::string head = text.substr(0, split + 2);
    m.body = text.substr(split + 4);
    std::size_t pos = 0;
    while (pos < head.size()) {
        const auto eol = head.find("\r\n", pos);
        const std::string line = head.substr(pos, eol - pos);
        EXPECT_LE(line.size(), 998u) << "RFC 5322 line limit";
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            EXPECT_FALSE(m.header_lines.empty());
            if (!m.header_lines.empty()) m.header_lines.back() += line;  // unfold
        } else {
            m.header_lines.push_back(line);
        }
        pos = eol + 2;
    }
    return m;
}

std::string Header(const Mail& m, const std::string& name) {
    for (const auto& l : m.header_lines) {
        if (l.rfind(name + ": ", 0) == 0) return l.substr(name.size() + 2);
    }
    ADD_FAILURE() << "no header " << name;
    return {};
}

// Decodes every RFC 2047 encoded-word in a header value (whitespace between adjacent words is
// dropped, as RFC 2047 section 6.2 says), checking the 75-character limit and that each word
// holds whole UTF-8 characters; text outside encoded-words is kept.
std::string DecodeHeader(const std::string& value) {
    static const std::regex kWord(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
    std::string out;
    auto it = std::sregex_iterator(value.begin(), value.end(), kWord);
    std::size_t last = 0;
    bool previous_was_word = false;
    for (; it != std::sregex_iterator(); ++it) {
        const auto& match = *it;
        const auto between = value.substr(last, static_cast<std::size_t>(match.position()) - last);
        if (!(previous_was_word && between.find_first_not_of(" \t") == std::string::npos)) {
            out += between;
        }
        EXPECT_LE(match.length(), 75) << "RFC 2047: an encoded-word is at most 75 characters";
        const std::string decoded = Base64Decode(match[1].str());
        EXPECT_TRUE(IsValidUtf8(decoded)) << "RFC 2047: whole characters per encoded-word";
        out += decoded;
        last = static_cast<std::size_t>(match.position() + match.length());
        previous_was_word = true;
    }
    out += value.substr(last);
    return out;
}

class ToEmailTest : public ::testing::Test {
protected:
    ToEmailTest() {
        auto alerts =
            AlertsFor(Event(), contracts::AlertChannel::kEmail, test::TestNow(), "Hemtjänst Öst");
        message_ = alerts.at(0);  // to Olof Björk
        text_ = ToEmail(message_, "bfu <bfu@exempelkommun.se>");
        mail_ = Parse(text_);
    }
    AlertMessage message_;
    std::string text_;
    Mail mail_;
};

TEST_F(ToEmailTest, EndsEveryLineWithCrLf) {
    ASSERT_FALSE(text_.empty());
    for (std::size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') {
            ASSERT_GT(i, 0u);
            EXPECT_EQ(text_[i - 1], '\r') << "bare LF at " << i;
        }
    }
    EXPECT_EQ(text_.substr(text_.size() - 2), "\r\n");
}

TEST_F(ToEmailTest, HasTheRfc5322AndMimeHeaders) {
    EXPECT_EQ(Header(mail_, "From"), "bfu <bfu@exempelkommun.se>");
    EXPECT_EQ(Header(mail_, "MIME-Version"), "1.0");
    EXPECT_EQ(Header(mail_, "Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(Header(mail_, "Content-Transfer-Encoding"), "8bit");
    // 2026-03-31T12:00:00Z in RFC 5322 date-time form.
    EXPECT_EQ(Header(mail_, "Date"), "31 Mar 2026 12:00:00 +0000");
}

TEST_F(ToEmailTest, EncodesNonAsciiSubjectAndRecipientPerRfc2047) {
    const std::string subject = Header(mail_, "Subject");
    for (char c : subject) {
        EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "raw non-ASCII in Subject";
    }
    EXPECT_EQ(DecodeHeader(subject), message_.subject);

    const std::string to = Header(mail_, "To");
    for (char c : to) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "raw non-ASCII in To";
    EXPECT_EQ(DecodeHeader(to), "Olof Björk <olof@ex.se>");
}

TEST_F(ToEmailTest, HasMessageIdWithoutColonOrAtInItsLocalPart) {
    const std::string id = Header(mail_, "Message-ID");
    static const std::regex kMsgId(R"(<([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+)@([A-Za-z0-9.-]+)>)");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(id, m, kMsgId)) << id;
    EXPECT_EQ(m[1].str().find(':'), std::string::npos);
    // The same alert gives the same Message-ID (a re-sent alert is recognised).
    const auto again = Parse(ToEmail(message_, "bfu <bfu@exempelkommun.se>"));
    EXPECT_EQ(Header(again, "Message-ID"), id);
}

TEST_F(ToEmailTest, CarriesTheBodyLineByLine) {
    std::string expected;
    std::size_t pos = 0;
    while (pos < message_.body.size()) {
        const auto eol = message_.body.find('\n', pos);
        expected += message_.body.substr(pos, eol - pos) + "\r\n";
        pos = eol == std::string::npos ? message_.body.size() : eol + 1;
    }
    EXPECT_EQ(mail_.body, expected);
}

}  // namespace
}  // namespace bfu::notifier
