#include "bfu/contracts/formats.hpp"

#include <array>
#include <cstddef>
#include <limits>

namespace bfu::contracts {
namespace {

constexpr bool IsDigit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool IsLower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool IsUpper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool IsAlnum(char c) noexcept { return IsDigit(c) || IsLower(c) || IsUpper(c); }
// U+0000-U+001F and U+007F; bytes of multi-byte UTF-8 sequences are all >= 0x80.
constexpr bool IsControl(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
}

bool AllDigits(std::string_view s) noexcept {
    for (char c : s) {
        if (!IsDigit(c)) return false;
    }
    return true;
}

int TwoDigits(std::string_view s, std::size_t pos) noexcept {
    return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
}

// Days in a month, with February always 29: the JSON Schema "date" format in valijson checks
// no leap years, and the decoder must accept exactly what the schema accepts.
int DaysIn(int month) noexcept {
    constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return kDays[static_cast<std::size_t>(month - 1)];
}

// YYYY-MM-DD at the start of s (s must hold at least 10 characters).
bool DatePrefix(std::string_view s) noexcept {
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
    if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2))) {
        return false;
    }
    const int month = TwoDigits(s, 5);
    const int day = TwoDigits(s, 8);
    return month >= 1 && month <= 12 && day >= 1 && day <= DaysIn(month);
}

// hh:mm with hh 00-23 and mm 00-59.
bool HourMinute(std::string_view s) noexcept {
    return s.size() == 5 && s[2] == ':' && AllDigits(s.substr(0, 2)) && AllDigits(s.substr(3, 2)) &&
           TwoDigits(s, 0) <= 23 && TwoDigits(s, 3) <= 59;
}

}  // namespace

bool IsId(std::string_view s) noexcept {
    if (s.empty() || !IsAlnum(s[0])) return false;
    for (char c : s.substr(1)) {
        if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') return false;
    }
    return true;
}

bool IsAccountNo(std::string_view s) noexcept {
    return s.size() >= 4 && s.size() <= 6 && AllDigits(s);
}

bool IsPeriod(std::string_view s) noexcept {
    if (s.size() != 6 || !AllDigits(s)) return false;
    const int month = TwoDigits(s, 4);
    return month >= 1 && month <= 12;
}

bool IsDate(std::string_view s) noexcept { return s.size() == 10 && DatePrefix(s); }

bool IsDateTime(std::string_view s) noexcept {
    // 2026-03-31T12:00:00 is 19 characters, then fraction and zone.
    if (s.size() < 20 || !DatePrefix(s) || s[10] != 'T') return false;
    if (!HourMinute(s.substr(11, 5)) || s[16] != ':' || !AllDigits(s.substr(17, 2))) return false;
    const int second = TwoDigits(s, 17);
    if (second > 60) return false;
    std::size_t pos = 19;
    if (s[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && IsDigit(s[pos])) ++pos;
        const std::size_t digits = pos - start;
        if (digits < 1 || digits > 9) return false;
    }
    const std::string_view zone = s.substr(pos);
    if (zone == "Z") return true;
    return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && HourMinute(zone.substr(1));
}

bool IsEmail(std::string_view s) noexcept {
    const std::size_t at = s.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
    if (s.find('@', at + 1) != std::string_view::npos) return false;
    return s.find(' ') == std::string_view::npos && !HasControlChar(s);
}

bool HasControlChar(std::string_view s) noexcept {
    for (char c : s) {
        if (IsControl(c)) return true;
    }
    return false;
}

bool IsLine(std::string_view s) noexcept { return !s.empty() && !HasControlChar(s); }

bool HasControlCharBesidesLineBreaks(std::string_view s) noexcept {
    for (char c : s) {
        if (IsControl(c) && c != '\n' && c != '\r') return true;
    }
    return false;
}

bool IsLongText(std::string_view s) noexcept {
    return !s.empty() && !HasControlCharBesidesLineBreaks(s);
}

bool IsHttpUrl(std::string_view s) noexcept {
    constexpr std::string_view kHttp = "http://";
    constexpr std::string_view kHttps = "https://";
    if (s.substr(0, kHttps.size()) == kHttps) {
        s.remove_prefix(kHttps.size());
    } else if (s.substr(0, kHttp.size()) == kHttp) {
        s.remove_prefix(kHttp.size());
    } else {
        return false;
    }
    if (s.empty()) return false;
    for (char c : s) {
        if (IsControl(c) || c == ' ') return false;
    }
    return true;
}

