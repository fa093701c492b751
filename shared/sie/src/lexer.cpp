#include "bfu/sie/lexer.hpp"

#include <limits>

namespace bfu::sie {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// True when p starts an escape sequence (\" or \\) inside a quoted string.
bool IsEscapeAt(const char* p, const char* end) {
    return p[0] == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\');
}

std::string_view Span(const char* from, const char* to) {
    return {from, static_cast<std::size_t>(to - from)};
}

}  // namespace

bool FieldCursor::Next(Field& f) {
    if (error_ != LexError::kNone) return false;
    while (p_ < end_ && IsSpace(*p_)) ++p_;
    if (p_ >= end_) return false;
    const char c = *p_;
    if (c == '"') {
        const char* start = ++p_;
        bool escaped = false;
        while (p_ < end_) {
            if (IsEscapeAt(p_, end_)) {
                escaped = true;
                p_ += 2;
                continue;
            }
            if (*p_ == '"') {
                f.text = Span(start, p_);
                f.kind = escaped ? FieldKind::kQuotedEscaped : FieldKind::kQuoted;
                ++p_;
                return true;
            }
            ++p_;
        }
        error_ = LexError::kUnterminatedQuote;
        f.text = Span(start, end_);
        f.kind = escaped ? FieldKind::kQuotedEscaped : FieldKind::kQuoted;
        return true;
    }
    if (c == '{') {
        const char* start = ++p_;
        bool in_quote = false;
        while (p_ < end_) {
            const char d = *p_;
            if (in_quote) {
                if (IsEscapeAt(p_, end_)) {
                    p_ += 2;
                    continue;
                }
                in_quote = d != '"';
            } else if (d == '"') {
                in_quote = true;
            } else if (d == '}') {
                f.text = Span(start, p_);
                f.kind = FieldKind::kList;
                ++p_;
                return true;
            } else if (d == '{') {
                error_ = LexError::kNestedList;
                f.text = Span(start, end_);
                f.kind = FieldKind::kList;
                p_ = end_;
                return true;
            }
            ++p_;
        }
        error_ = LexError::kUnterminatedList;
        f.text = Span(start, end_);
        f.kind = FieldKind::kList;
        return true;
    }
    const char* start = p_;
    while (p_ < end_ && !IsSpace(*p_)) ++p_;
    f.text = Span(start, p_);
    f.kind = FieldKind::kPlain;
    return true;
}

void AppendUnescaped(std::string& out, std::string_view q) {
    const char* p = q.data();
    const char* end = p + q.size();
    while (p < end) {
        if (IsEscapeAt(p, end)) {
            out += p[1];
            p += 2;
        } else {
            out += *p++;
        }
    }
}

void AppendFieldText(std::string& out, const Field& f) {
    if (f.kind == FieldKind::kQuotedEscaped) {
        AppendUnescaped(out, f.text);
    } else {
        out.append(f.text);
    }
}

bool ParseAmountOre(std::string_view s, std::int64_t& ore) {
    std::size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
        negative = s[i] == '-';
        ++i;
    }
    const std::size_t int_start = i;
    std::uint64_t whole = 0;
    constexpr std::uint64_t kLimit =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 100;
    while (i < s.size() && IsDigit(s[i])) {
        whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
        if (whole > kLimit) return false;
        ++i;
    }
    if (i == int_start) return false;
    std::uint64_t fraction = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        const std::size_t frac_start = i;
        while (i < s.size() && IsDigit(s[i])) {
            const std::size_t n = i - frac_start;
            if (n < 2) {
                fraction = fraction * 10 + static_cast<std::uint64_t>(s[i] - '0');
            } else if (s[i] != '0') {
                return false;  // a third significant decimal is not an exact öre amount
            }
            ++i;
        }
        if (i == frac_start) return false;
        if (i - frac_start == 1) fraction *= 10;
    }
    if (i != s.size()) return false;
    const std::uint64_t total = whole * 100 + fraction;  // whole <= kLimit: cannot wrap
    if (total > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return false;
    }
    const auto value = static_cast<std::int64_t>(total);
    ore = negative ? -value : value;
    return true;
}

bool ParseInt64(std::string_view s, std::int64_t& value) {
    std::size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
        negative = s[i] == '-';
        ++i;
    }
    if (i == s.size()) return false;
    std::uint64_t v = 0;
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    for (; i < s.size(); ++i) {
        if (!IsDigit(s[i])) return false;
        const auto d = static_cast<std::uint64_t>(s[i] - '0');
        if (v > (kMax - d) / 10) return false;
        v = v * 10 + d;
    }
    value = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
    return true;
}

bool ParseInt32(std::string_view s, std::int32_t& value) {
    std::int64_t v = 0;
    if (!ParseInt64(s, v)) return false;
    if (v < std::numeric_limits<std::int32_t>::min() ||
        v > std::numeric_limits<std::int32_t>::max()) {
        return false;
    }
    value = static_cast<std::int32_t>(v);
    return true;
}

bool IsAccountNumber(std::string_view s) {
    if (s.empty() || s.size() > 20) return false;
    for (char c : s) {
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!IsDigit(c) && !letter) return false;
    }
    return true;
}

bool IsNumericAccount(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!IsDigit(c)) return false;
    }
    return true;
}

bool IsDecimal(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const std::size_t int_start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == int_start) return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        const std::size_t frac_start = i;
        while (i < s.size() && IsDigit(s[i])) ++i;
        if (i == frac_start) return false;
    }
    return i == s.size();
}

}  // namespace bfu::sie
