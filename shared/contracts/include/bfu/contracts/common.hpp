#pragma once
// Building blocks shared by several messages (schemas/json/common.schema.json): the enums with
// their wire names, a person, a verbatim payload, a month cell. Plain values, no invariants
// beyond what the decoders check; copy freely between threads.
#include <array>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bfu/core/result.hpp"

namespace bfu::contracts {

// EnumNames<E>::kNames lists the wire names of E in the order of its enumerators.
template <typename E>
struct EnumNames;

template <typename E>
concept WireEnum = std::is_enum_v<E> && requires {
    EnumNames<E>::kNames;
};

template <WireEnum E>
[[nodiscard]] constexpr std::string_view ToString(E e) noexcept {
    return EnumNames<E>::kNames[static_cast<std::size_t>(e)];
}

template <WireEnum E>
[[nodiscard]] constexpr std::optional<E> ParseEnum(std::string_view name) noexcept {
    const auto& names = EnumNames<E>::kNames;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) return static_cast<E>(i);
    }
    return std::nullopt;
}

#define BFU_CONTRACTS_ENUM_NAMES(E, ...)                                                     \
    template <>                                                                              \
    struct EnumNames<E> {                                                                    \
        static constexpr std::array kNames = std::to_array<std::string_view>({__VA_ARGS__}); \
    }

// The organisation levels, top down.
enum class OrgLevel { kKf, kKs, kForvaltning, kNamnd, kSektor, kVerksamhet, kEnhet };
BFU_CONTRACTS_ENUM_NAMES(OrgLevel, "kf", "ks", "forvaltning", "namnd", "sektor", "verksamhet",
                         "enhet");

enum class PayloadEncoding { kUtf8, kBase64 };
BFU_CONTRACTS_ENUM_NAMES(PayloadEncoding, "utf8", "base64");

// The body a webhook receives: bfu's own JSON (schemas/http/webhook-alert.schema.json), or a
// chat message {"text": ...} that Microsoft Teams and Slack incoming webhooks accept.
enum class WebhookFormat { kGeneric, kChat };
BFU_CONTRACTS_ENUM_NAMES(WebhookFormat, "generic", "chat");

// A person to tell or who acted: a manager, a recipient, a submitter.
// Name, role and e-mail never hold control characters (CR, LF ...): they end up in mail headers.
struct Person {
    std::string name;
    std::string role;  // e.g. "enhetschef", "sektorchef", "kommundirektör"
    std::optional<std::string> email;

    [[nodiscard]] nlohmann::json ToJson() const;
    bool operator==(const Person&) const = default;
};

// Where to POST an alert (common.schema.json#/definitions/webhook): an org unit's webhooks, and
// the one an alert record was delivered to. "format" may be absent on the wire (= generic).
struct Webhook {
    std::string url;  // http:// or https://
    WebhookFormat format = WebhookFormat::kGeneric;
    // Wire name "secretEnv": the environment variable that holds the HMAC key to sign the body
    // with, ^[A-Z_][A-Z0-9_]*$; the key itself never travels.
    std::optional<std::string> secret_env;

    [[nodiscard]] nlohmann::json ToJson() const;
    bool operator==(const Webhook&) const = default;
};

// Bytes kept verbatim. JSON strings must be UTF-8, so anything else travels as base64.
struct Payload {
    PayloadEncoding encoding = PayloadEncoding::kUtf8;
    std::string content;

    // Chooses utf8 when the bytes are valid UTF-8, else base64.
    [[nodiscard]] static Payload FromBytes(std::string_view bytes);
    // The original bytes; an error if the content is not valid base64.
    [[nodiscard]] core::Result<std::string> Bytes() const;
    [[nodiscard]] nlohmann::json ToJson() const;
    bool operator==(const Payload&) const = default;
};

// Outcome and budget of one month.
struct MonthCell {
    std::int64_t outcome_ore = 0;
    std::int64_t budget_ore = 0;

    [[nodiscard]] nlohmann::json ToJson() const;
    bool operator==(const MonthCell&) const = default;
};

}  // namespace bfu::contracts
