#include "bfu/notifier/links.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "bfu/contracts/formats.hpp"

namespace bfu::notifier {

namespace {

std::string Base64Url(std::string_view bytes) {
    std::string s = contracts::Base64Encode(bytes);
    for (auto& c : s) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    while (!s.empty() && s.back() == '=') s.pop_back();
    return s;
}

std::optional<std::string> FromBase64Url(std::string_view text) {
    std::string s(text);
    for (auto& c : s) {
        if (c == '-') c = '+';
        if (c == '_') c = '/';
    }
    while (s.size() % 4 != 0) s += '=';
    return contracts::Base64Decode(s);
}

std::string Hmac(const std::string& key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

constexpr std::string_view kActionCodes[] = {"ack", "comment", "measure"};

}  // namespace

std::string_view ToString(LinkAction a) noexcept {
    switch (a) {
        case LinkAction::kAcknowledge:
            return "kvittera";
        case LinkAction::kComment:
            return "kommentera";
        case LinkAction::kMeasure:
            return "atgard";
    }
    return "kvittera";
}

std::string LinkClaims::CommandId() const {
    return "link:" + alert_id + ":" + std::string(kActionCodes[static_cast<int>(action)]);
}

LinkSigner::LinkSigner(std::string key) : key_(std::move(key)) {
    if (key_.size() < 16) {
        throw std::invalid_argument(
            "the link key must be at least 16 bytes (BFU_NOTIFIER_LINK_KEY)");
    }
}

std::string LinkSigner::Sign(const LinkClaims& c) const {
    const nlohmann::json j{{"a", kActionCodes[static_cast<int>(c.action)]},
                           {"d", c.deviation_id},
                           {"e", c.email},
                           {"n", c.name},
                           {"x", c.expires},
                           {"i", c.alert_id}};
    const std::string payload = Base64Url(j.dump());
    return payload + "." + Base64Url(Hmac(key_, payload));
}

core::Result<LinkClaims> LinkSigner::Verify(std::string_view token, core::TimePoint now) const {
    auto refuse = [] {
        return core::Error(core::Errc::kPermissionDenied, "token",
                           "the link is not valid: it is incomplete or has been altered");
    };
    const auto dot = token.find('.');
    if (dot == std::string_view::npos || token.size() > 4096) return refuse();
    const std::string_view payload = token.substr(0, dot);
    const std::string_view mac = token.substr(dot + 1);
    // The signature's text is compared, not its decoded bytes: base64 ignores the unused bits
    // of its last character, so another text could decode to the same bytes.
    const std::string expected = Base64Url(Hmac(key_, payload));
    if (mac.size() != expected.size() ||
        CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) != 0) {
        return refuse();
    }
    const auto json_text = FromBase64Url(payload);
    if (!json_text) return refuse();
    const auto j = nlohmann::json::parse(*json_text, nullptr, false);
    if (!j.is_object()) return refuse();
    auto text = [&](const char* key, std::string& out) {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string()) return false;
        out = it->get<std::string>();
        return true;
    };
    LinkClaims c;
    std::string a;
    if (!text("a", a) || !text("d", c.deviation_id) || !text("e", c.email) || !text("n", c.name) ||
        !text("i", c.alert_id)) {
        return refuse();
    }
    auto x = j.find("x");
    if (x == j.end() || !x->is_number_integer()) return refuse();
    c.expires = x->get<std::int64_t>();
    bool known = false;
    for (int i = 0; i < 3; ++i) {
        if (kActionCodes[i] == a) {
            c.action = static_cast<LinkAction>(i);
            known = true;
        }
    }
    if (!known) return refuse();
    if (core::ToUnixMillis(now) / 1000 > c.expires) {
        return core::Error(
            core::Errc::kFailedPrecondition, "expired",
            "the link expired " + core::ToRfc3339(core::FromUnixMillis(c.expires * 1000)));
    }
    return c;
}

}  // namespace bfu::notifier
