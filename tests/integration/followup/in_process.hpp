#pragma once
// Helpers for the follow-up integration tests: a fresh topic prefix with every topic of
// topics.tsv created (and deleted afterwards), records produced and read with a deadline, and
// a service's components run in this process around a real runtime::Context.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bfu/config/config.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/runtime/http_server.hpp"
#include "bfu/service/master_table.hpp"
#include "support/stack_env.hpp"

namespace bfu::testing {

using namespace std::chrono_literals;

// Every topic of the contract under a fresh prefix, deleted on destruction.
class PrefixedTopics {
public:
    explicit PrefixedTopics(std::string brokers)
        : brokers_(std::move(brokers)), prefix_(UniquePrefix()) {
        kafka::KafkaConfig c;
        c.brokers = brokers_;
        auto admin = kafka::Admin::Create(c);
        if (!admin.ok()) {
            error_ = admin.error().ToString();
            return;
        }
        admin_ = std::move(admin).value();
        std::vector<kafka::TopicSpec> specs;
        for (const auto& t : contracts::topics::kAll) {
            specs.push_back({Topic(t.name),
                             t.partitions,
                             1,
                             {{"cleanup.policy", std::string(t.cleanup_policy)}}});
        }
        if (auto s = admin_->CreateTopics(specs, 60s); !s.ok()) error_ = s.error().ToString();
    }
    ~PrefixedTopics() {
        if (!admin_) return;
        std::vector<std::string> names;
        for (const auto& t : contracts::topics::kAll) names.push_back(Topic(t.name));
        (void)admin_->DeleteTopics(names, 30s);
    }
    PrefixedTopics(const PrefixedTopics&) = delete;
    PrefixedTopics& operator=(const PrefixedTopics&) = delete;

    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] const std::string& prefix() const { return prefix_; }
    [[nodiscard]] std::string Topic(std::string_view base) const {
        return prefix_ + std::string(base);
    }

    // Produces and flushes; fails the test on an error.
    void Produce(std::string_view base_topic, const std::string& key, const std::string& value) {
        if (!producer_) {
            kafka::KafkaConfig c;
            c.brokers = brokers_;
            c.client_id = prefix_ + "test-producer";
            auto p = kafka::Producer::Create(c);
            ASSERT_TRUE(p.ok()) << p.error().ToString();
            producer_ = std::move(p).value();
        }
        auto s = producer_->Produce(Topic(base_topic), key, value);
        ASSERT_TRUE(s.ok()) << s.error().ToString();
        auto f = producer_->Flush(30s);
        ASSERT_TRUE(f.ok()) << f.error().ToString();
    }
    // Publishes every record of a master snapshot (topic names already prefixed).
    void ProduceSnapshot(const service::MasterSnapshot& snapshot) {
        for (const auto& [topic, records] : snapshot) {
            for (const auto& [key, value] : records) {
                Produce(std::string_view(topic).substr(prefix_.size()), key, value);
            }
        }
    }

    // Reads the topic from the start until `until` holds for what was read or `timeout`.
    template <typename T, typename Pred>
    std::vector<T> ReadUntil(std::string_view base_topic, Pred until,
                             std::chrono::milliseconds timeout = 30s) {
        kafka::KafkaConfig c;
        c.brokers = brokers_;
        c.client_id = prefix_ + "test-reader";
        c.group_id = prefix_ + "reader-" + std::to_string(++readers_);
        c.properties["auto.offset.reset"] = "earliest";
        std::vector<T> out;
        auto consumer = kafka::Consumer::Create(c);
        EXPECT_TRUE(consumer.ok()) << consumer.error().ToString();
        if (!consumer.ok()) return out;
        EXPECT_TRUE((*consumer)->Subscribe({Topic(base_topic)}).ok());
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!until(out) && std::chrono::steady_clock::now() < deadline) {
            auto batch = (*consumer)->Poll(500, 200ms);
            if (!batch.ok()) continue;
            for (const auto& m : *batch) {
                auto v = contracts::DecodeMessage<T>(m.value);
                EXPECT_TRUE(v.ok()) << v.error().ToString();
                if (v.ok()) out.push_back(std::move(v).value());
            }
        }
        (void)(*consumer)->Close();
        return out;
    }

private:
    std::string brokers_;
    std::string prefix_;
    std::string error_;
    std::unique_ptr<kafka::Admin> admin_;
    std::unique_ptr<kafka::Producer> producer_;
    int readers_ = 0;
};

// A service's components run in this process: the config from `schema` with `env`, a logger
// writing to a string, a metrics registry, an HTTP server that is never started.
class InProcess {
public:
    InProcess(const config::Schema& schema, std::map<std::string, std::string> env,
              const std::string& name)
        : cfg_(config::LoadFromText(schema, "{}", "test", config::MapEnv(std::move(env)))),
          log_(name, runtime::LogLevel::kInfo, &log_text_),
          ctx_(cfg_, log_, metrics_, http_, latch_) {}
    ~InProcess() { StopAll(); }
    InProcess(const InProcess&) = delete;
    InProcess& operator=(const InProcess&) = delete;

    [[nodiscard]] runtime::Context& ctx() { return ctx_; }
    [[nodiscard]] std::string logs() const { return log_text_.str(); }
    [[nodiscard]] bool ShutdownRequested() const { return latch_.Requested(); }

    void StartAll() {
        for (auto& c : ctx_.components()) {
            c->Start();
            ++started_;
        }
    }
    void StopAll() {
        auto& cs = ctx_.components();
        while (started_ > 0) cs[--started_]->Stop();
    }

private:
    config::Config cfg_;
    std::ostringstream log_text_;
    runtime::Logger log_;
    runtime::MetricsRegistry metrics_;
    runtime::HttpServer http_;
    runtime::ShutdownLatch latch_;
    runtime::Context ctx_;
    std::size_t started_ = 0;
};

// Polls `cond` every 50 ms until it holds or `timeout` passes.
template <typename Cond>
bool Eventually(Cond cond, std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cond()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return cond();
}

}  // namespace bfu::testing
