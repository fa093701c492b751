#pragma once
// PartitionReader: reads chosen partitions from chosen offsets without a consumer group (manual
// assignment, nothing committed), read_committed, and knows when it has read a partition to
// its end. It is what a service uses to load or follow a table of its own, e.g. a changelog
// topic: "read partition 3 from the start until everything committed so far is in".
//
// "At the end" is exact, also with transactions. CaughtUp() asks for the partitions' true
// high watermarks (read_uncommitted) when it is first called and is true once the reader has
// passed them; a read_committed reader passes a transaction's records only after it has
// committed or aborted, so by then every transaction written before the first call has ended
// and everything committed in it is read. Transactions begun later do not hold it back. Once
// true, the next call measures against the watermarks as they are then.
//
// Ownership and lifecycle: made by Create, held in a unique_ptr; the destructor closes.
// Thread-safety: one thread assigns, polls and asks CaughtUp.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/message.hpp"

struct rd_kafka_s;

namespace bfu::kafka {

// The first offset of a partition, whatever it is (librdkafka's RD_KAFKA_OFFSET_BEGINNING).
inline constexpr std::int64_t kOffsetBeginning = -2;

class PartitionReader {
public:
    // `config.group_id` may be empty (no group is joined).
    [[nodiscard]] static core::Result<std::unique_ptr<PartitionReader>> Create(
        const KafkaConfig& config);

    PartitionReader(const PartitionReader&) = delete;
    PartitionReader& operator=(const PartitionReader&) = delete;
    ~PartitionReader();

    // Adds partitions to read, each from its offset (kOffsetBeginning for the first).
    [[nodiscard]] core::Status Add(const std::vector<TopicPartitionOffset>& partitions);

    // Up to `max_messages` records, waiting at most `timeout` for the first. End-of-partition
    // events are recorded for CaughtUp and not returned.
    [[nodiscard]] core::Result<std::vector<Message>> Poll(std::size_t max_messages,
                                                          std::chrono::milliseconds timeout);

    // True when every added partition has been read past its high watermark as it was at the
    // first call since the last true (one broker round trip per partition then).
    [[nodiscard]] core::Result<bool> CaughtUp(std::chrono::milliseconds timeout);

    // The partitions not yet at their target, "topic/p at position of target, ..." (for a log
    // line while a follower is behind); empty when none.
    [[nodiscard]] std::string Behind() const;

    // Polls until CaughtUp or `timeout`; kTimeout when the end was not reached, naming the
    // partitions still behind. Records read meanwhile are passed to `sink`.
    template <typename Sink>
    [[nodiscard]] core::Status ReadToEnd(Sink&& sink, std::chrono::milliseconds timeout);

private:
    struct State;
    explicit PartitionReader(std::unique_ptr<State> state);
    [[nodiscard]] core::Status BehindError() const;

    std::unique_ptr<State> state_;
};

template <typename Sink>
core::Status PartitionReader::ReadToEnd(Sink&& sink, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        auto batch = Poll(1000, std::chrono::milliseconds(100));
        if (!batch.ok()) {
            if (batch.error().IsFatal()) return std::move(batch).error();
        } else {
            for (const auto& m : *batch) sink(m);
            if (!batch->empty()) continue;
        }
        auto done = CaughtUp(std::chrono::milliseconds(5000));
        if (done.ok() && *done) return core::Ok();
        if (std::chrono::steady_clock::now() >= deadline) return BehindError();
    }
}

}  // namespace bfu::kafka
