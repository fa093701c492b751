#include "bfu/core/clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace bfu::core {
namespace {

using namespace std::chrono_literals;

TEST(SimulatedClock, AdvancesOnlyWhenTold) {
    SimulatedClock clock(FromUnixMillis(1'700'000'000'000));
    EXPECT_EQ(ToUnixMillis(clock.Now()), 1'700'000'000'000);
    clock.Advance(1500ms);
    EXPECT_EQ(ToUnixMillis(clock.Now()), 1'700'000'001'500);
}

TEST(SimulatedClock, NeverMovesBackwards) {
    SimulatedClock clock(FromUnixMillis(1000));
    clock.Set(FromUnixMillis(500));
    EXPECT_EQ(ToUnixMillis(clock.Now()), 1000);
    clock.Advance(-5s);
    EXPECT_EQ(ToUnixMillis(clock.Now()), 1000);
}

TEST(SimulatedClock, WaitUntilWakesWhenAnotherThreadAdvances) {
    SimulatedClock clock(FromUnixMillis(0));
    std::atomic<bool> reached{false};
    std::thread waiter([&] { reached = clock.WaitUntil(FromUnixMillis(86'400'000), 10s); });
    clock.Advance(std::chrono::hours(24));
    waiter.join();
    EXPECT_TRUE(reached.load());
}

TEST(SimulatedClock, WaitUntilGivesUpAfterRealTimeout) {
    SimulatedClock clock(FromUnixMillis(0));
    EXPECT_FALSE(clock.WaitUntil(FromUnixMillis(1), 20ms));
}

TEST(Clock, FormatsRfc3339InUtcWithMillis) {
    EXPECT_EQ(ToRfc3339(FromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
    // 2024-02-29T12:34:56.789Z, a leap day.
    EXPECT_EQ(ToRfc3339(FromUnixMillis(1'709'210'096'789)), "2024-02-29T12:34:56.789Z");
    EXPECT_EQ(ToRfc3339(FromUnixMillis(-1)), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace bfu::core
