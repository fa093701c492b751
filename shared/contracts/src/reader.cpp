#include "reader.hpp"

#include <algorithm>
#include <cmath>

#include "bfu/contracts/formats.hpp"

namespace bfu::contracts::detail {
namespace {

struct Rule {
    bool (*check)(std::string_view) noexcept;
    const char* what;
    // The rule refuses control characters; say so plainly when that is what is wrong.
    bool no_control = false;
    // ... except line breaks (CR, LF), which it allows.
    bool line_breaks_ok = false;
};

bool AnyString(std::string_view /*s*/) noexcept { return true; }
bool NonEmpty(std::string_view s) noexcept { return !s.empty(); }
bool Amount(std::string_view s) noexcept { return ParseAmountOre(s).has_value(); }

Rule RuleFor(Str rule) {
    switch (rule) {
        case Str::kAny:
            return {AnyString, "a string"};
        case Str::kNonEmpty:
            return {NonEmpty, "a non-empty string"};
        case Str::kId:
            return {IsId, "an id: letters, digits, '_', '.', '-', starting with a letter or digit"};
        case Str::kAccountNo:
            return {IsAccountNo, "an account number of 4 to 6 digits"};
        case Str::kPeriod:
            return {IsPeriod, "a period YYYYMM with month 01-12"};
        case Str::kDate:
            return {IsDate, "a date YYYY-MM-DD that exists"};
        case Str::kDateTime:
            return {IsDateTime, "an RFC 3339 time such as 2026-03-31T12:00:00.000Z"};
        case Str::kEmail:
            return {IsEmail, "an e-mail address name@domain", true};
        case Str::kDecisionRef:
            return {IsDecisionRef, "a decision reference such as \"§ 45/2026\""};
        case Str::kCode:
            return {IsCode, "a code of lower-case letters, digits and '_'"};
        case Str::kSha256:
            return {IsSha256Hex, "64 lower-case hex digits"};
        case Str::kAmount:
            return {Amount,
                    "an amount in SEK with at most two decimals and a '.', e.g. \"-1234.50\""};
        case Str::kEventId:
            return {IsEventId, "an event id: letters, digits, '_', '.', ':', '-'"};
        case Str::kEventSource:
            return {IsEventSource, "a source such as \"bfu/ingest\""};
        case Str::kEventType:
            return {IsEventType, "a type such as \"se.bfu.ledger.line.v1\""};
        case Str::kLine:
            return {IsLine, "a non-empty line of text", true};
        case Str::kHttpUrl:
            return {IsHttpUrl, "an http:// or https:// URL without spaces", true};
        case Str::kEnvName:
            return {IsEnvName,
                    "an environment variable name: A-Z, 0-9 and '_', not starting with "
                    "a digit"};
        case Str::kCommandId:
            return {IsCommandId,
                    "a command id of at most 128 letters, digits, '_', '.', ':', '-', starting "
                    "with a letter or digit"};
        case Str::kLongText:
            return {IsLongText, "a non-empty text", true, true};
    }
    return {AnyString, "a string"};
}

const char* TypeName(const Json& j) {
    switch (j.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::object:
            return "an object";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::string:
            return "a string";
        case Json::value_t::boolean:
            return "a boolean";
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned:
            return "an integer";
        case Json::value_t::number_float:
            return "a number with a fraction";
        case Json::value_t::binary:
            return "binary";
        case Json::value_t::discarded:
            return "discarded";
    }
    return "unknown";
}

std::string Quote(std::string_view s) {
    std::string out = "\"";
    out += s.substr(0, 60);
    if (s.size() > 60) out += "...";
    out += '"';
    return out;
}

// Like Quote, but as JSON string text: control characters appear escaped ("a\r\nb"), DEL as
// \u007f (JSON itself leaves DEL alone).
std::string QuoteEscaped(std::string_view s) {
    const std::string json =
        Json(std::string(s.substr(0, 60))).dump(-1, ' ', false, Json::error_handler_t::replace);
    std::string out;
    out.reserve(json.size() + 3);
    for (char c : json) {
        if (c == '\x7F') {
            out += "\\u007f";
        } else {
            out += c;
        }
    }
    if (s.size() > 60) out += "...";
    return out;
}

// 100 -> "100", 7.25 -> "7.25": the shortest text that reads back as the same double.
std::string Shortest(double v) { return Json(v).dump(); }

}  // namespace

std::string EscapePointerToken(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string Child(const std::string& path, std::string_view key) {
    return path + "/" + EscapePointerToken(key);
}

std::string Child(const std::string& path, std::size_t index) {
    return path + "/" + std::to_string(index);
}

void Reader::Fail(std::string pointer, std::string message) {
    errors_.emplace_back(core::Errc::kInvalidArgument, std::move(pointer), std::move(message));
}

bool Reader::String(const Json& j, const std::string& path, Str rule, std::string& out) {
    const Rule r = RuleFor(rule);
    if (!j.is_string()) {
        Fail(path, std::string("must be ") + r.what + ", not " + TypeName(j));
        return false;
    }
    const auto& s = j.get_ref<const std::string&>();
    if (r.no_control && r.line_breaks_ok && HasControlCharBesidesLineBreaks(s)) {
        Fail(path, std::string("must be ") + r.what +
                       ": control characters other than line breaks (such as tabs) are not "
                       "allowed, not " +
                       QuoteEscaped(s));
        return false;
    }
    if (r.no_control && !r.line_breaks_ok && HasControlChar(s)) {
        // The value as JSON text, so a line break shows as \r\n instead of breaking the message.
        Fail(path, std::string("must be ") + r.what +
                       ": control characters (such as line breaks) are not allowed, not " +
                       QuoteEscaped(s));
        return false;
    }
    if (!r.check(s)) {
        Fail(path, std::string("must be ") + r.what + ", not " + Quote(s));
        return false;
    }
    out = s;
    return true;
}

bool Reader::Int(const Json& j, const std::string& path, std::int64_t min, std::int64_t max,
                 std::int64_t& out) {
    if (!j.is_number_integer()) {
        Fail(path, std::string("must be an integer, not ") + TypeName(j));
        return false;
    }
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxInt)) {
        Fail(path, "is too large for a 64-bit integer");
        return false;
    }
    const auto v = j.get<std::int64_t>();
    if (v < min || v > max) {
        std::string msg = "must be ";
        if (min != kMinInt && max != kMaxInt) {
            msg += "between " + std::to_string(min) + " and " + std::to_string(max);
        } else if (min != kMinInt) {
            msg += "at least " + std::to_string(min);
        } else {
            msg += "at most " + std::to_string(max);
        }
        Fail(path, msg + ", not " + std::to_string(v));
        return false;
    }
    out = v;
    return true;
}

