// PartitionReader: reads chosen partitions without a group and knows when it has read them to
// their end, exactly, also with transactions: aborted records and markers at the end do not
// keep it waiting, an open transaction does until it ends, and explicit partitions of
// OutMessage place records where they are asked to.
#include "bfu/kafka/reader.hpp"

#include <gtest/gtest.h>

#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/transaction.hpp"
#include "kafka_test_util.hpp"

namespace bfu::kafka {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> ReadAll(PartitionReader& reader, std::chrono::milliseconds timeout,
                                 core::Status* status = nullptr) {
    std::vector<std::string> values;
    auto s = reader.ReadToEnd([&](const Message& m) { values.push_back(m.value); }, timeout);
    if (status != nullptr) *status = s;
    return values;
}

TEST(PartitionReader, ReadsToTheEndPastAbortedRecordsAndWaitsForAnOpenTransaction) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const std::string topic = prefix + "table";
    testing::Topics topics(brokers, {{topic, 3, 1, {{"cleanup.policy", "compact"}}}});
    ASSERT_EQ(topics.Error(), "");
    KafkaConfig config = testing::BaseConfig(brokers, prefix);
    config.transactional_id = prefix + "tx";
    auto created = TransactionalProducer::Create(config);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    auto& tp = **created;

    // Committed to partition 2 explicitly, then an aborted transaction last in the log.
    ASSERT_TRUE(tp.Begin().ok());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(
            tp.Produce(OutMessage{topic, "k" + std::to_string(i), "c" + std::to_string(i), {}, 2})
                .ok());
    }
    ASSERT_TRUE(tp.Commit(30s).ok());
    ASSERT_TRUE(tp.Begin().ok());
    ASSERT_TRUE(tp.Produce(OutMessage{topic, "k9", "aborted", {}, 2}).ok());
    ASSERT_TRUE(tp.Flush(30s).ok());
    ASSERT_TRUE(tp.Abort(30s).ok());

    auto reader = PartitionReader::Create(testing::BaseConfig(brokers, prefix));
    ASSERT_TRUE(reader.ok()) << reader.error().ToString();
    ASSERT_TRUE((*reader)
                    ->Add({{topic, 0, kOffsetBeginning},
                           {topic, 1, kOffsetBeginning},
                           {topic, 2, kOffsetBeginning}})
                    .ok());
    core::Status s;
    EXPECT_EQ(ReadAll(**reader, 30s, &s), (std::vector<std::string>{"c0", "c1", "c2"}));
    ASSERT_TRUE(s.ok()) << s.error().ToString();

    // A transaction left open holds the end back: not caught up until it commits.
    ASSERT_TRUE(tp.Begin().ok());
    ASSERT_TRUE(tp.Produce(OutMessage{topic, "k3", "late", {}, 2}).ok());
    ASSERT_TRUE(tp.Flush(30s).ok());
    EXPECT_TRUE(ReadAll(**reader, 2s, &s).empty());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, core::Errc::kTimeout);
    EXPECT_NE(s.error().message.find(topic + "/2"), std::string::npos) << s.error().message;
    ASSERT_TRUE(tp.Commit(30s).ok());
    EXPECT_EQ(ReadAll(**reader, 30s, &s), std::vector<std::string>{"late"});
    EXPECT_TRUE(s.ok());
    // Nothing more: read to the end again (past the commit marker) at once.
    EXPECT_TRUE(ReadAll(**reader, 30s, &s).empty());
    EXPECT_TRUE(s.ok());
}

}  // namespace
}  // namespace bfu::kafka
