#pragma once
// TransactionalProducer: exactly-once consume-process-produce. A transaction holds the outputs
// of a batch and the consumer offsets of its inputs (SendOffsets), so both become visible to
// read_committed readers together, or neither does.
//
// Error handling follows librdkafka's transactional API docs:
//   - a retriable error (coordinator moving, timeout) is retried here until the call's
//     timeout; what is left is returned as kTimeout/kUnavailable;
//   - an abortable error (txn_requires_abort) makes this class abort the transaction itself
//     and return kUnavailable: the caller rewinds its consumer to the committed offsets and
//     does the batch again;
//   - a fatal error (fenced by a newer instance with the same transactional.id) is returned
//     as kInternal: the service must stop.
//
// Ownership and lifecycle: Create checks the config, that a broker answers, and runs
// init_transactions (which fences older instances with the same transactional.id).
// Thread-safety: one thread drives the transaction (Begin .. Commit/Abort).
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/message.hpp"
#include "bfu/kafka/producer.hpp"

namespace bfu::kafka {

class TransactionalProducer {
public:
    // `config.transactional_id` is required.
    [[nodiscard]] static core::Result<std::unique_ptr<TransactionalProducer>> Create(
        const KafkaConfig& config,
        std::chrono::milliseconds init_timeout = std::chrono::seconds(30));

    [[nodiscard]] core::Status Begin();
    [[nodiscard]] core::Status Produce(const OutMessage& message);
    [[nodiscard]] core::Status Produce(std::string_view topic, std::string_view key,
                                       std::string_view value, const Headers& headers = {});
    // Adds the consumer's offsets (next record to read) to the open transaction, with the
    // consumer's group metadata so a zombie member of an older generation is fenced.
    [[nodiscard]] core::Status SendOffsets(const Consumer& consumer,
                                           const std::vector<TopicPartitionOffset>& offsets,
                                           std::chrono::milliseconds timeout);
    // Waits until the records produced so far in this transaction are written (not yet
    // committed); Commit flushes by itself, this is for callers that need the records on the
    // broker before deciding, e.g. to show that an abort hides written records.
    [[nodiscard]] core::Status Flush(std::chrono::milliseconds timeout);
    [[nodiscard]] core::Status Commit(std::chrono::milliseconds timeout);
    [[nodiscard]] core::Status Abort(std::chrono::milliseconds timeout);

    [[nodiscard]] bool InTransaction() const noexcept { return in_transaction_; }
    // The underlying producer, for Stats/ConfigValue/FatalError.
    [[nodiscard]] const Producer& Base() const noexcept { return *producer_; }

private:
    explicit TransactionalProducer(std::unique_ptr<Producer> producer);

    std::unique_ptr<Producer> producer_;
    bool in_transaction_ = false;
};

}  // namespace bfu::kafka