bool Reader::Number(const Json& j, const std::string& path, double min, double max, double& out) {
    if (!j.is_number()) {
        Fail(path, std::string("must be a number, not ") + TypeName(j));
        return false;
    }
    const auto v = j.get<double>();
    if (v < min || v > max) {
        std::string msg = "must be ";
        if (std::isfinite(min) && std::isfinite(max)) {
            msg += "between " + Shortest(min) + " and " + Shortest(max);
        } else if (std::isfinite(min)) {
            msg += "at least " + Shortest(min);
        } else {
            msg += "at most " + Shortest(max);
        }
        Fail(path, msg + ", not " + Shortest(v));
        return false;
    }
    out = v;
    return true;
}

bool Reader::Bool(const Json& j, const std::string& path, bool& out) {
    if (!j.is_boolean()) {
        Fail(path, std::string("must be true or false, not ") + TypeName(j));
        return false;
    }
    out = j.get<bool>();
    return true;
}

bool Reader::IsObject(const Json& j, const std::string& path) {
    if (!j.is_object()) {
        Fail(path, std::string("must be an object, not ") + TypeName(j));
        return false;
    }
    return true;
}

bool Reader::IsArray(const Json& j, const std::string& path, std::size_t min_items,
                     std::size_t max_items) {
    if (!j.is_array()) {
        Fail(path, std::string("must be an array, not ") + TypeName(j));
        return false;
    }
    if (j.size() < min_items || j.size() > max_items) {
        std::string msg = "must have ";
        if (min_items == max_items) {
            msg += "exactly " + std::to_string(min_items);
        } else if (max_items == std::numeric_limits<std::size_t>::max()) {
            msg += "at least " + std::to_string(min_items);
        } else {
            msg += std::to_string(min_items) + " to " + std::to_string(max_items);
        }
        Fail(path, msg + " items, not " + std::to_string(j.size()));
        return false;
    }
    return true;
}

ObjectReader::ObjectReader(Reader& r, const Json& j, std::string path)
    : r_(r), j_(j), path_(std::move(path)), valid_(r.IsObject(j, path_)) {}

