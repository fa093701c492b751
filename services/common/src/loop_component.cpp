#include "bfu/service/loop_component.hpp"

#include <stdexcept>

#include "bfu/kafka/admin.hpp"

namespace bfu::service {

kafka::Outcome* BatchOutputSlot(std::vector<kafka::Outcome>& outcomes) {
    for (auto it = outcomes.rbegin(); it != outcomes.rend(); ++it) {
        if (it->status.ok()) return &*it;
    }
    return nullptr;
}

LoopComponent::LoopComponent(LoopSpec spec, runtime::Context& ctx)
    : spec_(std::move(spec)), ctx_(ctx) {
    if (spec_.options.source.empty()) spec_.options.source = ctx_.logger().service();
    if (!spec_.options.log) {
        spec_.options.log = [this](std::string_view msg) {
            ctx_.logger().Warn(msg, {{"component", spec_.name}});
        };
    }
}

LoopComponent::~LoopComponent() { Stop(); }

void LoopComponent::Start() {
    // Start-up errors (bad property, no broker, missing topic) are thrown: App exits non-zero
    // with the message. A missing topic would otherwise be retried for ever.
    {
        auto admin = kafka::Admin::Create(spec_.kafka);
        if (!admin.ok()) throw std::runtime_error(spec_.name + ": " + admin.error().ToString());
        for (const auto& t : spec_.topics) {
            auto parts = (*admin)->PartitionCount(t, spec_.kafka.startup_timeout);
            if (!parts.ok()) {
                throw std::runtime_error(
                    spec_.name + ": topic " + t + ": " + parts.error().ToString() +
                    " (ops/stack up creates the topics of schemas/topics.tsv)");
            }
        }
    }
    if (spec_.transactional) {
        auto p = kafka::TransactionalProducer::Create(spec_.kafka);
        if (!p.ok()) throw std::runtime_error(spec_.name + ": " + p.error().ToString());
        txn_producer_ = std::move(p).value();
    } else {
        auto p = kafka::Producer::Create(spec_.kafka);
        if (!p.ok()) throw std::runtime_error(spec_.name + ": " + p.error().ToString());
        producer_ = std::move(p).value();
    }
    auto c = kafka::Consumer::Create(spec_.kafka, spec_.hooks);
    if (!c.ok()) throw std::runtime_error(spec_.name + ": " + c.error().ToString());
    consumer_ = std::move(c).value();
    thread_ = std::jthread([this](std::stop_token st) { Run(st); });
}

void LoopComponent::Run(std::stop_token stop) {
    if (spec_.before_start) spec_.before_start(stop);
    if (stop.stop_requested()) return;
    if (auto s = consumer_->Subscribe(spec_.topics); !s.ok()) {
        ctx_.RequestShutdown(runtime::kExitFatal, spec_.name + ": " + s.error().ToString());
        return;
    }
    running_ = true;
    ctx_.logger().Info("consuming", {{"component", spec_.name}, {"topics", spec_.topics}});
    core::Status result =
        spec_.transactional
            ? kafka::RunLoop(*consumer_, *txn_producer_, spec_.handler, stop, spec_.options,
                             &stats_)
            : kafka::RunLoop(*consumer_, *producer_, spec_.handler, stop, spec_.options, &stats_);
    running_ = false;
    if (!result.ok()) {
        ctx_.RequestShutdown(runtime::kExitFatal, spec_.name + ": " + result.error().ToString());
    }
}

void LoopComponent::Stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
    if (consumer_) {
        (void)consumer_->Close();
    }
}

}  // namespace bfu::service
