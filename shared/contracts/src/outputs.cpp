#include "bfu/contracts/outputs.hpp"

#include "reader.hpp"

namespace bfu::contracts {
namespace {

using detail::Json;
using detail::ObjectReader;
using detail::Reader;
using detail::Str;

void ReadAlertContent(Reader& r, const Json& j, const std::string& path, AlertContent& out) {
    ObjectReader o(r, j, path);
    o.Field("subject", out.subject, Str::kAny);
    o.Field("text", out.text, Str::kAny);
    o.Field("html", out.html, Str::kAny);
    o.AnyObject("json", out.json);
    o.Finish();
}

void ReadAlert(Reader& r, const Json& j, const std::string& path, Alert& out) {
    ObjectReader o(r, j, path);
    o.Field("alertId", out.alert_id, Str::kEventId);
    o.Field("deviationId", out.deviation_id, Str::kEventId);
    o.Field("unit", out.unit, Str::kId);
    o.Object("recipient", out.recipient, detail::ReadPerson);
    o.Field("channel", out.channel);
    o.Field("subject", out.subject, Str::kAny);
    o.Field("sentAt", out.sent_at, Str::kDateTime);
    o.Field("status", out.status);
    o.Field("attempt", out.attempt, 0);
    o.Field("escalationLevel", out.escalation_level, 0);
    o.Field("error", out.error, Str::kAny);
    o.Field("about", out.about);
    o.Field("eventId", out.event_id, Str::kEventId);
    o.Field("messageId", out.message_id, Str::kNonEmpty);
    o.Field("inReplyTo", out.in_reply_to, Str::kNonEmpty);
    o.Object("content", out.content, ReadAlertContent);
    o.Object("webhook", out.webhook, detail::ReadWebhook);
    o.Field("nextAttemptAt", out.next_attempt_at, Str::kDateTime);
    o.Field("digestId", out.digest_id, Str::kEventId);
    o.Array("items", out.items, detail::StringItem(Str::kEventId), false);
    o.Finish();
}

void ReadFile(Reader& r, const Json& j, const std::string& path, ReportFile& out) {
    ObjectReader o(r, j, path);
    o.Field("format", out.format);
    o.Field("path", out.path, Str::kNonEmpty);
    o.Field("sha256", out.sha256, Str::kSha256);
    o.Finish();
}

void ReadReport(Reader& r, const Json& j, const std::string& path, ReportPublished& out) {
    ObjectReader o(r, j, path);
    o.Field("reportId", out.report_id, Str::kEventId);
    o.Field("kind", out.kind);
    o.Field("scope", out.scope, Str::kId);
    o.Field("year", out.year, 1900, 2999);
    o.Field("period", out.period, Str::kPeriod);
    o.Field("asOf", out.as_of, Str::kDateTime);
    o.Array("files", out.files, ReadFile, true, 1);
    o.Finish();
}

void ReadCalendar(Reader& r, const Json& j, const std::string& path, CalendarEvent& out) {
    ObjectReader o(r, j, path);
    o.Field("date", out.date, Str::kDate);
    o.Field("kind", out.kind);
    o.Field("year", out.year, 1900, 2999);
    o.Field("ref", out.ref, Str::kNonEmpty);
    o.Field("period", out.period, Str::kPeriod);
    o.Field("round", out.round, 1, 6);
    o.Field("title", out.title, Str::kAny);
    o.Field("by", out.by, Str::kLine);
    o.Field("comment", out.comment, Str::kLongText);
    // A period's decision names the period, inside the event's year (the schema's if/then
    // requires the period; the year is the decoder's own rule, as the schema cannot say it).
    if (o.valid() &&
        (out.kind == CalendarKind::kPeriodClosed || out.kind == CalendarKind::kPeriodReopened)) {
        if (!j.contains("period")) {
            r.Fail(detail::Child(path, "period"),
                   "is required when kind is \"" + std::string(ToString(out.kind)) + "\"");
        } else if (out.period && out.year != 0 &&
                   out.period->substr(0, 4) != std::to_string(out.year)) {
            r.Fail(detail::Child(path, "period"),
                   "period " + *out.period + " is not in the year " + std::to_string(out.year));
        }
    }
    o.Finish();
}

void ReadDeadLetter(Reader& r, const Json& j, const std::string& path, DeadLetter& out) {
    ObjectReader o(r, j, path);
    o.Field("topic", out.topic, Str::kNonEmpty);
    o.Field("partition", out.partition, 0);
    o.Field("offset", out.offset, 0);
    o.Field("key", out.key, Str::kAny);
    o.Object("value", out.value, detail::ReadPayload);
    o.Field("errorCode", out.error_code, Str::kCode);
    o.Field("field", out.field, Str::kAny);
    o.Field("message", out.message, Str::kNonEmpty);
    o.Field("consumer", out.consumer, Str::kNonEmpty);
    o.Field("failedAt", out.failed_at, Str::kDateTime);
    o.Finish();
}

}  // namespace

nlohmann::json Alert::ToJson() const {
    Json j = {{"alertId", alert_id},
              {"unit", unit.value()},
              {"recipient", recipient.ToJson()},
              {"channel", std::string(ToString(channel))},
              {"sentAt", sent_at},
              {"status", std::string(ToString(status))},
              {"attempt", attempt},
              {"escalationLevel", escalation_level}};
    if (deviation_id) j["deviationId"] = deviation_id->value();
    if (subject) j["subject"] = *subject;
    if (error) j["error"] = *error;
    if (about) j["about"] = std::string(ToString(*about));
    if (event_id) j["eventId"] = *event_id;
    if (message_id) j["messageId"] = *message_id;
    if (in_reply_to) j["inReplyTo"] = *in_reply_to;
    if (content) {
        Json c = {{"subject", content->subject}, {"text", content->text}};
        if (content->html) c["html"] = *content->html;
        if (content->json) c["json"] = *content->json;
        j["content"] = std::move(c);
    }
    if (webhook) j["webhook"] = webhook->ToJson();
    if (next_attempt_at) j["nextAttemptAt"] = *next_attempt_at;
    if (digest_id) j["digestId"] = *digest_id;
    if (!items.empty()) j["items"] = items;
    return j;
}

core::Result<Alert> Alert::FromJson(const nlohmann::json& j, std::vector<core::Error>* all_errors) {
    return detail::Decode<Alert>(j, all_errors, ReadAlert);
}

nlohmann::json ReportPublished::ToJson() const {
    Json files_json = Json::array();
    for (const auto& f : files) {
        Json fj = {{"format", std::string(ToString(f.format))}, {"path", f.path}};
        if (f.sha256) fj["sha256"] = *f.sha256;
        files_json.push_back(std::move(fj));
    }
    return {{"reportId", report_id},
            {"kind", std::string(ToString(kind))},
            {"scope", scope.value()},
            {"year", year},
            {"period", period},
            {"asOf", as_of},
            {"files", std::move(files_json)}};
}

core::Result<ReportPublished> ReportPublished::FromJson(const nlohmann::json& j,
                                                        std::vector<core::Error>* all_errors) {
    return detail::Decode<ReportPublished>(j, all_errors, ReadReport);
}

nlohmann::json CalendarEvent::ToJson() const {
    Json j = {{"date", date}, {"kind", std::string(ToString(kind))}, {"year", year}, {"ref", ref}};
    if (period) j["period"] = *period;
    if (round) j["round"] = *round;
    if (title) j["title"] = *title;
    if (by) j["by"] = *by;
    if (comment) j["comment"] = *comment;
    return j;
}

core::Result<CalendarEvent> CalendarEvent::FromJson(const nlohmann::json& j,
                                                    std::vector<core::Error>* all_errors) {
    return detail::Decode<CalendarEvent>(j, all_errors, ReadCalendar);
}

nlohmann::json DeadLetter::ToJson() const {
    Json j = {{"topic", topic},          {"partition", partition},  {"offset", offset},
              {"value", value.ToJson()}, {"errorCode", error_code}, {"message", message},
              {"consumer", consumer},    {"failedAt", failed_at}};
    if (key) j["key"] = *key;
    if (field) j["field"] = *field;
    return j;
}

core::Result<DeadLetter> DeadLetter::FromJson(const nlohmann::json& j,
                                              std::vector<core::Error>* all_errors) {
    return detail::Decode<DeadLetter>(j, all_errors, ReadDeadLetter);
}

}  // namespace bfu::contracts
