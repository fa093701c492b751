// A consuming loop's watch against the real broker, served through the real /readyz and
// /metrics routes (runtime::AddOpsRoutes): a burst the loop cannot keep up with raises
// bfu_kafka_consumer_lag and turns /readyz to 503 past kafka.ready_max_lag; both come back once
// the burst is consumed. A loop held inside a batch past kafka.stuck_after is not ready either.
// The handler is held on a latch, so "cannot keep up" is made, not hoped for.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <regex>
#include <string>

#include "bfu/config/config.hpp"
#include "bfu/http/client.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/runtime/http_server.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "in_process.hpp"
#include "support/stack_env.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;

// A latch the handler waits on while it is closed.
class Gate {
public:
    void Close() {
        std::lock_guard lock(mu_);
        open_ = false;
    }
    void Open() {
        {
            std::lock_guard lock(mu_);
            open_ = true;
        }
        cv_.notify_all();
    }
    void Pass() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return open_; });
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool open_ = true;
};

class LoopWatch : public ::testing::Test {
protected:
    void SetUp() override {
        BFU_ASSERT_STACK_VALUE(brokers, "BFU_KAFKA_BROKERS");
        brokers_ = brokers;
        prefix_ = bfu::testing::UniquePrefix();
        topic_ = prefix_ + "burst";
        kafka::KafkaConfig c;
        c.brokers = brokers_;
        auto admin = kafka::Admin::Create(c);
        ASSERT_TRUE(admin.ok()) << admin.error().ToString();
        admin_ = std::move(admin).value();
        ASSERT_TRUE(admin_->CreateTopics({{topic_, 1, 1, {}}}, 60s).ok());
        auto p = kafka::Producer::Create(c);
        ASSERT_TRUE(p.ok()) << p.error().ToString();
        producer_ = std::move(p).value();
    }
    void TearDown() override {
        gate_.Open();
        if (process_) process_->StopAll();
        process_.reset();
        http_.Stop();
        if (admin_) (void)admin_->DeleteTopics({topic_}, 30s);
    }

    // The loop in this process with `max_lag` and `stuck_after`, and /readyz and /metrics.
    void Start(const std::string& max_lag, const std::string& stuck_after) {
        config::Schema schema;
        service::AddKafkaFields(schema, "watch");
        process_ = std::make_unique<bfu::testing::InProcess>(
            schema,
            std::map<std::string, std::string>{{"BFU_KAFKA_BROKERS", brokers_},
                                               {"BFU_KAFKA_GROUP_ID", prefix_ + "watch"},
                                               {"BFU_KAFKA_READY_MAX_LAG", max_lag},
                                               {"BFU_KAFKA_STUCK_AFTER", stuck_after}},
            "watch");
        auto& ctx = process_->ctx();
        service::LoopSpec spec;
        spec.name = "burst-consumer";
        spec.kafka = service::KafkaSettings(ctx.config(), "watch");
        spec.kafka.properties["auto.offset.reset"] = "earliest";
        spec.topics = {topic_};
        spec.transactional = false;
        spec.options.max_batch = 10;
        spec.handler = [this](const std::vector<kafka::Message>& batch) {
            gate_.Pass();
            handled_ += batch.size();
            return std::vector<kafka::Outcome>(batch.size());
        };
        loop_ = &ctx.Emplace<service::LoopComponent>(std::move(spec), ctx);
        runtime::AddOpsRoutes(http_, ctx.metrics(), [this] {
            return loop_->Ready() ? std::vector<std::string>{}
                                  : std::vector<std::string>{loop_->Name()};
        });
        http_.Start();
        process_->StartAll();
    }

    void Burst(int n) {
        for (int i = 0; i < n; ++i) {
            ASSERT_TRUE(producer_->Produce(topic_, "k", "v" + std::to_string(i)).ok());
        }
        ASSERT_TRUE(producer_->Flush(30s).ok());
    }

    std::string Get(const std::string& path, int* status = nullptr) {
        auto r = client_.Get("http://127.0.0.1:" + std::to_string(http_.port()) + path);
        if (!r.ok()) return "error: " + r.error().ToString();
        if (status != nullptr) *status = r->status;
        return r->body;
    }

