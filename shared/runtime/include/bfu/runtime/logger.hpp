#pragma once
// Structured logging: one JSON object per line on stderr (or a given stream), e.g.
//   {"ts":"2026-03-31T12:00:00.000Z","level":"info","service":"ingest","msg":"started",
//    "port":8080}
//
// Ownership: App owns one Logger per process and hands out references. Thread-safety: every
// method may be called from any thread; a line is formatted outside the lock and written whole
// under it, so lines never interleave.
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "bfu/core/clock.hpp"

namespace bfu::runtime {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

[[nodiscard]] std::string_view ToString(LogLevel level) noexcept;
// "debug", "info", "warn"/"warning", "error" (case-insensitive); nullopt otherwise.
[[nodiscard]] std::optional<LogLevel> ParseLogLevel(std::string_view text) noexcept;

class Logger {
public:
    // `out` must outlive the logger; `clock` (may be null for the wall clock) stamps "ts".
    explicit Logger(std::string service, LogLevel level = LogLevel::kInfo,
                    std::ostream* out = nullptr, const core::Clock* clock = nullptr);

    void SetLevel(LogLevel level) noexcept { level_.store(level, std::memory_order_relaxed); }
    [[nodiscard]] LogLevel level() const noexcept { return level_.load(std::memory_order_relaxed); }
    [[nodiscard]] bool Enabled(LogLevel level) const noexcept { return level >= this->level(); }
    [[nodiscard]] const std::string& service() const noexcept { return service_; }

    // `fields` must be a JSON object (or null); its members follow "msg" in the line. A field
    // named like a fixed key (ts, level, service, msg) is written under "field.<name>".
    void Log(LogLevel level, std::string_view msg,
             const nlohmann::json& fields = nlohmann::json()) noexcept;
    void Debug(std::string_view msg, const nlohmann::json& fields = nlohmann::json()) noexcept {
        Log(LogLevel::kDebug, msg, fields);
    }
    void Info(std::string_view msg, const nlohmann::json& fields = nlohmann::json()) noexcept {
        Log(LogLevel::kInfo, msg, fields);
    }
    void Warn(std::string_view msg, const nlohmann::json& fields = nlohmann::json()) noexcept {
        Log(LogLevel::kWarn, msg, fields);
    }
    void Error(std::string_view msg, const nlohmann::json& fields = nlohmann::json()) noexcept {
        Log(LogLevel::kError, msg, fields);
    }

    // The line Log would write (without the newline); public for tests.
    [[nodiscard]] std::string Format(LogLevel level, std::string_view msg,
                                     const nlohmann::json& fields) const;

private:
    std::string service_;
    std::atomic<LogLevel> level_;
    std::ostream* out_;
    const core::Clock* clock_;
    core::WallClock wall_;
    std::mutex mu_;
};

}  // namespace bfu::runtime
