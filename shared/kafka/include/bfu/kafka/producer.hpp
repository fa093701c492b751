#pragma once
// Producer: an idempotent Kafka producer (enable.idempotence=true, acks=all), so a retried send
// never duplicates or reorders a record within a partition.
//
// A fatal idempotence error is recovered in place: librdkafka 2.0.2 (Debian's) can lose its
// sequence numbers when a partition's leader moves (OUT_OF_ORDER_SEQUENCE_NUMBER, "sequence
// desynchronization", fixed upstream in 2.3.0), after which a handle never sends again. The
// Producer then replaces its handle with a new one (a new producer id) and sends again, in their
// order, the records the old one had not delivered — as a restarted service would. A record the
// old handle had in flight may so reach the topic twice; every consumer of a plain producer's
// records already drops copies by event id or keeps the latest per key, since a restart does the
// same. The transactional producer is never renewed: its fatal error (fenced) must stop it.
//
// Ownership and lifecycle: made by Create (which checks the config and that a broker answers),
// held in a unique_ptr; the destructor flushes for up to KafkaConfig::startup_timeout and then
// destroys the handle, so a clean shutdown loses nothing.
//
// Thread-safety: Produce, Stats, FatalError and ConfigValue may be called from any thread.
// Flush reports the delivery failures seen since the previous Flush, so a Producer whose
// Flush result guards offset commits (RunLoop) must not be shared with other writers.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bfu/core/result.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/message.hpp"

struct rd_kafka_s;

namespace bfu::kafka {
namespace detail {
struct ProducerState;
}  // namespace detail

struct DeliveryStats {
    std::uint64_t enqueued = 0;   // accepted by Produce
    std::uint64_t delivered = 0;  // acknowledged by the broker (acks=all)
    std::uint64_t failed = 0;     // delivery report with an error
    std::uint64_t renewals = 0;   // handles replaced after a fatal idempotence error
    std::uint64_t resent = 0;     // records sent again on a renewed handle
};

class Producer {
public:
    [[nodiscard]] static core::Result<std::unique_ptr<Producer>> Create(const KafkaConfig& config);

    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;
    ~Producer();

    // Enqueues one record; the result says whether it was accepted, not whether it was
    // delivered (Flush says that). A full local queue is waited out for a moment, then
    // reported as kUnavailable. After a fatal producer error every call returns that error.
    [[nodiscard]] core::Status Produce(std::string_view topic, std::string_view key,
                                       std::string_view value, const Headers& headers = {},
                                       std::int32_t partition = kAnyPartition);
    [[nodiscard]] core::Status Produce(const OutMessage& message);

    // Waits until every record produced so far is delivered or has failed. Ok only if no
    // delivery failed since the previous Flush; otherwise the first failure, classified
    // (kTimeout if records were still in flight at the deadline).
    [[nodiscard]] core::Status Flush(std::chrono::milliseconds timeout);

    // Serves delivery reports and statistics without blocking longer than `timeout`.
    void Poll(std::chrono::milliseconds timeout);

    [[nodiscard]] DeliveryStats Stats() const;
    // Ok, or the fatal error that made this producer unusable (a transactional producer fenced;
    // a plain one whose renewal failed); a service then exits non-zero and is restarted.
    [[nodiscard]] core::Status FatalError() const;
    // Raises a fatal idempotence error as librdkafka does on a sequence desynchronization (its
    // rd_kafka_test_fatal_error), for fault tests.
    [[nodiscard]] core::Status SimulateFatalError(std::string_view reason);
    // The effective value of a librdkafka property, e.g. "enable.idempotence" -> "true".
    [[nodiscard]] std::string ConfigValue(std::string_view name) const;
    // The latest librdkafka statistics JSON (only if "statistics.interval.ms" > 0 was set);
    // its "eos" object shows the idempotent producer id and epoch.
    [[nodiscard]] std::string LatestStatistics() const;

private:
    friend class TransactionalProducer;

    explicit Producer(std::unique_ptr<detail::ProducerState> state);
    // Replaces the handle `seen` (in a fatal state) with a new one and sends the records it had
    // not delivered again; a no-op if another thread already replaced it.
    core::Status Renew(rd_kafka_s* seen);
    core::Status ProduceOn(rd_kafka_s* rk, std::string_view topic, std::string_view key,
                           std::string_view value, const Headers& headers, std::int32_t partition);
    static core::Result<std::unique_ptr<Producer>> CreateFor(const KafkaConfig& config,
                                                             ClientRole role);
    [[nodiscard]] rd_kafka_s* Handle() const;
    // Forgets delivery failures not yet reported by Flush (a new transaction starts clean:
    // the failures of an aborted one are settled by the abort).
    void ResetDeliveryFailures();

    std::unique_ptr<detail::ProducerState> state_;
};

}  // namespace bfu::kafka
