#pragma once
// Result<T>: a value or an Error, for the per-message path where exceptions are not used.
// g++ 12 has no std::expected in C++20, so this is the small one the style guide asks for.
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "bfu/core/error.hpp"

namespace bfu::core {

template <typename T>
class [[nodiscard]] Result {
public:
    using value_type = T;

    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(implicit)
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(implicit)

    [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    [[nodiscard]] T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    [[nodiscard]] const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    [[nodiscard]] T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    [[nodiscard]] const Error& error() const& {
        assert(!ok());
        return std::get<1>(v_);
    }
    [[nodiscard]] Error&& error() && {
        assert(!ok());
        return std::get<1>(std::move(v_));
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    template <typename U>
    [[nodiscard]] T value_or(U&& fallback) const& {
        return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(implicit)

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    [[nodiscard]] const Error& error() const& {
        assert(!ok_);
        return error_;
    }
    [[nodiscard]] Error&& error() && {
        assert(!ok_);
        return std::move(error_);
    }

private:
    Error error_{};
    bool ok_ = true;
};

using Status = Result<void>;

[[nodiscard]] inline Status Ok() { return {}; }

}  // namespace bfu::core

// Propagates an error from an expression returning Result<...>/Status.
#define BFU_TRY(expr)                                  \
    do {                                               \
        auto&& bfu_try_result_ = (expr);               \
        if (!bfu_try_result_.ok()) {                   \
            return std::move(bfu_try_result_).error(); \
        }                                              \
    } while (false)
