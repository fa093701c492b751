// RunLoop against the real broker: poison to the dead-letter topic with the reason, offsets
// committed only after the outputs are durable, retryable errors retried (every record read
// again told to on_discarded first), and a restart after a fatal error resumes at the failed
// message.
#include "bfu/kafka/loop.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/transaction.hpp"
#include "kafka_test_util.hpp"

namespace bfu::kafka {
namespace {

using namespace std::chrono_literals;

struct Fixture {
    std::string brokers;
    std::string prefix;
    std::string in;
    std::string out;
    std::string dlq;
    KafkaConfig config;
};

// Inputs: "ok-i", except every 10th is "poison-i" and in-7 is "flaky-7" (fails retryably on
// its first try).
std::string InputValue(int i) {
    if (i % 10 == 3) {
        return "poison-" + std::to_string(i);
    }
    if (i == 7) {
        return "flaky-" + std::to_string(i);
    }
    return "ok-" + std::to_string(i);
}

void ProduceInputs(const Fixture& f, int from, int to) {
    auto p = Producer::Create(f.config);
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    for (int i = from; i < to; ++i) {
        ASSERT_TRUE(p.value()->Produce(f.in, "key-" + std::to_string(i), InputValue(i)).ok());
    }
    ASSERT_TRUE(p.value()->Flush(30s).ok());
}

// The business handler: pure, counts what it saw.
class Handler {
public:
    explicit Handler(std::string out_topic, std::string fatal_on = {})
        : out_(std::move(out_topic)), fatal_on_(std::move(fatal_on)) {}

    std::vector<Outcome> operator()(const std::vector<Message>& batch) {
        std::vector<Outcome> outcomes;
        std::lock_guard lock(mu_);
        for (const auto& m : batch) {
            seen_.push_back(m.value);
            ++handled_[{m.partition, m.offset}];
            Outcome o;
            if (m.value == fatal_on_) {
                o.status = core::Error(core::Errc::kInternal, "simulated bug");
            } else if (m.value.rfind("poison-", 0) == 0) {
                o.status =
                    core::Error(core::Errc::kInvalidArgument, "amount", "not a number: " + m.value);
            } else if (m.value.rfind("flaky-", 0) == 0 && flaky_failures_ == 0) {
                ++flaky_failures_;
                o.status = core::Error(core::Errc::kUnavailable, "redis down for a moment");
            } else {
                o.outputs.push_back({out_, m.key, "done:" + m.value, {{"from", m.value}}});
            }
            outcomes.push_back(std::move(o));
        }
        return outcomes;
    }

    std::vector<std::string> Seen() const {
        std::lock_guard lock(mu_);
        return seen_;
    }

    // LoopOptions::on_discarded of a loop running this handler.
    void Discarded(const std::vector<TopicPartitionOffset>& dropped) {
        std::lock_guard lock(mu_);
        for (const auto& p : dropped) ++discarded_[{p.partition, p.offset}];
    }
    std::size_t DiscardedCount() const {
        std::lock_guard lock(mu_);
        return discarded_.size();
    }

    // Every record handled again had its outputs dropped before, once per extra time, and no
    // record is reported dropped more often than it was handled again. Empty when it holds.
    std::string DiscardedMatchesRereads() const {
        std::lock_guard lock(mu_);
        std::string out;
        for (const auto& [pos, times] : handled_) {
            const auto d = discarded_.find(pos);
            const int dropped = d == discarded_.end() ? 0 : d->second;
            if (dropped != times - 1) {
                out += "[" + std::to_string(pos.first) + "]@" + std::to_string(pos.second) +
                       " handled " + std::to_string(times) + "x, discarded " +
                       std::to_string(dropped) + "x; ";
            }
        }
        for (const auto& [pos, times] : discarded_) {
            if (handled_.count(pos) == 0) out += "discarded but never handled; ";
        }
        return out;
    }

private:
    std::string out_;
    std::string fatal_on_;
    mutable std::mutex mu_;
    std::vector<std::string> seen_;
    std::map<std::pair<std::int32_t, std::int64_t>, int> handled_;    // times handled
    std::map<std::pair<std::int32_t, std::int64_t>, int> discarded_;  // times dropped
    int flaky_failures_ = 0;
};

Fixture MakeFixture(const std::string& brokers) {
    Fixture f;
    f.brokers = brokers;
    f.prefix = bfu::testing::UniquePrefix();
    f.in = f.prefix + "in";
    f.out = f.prefix + "out";
    f.dlq = f.prefix + "dlq";
    f.config = testing::BaseConfig(brokers, f.prefix);
    f.config.group_id = f.prefix + "svc";
    f.config.transactional_id = f.prefix + "svc-tx";
    return f;
}

LoopOptions Options(const Fixture& f) {
    LoopOptions o;
    o.dlq_topic = f.dlq;
    o.source = "loop-test";
    o.max_batch = 8;  // several batches, so commits happen between them
    o.backoff_initial = 20ms;
    o.log = [](std::string_view) {};
    return o;
}

std::map<std::string, Message> ByValue(const std::vector<Message>& messages) {
    std::map<std::string, Message> out;
    for (const auto& m : messages) {
        out.emplace(m.value, m);
    }
    return out;
}

TEST(KafkaRunLoop, PoisonGoesToDlqOutputsPrecedeCommitsAndRestartResumes) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const Fixture f = MakeFixture(brokers);
    testing::Topics topics(brokers, {{f.in, 1, 1, {}}, {f.out, 1, 1, {}}, {f.dlq, 1, 1, {}}});
    ASSERT_EQ(topics.Error(), "");
    constexpr int kInputs = 40;
    ProduceInputs(f, 0, kInputs);
    const std::string fatal_value = InputValue(25);  // "ok-25"

