// bfu status UNIT --as-of YYYY-MM-DD [--year YYYY] [--json]: the unit's status as it was on a
// business date, replayed from the topics (bfu::analysis::ReplayAsOf), not read from Redis.
#include <map>
#include <nlohmann/json.hpp>

#include "bfu/analysis/replay.hpp"
#include "commands.hpp"

namespace bfu::cli {

int StatusAsOf(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Env env;
    const Args a = Parse(args, 1, {"json"});
    if (a.positional.empty()) {
        throw UsageError("status needs a UNIT, e.g. bfu status E211 --as-of 2026-04-30");
    }
    auto date = domain::Date::Parse(a.Opt("as-of"));
    if (!date.ok()) throw UsageError("--as-of needs a date YYYY-MM-DD: " + date.error().message);
    int year = date->year();
    if (a.Flag("year")) {
        try {
            year = std::stoi(a.Opt("year"));
        } catch (const std::exception&) {
            throw UsageError("--year needs a year, e.g. 2026");
        }
    }
    auto statuses = analysis::ReplayAsOf(KafkaFromEnv(env), env.Get("BFU_KAFKA_TOPIC_PREFIX"), year,
                                         *date, std::chrono::seconds(120));
    if (!statuses.ok()) {
        err << statuses.error().ToString() << "\n";
        return 1;
    }
    std::map<std::string, analysis::UnitStatus> by_unit;
    for (auto& s : *statuses) by_unit.emplace(s.unit, std::move(s));
    const auto& unit = a.positional[0];
    auto it = by_unit.find(unit);
    if (it == by_unit.end()) {
        err << "unit " << unit << " is not in the organisation on the topics\n";
        return 1;
    }
    const auto& s = it->second;
    if (a.Flag("json")) {
        nlohmann::json j = {{"unit", s.unit},
                            {"name", s.name},
                            {"level", s.level},
                            {"as_of", date->ToString()},
                            {"year", s.year},
                            {"through_period", s.through_period},
                            {"outcome_to_date_ore", s.outcome_to_date_ore},
                            {"budget_to_date_ore", s.budget_to_date_ore},
                            {"annual_budget_ore", s.annual_budget_ore},
                            {"outcome_year_ore", s.outcome_year_ore},
                            {"deviation_ore", s.deviation_ore},
                            {"share_bp", s.share_bp},
                            {"light", s.light},
                            {"open_deviations", s.open_deviations},
                            {"children", s.children}};
        out << j.dump(2) << "\n";
        return 0;
    }
    out << s.name << " (" << unit << ", " << s.level << ") per " << date->ToString() << ", "
        << s.year << " t.o.m. " << s.through_period << "  [" << s.light << "]\n";
    out << "  utfall hittills: " << Kr(std::to_string(s.outcome_to_date_ore)) << "\n";
    out << "  budget hittills: " << Kr(std::to_string(s.budget_to_date_ore)) << "\n";
    out << "  avvikelse:       " << Kr(std::to_string(s.deviation_ore)) << " ("
        << Pct(std::to_string(s.share_bp)) << ")\n";
    out << "  årsbudget:       " << Kr(std::to_string(s.annual_budget_ore)) << "\n";
    if (!s.open_deviations.empty()) {
        out << "  avvikelser över tröskeln:";
        for (const auto& d : s.open_deviations) out << " " << d;
        out << "\n";
    }
    if (!s.children.empty()) {
        out << "  underliggande enheter:\n";
        for (const auto& c : s.children) {
            auto cs = by_unit.find(c);
            if (cs == by_unit.end()) continue;
            out << "    " << c << "  " << cs->second.name << ": avvikelse "
                << Kr(std::to_string(cs->second.deviation_ore)) << " ("
                << Pct(std::to_string(cs->second.share_bp)) << ") [" << cs->second.light << "]\n";
        }
    }
    return 0;
}

}  // namespace bfu::cli
