#pragma once
// Consumer: a member of a consumer group, committing only when told (enable.auto.commit=false)
// and reading only committed transactions (isolation.level=read_committed) unless the config
// overrides either. Offsets are never stored automatically either (enable.auto.offset.store
// =false), so what is committed is exactly what Commit (or a transaction) was given.
//
// Rebalances are served inside Poll (and Close): on_assign runs before the new partitions are
// taken, on_revoke before they are given up, so a service can load or flush per-partition
// state there. Records of partitions revoked during a Poll are dropped from its batch: the
// partition's new owner reads them again from the committed offset.
//
// Ownership and lifecycle: made by Create (config check plus a broker answer), held in a
// unique_ptr; Close leaves the group cleanly (the destructor closes if Close was not called).
//
// Thread-safety: one thread polls, commits, seeks and closes (the consume loop's thread); the
// hooks run on that thread, inside Poll or Close.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/message.hpp"

struct rd_kafka_s;

namespace bfu::kafka {
namespace detail {
struct ConsumerState;
}  // namespace detail

struct RebalanceHooks {
    // Partitions about to be consumed by this member.
    std::function<void(const std::vector<TopicPartition>&)> on_assign;
    // Partitions about to be taken away; `lost` is true when the group already gave them to
    // another member (session timed out), so committing for them is no longer possible.
    std::function<void(const std::vector<TopicPartition>&, bool lost)> on_revoke;
};

// How far one assigned partition is behind: the broker's end as last fetched (high watermark)
// minus the consumer's position. -1 while either is not known yet (just assigned, not fetched).
struct PartitionLag {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t lag = -1;
};

class Consumer {
public:
    [[nodiscard]] static core::Result<std::unique_ptr<Consumer>> Create(const KafkaConfig& config,
                                                                        RebalanceHooks hooks = {});

    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;
    ~Consumer();

    [[nodiscard]] core::Status Subscribe(const std::vector<std::string>& topics);

    // Up to `max_messages` records, waiting at most `timeout` for the first one and taking
    // whatever else is already fetched. An empty batch is not an error. A consumer error is
    // returned classified only when no record came with it.
    [[nodiscard]] core::Result<std::vector<Message>> Poll(std::size_t max_messages,
                                                          std::chrono::milliseconds timeout);

    // Synchronous commit of the given offsets (each the next record to read).
    [[nodiscard]] core::Status Commit(const std::vector<TopicPartitionOffset>& offsets);
    // Moves the read position of assigned partitions; the next Poll reads from there.
    [[nodiscard]] core::Status Seek(const std::vector<TopicPartitionOffset>& offsets,
                                    std::chrono::milliseconds timeout);
    [[nodiscard]] core::Result<std::vector<TopicPartition>> Assignment() const;
    // Lag of every assigned partition, from what librdkafka already knows (no broker round
    // trip): callable from any thread, e.g. a metrics or health thread beside the loop.
    [[nodiscard]] core::Result<std::vector<PartitionLag>> Lag() const;
    // The group's committed offsets (-1001 when none is committed yet).
    [[nodiscard]] core::Result<std::vector<TopicPartitionOffset>> Committed(
        const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout) const;

    // Leaves the group: runs on_revoke, gives the partitions back, stops fetching. Idempotent.
    [[nodiscard]] core::Status Close();

    [[nodiscard]] std::string ConfigValue(std::string_view name) const;
    [[nodiscard]] const std::string& GroupId() const;

private:
    friend class TransactionalProducer;

    explicit Consumer(std::unique_ptr<detail::ConsumerState> state);
    [[nodiscard]] rd_kafka_s* Handle() const;

    std::unique_ptr<detail::ConsumerState> state_;
};

}  // namespace bfu::kafka
