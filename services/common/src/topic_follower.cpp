#include "bfu/service/topic_follower.hpp"

#include <chrono>

#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/reader.hpp"

namespace bfu::service {

core::Status FollowTopics(const kafka::KafkaConfig& config, const std::vector<std::string>& topics,
                          std::stop_token stop, const TopicFollowerHooks& hooks,
                          runtime::Logger& log) {
    std::vector<kafka::TopicPartitionOffset> partitions;
    {
        auto admin = kafka::Admin::Create(config);
        if (!admin.ok()) return std::move(admin).error();
        for (const auto& topic : topics) {
            auto count = (*admin)->PartitionCount(topic, config.startup_timeout);
            if (!count.ok()) {
                return core::Error(count.error().code, topic,
                                   "topic " + topic + ": " + count.error().message);
            }
            for (std::int32_t p = 0; p < *count; ++p) {
                partitions.push_back({topic, p, kafka::kOffsetBeginning});
            }
        }
    }
    auto reader = kafka::PartitionReader::Create(config);
    if (!reader.ok()) return std::move(reader).error();
    BFU_TRY((*reader)->Add(partitions));
    std::string names;
    for (const auto& t : topics) names += (names.empty() ? "" : ", ") + t;
    bool caught_up = false;
    while (!stop.stop_requested()) {
        const bool wanted = caught_up && hooks.catch_up != nullptr && hooks.catch_up->Wanted();
        auto batch = (*reader)->Poll(1000, std::chrono::milliseconds(wanted ? 10 : 200));
        if (!batch.ok()) {
            if (batch.error().IsFatal()) return std::move(batch).error();
            log.Warn("reading " + names, {{"error", batch.error().ToString()}});
            continue;
        }
        if (!batch->empty() && hooks.on_batch) hooks.on_batch(*batch);
        if (batch->empty() && hooks.on_idle) hooks.on_idle();
        if (caught_up) {
            if (hooks.catch_up != nullptr) {
                if (auto e = hooks.catch_up->Serve(**reader, config.startup_timeout); !e.empty()) {
                    log.Warn("reading " + names + ": end not known", {{"error", e}});
                }
            }
            continue;
        }
        // Watermarks are asked for once (then kept until reached); a failed ask is asked again.
        auto done = (*reader)->CaughtUp(config.startup_timeout);
        if (done.ok() && *done) {
            caught_up = true;
            if (hooks.on_caught_up) hooks.on_caught_up();
        }
    }
    return core::Ok();
}

}  // namespace bfu::service
