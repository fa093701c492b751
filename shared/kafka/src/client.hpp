#pragma once
// Internal plumbing shared by the Kafka classes: owning wrappers for librdkafka objects,
// building a checked rd_kafka_conf_t, the start-up broker check, partition-list conversions.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/message.hpp"

namespace bfu::kafka::detail {

struct ConfDeleter {
    void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct ListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const noexcept {
        rd_kafka_topic_partition_list_destroy(list);
    }
};
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

struct ErrorDeleter {
    void operator()(rd_kafka_error_t* error) const noexcept { rd_kafka_error_destroy(error); }
};
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

struct HandleDeleter {
    void operator()(rd_kafka_t* rk) const noexcept { rd_kafka_destroy(rk); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

// rd_kafka_conf_t with bfu's defaults for `role` and then config.properties applied; a
// rejected property gives kConfig naming it.
[[nodiscard]] core::Result<ConfPtr> BuildConf(const KafkaConfig& config, ClientRole role);

// rd_kafka_new; takes the conf (librdkafka owns it on success, we free it on failure).
[[nodiscard]] core::Result<HandlePtr> NewHandle(rd_kafka_type_t type, ConfPtr conf);

// Fails start-up fast: asks for broker metadata within config.startup_timeout and returns a
// kConfig error naming the broker address when none answers.
[[nodiscard]] core::Status CheckBrokers(rd_kafka_t* rk, const KafkaConfig& config);

[[nodiscard]] int ToMillis(std::chrono::milliseconds timeout) noexcept;

[[nodiscard]] ListPtr ToList(const std::vector<TopicPartition>& partitions);
[[nodiscard]] ListPtr ToList(const std::vector<TopicPartitionOffset>& offsets);
[[nodiscard]] std::vector<TopicPartition> PartitionsOf(const rd_kafka_topic_partition_list_t* list);
[[nodiscard]] std::vector<TopicPartitionOffset> OffsetsOf(
    const rd_kafka_topic_partition_list_t* list);
// The first per-partition error in `list`, if any, classified.
[[nodiscard]] core::Status FirstPartitionError(const rd_kafka_topic_partition_list_t* list,
                                               std::string_view context);

// The headers of a consumed record or of a delivery report, copied.
[[nodiscard]] Headers HeadersOf(const rd_kafka_message_t* msg);

// Value of a property as the live handle has it ("" if unknown).
[[nodiscard]] std::string HandleConfigValue(rd_kafka_t* rk, std::string_view name);

}  // namespace bfu::kafka::detail
