// What `bfu demo run` and `bfu demo summary` read from the running services: their /metrics and
// the mailbox the SMTP server delivers to.
#include <sstream>

#include "bfu/http/client.hpp"
#include "demo.hpp"

namespace bfu::cli::demo {

std::optional<std::map<std::string, double>> ScrapeMetrics(const std::string& base) {
    auto r = http::Client().Get(base + "/metrics", {}, std::chrono::seconds(5));
    if (!r.ok() || r->status != 200) return std::nullopt;
    std::map<std::string, double> out;
    std::istringstream lines(r->body);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.rfind(' ');
        if (space == std::string::npos) continue;
        try {
            out[line.substr(0, space)] = std::stod(line.substr(space + 1));
        } catch (const std::exception&) {
            continue;
        }
    }
    return out;
}

double SumOf(const std::map<std::string, double>& metrics, std::string_view name) {
    double sum = 0;
    for (auto it = metrics.lower_bound(std::string(name)); it != metrics.end(); ++it) {
        const std::string& key = it->first;
        if (key.compare(0, name.size(), name) != 0) break;
        if (key.size() == name.size() || key[name.size()] == '{') sum += it->second;
    }
    return sum;
}

std::size_t CountMail(const std::filesystem::path& maildir) {
    std::size_t n = 0;
    std::error_code ec;
    for (const char* sub : {"new", "cur"}) {
        for (const auto& e : std::filesystem::directory_iterator(maildir / sub, ec)) {
            if (e.is_regular_file(ec)) ++n;
        }
    }
    return n;
}

}  // namespace bfu::cli::demo
