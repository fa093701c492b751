#pragma once
// Outputs to people and the timetable: alerts (bfu.alerts), published reports (bfu.reports),
// calendar events (bfu.calendar) and dead letters (bfu.dlq). Schemas: schemas/json/alert,
// report-published, calendar-event, dead-letter .schema.json. Pattern as in ledger.hpp.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/contracts/common.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/core/error.hpp"
#include "bfu/core/result.hpp"
#include "bfu/core/strong_id.hpp"

namespace bfu::contracts {

enum class AlertChannel { kEmail, kWebhook, kZmq };
BFU_CONTRACTS_ENUM_NAMES(AlertChannel, "email", "webhook", "zmq");
// kPending: recorded, to be sent; kQueued: held for the daily digest; kDigested: sent inside a
// digest (appended after the first three, so their indices keep).
enum class AlertStatus { kSent, kDelivered, kFailed, kPending, kQueued, kDigested };
BFU_CONTRACTS_ENUM_NAMES(AlertStatus, "sent", "delivered", "failed", "pending", "queued",
                         "digested");
// What an alert is about: a deviation event, a reminder from the timetable, or a digest.
enum class AlertAbout {
    kOpened,
    kChanged,
    kClosed,
    kEscalated,
    kReminder,
    kDigest,
    kForecastRound,
    kReportDeadline,
    kDialogue,
    kPlanDue,
};
BFU_CONTRACTS_ENUM_NAMES(AlertAbout, "opened", "changed", "closed", "escalated", "reminder",
                         "digest", "forecast_round", "report_deadline", "dialogue", "plan_due");

// What was sent: the rendered message.
struct AlertContent {
    std::string subject;
    std::string text;
    std::optional<std::string> html;
    std::optional<nlohmann::json> json;  // any JSON object, e.g. the webhook body

    bool operator==(const AlertContent&) const = default;
};

// The notifier's durable delivery log: one record per status change of one alert (key alert
// id), so the latest record of an alert id is its state. attempt is >= 1 except on a pending
// or queued record, which has attempt 0 (the schema allows 0 on every record).
struct Alert {
    static constexpr std::string_view kType = "se.bfu.alert.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kAlerts;

    std::string alert_id;
    std::optional<core::DeviationId> deviation_id;  // absent on reminders and digests
    core::UnitId unit;
    Person recipient;
    AlertChannel channel = AlertChannel::kEmail;
    std::optional<std::string> subject;
    std::string sent_at;  // RFC 3339
    AlertStatus status = AlertStatus::kSent;
    std::int64_t attempt = 1;           // >= 0; 0 only on pending and queued records
    std::int64_t escalation_level = 0;  // 0 = first superior
    std::optional<std::string> error;
    std::optional<AlertAbout> about;
    std::optional<std::string> event_id;  // "eventId": the deviation event, "<deviation id>:<seq>"
    std::optional<std::string> message_id;   // "messageId": RFC 5322 Message-ID, "<abc.123@host>"
    std::optional<std::string> in_reply_to;  // "inReplyTo": the Message-ID this one answers
    std::optional<AlertContent> content;
    std::optional<Webhook> webhook;              // the webhook it went to (channel webhook)
    std::optional<std::string> next_attempt_at;  // "nextAttemptAt", RFC 3339
    std::optional<std::string> digest_id;        // "digestId": the digest that carried it
    std::vector<std::string> items;              // a digest's alert ids; empty = absent

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<Alert> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return alert_id; }
    bool operator==(const Alert&) const = default;
};

enum class ReportKind { kTertial, kDelar, kArsredovisning, kSectorSummary, kDialogue };
BFU_CONTRACTS_ENUM_NAMES(ReportKind, "tertial", "delar", "arsredovisning", "sector_summary",
                         "dialogue");
// kPdf is appended after the first four, so their indices keep (the PDF is made from the HTML).
enum class FileFormat { kHtml, kXlsx, kJson, kMarkdown, kPdf };
BFU_CONTRACTS_ENUM_NAMES(FileFormat, "html", "xlsx", "json", "markdown", "pdf");

struct ReportFile {
    FileFormat format = FileFormat::kHtml;
    std::string path;
    std::optional<std::string> sha256;  // 64 lower-case hex digits

    bool operator==(const ReportFile&) const = default;
};

struct ReportPublished {
    static constexpr std::string_view kType = "se.bfu.report.published.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kReports;

    std::string report_id;
    ReportKind kind = ReportKind::kTertial;
    core::UnitId scope;  // unit at the top of the report
    int year = 0;
    std::string period;             // YYYYMM, last month covered
    std::string as_of;              // RFC 3339 cut-off
    std::vector<ReportFile> files;  // at least one

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<ReportPublished> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return report_id; }
    bool operator==(const ReportPublished&) const = default;
};

// period_closed, period_reopened and year_closed are the finance unit's decisions (bfu period
// close|reopen, bfu year close): every service that checks or judges periods follows them. The
// other kinds name the timetable's dates (appended after, so the indices keep).
enum class CalendarKind {
    kPeriodClosed,
    kForecastRound,
    kReportDeadline,
    kDialogue,
    kBokslutsdag,
    kPeriodReopened,
    kYearClosed,
};
BFU_CONTRACTS_ENUM_NAMES(CalendarKind, "period_closed", "forecast_round", "report_deadline",
                         "dialogue", "bokslutsdag", "period_reopened", "year_closed");

// One event of the year's calendar. Key "year:ref" (keys::Calendar): a period's closing and
// its reopening share the key "2026:202604", so the latest event per key is the period's state
// (services read the topic as a table); a year's closing is "2026:arsbokslut".
struct CalendarEvent {
    static constexpr std::string_view kType = "se.bfu.calendar.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kCalendar;

    std::string date;  // YYYY-MM-DD; for a decision the business date it was taken
    CalendarKind kind = CalendarKind::kPeriodClosed;
    int year = 0;
    // e.g. "202604" (the period, for period_closed and period_reopened, which require period
    // and a period inside year), "arsbokslut" (year_closed), "round-2", "tertial".
    std::string ref;
    std::optional<std::string> period;
    std::optional<int> round;
    std::optional<std::string> title;
    std::optional<std::string> by;       // who decided: an e-mail address or a name (one line)
    std::optional<std::string> comment;  // why (may run over several lines)

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<CalendarEvent> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    [[nodiscard]] std::string Key() const { return keys::Calendar(year, ref); }
    bool operator==(const CalendarEvent&) const = default;
};

// A poison message a consumer gave up on, with the reason (core::Error's code/field/message).
struct DeadLetter {
    static constexpr std::string_view kType = "se.bfu.dlq.record.v1";
    static constexpr int kSchemaVersion = 1;
    static constexpr std::string_view kTopic = topics::kDeadLetter;

    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<std::string> key;  // the original key, if any
    Payload value;                   // the original value, verbatim
    std::string error_code;          // e.g. "invalid_argument"
    std::optional<std::string> field;
    std::string message;
    std::string consumer;   // consumer group or service
    std::string failed_at;  // RFC 3339

    [[nodiscard]] nlohmann::json ToJson() const;
    [[nodiscard]] static core::Result<DeadLetter> FromJson(
        const nlohmann::json& j, std::vector<core::Error>* all_errors = nullptr);
    // The original key, so the DLQ keeps the original's partitioning; "" when there was none.
    [[nodiscard]] std::string Key() const { return key.value_or(std::string{}); }
    bool operator==(const DeadLetter&) const = default;
};

}  // namespace bfu::contracts
