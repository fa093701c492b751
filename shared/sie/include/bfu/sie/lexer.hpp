#pragma once
// Zero-copy lexing of SIE records. A record is one line: a label ("#TRANS") and fields
// separated by spaces or tabs. A field is plain text, a quoted string ("a \"b\"", where \" is a
// quote and \\ a backslash; any other backslash is literal), or an object list in braces
// ({1 "100" 6 "P1"}). A line holding only "{" or "}" opens or closes a #VER block. CR, form
// feed and DOS end-of-file (0x1A) count as spaces, so CRLF and LF files read alike.
//
// Fields are string_views into the input; nothing allocates. Lines are bounded by '\n', fields
// by the line, so no input makes the lexer recurse, backtrack or look past the line it is on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bfu::sie {

enum class FieldKind : std::uint8_t {
    kPlain,
    kQuoted,         // text holds the content between the quotes, no escapes in it
    kQuotedEscaped,  // as kQuoted, but holds \" or \\ sequences: use Unescape
    kList,           // text holds the content between the braces
};

struct Field {
    std::string_view text;
    FieldKind kind = FieldKind::kPlain;
};

enum class LexError : std::uint8_t {
    kNone,
    kUnterminatedQuote,  // a quote not closed before the end of the line (field runs to it)
    kUnterminatedList,   // '{' without '}' on the same line
    kNestedList,         // '{' inside an object list
};

// Reads the fields of one line, left to right.
class FieldCursor {
public:
    explicit FieldCursor(std::string_view line) : p_(line.data()), end_(p_ + line.size()) {}
    // Next field into f; false at the end of the line. On malformed input sets error() and
    // still returns the field read so far (the rest of the line), then ends.
    bool Next(Field& f);
    [[nodiscard]] LexError error() const { return error_; }
    // What is left of the line (after the last field read).
    [[nodiscard]] std::string_view Rest() const {
        return {p_, static_cast<std::size_t>(end_ - p_)};
    }

private:
    const char* p_;
    const char* end_;
    LexError error_ = LexError::kNone;
};

[[nodiscard]] inline bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\x1a';
}

// The content of a quoted field with \" and \\ resolved, appended to out.
void AppendUnescaped(std::string& out, std::string_view quoted_content);
// The field's text as written in the file's encoding (unescaped when needed).
void AppendFieldText(std::string& out, const Field& f);

// --- Field values. Each returns false when the text does not have the required form. ---

// An SIE amount, exactly: -?digits(.digits)?, at most two significant decimals (more are
// accepted only when zeros: "1.500"). A leading '+' is accepted. Never rounds.
[[nodiscard]] bool ParseAmountOre(std::string_view text, std::int64_t& ore);
// A signed decimal integer that fits in int32 ("0", "-1", "+2").
[[nodiscard]] bool ParseInt32(std::string_view text, std::int32_t& value);
// A signed decimal integer that fits in int64.
[[nodiscard]] bool ParseInt64(std::string_view text, std::int64_t& value);
// An account number: 1 to 20 ASCII letters or digits. BAS accounts are digits (leading zeros
// kept, e.g. "0351"), but real exporters also write suspense accounts such as "FEL" or "DIFF"
// and declare them with #KONTO; whether an account is known is ingest's check, not the
// reader's. IsNumericAccount tells the two apart.
[[nodiscard]] bool IsAccountNumber(std::string_view text);
[[nodiscard]] bool IsNumericAccount(std::string_view text);
// A quantity: like an amount but with any number of decimals; kept as text.
[[nodiscard]] bool IsDecimal(std::string_view text);

}  // namespace bfu::sie