bool IsEnvName(std::string_view s) noexcept {
    if (s.empty() || !(IsUpper(s[0]) || s[0] == '_')) return false;
    for (char c : s.substr(1)) {
        if (!IsUpper(c) && !IsDigit(c) && c != '_') return false;
    }
    return true;
}

bool IsCommandId(std::string_view s) noexcept { return s.size() <= 128 && IsEventId(s); }

bool IsDecisionRef(std::string_view s) noexcept {
    // Matches the unanchored-start pattern "§ [0-9]+/[0-9]{4}$": look at the end only.
    constexpr std::string_view kSection = "\xC2\xA7 ";  // "§ " in UTF-8
    if (s.size() < kSection.size() + 6) return false;
    const std::string_view year = s.substr(s.size() - 4);
    if (!AllDigits(year) || s[s.size() - 5] != '/') return false;
    std::size_t pos = s.size() - 5;  // index of '/'
    std::size_t digits = 0;
    while (pos > 0 && IsDigit(s[pos - 1])) {
        --pos;
        ++digits;
    }
    if (digits == 0 || pos < kSection.size()) return false;
    return s.substr(pos - kSection.size(), kSection.size()) == kSection;
}

bool IsCode(std::string_view s) noexcept {
    if (s.empty() || !IsLower(s[0])) return false;
    for (char c : s.substr(1)) {
        if (!IsLower(c) && !IsDigit(c) && c != '_') return false;
    }
    return true;
}

bool IsDimName(std::string_view s) noexcept {
    if (s.empty() || !IsLower(s[0])) return false;
    for (char c : s.substr(1)) {
        if (!IsAlnum(c) && c != '_') return false;
    }
    return true;
}

bool IsSha256Hex(std::string_view s) noexcept {
    if (s.size() != 64) return false;
    for (char c : s) {
        if (!IsDigit(c) && !(c >= 'a' && c <= 'f')) return false;
    }
    return true;
}

bool IsEventId(std::string_view s) noexcept {
    if (s.empty() || !IsAlnum(s[0])) return false;
    for (char c : s.substr(1)) {
        if (!IsAlnum(c) && c != '_' && c != '.' && c != ':' && c != '-') return false;
    }
    return true;
}

bool IsEventSource(std::string_view s) noexcept {
    // One or more '/'-separated segments, each [a-z0-9][a-z0-9._-]*.
    std::size_t start = 0;
    while (true) {
        const std::size_t end = s.find('/', start);
        const std::string_view seg =
            s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (seg.empty() || !(IsLower(seg[0]) || IsDigit(seg[0]))) return false;
        for (char c : seg.substr(1)) {
            if (!IsLower(c) && !IsDigit(c) && c != '.' && c != '_' && c != '-') return false;
        }
        if (end == std::string_view::npos) return true;
        start = end + 1;
    }
}

bool IsEventType(std::string_view s) noexcept {
    // se.bfu.<seg>(.<seg>)*.v<N>, seg = [a-z][a-z0-9-]*, N without a leading zero.
    constexpr std::string_view kPrefix = "se.bfu.";
    if (s.substr(0, kPrefix.size()) != kPrefix) return false;
    const std::size_t last_dot = s.rfind('.');
    if (last_dot < kPrefix.size()) return false;
    const std::string_view version = s.substr(last_dot + 1);
    if (version.size() < 2 || version[0] != 'v' || version[1] == '0' ||
        !AllDigits(version.substr(1))) {
        return false;
    }
    const std::string_view middle = s.substr(kPrefix.size(), last_dot - kPrefix.size());
    std::size_t start = 0;
    while (true) {
        const std::size_t end = middle.find('.', start);
        const std::string_view seg = middle.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (seg.empty() || !IsLower(seg[0])) return false;
        for (char c : seg.substr(1)) {
            if (!IsLower(c) && !IsDigit(c) && c != '-') return false;
        }
        if (end == std::string_view::npos) return true;
        start = end + 1;
    }
}

