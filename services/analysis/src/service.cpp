#include "bfu/analysis/service.hpp"

#include <malloc.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>

#include "bfu/analysis/commands.hpp"
#include "bfu/analysis/evaluator.hpp"
#include "bfu/analysis/posting.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/reader.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/escalator.hpp"
#include "bfu/service/kafka_log.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/rules.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"

namespace bfu::analysis {

namespace {

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "analysis");
    service::AddFollowUpFields(s);
    service::AddRulesFields(s);
    service::AddRedisFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:15552");
    service::AddEscalationFields(s);
    s.Int("http.port", 18082, "Port of /healthz, /readyz, /metrics");
    s.Int("analysis.changelog_replication", 1,
          "Replication factor of bfu.analysis.outcome when analysis creates it");
    s.DurationMs("analysis.restore_timeout", std::chrono::milliseconds(120000),
                 "How long restoring a partition's cells from the changelog may take");
    s.DurationMs("analysis.session_timeout", std::chrono::milliseconds(10000),
                 "Consumer-group session timeout: how soon a killed instance's partitions move");
    s.DurationMs("redis.check_interval", std::chrono::milliseconds(2000),
                 "How often analysis checks that its unit statuses are still in Redis");
    s.Int("analysis.fetch_queue_kib", 4096,
          "KiB of records each of analysis's Kafka readers fetches ahead (librdkafka's "
          "queued.max.messages.kbytes; its default is 65536)");
    return s;
}

// Blocks from this size on are mmapped (see Wire).
constexpr int kMmapThreshold = 1 << 20;

// Most records a reader fetches ahead, whatever their size. librdkafka fetches until it holds
// 100 000 records (queued.min.messages) or the KiB limit; a changelog record is about 100
// bytes, so the count would bind first, and each queued record carries librdkafka bookkeeping
// of its own besides its bytes. 10 000 is the evaluator's batch; the posting stage's batches
// are 500.
constexpr int kFetchQueueRecords = 10000;

// Bounds what a reader of analysis fetches ahead: the readers catch up on whole topics (a
// year of lines, the changelog of every cell), and what librdkafka holds meanwhile is
// resident memory.
void BoundFetchQueue(kafka::KafkaConfig& kafka, const config::Config& cfg) {
    const auto kib = cfg.GetInt("analysis.fetch_queue_kib");
    if (kib < 1 || kib > 2097151) {  // librdkafka's range
        throw config::ConfigError("analysis.fetch_queue_kib",
                                  "must be 1..2097151 KiB, not " + std::to_string(kib));
    }
    kafka.properties["queued.max.messages.kbytes"] = std::to_string(kib);
    kafka.properties["queued.min.messages"] = std::to_string(kFetchQueueRecords);
}

// bfu.analysis.outcome: analysis's own changelog, compacted, with as many partitions as
// bfu.ledger.lines (partition p holds the cells of the lines of partition p). Created here,
// like a Kafka Streams changelog, because no other service reads it.
std::int32_t EnsureChangelog(const kafka::KafkaConfig& kafka, const std::string& lines,
                             const std::string& changelog, std::int16_t replication) {
    auto admin = kafka::Admin::Create(kafka);
    if (!admin.ok()) throw std::runtime_error("analysis: " + admin.error().ToString());
    auto n = (*admin)->PartitionCount(lines, kafka.startup_timeout);
    if (!n.ok()) {
        throw std::runtime_error("analysis: topic " + lines + ": " + n.error().ToString() +
                                 " (ops/stack up creates the topics of schemas/topics.tsv)");
    }
    kafka::TopicSpec spec{changelog, *n, replication, {{"cleanup.policy", "compact"}}};
    if (auto s = (*admin)->CreateTopics({spec}, std::chrono::seconds(30)); !s.ok()) {
        throw std::runtime_error("analysis: changelog " + changelog + ": " + s.error().ToString());
    }
    return *n;
}