const Json* ObjectReader::Find(std::string_view key, bool required) {
    known_.push_back(key);
    if (!valid_) return nullptr;
    const auto it = j_.find(key);
    if (it == j_.end()) {
        if (required) r_.Fail(Child(path_, key), "is required but missing");
        return nullptr;
    }
    return &*it;
}

void ObjectReader::Field(std::string_view key, std::string& out, Str rule) {
    if (const Json* node = Find(key, true)) r_.String(*node, Child(path_, key), rule, out);
}

void ObjectReader::Field(std::string_view key, std::optional<std::string>& out, Str rule) {
    if (const Json* node = Find(key, false)) {
        std::string value;
        if (r_.String(*node, Child(path_, key), rule, value)) out = std::move(value);
    }
}

void ObjectReader::Amount(std::string_view key, std::int64_t& out) {
    std::string text;
    if (const Json* node = Find(key, true)) {
        if (r_.String(*node, Child(path_, key), Str::kAmount, text)) {
            out = ParseAmountOre(text).value_or(0);
        }
    }
}

void ObjectReader::Field(std::string_view key, bool& out) {
    if (const Json* node = Find(key, true)) r_.Bool(*node, Child(path_, key), out);
}

void ObjectReader::Field(std::string_view key, std::optional<bool>& out) {
    if (const Json* node = Find(key, false)) {
        bool value = false;
        if (r_.Bool(*node, Child(path_, key), value)) out = value;
    }
}

void ObjectReader::Number(std::string_view key, double& out, double min, double max) {
    if (const Json* node = Find(key, true)) r_.Number(*node, Child(path_, key), min, max, out);
}

void ObjectReader::Number(std::string_view key, std::optional<double>& out, double min,
                          double max) {
    if (const Json* node = Find(key, false)) {
        double value = 0;
        if (r_.Number(*node, Child(path_, key), min, max, value)) out = value;
    }
}

void ObjectReader::Dims(std::string_view key, std::map<std::string, std::string>& out) {
    const Json* node = Find(key, false);
    if (node == nullptr) return;
    const std::string path = Child(path_, key);
    if (!r_.IsObject(*node, path)) return;
    out.clear();
    for (const auto& [name, value] : node->items()) {
        const std::string item_path = Child(path, name);
        if (!IsDimName(name)) {
            r_.Fail(item_path, "dimension names must match [a-z][A-Za-z0-9_]*, not " + Quote(name));
            continue;
        }
        std::string text;
        if (r_.String(value, item_path, Str::kAny, text)) out.emplace(name, std::move(text));
    }
}

void ObjectReader::AnyObject(std::string_view key, std::optional<Json>& out) {
    if (const Json* node = Find(key, false)) {
        if (r_.IsObject(*node, Child(path_, key))) out = *node;
    }
}

void ObjectReader::Finish() {
    if (!valid_) return;
    for (const auto& [name, value] : j_.items()) {
        if (std::find(known_.begin(), known_.end(), name) == known_.end()) {
            r_.Fail(Child(path_, name), "is not a known property; remove it or check its spelling");
        }
    }
}

void ReadPerson(Reader& r, const Json& j, const std::string& path, Person& out) {
    ObjectReader o(r, j, path);
    o.Field("name", out.name, Str::kLine);
    o.Field("role", out.role, Str::kLine);
    o.Field("email", out.email, Str::kEmail);
    o.Finish();
}

void ReadPayload(Reader& r, const Json& j, const std::string& path, Payload& out) {
    ObjectReader o(r, j, path);
    o.Field("encoding", out.encoding);
    o.Field("content", out.content, Str::kAny);
    o.Finish();
}

void ReadMonthCell(Reader& r, const Json& j, const std::string& path, MonthCell& out) {
    ObjectReader o(r, j, path);
    o.Field("outcomeOre", out.outcome_ore);
    o.Field("budgetOre", out.budget_ore);
    o.Finish();
}

void ReadWebhook(Reader& r, const Json& j, const std::string& path, Webhook& out) {
    ObjectReader o(r, j, path);
    o.Field("url", out.url, Str::kHttpUrl);
    std::optional<WebhookFormat> format;
    o.Field("format", format);
    out.format = format.value_or(WebhookFormat::kGeneric);
    o.Field("secretEnv", out.secret_env, Str::kEnvName);
    o.Finish();
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace bfu::contracts::detail
