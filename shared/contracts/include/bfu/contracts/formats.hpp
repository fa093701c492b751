#pragma once
// The string formats of the wire contract, one predicate per JSON Schema pattern/format in
// schemas/json/common.schema.json and envelope.schema.json. The decoders use them, and so may
// services that build messages and want to check a value before they produce it.
//
// They are written by hand (no std::regex) because they run on every message; each one accepts
// exactly what its schema pattern accepts, which the agreement test in tests/unit/contracts
// checks against valijson on the examples.
//
// All functions are pure and thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bfu::contracts {

// ^[A-Za-z0-9][A-Za-z0-9_.-]*$ : entity ids (unit, goal, deviation ...); never contains ':'.
[[nodiscard]] bool IsId(std::string_view s) noexcept;
// ^[0-9]{4,6}$
[[nodiscard]] bool IsAccountNo(std::string_view s) noexcept;
// YYYYMM, ^[0-9]{4}(0[1-9]|1[0-2])$
[[nodiscard]] bool IsPeriod(std::string_view s) noexcept;
// YYYY-MM-DD with a month 01-12 and a day that exists in that month; 29 February is accepted
// in every year, as JSON Schema's "date" format in valijson does.
[[nodiscard]] bool IsDate(std::string_view s) noexcept;
// RFC 3339 with 'T', seconds, optional 1-9 fraction digits and 'Z' or +hh:mm / -hh:mm.
[[nodiscard]] bool IsDateTime(std::string_view s) noexcept;
// ^[^@ \u0000-\u001F\u007F]+@[^@ \u0000-\u001F\u007F]+$ : deliberately loose (delivery is
// the real check), but never a control character, so an address cannot smuggle a line break
// into a mail header.
[[nodiscard]] bool IsEmail(std::string_view s) noexcept;
// True if s holds a control character, U+0000-U+001F or U+007F (CR and LF above all).
[[nodiscard]] bool HasControlChar(std::string_view s) noexcept;
// ^[^\u0000-\u001F\u007F]+$ : one non-empty line of text without control characters (names,
// roles: anything that may end up in a mail header or a subject).
[[nodiscard]] bool IsLine(std::string_view s) noexcept;
// True if s holds a control character other than a line break (CR, LF): a tab, NUL, U+007F ...
[[nodiscard]] bool HasControlCharBesidesLineBreaks(std::string_view s) noexcept;
// ^[^\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F]+$ : non-empty text that may run over
// several lines (CR and LF allowed) but holds no other control character: the long texts of
// measures, comments, plans and decisions (common.schema.json#/definitions/longText).
[[nodiscard]] bool IsLongText(std::string_view s) noexcept;
// ^https?://[^\u0000-\u0020\u007F]+$ : an http:// or https:// URL, no spaces or control
// characters.
[[nodiscard]] bool IsHttpUrl(std::string_view s) noexcept;
// ^[A-Z_][A-Z0-9_]*$ : the name of an environment variable.
[[nodiscard]] bool IsEnvName(std::string_view s) noexcept;
// ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$ : the id a client gives a command, for idempotency.
[[nodiscard]] bool IsCommandId(std::string_view s) noexcept;
// Ends in "§ <number>/<four-digit year>", e.g. "§ 45/2026" or "KF § 7/2021".
[[nodiscard]] bool IsDecisionRef(std::string_view s) noexcept;
// ^[a-z][a-z0-9_]*$ : machine codes such as reason and error codes.
[[nodiscard]] bool IsCode(std::string_view s) noexcept;
// ^[a-z][A-Za-z0-9_]*$ : names of extra ledger dimensions.
[[nodiscard]] bool IsDimName(std::string_view s) noexcept;
// ^[0-9a-f]{64}$
[[nodiscard]] bool IsSha256Hex(std::string_view s) noexcept;
// ^[A-Za-z0-9][A-Za-z0-9_.:-]*$ : the envelope id, and the composite ids of deviations, alerts
// and reports (common.schema.json#/definitions/ref), which may contain ':'.
[[nodiscard]] bool IsEventId(std::string_view s) noexcept;
// Envelope attributes.
[[nodiscard]] bool IsEventSource(std::string_view s) noexcept;  // e.g. bfu/ingest
[[nodiscard]] bool IsEventType(std::string_view s) noexcept;    // e.g. se.bfu.ledger.line.v1

// An ERP amount in SEK, ^-?[0-9]{1,15}(\.[0-9]{1,2})?$, to öre, exactly (no floating point).
// Fifteen integer digits always fit in int64 öre. nullopt for anything else ("1 234,50",
// "12.345", "+5", "1e3" ...).
[[nodiscard]] std::optional<std::int64_t> ParseAmountOre(std::string_view s) noexcept;
// The inverse in canonical form with two decimals: -123450 -> "-1234.50", 5 -> "0.05".
[[nodiscard]] std::string FormatAmountOre(std::int64_t ore);

// True if the bytes are well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
[[nodiscard]] bool IsValidUtf8(std::string_view bytes) noexcept;
[[nodiscard]] std::string Base64Encode(std::string_view bytes);
// Standard alphabet with padding; nullopt if the text is not valid base64.
[[nodiscard]] std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace bfu::contracts
