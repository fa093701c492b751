#pragma once
// Shared helpers for the Kafka integration tests: per-test topics that are deleted afterwards,
// and readers that poll with a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/message.hpp"
#include "bfu/kafka/producer.hpp"
#include "support/stack_env.hpp"

namespace bfu::kafka::testing {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline constexpr auto kDeadline = 60s;

inline KafkaConfig BaseConfig(const std::string& brokers, const std::string& prefix) {
    KafkaConfig c;
    c.brokers = brokers;
    c.client_id = prefix + "client";
    return c;
}

// Creates topics on construction and deletes them on destruction.
class Topics {
public:
    Topics(const std::string& brokers, std::vector<TopicSpec> specs) : specs_(std::move(specs)) {
        KafkaConfig c;
        c.brokers = brokers;
        auto admin = Admin::Create(c);
        if (!admin.ok()) {
            error_ = admin.error().ToString();
            return;
        }
        admin_ = std::move(admin).value();
        core::Status s = admin_->CreateTopics(specs_, 30s);
        if (!s.ok()) {
            error_ = s.error().ToString();
        }
    }
    ~Topics() {
        if (admin_) {
            std::vector<std::string> names;
            for (const auto& s : specs_) {
                names.push_back(s.name);
            }
            static_cast<void>(admin_->DeleteTopics(names, 30s));
        }
    }
    Topics(const Topics&) = delete;
    Topics& operator=(const Topics&) = delete;

    [[nodiscard]] const std::string& Error() const { return error_; }
    [[nodiscard]] Admin& admin() { return *admin_; }

    // Sum over partitions of high - low watermark.
    [[nodiscard]] std::int64_t RecordCount(const std::string& topic, std::int32_t partitions) {
        std::int64_t n = 0;
        for (std::int32_t p = 0; p < partitions; ++p) {
            auto w = admin_->QueryWatermarks(topic, p, 10s);
            EXPECT_TRUE(w.ok()) << w.error().ToString();
            if (w.ok()) {
                n += w->high - w->low;
            }
        }
        return n;
    }

private:
    std::vector<TopicSpec> specs_;
    std::unique_ptr<Admin> admin_;
    std::string error_;
};

// Reads `topic` with a fresh group until `done(collected)` or the deadline; returns what was
// read. `isolation` is "read_committed" or "read_uncommitted".
inline std::vector<Message> ReadUntil(const std::string& brokers, const std::string& topic,
                                      const std::function<bool(const std::vector<Message>&)>& done,
                                      const std::string& isolation = "read_committed",
                                      std::chrono::seconds deadline = kDeadline) {
    KafkaConfig c;
    c.brokers = brokers;
    c.group_id = bfu::testing::UniquePrefix() + "reader";
    c.properties["isolation.level"] = isolation;
    std::vector<Message> out;
    auto consumer = Consumer::Create(c);
    EXPECT_TRUE(consumer.ok()) << consumer.error().ToString();
    if (!consumer.ok()) {
        return out;
    }
    EXPECT_TRUE(consumer.value()->Subscribe({topic}).ok());
    const auto end = Clock::now() + deadline;
    while (!done(out) && Clock::now() < end) {
        auto batch = consumer.value()->Poll(500, 200ms);
        if (batch.ok()) {
            for (auto& m : batch.value()) {
                out.push_back(std::move(m));
            }
        }
    }
    EXPECT_TRUE(consumer.value()->Close().ok());
    return out;
}

inline std::vector<Message> ReadAtLeast(const std::string& brokers, const std::string& topic,
                                        std::size_t n,
                                        const std::string& isolation = "read_committed") {
    return ReadUntil(
        brokers, topic, [n](const std::vector<Message>& m) { return m.size() >= n; }, isolation);
}

// Reads a one-partition topic up to and including a record with value `sentinel`: since a
// partition is ordered, what comes back is everything written before the sentinel.
inline std::vector<Message> ReadThroughSentinel(const std::string& brokers,
                                                const std::string& topic,
                                                const std::string& sentinel,
                                                const std::string& isolation = "read_committed") {
    return ReadUntil(
        brokers, topic,
        [&](const std::vector<Message>& m) { return !m.empty() && m.back().value == sentinel; },
        isolation);
}

// Writes a sentinel record to a one-partition topic with a plain idempotent producer.
inline void WriteSentinel(const std::string& brokers, const std::string& topic,
                          const std::string& sentinel) {
    KafkaConfig c;
    c.brokers = brokers;
    auto p = Producer::Create(c);
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    ASSERT_TRUE(p.value()->Produce(topic, "sentinel", sentinel).ok());
    ASSERT_TRUE(p.value()->Flush(30s).ok());
}

template <typename Pred>
bool PollUntil(Pred pred, std::chrono::seconds deadline = kDeadline) {
    const auto end = Clock::now() + deadline;
    while (!pred()) {
        if (Clock::now() >= end) {
            return false;
        }
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

}  // namespace bfu::kafka::testing
