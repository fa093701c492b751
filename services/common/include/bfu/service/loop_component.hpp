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
// Thread-safety: the handler runs on the loop thread only.
#include <functional>
#include <memory>
#include <string>
#include <thread>
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
    [[nodiscard]] bool Ready() const override { return running_.load(); }
    [[nodiscard]] const kafka::LoopStats& stats() const noexcept { return stats_; }

private:
    void Run(std::stop_token stop);

    LoopSpec spec_;
    runtime::Context& ctx_;
    std::unique_ptr<kafka::Consumer> consumer_;
    std::unique_ptr<kafka::Producer> producer_;
    std::unique_ptr<kafka::TransactionalProducer> txn_producer_;
    kafka::LoopStats stats_;
    std::atomic<bool> running_{false};
    std::jthread thread_;
};

}  // namespace bfu::service
