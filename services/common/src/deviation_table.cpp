#include "bfu/service/deviation_table.hpp"

#include <algorithm>
#include <random>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/service/kafka_settings.hpp"

namespace bfu::service {

namespace {

using contracts::DeviationEventKind;

bool IsStatusEvent(DeviationEventKind kind) {
    return kind == DeviationEventKind::kOpened || kind == DeviationEventKind::kChanged ||
           kind == DeviationEventKind::kClosed;
}

std::string RandomSuffix() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> dist;
    return std::to_string(dist(rd) % 1'000'000'000ULL);
}

// Adds or replaces the element whose key equals key_of(value); true when anything changed.
template <typename T, typename KeyOf>
bool Upsert(std::vector<T>& items, const T& value, KeyOf key_of) {
    auto it = std::find_if(items.begin(), items.end(),
                           [&](const T& x) { return key_of(x) == key_of(value); });
    if (it == items.end()) {
        items.push_back(value);
        return true;
    }
    if (*it == value) return false;
    *it = value;
    return true;
}

}  // namespace

const MeasureState* DeviationRecord::FindMeasure(std::string_view measure_id) const {
    for (const auto& m : measures) {
        if (m.measure.id.value() == measure_id) return &m;
    }
    return nullptr;
}

bool DeviationFold::Apply(const contracts::DeviationEvent& event) {
    auto [it, fresh] = records_.try_emplace(event.deviation_id.value());
    DeviationRecord& r = it->second;
    const DeviationRecord before = fresh ? DeviationRecord{} : r;
    if (fresh) r.latest = event;
    r.last_seq = std::max(r.last_seq, event.seq);

    if (IsStatusEvent(event.event)) {
        if (!r.has_status || event.seq >= r.latest.seq) {
            r.latest = event;
            r.has_status = true;
            r.open = event.event != DeviationEventKind::kClosed;
        }
    }
    switch (event.event) {
        case DeviationEventKind::kAcknowledged:
            if (!r.acknowledged && event.by) {
                r.acknowledged = Acknowledgement{*event.by, event.at, event.comment};
            }
            break;
        case DeviationEventKind::kMeasureAdded:
            if (event.measure) {
                const MeasureState* existing = r.FindMeasure(event.measure->id.value());
                MeasureState m = existing != nullptr ? *existing : MeasureState{};
                m.measure = *event.measure;
                if (existing == nullptr) {
                    m.added_by = event.by;
                    m.added_at = event.at;
                }
                Upsert(r.measures, m, [](const MeasureState& x) { return x.measure.id; });
            }
            break;
        case DeviationEventKind::kMeasureDone:
            if (event.measure) {
                const MeasureState* existing = r.FindMeasure(event.measure->id.value());
                MeasureState m = existing != nullptr ? *existing : MeasureState{};
                if (existing == nullptr) m.measure = *event.measure;
                if (!m.done) {
                    m.done = true;
                    m.done_by = event.by;
                    m.done_at = event.at;
                }
                Upsert(r.measures, m, [](const MeasureState& x) { return x.measure.id; });
            }
            break;
        case DeviationEventKind::kEscalated:
            if (event.escalation) {
                Upsert(r.escalations, *event.escalation,
                       [](const contracts::Escalation& x) { return x.to_unit; });
            }
            break;
        case DeviationEventKind::kActionPlan:
            if (event.action_plan) {
                Upsert(r.action_plans, *event.action_plan,
                       [](const contracts::ActionPlan& x) { return x.id; });
            }
            break;
        case DeviationEventKind::kDecision:
            if (event.decision) {
                Upsert(r.decisions, *event.decision,
                       [](const contracts::Decision& x) { return x.ref; });
            }
            break;
        case DeviationEventKind::kOpened:
        case DeviationEventKind::kChanged:
        case DeviationEventKind::kClosed:
            break;
    }
    return fresh || !(before == r);
}

const DeviationRecord* DeviationFold::Find(std::string_view id) const {
    auto it = records_.find(id);
    return it == records_.end() ? nullptr : &it->second;
}

std::vector<DeviationRecord> DeviationFold::ForUnit(std::string_view unit) const {
    std::vector<DeviationRecord> out;
    for (const auto& [id, r] : records_) {
        if (r.latest.unit.value() == unit) out.push_back(r);
    }
    return out;
}

std::vector<DeviationRecord> DeviationFold::Open() const {
    std::vector<DeviationRecord> out;
    for (const auto& [id, r] : records_) {
        if (r.open) out.push_back(r);
    }
    return out;
}

std::vector<DeviationRecord> DeviationFold::All() const {
    std::vector<DeviationRecord> out;
    out.reserve(records_.size());
    for (const auto& [id, r] : records_) out.push_back(r);
    return out;
}

DeviationTable::DeviationTable(kafka::KafkaConfig config, std::string topic, runtime::Context& ctx,
                               OnEvent on_event)
    : config_(std::move(config)),
      topic_(std::move(topic)),
      ctx_(ctx),
      on_event_(std::move(on_event)) {
    // A private group per process: every instance reads every event from the start and never
    // commits, so the table is always complete.
    config_.group_id = config_.client_id + "-deviations-" + RandomSuffix();
    config_.properties["auto.offset.reset"] = "earliest";
    config_.properties["isolation.level"] = "read_committed";
}

DeviationTable::~DeviationTable() { Stop(); }

DeviationTable& DeviationTable::Add(runtime::Context& ctx, std::string_view service) {
    const auto& cfg = ctx.config();
    return ctx.Emplace<DeviationTable>(KafkaSettings(cfg, service, "deviations"),
                                       Topic(cfg, contracts::topics::kDeviations), ctx);
}

void DeviationTable::Start() {
    thread_ = std::jthread([this](std::stop_token st) { Run(st); });
}

void DeviationTable::Stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

bool DeviationTable::WaitCaughtUp(std::stop_token stop) const {
    std::unique_lock lock(mu_);
    return cv_.wait(lock, stop, [&] { return caught_up_.load(); });
}

bool DeviationTable::WaitCaughtUp(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return caught_up_.load(); });
}