std::optional<std::int64_t> ParseAmountOre(std::string_view s) noexcept {
    bool negative = false;
    if (!s.empty() && s[0] == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    const std::size_t dot = s.find('.');
    const std::string_view whole = s.substr(0, dot);
    const std::string_view frac =
        dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (whole.empty() || whole.size() > 15 || !AllDigits(whole)) return std::nullopt;
    if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2 || !AllDigits(frac))) {
        return std::nullopt;
    }
    std::int64_t ore = 0;
    for (char c : whole) ore = ore * 10 + (c - '0');
    ore *= 100;
    if (frac.size() >= 1) ore += (frac[0] - '0') * 10;
    if (frac.size() == 2) ore += frac[1] - '0';
    return negative ? -ore : ore;
}

std::string FormatAmountOre(std::int64_t ore) {
    // Work in unsigned so that INT64_MIN has a magnitude.
    const bool negative = ore < 0;
    const std::uint64_t magnitude =
        negative ? static_cast<std::uint64_t>(-(ore + 1)) + 1U : static_cast<std::uint64_t>(ore);
    std::string out = std::to_string(magnitude / 100U);
    const std::uint64_t cents = magnitude % 100U;
    out += '.';
    out += static_cast<char>('0' + cents / 10U);
    out += static_cast<char>('0' + cents % 10U);
    if (negative) out.insert(out.begin(), '-');
    return out;
}

bool IsValidUtf8(std::string_view bytes) noexcept {
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
        const auto b0 = static_cast<unsigned char>(bytes[i]);
        if (b0 < 0x80U) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (b0 >= 0xC2U && b0 <= 0xDFU) {
            len = 2;
            cp = b0 & 0x1FU;
        } else if (b0 >= 0xE0U && b0 <= 0xEFU) {
            len = 3;
            cp = b0 & 0x0FU;
        } else if (b0 >= 0xF0U && b0 <= 0xF4U) {
            len = 4;
            cp = b0 & 0x07U;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(bytes[i + k]);
            if ((b & 0xC0U) != 0x80U) return false;
            cp = (cp << 6U) | (b & 0x3FU);
        }
        const bool overlong = (len == 3 && cp < 0x800U) || (len == 4 && cp < 0x10000U);
        const bool surrogate = cp >= 0xD800U && cp <= 0xDFFFU;
        if (overlong || surrogate || cp > 0x10FFFFU) return false;
        i += len;
    }
    return true;
}

namespace {
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) noexcept {
    const std::size_t pos = kBase64Alphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}
}  // namespace

std::string Base64Encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    while (i + 3 <= bytes.size()) {
        const std::uint32_t v =
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U) |
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U) |
            static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
        out += kBase64Alphabet[(v >> 18U) & 0x3FU];
        out += kBase64Alphabet[(v >> 12U) & 0x3FU];
        out += kBase64Alphabet[(v >> 6U) & 0x3FU];
        out += kBase64Alphabet[v & 0x3FU];
        i += 3;
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U;
        if (rest == 2) {
            v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U;
        }
        out += kBase64Alphabet[(v >> 18U) & 0x3FU];
        out += kBase64Alphabet[(v >> 12U) & 0x3FU];
        out += rest == 2 ? kBase64Alphabet[(v >> 6U) & 0x3FU] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        std::array<int, 4> v{};
        int pad = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const char c = text[i + k];
            if (c == '=' && last && k >= 2) {
                ++pad;
                v[k] = 0;
                continue;
            }
            if (pad > 0) return std::nullopt;  // data after padding
            v[k] = Base64Value(c);
            if (v[k] < 0) return std::nullopt;
        }
        const auto bits =
            (static_cast<std::uint32_t>(v[0]) << 18U) | (static_cast<std::uint32_t>(v[1]) << 12U) |
            (static_cast<std::uint32_t>(v[2]) << 6U) | static_cast<std::uint32_t>(v[3]);
        out += static_cast<char>((bits >> 16U) & 0xFFU);
        if (pad < 2) out += static_cast<char>((bits >> 8U) & 0xFFU);
        if (pad < 1) out += static_cast<char>(bits & 0xFFU);
    }
    return out;
}

}  // namespace bfu::contracts
