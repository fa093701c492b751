#include "bfu/notifier/mime.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "bfu/contracts/formats.hpp"
#include "bfu/domain/workdays.hpp"

namespace bfu::notifier {

namespace {

std::string ShortHash(std::string_view text) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 12; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

bool NeedsEncoding(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x80 || u < 0x20 || c == '"' || c == '=' || c == '?' || c == '<' || c == '>' ||
               c == ',' || c == ';' || c == ':' || c == '(' || c == ')';
    });
}

// Base64 of the bytes in lines of 76 characters, CRLF-terminated.
std::string Base64Lines(std::string_view bytes) {
    const std::string b64 = contracts::Base64Encode(bytes);
    std::string out;
    for (std::size_t i = 0; i < b64.size(); i += 76) {
        out.append(b64, i, 76);
        out += "\r\n";
    }
    return out;
}

std::string Mailbox(const contracts::Person& p) {
    const std::string name = HeaderSafe(p.name);
    const std::string email = HeaderSafe(p.email.value_or(""));
    if (name.empty()) return "<" + email + ">";
    return EncodeHeaderText(name) + " <" + email + ">";
}

}  // namespace

std::string HeaderSafe(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? ' ' : c;
    }
    return out;
}

std::string EncodeHeaderText(std::string_view raw) {
    const std::string text = HeaderSafe(raw);
    if (!NeedsEncoding(text) && text.size() <= 75) return text;
    constexpr std::size_t kMaxBytes = 45;  // 60 base64 characters + "=?UTF-8?B?" "?="
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
        out += "=?UTF-8?B?" + contracts::Base64Encode(text.substr(start, end - start)) + "?=";
        start = end;
    } while (start < text.size());
    return out;
}

std::string MailDomain(std::string_view from) {
    const std::string addr = MailAddress(from);
    const auto at = addr.find('@');
    if (at == std::string::npos || at + 1 >= addr.size()) return "bfu.invalid";
    return addr.substr(at + 1);
}

std::string MailAddress(std::string_view from) {
    const auto lt = from.find('<');
    const auto gt = from.find('>', lt == std::string_view::npos ? 0 : lt);
    if (lt != std::string_view::npos && gt != std::string_view::npos) {
        return HeaderSafe(from.substr(lt + 1, gt - lt - 1));
    }
    std::string s = HeaderSafe(from);
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    return s;
}

std::string AlertMessageId(std::string_view alert_id, std::string_view domain) {
    return "<" + ShortHash(alert_id) + ".alert@" + HeaderSafe(domain) + ">";
}

std::string ThreadMessageId(std::string_view deviation_id, std::string_view email,
                            std::string_view domain) {
    std::string key(deviation_id);
    key += '\n';
    for (char c : email) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "<" + ShortHash(key) + ".thread@" + HeaderSafe(domain) + ">";
}

std::string MailDate(core::TimePoint t) {
    static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const domain::LocalDateTime l = domain::ToStockholm(t);
    const int off = l.utc_offset_minutes;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
                  kDays[l.date.Weekday() - 1], l.date.day(), kMonths[l.date.month() - 1],
                  l.date.year(), l.hour, l.minute, l.second, off < 0 ? '-' : '+',
                  std::abs(off) / 60, std::abs(off) % 60);
    return buf;
}

std::string BuildMail(const MailParts& m) {
    std::string out;
    {
        const auto lt = m.from.find('<');
        std::string name = lt == std::string::npos ? std::string() : m.from.substr(0, lt);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
            name = name.substr(1, name.size() - 2);
        }
        contracts::Person from{name, "", MailAddress(m.from)};
        out += "From: " + Mailbox(from) + "\r\n";
    }
    out += "To: " + Mailbox(m.to) + "\r\n";
    out += "Subject: " + EncodeHeaderText(m.subject) + "\r\n";
    out += "Date: " + MailDate(m.date) + "\r\n";
    out += "Message-ID: " + HeaderSafe(m.message_id) + "\r\n";
    if (!m.in_reply_to.empty()) {
        out += "In-Reply-To: " + HeaderSafe(m.in_reply_to) + "\r\n";
        out += "References: " + HeaderSafe(m.in_reply_to) + "\r\n";
    }
    out += "Content-Language: sv\r\n";
    out += "Auto-Submitted: auto-generated\r\n";
    out += "MIME-Version: 1.0\r\n";
    if (m.html.empty()) {
        out += "Content-Type: text/plain; charset=utf-8\r\n";
        out += "Content-Transfer-Encoding: base64\r\n\r\n";
        out += Base64Lines(m.text);
        return out;
    }
    const std::string boundary = "bfu-" + ShortHash(m.message_id);
    out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    out += "--" + boundary + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += Base64Lines(m.text);
    out += "--" + boundary + "\r\n";
    out += "Content-Type: text/html; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += Base64Lines(m.html);
    out += "--" + boundary + "--\r\n";
    return out;
}

}  // namespace bfu::notifier