std::optional<DeviationRecord> DeviationTable::Find(std::string_view id) const {
    std::lock_guard lock(mu_);
    const auto* r = fold_.Find(id);
    if (r == nullptr) return std::nullopt;
    return *r;
}

std::vector<DeviationRecord> DeviationTable::ForUnit(std::string_view unit) const {
    std::lock_guard lock(mu_);
    return fold_.ForUnit(unit);
}

std::vector<DeviationRecord> DeviationTable::Open() const {
    std::lock_guard lock(mu_);
    return fold_.Open();
}

std::vector<DeviationRecord> DeviationTable::All() const {
    std::lock_guard lock(mu_);
    return fold_.All();
}

void DeviationTable::Apply(const contracts::DeviationEvent& event) {
    std::lock_guard lock(mu_);
    (void)fold_.Apply(event);
}

void DeviationTable::MarkCaughtUp() {
    if (!caught_up_.exchange(true)) {
        ctx_.logger().Info("deviation table caught up", {{"topic", topic_}});
        std::lock_guard lock(mu_);
        cv_.notify_all();
    }
}

void DeviationTable::Run(std::stop_token stop) {
    auto& log = ctx_.logger();
    auto fail = [&](const std::string& what) {
        ctx_.RequestShutdown(runtime::kExitFatal, "deviation table: " + what);
    };
    // The high watermarks at start: once every partition is read up to them, the table holds
    // every event published before this instance started.
    std::map<std::int32_t, std::int64_t> targets;
    {
        auto admin = kafka::Admin::Create(config_);
        if (!admin.ok()) return fail(admin.error().ToString());
        auto parts = (*admin)->PartitionCount(topic_, config_.startup_timeout);
        if (!parts.ok()) return fail("topic " + topic_ + ": " + parts.error().ToString());
        for (std::int32_t p = 0; p < *parts; ++p) {
            auto wm = (*admin)->QueryWatermarks(topic_, p, config_.startup_timeout);
            if (wm.ok() && wm->high > wm->low) targets[p] = wm->high;
        }
    }
    auto consumer = kafka::Consumer::Create(config_);
    if (!consumer.ok()) return fail(consumer.error().ToString());
    if (auto s = (*consumer)->Subscribe({topic_}); !s.ok()) return fail(s.error().ToString());

    auto& held = ctx_.metrics().GetGauge("bfu_deviation_table_records",
                                         "Deviations held in the deviation table", {});
    auto& bad = ctx_.metrics().GetCounter("bfu_deviation_table_bad_records_total",
                                          "bfu.deviations records that did not decode", {});
    if (targets.empty()) MarkCaughtUp();
    int empty_polls = 0;
    while (!stop.stop_requested()) {
        auto batch = (*consumer)->Poll(1000, std::chrono::milliseconds(200));
        if (!batch.ok()) {
            if (batch.error().IsFatal()) return fail(batch.error().ToString());
            log.Warn("deviation table poll", {{"error", batch.error().ToString()}});
            continue;
        }
        if (batch->empty()) {
            // Transaction markers may sit at the end of a partition (the last readable offset
            // is then below the high watermark); after a quiet second everything is read.
            if (++empty_polls >= 5) MarkCaughtUp();
            continue;
        }
        empty_polls = 0;
        for (const auto& m : *batch) {
            auto it = targets.find(m.partition);
            if (it != targets.end() && m.offset + 1 >= it->second) targets.erase(it);
            auto event = contracts::DecodeMessage<contracts::DeviationEvent>(m.value);
            if (!event.ok()) {
                bad.Inc();
                log.Warn("deviation table: undecodable record",
                         {{"partition", m.partition},
                          {"offset", m.offset},
                          {"error", event.error().ToString()}});
                continue;
            }
            std::size_t count = 0;
            {
                std::lock_guard lock(mu_);
                (void)fold_.Apply(*event);
                count = fold_.size();
            }
            held.Set(static_cast<double>(count));
            if (on_event_) on_event_(*event);
        }
        if (targets.empty()) MarkCaughtUp();
    }
    (void)(*consumer)->Close();
}

}  // namespace bfu::service
