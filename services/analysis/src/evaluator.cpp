#include "bfu/analysis/evaluator.hpp"

#include <malloc.h>

#include <chrono>
#include <stdexcept>

#include "bfu/analysis/status_writer.hpp"
#include "bfu/contracts/deviation_event_id.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/reader.hpp"
#include "bfu/service/escalator.hpp"
#include "bfu/service/service_config.hpp"
#include "bfu/service/status_keys.hpp"
#include "bfu/service/unit_partition.hpp"

namespace bfu::analysis {

namespace {

constexpr std::string_view kSource = "bfu/analysis";
constexpr auto kFlushTimeout = std::chrono::seconds(30);
// How long a round waits for the deviation table after units came to this instance.
constexpr auto kCatchUpWait = std::chrono::seconds(5);

// Gives the allocator's free pages back to the system. Reading a topic to its end frees what
// librdkafka fetched and the batches decoded from it in many threads' malloc arenas, and glibc
// returns a free page in the middle of an arena only when asked; unreturned, it stays resident
// for good. About a millisecond (0.2-6 ms measured while a year of lines streamed in), so once
// per check interval and after the initial catch-up.
void ReleaseFreeMemory() { (void)malloc_trim(0); }

// The kinds analysis writes: forecast deviations are forecasting's.
bool IsAnalysisKind(contracts::DeviationKind k) {
    return k == contracts::DeviationKind::kBudget || k == contracts::DeviationKind::kInvestment ||
           k == contracts::DeviationKind::kGoal || k == contracts::DeviationKind::kHr;
}

}  // namespace

Evaluator::Evaluator(kafka::KafkaConfig kafka, EvaluatorTopics topics,
                     std::shared_ptr<service::MasterFeed> master, service::DeviationTable& table,
                     std::shared_ptr<Ownership> ownership, std::shared_ptr<redis::Pool> redis,
                     std::string redis_prefix, std::chrono::milliseconds check_interval,
                     runtime::Context& ctx, domain::AckPolicy ack_policy,
                     std::shared_ptr<const service::MunicipalRules> rules,
                     domain::LifecycleRules lifecycle)
    : kafka_(std::move(kafka)),
      topics_(std::move(topics)),
      master_(std::move(master)),
      table_(table),
      ownership_(std::move(ownership)),
      redis_(std::move(redis)),
      redis_prefix_(std::move(redis_prefix)),
      check_interval_(check_interval),
      ctx_(ctx),
      engine_(rules ? rules->deviation : domain::DeviationRules::Defaults(), std::move(lifecycle)),
      indicators_(rules ? rules->deviation : domain::DeviationRules::Defaults(),
                  rules ? rules->hr : service::HrTargets{}),
      ack_policy_(std::move(ack_policy)) {
    engine_.SetLineTopic(topics_.lines);
    engine_.SetAckPolicy(ack_policy_);
    indicators_.SetAckPolicy(ack_policy_);
}

Evaluator::~Evaluator() { Stop(); }

void Evaluator::Start() {
    auto p = kafka::Producer::Create(kafka_);
    if (!p.ok()) throw std::runtime_error("evaluator: " + p.error().ToString());
    producer_ = std::move(p).value();
    thread_ = std::jthread([this](std::stop_token st) { Run(st); });
}

void Evaluator::Stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
    if (producer_) (void)producer_->Flush(kFlushTimeout);
}

void Evaluator::NoteDeviation(const std::string& id) {
    std::lock_guard lock(pending_mu_);
    pending_deviations_.insert(id);
}

