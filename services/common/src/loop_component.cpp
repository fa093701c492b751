#include "bfu/service/loop_component.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <utility>

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
    const auto& cfg = ctx_.config();
    if (cfg.Has("kafka.ready_max_lag")) ready_max_lag_ = cfg.GetInt("kafka.ready_max_lag");
    if (cfg.Has("kafka.stuck_after")) stuck_after_ = cfg.GetDuration("kafka.stuck_after");
    // Histograms of every batch: how long it took and how old its records were when handled.
    const runtime::Labels labels = {{"component", spec_.name}};
    auto& batch_seconds = ctx_.metrics().GetHistogram(
        "bfu_kafka_batch_seconds", "Time from a batch's poll to its outputs written",
        runtime::DefaultLatencyBuckets(), labels);
    auto& record_age = ctx_.metrics().GetHistogram(
        "bfu_kafka_record_age_seconds",
        "Age of a record when its batch was written: now minus its producer timestamp",
        {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}, labels);
    auto previous = std::move(spec_.options.on_batch);
    spec_.options.on_batch = [&batch_seconds, &record_age, previous](
                                 const std::vector<kafka::Message>& batch,
                                 std::chrono::steady_clock::duration took) {
        batch_seconds.Observe(std::chrono::duration<double>(took).count());
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        for (const auto& m : batch) {
            if (m.timestamp_ms > 0) {
                record_age.Observe(
                    static_cast<double>(std::max<std::int64_t>(0, now_ms - m.timestamp_ms)) /
                    1000.0);
            }
        }
        if (previous) previous(batch, took);
    };
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
    watch_ = std::jthread([this](std::stop_token st) { Watch(st); });
}

void LoopComponent::Watch(std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
        WatchOnce();
        std::unique_lock lock(mu);
        cv.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
    }
}

void LoopComponent::WatchOnce() {
    auto& metrics = ctx_.metrics();
    auto& log = ctx_.logger();
    const runtime::Labels labels = {{"component", spec_.name}};
    const std::uint64_t processed = stats_.processed.load();
    const std::uint64_t dead = stats_.dead_lettered.load();
    metrics.GetCounter("bfu_kafka_records_total", "Records handled with an ok outcome", labels)
        .Inc(processed - seen_processed_);
    metrics
        .GetCounter("bfu_kafka_dead_letters_total", "Records sent to bfu.dlq by this loop", labels)
        .Inc(dead - seen_dead_lettered_);
    seen_processed_ = processed;
    seen_dead_lettered_ = dead;

    if (!running_.load()) return;
    std::int64_t total = 0;
    auto gauge = [&](const std::string& topic, std::int32_t partition) -> runtime::Gauge& {
        return metrics.GetGauge(
            "bfu_kafka_consumer_lag",
            "Records behind the partition's end (high watermark) for this consumer group; 0 for a "
            "partition this instance no longer has",
            {{"component", spec_.name},
             {"group", consumer_->GroupId()},
             {"topic", topic},
             {"partition", std::to_string(partition)}});
    };
    if (auto lag = consumer_->Lag(); lag.ok()) {
        std::set<std::pair<std::string, std::int32_t>> now;
        for (const auto& p : *lag) {
            gauge(p.topic, p.partition).Set(static_cast<double>(p.lag));
            if (p.lag > 0) total += p.lag;
            now.emplace(p.topic, p.partition);
        }
        // A partition moved to another instance in a rebalance: its lag is theirs now.
        for (const auto& [topic, partition] : lag_partitions_) {
            if (now.count({topic, partition}) == 0) gauge(topic, partition).Set(0);
        }
        lag_partitions_ = std::move(now);
    }
    metrics
        .GetGauge("bfu_kafka_consumer_lag_sum",
                  "Records behind over all partitions assigned to this instance", labels)
        .Set(static_cast<double>(total));
    const bool lagging = ready_max_lag_ > 0 && total > ready_max_lag_;
    if (lagging != lagging_.exchange(lagging)) {
        if (lagging) {
            log.Warn("not ready: lag above the bound",
                     {{"component", spec_.name}, {"lag", total}, {"bound", ready_max_lag_}});
        } else {
            log.Info("ready again: lag within the bound",
                     {{"component", spec_.name}, {"lag", total}, {"bound", ready_max_lag_}});
        }
    }
    const std::int64_t beat = stats_.heartbeat_ns.load();
    const auto since =
        std::chrono::steady_clock::now().time_since_epoch() - std::chrono::nanoseconds(beat);
    const bool stuck = stuck_after_.count() > 0 && beat > 0 && since > stuck_after_;
    if (stuck != stuck_.exchange(stuck)) {
        if (stuck) {
            log.Error(
                "not ready: the loop has not come back to poll",
                {{"component", spec_.name},
                 {"seconds", std::chrono::duration_cast<std::chrono::seconds>(since).count()}});
        } else {
            log.Info("ready again: the loop polls", {{"component", spec_.name}});
        }
    }
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
    if (watch_.joinable()) {
        watch_.request_stop();
        watch_.join();
    }
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
    if (consumer_) {
        (void)consumer_->Close();
    }
}

}  // namespace bfu::service
