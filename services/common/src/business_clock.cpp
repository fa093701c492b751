#include "bfu/service/business_clock.hpp"

#include <chrono>
#include <stdexcept>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/topic_follower.hpp"

namespace bfu::service {

namespace {

core::TimePoint ParseStart(const std::string& text) {
    if (text.empty()) return core::WallClock().Now();
    if (auto t = core::FromRfc3339(text); t.ok()) return *t;
    if (auto d = domain::Date::Parse(text); d.ok() && text.size() == 10) {
        return core::FromUnixMillis(static_cast<std::int64_t>(d->days()) * 86'400'000);
    }
    throw config::ConfigError("clock.start",
                              "'" + text + "' is neither an RFC 3339 time nor a date YYYY-MM-DD");
}

}  // namespace

void AddClockFields(config::Schema& schema) {
    schema
        .String("clock.mode", "wall",
                "Business time: wall (the system clock) or simulated (follows bfu.clock, "
                "written by `bfu clock`; for tests and the demo)")
        .String("clock.start", "",
                "Simulated clock only: the time before any tick (RFC 3339 or YYYY-MM-DD); empty: "
                "the wall clock at start");
}

void WireClock(runtime::Context& ctx, std::string_view service) {
    const auto& cfg = ctx.config();
    const std::string mode = cfg.GetString("clock.mode");
    if (mode == "wall") return;
    if (mode != "simulated") {
        throw config::ConfigError("clock.mode", "must be wall or simulated, not '" + mode + "'");
    }
    auto clock = std::make_shared<core::SimulatedClock>(ParseStart(cfg.GetString("clock.start")));
    ctx.SetClock(clock);
    ctx.Emplace<ClockFollower>(KafkaSettings(cfg, service, "clock"),
                               Topic(cfg, contracts::topics::kClock), clock, ctx);
}

ClockFollower::ClockFollower(kafka::KafkaConfig config, std::string topic,
                             std::shared_ptr<core::SimulatedClock> clock, runtime::Context& ctx)
    : config_(std::move(config)), topic_(std::move(topic)), clock_(std::move(clock)), ctx_(ctx) {
    config_.group_id.clear();
}

ClockFollower::~ClockFollower() { Stop(); }

void ClockFollower::Start() {
    thread_ = std::jthread([this](std::stop_token st) { Run(st); });
    const auto deadline = std::chrono::steady_clock::now() + config_.startup_timeout;
    while (!caught_up_.load()) {
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("business clock: " + topic_ + " not read within " +
                                     std::to_string(config_.startup_timeout.count()) + " ms");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void ClockFollower::Stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

void ClockFollower::Run(std::stop_token stop) {
    auto& log = ctx_.logger();
    TopicFollowerHooks hooks;
    hooks.on_batch = [&](const std::vector<kafka::Message>& batch) {
        for (const auto& m : batch) {
            if (m.value.empty()) continue;
            auto tick = contracts::DecodeMessage<contracts::ClockTick>(m.value);
            if (!tick.ok()) {
                log.Warn("clock tick left out", {{"error", tick.error().ToString()}});
                continue;
            }
            auto t = core::FromRfc3339(tick->now);
            if (!t.ok()) continue;
            clock_->Set(*t);
        }
    };
    hooks.on_caught_up = [&] {
        log.Info("business clock", {{"now", core::ToRfc3339(clock_->Now())}});
        caught_up_.store(true);
    };
    auto done = FollowTopics(config_, {topic_}, stop, hooks, log);
    if (!done.ok()) {
        ctx_.RequestShutdown(runtime::kExitFatal, "business clock: " + done.error().ToString());
    }
}

}  // namespace bfu::service
