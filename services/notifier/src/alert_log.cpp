#include "bfu/notifier/alert_log.hpp"

#include <algorithm>

#include "bfu/contracts/envelope.hpp"
#include "bfu/service/topic_follower.hpp"

namespace bfu::notifier {

namespace {

using contracts::AlertStatus;

bool IsFinal(AlertStatus s) {
    return s == AlertStatus::kSent || s == AlertStatus::kDelivered || s == AlertStatus::kDigested;
}

bool IsPlan(AlertStatus s) { return s == AlertStatus::kPending || s == AlertStatus::kQueued; }

}  // namespace

bool AlertState::Final() const noexcept { return IsFinal(status); }

bool AlertFold::Apply(const contracts::Alert& record) {
    auto it = alerts_.find(record.alert_id);
    if (it == alerts_.end()) {
        AlertState s;
        s.planned = record;
        s.status = record.status;
        s.updated_at = record.sent_at;
        if (record.status == AlertStatus::kFailed) {
            s.attempts = record.attempt;
            s.error = record.error;
            if (record.next_attempt_at) {
                if (auto t = core::FromRfc3339(*record.next_attempt_at); t.ok())
                    s.next_attempt = *t;
            }
        }
        if (record.status == AlertStatus::kDigested) s.digest_id = record.digest_id;
        alerts_.emplace(record.alert_id, s);
        order_.push_back(record.alert_id);
        if (record.deviation_id)
            by_deviation_[record.deviation_id->value()].push_back(record.alert_id);
        if (!IsFinal(record.status)) open_.insert(record.alert_id);
        return true;
    }
    AlertState& s = it->second;
    if (s.Final() || IsPlan(record.status)) return false;
    const AlertState before = s;
    switch (record.status) {
        case AlertStatus::kFailed:
            if (record.attempt >= s.attempts) {
                s.attempts = record.attempt;
                s.status = AlertStatus::kFailed;
                s.error = record.error;
                s.next_attempt.reset();
                if (record.next_attempt_at) {
                    if (auto t = core::FromRfc3339(*record.next_attempt_at); t.ok()) {
                        s.next_attempt = *t;
                    }
                }
                s.updated_at = record.sent_at;
            }
            break;
        case AlertStatus::kDigested:
            s.digest_id = record.digest_id;
            [[fallthrough]];
        case AlertStatus::kSent:
        case AlertStatus::kDelivered:
            s.status = record.status;
            s.attempts = std::max(s.attempts, record.attempt);
            s.error.reset();
            s.next_attempt.reset();
            s.updated_at = record.sent_at;
            open_.erase(record.alert_id);
            break;
        case AlertStatus::kPending:
        case AlertStatus::kQueued:
            break;
    }
    return !(before == s);
}

const AlertState* AlertFold::Find(std::string_view alert_id) const {
    auto it = alerts_.find(alert_id);
    return it == alerts_.end() ? nullptr : &it->second;
}

std::vector<AlertState> AlertFold::Due(contracts::AlertChannel channel, core::TimePoint now) const {
    std::vector<AlertState> out;
    for (const auto& id : open_) {
        const AlertState& s = alerts_.find(id)->second;
        if (s.planned.channel != channel) continue;
        if (s.status == AlertStatus::kPending ||
            (s.status == AlertStatus::kFailed && (!s.next_attempt || *s.next_attempt <= now))) {
            out.push_back(s);
        }
    }
    // First recorded first: the order people were meant to hear in.
    std::map<std::string, std::size_t, std::less<>> rank;
    if (out.size() > 1) {
        for (std::size_t i = 0; i < order_.size(); ++i) rank[order_[i]] = i;
        std::sort(out.begin(), out.end(), [&](const AlertState& a, const AlertState& b) {
            return rank[a.planned.alert_id] < rank[b.planned.alert_id];
        });
    }
    return out;
}

std::optional<core::TimePoint> AlertFold::NextRetry(contracts::AlertChannel channel) const {
    std::optional<core::TimePoint> next;
    for (const auto& id : open_) {
        const AlertState& s = alerts_.find(id)->second;
        if (s.planned.channel != channel || s.status != AlertStatus::kFailed || !s.next_attempt) {
            continue;
        }
        if (!next || *s.next_attempt < *next) next = s.next_attempt;
    }
    return next;
}

std::map<std::string, std::vector<AlertState>> AlertFold::Queued() const {
    std::map<std::string, std::vector<AlertState>> out;
    for (const auto& id : order_) {
        const AlertState& s = alerts_.find(id)->second;
        if (s.status != AlertStatus::kQueued || !s.planned.recipient.email) continue;
        out[*s.planned.recipient.email].push_back(s);
    }
    return out;
}

std::vector<AlertState> AlertFold::ForDeviation(std::string_view deviation_id) const {
    std::vector<AlertState> out;
    auto it = by_deviation_.find(deviation_id);
    if (it == by_deviation_.end()) return out;
    for (const auto& id : it->second) out.push_back(alerts_.find(id)->second);
    return out;
}

std::vector<AlertState> AlertFold::Failed() const {
    std::vector<AlertState> out;
    for (const auto& id : open_) {
        const AlertState& s = alerts_.find(id)->second;
        if (s.status == AlertStatus::kFailed) out.push_back(s);
    }
    return out;
}

std::vector<AlertState> AlertFold::Recent(std::size_t n) const {
    std::vector<AlertState> out;
    const std::size_t from = order_.size() > n ? order_.size() - n : 0;
    for (std::size_t i = from; i < order_.size(); ++i)
        out.push_back(alerts_.find(order_[i])->second);
    return out;
}

std::map<std::string, std::int64_t> AlertFold::CountByStatus() const {
    std::map<std::string, std::int64_t> out;
    for (const auto& [id, s] : alerts_) ++out[std::string(contracts::ToString(s.status))];
    return out;
}

AlertLog::AlertLog(kafka::KafkaConfig config, std::string topic, runtime::Context& ctx)
    : config_(std::move(config)), topic_(std::move(topic)), ctx_(ctx) {
    config_.group_id.clear();
}

AlertLog::~AlertLog() { Stop(); }

void AlertLog::Start() {
    thread_ = std::jthread([this](std::stop_token st) { Run(st); });
}

void AlertLog::Stop() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

bool AlertLog::WaitCaughtUp(std::stop_token stop) const {
    std::unique_lock lock(mu_);
    return cv_.wait(lock, stop, [&] { return caught_up_.load(); });
}

void AlertLog::Apply(const std::vector<contracts::Alert>& records) {
    std::lock_guard lock(mu_);
    bool changed = false;
    for (const auto& r : records) changed = fold_.Apply(r) || changed;
    if (changed) {
        ++version_;
        cv_.notify_all();
    }
}

void AlertLog::Read(const std::function<void(const AlertFold&)>& fn) const {
    std::lock_guard lock(mu_);
    fn(fold_);
}

void AlertLog::WaitChange(std::stop_token stop, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    const auto seen = version_;
    cv_.wait_for(lock, stop, timeout, [&] { return version_ != seen; });
}

void AlertLog::Run(std::stop_token stop) {
    auto& log = ctx_.logger();
    auto& bad = ctx_.metrics().GetCounter("bfu_notifier_alert_log_bad_records_total",
                                          "bfu.alerts records that did not decode");
    service::TopicFollowerHooks hooks;
    hooks.on_batch = [&](const std::vector<kafka::Message>& batch) {
        std::vector<contracts::Alert> records;
        records.reserve(batch.size());
        for (const auto& m : batch) {
            if (m.value.empty()) continue;
            auto a = contracts::DecodeMessage<contracts::Alert>(m.value);
            if (!a.ok()) {
                bad.Inc();
                log.Warn("alert record left out", {{"partition", m.partition},
                                                   {"offset", m.offset},
                                                   {"error", a.error().ToString()}});
                continue;
            }
            records.push_back(std::move(a).value());
        }
        Apply(records);
    };
    hooks.on_caught_up = [&] {
        std::lock_guard lock(mu_);
        log.Info("alert log caught up", {{"alerts", fold_.size()}});
        caught_up_.store(true);
        ++version_;
        cv_.notify_all();
    };
    auto done = service::FollowTopics(config_, {topic_}, stop, hooks, log);
    if (!done.ok()) {
        ctx_.RequestShutdown(runtime::kExitFatal, "alert log: " + done.error().ToString());
    }
}

}  // namespace bfu::notifier
