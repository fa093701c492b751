#include "bfu/notifier/alerts.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "bfu/core/money.hpp"

namespace bfu::notifier {

namespace {

std::string Kronor(std::int64_t ore) {
    // "1 234 567 kr" with a thin grouping space; öre dropped in an alert (exact figures are in
    // the report and in bfu status).
    const bool neg = ore < 0;
    std::uint64_t kr = static_cast<std::uint64_t>(neg ? -(ore / 100) : ore / 100);
    std::string digits = std::to_string(kr);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
        out += digits[i];
    }
    return (neg ? "−" : "") + out + " kr";
}

std::string Percent(double share) {
    std::ostringstream os;
    os.setf(std::ios::fixed);
    os.precision(1);
    os << share * 100.0;
    std::string s = os.str();
    for (auto& c : s) {
        if (c == '.') c = ',';
    }
    return s + " %";
}

std::string KindText(contracts::DeviationKind k) {
    switch (k) {
        case contracts::DeviationKind::kBudget:
            return "budgetavvikelse";
        case contracts::DeviationKind::kInvestment:
            return "investeringsavvikelse";
        case contracts::DeviationKind::kForecast:
            return "prognosavvikelse";
        case contracts::DeviationKind::kGoal:
            return "målavvikelse";
        case contracts::DeviationKind::kHr:
            return "personalavvikelse";
    }
    return "avvikelse";
}

std::string EventText(contracts::DeviationEventKind e) {
    switch (e) {
        case contracts::DeviationEventKind::kOpened:
            return "Ny";
        case contracts::DeviationEventKind::kChanged:
            return "Ändrad";
        case contracts::DeviationEventKind::kEscalated:
            return "Eskalerad";
        case contracts::DeviationEventKind::kClosed:
            return "Avslutad";
        default:
            return "Uppdaterad";
    }
}

// Letters, digits and '_', '.', '-' only, as a ref allows.
std::string RefSafe(const std::string& s) {
    std::string out;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        out += ok ? c : '-';
    }
    return out;
}

bool Alerted(contracts::DeviationEventKind e) {
    return e == contracts::DeviationEventKind::kOpened ||
           e == contracts::DeviationEventKind::kChanged ||
           e == contracts::DeviationEventKind::kEscalated ||
           e == contracts::DeviationEventKind::kClosed;
}

}  // namespace

std::string AlertId(const contracts::DeviationEvent& event, contracts::AlertChannel channel,
                    const contracts::Person& recipient) {
    return event.deviation_id.value() + ":" + std::to_string(event.seq) + ":" +
           std::string(contracts::ToString(channel)) + ":" +
           RefSafe(recipient.email.value_or(recipient.name));
}

bool ShouldAlert(const contracts::DeviationEvent& event, bool alerted_before) {
    if (!Alerted(event.event)) return false;
    if (event.event == contracts::DeviationEventKind::kClosed) return alerted_before;
    // An unfavourable deviation (overspend, a missed target) goes up the line at once; a
    // favourable one is a good example for the report (S3), not an alarm.
    return event.deviation_ore.value_or(0) > 0 || event.kind == contracts::DeviationKind::kGoal ||
           event.kind == contracts::DeviationKind::kHr ||
           event.event == contracts::DeviationEventKind::kEscalated;
}

std::vector<AlertMessage> AlertsFor(const contracts::DeviationEvent& event,
                                    contracts::AlertChannel channel, core::TimePoint now,
                                    const std::string& unit_name) {
    const std::string unit =
        unit_name.empty() ? event.unit.value() : unit_name + " (" + event.unit.value() + ")";
    std::vector<AlertMessage> out;
    if (!Alerted(event.event)) return out;
    std::vector<contracts::Person> recipients = event.notified;
    recipients.push_back(event.responsible);

    const std::string subject =
        EventText(event.event) + " " + KindText(event.kind) + " för " + unit + ", t.o.m. " +
        event.period + ": " + Kronor(event.deviation_ore.value_or(0)) + ", " + Percent(event.share);
    std::ostringstream body;
    body << subject << "\n\n";
    body << "Enhet: " << unit << " (nivå " << contracts::ToString(event.level) << ")\n";
    body << "Period t.o.m.: " << event.period << "\n";
    if (event.outcome_ore) body << "Utfall hittills: " << Kronor(*event.outcome_ore) << "\n";
    if (event.budget_ore) body << "Budget hittills: " << Kronor(*event.budget_ore) << "\n";
    body << "Avvikelse: " << Kronor(event.deviation_ore.value_or(0)) << " (" << Percent(event.share)
         << "), allvarlighet " << contracts::ToString(event.severity) << "\n";
    body << "Ansvarig chef: " << event.responsible.name << " (" << event.responsible.role << ")\n";
    body << (event.within_mandate ? "Avvikelsen ryms inom ansvarig chefs mandat.\n"
                                  : "Avvikelsen är större än ansvarig chefs mandat: överordnad "
                                    "nivå ska besluta om åtgärder.\n");
    if (!event.causes.empty()) {
        body << "\nOrsaker (största först):\n";
        for (const auto& c : event.causes) {
            body << "  - " << contracts::ToString(c.dimension) << " " << c.key << ": "
                 << Kronor(c.amount_ore) << " (" << Percent(c.share) << ")\n";
        }
    }
    if (event.event != contracts::DeviationEventKind::kClosed) {
        body << "\nEnligt reglerna för budgetuppföljning ska avvikelsen utan dröjsmål hanteras: "
                "ansvarig chef för dialog med överordnad och föreslår åtgärder inom sitt "
                "mandat.\n";
    }
    body << "\nAvvikelse-id: " << event.deviation_id.value() << " (händelse " << event.seq << ")\n";

    for (const auto& r : recipients) {
        AlertMessage m;
        m.alert.alert_id = AlertId(event, channel, r);
        m.alert.deviation_id = event.deviation_id;
        m.alert.unit = event.unit;
        m.alert.recipient = r;
        m.alert.channel = channel;
        m.alert.subject = subject;
        m.alert.sent_at = core::ToRfc3339(now);
        m.alert.status = contracts::AlertStatus::kSent;
        m.alert.attempt = 1;
        // The first ring of the reporting line; escalation beyond it is a later event.
        m.alert.escalation_level = 0;
        m.subject = subject;
        m.body = body.str();
        out.push_back(std::move(m));
    }
    return out;
}