void Evaluator::Run(std::stop_token stop) {
    auto& log = ctx_.logger();
    auto fail = [&](const std::string& what) {
        ctx_.RequestShutdown(runtime::kExitFatal, "evaluator: " + what);
    };
    auto reader = kafka::PartitionReader::Create(kafka_);
    if (!reader.ok()) return fail(reader.error().ToString());
    {
        auto admin = kafka::Admin::Create(kafka_);
        if (!admin.ok()) return fail(admin.error().ToString());
        std::vector<kafka::TopicPartitionOffset> parts;
        for (const auto& topic : {topics_.changelog, topics_.forecasts, topics_.goals,
                                  topics_.goal_outcomes, topics_.hr}) {
            auto n = (*admin)->PartitionCount(topic, kafka_.startup_timeout);
            if (!n.ok()) return fail("topic " + topic + ": " + n.error().ToString());
            for (std::int32_t p = 0; p < *n; ++p) {
                parts.push_back({topic, p, kafka::kOffsetBeginning});
            }
        }
        if (auto s = (*reader)->Add(parts); !s.ok()) return fail(s.error().ToString());
    }
    auto& cells_gauge = ctx_.metrics().GetGauge("bfu_analysis_cells", "Outcome cells held", {});
    auto& unplaced = ctx_.metrics().GetGauge("bfu_analysis_cells_unplaced",
                                             "Cells whose unit or group the master data lacks", {});
    auto& bad = ctx_.metrics().GetCounter("bfu_analysis_changelog_bad_records_total",
                                          "Changelog or forecast records that did not decode");
    bool caught_up = false;
    auto last_check = std::chrono::steady_clock::now();
    while (!stop.stop_requested()) {
        auto batch = (*reader)->Poll(10000, std::chrono::milliseconds(100));
        if (!batch.ok()) {
            if (batch.error().IsFatal()) return fail(batch.error().ToString());
            log.Warn("changelog read", {{"error", batch.error().ToString()}});
            continue;
        }
        for (const auto& m : *batch) {
            if (m.topic == topics_.changelog) {
                auto cell = DecodeCell(m.key, m.value);
                core::Status s = cell.ok() ? engine_.SetCell(*cell) : core::Status(cell.error());
                if (!s.ok()) {
                    bad.Inc();
                    log.Warn("changelog record left out", {{"partition", m.partition},
                                                           {"offset", m.offset},
                                                           {"error", s.error().ToString()}});
                }
            } else if (m.topic != topics_.forecasts) {
                if (!ReadIndicator(m.topic, m.key, m.value)) bad.Inc();
            } else if (!m.value.empty()) {
                auto f = contracts::DecodeMessage<contracts::Forecast>(m.value);
                if (!f.ok()) {
                    bad.Inc();
                    continue;
                }
                engine_.SetForecast(f->unit.value(), f->year, f->total_ore, f->round);
            }
        }
        if (!caught_up) {
            // Nothing is evaluated before the whole changelog as it was at start is in: a
            // partial outcome would close deviations that are open and open others.
            if (!batch->empty()) continue;
            auto done = (*reader)->CaughtUp(std::chrono::milliseconds(5000));
            if (!done.ok() || !*done) continue;
            master_->WaitCaughtUp(stop);
            while (!stop.stop_requested() && !table_.WaitCaughtUp(std::chrono::milliseconds(200))) {
            }
            if (stop.stop_requested()) break;
            caught_up = true;
            // Redis is a cache that may be anything by now: the first round writes every owned
            // unit and deviation.
            rebuild_.store(true);
            log.Info("changelog read to its end", {{"cells", engine_.cell_count()}});
            ReleaseFreeMemory();
        }
        const bool timed_check = std::chrono::steady_clock::now() - last_check >= check_interval_;
        if (!batch->empty() && !timed_check && !rebuild_.load()) {
            // Drain what is already fetched before evaluating: one round per burst.
            if (batch->size() >= 10000) continue;
        }
        bool full = rebuild_.exchange(false);
        if (timed_check) {
            last_check = std::chrono::steady_clock::now();
            ReleaseFreeMemory();
            if (!full && ready_.load() && !redis_stale_ && !RedisComplete()) {
                log.Warn("unit statuses missing in Redis; writing every owned unit again");
                full = true;
            }
        }
        Round(full);
        cells_gauge.Set(static_cast<double>(engine_.cell_count()));
        unplaced.Set(static_cast<double>(engine_.stats().unplaced));
        if (!ready_.exchange(true)) log.Info("evaluator ready");
    }
}

void Evaluator::SyncOwnership() {
    // Called with ownership_->mu held.
    if (ownership_->generation == seen_generation_) return;
    seen_generation_ = ownership_->generation;
    indicators_.MarkDirty();
    const auto parts = ownership_->partitions;
    const auto n = ownership_->partition_count;
    engine_.SetOwnership([parts, n](std::string_view unit) {
        return parts.count(service::UnitPartition(unit, n)) != 0;
    });
}

