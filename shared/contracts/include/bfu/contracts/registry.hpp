#pragma once
// Every message type by its schema name (the file stem in schemas/json/ and the folder in
// schemas/examples/), for tools and tests that handle messages generically, e.g. `bfu`
// checking a file, or a DLQ inspector deciding how to show a value.
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"

namespace bfu::contracts {

struct MessageInfo {
    std::string_view name;   // e.g. "ledger-line"
    std::string_view type;   // envelope type, e.g. "se.bfu.ledger.line.v1"
    std::string_view topic;  // e.g. "bfu.ledger.lines"
    // Decodes the payload and returns every problem found (empty = valid).
    std::vector<core::Error> (*check)(const nlohmann::json& data);
    // Decodes and re-encodes the payload (the canonical form); an error if it is invalid.
    core::Result<nlohmann::json> (*canonical)(const nlohmann::json& data);
};

// All message types, the envelope excluded (it has its own name "envelope", see envelope.hpp).
[[nodiscard]] std::span<const MessageInfo> AllMessages() noexcept;
// nullptr when unknown.
[[nodiscard]] const MessageInfo* FindMessageByName(std::string_view name) noexcept;
[[nodiscard]] const MessageInfo* FindMessageByType(std::string_view type) noexcept;

}  // namespace bfu::contracts
