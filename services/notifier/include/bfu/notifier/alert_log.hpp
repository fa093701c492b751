#pragma once
// The notifier's memory: bfu.alerts, its own delivery log, folded per alert id.
//
// Every alert is a series of records on bfu.alerts with one key (the alert id): first
// `pending` (to be sent now) or `queued` (held for the daily digest), carrying everything
// needed to send it (recipient, channel, Message-ID, subject, text, HTML, webhook body); then
// `failed` (attempt n, the error, when to try again) as often as delivery fails, and finally
// `sent` (accepted by the SMTP server or the webhook) or `digested` (carried by a digest, whose
// id it names). The notifier records an alert before it sends it, so after a crash what was
// pending is sent and what was sent never is again.
//
// AlertFold is the pure fold. Rules, each idempotent (a record applied locally by its writer
// and read back again changes nothing):
//   - the first record of an id makes the alert: the record as planned, and its status;
//   - sent, delivered and digested are final: later records change nothing;
//   - failed raises the attempt count (the highest attempt seen) and sets the next attempt
//     and the error, unless the alert is final;
//   - a pending or queued record for an alert that exists already changes nothing.
// AlertLog is the Kafka part: a runtime::Component reading bfu.alerts from the beginning
// without a consumer group (FollowTopics), continuously; Ready once caught up (exact).
//
// Thread-safety: AlertFold is not thread-safe; AlertLog's members may be called from any
// thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bfu/contracts/outputs.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/runtime/app.hpp"

namespace bfu::notifier {

struct AlertState {
    contracts::Alert planned;  // the first record: recipient, channel, content
    contracts::AlertStatus status = contracts::AlertStatus::kPending;
    std::int64_t attempts = 0;                    // failed delivery attempts so far
    std::optional<core::TimePoint> next_attempt;  // after a failure: not before this
    std::optional<std::string> error;             // the latest failure
    std::optional<std::string> digest_id;         // digested: the digest that carried it
    std::string updated_at;                       // RFC 3339 of the latest record

    [[nodiscard]] bool Final() const noexcept;
    bool operator==(const AlertState&) const = default;
};

class AlertFold {
public:
    // Applies one record; true when the state changed.
    bool Apply(const contracts::Alert& record);

    [[nodiscard]] const AlertState* Find(std::string_view alert_id) const;
    [[nodiscard]] bool Contains(std::string_view alert_id) const { return Find(alert_id); }
    // Alerts to deliver on `channel` at `now`: pending, or failed with the next attempt due;
    // in the order they were first recorded.
    [[nodiscard]] std::vector<AlertState> Due(contracts::AlertChannel channel,
                                              core::TimePoint now) const;
    // When the next failed alert of `channel` becomes due (nullopt: none waits).
    [[nodiscard]] std::optional<core::TimePoint> NextRetry(contracts::AlertChannel channel) const;
    // Queued alerts not yet digested, by recipient e-mail (channel email only).
    [[nodiscard]] std::map<std::string, std::vector<AlertState>> Queued() const;
    // Every alert about one deviation, in the order recorded.
    [[nodiscard]] std::vector<AlertState> ForDeviation(std::string_view deviation_id) const;
    // Alerts whose latest record is `failed`.
    [[nodiscard]] std::vector<AlertState> Failed() const;
    [[nodiscard]] std::map<std::string, std::int64_t> CountByStatus() const;
    // The latest `n` alerts by first record, newest last.
    [[nodiscard]] std::vector<AlertState> Recent(std::size_t n) const;
    [[nodiscard]] std::size_t size() const noexcept { return alerts_.size(); }

private:
    std::map<std::string, AlertState, std::less<>> alerts_;
    std::vector<std::string> order_;  // alert ids in first-record order
    std::map<std::string, std::vector<std::string>, std::less<>> by_deviation_;
    std::set<std::string, std::less<>> open_;  // ids not final: pending, queued or failed
};

class AlertLog final : public runtime::Component {
public:
    // `config`: brokers and client id (no group is joined); `topic`: bfu.alerts with prefix.
    AlertLog(kafka::KafkaConfig config, std::string topic, runtime::Context& ctx);
    ~AlertLog() override;

    [[nodiscard]] std::string Name() const override { return "alert-log"; }
    void Start() override;
    void Stop() override;
    [[nodiscard]] bool Ready() const override { return caught_up_.load(); }
    bool WaitCaughtUp(std::stop_token stop) const;

    // Folds records this process has just written (the fold is idempotent) and wakes waiters.
    void Apply(const std::vector<contracts::Alert>& records);
    // Runs `fn` with the fold under the log's lock.
    void Read(const std::function<void(const AlertFold&)>& fn) const;
    // Blocks until the log changes or `timeout` passes (or stop); for the dispatcher.
    void WaitChange(std::stop_token stop, std::chrono::milliseconds timeout) const;

private:
    void Run(std::stop_token stop);
    void Changed();

    kafka::KafkaConfig config_;
    std::string topic_;
    runtime::Context& ctx_;
    mutable std::mutex mu_;
    mutable std::condition_variable_any cv_;
    AlertFold fold_;
    std::uint64_t version_ = 0;
    std::atomic<bool> caught_up_{false};
    std::jthread thread_;
};

}  // namespace bfu::notifier