bool Evaluator::RestoreGained() {
    if (!engine_.HasGained()) return true;
    // Units that come from another instance: its last deviation events must be in the table
    // before this one numbers on from them (else two events got one seq, and one id).
    if (!table_.CatchUp(std::chrono::steady_clock::now() + kCatchUpWait)) {
        ctx_.logger().Warn("deviation table behind; the units taken over wait for the next round",
                           {});
        return false;
    }
    const auto gained = engine_.TakeGained();
    for (const auto& unit : gained) {
        for (const auto& r : table_.ForUnit(unit)) RestoreKnown(r);
    }
    if (!gained.empty()) {
        ctx_.logger().Info("units taken over",
                           {{"units", gained.size()}, {"owned", engine_.OwnedUnits().size()}});
    }
    return true;
}

void Evaluator::RestoreKnown(const service::DeviationRecord& r) {
    if (!r.has_status || !IsAnalysisKind(r.latest.kind)) return;
    if (r.latest.kind == contracts::DeviationKind::kGoal ||
        r.latest.kind == contracts::DeviationKind::kHr) {
        if (master_data_ && engine_.Owned(r.latest.unit.value())) {
            (void)indicators_.Restore(r.latest, r.last_seq, r.open,
                                      domain::FiscalYear::Calendar(r.latest.year));
        }
        return;
    }
    (void)engine_.RestoreDeviation({r.latest, r.last_seq, r.open});
}

bool Evaluator::ReadIndicator(const std::string& topic, const std::string& key,
                              const std::string& value) {
    if (topic == topics_.goals) {
        if (value.empty()) {  // a tombstone: the goal is withdrawn
            indicators_.RemoveGoal(key);
            return true;
        }
        auto g = contracts::DecodeMessage<contracts::Goal>(value);
        if (!g.ok()) return false;
        indicators_.SetGoal(*g);
        return true;
    }
    if (value.empty()) return true;
    if (topic == topics_.goal_outcomes) {
        auto o = contracts::DecodeMessage<contracts::GoalOutcome>(value);
        if (!o.ok()) return false;
        indicators_.AddGoalOutcome(*o);
        return true;
    }
    auto h = contracts::DecodeMessage<contracts::HrFigure>(value);
    if (!h.ok()) return false;
    indicators_.AddHr(*h);
    return true;
}

