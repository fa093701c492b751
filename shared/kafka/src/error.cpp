#include "bfu/kafka/error.hpp"

#include <string>

namespace bfu::kafka {

core::Errc ErrcOf(rd_kafka_resp_err_t code) noexcept {
    using core::Errc;
    switch (code) {
        // A peer did not answer in time: try again.
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
        case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
            return Errc::kTimeout;

        // The broker, a leader or the group/transaction coordinator is away or moving, or the
        // local queue is full: librdkafka or the caller can try again.
        case RD_KAFKA_RESP_ERR__TRANSPORT:
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
        case RD_KAFKA_RESP_ERR__RESOLVE:
        case RD_KAFKA_RESP_ERR__QUEUE_FULL:
        case RD_KAFKA_RESP_ERR__WAIT_COORD:
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        case RD_KAFKA_RESP_ERR__OUTDATED:
        case RD_KAFKA_RESP_ERR__RETRY:
        case RD_KAFKA_RESP_ERR__PREV_IN_PROGRESS:
        case RD_KAFKA_RESP_ERR__IN_PROGRESS:
        case RD_KAFKA_RESP_ERR__NODE_UPDATE:
        case RD_KAFKA_RESP_ERR__ISR_INSUFF:
        case RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST:
        case RD_KAFKA_RESP_ERR__NO_OFFSET:
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
        case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
        case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
        case RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE:
        case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
        case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
        case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
        case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
        case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
        case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
        case RD_KAFKA_RESP_ERR_NOT_CONTROLLER:
        case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
        case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
        case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
        case RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS:
        case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
        case RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND:
        case RD_KAFKA_RESP_ERR_INVALID_FETCH_SESSION_EPOCH:
        case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
        case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
        case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
        case RD_KAFKA_RESP_ERR_PREFERRED_LEADER_NOT_AVAILABLE:
        case RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED:
        case RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT:
            return Errc::kUnavailable;

        // The record itself can never be written: dead-letter it.
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
        case RD_KAFKA_RESP_ERR_INVALID_MSG:
        case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
        case RD_KAFKA_RESP_ERR_INVALID_RECORD:
        case RD_KAFKA_RESP_ERR__BAD_MSG:
        case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
        case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
            return Errc::kInvalidArgument;

        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
            return Errc::kAlreadyExists;

        // Something about our set-up is wrong: a property, a permission, a topic setting.
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
        case RD_KAFKA_RESP_ERR__INVALID_TYPE:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PROTOCOL:
        case RD_KAFKA_RESP_ERR__NOT_CONFIGURED:
        case RD_KAFKA_RESP_ERR__UNKNOWN_GROUP:
        case RD_KAFKA_RESP_ERR__AUTHENTICATION:
        case RD_KAFKA_RESP_ERR__SSL:
        case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
        case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
        case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
        case RD_KAFKA_RESP_ERR_INVALID_REPLICA_ASSIGNMENT:
        case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
        case RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS:
        case RD_KAFKA_RESP_ERR_INVALID_GROUP_ID:
        case RD_KAFKA_RESP_ERR_INVALID_SESSION_TIMEOUT:
        case RD_KAFKA_RESP_ERR_INVALID_TRANSACTION_TIMEOUT:
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
        case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
        case RD_KAFKA_RESP_ERR_TOPIC_DELETION_DISABLED:
            return Errc::kConfig;

        // Fenced, out of sequence, unsupported by the broker, or anything we cannot place:
        // the client cannot go on safely; stop and let the supervisor restart it.
        default:
            return Errc::kInternal;
    }
}

core::Errc KafkaError::Errc() const noexcept {
    if (fatal) {
        return core::Errc::kInternal;
    }
    // librdkafka's own flags win over the code table: an abortable transaction error is
    // retried by aborting and doing the batch again.
    if (txn_requires_abort || retriable) {
        return ErrcOf(code) == core::Errc::kTimeout ? core::Errc::kTimeout
                                                    : core::Errc::kUnavailable;
    }
    return ErrcOf(code);
}

core::Error KafkaError::ToError() const {
    std::string text = name;
    if (!message.empty()) {
        text += ": ";
        text += message;
    }
    if (IsAbortable()) {
        text += " (transaction aborted; the batch is retried)";
    }
    return core::Error(Errc(), std::move(text));
}

KafkaError FromCode(rd_kafka_resp_err_t code, std::string_view context, std::string_view detail) {
    KafkaError e;
    e.code = code;
    e.name = rd_kafka_err2name(code);
    e.message = std::string(context);
    e.message += ": ";
    e.message += detail.empty() ? std::string_view(rd_kafka_err2str(code)) : detail;
    const core::Errc errc = ErrcOf(code);
    e.retriable = core::ClassOf(errc) == core::ErrorClass::kRetryable;
    e.fatal = code == RD_KAFKA_RESP_ERR__FATAL || code == RD_KAFKA_RESP_ERR__FENCED ||
              code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED;
    return e;
}

KafkaError FromError(const rd_kafka_error_t* error, std::string_view context) {
    KafkaError e;
    if (error == nullptr) {
        return e;
    }
    e.code = rd_kafka_error_code(error);
    e.name = rd_kafka_error_name(error);
    e.message = std::string(context);
    e.message += ": ";
    e.message += rd_kafka_error_string(error);
    e.retriable = rd_kafka_error_is_retriable(error) != 0;
    e.fatal = rd_kafka_error_is_fatal(error) != 0;
    e.txn_requires_abort = rd_kafka_error_txn_requires_abort(error) != 0;
    return e;
}

core::Error ErrorFromCode(rd_kafka_resp_err_t code, std::string_view context,
                          std::string_view detail) {
    return FromCode(code, context, detail).ToError();
}

}  // namespace bfu::kafka