    // Run 1: stops with the fatal error at in-25.
    {
        auto consumer = Consumer::Create(f.config);
        ASSERT_TRUE(consumer.ok()) << consumer.error().ToString();
        ASSERT_TRUE(consumer.value()->Subscribe({f.in}).ok());
        auto producer = Producer::Create(f.config);
        ASSERT_TRUE(producer.ok()) << producer.error().ToString();
        Handler handler(f.out, fatal_value);
        LoopStats stats;
        std::stop_source never;
        const core::Status result = RunLoop(*consumer.value(), *producer.value(), std::ref(handler),
                                            never.get_token(), Options(f), &stats);
        ASSERT_FALSE(result.ok());
        EXPECT_TRUE(result.error().IsFatal());
        EXPECT_NE(result.error().message.find("simulated bug"), std::string::npos);
        EXPECT_NE(result.error().message.find("@25"), std::string::npos)
            << result.error().ToString();
        EXPECT_GE(stats.retries.load(), 1U) << "flaky-7 should have been retried";

        // Committed offset: past everything before the failing batch, never past in-25.
        auto committed = consumer.value()->Committed({{f.in, 0}}, 10s);
        ASSERT_TRUE(committed.ok()) << committed.error().ToString();
        const std::int64_t c = committed->at(0).offset;
        EXPECT_GE(c, 8) << "nothing was committed";
        EXPECT_LE(c, 25) << "committed past the message that failed";

        // Every input below the committed offset has its output (or dead letter) already.
        testing::WriteSentinel(brokers, f.out, "end");
        const auto outs = ByValue(testing::ReadThroughSentinel(brokers, f.out, "end"));
        for (int i = 0; i < c; ++i) {
            const std::string v = InputValue(i);
            if (v.rfind("poison-", 0) != 0) {
                EXPECT_EQ(outs.count("done:" + v), 1U) << "committed " << v << " without output";
            }
        }
        EXPECT_EQ(outs.count("done:" + fatal_value), 0U);
        EXPECT_TRUE(consumer.value()->Close().ok());
    }

    // Run 2: same group, a fixed handler; it starts at the committed offset and finishes.
    {
        auto consumer = Consumer::Create(f.config);
        ASSERT_TRUE(consumer.ok());
        ASSERT_TRUE(consumer.value()->Subscribe({f.in}).ok());
        auto committed_before = consumer.value()->Committed({{f.in, 0}}, 10s);
        ASSERT_TRUE(committed_before.ok());
        const std::int64_t resume_at = committed_before->at(0).offset;
        auto producer = Producer::Create(f.config);
        ASSERT_TRUE(producer.ok());
        Handler handler(f.out);
        LoopStats stats;
        std::stop_source stop;
        auto done = std::async(std::launch::async, [&] {
            return RunLoop(*consumer.value(), *producer.value(), std::ref(handler),
                           stop.get_token(), Options(f), &stats);
        });
        const bool finished = testing::PollUntil([&] {
            auto c = consumer.value()->Committed({{f.in, 0}}, 5s);
            return c.ok() && c->at(0).offset == kInputs;
        });
        stop.request_stop();
        const core::Status result = done.get();
        EXPECT_TRUE(result.ok()) << result.error().ToString();
        ASSERT_TRUE(finished) << "the restarted loop did not commit through the end";
        const auto seen = handler.Seen();
        ASSERT_FALSE(seen.empty());
        EXPECT_EQ(seen.front(), InputValue(static_cast<int>(resume_at)))
            << "the restart did not resume at the committed offset";
        EXPECT_TRUE(consumer.value()->Close().ok());
    }

