// Alert e-mails as RFC 5322 / MIME messages (mime.hpp), checked by parsing what BuildMail
// writes: headers, RFC 2047 words, Swedish local dates, base64 parts, line lengths and header
// injection.
#include "bfu/notifier/mime.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bfu/contracts/formats.hpp"
#include "bfu/domain/workdays.hpp"
#include "services/test_master.hpp"

namespace bfu::notifier {
namespace {

struct Header {
    std::string name;
    std::string value;  // unfolded
};

struct Part {
    std::map<std::string, std::string> headers;  // lower-case name -> value
    std::string body;                            // as transmitted
};

struct ParsedMail {
    std::vector<std::string> header_lines;  // the physical lines of the header block
    std::vector<Header> headers;
    std::string body;
};

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::vector<std::string> SplitCrlf(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find("\r\n", start);
        if (end == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

// Every CR is followed by LF and every LF preceded by CR.
bool OnlyCrlf(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) return false;
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
    }
    return true;
}

ParsedMail Parse(const std::string& raw) {
    ParsedMail m;
    const auto sep = raw.find("\r\n\r\n");
    EXPECT_NE(sep, std::string::npos) << "no blank line after the headers";
    if (sep == std::string::npos) return m;
    m.header_lines = SplitCrlf(raw.substr(0, sep));
    m.body = raw.substr(sep + 4);
    for (const auto& line : m.header_lines) {
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            EXPECT_FALSE(m.headers.empty()) << "a continuation line first";
            if (!m.headers.empty()) m.headers.back().value += line;
            continue;
        }
        const auto colon = line.find(':');
        EXPECT_NE(colon, std::string::npos) << "not a header line: " << line;
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        m.headers.push_back({line.substr(0, colon), value});
    }
    return m;
}

std::vector<std::string> All(const ParsedMail& m, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& h : m.headers) {
        if (Lower(h.name) == Lower(name)) out.push_back(h.value);
    }
    return out;
}

std::optional<std::string> One(const ParsedMail& m, const std::string& name) {
    const auto all = All(m, name);
    EXPECT_LE(all.size(), 1U) << name << " appears " << all.size() << " times";
    if (all.empty()) return std::nullopt;
    return all.front();
}

bool ValidUtf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int n = 0;
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
        for (int k = 1; k <= n; ++k) {
            if (i + static_cast<std::size_t>(k) >= s.size()) return false;
            if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += static_cast<std::size_t>(n) + 1;
    }
    return true;
}

