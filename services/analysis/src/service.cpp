#include "bfu/analysis/service.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "bfu/analysis/engine.hpp"
#include "bfu/analysis/status_writer.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"

namespace bfu::analysis {

namespace {

constexpr std::string_view kSource = "bfu/analysis";

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "analysis");
    service::AddFollowUpFields(s);
    service::AddRedisFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:15552");
    s.Int("http.port", 18082, "Port of /healthz, /readyz, /metrics");
    return s;
}

void Wire(runtime::Context& ctx) {
    const auto& cfg = ctx.config();
    const std::string redis_prefix = cfg.GetString("redis.prefix");
    auto& log = ctx.logger();

    auto pool = redis::Pool::Create(cfg.GetString("redis.url"));
    if (!pool.ok()) {
        throw config::ConfigError("redis.url", "cannot reach Redis: " + pool.error().ToString());
    }
    std::shared_ptr<redis::Pool> redis = std::move(pool).value();
    if (auto ping = redis->Ping(); !ping.ok()) {
        throw config::ConfigError("redis.url", "Redis does not answer: " + ping.error().ToString());
    }

    auto engine = std::make_shared<AnalysisEngine>();
    auto master =
        service::MasterFeed::Add(ctx, "analysis",
                                 {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                                  contracts::topics::kMasterBudget});

    auto& metrics = ctx.metrics();
    auto* lines_in = &metrics.GetCounter("bfu_analysis_lines_total", "Ledger lines posted");
    auto* deviations_out =
        &metrics.GetCounter("bfu_analysis_deviation_events_total", "Deviation events written");
    auto* redis_writes =
        &metrics.GetCounter("bfu_analysis_status_writes_total", "Unit statuses written to Redis");
    const std::string deviations_topic = service::Topic(cfg, contracts::topics::kDeviations);
    const std::string aggregates_topic = service::Topic(cfg, contracts::topics::kUnitAggregates);

    service::LoopSpec spec;
    spec.name = "ledger-consumer";
    spec.kafka = service::KafkaSettings(cfg, "analysis");
    spec.topics = {service::Topic(cfg, contracts::topics::kLedgerLines)};
    spec.transactional = true;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    spec.before_start = [master](std::stop_token st) { master->WaitCaughtUp(st); };
    // Offsets already posted into the engine, per partition. A record read again (its batch's
    // transaction aborted and the loop rewound) is not posted twice; the whole tree is then
    // re-evaluated so aggregates and statuses are written again.
    auto applied = std::make_shared<std::map<std::pair<std::string, std::int32_t>, std::int64_t>>();
    auto redis_stale = std::make_shared<bool>(false);
    spec.handler = [=, &log](const std::vector<kafka::Message>& batch) {
        core::WallClock clock;
        if (auto md = master->Take()) {
            engine->SetMaster(md);
            log.Info("master data applied", {{"units", md->org.size()}});
        }
        std::vector<kafka::Outcome> outcomes(batch.size());
        bool replay = false;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const auto& m = batch[i];
            auto [it, fresh] = applied->try_emplace({m.topic, m.partition}, -1);
            if (!fresh && m.offset <= it->second) {
                replay = true;
                continue;
            }
            it->second = m.offset;
            auto line = contracts::DecodeMessage<contracts::LedgerLine>(m.value);
            if (!line.ok()) {
                outcomes[i].status = std::move(line).error();
                continue;
            }
            contracts::Trigger trigger;
            trigger.topic = m.topic;
            trigger.partition = m.partition;
            trigger.offset = m.offset;
            trigger.voucher =
                contracts::TriggerVoucher{line->voucher.source, line->voucher.voucher_id};
            outcomes[i].status = engine->Apply(*line, trigger);
            if (outcomes[i].status.ok()) lines_in->Inc();
        }
        if (replay) engine->MarkAllDirty();
        auto* slot = service::BatchOutputSlot(outcomes);
        if (slot == nullptr) {
            // Nothing of this batch was posted; evaluate everything with the next batch.
            engine->MarkAllDirty();
            return outcomes;
        }
        auto out = engine->Flush(clock.Now());
        auto& last = slot->outputs;
        for (const auto& d : out.deviations) {
            const std::string id = d.deviation_id.value() + ":" + std::to_string(d.seq);
            last.push_back({deviations_topic,
                            d.Key(),
                            contracts::EncodeMessage(
                                d, {id, std::string(kSource), clock.Now(), d.unit.value()}),
                            {}});
            log.Info("deviation", {{"id", d.deviation_id.value()},
                                   {"event", contracts::ToString(d.event)},
                                   {"deviation_ore", d.deviation_ore.value_or(0)}});
        }
        for (const auto& a : out.aggregates) {
            last.push_back(
                {aggregates_topic,
                 a.Key(),
                 contracts::EncodeMessage(a, {contracts::NewEventId(), std::string(kSource),
                                              clock.Now(), a.unit.value()}),
                 {}});
        }
        deviations_out->Inc(out.deviations.size());
        // Redis is a cache written absolutely: when it is down the Kafka outputs still go out,
        // and every status is written again once it answers.
        auto statuses = *redis_stale ? engine->AllStatuses(clock.Now()) : out.statuses;
        if (auto s = WriteStatus(*redis, redis_prefix, statuses, out.deviations); !s.ok()) {
            if (!*redis_stale) log.Warn("redis write failed", {{"error", s.error().ToString()}});
            *redis_stale = true;
        } else {
            if (*redis_stale) log.Info("redis written again after a failure");
            *redis_stale = false;
            redis_writes->Inc(statuses.size());
        }
        return outcomes;
    };
    ctx.Emplace<service::LoopComponent>(std::move(spec), ctx);
    ctx.Emplace<service::QueryServer>(cfg.GetString("zmq.endpoint"), ctx);
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "analysis", "Outcome against budget at every level; deviations; unit status in Redis",
        MakeSchema(), Wire);
}

}  // namespace bfu::analysis
