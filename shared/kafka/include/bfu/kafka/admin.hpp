#pragma once
// Admin: topic management and offset inspection for ops tools, start-up checks and tests.
// Ownership: made by Create, held in a unique_ptr. Thread-safety: calls may come from any
// thread; each blocks until its answer or its timeout.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/kafka/config.hpp"

struct rd_kafka_s;

namespace bfu::kafka {

struct TopicSpec {
    std::string name;
    std::int32_t partitions = 1;
    std::int16_t replication_factor = 1;
    std::map<std::string, std::string> configs;  // e.g. {"cleanup.policy", "compact"}
};

// Low (first kept) and high (next to be written) offsets of a partition.
struct Watermarks {
    std::int64_t low = 0;
    std::int64_t high = 0;
};

class Admin {
public:
    [[nodiscard]] static core::Result<std::unique_ptr<Admin>> Create(const KafkaConfig& config);

    Admin(const Admin&) = delete;
    Admin& operator=(const Admin&) = delete;
    ~Admin();

    // Creates the topics that do not exist yet, then waits until every one has a leader for
    // every partition. A topic that exists with another partition count is a kConfig error.
    [[nodiscard]] core::Status CreateTopics(const std::vector<TopicSpec>& topics,
                                            std::chrono::milliseconds timeout);
    // Deletes the topics; one that does not exist is not an error.
    [[nodiscard]] core::Status DeleteTopics(const std::vector<std::string>& names,
                                            std::chrono::milliseconds timeout);
    [[nodiscard]] core::Result<std::vector<std::string>> ListTopics(
        std::chrono::milliseconds timeout);
    // kNotFound if the topic does not exist.
    [[nodiscard]] core::Result<std::int32_t> PartitionCount(const std::string& topic,
                                                            std::chrono::milliseconds timeout);
    // The node id of the partition's leader; kNotFound if the topic or the partition does not
    // exist, kUnavailable if the partition has no leader now.
    [[nodiscard]] core::Result<std::int32_t> PartitionLeader(const std::string& topic,
                                                             std::int32_t partition,
                                                             std::chrono::milliseconds timeout);
    [[nodiscard]] core::Result<Watermarks> QueryWatermarks(const std::string& topic,
                                                           std::int32_t partition,
                                                           std::chrono::milliseconds timeout);

private:
    explicit Admin(rd_kafka_s* handle);

    rd_kafka_s* rk_;
};

}  // namespace bfu::kafka
