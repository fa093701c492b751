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

namespace bfu::core {

namespace {

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

}  // namespace

Result<TimePoint> FromRfc3339(std::string_view s) {
    auto bad = [&] {
        return Error(Errc::kInvalidArgument, "time",
                     "'" + std::string(s) + "' is not an RFC 3339 time like 2026-03-31T12:00:00Z");
    };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (s.size() < 20 || !Digits(s, 0, 4, year) || s[4] != '-' || !Digits(s, 5, 2, month) ||
        s[7] != '-' || !Digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
        !Digits(s, 11, 2, hour) || s[13] != ':' || !Digits(s, 14, 2, minute) || s[16] != ':' ||
        !Digits(s, 17, 2, second)) {
        return bad();
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
        return bad();
    }
    std::size_t pos = 19;
    std::int64_t millis = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 3) millis = millis * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return bad();
        for (int d = digits; d < 3; ++d) millis *= 10;
    }
    int offset_minutes = 0;
    const std::string_view zone = s.substr(pos);
    if (zone == "Z" || zone == "z") {
        offset_minutes = 0;
    } else {
        int oh = 0, om = 0;
        if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !Digits(zone, 1, 2, oh) ||
            zone[3] != ':' || !Digits(zone, 4, 2, om) || oh > 23 || om > 59) {
            return bad();
        }
        offset_minutes = (zone[0] == '-' ? -1 : 1) * (oh * 60 + om);
    }
    // Days from civil (H. Hinnant).
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int mp = (month + 9) % 12;
    const int doy = (153 * mp + 2) / 5 + day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
    const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second -
                              static_cast<std::int64_t>(offset_minutes) * 60;
    return FromUnixMillis(secs * 1000 + millis);
}

}  // namespace bfu::core
