#pragma once
// Configuration fields that several services share beyond Kafka:
//   followup.year   the fiscal year followed up; 0 = the current calendar year (wall clock)
//   redis.url       redis://host:port[/db], BFU_REDIS_URL (services that use Redis)
// and helpers that turn a malformed list entry into a ConfigError naming the key.
#include <string>
#include <string_view>

#include "bfu/config/config.hpp"

namespace bfu::service {

void AddFollowUpFields(config::Schema& schema);
void AddRedisFields(config::Schema& schema);

// followup.year, with 0 resolved to the current calendar year.
[[nodiscard]] int FollowUpYear(const config::Config& cfg);

// "2026" -> 2026; anything else throws config::ConfigError(key, ...).
[[nodiscard]] int ParseYearOrThrow(std::string_view key, const std::string& text);
// "202604" -> "202604" after checking it is a valid YYYYMM; else ConfigError.
[[nodiscard]] std::string ParsePeriodOrThrow(std::string_view key, const std::string& text);

}  // namespace bfu::service
