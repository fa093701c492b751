// Broker compatibility 3: transactions. A committed transaction is read by a read_committed
// consumer, an aborted one is not (yet a read_uncommitted consumer sees it, so it was written),
// and consume-process-produce commits the input offsets atomically with the outputs.
#include "bfu/kafka/transaction.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "kafka_test_util.hpp"

namespace bfu::kafka {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> Values(const std::vector<Message>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) {
        out.push_back(m.value);
    }
    return out;
}

std::vector<std::string> Named(const std::string& stem, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        out.push_back(stem + std::to_string(i));
    }
    return out;
}

void ProduceAll(TransactionalProducer& p, const std::string& topic,
                const std::vector<std::string>& values) {
    for (const auto& v : values) {
        const core::Status s = p.Produce(topic, "k", v);
        ASSERT_TRUE(s.ok()) << s.error().ToString();
    }
}

TEST(KafkaTransactions, CommittedIsReadAbortedIsNotButWasWritten) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const std::string topic = prefix + "txn";
    // One partition, so order proves absence: the last committed record comes after the
    // aborted ones in the log.
    testing::Topics topics(brokers, {{topic, 1, 1, {}}});
    ASSERT_EQ(topics.Error(), "");

    KafkaConfig config = testing::BaseConfig(brokers, prefix);
    config.transactional_id = prefix + "tx";
    auto created = TransactionalProducer::Create(config);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    TransactionalProducer& tp = *created.value();
    EXPECT_EQ(tp.Base().ConfigValue("transactional.id"), config.transactional_id);

    ASSERT_TRUE(tp.Begin().ok());
    EXPECT_TRUE(tp.InTransaction());
    ProduceAll(tp, topic, Named("committed-", 5));
    core::Status s = tp.Commit(30s);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    EXPECT_FALSE(tp.InTransaction());

    ASSERT_TRUE(tp.Begin().ok());
    ProduceAll(tp, topic, Named("aborted-", 5));
    s = tp.Flush(30s);  // on the broker before the abort, so the abort hides written records
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    s = tp.Abort(30s);
    ASSERT_TRUE(s.ok()) << s.error().ToString();

    ASSERT_TRUE(tp.Begin().ok());
    ProduceAll(tp, topic, Named("later-", 5));
    s = tp.Commit(30s);
    ASSERT_TRUE(s.ok()) << s.error().ToString();

    std::vector<std::string> expected_committed = Named("committed-", 5);
    for (const auto& v : Named("later-", 5)) {
        expected_committed.push_back(v);
    }
    const auto committed_view = testing::ReadThroughSentinel(brokers, topic, "later-4");
    EXPECT_EQ(Values(committed_view), expected_committed);

    std::vector<std::string> expected_all = Named("committed-", 5);
    for (const auto& v : Named("aborted-", 5)) {
        expected_all.push_back(v);
    }
    for (const auto& v : Named("later-", 5)) {
        expected_all.push_back(v);
    }
    const auto uncommitted_view =
        testing::ReadThroughSentinel(brokers, topic, "later-4", "read_uncommitted");
    EXPECT_EQ(Values(uncommitted_view), expected_all);
}

// A newer instance with the same transactional.id fences the older one: the old producer's
// next transactional call fails fatally and the producer reports the fatal error from then on.
TEST(KafkaTransactions, FencedProducerSurfacesAFatalError) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const std::string topic = prefix + "fence";
    testing::Topics topics(brokers, {{topic, 1, 1, {}}});
    ASSERT_EQ(topics.Error(), "");
    KafkaConfig config = testing::BaseConfig(brokers, prefix);
    config.transactional_id = prefix + "same-id";

    auto old_made = TransactionalProducer::Create(config);
    ASSERT_TRUE(old_made.ok()) << old_made.error().ToString();
    TransactionalProducer& old_tp = *old_made.value();
    ASSERT_TRUE(old_tp.Begin().ok());
    ProduceAll(old_tp, topic, {"from-old"});
    ASSERT_TRUE(old_tp.Flush(30s).ok());

    auto new_made = TransactionalProducer::Create(config);  // fences old_tp
    ASSERT_TRUE(new_made.ok()) << new_made.error().ToString();

    const core::Status s = old_tp.Commit(30s);
    ASSERT_FALSE(s.ok()) << "a fenced producer committed";
    EXPECT_TRUE(s.error().IsFatal()) << s.error().ToString();
    EXPECT_FALSE(old_tp.Base().FatalError().ok());

    // The new instance works, and the fenced transaction never became visible.
    TransactionalProducer& new_tp = *new_made.value();
    ASSERT_TRUE(new_tp.Begin().ok());
    ProduceAll(new_tp, topic, {"from-new"});
    const core::Status committed = new_tp.Commit(30s);
    ASSERT_TRUE(committed.ok()) << committed.error().ToString();
    EXPECT_EQ(Values(testing::ReadThroughSentinel(brokers, topic, "from-new")),
              std::vector<std::string>{"from-new"});
}

