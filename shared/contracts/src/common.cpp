#include "bfu/contracts/common.hpp"

#include "bfu/contracts/formats.hpp"

namespace bfu::contracts {

nlohmann::json Person::ToJson() const {
    nlohmann::json j = {{"name", name}, {"role", role}};
    if (email) j["email"] = *email;
    return j;
}

nlohmann::json Webhook::ToJson() const {
    nlohmann::json j = {{"url", url}, {"format", std::string(ToString(format))}};
    if (secret_env) j["secretEnv"] = *secret_env;
    return j;
}

Payload Payload::FromBytes(std::string_view bytes) {
    if (IsValidUtf8(bytes)) return Payload{PayloadEncoding::kUtf8, std::string(bytes)};
    return Payload{PayloadEncoding::kBase64, Base64Encode(bytes)};
}

core::Result<std::string> Payload::Bytes() const {
    if (encoding == PayloadEncoding::kUtf8) return content;
    auto bytes = Base64Decode(content);
    if (!bytes) {
        return core::Error(core::Errc::kInvalidArgument, "/content",
                           "is marked base64 but is not valid base64");
    }
    return std::move(*bytes);
}

nlohmann::json Payload::ToJson() const {
    return {{"encoding", std::string(ToString(encoding))}, {"content", content}};
}

nlohmann::json MonthCell::ToJson() const {
    return {{"outcomeOre", outcome_ore}, {"budgetOre", budget_ore}};
}

}  // namespace bfu::contracts
