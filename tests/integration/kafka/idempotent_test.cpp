// Broker compatibility 2: the idempotent producer. N records go in; the broker holds exactly N,
// each partition in produce order; librdkafka reports idempotence on and a producer id.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "bfu/kafka/producer.hpp"
#include "kafka_test_util.hpp"

namespace bfu::kafka {
namespace {

using namespace std::chrono_literals;

TEST(KafkaIdempotentProducer, BrokerHoldsExactlyNInOrderAndProducerHasAnId) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const std::string topic = prefix + "idem";
    constexpr std::int32_t kPartitions = 3;
    testing::Topics topics(brokers, {{topic, kPartitions, 1, {}}});
    ASSERT_EQ(topics.Error(), "");

    KafkaConfig config = testing::BaseConfig(brokers, prefix);
    config.properties["statistics.interval.ms"] = "100";
    auto created = Producer::Create(config);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    Producer& producer = *created.value();
    EXPECT_EQ(producer.ConfigValue("enable.idempotence"), "true");
    const std::string acks = producer.ConfigValue("acks");
    EXPECT_TRUE(acks == "-1" || acks == "all") << acks;

    // Keys k0..k6: each key lands on one partition, so per key the sequence must come back
    // in order; values are "<key>:<sequence within the key>".
    constexpr int kN = 700;
    constexpr int kKeys = 7;
    for (int i = 0; i < kN; ++i) {
        const std::string key = "k" + std::to_string(i % kKeys);
        ASSERT_TRUE(producer
                        .Produce(topic, key, key + ":" + std::to_string(i / kKeys),
                                 {{"seq", std::to_string(i)}})
                        .ok());
    }
    const core::Status flushed = producer.Flush(30s);
    ASSERT_TRUE(flushed.ok()) << flushed.error().ToString();
    const DeliveryStats stats = producer.Stats();
    EXPECT_EQ(stats.enqueued, static_cast<std::uint64_t>(kN));
    EXPECT_EQ(stats.delivered, static_cast<std::uint64_t>(kN));
    EXPECT_EQ(stats.failed, 0U);
    EXPECT_TRUE(producer.FatalError().ok());

    // The idempotent producer state as librdkafka reports it: a producer id was assigned.
    nlohmann::json eos;
    ASSERT_TRUE(testing::PollUntil([&] {
        producer.Poll(50ms);
        const std::string s = producer.LatestStatistics();
        if (s.empty()) {
            return false;
        }
        const auto j = nlohmann::json::parse(s, nullptr, false);
        if (j.is_discarded() || !j.contains("eos")) {
            return false;
        }
        eos = j["eos"];
        return eos.value("idemp_state", "") == "Assigned";
    })) << "statistics never showed an assigned idempotent producer id: "
        << eos.dump();
    EXPECT_GE(eos.value("producer_id", std::int64_t{-1}), 0) << eos.dump();
    EXPECT_GE(eos.value("producer_epoch", -1), 0) << eos.dump();

    // The broker holds exactly N.
    EXPECT_EQ(topics.RecordCount(topic, kPartitions), kN);

