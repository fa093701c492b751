#include "bfu/kafka/transaction.hpp"

#include <memory>
#include <string>
#include <utility>

#include "bfu/kafka/error.hpp"
#include "client.hpp"

namespace bfu::kafka {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Remaining(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

}  // namespace

TransactionalProducer::TransactionalProducer(std::unique_ptr<Producer> producer)
    : producer_(std::move(producer)) {}

core::Result<std::unique_ptr<TransactionalProducer>> TransactionalProducer::Create(
    const KafkaConfig& config, std::chrono::milliseconds init_timeout) {
    auto producer = Producer::CreateFor(config, ClientRole::kTransactionalProducer);
    if (!producer.ok()) {
        return std::move(producer).error();
    }
    rd_kafka_t* rk = producer.value()->Handle();
    // init_transactions fences any older instance with our transactional.id and waits for its
    // open transaction to finish; a retriable failure may be retried (librdkafka docs).
    const auto deadline = Clock::now() + init_timeout;
    while (true) {
        detail::ErrorPtr error(
            rd_kafka_init_transactions(rk, detail::ToMillis(Remaining(deadline))));
        if (!error) {
            break;
        }
        const KafkaError e = FromError(error.get(), "init transactions for transactional.id '" +
                                                        config.transactional_id + "'");
        if (!e.retriable || e.fatal || Clock::now() >= deadline) {
            return e.ToError();
        }
    }
    return std::unique_ptr<TransactionalProducer>(
        new TransactionalProducer(std::move(producer).value()));
}

core::Status TransactionalProducer::Begin() {
    producer_->ResetDeliveryFailures();
    detail::ErrorPtr error(rd_kafka_begin_transaction(producer_->Handle()));
    if (error) {
        return FromError(error.get(), "begin transaction").ToError();
    }
    in_transaction_ = true;
    return core::Ok();
}

core::Status TransactionalProducer::Produce(const OutMessage& message) {
    return producer_->Produce(message);
}

core::Status TransactionalProducer::Produce(std::string_view topic, std::string_view key,
                                            std::string_view value, const Headers& headers) {
    return producer_->Produce(topic, key, value, headers);
}

core::Status TransactionalProducer::SendOffsets(const Consumer& consumer,
                                                const std::vector<TopicPartitionOffset>& offsets,
                                                std::chrono::milliseconds timeout) {
    if (offsets.empty()) {
        return core::Ok();
    }
    std::unique_ptr<rd_kafka_consumer_group_metadata_t,
                    decltype(&rd_kafka_consumer_group_metadata_destroy)>
        group(rd_kafka_consumer_group_metadata(consumer.Handle()),
              &rd_kafka_consumer_group_metadata_destroy);
    detail::ListPtr list = detail::ToList(offsets);
    const auto deadline = Clock::now() + timeout;
    while (true) {
        detail::ErrorPtr error(rd_kafka_send_offsets_to_transaction(
            producer_->Handle(), list.get(), group.get(), detail::ToMillis(Remaining(deadline))));
        if (!error) {
            return core::Ok();
        }
        const KafkaError e = FromError(
            error.get(), "send offsets to transaction for group '" + consumer.GroupId() + "'");
        if (e.IsAbortable()) {
            BFU_TRY(Abort(timeout));
            return e.ToError();
        }
        if (!e.retriable || e.fatal || Clock::now() >= deadline) {
            return e.ToError();
        }
    }
}

core::Status TransactionalProducer::Flush(std::chrono::milliseconds timeout) {
    return producer_->Flush(timeout);
}

core::Status TransactionalProducer::Commit(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        detail::ErrorPtr error(rd_kafka_commit_transaction(producer_->Handle(),
                                                           detail::ToMillis(Remaining(deadline))));
        if (!error) {
            in_transaction_ = false;
            // Delivery reports of the committed records; counted, nothing else to do.
            producer_->Poll(std::chrono::milliseconds(0));
            return core::Ok();
        }
        const KafkaError e = FromError(error.get(), "commit transaction");
        if (e.IsAbortable()) {
            BFU_TRY(Abort(timeout));
            return e.ToError();
        }
        // A retriable commit may be called again: it resumes where the last attempt stopped.
        if (!e.retriable || e.fatal || Clock::now() >= deadline) {
            return e.ToError();
        }
    }
}

core::Status TransactionalProducer::Abort(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        detail::ErrorPtr error(
            rd_kafka_abort_transaction(producer_->Handle(), detail::ToMillis(Remaining(deadline))));
        if (!error) {
            in_transaction_ = false;
            return core::Ok();
        }
        const KafkaError e = FromError(error.get(), "abort transaction");
        if (!e.retriable || e.fatal || Clock::now() >= deadline) {
            return e.ToError();
        }
    }
}

}  // namespace bfu::kafka
