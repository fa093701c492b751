#pragma once
// One error vocabulary for all of bfu. Every failure on a per-message path is classed before
// the consumer loop sees it (see docs/architecture.md, "Errors"):
//   retryable - back off and try the same thing again (broker or Redis unavailable, timeout);
//   fatal     - stop, exit non-zero and let the supervisor restart (bad config, fenced producer);
//   poison    - the input itself is bad: dead-letter it with the reason, commit, go on.
#include <string>
#include <string_view>
#include <utility>

namespace bfu::core {

enum class ErrorClass { kRetryable, kFatal, kPoison };

enum class Errc {
    kInvalidArgument,     // input does not have the required form (poison)
    kNotFound,            // a referenced entity does not exist (poison)
    kAlreadyExists,       // duplicate (poison: report, do not count again)
    kFailedPrecondition,  // state forbids the operation, e.g. period closed (poison)
    kPermissionDenied,    // caller may not do this (poison)
    kOutOfRange,          // value outside its domain, e.g. money overflow (poison)
    kUnavailable,         // a peer is down or unreachable (retryable)
    kTimeout,             // a peer did not answer in time (retryable)
    kInternal,            // a bug or an unexpected library failure (fatal)
    kConfig,              // the configuration is wrong (fatal)
};

[[nodiscard]] constexpr ErrorClass ClassOf(Errc code) noexcept {
    switch (code) {
        case Errc::kUnavailable:
        case Errc::kTimeout:
            return ErrorClass::kRetryable;
        case Errc::kInternal:
        case Errc::kConfig:
            return ErrorClass::kFatal;
        default:
            return ErrorClass::kPoison;
    }
}

[[nodiscard]] std::string_view ToString(Errc code) noexcept;
[[nodiscard]] std::string_view ToString(ErrorClass c) noexcept;

// An error: a code, the field or place it concerns (may be empty) and a message that says
// what to change.
struct Error {
    Errc code = Errc::kInternal;
    std::string field;
    std::string message;

    Error() = default;
    Error(Errc c, std::string msg) : code(c), message(std::move(msg)) {}
    Error(Errc c, std::string fld, std::string msg)
        : code(c), field(std::move(fld)), message(std::move(msg)) {}

    [[nodiscard]] ErrorClass Class() const noexcept { return ClassOf(code); }
    [[nodiscard]] bool IsRetryable() const noexcept { return Class() == ErrorClass::kRetryable; }
    [[nodiscard]] bool IsFatal() const noexcept { return Class() == ErrorClass::kFatal; }
    [[nodiscard]] bool IsPoison() const noexcept { return Class() == ErrorClass::kPoison; }
    // "code: field: message" (field omitted when empty).
    [[nodiscard]] std::string ToString() const;

    friend bool operator==(const Error&, const Error&) = default;
};

}  // namespace bfu::core