// Reads partitions `parts` of the changelog to their end into the posting stage, with one
// reader (a rebalance hands over several partitions at once).
core::Status RestorePartitions(PostingStage& posting, const kafka::KafkaConfig& kafka,
                               const std::string& changelog, const std::set<std::int32_t>& parts,
                               std::chrono::milliseconds timeout, runtime::Logger& log) {
    auto reader = kafka::PartitionReader::Create(kafka);
    if (!reader.ok()) return core::Error(core::Errc::kUnavailable, reader.error().ToString());
    std::vector<kafka::TopicPartitionOffset> from;
    for (auto p : parts) {
        from.push_back({changelog, p, kafka::kOffsetBeginning});
        posting.BeginRestore(p);
    }
    auto drop = [&] {
        for (auto p : parts) posting.Drop(p);
    };
    if (auto s = (*reader)->Add(from); !s.ok()) {
        drop();
        return core::Error(core::Errc::kUnavailable, s.error().ToString());
    }
    std::size_t records = 0;
    core::Status bad = core::Ok();
    auto read = (*reader)->ReadToEnd(
        [&](const kafka::Message& m) {
            ++records;
            auto cell = DecodeCell(m.key, m.value);
            if (!cell.ok()) {
                bad = cell.error();
                return;
            }
            if (auto s = posting.RestoreCell(m.partition, *cell); !s.ok()) bad = s.error();
        },
        timeout);
    if (!read.ok()) {
        drop();
        return core::Error(core::Errc::kUnavailable, read.error().ToString());
    }
    if (!bad.ok()) {
        // A changelog record analysis cannot read back: its totals would be wrong from here.
        drop();
        return core::Error(core::Errc::kInternal,
                           "changelog " + changelog + ": " + bad.error().ToString());
    }
    for (auto p : parts) posting.FinishRestore(p);
    log.Info("partitions restored from the changelog",
             {{"partitions", std::vector<std::int32_t>(parts.begin(), parts.end())},
              {"records", records},
              {"cells", posting.cell_count()}});
    return core::Ok();
}

