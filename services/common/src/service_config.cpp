#include "bfu/service/service_config.hpp"

#include <chrono>
#include <ctime>

#include "bfu/domain/calendar.hpp"

namespace bfu::service {

void AddFollowUpFields(config::Schema& schema) {
    schema.Int("followup.year", 0,
               "Fiscal year followed up (calendar year); 0 = the current year by the clock");
}

void AddRedisFields(config::Schema& schema) {
    schema
        .Required("redis.url", config::FieldType::kString,
                  "Redis holding every unit's current status, redis://host:port[/db]")
        .String("redis.prefix", "bfu:", "Prefix of every Redis key (docs/redis.md)");
}

int FollowUpYear(const config::Config& cfg) {
    const auto y = cfg.GetInt("followup.year");
    if (y != 0) {
        if (y < 1900 || y > 2999) {
            throw config::ConfigError("followup.year",
                                      "must be a year 1900-2999 or 0, got " + std::to_string(y));
        }
        return static_cast<int>(y);
    }
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

int ParseYearOrThrow(std::string_view key, const std::string& text) {
    int y = 0;
    if (text.size() != 4) {
        throw config::ConfigError(std::string(key), "'" + text + "' is not a year like 2026");
    }
    for (char c : text) {
        if (c < '0' || c > '9') {
            throw config::ConfigError(std::string(key), "'" + text + "' is not a year like 2026");
        }
        y = y * 10 + (c - '0');
    }
    return y;
}

std::string ParsePeriodOrThrow(std::string_view key, const std::string& text) {
    auto p = domain::Period::Parse(text);
    if (!p.ok()) {
        throw config::ConfigError(std::string(key),
                                  "'" + text + "' is not a period YYYYMM: " + p.error().message);
    }
    return p->ToString();
}

}  // namespace bfu::service
