#include "bfu/contracts/topics.hpp"

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

std::string Budget(int year, std::string_view unit, std::string_view account_group) {
    std::string key = YearUnit(year, unit);
    key += ':';
    key += account_group;
    return key;
}

}  // namespace bfu::contracts::keys