void Wire(runtime::Context& ctx) {
    // First, so it outlives every Kafka client: their lines go into the JSON log.
    ctx.Emplace<service::KafkaLogRoute>(ctx.logger());
    // Blocks of 1 MiB and more (the cell tables, librdkafka's fetch responses) come straight
    // from mmap and go back to the system when freed. By default glibc raises this threshold to
    // the largest block freed so far (up to 32 MiB); from then on such blocks come from the
    // malloc arenas, and the holes the cell tables leave there when they grow stay resident.
    (void)mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
    const auto& cfg = ctx.config();
    const std::string redis_prefix = cfg.GetString("redis.prefix");
    auto& log = ctx.logger();
    // The municipality's rules (thresholds, mandates, HR targets, timetable, working days) and
    // the years followed: followup.year pins one, else the business date decides.
    (void)service::FollowUpYear(cfg);
    const auto rules = service::RulesFrom(cfg);
    const auto lifecycle = service::LifecycleFrom(*rules, cfg);
    auto ack_policy = service::AckPolicyFrom(cfg);
    ack_policy.calendar = rules->lifecycle.calendar;

    auto pool = redis::Pool::Create(cfg.GetString("redis.url"));
    if (!pool.ok()) {
        throw config::ConfigError("redis.url", "cannot reach Redis: " + pool.error().ToString());
    }
    std::shared_ptr<redis::Pool> redis = std::move(pool).value();
    if (auto ping = redis->Ping(); !ping.ok()) {
        throw config::ConfigError("redis.url", "Redis does not answer: " + ping.error().ToString());
    }

    const auto kafka = service::KafkaSettings(cfg, "analysis");
    EvaluatorTopics topics;
    topics.lines = service::Topic(cfg, contracts::topics::kLedgerLines);
    topics.changelog = service::Topic(cfg, "bfu.analysis.outcome");
    topics.forecasts = service::Topic(cfg, contracts::topics::kForecasts);
    topics.deviations = service::Topic(cfg, contracts::topics::kDeviations);
    topics.aggregates = service::Topic(cfg, contracts::topics::kUnitAggregates);
    topics.goals = service::Topic(cfg, contracts::topics::kMasterGoals);
    topics.goal_outcomes = service::Topic(cfg, contracts::topics::kOpsGoalOutcomes);
    topics.hr = service::Topic(cfg, contracts::topics::kOpsHr);
    auto ownership = std::make_shared<Ownership>();
    ownership->partition_count =
        EnsureChangelog(kafka, topics.lines, topics.changelog,
                        static_cast<std::int16_t>(cfg.GetInt("analysis.changelog_replication")));

    auto master =
        service::MasterFeed::Add(ctx, "analysis",
                                 {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                                  contracts::topics::kMasterBudget, contracts::topics::kCalendar},
                                 rules);
    // The evaluator is made after the table, which tells it about events read back.
    auto evaluator_slot = std::make_shared<Evaluator*>(nullptr);
    auto& table = ctx.Emplace<service::DeviationTable>(
        service::KafkaSettings(cfg, "analysis", "deviations"), topics.deviations, ctx,
        [evaluator_slot](const contracts::DeviationEvent& e) {
            if (*evaluator_slot != nullptr)
                (*evaluator_slot)->NoteDeviation(e.deviation_id.value());
        });
    auto evaluator_kafka = service::KafkaSettings(cfg, "analysis", "evaluator");
    BoundFetchQueue(evaluator_kafka, cfg);
    auto& evaluator = ctx.Emplace<Evaluator>(
        evaluator_kafka, topics, master, table, ownership, redis, redis_prefix,
        cfg.GetDuration("redis.check_interval"), ctx, ack_policy, rules, lifecycle);
    *evaluator_slot = &evaluator;

    // Stage 1, posting: lines -> cumulative cells -> changelog, exactly once.
    auto& metrics = ctx.metrics();
    auto* lines_in = &metrics.GetCounter("bfu_analysis_lines_total", "Ledger lines posted");
    auto posting = std::make_shared<PostingStage>();
    const auto restore_timeout = cfg.GetDuration("analysis.restore_timeout");
    auto restore_kafka = service::KafkaSettings(cfg, "analysis", "restore");
    BoundFetchQueue(restore_kafka, cfg);
    // An empty or fully read partition answers after this wait: restores end sooner.
    restore_kafka.properties["fetch.wait.max.ms"] = "50";
    service::LoopSpec spec;
    spec.name = "ledger-consumer";
    spec.kafka = kafka;
    spec.kafka.properties["session.timeout.ms"] =
        std::to_string(cfg.GetDuration("analysis.session_timeout").count());
    BoundFetchQueue(spec.kafka, cfg);
    spec.topics = {topics.lines};
    spec.transactional = true;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    spec.hooks.on_assign = [ownership, lines = topics.lines](const auto& parts) {
        std::lock_guard lock(ownership->mu);
        for (const auto& tp : parts) {
            if (tp.topic == lines) ownership->partitions.insert(tp.partition);
        }
        ++ownership->generation;
    };
    spec.hooks.on_revoke = [ownership, posting, lines = topics.lines](const auto& parts, bool) {
        // Waits for the evaluator's current round: nothing of these units is written after.
        std::lock_guard lock(ownership->mu);
        for (const auto& tp : parts) {
            if (tp.topic != lines) continue;
            ownership->partitions.erase(tp.partition);
            posting->Drop(tp.partition);
        }
        ++ownership->generation;
    };
    spec.handler = [=, &log](const std::vector<kafka::Message>& batch) {
        std::vector<kafka::Outcome> outcomes(batch.size());
        // Partitions first seen since they were assigned, or read again after an aborted
        // transaction: their committed cells are exactly the changelog's. All restored at once.
        std::set<std::int32_t> restore;
        std::set<std::int32_t> checked;
        for (const auto& m : batch) {
            if (!checked.insert(m.partition).second) continue;  // the partition's first record
            if (!posting->Loaded(m.partition) || posting->IsReplay(m.partition, m.offset)) {
                restore.insert(m.partition);
            }
        }
        if (!restore.empty()) {
            // The other partitions just assigned too: one read of the changelog for them all.
            std::lock_guard lock(ownership->mu);
            for (auto p : ownership->partitions) {
                if (!posting->Loaded(p)) restore.insert(p);
            }
        }
        std::set<std::int32_t> unavailable;
        core::Status restored = core::Ok();
        if (!restore.empty()) {
            restored = RestorePartitions(*posting, restore_kafka, topics.changelog, restore,
                                         restore_timeout, log);
            if (!restored.ok()) {
                log.Warn("partition restore failed", {{"error", restored.error().ToString()}});
                unavailable = restore;
            }
        }
        // The batch's changed cells, each once with its latest total.
        std::map<std::string, CellRecord> changed;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const auto& m = batch[i];
            if (unavailable.count(m.partition) != 0) {
                outcomes[i].status = restored;
                continue;
            }
            posting->Seen(m.partition, m.offset);
            auto line = contracts::DecodeMessage<contracts::LedgerLine>(m.value);
            if (!line.ok()) {
                outcomes[i].status = std::move(line).error();
                continue;
            }
            auto cell = posting->Post(m.partition, m.offset, m.timestamp_ms, *line);
            if (!cell.ok()) {
                outcomes[i].status = std::move(cell).error();
                continue;
            }
            lines_in->Inc();
            if (*cell) {
                const auto key =
                    CellKey((*cell)->year, (*cell)->unit, (*cell)->account, (*cell)->period);
                changed[key] = std::move(**cell);
            }
        }
        auto* slot = service::BatchOutputSlot(outcomes);
        if (slot != nullptr) {
            for (const auto& [key, c] : changed) {
                slot->outputs.push_back(
                    {topics.changelog, key, EncodeCellValue(c), {}, c.last.partition});
            }
        }
        return outcomes;
    };
    ctx.Emplace<service::LoopComponent>(std::move(spec), ctx);
    auto& server = ctx.Emplace<service::QueryServer>(cfg.GetString("zmq.endpoint"), ctx);
    server.Handle("rebuild", [&evaluator](const nlohmann::json&) -> core::Result<nlohmann::json> {
        evaluator.RequestRebuild();
        return nlohmann::json{{"rebuild", "requested"}};
    });
    AddDeviationCommands(ctx, master);  // deviation.ack
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "analysis", "Outcome against budget at every level; deviations; unit status in Redis",
        MakeSchema(), Wire);
}

}  // namespace bfu::analysis
