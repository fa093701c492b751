#pragma once
// LoopComponent: runs a service's BatchHandler in bfu::kafka::RunLoop on its own thread.
// Exactly-once mode (transactional = true) puts each batch's outputs and input offsets in one
// Kafka transaction; otherwise outputs go through an idempotent producer and offsets are
// committed after delivery (at-least-once; for consumers whose effects are idempotent).
//
// Lifecycle: Start() creates the producer and the consumer (failing start-up on a bad config
// or an unreachable broker), subscribes and starts the thread; a fatal loop error asks the
// service to shut down with exit code 1. Stop() stops the loop after its current batch and
// closes the consumer. `before_start` (optional) runs on the loop thread before the first
// poll, e.g. to wait for master data.
//
// Observability: a watch thread (once a second) publishes the consumer's lag per partition
// (bfu_kafka_consumer_lag), the records handled and dead-lettered, and the loop's batch duration
// and record age as histograms, all labelled with the component; Ready() is false while the
// lag over all assigned partitions is above kafka.ready_max_lag or the loop has not come back to
// poll for kafka.stuck_after (a batch that hangs), and the watch logs each change.
//
// Thread-safety: the handler runs on the loop thread only.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bfu/kafka/config.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/loop.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::service {

struct LoopSpec {
    std::string name;                 // component name, e.g. "ledger-consumer"
    kafka::KafkaConfig kafka;         // group id and transactional id set
    std::vector<std::string> topics;  // subscribed
    bool transactional = true;
    kafka::LoopOptions options;
    kafka::BatchHandler handler;
    kafka::RebalanceHooks hooks;
    std::function<void(std::stop_token)> before_start;
};

// Where a handler puts outputs that belong to the whole batch (e.g. deviation events after a
// flush): the last message whose outcome is ok, since RunLoop produces outputs only for ok
// outcomes. nullptr when no message of the batch is ok.
[[nodiscard]] kafka::Outcome* BatchOutputSlot(std::vector<kafka::Outcome>& outcomes);

class LoopComponent final : public runtime::Component {
public:
    LoopComponent(LoopSpec spec, runtime::Context& ctx);
    ~LoopComponent() override;

    [[nodiscard]] std::string Name() const override { return spec_.name; }
    void Start() override;
    void Stop() override;
    [[nodiscard]] bool Ready() const override {
        return running_.load() && !lagging_.load() && !stuck_.load();
    }
    [[nodiscard]] const kafka::LoopStats& stats() const noexcept { return stats_; }

private:
    void Run(std::stop_token stop);
    void Watch(std::stop_token stop);
    void WatchOnce();

    LoopSpec spec_;
    runtime::Context& ctx_;
    std::unique_ptr<kafka::Consumer> consumer_;
    std::unique_ptr<kafka::Producer> producer_;
    std::unique_ptr<kafka::TransactionalProducer> txn_producer_;
    kafka::LoopStats stats_;
    std::atomic<bool> running_{false};
    std::atomic<bool> lagging_{false};
    std::atomic<bool> stuck_{false};
    std::int64_t ready_max_lag_ = 0;            // 0: lag never makes it unready
    std::chrono::milliseconds stuck_after_{0};  // 0: never stuck
    std::uint64_t seen_processed_ = 0;          // watch thread only
    std::uint64_t seen_dead_lettered_ = 0;      // watch thread only
    std::set<std::pair<std::string, std::int32_t>> lag_partitions_;  // watch thread only
    std::jthread thread_;
    std::jthread watch_;
};

}  // namespace bfu::service
