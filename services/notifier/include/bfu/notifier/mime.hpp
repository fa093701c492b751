#pragma once
// Alert e-mails as RFC 5322 / MIME messages: multipart/alternative with a plain-text and an
// HTML part (both UTF-8, base64, so no line is ever too long), headers safe by construction
// (every header value has CR, LF and other control characters removed, and non-ASCII text is
// written as RFC 2047 encoded-words), a stable Message-ID per alert, and In-Reply-To /
// References naming the first message of the deviation to the same recipient, so that every
// later event of a deviation is one conversation in the reader's mail program.
//
// Pure functions; thread-safe.
#include <string>
#include <string_view>

#include "bfu/contracts/common.hpp"
#include "bfu/core/clock.hpp"

namespace bfu::notifier {

struct MailParts {
    std::string from;  // "bfu <bfu@kommun.se>" (as configured)
    contracts::Person to;
    std::string subject;
    std::string text;
    std::string html;         // empty: a single text/plain part
    std::string message_id;   // "<...@...>"
    std::string in_reply_to;  // "" or "<...@...>"
    core::TimePoint date;
};

[[nodiscard]] std::string BuildMail(const MailParts& parts);

// The domain of a From value ("bfu <bfu@kommun.se>" -> "kommun.se"; "bfu.invalid" if none).
[[nodiscard]] std::string MailDomain(std::string_view from);
// The bare address of a From value ("bfu <bfu@kommun.se>" -> "bfu@kommun.se").
[[nodiscard]] std::string MailAddress(std::string_view from);
// "<hex.alert@domain>": stable for an alert id.
[[nodiscard]] std::string AlertMessageId(std::string_view alert_id, std::string_view domain);
// "<hex.thread@domain>": the first message of a deviation to a recipient; every later message
// of that deviation to that recipient replies to it.
[[nodiscard]] std::string ThreadMessageId(std::string_view deviation_id, std::string_view email,
                                          std::string_view domain);
// Control characters (CR, LF, TAB ...) replaced by spaces: a header value can never start a
// new header.
[[nodiscard]] std::string HeaderSafe(std::string_view value);
// RFC 2047 encoded-words (UTF-8, base64) folded at 75 characters; ASCII text without specials
// is returned as it is.
[[nodiscard]] std::string EncodeHeaderText(std::string_view text);
// RFC 5322 date in Swedish local time: "Mon, 07 Dec 2026 14:30:00 +0100".
[[nodiscard]] std::string MailDate(core::TimePoint t);

}  // namespace bfu::notifier
