#pragma once
// Business time is explicit: every component takes a Clock. Production uses WallClock; tests
// and the demo use SimulatedClock, which a driver advances (e.g. through a year's timetable)
// so that escalation deadlines still fire, in minutes instead of months.
//
// Thread-safety: both clocks may be read from any thread; SimulatedClock::Advance/Set may be
// called from any thread and wake every WaitUntil.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "bfu/core/result.hpp"

namespace bfu::core {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual TimePoint Now() const = 0;
    // Blocks until Now() >= deadline or the real-time timeout passes; true if the deadline was
    // reached. Real time bounds the wait so shutdown is never held up by business time.
    virtual bool WaitUntil(TimePoint deadline, std::chrono::milliseconds real_timeout) = 0;
};

class WallClock final : public Clock {
public:
    [[nodiscard]] TimePoint Now() const override { return std::chrono::system_clock::now(); }
    bool WaitUntil(TimePoint deadline, std::chrono::milliseconds real_timeout) override;
};

class SimulatedClock final : public Clock {
public:
    explicit SimulatedClock(TimePoint start) : now_(start) {}
    [[nodiscard]] TimePoint Now() const override;
    bool WaitUntil(TimePoint deadline, std::chrono::milliseconds real_timeout) override;
    void Advance(Duration d);
    // Moves to t; never backwards (a later t than now only), so time stays monotonic.
    void Set(TimePoint t);

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    TimePoint now_;
};

// Milliseconds since the Unix epoch, the wire form of every timestamp.
[[nodiscard]] std::int64_t ToUnixMillis(TimePoint t) noexcept;
[[nodiscard]] TimePoint FromUnixMillis(std::int64_t ms) noexcept;
// RFC 3339 in UTC with milliseconds, e.g. "2026-03-31T12:00:00.000Z".
[[nodiscard]] std::string ToRfc3339(TimePoint t);
// Parses RFC 3339 ("2026-03-31T12:00:00Z", "...T14:00:00.250+02:00"; fraction digits beyond
// milliseconds are dropped). kInvalidArgument for anything else.
[[nodiscard]] Result<TimePoint> FromRfc3339(std::string_view text);

}  // namespace bfu::core
