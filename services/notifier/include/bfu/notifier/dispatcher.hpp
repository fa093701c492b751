#pragma once
// Dispatcher: delivers what the alert log (bfu.alerts) holds as pending or failed-and-due, and
// writes back `sent` or `failed` (attempt n, the error, the next attempt: back-off doubling
// from notifier.retry_initial to notifier.retry_max). Each channel has its own worker thread,
// so an SMTP server that is down never holds up the webhooks, and the other way round.
// A third thread, on business time, writes the daily digests (notifier.digest_at, Swedish
// time), the timetable's reminders and the notices of reports made (reminders.hpp) as new
// pending alerts.
//
// After a crash the log is read again: what was pending is sent, what was sent never is again
// (a message can only be sent twice if the process dies in the moment between the server's
// acceptance and the `sent` record: the Message-ID stays the same, so mail programs show it
// once).
//
// Lifecycle: a runtime::Component; Start waits for nothing (the threads wait for the log to
// catch up); Stop joins. Thread-safety: internal.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "bfu/kafka/config.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/notifier/alert_log.hpp"
#include "bfu/notifier/channels.hpp"
#include "bfu/notifier/planner.hpp"
#include "bfu/notifier/reminders.hpp"
#include "bfu/runtime/app.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/master_table.hpp"

namespace bfu::notifier {

struct DispatcherOptions {
    std::string alerts_topic;
    std::string from;
    std::optional<SmtpOptions> smtp;  // nullopt: no SMTP server (the outbox only)
    std::filesystem::path outbox;     // empty: no archive
    WebhookOptions webhook;
    std::chrono::milliseconds retry_initial{1000};
    std::chrono::milliseconds retry_max{600000};
    // A pause before each delivery attempt; 0 in production. Lets a fault test kill the
    // notifier between recording an alert and sending it.
    std::chrono::milliseconds delivery_delay{0};
    int digest_hour = 7;
    int digest_minute = 0;
    bool reminders = true;
    ReminderPolicy reminder_policy;
    int year = 0;  // the follow-up year whose timetable gives the reminders
    // Announce the reports of bfu.reports by e-mail (ReportNotices, reminders.hpp).
    bool reports = true;
};

class Dispatcher final : public runtime::Component {
public:
    Dispatcher(DispatcherOptions options, kafka::KafkaConfig producer, AlertLog& log,
               std::shared_ptr<const Planner> planner, std::shared_ptr<service::MasterFeed> master,
               service::MasterTable* submissions, service::MasterTable* plans,
               service::DeviationTable* deviations, runtime::Context& ctx,
               service::MasterTable* reports = nullptr);
    ~Dispatcher() override;

    [[nodiscard]] std::string Name() const override { return "dispatcher"; }
    void Start() override;
    void Stop() override;

private:
    void Deliver(std::stop_token stop, contracts::AlertChannel channel);
    void Schedule(std::stop_token stop);
    [[nodiscard]] core::Status DeliverOne(const AlertState& alert);
    // Writes records to bfu.alerts (flushed) and folds them into the log.
    [[nodiscard]] core::Status Record(const std::vector<contracts::Alert>& records);
    [[nodiscard]] bool SubmittedForecast(const std::string& unit, int round) const;
    // Whether an action plan decided by the nämnd answers the deviation.
    [[nodiscard]] bool DecidedPlanFor(const std::string& deviation_id) const;

    DispatcherOptions options_;
    kafka::KafkaConfig producer_config_;
    AlertLog& log_;
    std::shared_ptr<const Planner> planner_;
    std::shared_ptr<service::MasterFeed> master_;
    service::MasterTable* submissions_;
    service::MasterTable* plans_;
    service::DeviationTable* deviations_;
    service::MasterTable* reports_;  // bfu.reports; null: no report notices
    runtime::Context& ctx_;
    std::unique_ptr<kafka::Producer> producer_;
    std::mutex produce_mu_;
    std::unique_ptr<SmtpSender> smtp_;
    std::unique_ptr<WebhookSender> webhook_;
    std::jthread email_;
    std::jthread webhooks_;
    std::jthread scheduler_;
};

}  // namespace bfu::notifier