    // Outputs: every ok input at least once (at-least-once), and the failed one now done.
    testing::WriteSentinel(brokers, f.out, "end2");
    const auto outs = ByValue(testing::ReadThroughSentinel(brokers, f.out, "end2"));
    for (int i = 0; i < kInputs; ++i) {
        const std::string v = InputValue(i);
        const bool poison = v.rfind("poison-", 0) == 0;
        EXPECT_EQ(outs.count("done:" + v), poison ? 0U : 1U) << v;
    }

    // Dead letters: one per poison input, each with its reason and origin.
    testing::WriteSentinel(brokers, f.dlq, "end");
    const auto dead = testing::ReadThroughSentinel(brokers, f.dlq, "end");
    std::set<std::string> poison_values;
    for (const auto& m : dead) {
        if (m.value == "end") {
            continue;
        }
        poison_values.insert(m.value);
        EXPECT_EQ(m.key, "key-" + m.value.substr(m.value.find('-') + 1));
        const auto reason = FindHeader(m.headers, kDlqReasonHeader);
        ASSERT_TRUE(reason.has_value());
        EXPECT_NE(reason->find("not a number: " + m.value), std::string::npos) << *reason;
        EXPECT_EQ(FindHeader(m.headers, kDlqErrcHeader), "invalid_argument");
        EXPECT_EQ(FindHeader(m.headers, kDlqTopicHeader), f.in);
        EXPECT_EQ(FindHeader(m.headers, kDlqOffsetHeader), m.value.substr(m.value.find('-') + 1));
        EXPECT_EQ(FindHeader(m.headers, kDlqSourceHeader), "loop-test");
    }
    EXPECT_EQ(poison_values,
              (std::set<std::string>{"poison-3", "poison-13", "poison-23", "poison-33"}));
}

TEST(KafkaRunLoop, TransactionalLoopWritesEachOutputExactlyOnce) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    const Fixture f = MakeFixture(brokers);
    testing::Topics topics(brokers, {{f.in, 2, 1, {}}, {f.out, 1, 1, {}}, {f.dlq, 1, 1, {}}});
    ASSERT_EQ(topics.Error(), "");
    constexpr int kInputs = 30;
    ProduceInputs(f, 0, kInputs);

    auto consumer = Consumer::Create(f.config);
    ASSERT_TRUE(consumer.ok()) << consumer.error().ToString();
    ASSERT_TRUE(consumer.value()->Subscribe({f.in}).ok());
    auto producer = TransactionalProducer::Create(f.config);
    ASSERT_TRUE(producer.ok()) << producer.error().ToString();
    Handler handler(f.out);
    LoopStats stats;
    std::stop_source stop;
    LoopOptions options = Options(f);
    options.on_discarded = [&](const auto& dropped) { handler.Discarded(dropped); };
    std::atomic<std::uint64_t> written{0};
    options.on_written = [&] { ++written; };
    auto done = std::async(std::launch::async, [&] {
        return RunLoop(*consumer.value(), *producer.value(), std::ref(handler), stop.get_token(),
                       options, &stats);
    });
    const bool finished = testing::PollUntil([&] {
        auto c = consumer.value()->Committed({{f.in, 0}, {f.in, 1}}, 5s);
        if (!c.ok()) {
            return false;
        }
        std::int64_t total = 0;
        for (const auto& o : c.value()) {
            total += std::max<std::int64_t>(o.offset, 0);
        }
        return total == kInputs;
    });
    stop.request_stop();
    const core::Status result = done.get();
    EXPECT_TRUE(result.ok()) << result.error().ToString();
    ASSERT_TRUE(finished);
    EXPECT_EQ(stats.dead_lettered.load(), 3U);
    EXPECT_GE(stats.retries.load(), 1U);
    // flaky-7 and what followed it in its partition were dropped and read again, and told.
    EXPECT_GE(handler.DiscardedCount(), 1U);
    EXPECT_EQ(handler.DiscardedMatchesRereads(), "");
    // Every batch written was announced once; so was a batch with nothing to write, which
    // here can only be one whose records were all rewound for a retry.
    EXPECT_GE(written.load(), stats.batches.load());
    EXPECT_LE(written.load(), stats.batches.load() + stats.retries.load());

