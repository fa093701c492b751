#include "bfu/core/clock.hpp"

#include <ctime>
#include <thread>

namespace bfu::core {

bool WallClock::WaitUntil(TimePoint deadline, std::chrono::milliseconds real_timeout) {
    auto now = Now();
    if (now >= deadline) return true;
    auto wait = std::min<Duration>(deadline - now, real_timeout);
    std::this_thread::sleep_for(wait);
    return Now() >= deadline;
}

TimePoint SimulatedClock::Now() const {
    std::lock_guard lock(mu_);
    return now_;
}

bool SimulatedClock::WaitUntil(TimePoint deadline, std::chrono::milliseconds real_timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, real_timeout, [&] { return now_ >= deadline; });
}

void SimulatedClock::Advance(Duration d) {
    {
        std::lock_guard lock(mu_);
        if (d > Duration::zero()) now_ += d;
    }
    cv_.notify_all();
}

void SimulatedClock::Set(TimePoint t) {
    {
        std::lock_guard lock(mu_);
        if (t > now_) now_ = t;
    }
    cv_.notify_all();
}

std::int64_t ToUnixMillis(TimePoint t) noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(std::int64_t ms) noexcept {
    return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::milliseconds(ms)));
}

std::string ToRfc3339(TimePoint t) {
    const auto ms = ToUnixMillis(t);
    auto secs = static_cast<std::time_t>(ms / 1000);
    auto frac = static_cast<int>(ms % 1000);
    if (frac < 0) {
        frac += 1000;
        secs -= 1;
    }
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, frac);
    return out;
}

}  // namespace bfu::core
