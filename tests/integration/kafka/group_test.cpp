// Broker compatibility 1: a consumer group of two members splits a 4-partition topic, and the
// survivor takes every partition when the other leaves; every message is consumed exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "kafka_test_util.hpp"

namespace bfu::kafka {
namespace {

using namespace std::chrono_literals;
using testing::PollUntil;

// One group member polled on its own thread, committing after every batch.
class Member {
public:
    Member(const KafkaConfig& config, const std::string& topic, std::mutex& mu,
           std::map<std::string, int>& seen)
        : mu_(mu), seen_(seen) {
        RebalanceHooks hooks;
        hooks.on_assign = [this](const std::vector<TopicPartition>& parts) {
            assigned_events_.fetch_add(1);
            last_assigned_.store(static_cast<int>(parts.size()));
        };
        hooks.on_revoke = [this](const std::vector<TopicPartition>& parts, bool /*lost*/) {
            revoked_partitions_.fetch_add(static_cast<int>(parts.size()));
        };
        auto c = Consumer::Create(config, std::move(hooks));
        EXPECT_TRUE(c.ok()) << c.error().ToString();
        if (!c.ok()) {
            return;
        }
        consumer_ = std::move(c).value();
        EXPECT_TRUE(consumer_->Subscribe({topic}).ok());
        thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
    }

    // Stops polling, then leaves the group from the polling thread (Close runs on_revoke).
    void Leave() {
        thread_.request_stop();
        thread_.join();
    }

    [[nodiscard]] std::vector<TopicPartition> Assignment() const {
        auto a = consumer_->Assignment();
        return a.ok() ? a.value() : std::vector<TopicPartition>{};
    }
    [[nodiscard]] int consumed() const { return consumed_.load(); }
    [[nodiscard]] int revoked_partitions() const { return revoked_partitions_.load(); }
    [[nodiscard]] int last_assigned() const { return last_assigned_.load(); }
    [[nodiscard]] bool ok() const { return consumer_ != nullptr; }
    Consumer& consumer() { return *consumer_; }

private:
    void Run(std::stop_token stop) {
        while (!stop.stop_requested()) {
            auto batch = consumer_->Poll(100, 100ms);
            if (!batch.ok() || batch->empty()) {
                continue;
            }
            std::map<TopicPartition, std::int64_t> next;
            {
                std::lock_guard lock(mu_);
                for (const auto& m : batch.value()) {
                    ++seen_[m.value];
                    next[{m.topic, m.partition}] = m.offset + 1;
                }
            }
            std::vector<TopicPartitionOffset> offsets;
            for (const auto& [tp, off] : next) {
                offsets.push_back({tp.topic, tp.partition, off});
            }
            const core::Status s = consumer_->Commit(offsets);
            EXPECT_TRUE(s.ok()) << s.error().ToString();
            consumed_.fetch_add(static_cast<int>(batch->size()));
        }
        EXPECT_TRUE(consumer_->Close().ok());
    }

    std::mutex& mu_;
    std::map<std::string, int>& seen_;
    std::unique_ptr<Consumer> consumer_;
    std::atomic<int> consumed_{0};
    std::atomic<int> assigned_events_{0};
    std::atomic<int> last_assigned_{0};
    std::atomic<int> revoked_partitions_{0};
    std::jthread thread_;
};

void ProduceRange(Producer& p, const std::string& topic, int from, int to) {
    for (int i = from; i < to; ++i) {
        ASSERT_TRUE(p.Produce(topic, "key-" + std::to_string(i), "m" + std::to_string(i)).ok());
    }
    const core::Status s = p.Flush(30s);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
}

TEST(KafkaConsumerGroup, TwoMembersSplitPartitionsAndSurvivorTakesAllWhenOneLeaves) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const std::string prefix = bfu::testing::UniquePrefix();
    const std::string topic = prefix + "group";
    testing::Topics topics(brokers, {{topic, 4, 1, {}}});
    ASSERT_EQ(topics.Error(), "");

    KafkaConfig config = testing::BaseConfig(brokers, prefix);
    config.group_id = prefix + "group";
    auto producer = Producer::Create(config);
    ASSERT_TRUE(producer.ok()) << producer.error().ToString();

    std::mutex mu;
    std::map<std::string, int> seen;
    Member a(config, topic, mu, seen);
    Member b(config, topic, mu, seen);
    ASSERT_TRUE(a.ok() && b.ok());
    // bfu's consumer defaults: commits only when told, never sees aborted transactions.
    EXPECT_EQ(a.consumer().ConfigValue("enable.auto.commit"), "false");
    EXPECT_EQ(a.consumer().ConfigValue("enable.auto.offset.store"), "false");
    EXPECT_EQ(a.consumer().ConfigValue("isolation.level"), "read_committed");

    // Both members hold partitions, disjoint, covering all four.
    ASSERT_TRUE(PollUntil([&] {
        const auto pa = a.Assignment();
        const auto pb = b.Assignment();
        std::set<TopicPartition> all(pa.begin(), pa.end());
        all.insert(pb.begin(), pb.end());
        return !pa.empty() && !pb.empty() && all.size() == 4 && pa.size() + pb.size() == 4;
    })) << "the two members never split the 4 partitions";
    EXPECT_EQ(a.Assignment().size(), 2U);
    EXPECT_EQ(b.Assignment().size(), 2U);

    constexpr int kFirst = 200;
    ProduceRange(*producer.value(), topic, 0, kFirst);
    ASSERT_TRUE(PollUntil([&] { return a.consumed() + b.consumed() >= kFirst; }))
        << "consumed " << a.consumed() + b.consumed() << " of " << kFirst;
    EXPECT_GT(a.consumed(), 0);
    EXPECT_GT(b.consumed(), 0);

    const int revoked_before = b.revoked_partitions();
    b.Leave();
    EXPECT_EQ(b.revoked_partitions() - revoked_before, 2)
        << "on_revoke should have run for b's 2 partitions when it left";
    ASSERT_TRUE(PollUntil([&] { return a.Assignment().size() == 4; }))
        << "the survivor did not take all partitions";
    EXPECT_EQ(a.last_assigned(), 4);

    constexpr int kSecond = 200;
    ProduceRange(*producer.value(), topic, kFirst, kFirst + kSecond);
    ASSERT_TRUE(PollUntil([&] { return a.consumed() + b.consumed() >= kFirst + kSecond; }))
        << "consumed " << a.consumed() + b.consumed() << " of " << kFirst + kSecond;

    // Every committed offset reaches the end of its partition.
    ASSERT_TRUE(PollUntil([&] {
        auto committed = a.consumer().Committed(a.Assignment(), 5s);
        if (!committed.ok() || committed->size() != 4) {
            return false;
        }
        for (const auto& c : committed.value()) {
            auto w = topics.admin().QueryWatermarks(c.topic, c.partition, 5s);
            if (!w.ok() || c.offset != w->high) {
                return false;
            }
        }
        return true;
    }));
    a.Leave();

    std::lock_guard lock(mu);
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kFirst + kSecond));
    for (const auto& [value, count] : seen) {
        EXPECT_EQ(count, 1) << value << " consumed " << count << " times";
    }
    EXPECT_EQ(a.consumed() + b.consumed(), kFirst + kSecond);
}

}  // namespace
}  // namespace bfu::kafka
