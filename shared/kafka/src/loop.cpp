#include "bfu/kafka/loop.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace bfu::kafka {
namespace {

// What one batch asks for once the handler has spoken.
struct Plan {
    std::vector<OutMessage> to_produce;             // outputs and dead letters, in input order
    std::map<TopicPartition, std::int64_t> commit;  // next offset to read, per partition
    std::map<TopicPartition, std::int64_t> retry;   // first offset to read again
    std::map<TopicPartition, std::int64_t> start;   // first offset of the batch
    std::uint64_t processed = 0;
    std::uint64_t dead_lettered = 0;
    std::optional<core::Error> fatal;
};

Plan MakePlan(const std::vector<Message>& batch, std::vector<Outcome>& outcomes,
              const LoopOptions& options) {
    Plan plan;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const Message& m = batch[i];
        const TopicPartition tp{m.topic, m.partition};
        plan.start.try_emplace(tp, m.offset);
        if (plan.retry.count(tp) != 0) {
            continue;  // order within a partition: nothing after a message to retry
        }
        Outcome& o = outcomes[i];
        if (o.status.ok()) {
            for (auto& out : o.outputs) {
                plan.to_produce.push_back(std::move(out));
            }
            plan.commit[tp] = m.offset + 1;
            ++plan.processed;
            continue;
        }
        const core::Error& error = o.status.error();
        switch (error.Class()) {
            case core::ErrorClass::kPoison:
                plan.to_produce.push_back(DeadLetter(m, error, options.dlq_topic, options.source));
                plan.commit[tp] = m.offset + 1;
                ++plan.dead_lettered;
                break;
            case core::ErrorClass::kRetryable:
                plan.retry[tp] = m.offset;
                break;
            case core::ErrorClass::kFatal:
                plan.fatal =
                    core::Error(error.code, error.field,
                                "handler failed on " + m.topic + "[" + std::to_string(m.partition) +
                                    "]@" + std::to_string(m.offset) + ": " + error.message);
                return plan;
        }
    }
    return plan;
}

std::vector<TopicPartitionOffset> Offsets(const std::map<TopicPartition, std::int64_t>& m) {
    std::vector<TopicPartitionOffset> out;
    out.reserve(m.size());
    for (const auto& [tp, offset] : m) {
        out.push_back({tp.topic, tp.partition, offset});
    }
    return out;
}

// Exponential back-off that a stop request cuts short.
class Backoff {
public:
    explicit Backoff(const LoopOptions& options)
        : initial_(options.backoff_initial), max_(options.backoff_max), next_(initial_) {}

    void Reset() { next_ = initial_; }

    void Wait(std::stop_token stop) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, stop, next_, [] { return false; });
        next_ = std::min(next_ * 2, max_);
    }

private:
    std::chrono::milliseconds initial_;
    std::chrono::milliseconds max_;
    std::chrono::milliseconds next_;
    std::mutex mu_;
    std::condition_variable_any cv_;
};

class Loop {
public:
    Loop(Consumer& consumer, const BatchHandler& handler, const LoopOptions& options,
         LoopStats* stats)
        : consumer_(consumer),
          handler_(handler),
          options_(options),
          stats_(stats),
          backoff_(options) {}

    // `write` makes the plan's outputs durable together with its offsets, or fails.
    template <typename Write>
    core::Status Run(std::stop_token stop, Write write) {
        while (!stop.stop_requested()) {
            Beat();
            auto polled = consumer_.Poll(options_.max_batch, options_.poll_timeout);
            if (!polled.ok()) {
                if (!polled.error().IsRetryable()) {
                    return std::move(polled).error();
                }
                Log("poll: " + polled.error().ToString() + "; backing off");
                Retry(stop);
                continue;
            }
            const std::vector<Message>& batch = polled.value();
            if (batch.empty()) {
                continue;
            }
            const auto started = std::chrono::steady_clock::now();
            std::vector<Outcome> outcomes = handler_(batch);
            if (outcomes.size() != batch.size()) {
                return core::Error(core::Errc::kInternal, "kafka.loop",
                                   "the handler returned " + std::to_string(outcomes.size()) +
                                       " outcomes for " + std::to_string(batch.size()) +
                                       " messages; it must return one per message");
            }
            Plan plan = MakePlan(batch, outcomes, options_);
            if (plan.fatal) {
                Discard(batch, plan.start);
                return *plan.fatal;
            }
            if (!plan.to_produce.empty() || !plan.commit.empty()) {
                core::Status written = write(plan);
                if (!written.ok()) {
                    Discard(batch, plan.start);
                    if (!written.error().IsRetryable()) {
                        return written;
                    }
                    // Nothing of this batch is known durable: read all of it again.
                    Log("write: " + written.error().ToString() + "; rewinding the batch");
                    Rewind(plan.start);
                    Retry(stop);
                    continue;
                }
                if (stats_ != nullptr) {
                    ++stats_->batches;
                    stats_->processed += plan.processed;
                    stats_->dead_lettered += plan.dead_lettered;
                }
            }
            if (!plan.retry.empty()) {
                Discard(batch, plan.retry);
            }
            if (options_.on_written) {
                options_.on_written();
            }
            if (options_.on_batch) {
                options_.on_batch(batch, std::chrono::steady_clock::now() - started);
            }
            if (!plan.retry.empty()) {
                Rewind(plan.retry);
                Retry(stop);
            } else {
                backoff_.Reset();
            }
        }
        return core::Ok();
    }

private:
    void Beat() {
        if (stats_ != nullptr) {
            stats_->heartbeat_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::steady_clock::now().time_since_epoch())
                                           .count(),
                                       std::memory_order_relaxed);
        }
    }

    // Tells on_discarded of the batch's records at or after `from` in their partition.
    void Discard(const std::vector<Message>& batch,
                 const std::map<TopicPartition, std::int64_t>& from) const {
        if (!options_.on_discarded) {
            return;
        }
        std::vector<TopicPartitionOffset> dropped;
        for (const Message& m : batch) {
            auto it = from.find(TopicPartition{m.topic, m.partition});
            if (it != from.end() && m.offset >= it->second) {
                dropped.push_back({m.topic, m.partition, m.offset});
            }
        }
        if (!dropped.empty()) {
            options_.on_discarded(dropped);
        }
    }

    void Retry(std::stop_token stop) {
        if (stats_ != nullptr) {
            ++stats_->retries;
        }
        backoff_.Wait(stop);
    }

    void Rewind(const std::map<TopicPartition, std::int64_t>& to) {
        // A partition lost in a rebalance cannot be sought; its new owner reads it again from
        // the committed offset, which is all the rewind is for.
        core::Status s = consumer_.Seek(Offsets(to), options_.flush_timeout);
        if (!s.ok()) {
            Log("rewind: " + s.error().ToString());
        }
    }

    void Log(const std::string& text) const {
        if (options_.log) {
            options_.log(text);
        } else {
            std::fprintf(stderr, "bfu::kafka loop %s: %s\n", consumer_.GroupId().c_str(),
                         text.c_str());
        }
    }

    Consumer& consumer_;
    const BatchHandler& handler_;
    const LoopOptions& options_;
    LoopStats* stats_;
    Backoff backoff_;
};

