#pragma once
// FollowTopics: reads every partition of some topics from the beginning and keeps following
// them, for a table every instance holds whole (master data, bfu.deviations). No consumer
// group is joined (kafka::PartitionReader: manual assignment, read_committed, nothing
// committed), so reading starts at once, however slow a group join would be, and "caught up"
// is exact: `on_caught_up` is called once every partition has been read past its high
// watermark as it was when the reader first asked, i.e. everything committed before then is
// in, transaction markers at a partition's end included.
//
// The partitions are those the topics have when it starts (topics.tsv fixes them).
// Runs on the calling thread until `stop` is requested (returns Ok) or a fatal error (returns
// it, naming the topic). Retryable read errors are logged as warnings to `log` and retried.
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/kafka/catch_up.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/message.hpp"
#include "bfu/runtime/logger.hpp"

namespace bfu::service {

struct TopicFollowerHooks {
    std::function<void(const std::vector<kafka::Message>&)> on_batch;  // records read, in order
    std::function<void()> on_caught_up;                                // once
    // After a read that found nothing new (about every 200 ms while the topics are quiet).
    std::function<void()> on_idle;
    // Served after every read once caught up (optional): its Wait returns once everything
    // committed before it is read.
    kafka::CatchUpBarrier* catch_up = nullptr;
};

[[nodiscard]] core::Status FollowTopics(const kafka::KafkaConfig& config,
                                        const std::vector<std::string>& topics,
                                        std::stop_token stop, const TopicFollowerHooks& hooks,
                                        runtime::Logger& log);

}  // namespace bfu::service
