#pragma once
// Evaluator: stage 2 of analysis as a runtime component. Its thread reads the WHOLE changelog
// bfu.analysis.outcome (every partition, read_committed, from the start and then continuously)
// and bfu.forecasts into the AnalysisEngine, and bfu.master.goals, bfu.ops.goal-outcomes and
// bfu.ops.hr (every partition, from the start) into the IndicatorTracker, takes master data from
// the MasterFeed and the deviations' latest states from the DeviationTable, and after every batch
// writes what changed for the units this instance owns: deviation events (budget, investment, goal,
// hr) to bfu.deviations and aggregates to bfu.unit.aggregates (idempotent producer; a failure stops
// the service, whose restart rebuilds everything), and statuses to Redis (absolutely).
//
// Ownership: a unit is owned by the group member that holds partition UnitPartition(unit) of
// bfu.ledger.lines (Ownership, kept by the posting stage's rebalance hooks). The evaluator
// writes under Ownership::mu, and the hooks change the partitions under it, so a revoked unit
// is never written after its revocation returns.
//
// Redis rebuild: after every successful write the evaluator knows every owned unit has a hash;
// every `redis.check_interval` it checks they still exist (one EXISTS) and, when some are
// gone (Redis flushed or restarted empty), writes every owned unit and its deviations again.
// RequestRebuild() (the ZeroMQ op "rebuild") does the same on demand.
//
// Ready() turns true once the changelog has been read to its end as it was at start, and
// master data and the deviation table have caught up; nothing is written before, so a
// restart never reports a partial state.
//
// Thread-safety: RequestRebuild, NoteDeviation and Ready may be called from any thread.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bfu/analysis/engine.hpp"
#include "bfu/analysis/indicators.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/rules.hpp"

namespace bfu::analysis {

// Which partitions of bfu.ledger.lines this member holds.
struct Ownership {
    std::mutex mu;
    std::set<std::int32_t> partitions;
    std::uint64_t generation = 0;
    std::int32_t partition_count = 1;
};

struct EvaluatorTopics {
    std::string changelog;      // bfu.analysis.outcome
    std::string lines;          // bfu.ledger.lines (named in triggers)
    std::string forecasts;      // bfu.forecasts
    std::string deviations;     // bfu.deviations
    std::string aggregates;     // bfu.unit.aggregates
    std::string goals;          // bfu.master.goals
    std::string goal_outcomes;  // bfu.ops.goal-outcomes
    std::string hr;             // bfu.ops.hr
};

class Evaluator final : public runtime::Component {
public:
    Evaluator(kafka::KafkaConfig kafka, EvaluatorTopics topics,
              std::shared_ptr<service::MasterFeed> master, service::DeviationTable& table,
              std::shared_ptr<Ownership> ownership, std::shared_ptr<redis::Pool> redis,
              std::string redis_prefix, std::chrono::milliseconds check_interval,
              runtime::Context& ctx, domain::AckPolicy ack_policy = {},
              std::shared_ptr<const service::MunicipalRules> rules = nullptr,
              domain::LifecycleRules lifecycle = {});
    ~Evaluator() override;

    [[nodiscard]] std::string Name() const override { return "evaluator"; }
    void Start() override;
    void Stop() override;
    [[nodiscard]] bool Ready() const override { return ready_.load(); }

    // Writes every owned unit and its deviations to Redis with the next round.
    void RequestRebuild() { rebuild_.store(true); }
    // A deviation event was read from bfu.deviations (the table's reader thread).
    void NoteDeviation(const std::string& id);

private:
    void Run(std::stop_token stop);
    void Round(bool full);
    void SyncOwnership();
    // False when the deviation table did not catch up in time (the units wait for the next round).
    [[nodiscard]] bool RestoreGained();
    void RestoreKnown(const service::DeviationRecord& r);
    // Feeds a goal, goal outcome or HR record to the tracker; false when it does not decode.
    bool ReadIndicator(const std::string& topic, const std::string& key, const std::string& value);
    [[nodiscard]] bool RedisComplete();

    kafka::KafkaConfig kafka_;
    EvaluatorTopics topics_;
    std::shared_ptr<service::MasterFeed> master_;
    service::DeviationTable& table_;
    std::shared_ptr<Ownership> ownership_;
    std::shared_ptr<redis::Pool> redis_;
    std::string redis_prefix_;
    std::chrono::milliseconds check_interval_;
    runtime::Context& ctx_;
    AnalysisEngine engine_;
    IndicatorTracker indicators_;
    std::shared_ptr<const service::MasterData> master_data_;
    domain::AckPolicy ack_policy_;
    std::chrono::steady_clock::time_point last_escalation_check_{};
    std::unique_ptr<kafka::Producer> producer_;
    std::uint64_t seen_generation_ = ~0ULL;
    std::vector<int> years_;  // the years followed at the last round
    bool redis_stale_ = false;
    std::atomic<bool> rebuild_{false};
    std::atomic<bool> ready_{false};
    std::mutex pending_mu_;
    std::set<std::string> pending_deviations_;
    std::jthread thread_;
};

}  // namespace bfu::analysis