// A producer error outside a transaction: retryable ones are retried by rewinding the batch;
// a poison one (a record the broker will never take, e.g. too large) means the handler built
// an impossible output, which retrying cannot fix, so the loop stops with it as fatal.
core::Status AsLoopError(core::Status status) {
    if (status.ok() || !status.error().IsPoison()) {
        return status;
    }
    return core::Error(core::Errc::kInternal, status.error().field,
                       "a handler output cannot be produced: " + status.error().message);
}

}  // namespace

OutMessage DeadLetter(const Message& message, const core::Error& reason, std::string_view dlq_topic,
                      std::string_view source) {
    OutMessage out;
    out.topic = std::string(dlq_topic);
    out.key = message.key;
    out.value = message.value;
    out.headers = message.headers;
    out.headers.push_back({std::string(kDlqReasonHeader), reason.ToString()});
    out.headers.push_back({std::string(kDlqErrcHeader), std::string(core::ToString(reason.code))});
    out.headers.push_back({std::string(kDlqTopicHeader), message.topic});
    out.headers.push_back({std::string(kDlqPartitionHeader), std::to_string(message.partition)});
    out.headers.push_back({std::string(kDlqOffsetHeader), std::to_string(message.offset)});
    if (!source.empty()) {
        out.headers.push_back({std::string(kDlqSourceHeader), std::string(source)});
    }
    return out;
}

core::Status RunLoop(Consumer& consumer, Producer& producer, const BatchHandler& handler,
                     std::stop_token stop, const LoopOptions& options, LoopStats* stats) {
    Loop loop(consumer, handler, options, stats);
    return loop.Run(stop, [&](const Plan& plan) -> core::Status {
        for (const auto& out : plan.to_produce) {
            BFU_TRY(AsLoopError(producer.Produce(out)));
        }
        // Durable first (acks=all, every record acknowledged), then the offsets.
        BFU_TRY(AsLoopError(producer.Flush(options.flush_timeout)));
        return consumer.Commit(Offsets(plan.commit));
    });
}

core::Status RunLoop(Consumer& consumer, TransactionalProducer& producer,
                     const BatchHandler& handler, std::stop_token stop, const LoopOptions& options,
                     LoopStats* stats) {
    Loop loop(consumer, handler, options, stats);
    return loop.Run(stop, [&](const Plan& plan) -> core::Status {
        BFU_TRY(producer.Begin());
        auto fail = [&](core::Status status) -> core::Status {
            // An open transaction must not outlive a failed batch: abort it so the next Begin
            // starts clean. If even the abort fails, that failure is what the caller must see.
            if (producer.InTransaction()) {
                BFU_TRY(producer.Abort(options.flush_timeout));
            }
            return AsLoopError(std::move(status));
        };
        for (const auto& out : plan.to_produce) {
            core::Status s = producer.Produce(out);
            if (!s.ok()) {
                return fail(std::move(s));
            }
        }
        core::Status sent =
            producer.SendOffsets(consumer, Offsets(plan.commit), options.flush_timeout);
        if (!sent.ok()) {
            return fail(std::move(sent));
        }
        core::Status committed = producer.Commit(options.flush_timeout);
        if (!committed.ok()) {
            return fail(std::move(committed));
        }
        return core::Ok();
    });
}

}  // namespace bfu::kafka