    const auto read = testing::ReadAtLeast(brokers, topic, kN);
    ASSERT_EQ(read.size(), static_cast<std::size_t>(kN));
    std::map<std::string, int> next_seq;               // per key
    std::map<std::int32_t, std::int64_t> last_offset;  // per partition
    std::map<std::string, std::int32_t> partition_of;  // per key
    std::set<std::string> seqs;
    for (const auto& m : read) {
        const auto colon = m.value.find(':');
        ASSERT_NE(colon, std::string::npos);
        EXPECT_EQ(m.value.substr(0, colon), m.key);
        EXPECT_EQ(std::stoi(m.value.substr(colon + 1)), next_seq[m.key]++)
            << "out of order or duplicate for key " << m.key;
        auto [it, fresh] = partition_of.emplace(m.key, m.partition);
        EXPECT_EQ(it->second, m.partition) << "key " << m.key << " moved partitions";
        if (last_offset.count(m.partition) != 0) {
            EXPECT_EQ(m.offset, last_offset[m.partition] + 1) << "gap or repeat in partition";
        }
        last_offset[m.partition] = m.offset;
        EXPECT_TRUE(seqs.insert(FindHeader(m.headers, "seq").value_or("?")).second);
    }
    EXPECT_EQ(seqs.size(), static_cast<std::size_t>(kN));
    for (const auto& [key, n] : next_seq) {
        EXPECT_EQ(n, kN / kKeys) << key;
    }
}

// librdkafka 2.0.2 can lose its sequence numbers when a partition's leader moves, which it
// reports as a fatal error (OUT_OF_ORDER_SEQUENCE_NUMBER, found by e2e_cluster_test: analysis's
// evaluator stopped). The Producer renews its handle and sends what was not delivered again:
// every record reaches the topic, each key's records in order, the later ones on the new handle.
TEST(KafkaIdempotentProducer, AFatalIdempotenceErrorRenewsTheHandleAndLosesNothing) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const std::string topic = prefix + "renew";
    constexpr std::int32_t kPartitions = 3;
    testing::Topics topics(brokers, {{topic, kPartitions, 1, {}}});
    ASSERT_EQ(topics.Error(), "");
    auto created = Producer::Create(testing::BaseConfig(brokers, prefix));
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    Producer& producer = *created.value();

    constexpr int kN = 600;
    constexpr int kKeys = 5;
    auto produce = [&](int i) {
        const std::string key = "k" + std::to_string(i % kKeys);
        return producer.Produce(topic, key, key + ":" + std::to_string(i / kKeys),
                                {{"seq", std::to_string(i)}});
    };
    // A third delivered, a third still queued or in flight when the handle fails, a third after.
    for (int i = 0; i < kN / 3; ++i) ASSERT_TRUE(produce(i).ok());
    ASSERT_TRUE(producer.Flush(30s).ok());
    for (int i = kN / 3; i < 2 * kN / 3; ++i) ASSERT_TRUE(produce(i).ok());
    ASSERT_TRUE(producer.SimulateFatalError("test: sequence desynchronization").ok());
    for (int i = 2 * kN / 3; i < kN; ++i) {
        const core::Status s = produce(i);
        ASSERT_TRUE(s.ok()) << i << ": " << s.error().ToString();
    }
    const core::Status flushed = producer.Flush(30s);
    ASSERT_TRUE(flushed.ok()) << flushed.error().ToString();
    EXPECT_TRUE(producer.FatalError().ok()) << producer.FatalError().error().ToString();
    const DeliveryStats stats = producer.Stats();
    EXPECT_EQ(stats.renewals, 1U);
    EXPECT_EQ(stats.failed, 0U);
    EXPECT_GE(stats.delivered, static_cast<std::uint64_t>(kN));

    // Every record at least once (a record the old handle had in flight may come twice); per
    // key, first sightings in produce order.
    const std::int64_t held = topics.RecordCount(topic, kPartitions);
    EXPECT_GE(held, kN);
    const auto read = testing::ReadAtLeast(brokers, topic, static_cast<std::size_t>(held));
    std::set<std::string> seqs;
    std::map<std::string, int> next_new;  // per key: the next sequence not yet seen
    for (const auto& m : read) {
        const auto colon = m.value.find(':');
        ASSERT_NE(colon, std::string::npos);
        const int n = std::stoi(m.value.substr(colon + 1));
        if (n < next_new[m.key]) continue;  // a copy of one already read
        EXPECT_EQ(n, next_new[m.key]) << "key " << m.key << " skipped or reordered";
        next_new[m.key] = n + 1;
        seqs.insert(FindHeader(m.headers, "seq").value_or("?"));
    }
    EXPECT_EQ(seqs.size(), static_cast<std::size_t>(kN));
    for (const auto& [key, n] : next_new) EXPECT_EQ(n, kN / kKeys) << key;
}

}  // namespace
}  // namespace bfu::kafka
