// Classification of librdkafka errors into bfu's retryable / fatal / poison classes.
#include "bfu/kafka/error.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace bfu::kafka {
namespace {

using core::Errc;
using core::ErrorClass;

struct ErrorDeleter {
    void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

TEST(KafkaErrcOf, BrokerAwayIsUnavailable) {
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR__TRANSPORT), Errc::kUnavailable);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN), Errc::kUnavailable);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION), Errc::kUnavailable);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS), Errc::kUnavailable);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS), Errc::kUnavailable);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR__QUEUE_FULL), Errc::kUnavailable);
}

TEST(KafkaErrcOf, TimeoutsAreTimeouts) {
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR__TIMED_OUT), Errc::kTimeout);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), Errc::kTimeout);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT), Errc::kTimeout);
}

TEST(KafkaErrcOf, FencedAndUnknownAreFatalInternal) {
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR__FATAL), Errc::kInternal);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR__FENCED), Errc::kInternal);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_PRODUCER_FENCED), Errc::kInternal);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER), Errc::kInternal);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION), Errc::kInternal);
}

TEST(KafkaErrcOf, SetupProblemsAreConfig) {
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR__INVALID_ARG), Errc::kConfig);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED), Errc::kConfig);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR), Errc::kConfig);
    EXPECT_EQ(ClassOf(ErrcOf(RD_KAFKA_RESP_ERR_INVALID_CONFIG)), ErrorClass::kFatal);
}

TEST(KafkaErrcOf, UnwritableRecordIsPoison) {
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE), Errc::kInvalidArgument);
    EXPECT_EQ(ClassOf(ErrcOf(RD_KAFKA_RESP_ERR_INVALID_RECORD)), ErrorClass::kPoison);
    EXPECT_EQ(ErrcOf(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS), Errc::kAlreadyExists);
}

TEST(KafkaFromCode, CarriesNameContextAndClass) {
    const KafkaError e = FromCode(RD_KAFKA_RESP_ERR__TRANSPORT, "produce to bfu.alerts");
    EXPECT_TRUE(e.retriable);
    EXPECT_FALSE(e.fatal);
    EXPECT_EQ(e.name, "_TRANSPORT");
    const core::Error err = e.ToError();
    EXPECT_TRUE(err.IsRetryable());
    EXPECT_NE(err.message.find("_TRANSPORT"), std::string::npos);
    EXPECT_NE(err.message.find("produce to bfu.alerts"), std::string::npos);
}

TEST(KafkaFromCode, FencedIsFatalAndDetailReplacesLibraryText) {
    const KafkaError e = FromCode(RD_KAFKA_RESP_ERR_PRODUCER_FENCED, "commit", "a newer instance");
    EXPECT_TRUE(e.fatal);
    EXPECT_FALSE(e.retriable);
    EXPECT_EQ(e.Errc(), Errc::kInternal);
    EXPECT_NE(e.message.find("a newer instance"), std::string::npos);
    EXPECT_TRUE(ErrorFromCode(RD_KAFKA_RESP_ERR_PRODUCER_FENCED, "commit").IsFatal());
}

TEST(KafkaFromError, NullIsNoError) {
    const KafkaError e = FromError(nullptr, "anything");
    EXPECT_EQ(e.code, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_FALSE(e.fatal);
}

TEST(KafkaFromError, PlainErrorObjectFollowsTheCodeTable) {
    ErrorPtr raw(rd_kafka_error_new(RD_KAFKA_RESP_ERR_INVALID_CONFIG, "bad %s", "thing"));
    const KafkaError e = FromError(raw.get(), "create topic");
    EXPECT_FALSE(e.retriable);
    EXPECT_FALSE(e.fatal);
    EXPECT_FALSE(e.IsAbortable());
    EXPECT_EQ(e.Errc(), Errc::kConfig);
    EXPECT_NE(e.message.find("bad thing"), std::string::npos);
}

// librdkafka's own flags win over the code table: a transaction error flagged abortable is
// retryable for the loop (abort, rewind, redo), whatever its code says on its own.
TEST(KafkaError, AbortableTransactionErrorIsRetryable) {
    KafkaError e = FromCode(RD_KAFKA_RESP_ERR_INVALID_CONFIG, "commit transaction");
    e.retriable = false;
    e.txn_requires_abort = true;
    EXPECT_TRUE(e.IsAbortable());
    EXPECT_EQ(e.Errc(), Errc::kUnavailable);
    const core::Error err = e.ToError();
    EXPECT_TRUE(err.IsRetryable());
    EXPECT_NE(err.message.find("aborted"), std::string::npos);
}

TEST(KafkaError, FatalFlagWinsOverRetriableAndAbortable) {
    KafkaError e = FromCode(RD_KAFKA_RESP_ERR__TRANSPORT, "commit transaction");
    e.retriable = true;
    e.txn_requires_abort = true;
    e.fatal = true;
    EXPECT_FALSE(e.IsAbortable());
    EXPECT_EQ(e.Errc(), Errc::kInternal);
    EXPECT_TRUE(e.ToError().IsFatal());
}

TEST(KafkaError, RetriableFlagKeepsTimeoutDistinct) {
    KafkaError e = FromCode(RD_KAFKA_RESP_ERR__TIMED_OUT, "flush");
    EXPECT_EQ(e.Errc(), Errc::kTimeout);
    e = FromCode(RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION, "x");
    e.retriable = true;  // librdkafka said so: trust it
    EXPECT_EQ(e.Errc(), Errc::kUnavailable);
}

}  // namespace
}  // namespace bfu::kafka