// RFC 2047 decoding of a header value: encoded words ("=?UTF-8?B?...?=") decoded, the
// whitespace between two adjacent encoded words dropped. Every word must decode on its own
// to whole UTF-8 characters and be at most 75 characters long.
std::string DecodeWords(const std::string& value) {
    std::vector<std::string> tokens;
    std::string cur;
    for (char c : value) {
        if (c == ' ' || c == '\t') {
            if (!cur.empty()) tokens.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) tokens.push_back(cur);
    std::string out;
    bool prev_encoded = false;
    for (const auto& t : tokens) {
        const bool encoded = t.size() >= 12 && t.rfind("=?UTF-8?B?", 0) == 0 &&
                             t.compare(t.size() - 2, 2, "?=") == 0;
        if (encoded) {
            EXPECT_LE(t.size(), 75U) << "an encoded word longer than RFC 2047 allows: " << t;
            auto bytes = contracts::Base64Decode(t.substr(10, t.size() - 12));
            EXPECT_TRUE(bytes.has_value()) << t;
            if (!bytes) continue;
            EXPECT_TRUE(ValidUtf8(*bytes)) << "a word splits a character: " << t;
            if (!out.empty() && !prev_encoded) out += ' ';
            out += *bytes;
        } else {
            if (!out.empty()) out += ' ';
            out += t;
        }
        prev_encoded = encoded;
    }
    return out;
}

std::string Unbase64(const std::string& body) {
    std::string compact;
    for (char c : body) {
        if (c != '\r' && c != '\n') compact += c;
    }
    auto bytes = contracts::Base64Decode(compact);
    EXPECT_TRUE(bytes.has_value()) << "not base64: " << body.substr(0, 80);
    return bytes.value_or("");
}

std::string Boundary(const std::string& content_type) {
    const auto at = content_type.find("boundary=\"");
    if (at == std::string::npos) return {};
    const auto start = at + 10;
    return content_type.substr(start, content_type.find('"', start) - start);
}

std::vector<Part> Parts(const std::string& body, const std::string& boundary) {
    std::vector<Part> parts;
    const std::string delim = "--" + boundary + "\r\n";
    const std::string close = "--" + boundary + "--\r\n";
    EXPECT_EQ(body.rfind(delim, 0), 0U) << "the body does not start with the boundary";
    const auto end = body.find(close);
    EXPECT_NE(end, std::string::npos) << "no closing boundary";
    EXPECT_EQ(end + close.size(), body.size()) << "data after the closing boundary";
    std::size_t pos = 0;
    while (pos < end) {
        pos += delim.size();
        auto next = body.find(delim, pos);
        if (next == std::string::npos || next > end) next = end;
        const std::string raw = body.substr(pos, next - pos);
        const auto sep = raw.find("\r\n\r\n");
        Part p;
        for (const auto& line : SplitCrlf(raw.substr(0, sep))) {
            const auto colon = line.find(':');
            std::string value = line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') value.erase(0, 1);
            p.headers[Lower(line.substr(0, colon))] = value;
        }
        p.body = raw.substr(sep + 4);
        parts.push_back(std::move(p));
        pos = next;
    }
    return parts;
}

MailParts Sample() {
    MailParts m;
    m.from = "Budgetuppföljning <bfu@kommun.se>";
    m.to = {"Maja Öberg", "enhetschef", "maja@ex.se"};
    m.subject = "Ny budgetavvikelse: Hemtjänst Öst, mars 2026, +600 000 kr (20,0 %)";
    m.text = "Hej Maja Öberg!\n\nEn ny budgetavvikelse har uppstått för Hemtjänst Öst.\n";
    m.html =
        "<!DOCTYPE html><html lang=\"sv\"><body><p>Hej Maja Öberg! Åtgärda "
        "budgetavvikelsen.</p></body></html>";
    m.message_id = "<0123456789ab.thread@kommun.se>";
    m.date = test::TestNow();  // Tuesday 2026-03-31 14:00 CEST
    return m;
}

TEST(BuildMail, WritesAMultipartAlternativeWithEveryHeader) {
    const MailParts in = Sample();
    const std::string raw = BuildMail(in);
    EXPECT_TRUE(OnlyCrlf(raw));
    const ParsedMail m = Parse(raw);

    const auto from = One(m, "From");
    ASSERT_TRUE(from);
    EXPECT_NE(from->find("=?UTF-8?B?"), std::string::npos) << "the display name is not encoded";
    EXPECT_EQ(DecodeWords(*from), "Budgetuppföljning <bfu@kommun.se>");
    const auto to = One(m, "To");
    ASSERT_TRUE(to);
    EXPECT_EQ(DecodeWords(*to), "Maja Öberg <maja@ex.se>");
    const auto subject = One(m, "Subject");
    ASSERT_TRUE(subject);
    EXPECT_EQ(subject->rfind("=?UTF-8?B?", 0), 0U) << *subject;
    EXPECT_EQ(DecodeWords(*subject), in.subject);
    EXPECT_EQ(One(m, "Date"), "Tue, 31 Mar 2026 14:00:00 +0200");
    EXPECT_EQ(One(m, "Message-ID"), in.message_id);
    EXPECT_FALSE(One(m, "In-Reply-To"));
    EXPECT_FALSE(One(m, "References"));
    EXPECT_EQ(One(m, "Content-Language"), "sv");
    EXPECT_EQ(One(m, "MIME-Version"), "1.0");
    EXPECT_TRUE(One(m, "Auto-Submitted"));

    const auto content_type = One(m, "Content-Type");
    ASSERT_TRUE(content_type);
    EXPECT_EQ(content_type->rfind("multipart/alternative;", 0), 0U) << *content_type;
    const std::string boundary = Boundary(*content_type);
    ASSERT_FALSE(boundary.empty());
    // The boundary never occurs in the encoded parts (base64 has no '-').
    const auto parts = Parts(m.body, boundary);
    ASSERT_EQ(parts.size(), 2U);
    EXPECT_EQ(parts[0].headers.at("content-type"), "text/plain; charset=utf-8");
    EXPECT_EQ(parts[0].headers.at("content-transfer-encoding"), "base64");
    EXPECT_EQ(Unbase64(parts[0].body), in.text);
    EXPECT_EQ(parts[1].headers.at("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(parts[1].headers.at("content-transfer-encoding"), "base64");
    EXPECT_EQ(Unbase64(parts[1].body), in.html);
}

TEST(BuildMail, IsDeterministic) { EXPECT_EQ(BuildMail(Sample()), BuildMail(Sample())); }

TEST(BuildMail, RepliesNameTheFirstMessageOnlyWhenSet) {
    MailParts in = Sample();
    in.message_id = "<aaaaaaaaaaaa.alert@kommun.se>";
    in.in_reply_to = "<0123456789ab.thread@kommun.se>";
    const ParsedMail m = Parse(BuildMail(in));
    EXPECT_EQ(One(m, "Message-ID"), "<aaaaaaaaaaaa.alert@kommun.se>");
    EXPECT_EQ(One(m, "In-Reply-To"), "<0123456789ab.thread@kommun.se>");
    EXPECT_EQ(One(m, "References"), "<0123456789ab.thread@kommun.se>");
}

TEST(BuildMail, WithoutHtmlIsOneTextPart) {
    MailParts in = Sample();
    in.html.clear();
    const ParsedMail m = Parse(BuildMail(in));
    EXPECT_EQ(One(m, "Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(One(m, "Content-Transfer-Encoding"), "base64");
    EXPECT_EQ(Unbase64(m.body), in.text);
}

TEST(BuildMail, DatesAreSwedishLocalTime) {
    MailParts in = Sample();
    const auto winter = domain::FromStockholm(domain::Date::FromYmd(2026, 12, 7).value(), 14, 30);
    in.date = winter;
    EXPECT_EQ(One(Parse(BuildMail(in)), "Date"), "Mon, 07 Dec 2026 14:30:00 +0100");
    EXPECT_EQ(MailDate(winter), "Mon, 07 Dec 2026 14:30:00 +0100");
    EXPECT_EQ(MailDate(test::TestNow()), "Tue, 31 Mar 2026 14:00:00 +0200");
    // Around the change to summer time (01:00 UTC on the last Sunday of March).
    const auto change = core::FromRfc3339("2026-03-29T01:00:00Z");
    ASSERT_TRUE(change.ok());
    EXPECT_EQ(MailDate(*change - std::chrono::seconds(1)), "Sun, 29 Mar 2026 01:59:59 +0100");
    EXPECT_EQ(MailDate(*change), "Sun, 29 Mar 2026 03:00:00 +0200");
    // New Year in Sweden is still the old year in UTC.
    const auto new_year = core::FromRfc3339("2026-12-31T23:30:00Z");
    ASSERT_TRUE(new_year.ok());
    EXPECT_EQ(MailDate(*new_year), "Fri, 01 Jan 2027 00:30:00 +0100");
}

TEST(BuildMail, NoLineIsLongerThan998Octets) {
    MailParts in = Sample();
    in.subject.clear();
    for (int i = 0; i < 60; ++i) in.subject += "Ändrad budgetavvikelse för Hemtjänst Öst ";
    in.to.name = std::string(400, 'x') + "åäö" + std::string(400, 'y');
    in.text.clear();
    for (int i = 0; i < 3000; ++i) in.text += "åäöÅÄÖ";  // 36 000 octets, no line break
    in.html = "<p>" + in.text + "</p>";
    const std::string raw = BuildMail(in);
    for (const auto& line : SplitCrlf(raw)) {
        EXPECT_LE(line.size(), 998U) << line.substr(0, 60);
    }
    const ParsedMail m = Parse(raw);
    // Folded, and every encoded word decodes to whole characters (DecodeWords checks).
    EXPECT_GT(m.header_lines.size(), 20U);
    EXPECT_EQ(DecodeWords(One(m, "Subject").value_or("")), HeaderSafe(in.subject));
    const auto parts = Parts(m.body, Boundary(One(m, "Content-Type").value_or("")));
    ASSERT_EQ(parts.size(), 2U);
    EXPECT_EQ(Unbase64(parts[0].body), in.text);
    EXPECT_EQ(Unbase64(parts[1].body), in.html);
}

TEST(BuildMail, SplitsEncodedWordsBetweenCharacters) {
    // 45 bytes per word: an odd count of two-byte characters must not be cut in half, nor a
    // three- or four-byte one.
    for (const std::string unit : {"å", "€", "😀", "aå", "aa€"}) {
        std::string subject;
        for (int i = 0; i < 40; ++i) subject += unit;
        MailParts in = Sample();
        in.subject = subject;
        EXPECT_EQ(DecodeWords(One(Parse(BuildMail(in)), "Subject").value_or("")), subject) << unit;
    }
}

TEST(BuildMail, NoRecipientNameSubjectOrIdCanAddAHeader) {
    const std::string evil = "\r\nBcc: evil@x";
    MailParts in = Sample();
    in.from = "bfu" + evil + " <bfu@kommun.se>";
    in.to = {"Eva" + evil, "enhetschef" + evil, "eva@ex.se" + evil};
    in.subject = "Hej" + evil + "\nBcc: evil2@x\rBcc: evil3@x";
    in.message_id = "<a.alert@kommun.se>" + evil;
    in.in_reply_to = "<b.thread@kommun.se>" + evil;
    const std::string raw = BuildMail(in);
    EXPECT_TRUE(OnlyCrlf(raw));
    const ParsedMail m = Parse(raw);
    const std::vector<std::string> known = {
        "from",           "to",           "subject",      "date",
        "message-id",     "in-reply-to",  "references",   "content-language",
        "auto-submitted", "mime-version", "content-type", "content-transfer-encoding"};
    for (const auto& line : m.header_lines) {
        EXPECT_NE(Lower(line).rfind("bcc:", 0), 0U) << line;
        if (line.empty() || line[0] == ' ' || line[0] == '\t') continue;
        const std::string name = Lower(line.substr(0, line.find(':')));
        EXPECT_NE(std::find(known.begin(), known.end(), name), known.end())
            << "an unexpected header line: " << line;
    }
    for (const char* name : {"From", "To", "Subject", "Message-ID", "In-Reply-To"}) {
        EXPECT_EQ(All(m, name).size(), 1U) << name;
    }
    EXPECT_TRUE(All(m, "Bcc").empty());
    // The name still reads as written, with the line break made a space.
    EXPECT_NE(DecodeWords(One(m, "Subject").value_or("")).find("Hej"), std::string::npos);
}

TEST(HeaderSafe, ReplacesControlCharacters) {
    EXPECT_EQ(HeaderSafe("a\r\nb\tc\x7f"
                         "d"),
              "a  b c d");
    EXPECT_EQ(HeaderSafe("Maja Öberg"), "Maja Öberg");
}

TEST(EncodeHeaderText, LeavesPlainAsciiAsItIs) {
    EXPECT_EQ(EncodeHeaderText("Daglig sammanfattning"), "Daglig sammanfattning");
    EXPECT_EQ(EncodeHeaderText("Maja <evil@x>").rfind("=?UTF-8?B?", 0), 0U);
    EXPECT_EQ(EncodeHeaderText("Ärende").rfind("=?UTF-8?B?", 0), 0U);
    EXPECT_EQ(DecodeWords(EncodeHeaderText("Ärende")), "Ärende");
}

TEST(MessageIds, AreStableAndDistinctPerInput) {
    EXPECT_EQ(AlertMessageId("budget:2026:ENH1:1:email:maja-ex.se", "kommun.se"),
              AlertMessageId("budget:2026:ENH1:1:email:maja-ex.se", "kommun.se"));
    EXPECT_NE(AlertMessageId("budget:2026:ENH1:1:email:maja-ex.se", "kommun.se"),
              AlertMessageId("budget:2026:ENH1:2:email:maja-ex.se", "kommun.se"));
    const std::string id = AlertMessageId("budget:2026:ENH1:1:email:maja-ex.se", "kommun.se");
    EXPECT_EQ(id.front(), '<');
    EXPECT_EQ(id.back(), '>');
    EXPECT_NE(id.find("@kommun.se>"), std::string::npos) << id;

    const std::string thread = ThreadMessageId("budget:2026:ENH1", "maja@ex.se", "kommun.se");
    EXPECT_EQ(thread, ThreadMessageId("budget:2026:ENH1", "maja@ex.se", "kommun.se"));
    // One conversation per recipient, however the address is capitalised.
    EXPECT_EQ(thread, ThreadMessageId("budget:2026:ENH1", "Maja@Ex.SE", "kommun.se"));
    EXPECT_NE(thread, ThreadMessageId("budget:2026:ENH1", "olof@ex.se", "kommun.se"));
    EXPECT_NE(thread, ThreadMessageId("budget:2026:ENH2", "maja@ex.se", "kommun.se"));
    EXPECT_NE(thread, AlertMessageId("budget:2026:ENH1", "kommun.se"));
    EXPECT_NE(thread.find("@kommun.se>"), std::string::npos) << thread;
    // The domain cannot break the header either.
    EXPECT_EQ(AlertMessageId("x", "kommun.se\r\nBcc: evil@x").find('\n'), std::string::npos);
}

TEST(MailAddress, TakesTheAddressAndItsDomain) {
    EXPECT_EQ(MailAddress("bfu <bfu@kommun.se>"), "bfu@kommun.se");
    EXPECT_EQ(MailAddress("\"Kommunen, ekonomi\" <ekonomi@kommun.se>"), "ekonomi@kommun.se");
    EXPECT_EQ(MailAddress("bfu@kommun.se"), "bfu@kommun.se");
    EXPECT_EQ(MailDomain("bfu <bfu@kommun.se>"), "kommun.se");
    EXPECT_EQ(MailDomain("bfu@bfu.kommun.se"), "bfu.kommun.se");
    EXPECT_EQ(MailDomain("bfu"), "bfu.invalid");
    EXPECT_EQ(MailDomain("bfu <bfu@>"), "bfu.invalid");
    EXPECT_EQ(MailDomain(""), "bfu.invalid");
}

}  // namespace
}  // namespace bfu::notifier
