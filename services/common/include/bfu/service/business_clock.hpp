#pragma once
// Business time for a service (issue #18 point 5: an injected clock wherever time is read).
//
//   clock.mode   "wall" (default): the system clock.
//                "simulated": business time follows the compacted topic bfu.clock (one record,
//                key "clock", se.bfu.clock.v1 {"now": RFC 3339}), which `bfu clock set|advance`
//                and the demo's year driver write. Time never runs backwards: an older tick
//                is ignored. Between ticks the clock stands still.
//   clock.start  simulated only: the time before any tick was written (RFC 3339 or
//                YYYY-MM-DD, midnight UTC); empty: the wall clock's time at start.
//
// WireClock sets the context's clock (runtime::Context::clock) and, when simulated, adds a
// ClockFollower first among the components: its Start() reads bfu.clock to its end before
// returning, so every component started after it sees the current business time; then its
// thread keeps following. MakeServiceApp does both for every service.
//
// Thread-safety: the clock may be read from any thread.
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "bfu/config/config.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::service {

void AddClockFields(config::Schema& schema);
void WireClock(runtime::Context& ctx, std::string_view service);

class ClockFollower final : public runtime::Component {
public:
    ClockFollower(kafka::KafkaConfig config, std::string topic,
                  std::shared_ptr<core::SimulatedClock> clock, runtime::Context& ctx);
    ~ClockFollower() override;

    [[nodiscard]] std::string Name() const override { return "business-clock"; }
    void Start() override;  // returns once bfu.clock has been read to its end
    void Stop() override;
    [[nodiscard]] bool Ready() const override { return caught_up_.load(); }

private:
    void Run(std::stop_token stop);

    kafka::KafkaConfig config_;
    std::string topic_;
    std::shared_ptr<core::SimulatedClock> clock_;
    runtime::Context& ctx_;
    std::atomic<bool> caught_up_{false};
    std::jthread thread_;
};

}  // namespace bfu::service
