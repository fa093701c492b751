#include "bfu/runtime/logger.hpp"

#include <cctype>
#include <iostream>

namespace bfu::runtime {

std::string_view ToString(LogLevel level) noexcept {
    switch (level) {
        case LogLevel::kDebug:
            return "debug";
        case LogLevel::kInfo:
            return "info";
        case LogLevel::kWarn:
            return "warn";
        case LogLevel::kError:
            return "error";
    }
    return "info";
}

std::optional<LogLevel> ParseLogLevel(std::string_view text) noexcept {
    std::string lower;
    for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "debug") return LogLevel::kDebug;
    if (lower == "info") return LogLevel::kInfo;
    if (lower == "warn" || lower == "warning") return LogLevel::kWarn;
    if (lower == "error") return LogLevel::kError;
    return std::nullopt;
}

Logger::Logger(std::string service, LogLevel level, std::ostream* out, const core::Clock* clock)
    : service_(std::move(service)),
      level_(level),
      out_(out != nullptr ? out : &std::cerr),
      clock_(clock != nullptr ? clock : &wall_) {}

std::string Logger::Format(LogLevel level, std::string_view msg,
                           const nlohmann::json& fields) const {
    // ordered_json keeps ts, level, service, msg first, which makes the lines easy to scan.
    nlohmann::ordered_json line;
    line["ts"] = core::ToRfc3339(clock_->Now());
    line["level"] = ToString(level);
    line["service"] = service_;
    line["msg"] = msg;
    if (fields.is_object()) {
        for (const auto& [k, v] : fields.items()) {
            if (k == "ts" || k == "level" || k == "service" || k == "msg") {
                line["field." + k] = v;
            } else {
                line[k] = v;
            }
        }
    } else if (!fields.is_null()) {
        line["fields"] = fields;
    }
    // Replace invalid UTF-8 instead of throwing: a log line must never take a service down.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Logger::Log(LogLevel level, std::string_view msg, const nlohmann::json& fields) noexcept {
    if (!Enabled(level)) return;
    try {
        std::string text = Format(level, msg, fields);
        text += '\n';
        std::lock_guard lock(mu_);
        out_->write(text.data(), static_cast<std::streamsize>(text.size()));
        out_->flush();
    } catch (...) {
        // Logging is best effort: out of memory or a broken stream must not end the service.
    }
}

}  // namespace bfu::runtime
