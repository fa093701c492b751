#pragma once
// Internal: a checking walker over a parsed JSON value. Every decoder in this library is a
// sequence of ObjectReader calls that mirror its JSON Schema one property at a time: required or
// optional (by the type of the output), JSON type, pattern/format/enum/bounds, and finally no
// unknown properties. Problems are collected with their JSON pointer, so a caller can report
// all of them (rejected vouchers list every reason) or only the first.
//
// Not thread-safe; one Reader per decode on the stack.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bfu/contracts/common.hpp"
#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"

namespace bfu::contracts::detail {

using Json = nlohmann::json;

// String rules, one per schema pattern/format.
enum class Str {
    kAny,
    kNonEmpty,
    kId,
    kAccountNo,
    kPeriod,
    kDate,
    kDateTime,
    kEmail,
    kDecisionRef,
    kCode,
    kSha256,
    kAmount,
    kEventId,
    kEventSource,
    kEventType,
    kLine,
    kHttpUrl,
    kEnvName,
    kCommandId,
    kLongText,
};

// "~" -> "~0", "/" -> "~1" (RFC 6901).
std::string EscapePointerToken(std::string_view token);
std::string Child(const std::string& path, std::string_view key);
std::string Child(const std::string& path, std::size_t index);

class Reader {
public:
    void Fail(std::string pointer, std::string message);
    [[nodiscard]] bool ok() const noexcept { return errors_.empty(); }
    [[nodiscard]] const std::vector<core::Error>& errors() const noexcept { return errors_; }
    [[nodiscard]] std::vector<core::Error> TakeErrors() { return std::move(errors_); }

    // Value checks on a node that is known to exist. Each returns false (after recording why)
    // when the node does not satisfy the rule.
    bool String(const Json& j, const std::string& path, Str rule, std::string& out);
    bool Int(const Json& j, const std::string& path, std::int64_t min, std::int64_t max,
             std::int64_t& out);
    bool Number(const Json& j, const std::string& path, double min, double max, double& out);
    bool Bool(const Json& j, const std::string& path, bool& out);
    bool IsObject(const Json& j, const std::string& path);
    bool IsArray(const Json& j, const std::string& path, std::size_t min_items,
                 std::size_t max_items);

    template <WireEnum E>
    bool Enum(const Json& j, const std::string& path, E& out) {
        if (!j.is_string()) {
            Fail(path, "must be a string, one of " + EnumList(EnumNames<E>::kNames));
            return false;
        }
        const auto parsed = ParseEnum<E>(j.get_ref<const std::string&>());
        if (!parsed) {
            Fail(path, "must be one of " + EnumList(EnumNames<E>::kNames) + ", not \"" +
                           j.get_ref<const std::string&>() + "\"");
            return false;
        }
        out = *parsed;
        return true;
    }

private:
    template <std::size_t N>
    static std::string EnumList(const std::array<std::string_view, N>& names) {
        std::string out;
        for (std::size_t i = 0; i < N; ++i) {
            if (i > 0) out += ", ";
            out += names[i];
        }
        return out;
    }

