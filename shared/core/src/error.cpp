#include "bfu/core/error.hpp"

namespace bfu::core {

std::string_view ToString(Errc code) noexcept {
    switch (code) {
        case Errc::kInvalidArgument:
            return "invalid_argument";
        case Errc::kNotFound:
            return "not_found";
        case Errc::kAlreadyExists:
            return "already_exists";
        case Errc::kFailedPrecondition:
            return "failed_precondition";
        case Errc::kPermissionDenied:
            return "permission_denied";
        case Errc::kOutOfRange:
            return "out_of_range";
        case Errc::kUnavailable:
            return "unavailable";
        case Errc::kTimeout:
            return "timeout";
        case Errc::kInternal:
            return "internal";
        case Errc::kConfig:
            return "config";
    }
    return "unknown";
}

std::string_view ToString(ErrorClass c) noexcept {
    switch (c) {
        case ErrorClass::kRetryable:
            return "retryable";
        case ErrorClass::kFatal:
            return "fatal";
        case ErrorClass::kPoison:
            return "poison";
    }
    return "unknown";
}

std::string Error::ToString() const {
    std::string out(bfu::core::ToString(code));
    out += ": ";
    if (!field.empty()) {
        out += field;
        out += ": ";
    }
    out += message;
    return out;
}

}  // namespace bfu::core