    // The lag gauge of the topic's partition 0 as /metrics shows it, or -2 if absent.
    double Lag() {
        const std::string body = Get("/metrics");
        const std::regex re("bfu_kafka_consumer_lag\\{[^}]*topic=\"" + topic_ +
                            "\",partition=\"0\"\\} ([-0-9.e+]+)");
        std::smatch m;
        return std::regex_search(body, m, re) ? std::stod(m[1].str()) : -2;
    }

    int Readyz() {
        int status = 0;
        (void)Get("/readyz", &status);
        return status;
    }

    std::string brokers_, prefix_, topic_;
    std::unique_ptr<kafka::Admin> admin_;
    std::unique_ptr<kafka::Producer> producer_;
    std::unique_ptr<bfu::testing::InProcess> process_;
    runtime::HttpServer http_;
    http::Client client_;
    service::LoopComponent* loop_ = nullptr;
    Gate gate_;
    std::atomic<std::size_t> handled_{0};
};

TEST_F(LoopWatch, ABurstRaisesTheLagAndReadyzTurnsFalseUntilItIsConsumed) {
    ASSERT_NO_FATAL_FAILURE(Start("50", "0"));
    ASSERT_TRUE(bfu::testing::Eventually([&] { return Readyz() == 200; }, 60s))
        << Get("/readyz") << process_->logs();

    // The handler is held: the loop takes one batch of 10 and the other 290 wait.
    gate_.Close();
    ASSERT_NO_FATAL_FAILURE(Burst(300));
    ASSERT_TRUE(bfu::testing::Eventually([&] { return Lag() >= 250; }, 30s))
        << "lag " << Lag() << "\n"
        << Get("/metrics");
    EXPECT_TRUE(bfu::testing::Eventually([&] { return Readyz() == 503; }, 10s));
    EXPECT_NE(Get("/readyz").find("burst-consumer"), std::string::npos) << Get("/readyz");
    EXPECT_NE(process_->logs().find("not ready: lag above the bound"), std::string::npos)
        << process_->logs();

    // Let go: the burst is consumed, the lag falls to 0 and /readyz is 200 again.
    gate_.Open();
    EXPECT_TRUE(bfu::testing::Eventually([&] { return handled_.load() == 300; }, 60s))
        << handled_.load();
    EXPECT_TRUE(bfu::testing::Eventually([&] { return Lag() == 0; }, 30s)) << Lag();
    EXPECT_TRUE(bfu::testing::Eventually([&] { return Readyz() == 200; }, 10s)) << Get("/readyz");
    EXPECT_NE(process_->logs().find("ready again: lag within the bound"), std::string::npos);
    const std::string metrics = Get("/metrics");
    EXPECT_NE(metrics.find("bfu_kafka_records_total{component=\"burst-consumer\"} 300"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("bfu_kafka_batch_seconds_count{component=\"burst-consumer\"}"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("bfu_kafka_record_age_seconds_count{component=\"burst-consumer\"} 300"),
              std::string::npos)
        << metrics;
}

TEST_F(LoopWatch, ALoopHeldInABatchPastStuckAfterIsNotReady) {
    ASSERT_NO_FATAL_FAILURE(Start("0", "1500ms"));
    ASSERT_TRUE(bfu::testing::Eventually([&] { return Readyz() == 200; }, 60s))
        << Get("/readyz") << process_->logs();
    gate_.Close();
    ASSERT_NO_FATAL_FAILURE(Burst(3));
    // Lag never counts here (bound 0): only the held batch makes it unready.
    EXPECT_TRUE(bfu::testing::Eventually([&] { return Readyz() == 503; }, 20s));
    EXPECT_NE(process_->logs().find("the loop has not come back to poll"), std::string::npos)
        << process_->logs();
    gate_.Open();
    EXPECT_TRUE(bfu::testing::Eventually([&] { return Readyz() == 200; }, 20s)) << Get("/readyz");
    EXPECT_EQ(handled_.load(), 3U);
}

}  // namespace
}  // namespace bfu