void Evaluator::Round(bool full) {
    auto& log = ctx_.logger();
    core::Clock& clock = ctx_.clock();
    if (auto md = master_->Take()) {
        engine_.SetMaster(md);
        master_data_ = md;
        log.Info("master data applied", {{"units", md->org.size()}});
    }
    if (!engine_.HasMaster()) {
        if (full) rebuild_.store(true);  // keep it for when master data arrives
        return;
    }
    std::lock_guard own(ownership_->mu);
    SyncOwnership();
    if (!RestoreGained()) {
        if (full) rebuild_.store(true);  // keep it for the round that can restore them
        return;
    }
    std::set<std::string> pending;
    {
        std::lock_guard lock(pending_mu_);
        pending.swap(pending_deviations_);
    }
    for (const auto& id : pending) {
        // Someone else moved a deviation of ours on (an acknowledgement, a measure, the
        // previous owner): continue its numbering.
        if (auto r = table_.Find(id)) RestoreKnown(*r);
    }
    if (full || redis_stale_) engine_.MarkAllDirty();
    auto out = engine_.Flush(clock.Now());
    {
        // The goal and HR deviations of every year followed (a new year: judged afresh).
        if (engine_.Years() != years_) {
            years_ = engine_.Years();
            indicators_.MarkDirty();
        }
        std::vector<domain::FiscalYear> years;
        for (int y : years_) years.push_back(domain::FiscalYear::Calendar(y));
        auto events = indicators_.Evaluate(
            master_data_->org, years, [this](std::string_view unit) { return engine_.Owned(unit); },
            clock.Now());
        out.deviations.insert(out.deviations.end(), events.begin(), events.end());
        ctx_.metrics()
            .GetGauge("bfu_analysis_indicator_unknown_goals",
                      "Goal ids with outcomes but no goal of the year", {})
            .Set(static_cast<double>(indicators_.stats().unknown_goals));
    }
    {
        // Escalation when nobody answers (S7): the deadlines are on the events; the owner of a
        // deviation writes its escalated events, at most one check a second.
        const auto now = clock.Now();
        const auto tick = std::chrono::steady_clock::now();
        if (tick - last_escalation_check_ >= std::chrono::seconds(1)) {
            last_escalation_check_ = tick;
            // This round's events are folded first, so an escalation due in the same round
            // numbers on after them (before, a deviation that changed and was due got two
            // events with one seq: found by ops/chaos on the medium year). A failed write stops
            // the service, so nothing is folded that is not written.
            std::vector<contracts::DeviationEvent> due;
            table_.Update([&](service::DeviationFold& fold) {
                due =
                    service::DueAfterRound(fold, out.deviations, master_data_->org, now,
                                           ack_policy_, [this](const service::DeviationRecord& r) {
                                               return IsAnalysisKind(r.latest.kind) &&
                                                      engine_.Owned(r.latest.unit.value());
                                           });
            });
            out.deviations.insert(out.deviations.end(), due.begin(), due.end());
        }
    }
    if (out.deviations.empty() && out.aggregates.empty() && out.statuses.empty()) return;
    for (const auto& d : out.deviations) {
        const std::string id = contracts::DeviationEventId(d);
        auto value =
            contracts::EncodeMessage(d, {id, std::string(kSource), clock.Now(), d.unit.value()});
        if (auto s = producer_->Produce(topics_.deviations, d.Key(), value); !s.ok()) {
            ctx_.RequestShutdown(runtime::kExitFatal, "evaluator: " + s.error().ToString());
            return;
        }
        log.Info("deviation", {{"id", d.deviation_id.value()},
                               {"event", contracts::ToString(d.event)},
                               {"seq", d.seq},
                               {"deviation_ore", d.deviation_ore.value_or(0)}});
    }
    for (const auto& a : out.aggregates) {
        auto value = contracts::EncodeMessage(
            a, {contracts::NewEventId(), std::string(kSource), clock.Now(), a.unit.value()});
        if (auto s = producer_->Produce(topics_.aggregates, a.Key(), value); !s.ok()) {
            ctx_.RequestShutdown(runtime::kExitFatal, "evaluator: " + s.error().ToString());
            return;
        }
    }
    if (auto s = producer_->Flush(kFlushTimeout); !s.ok()) {
        // The deviation states moved on without their events: a restart restores them from
        // bfu.deviations and writes the events again.
        ctx_.RequestShutdown(runtime::kExitFatal, "evaluator: " + s.error().ToString());
        return;
    }
    for (const auto& d : out.deviations) {
        table_.Apply(d);
        if (d.event == contracts::DeviationEventKind::kEscalated) {
            // The engine continues the deviation's numbering after the escalation.
            if (auto r = table_.Find(d.deviation_id.value())) RestoreKnown(*r);
        }
    }
    ctx_.metrics()
        .GetCounter("bfu_analysis_deviation_events_total", "Deviation events written")
        .Inc(out.deviations.size());
    auto deviations = out.deviations;
    if (full || redis_stale_) {
        // Every owned unit's deviations, as the topic has them.
        for (const auto& r : table_.All()) {
            if (r.has_status && IsAnalysisKind(r.latest.kind) &&
                engine_.Owned(r.latest.unit.value())) {
                deviations.insert(deviations.begin(), r.latest);
            }
        }
    }
    if (auto s = WriteStatus(*redis_, redis_prefix_, out.statuses, deviations); !s.ok()) {
        if (!redis_stale_) log.Warn("redis write failed", {{"error", s.error().ToString()}});
        redis_stale_ = true;
    } else {
        if (redis_stale_) log.Info("redis written again after a failure");
        redis_stale_ = false;
        ctx_.metrics()
            .GetCounter("bfu_analysis_status_writes_total", "Unit statuses written to Redis")
            .Inc(out.statuses.size());
    }
}

bool Evaluator::RedisComplete() {
    auto units = engine_.OwnedUnits();
    if (units.empty()) return true;
    redis::Argv cmd{"EXISTS"};
    for (const auto& u : units) cmd.push_back(service::status_keys::Unit(redis_prefix_, u));
    auto r = redis_->Command(cmd);
    if (!r.ok()) return true;  // unreachable: the next write notices it
    return r->integer >= static_cast<std::int64_t>(units.size());
}

}  // namespace bfu::analysis
