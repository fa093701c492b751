#pragma once
// What every end-to-end test does with the real stack under its own topic and key prefix:
// create every bfu topic (schemas/topics.tsv, via contracts::topics::kAll) with the prefix,
// read a topic from the beginning, and remove the prefix's topics (including analysis's own
// changelog) and Redis keys afterwards; PrefixedStackTest does all of it for a test fixture.
// Header-only; uses GoogleTest's EXPECT for reader set-up failures.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/reader.hpp"
#include "bfu/redis/redis.hpp"
#include "e2e/process.hpp"
#include "support/stack_env.hpp"

namespace bfu::testing {

// analysis creates this one itself at start (docs/services/analysis.md).
inline constexpr std::string_view kAnalysisChangelog = "bfu.analysis.outcome";

// Creates every bfu topic under `prefix` with `replication` replicas (on a cluster of three or
// more, min.insync.replicas=2, as ops/stack up --brokers 3 makes them); an error names what
// failed.
inline core::Status CreatePrefixedTopics(const std::string& brokers, const std::string& prefix,
                                         int replication = 1) {
    kafka::KafkaConfig cfg;
    cfg.brokers = brokers;
    auto admin = kafka::Admin::Create(cfg);
    if (!admin.ok()) return admin.error();
    std::vector<kafka::TopicSpec> specs;
    for (const auto& t : contracts::topics::kAll) {
        auto configs = contracts::topics::TopicConfigs(t);
        if (replication >= 3) configs["min.insync.replicas"] = "2";
        specs.push_back({prefix + std::string(t.name), t.partitions,
                         static_cast<std::int16_t>(replication), configs});
    }
    return (*admin)->CreateTopics(specs, std::chrono::seconds(60));
}

// Removes the prefix's topics and Redis keys; best effort (it runs in TearDown).
inline void RemovePrefixed(const std::string& brokers, const std::string& redis_url,
                           const std::string& prefix) {
    kafka::KafkaConfig cfg;
    cfg.brokers = brokers;
    if (auto admin = kafka::Admin::Create(cfg); admin.ok()) {
        std::vector<std::string> names;
        for (const auto& t : contracts::topics::kAll) names.push_back(prefix + std::string(t.name));
        names.push_back(prefix + std::string(kAnalysisChangelog));
        (void)(*admin)->DeleteTopics(names, std::chrono::seconds(30));
    }
    if (redis_url.empty()) return;
    if (auto redis = redis::Pool::Create(redis_url); redis.ok()) {
        if (auto keys = (*redis)->Scan(prefix + "*"); keys.ok() && !keys->empty()) {
            (void)(*redis)->Del(*keys);
        }
    }
}

// A read_committed consumer of `topic` from its beginning, in a group of its own.
inline std::unique_ptr<kafka::Consumer> OpenTopicReader(const std::string& brokers,
                                                        const std::string& topic) {
    kafka::KafkaConfig cfg;
    cfg.brokers = brokers;
    cfg.group_id = UniquePrefix() + "reader";
    cfg.properties["auto.offset.reset"] = "earliest";
    cfg.properties["isolation.level"] = "read_committed";
    auto consumer = kafka::Consumer::Create(cfg);
    EXPECT_TRUE(consumer.ok()) << consumer.error().ToString();
    if (!consumer.ok()) return nullptr;
    EXPECT_TRUE((*consumer)->Subscribe({topic}).ok());
    return std::move(consumer).value();
}

// Every record of `topic` committed when it is called, exactly: every partition by manual
// assignment, read_committed, to the end as it stands (kafka::PartitionReader), with no guess
// from quiet polls (a slow fetch under load once returned nothing). Empty on a failure, which
// GoogleTest's EXPECT reports.
inline std::vector<kafka::Message> ReadCommitted(const std::string& brokers,
                                                 const std::string& topic,
                                                 std::chrono::milliseconds timeout) {
    std::vector<kafka::Message> out;
    kafka::KafkaConfig cfg;
    cfg.brokers = brokers;
    auto admin = kafka::Admin::Create(cfg);
    EXPECT_TRUE(admin.ok());
    if (!admin.ok()) return out;
    auto parts = (*admin)->PartitionCount(topic, timeout);
    EXPECT_TRUE(parts.ok()) << topic;
    if (!parts.ok()) return out;
    std::vector<kafka::TopicPartitionOffset> tps;
    for (std::int32_t p = 0; p < *parts; ++p) tps.push_back({topic, p, kafka::kOffsetBeginning});
    cfg.properties["fetch.wait.max.ms"] = "10";
    auto reader = kafka::PartitionReader::Create(cfg);
    EXPECT_TRUE(reader.ok());
    if (!reader.ok()) return out;
    EXPECT_TRUE((*reader)->Add(tps).ok());
    auto s = (*reader)->ReadToEnd([&](const kafka::Message& m) { out.push_back(m); }, timeout);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return out;
}

// Every committed record of `topic` from the beginning: reads until at least `at_least` have
// arrived and then one quiet second more shows nothing else is coming, or until `timeout`.
inline std::vector<kafka::Message> ReadTopic(const std::string& brokers, const std::string& topic,
                                             std::size_t at_least,
                                             std::chrono::milliseconds timeout) {
    std::vector<kafka::Message> out;
    auto consumer = OpenTopicReader(brokers, topic);
    if (!consumer) return out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int quiet = 0;
    bool assigned = false;
    while (std::chrono::steady_clock::now() < deadline) {
        auto batch = consumer->Poll(1000, std::chrono::milliseconds(200));
        if (batch.ok() && !batch->empty()) {
            quiet = 0;
            for (auto& m : *batch) out.push_back(std::move(m));
            continue;
        }
        // Quiet counts only once the group has given the reader its partitions: before that
        // (a slow group join under load) an empty poll says nothing about the topic.
        if (!assigned) {
            auto a = consumer->Assignment();
            assigned = a.ok() && !a->empty();
            if (!assigned) continue;
        }
        if (out.size() >= at_least && ++quiet >= 5) break;
    }
    (void)consumer->Close();
    return out;
}

// Every committed record of `topic` from the beginning, read until `done(records so far)` is
// true or `timeout` (a slow service is waited for, not taken for a quiet one).
template <typename Done>
std::vector<kafka::Message> ReadTopicUntil(const std::string& brokers, const std::string& topic,
                                           Done done, std::chrono::milliseconds timeout) {
    std::vector<kafka::Message> out;
    auto consumer = OpenTopicReader(brokers, topic);
    if (!consumer) return out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(out) && std::chrono::steady_clock::now() < deadline) {
        auto batch = consumer->Poll(1000, std::chrono::milliseconds(200));
        if (batch.ok()) {
            for (auto& m : *batch) out.push_back(std::move(m));
        }
    }
    (void)consumer->Close();
    return out;
}

