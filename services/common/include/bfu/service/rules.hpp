#pragma once
// The municipality's rules as one file (rules.file, env BFU_RULES_FILE; docs/rules.md, example
// docs/examples/rules.json): deviation thresholds per level and their hysteresis and
// severities, mandates per level, the HR targets (sick leave, overtime) with their exceptions
// per unit, the timetable's close day and chosen dates, and the working-day calendar (extra
// closed and open days). Every service that needs a rule reads the same file at start; without
// the file the defaults apply (the domain core's DeviationRules::Defaults, a 6.0 % sick-leave
// target, the timetable's default dates, Swedish holidays).
//
// Checked whole at start: an unknown key, a wrong type or a bad value stops start-up with exit
// code 2 and a message naming the key, the file and the line ("config: deviation.thresholds.
// enhet.amountKr: must be an integer number of kronor >= 0, not -5 (in rules.json:7)").
//
// The rules are values: built once at start, then shared read-only (thread-safe to read).
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bfu/config/config.hpp"
#include "bfu/core/money.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/deviation.hpp"
#include "bfu/domain/lifecycle.hpp"
#include "bfu/domain/org.hpp"

namespace bfu::service {

// HR targets (percent of scheduled hours for sick leave, hours a month for overtime), lower is
// better. A unit without its own target takes the default; overtime has no default unless the
// file gives one (then no overtime deviation is judged).
struct HrTargets {
    double sick_leave_pct = 6.0;
    std::map<std::string, double, std::less<>> sick_leave_by_unit;
    std::optional<double> overtime_hours;
    std::map<std::string, double, std::less<>> overtime_by_unit;

    [[nodiscard]] double SickLeaveFor(std::string_view unit) const;
    [[nodiscard]] std::optional<double> OvertimeFor(std::string_view unit) const;
};

struct MunicipalRules {
    std::string source;  // the file read, empty for the defaults
    domain::DeviationRules deviation = domain::DeviationRules::Defaults();
    // The mandate of a level's units whose organisation record says mandateOre 0.
    std::array<std::optional<core::Money>, domain::kLevelCount> mandates{};
    HrTargets hr;
    // Close day, chosen dates, calendar. pinned_years is the service's (followup.year), not
    // the file's.
    domain::LifecycleRules lifecycle;

    [[nodiscard]] std::optional<core::Money> MandateFor(domain::Level level) const {
        return mandates[static_cast<std::size_t>(level)];
    }
};

// The rules in a file's text. The error (kInvalidArgument) names the key in its field, dotted
// ("deviation.thresholds.enhet.amountKr"), and says where in its message ("rules.json:7: ...").
[[nodiscard]] core::Result<MunicipalRules> ParseRules(std::string_view text,
                                                      std::string_view source);

// rules.file: the path of the rules file; empty = the defaults.
void AddRulesFields(config::Schema& schema);
// The rules of rules.file, or the defaults; a file that cannot be read or is not valid throws
// config::ConfigError naming the key, the file and the line.
[[nodiscard]] std::shared_ptr<const MunicipalRules> RulesFrom(const config::Config& cfg);
// The lifecycle rules of a service: the file's, with followup.year pinned when it is set.
[[nodiscard]] domain::LifecycleRules LifecycleFrom(const MunicipalRules& rules,
                                                   const config::Config& cfg);

}  // namespace bfu::service