    testing::WriteSentinel(brokers, f.out, "end");
    const auto outs = testing::ReadThroughSentinel(brokers, f.out, "end");
    std::map<std::string, int> counts;
    for (const auto& m : outs) {
        ++counts[m.value];
    }
    for (int i = 0; i < kInputs; ++i) {
        const std::string v = InputValue(i);
        EXPECT_EQ(counts["done:" + v], v.rfind("poison-", 0) == 0 ? 0 : 1) << v;
    }
    EXPECT_TRUE(consumer.value()->Close().ok());
}

// The output topic does not exist at first, so no output can be made durable: the loop must
// rewind and retry without committing anything, and finish once the topic appears.
TEST(KafkaRunLoop, UndeliverableOutputCommitsNothingUntilItIsDurable) {
    BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
    Fixture f = MakeFixture(brokers);
    testing::Topics topics(brokers, {{f.in, 1, 1, {}}, {f.dlq, 1, 1, {}}});
    ASSERT_EQ(topics.Error(), "");
    constexpr int kInputs = 10;
    ProduceInputs(f, 0, kInputs);

    auto consumer = Consumer::Create(f.config);
    ASSERT_TRUE(consumer.ok()) << consumer.error().ToString();
    ASSERT_TRUE(consumer.value()->Subscribe({f.in}).ok());
    KafkaConfig producer_config = f.config;
    producer_config.properties["message.timeout.ms"] = "1000";  // give up on a record quickly
    auto producer = Producer::Create(producer_config);
    ASSERT_TRUE(producer.ok()) << producer.error().ToString();
    Handler handler(f.out);
    LoopStats stats;
    std::stop_source stop;
    auto committed_offset = [&]() -> std::int64_t {
        auto c = consumer.value()->Committed({{f.in, 0}}, 5s);
        return c.ok() ? c->at(0).offset : -2;
    };
    LoopOptions options = Options(f);
    options.on_discarded = [&](const auto& dropped) { handler.Discarded(dropped); };
    auto done = std::async(std::launch::async, [&] {
        return RunLoop(*consumer.value(), *producer.value(), std::ref(handler), stop.get_token(),
                       options, &stats);
    });

    // Several failed attempts, and still nothing committed.
    const bool retried = testing::PollUntil([&] { return stats.retries.load() >= 3; });
    EXPECT_TRUE(retried) << "the loop never retried a failed write";
    EXPECT_LT(committed_offset(), 0) << "offsets committed although no output was durable";
    EXPECT_EQ(stats.batches.load(), 0U);

    // Create the output topic: the next retry succeeds and everything is committed.
    {
        KafkaConfig c;
        c.brokers = brokers;
        auto admin = Admin::Create(c);
        ASSERT_TRUE(admin.ok());
        ASSERT_TRUE(admin.value()->CreateTopics({{f.out, 1, 1, {}}}, 30s).ok());
    }
    const bool finished = testing::PollUntil([&] { return committed_offset() == kInputs; });
    stop.request_stop();
    const core::Status result = done.get();
    EXPECT_TRUE(result.ok()) << result.error().ToString();
    ASSERT_TRUE(finished) << "committed offset " << committed_offset();
    // Every failed write dropped its whole batch, and the loop said so for each record.
    EXPECT_GE(handler.DiscardedCount(), 1U);
    EXPECT_EQ(handler.DiscardedMatchesRereads(), "");

    testing::WriteSentinel(brokers, f.out, "end");
    const auto outs = ByValue(testing::ReadThroughSentinel(brokers, f.out, "end"));
    for (int i = 0; i < kInputs; ++i) {
        const std::string v = InputValue(i);
        const bool poison = v.rfind("poison-", 0) == 0;
        EXPECT_EQ(outs.count("done:" + v), poison ? 0U : 1U) << v;
    }
    KafkaConfig c;
    c.brokers = brokers;
    auto admin = Admin::Create(c);
    ASSERT_TRUE(admin.ok());
    EXPECT_TRUE(admin.value()->DeleteTopics({f.out}, 30s).ok());
    EXPECT_TRUE(consumer.value()->Close().ok());
}

}  // namespace
}  // namespace bfu::kafka
