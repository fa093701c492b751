#include "bfu/kafka/config.hpp"

#include "bfu/kafka/message.hpp"
#include "client.hpp"

namespace bfu::kafka {

core::Status ValidateConfig(const KafkaConfig& config, ClientRole role) {
    auto conf = detail::BuildConf(config, role);
    if (!conf.ok()) {
        return std::move(conf).error();
    }
    return core::Ok();
}

std::optional<std::string> FindHeader(const Headers& headers, std::string_view key) {
    for (const auto& h : headers) {
        if (h.key == key) {
            return h.value;
        }
    }
    return std::nullopt;
}

}  // namespace bfu::kafka