class ConsumeProcessProduce : public ::testing::Test {
protected:
    // Polls the consumer until `n` records are in hand.
    static std::vector<Message> PollN(Consumer& consumer, std::size_t n) {
        std::vector<Message> out;
        testing::PollUntil([&] {
            auto batch = consumer.Poll(n - out.size(), 200ms);
            if (batch.ok()) {
                for (auto& m : batch.value()) {
                    out.push_back(std::move(m));
                }
            }
            return out.size() >= n;
        });
        return out;
    }

    static std::vector<TopicPartitionOffset> NextOffsets(const std::vector<Message>& batch) {
        std::map<TopicPartition, std::int64_t> next;
        for (const auto& m : batch) {
            next[{m.topic, m.partition}] = m.offset + 1;
        }
        std::vector<TopicPartitionOffset> out;
        for (const auto& [tp, off] : next) {
            out.push_back({tp.topic, tp.partition, off});
        }
        return out;
    }

    static void Process(TransactionalProducer& tp, const std::string& out_topic,
                        const std::vector<Message>& batch) {
        for (const auto& m : batch) {
            ASSERT_TRUE(tp.Produce(out_topic, m.key, "out:" + m.value).ok());
        }
    }
};

TEST_F(ConsumeProcessProduce, OffsetsCommitAtomicallyWithOutputs) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const std::string in = prefix + "in";
    const std::string out = prefix + "out";
    testing::Topics topics(brokers, {{in, 1, 1, {}}, {out, 1, 1, {}}});
    ASSERT_EQ(topics.Error(), "");

    KafkaConfig config = testing::BaseConfig(brokers, prefix);
    config.group_id = prefix + "cpp";
    config.transactional_id = prefix + "cpp-tx";
    {
        auto plain = Producer::Create(config);
        ASSERT_TRUE(plain.ok()) << plain.error().ToString();
        for (int i = 0; i < 15; ++i) {
            ASSERT_TRUE(plain.value()->Produce(in, "k", "in-" + std::to_string(i)).ok());
        }
        ASSERT_TRUE(plain.value()->Flush(30s).ok());
    }
    auto consumer_made = Consumer::Create(config);
    ASSERT_TRUE(consumer_made.ok()) << consumer_made.error().ToString();
    Consumer& consumer = *consumer_made.value();
    ASSERT_TRUE(consumer.Subscribe({in}).ok());
    auto tp_made = TransactionalProducer::Create(config);
    ASSERT_TRUE(tp_made.ok()) << tp_made.error().ToString();
    TransactionalProducer& tp = *tp_made.value();
    const std::vector<TopicPartition> in_partition = {{in, 0}};

    // Round 1: 10 inputs processed and committed in one transaction.
    const auto first = PollN(consumer, 10);
    ASSERT_EQ(first.size(), 10U);
    ASSERT_TRUE(tp.Begin().ok());
    Process(tp, out, first);
    core::Status s = tp.SendOffsets(consumer, NextOffsets(first), 30s);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    s = tp.Commit(30s);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    // The group's committed offset as the coordinator reports it (-1 if unreadable). The
    // transaction's offsets become visible once its markers are written, so positive checks
    // poll with a deadline.
    auto committed_offset = [&]() -> std::int64_t {
        auto c = consumer.Committed(in_partition, 10s);
        return c.ok() && c->size() == 1 ? c->at(0).offset : -1;
    };
    EXPECT_TRUE(testing::PollUntil([&] { return committed_offset() == 10; }))
        << "committed offset " << committed_offset();

    // Round 2: the last 5 processed, offsets sent, then aborted: neither outputs nor offsets.
    const auto second = PollN(consumer, 5);
    ASSERT_EQ(second.size(), 5U);
    ASSERT_TRUE(tp.Begin().ok());
    Process(tp, out, second);
    ASSERT_TRUE(tp.SendOffsets(consumer, NextOffsets(second), 30s).ok());
    ASSERT_TRUE(tp.Flush(30s).ok());
    s = tp.Abort(30s);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    EXPECT_EQ(committed_offset(), 10) << "an aborted transaction moved the offsets";

    // Round 3: rewind to the committed offset and redo the batch; now it commits.
    ASSERT_TRUE(consumer.Seek({{in, 0, 10}}, 10s).ok());
    const auto third = PollN(consumer, 5);
    ASSERT_EQ(Values(third), Values(second));
    ASSERT_TRUE(tp.Begin().ok());
    Process(tp, out, third);
    ASSERT_TRUE(tp.SendOffsets(consumer, NextOffsets(third), 30s).ok());
    s = tp.Commit(30s);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    EXPECT_TRUE(testing::PollUntil([&] { return committed_offset() == 15; }))
        << "committed offset " << committed_offset();

    // The output holds each input exactly once for read_committed readers; the aborted copies
    // of in-10..14 are in the log (read_uncommitted sees them) but not visible.
    testing::WriteSentinel(brokers, out, "end");
    std::vector<std::string> expected;
    for (int i = 0; i < 15; ++i) {
        expected.push_back("out:in-" + std::to_string(i));
    }
    expected.push_back("end");
    EXPECT_EQ(Values(testing::ReadThroughSentinel(brokers, out, "end")), expected);
    const auto raw = testing::ReadThroughSentinel(brokers, out, "end", "read_uncommitted");
    EXPECT_EQ(raw.size(), 21U);
    EXPECT_TRUE(consumer.Close().ok());
}

}  // namespace
}  // namespace bfu::kafka