namespace {

// RFC 2047 encoded-word for a header with non-ASCII text.
std::string EncodedWord(const std::string& text) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string b64;
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) {
        return static_cast<unsigned>(static_cast<unsigned char>(text[k]));
    };
    for (; i + 2 < text.size(); i += 3) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        b64 += kAlphabet[(v >> 18) & 63];
        b64 += kAlphabet[(v >> 12) & 63];
        b64 += kAlphabet[(v >> 6) & 63];
        b64 += kAlphabet[v & 63];
    }
    if (i + 1 == text.size()) {
        const unsigned v = byte(i) << 16;
        b64 += kAlphabet[(v >> 18) & 63];
        b64 += kAlphabet[(v >> 12) & 63];
        b64 += "==";
    } else if (i + 2 == text.size()) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
        b64 += kAlphabet[(v >> 18) & 63];
        b64 += kAlphabet[(v >> 12) & 63];
        b64 += kAlphabet[(v >> 6) & 63];
        b64 += '=';
    }
    return "=?UTF-8?B?" + b64 + "?=";
}

// The header text as RFC 2047 encoded-words of at most 75 characters each (45 bytes of text
// in base64), each holding whole UTF-8 characters, folded onto continuation lines: longer
// words break the RFC, and strict mail readers show them raw.
std::string EncodedWords(const std::string& text) {
    constexpr std::size_t kMaxBytes = 45;
    std::string out;
    std::size_t start = 0;
    do {
        std::size_t end = std::min(text.size(), start + kMaxBytes);
        // Never split a multi-byte character: back off to its first byte.
        while (end < text.size() && end > start + 1 &&
               (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
            --end;
        }
        if (!out.empty()) out += "\r\n ";
        out += EncodedWord(text.substr(start, end - start));
        start = end;
    } while (start < text.size());
    return out;
}

// "2026-03-31T12:00:00.000Z" -> "31 Mar 2026 12:00:00 +0000" (RFC 5322 date-time).
std::string MailDate(const std::string& rfc3339) {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (rfc3339.size() < 19) return rfc3339;
    const int month = std::atoi(rfc3339.substr(5, 2).c_str());
    if (month < 1 || month > 12) return rfc3339;
    return rfc3339.substr(8, 2) + " " + kMonths[month - 1] + " " + rfc3339.substr(0, 4) + " " +
           rfc3339.substr(11, 8) + " +0000";
}

}  // namespace

std::string ToEmail(const AlertMessage& m, const std::string& from) {
    std::ostringstream os;
    os << "From: " << from << "\r\n";
    os << "To: " << EncodedWords(m.alert.recipient.name);
    if (m.alert.recipient.email) os << " <" << *m.alert.recipient.email << ">";
    os << "\r\n";
    os << "Subject: " << EncodedWords(m.subject) << "\r\n";
    os << "Date: " << MailDate(m.alert.sent_at) << "\r\n";
    char id[32];
    std::snprintf(id, sizeof id, "%016zx", std::hash<std::string>{}(m.alert.alert_id));
    os << "Message-ID: <" << id << ".alert@bfu.invalid>\r\n";
    os << "MIME-Version: 1.0\r\n";
    os << "Content-Type: text/plain; charset=utf-8\r\n";
    os << "Content-Transfer-Encoding: 8bit\r\n\r\n";
    std::istringstream body(m.body);
    std::string line;
    while (std::getline(body, line)) os << line << "\r\n";
    return os.str();
}

}  // namespace bfu::notifier
