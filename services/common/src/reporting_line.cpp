#include "bfu/service/reporting_line.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "bfu/service/deviation_wire.hpp"

namespace bfu::service {

namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::optional<contracts::Person> FindLineManager(const domain::Organisation& org,
                                                 const core::UnitId& unit, std::string_view email,
                                                 domain::Date on) {
    auto u = org.Find(unit);
    if (!u || email.empty()) return std::nullopt;
    std::vector<domain::UnitIndex> line{*u};
    for (auto a : org.AncestorsAt(*u, on)) line.push_back(a);
    for (const auto& ring : org.EscalationRingsAt(*u, on)) {
        for (auto s : ring) line.push_back(s);
    }
    const std::string wanted = Lower(email);
    for (auto x : line) {
        const auto& m = org.unit(x).manager;
        if (!m.email.empty() && Lower(m.email) == wanted) return ToWire(m);
    }
    return std::nullopt;
}

}  // namespace bfu::service
