#include "bfu/service/deviation_table.hpp"

#include <algorithm>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/topic_follower.hpp"

namespace bfu::service {

namespace {

using contracts::DeviationEventKind;

bool IsStatusEvent(DeviationEventKind kind) {
    return kind == DeviationEventKind::kOpened || kind == DeviationEventKind::kChanged ||
           kind == DeviationEventKind::kClosed;
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
    if (event.command_id) r.command_ids.insert(*event.command_id);
    EscalationEpisode& ep = r.episode;
    switch (event.event) {
        case DeviationEventKind::kAcknowledged:
            if (!r.acknowledged && event.by) {
                r.acknowledged = Acknowledgement{*event.by, event.at, event.comment};
            }
            // Two acknowledgements may share a seq (two instances took one command each at
            // the same moment): one per seq and person, so neither is lost.
            if (event.by && event.seq > ep.opened_seq &&
                std::none_of(ep.acks.begin(), ep.acks.end(), [&](const auto& a) {
                    return a.first == event.seq && a.second == *event.by;
                })) {
                ep.acks.emplace_back(event.seq, *event.by);
            }
            break;
        case DeviationEventKind::kCommented:
            if (event.by && event.comment &&
                std::none_of(r.comments.begin(), r.comments.end(),
                             [&](const DeviationComment& c) { return c.seq == event.seq; })) {
                r.comments.push_back({*event.by, event.at, *event.comment, event.seq});
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
                if (event.seq > ep.opened_seq && event.seq > ep.step_seq) {
                    ep.step_seq = event.seq;
                    ep.responsible_unit = event.escalation->to_unit;
                    if (event.respond_by) ep.respond_by = event.respond_by;
                    ++ep.steps;
                }
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
            if (event.seq > ep.opened_seq) {
                ep = EscalationEpisode{};
                ep.opened_seq = event.seq;
                ep.opened_at = event.at;
                ep.step_seq = event.seq;
                ep.respond_by = event.respond_by;
                if (event.escalation) ep.responsible_unit = event.escalation->to_unit;
            }
            break;
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
    // Read without a group: every instance reads every event from the start and never
    // commits, so the table is always complete.
    config_.group_id.clear();
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

void DeviationTable::Update(const std::function<void(DeviationFold&)>& change) {
    std::lock_guard lock(mu_);
    change(fold_);
}

bool DeviationTable::CatchUp(std::chrono::steady_clock::time_point deadline) {
    return catch_up_.Wait(deadline);
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
    auto& held = ctx_.metrics().GetGauge("bfu_deviation_table_records",
                                         "Deviations held in the deviation table", {});
    auto& bad = ctx_.metrics().GetCounter("bfu_deviation_table_bad_records_total",
                                          "bfu.deviations records that did not decode", {});
    TopicFollowerHooks hooks;
    hooks.on_batch = [&](const std::vector<kafka::Message>& batch) {
        for (const auto& m : batch) {
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
    };
    hooks.on_caught_up = [&] { MarkCaughtUp(); };
    hooks.catch_up = &catch_up_;
    auto done = FollowTopics(config_, {topic_}, stop, hooks, log);
    if (!done.ok()) {
        ctx_.RequestShutdown(runtime::kExitFatal, "deviation table: " + done.error().ToString());
    }
}

}  // namespace bfu::service