    std::vector<core::Error> errors_;
};

constexpr std::int64_t kMinInt = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr double kNoMin = -std::numeric_limits<double>::infinity();
constexpr double kNoMax = std::numeric_limits<double>::infinity();

// Walks one JSON object. Construct, call one method per schema property, then Finish(), which
// reports every property the schema does not name (additionalProperties: false).
class ObjectReader {
public:
    ObjectReader(Reader& r, const Json& j, std::string path);
    [[nodiscard]] bool valid() const noexcept { return valid_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

    void Field(std::string_view key, std::string& out, Str rule);
    void Field(std::string_view key, std::optional<std::string>& out, Str rule);
    // Strong ids (core::UnitId, core::AccountNo ...) are strings on the wire.
    template <typename Tag>
    void Field(std::string_view key, core::NamedType<std::string, Tag>& out, Str rule) {
        std::string text;
        if (const Json* node = Find(key, true)) {
            if (r_.String(*node, Child(path_, key), rule, text)) {
                out = core::NamedType<std::string, Tag>(std::move(text));
            }
        }
    }
    template <typename Tag>
    void Field(std::string_view key, std::optional<core::NamedType<std::string, Tag>>& out,
               Str rule) {
        std::string text;
        if (const Json* node = Find(key, false)) {
            if (r_.String(*node, Child(path_, key), rule, text)) {
                out = core::NamedType<std::string, Tag>(std::move(text));
            }
        }
    }
    // Decimal SEK string (Str::kAmount) to öre.
    void Amount(std::string_view key, std::int64_t& out);

    template <typename I>
    requires std::is_integral_v<I>
    void Field(std::string_view key, I& out, std::int64_t min = kMinInt,
               std::int64_t max = kMaxInt) {
        if (const Json* node = Find(key, true)) ReadInt(*node, Child(path_, key), min, max, out);
    }
    template <typename I>
    requires std::is_integral_v<I>
    void Field(std::string_view key, std::optional<I>& out, std::int64_t min = kMinInt,
               std::int64_t max = kMaxInt) {
        if (const Json* node = Find(key, false)) {
            I value{};
            if (ReadInt(*node, Child(path_, key), min, max, value)) out = value;
        }
    }
    void Field(std::string_view key, bool& out);
    void Field(std::string_view key, std::optional<bool>& out);
    void Number(std::string_view key, double& out, double min = kNoMin, double max = kNoMax);
    void Number(std::string_view key, std::optional<double>& out, double min = kNoMin,
                double max = kNoMax);

    template <WireEnum E>
    void Field(std::string_view key, E& out) {
        if (const Json* node = Find(key, true)) r_.Enum(*node, Child(path_, key), out);
    }
    template <WireEnum E>
    void Field(std::string_view key, std::optional<E>& out) {
        if (const Json* node = Find(key, false)) {
            E value{};
            if (r_.Enum(*node, Child(path_, key), value)) out = value;
        }
    }

    // A nested object; read(Reader&, const Json&, const std::string& path, T&).
    template <typename T, typename F>
    void Object(std::string_view key, T& out, F read) {
        if (const Json* node = Find(key, true)) read(r_, *node, Child(path_, key), out);
    }
    template <typename T, typename F>
    void Object(std::string_view key, std::optional<T>& out, F read) {
        if (const Json* node = Find(key, false)) {
            T value{};
            const std::size_t before = r_.errors().size();
            read(r_, *node, Child(path_, key), value);
            if (r_.errors().size() == before) out = std::move(value);
        }
    }

    // An array; read_item(Reader&, const Json&, const std::string& path, T&). An absent
    // optional array decodes as empty.
    template <typename T, typename F>
    void Array(std::string_view key, std::vector<T>& out, F read_item, bool required,
               std::size_t min_items = 0,
               std::size_t max_items = std::numeric_limits<std::size_t>::max()) {
        const Json* node = Find(key, required);
        if (node == nullptr) return;
        const std::string path = Child(path_, key);
        if (!r_.IsArray(*node, path, min_items, max_items)) return;
        out.clear();
        out.reserve(node->size());
        for (std::size_t i = 0; i < node->size(); ++i) {
            T item{};
            read_item(r_, (*node)[i], Child(path, i), item);
            out.push_back(std::move(item));
        }
    }

    // An array of exactly N items into a std::array.
    template <typename T, std::size_t N, typename F>
    void FixedArray(std::string_view key, std::array<T, N>& out, F read_item) {
        std::vector<T> items;
        const std::size_t before = r_.errors().size();
        Array(key, items, read_item, true, N, N);
        if (r_.errors().size() == before && items.size() == N) {
            std::copy(items.begin(), items.end(), out.begin());
        }
    }

    // Any JSON object, kept as it is ({"type": "object"} in the schema).
    void AnyObject(std::string_view key, std::optional<Json>& out);

    // A map of dimension name -> string value (common.schema.json#/definitions/dims).
    void Dims(std::string_view key, std::map<std::string, std::string>& out);

    // Reports unknown properties. Call once, after every Field/Object/Array call.
    void Finish();

private:
    const Json* Find(std::string_view key, bool required);
    template <typename I>
    bool ReadInt(const Json& node, const std::string& path, std::int64_t min, std::int64_t max,
                 I& out) {
        // Tighten the bounds to what I can hold, so nothing is narrowed silently.
        const auto lo =
            std::max<std::int64_t>(min, static_cast<std::int64_t>(std::numeric_limits<I>::min()));
        const auto hi = std::min<std::int64_t>(
            max, std::numeric_limits<I>::max() > static_cast<std::uint64_t>(kMaxInt)
                     ? kMaxInt
                     : static_cast<std::int64_t>(std::numeric_limits<I>::max()));
        std::int64_t value = 0;
        if (!r_.Int(node, path, lo, hi, value)) return false;
        out = static_cast<I>(value);
        return true;
    }

    Reader& r_;
    const Json& j_;
    std::string path_;
    bool valid_;
    std::vector<std::string_view> known_;
};

// Nested readers shared by several messages.
void ReadPerson(Reader& r, const Json& j, const std::string& path, Person& out);
void ReadPayload(Reader& r, const Json& j, const std::string& path, Payload& out);
void ReadMonthCell(Reader& r, const Json& j, const std::string& path, MonthCell& out);
void ReadWebhook(Reader& r, const Json& j, const std::string& path, Webhook& out);
// Array items that are plain values.
inline auto StringItem(Str rule) {
    return [rule](Reader& r, const Json& j, const std::string& path, std::string& out) {
        r.String(j, path, rule, out);
    };
}
template <typename Id>
auto IdItem(Str rule) {
    return [rule](Reader& r, const Json& j, const std::string& path, Id& out) {
        std::string text;
        if (r.String(j, path, rule, text)) out = Id(std::move(text));
    };
}
// A list of strong ids as a JSON array of strings.
template <typename Id>
Json IdsJson(const std::vector<Id>& ids) {
    Json arr = Json::array();
    for (const auto& id : ids) arr.push_back(id.value());
    return arr;
}
inline void OreItem(Reader& r, const Json& j, const std::string& path, std::int64_t& out) {
    r.Int(j, path, kMinInt, kMaxInt, out);
}

// Runs a reader over a whole message and turns the collected errors into a Result. When
// all_errors is given it receives every problem found, the first of which is the returned one.
template <typename T, typename F>
core::Result<T> Decode(const Json& j, std::vector<core::Error>* all_errors, F read) {
    Reader r;
    T out{};
    read(r, j, std::string{}, out);
    if (r.ok()) {
        if (all_errors != nullptr) all_errors->clear();
        return out;
    }
    std::vector<core::Error> errors = r.TakeErrors();
    core::Error first = errors.front();
    if (all_errors != nullptr) *all_errors = std::move(errors);
    return first;
}

// Text for JSON output: never throws on invalid UTF-8 (it is replaced), so encoding stays
// exception-free on the per-message path.
std::string Dump(const Json& j);

}  // namespace bfu::contracts::detail
