#pragma once
// RunLoop: the one consume loop every service uses. Business code is a BatchHandler: plain
// messages in, one Outcome per message out (a status and the records to publish), no Kafka
// type anywhere. The loop does the I/O and the bookkeeping:
//   - ok      -> its outputs are produced;
//   - poison  -> the input goes to the dead-letter topic with the reason in headers
//                (bfu.dlq.reason, bfu.dlq.errc, bfu.dlq.topic, .partition, .offset,
//                .source) and counts as done;
//   - retryable -> that message and the later ones of its partition are read again after a
//                back-off (the others in the batch go on);
//   - fatal   -> the loop stops and returns the error; nothing of the batch is committed.
// Offsets are committed only after the outputs are durable: with a Producer, after Flush
// reported every record delivered (at-least-once: a crash in between repeats the batch);
// with a TransactionalProducer, in the same transaction as the outputs (exactly-once for
// read_committed readers). When producing, flushing, committing or the transaction fails
// retryably, every partition of the batch is rewound to its first record and retried after
// a back-off. LoopOptions::on_discarded hears of every record whose outputs were dropped.
//
// The loop runs on the calling thread until `stop` is requested (returns Ok) or a fatal error
// (returns it). The caller has subscribed the consumer and closes it afterwards.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/message.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/transaction.hpp"

namespace bfu::kafka {

inline constexpr std::string_view kDeadLetterTopic = "bfu.dlq";
inline constexpr std::string_view kDlqReasonHeader = "bfu.dlq.reason";
inline constexpr std::string_view kDlqErrcHeader = "bfu.dlq.errc";
inline constexpr std::string_view kDlqTopicHeader = "bfu.dlq.topic";
inline constexpr std::string_view kDlqPartitionHeader = "bfu.dlq.partition";
inline constexpr std::string_view kDlqOffsetHeader = "bfu.dlq.offset";
inline constexpr std::string_view kDlqSourceHeader = "bfu.dlq.source";

struct Outcome {
    core::Status status;
    std::vector<OutMessage> outputs;  // produced only when status is ok
};

// Must return exactly one Outcome per input message, in order.
using BatchHandler = std::function<std::vector<Outcome>(const std::vector<Message>& batch)>;

struct LoopOptions {
    std::size_t max_batch = 500;
    std::chrono::milliseconds poll_timeout{200};
    std::chrono::milliseconds flush_timeout{30000};  // also the transaction call timeout
    std::chrono::milliseconds backoff_initial{100};
    std::chrono::milliseconds backoff_max{5000};
    std::string dlq_topic = std::string(kDeadLetterTopic);
    std::string source;  // the service name, put in the dead-letter headers
    // Where the loop reports retries and rewinds; stderr when empty.
    std::function<void(std::string_view)> log;
    // Called on the loop thread with the position of every record of a batch whose outputs
    // were handled but not written: the whole batch when writing it failed (the transaction
    // aborted) or a fatal error stopped the loop, the rest of a partition from a retryable
    // outcome on. A handler that keeps state per record (ingest's duplicate register) takes
    // it back here, so the record read again is decided as if the first try never happened.
    std::function<void(const std::vector<TopicPartitionOffset>&)> on_discarded;
    // Called on the loop thread once a batch is done with: its outputs and offsets written (or
    // nothing to write), after on_discarded told of the records read again. What a handler
    // counts per record is final here (ingest's metrics count written decisions only).
    std::function<void()> on_written;
    // Called on the loop thread after a batch is done with (as on_written), with the batch and
    // how long it took from its poll to its written outputs: for latency and age histograms.
    std::function<void(const std::vector<Message>&, std::chrono::steady_clock::duration)> on_batch;
};

// Counters the loop keeps; atomics, so a health check or a test may read them while the loop
// runs on another thread.
struct LoopStats {
    std::atomic<std::uint64_t> batches{0};        // batches whose offsets were committed
    std::atomic<std::uint64_t> processed{0};      // messages done with an ok outcome
    std::atomic<std::uint64_t> dead_lettered{0};  // messages sent to the dead-letter topic
    std::atomic<std::uint64_t> retries{0};        // back-offs taken
    // steady_clock time (ns since its epoch) the loop last came back to poll: a loop stuck in a
    // batch (a handler or a write that does not return) shows as a time that stops moving.
    std::atomic<std::int64_t> heartbeat_ns{0};
};

// A dead-letter record for `message` failed with `reason` (exposed for tests and tools).
[[nodiscard]] OutMessage DeadLetter(const Message& message, const core::Error& reason,
                                    std::string_view dlq_topic, std::string_view source);

// At-least-once: outputs through an idempotent producer, then a synchronous offset commit.
[[nodiscard]] core::Status RunLoop(Consumer& consumer, Producer& producer,
                                   const BatchHandler& handler, std::stop_token stop,
                                   const LoopOptions& options = {}, LoopStats* stats = nullptr);
// Exactly-once: outputs and input offsets in one transaction per batch.
[[nodiscard]] core::Status RunLoop(Consumer& consumer, TransactionalProducer& producer,
                                   const BatchHandler& handler, std::stop_token stop,
                                   const LoopOptions& options = {}, LoopStats* stats = nullptr);

}  // namespace bfu::kafka
