#include "bfu/analysis/status_writer.hpp"

#include "bfu/service/status_keys.hpp"

namespace bfu::analysis {

namespace {

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += ',';
        out += s;
    }
    return out;
}

}  // namespace

std::vector<redis::Argv> StatusCommands(const std::string& prefix,
                                        const std::vector<UnitStatus>& statuses,
                                        const std::vector<contracts::DeviationEvent>& deviations) {
    namespace keys = service::status_keys;
    std::vector<redis::Argv> cmds;
    redis::Argv units{"SADD", keys::Units(prefix)};
    for (const auto& s : statuses) {
        // The business year's status is the unit's status; every year's is also under its year.
        std::vector<std::string> keys_of;
        if (s.current) keys_of.push_back(keys::Unit(prefix, s.unit));
        keys_of.push_back(keys::UnitYear(prefix, s.unit, s.year));
        for (const auto& key : keys_of) {
            cmds.push_back({"DEL", key});
            cmds.push_back({"HSET",
                            key,
                            "unit",
                            s.unit,
                            "name",
                            s.name,
                            "level",
                            s.level,
                            "parent",
                            s.parent,
                            "children",
                            Join(s.children),
                            "year",
                            std::to_string(s.year),
                            "through_period",
                            s.through_period,
                            "outcome_to_date_ore",
                            std::to_string(s.outcome_to_date_ore),
                            "budget_to_date_ore",
                            std::to_string(s.budget_to_date_ore),
                            "annual_budget_ore",
                            std::to_string(s.annual_budget_ore),
                            "outcome_year_ore",
                            std::to_string(s.outcome_year_ore),
                            "forecast_ore",
                            s.forecast_ore ? std::to_string(*s.forecast_ore) : std::string(),
                            "forecast_round",
                            s.forecast_round ? std::to_string(*s.forecast_round) : std::string(),
                            "deviation_ore",
                            std::to_string(s.deviation_ore),
                            "share_bp",
                            std::to_string(s.share_bp),
                            "light",
                            s.light,
                            "open_deviations",
                            Join(s.open_deviations),
                            "manager",
                            s.manager,
                            "manager_email",
                            s.manager_email,
                            "last_event_at",
                            s.last_event_at,
                            "updated_at",
                            s.updated_at});
        }
        units.push_back(s.unit);
    }
    if (units.size() > 2) cmds.push_back(std::move(units));
    for (const auto& d : deviations) {
        const auto key = keys::Deviation(prefix, d.deviation_id.value());
        const bool open = d.event != contracts::DeviationEventKind::kClosed;
        cmds.push_back({"DEL", key});
        cmds.push_back({"HSET",
                        key,
                        "id",
                        d.deviation_id.value(),
                        "unit",
                        d.unit.value(),
                        "kind",
                        std::string(contracts::ToString(d.kind)),
                        "event",
                        std::string(contracts::ToString(d.event)),
                        "seq",
                        std::to_string(d.seq),
                        "period",
                        d.period,
                        "budget_ore",
                        std::to_string(d.budget_ore.value_or(0)),
                        "outcome_ore",
                        std::to_string(d.outcome_ore.value_or(0)),
                        "deviation_ore",
                        std::to_string(d.deviation_ore.value_or(0)),
                        "severity",
                        std::string(contracts::ToString(d.severity)),
                        "within_mandate",
                        d.within_mandate ? "1" : "0",
                        "open",
                        open ? "1" : "0",
                        "at",
                        d.at,
                        "json",
                        d.ToJson().dump()});
        if (open) {
            cmds.push_back({"SADD", keys::OpenDeviations(prefix), d.deviation_id.value()});
        } else {
            cmds.push_back({"SREM", keys::OpenDeviations(prefix), d.deviation_id.value()});
        }
    }
    return cmds;
}

redis::Status WriteStatus(redis::Executor& redis, const std::string& prefix,
                          const std::vector<UnitStatus>& statuses,
                          const std::vector<contracts::DeviationEvent>& deviations) {
    auto cmds = StatusCommands(prefix, statuses, deviations);
    if (cmds.empty()) return core::Ok();
    auto r = redis.Transaction(cmds);
    if (!r.ok()) return std::move(r).error();
    return core::Ok();
}

}  // namespace bfu::analysis