// A fixture on the real stack: in SetUp, OpenRun finds the stack, takes a fresh prefix, creates
// every topic under it and a scratch folder; in TearDown (after the fixture's own processes
// are stopped), CloseRun removes the prefix's topics and keys, and the folder unless the test
// failed (its logs are then kept).
class PrefixedStackTest : public ::testing::Test {
protected:
    // The folder is <tmp>/bfu-<tag>-<prefix>.
    void OpenRun(std::string_view tag) {
        auto brokers = KafkaBrokers();
        ASSERT_TRUE(brokers.ok()) << brokers.error;
        auto redis_url = RedisUrl();
        ASSERT_TRUE(redis_url.ok()) << redis_url.error;
        brokers_ = brokers.value;
        redis_url_ = redis_url.value;
        prefix_ = UniquePrefix();
        dir_ = std::filesystem::temp_directory_path() / ("bfu-" + std::string(tag) + "-" + prefix_);
        std::filesystem::create_directories(dir_);
        auto created = CreatePrefixedTopics(brokers_, prefix_, replication_);
        ASSERT_TRUE(created.ok()) << created.error().ToString();
    }
    void CloseRun() {
        for (auto& [name, p] : services_) {
            if (p) p->Terminate(std::chrono::seconds(10));
        }
        // A failed run's service logs end up in CI's output, not only in the kept folder.
        if (HasFailure()) {
            for (const auto& [name, p] : services_) {
                if (!p) continue;
                std::cerr << "---- last lines of " << p->log() << " ----\n"
                          << Tail(p->log(), 40) << "\n";
            }
        }
        if (prefix_.empty()) return;
        RemovePrefixed(brokers_, redis_url_, prefix_);
        if (!HasFailure()) std::filesystem::remove_all(dir_);
    }
    [[nodiscard]] std::string Topic(std::string_view base) const {
        return prefix_ + std::string(base);
    }
    // What every service of the run is started with: the stack, the prefix for topics, group
    // and Redis keys, the follow-up year, an HTTP port and a ZeroMQ endpoint of its own.
    [[nodiscard]] std::map<std::string, std::string> ServiceEnv(const std::string& name, int year,
                                                                int http_port) const {
        return {
            {"BFU_KAFKA_BROKERS", brokers_},
            {"BFU_KAFKA_TOPIC_PREFIX", prefix_},
            {"BFU_KAFKA_GROUP_ID", prefix_ + name},
            {"BFU_REDIS_URL", redis_url_},
            {"BFU_REDIS_PREFIX", prefix_},
            {"BFU_FOLLOWUP_YEAR", std::to_string(year)},
            {"BFU_HTTP_PORT", std::to_string(http_port)},
            {"BFU_ZMQ_ENDPOINT", "tcp://127.0.0.1:" + std::to_string(FreePort())},
        };
    }
    // Starts the built bfu-<name> with `env` (its HTTP port from BFU_HTTP_PORT), logging to
    // <dir>/<name>.log; CloseRun stops it.
    void StartService(const std::string& name, const std::map<std::string, std::string>& env) {
        const auto bin = BinaryDir() + "/services/" + name + "/bfu-" + name;
        ASSERT_TRUE(std::filesystem::exists(bin)) << bin;
        services_[name] =
            std::make_unique<ChildProcess>(bin, env, (dir_ / (name + ".log")).string());
        http_ports_[name] = std::stoi(env.at("BFU_HTTP_PORT"));
    }
    // Waits until every started service answers /readyz with 200.
    void WaitReady() {
        for (const auto& [name, port] : http_ports_) {
            const int p = port;
            auto& process = *services_[name];
            // A service that exited (a port taken, a bad config) fails at once, whatever else
            // may be answering on its port.
            const bool ready = Eventually(
                [&] { return !process.Running() || HttpGet(p, "/readyz").status == 200; },
                std::chrono::seconds(60));
            ASSERT_TRUE(process.Running()) << name << " exited; log: " << Slurp(process.log());
            ASSERT_TRUE(ready) << name << " not ready; log: " << Slurp(process.log());
        }
    }
    // The value of a gauge or counter on a started service's /metrics; -1 when absent.
    double Metric(const std::string& service, const std::string& name) {
        auto r = HttpGet(http_ports_[service], "/metrics");
        std::istringstream lines(r.body);
        std::string line;
        while (std::getline(lines, line)) {
            if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
        }
        return -1;
    }

    // Publishes messages to their topic under the prefix, as a producer of the stack would.
    template <typename T>
    void Publish(kafka::Producer& producer, const std::vector<T>& items) {
        core::WallClock clock;
        for (const auto& i : items) {
            ASSERT_TRUE(producer
                            .Produce(Topic(T::kTopic), i.Key(),
                                     contracts::EncodeMessage(i, {contracts::NewEventId(),
                                                                  "bfu/e2e", clock.Now(), i.Key()}))
                            .ok());
        }
        ASSERT_TRUE(producer.Flush(std::chrono::seconds(30)).ok());
    }

    std::string brokers_, redis_url_, prefix_;
    int replication_ = 1;  // the topics' replicas; set before OpenRun
    std::filesystem::path dir_;
    std::map<std::string, std::unique_ptr<ChildProcess>> services_;
    std::map<std::string, int> http_ports_;
};

}  // namespace bfu::testing
