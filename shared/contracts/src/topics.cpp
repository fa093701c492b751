#include "bfu/contracts/topics.hpp"

namespace bfu::contracts::topics {

std::map<std::string, std::string> TopicConfigs(const TopicSpec& spec) {
    std::map<std::string, std::string> out{{"cleanup.policy", std::string(spec.cleanup_policy)}};
    std::string_view rest = spec.configs;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        out[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
    }
    return out;
}

}  // namespace bfu::contracts::topics

namespace bfu::contracts::keys {

std::string Voucher(std::string_view source, std::string_view voucher_id) {
    std::string key(source);
    key += ':';
    key += voucher_id;
    return key;
}

std::string YearUnit(int year, std::string_view unit) {
    std::string key = std::to_string(year);
    key += ':';
    key += unit;
    return key;
}

std::string YearUnitRound(int year, std::string_view unit, int round) {
    std::string key = YearUnit(year, unit);
    key += ':';
    key += std::to_string(round);
    return key;
}

std::string Budget(int year, std::string_view unit, std::string_view account_group,
                   std::int64_t revision) {
    std::string key = YearUnit(year, unit);
    key += ':';
    key += account_group;
    key += ':';
    key += std::to_string(revision);
    return key;
}

std::string Calendar(int year, std::string_view ref) {
    std::string key = std::to_string(year);
    key += ':';
    key += ref;
    return key;
}

}  // namespace bfu::contracts::keys
