// Start-up checks against the real broker: fail fast on an unreachable broker, admin topics.
#include <gtest/gtest.h>

#include <algorithm>

#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "kafka_test_util.hpp"

namespace bfu::kafka {
namespace {

using namespace std::chrono_literals;

TEST(KafkaStartup, UnreachableBrokerFailsWithTheAddress) {
    KafkaConfig c;
    c.brokers = "127.0.0.1:1";  // nothing listens on port 1
    c.group_id = "g";
    c.startup_timeout = 2s;
    auto p = Producer::Create(c);
    ASSERT_FALSE(p.ok());
    EXPECT_TRUE(p.error().IsFatal());
    EXPECT_NE(p.error().message.find("127.0.0.1:1"), std::string::npos) << p.error().ToString();
    EXPECT_NE(p.error().message.find("ops/stack up"), std::string::npos);
    auto k = Consumer::Create(c);
    ASSERT_FALSE(k.ok());
    EXPECT_NE(k.error().message.find("127.0.0.1:1"), std::string::npos) << k.error().ToString();
}

TEST(KafkaAdmin, CreatesTopicsIdempotentlyAndListsThem) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const TopicSpec compacted{prefix + "compacted", 3, 1, {{"cleanup.policy", "compact"}}};
    const TopicSpec plain{prefix + "plain", 1, 1, {}};
    testing::Topics topics(brokers, {compacted, plain});
    ASSERT_EQ(topics.Error(), "");

    // A second create of the same topics succeeds (idempotent).
    const core::Status again = topics.admin().CreateTopics({compacted, plain}, 30s);
    EXPECT_TRUE(again.ok()) << again.error().ToString();

    auto names = topics.admin().ListTopics(10s);
    ASSERT_TRUE(names.ok()) << names.error().ToString();
    EXPECT_TRUE(std::binary_search(names->begin(), names->end(), compacted.name));
    EXPECT_TRUE(std::binary_search(names->begin(), names->end(), plain.name));

    auto count = topics.admin().PartitionCount(compacted.name, 10s);
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(count.value(), 3);
    auto missing = topics.admin().PartitionCount(prefix + "absent", 10s);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, core::Errc::kNotFound);

    // Each partition's leader is a broker of the cluster; none for a partition or topic that
    // does not exist.
    auto leader = topics.admin().PartitionLeader(compacted.name, 2, 10s);
    ASSERT_TRUE(leader.ok()) << leader.error().ToString();
    EXPECT_GE(leader.value(), 0);
    auto no_partition = topics.admin().PartitionLeader(compacted.name, 3, 10s);
    ASSERT_FALSE(no_partition.ok());
    EXPECT_EQ(no_partition.error().code, core::Errc::kNotFound);
    auto no_topic = topics.admin().PartitionLeader(prefix + "absent", 0, 10s);
    ASSERT_FALSE(no_topic.ok());
    EXPECT_EQ(no_topic.error().code, core::Errc::kNotFound);

    // Same name, other partition count: a configuration error, not silently accepted.
    TopicSpec other = plain;
    other.partitions = 2;
    const core::Status mismatch = topics.admin().CreateTopics({other}, 30s);
    ASSERT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.error().code, core::Errc::kConfig);
}

TEST(KafkaAdmin, InvalidTopicConfigIsRejected) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    KafkaConfig c;
    c.brokers = brokers;
    auto admin = Admin::Create(c);
    ASSERT_TRUE(admin.ok()) << admin.error().ToString();
    const TopicSpec bad{
        bfu::testing::UniquePrefix() + "bad", 1, 1, {{"cleanup.policy", "sometimes"}}};
    const core::Status s = admin.value()->CreateTopics({bad}, 30s);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.error().IsFatal()) << s.error().ToString();
}

}  // namespace
}  // namespace bfu::kafka
