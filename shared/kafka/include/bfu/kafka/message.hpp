#pragma once
// The plain records business code sees: no librdkafka type crosses this line, so handlers are
// unit-tested with hand-made messages.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace bfu::kafka {

struct Header {
    std::string key;
    std::string value;
    friend bool operator==(const Header&, const Header&) = default;
};

using Headers = std::vector<Header>;

// The value of the first header named `key`, if any.
[[nodiscard]] std::optional<std::string> FindHeader(const Headers& headers, std::string_view key);

// A consumed record.
struct Message {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string key;
    std::string value;
    Headers headers;
    std::int64_t timestamp_ms = 0;  // producer create time, -1 if the record has none
};

// "Let the partitioner choose" (librdkafka's RD_KAFKA_PARTITION_UA).
inline constexpr std::int32_t kAnyPartition = -1;

// A record to produce. An empty key means "no key" (the partitioner spreads those). A
// partition other than kAnyPartition places the record there explicitly, e.g. a changelog
// record in the partition of the input it was derived from.
struct OutMessage {
    std::string topic;
    std::string key;
    std::string value;
    Headers headers;
    std::int32_t partition = kAnyPartition;
};

struct TopicPartition {
    std::string topic;
    std::int32_t partition = 0;
    // Ordered for std::map/std::set keys (spelled out: clang-tidy 14 misreads a defaulted <=>).
    friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
    friend bool operator<(const TopicPartition& a, const TopicPartition& b) {
        return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
    }
};

// An offset is the next record to read, as Kafka commits it (last processed + 1).
struct TopicPartitionOffset {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    friend bool operator==(const TopicPartitionOffset&, const TopicPartitionOffset&) = default;
    friend bool operator<(const TopicPartitionOffset& a, const TopicPartitionOffset& b) {
        return std::tie(a.topic, a.partition, a.offset) < std::tie(b.topic, b.partition, b.offset);
    }
};

}  // namespace bfu::kafka
