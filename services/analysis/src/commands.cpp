#include "bfu/analysis/commands.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>
#include <string>

#include "bfu/contracts/deviation_event_id.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/service/deviation_wire.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/reporting_line.hpp"

namespace bfu::analysis {

namespace {

using contracts::DeviationEventKind;
using nlohmann::json;

constexpr std::string_view kSource = "bfu/analysis";
constexpr auto kFlushTimeout = std::chrono::seconds(10);

core::Error Refuse(core::Errc code, std::string field, std::string message) {
    return core::Error(code, std::move(field), std::move(message));
}

core::Result<std::string> RequiredText(const json& r, const char* field) {
    auto it = r.find(field);
    if (it == r.end() || !it->is_string() || it->get<std::string>().empty()) {
        return Refuse(core::Errc::kInvalidArgument, field,
                      std::string("\"") + field + "\" is required: a non-empty string");
    }
    return it->get<std::string>();
}

core::Result<std::optional<std::string>> OptionalText(const json& r, const char* field) {
    auto it = r.find(field);
    if (it == r.end() || it->is_null()) return std::optional<std::string>{};
    if (!it->is_string() || it->get<std::string>().empty()) {
        return Refuse(core::Errc::kInvalidArgument, field,
                      std::string("\"") + field + "\" must be a non-empty string when given");
    }
    return std::optional<std::string>(it->get<std::string>());
}

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The contract's command id: ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$.
bool IsCommandId(std::string_view s) {
    if (s.empty() || s.size() > 128 || std::isalnum(static_cast<unsigned char>(s[0])) == 0) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '_' || c == '.' || c == ':' || c == '-';
    });
}

domain::Date DateOf(core::TimePoint now) {
    // ToRfc3339 is UTC; its first ten characters are the date.
    auto d = domain::Date::Parse(core::ToRfc3339(now).substr(0, 10));
    return d.ok() ? *d : domain::Date::FromDays(0);
}

// The event's shape: the deviation's fields as they stand, then the command's own.
contracts::DeviationEvent NextEvent(const service::DeviationRecord& record, DeviationEventKind kind,
                                    contracts::Person by, core::TimePoint now) {
    contracts::DeviationEvent e = record.latest;
    e.seq = record.last_seq + 1;
    e.event = kind;
    e.at = core::ToRfc3339(now);
    e.by = std::move(by);
    e.notified.clear();
    e.comment.reset();
    e.trigger.reset();
    e.measure.reset();
    e.action_plan.reset();
    e.decision.reset();
    e.escalation.reset();
    e.respond_by.reset();
    e.command_id.reset();
    return e;
}

json Reply(const contracts::DeviationEvent& e, bool applied) {
    json j{{"deviation", e.deviation_id.value()},
           {"event", std::string(contracts::ToString(e.event))},
           {"seq", e.seq},
           {"applied", applied}};
    return j;
}

}  // namespace

core::Result<CommandDecision> DecideCommand(const json& request,
                                            const service::DeviationRecord* record,
                                            const domain::Organisation& org, core::TimePoint now) {
    if (!request.is_object()) {
        return Refuse(core::Errc::kInvalidArgument, "op", "a command is a JSON object");
    }
    const auto op_it = request.find("op");
    const std::string op =
        op_it != request.end() && op_it->is_string() ? op_it->get<std::string>() : std::string();
    if (op == "measure.add" || op == "measure.done" || op == "deviation.comment") {
        // Measures and comments belong to the casework service since the decide stage (#12).
        return Refuse(core::Errc::kInvalidArgument, "op",
                      "'" + op +
                          "' is no longer analysis's: measures and comments belong to casework "
                          "(measure.propose, measure.status, comment.add; bfu measure, bfu "
                          "comment)");
    }
    if (op != "deviation.ack") {
        return Refuse(core::Errc::kInvalidArgument, "op",
                      "unknown command '" + op + "' (deviation.ack)");
    }
    auto deviation_id = RequiredText(request, "deviation");
    if (!deviation_id.ok()) return std::move(deviation_id).error();
    auto by_email = RequiredText(request, "by");
    if (!by_email.ok()) return std::move(by_email).error();
    auto comment = OptionalText(request, "comment");
    if (!comment.ok()) return std::move(comment).error();

    if (record == nullptr) {
        return Refuse(core::Errc::kNotFound, "deviation",
                      "unknown deviation '" + *deviation_id + "'; `bfu deviations` lists them");
    }
    auto by = service::FindLineManager(org, record->latest.unit, *by_email, DateOf(now));
    if (!by) {
        return Refuse(core::Errc::kPermissionDenied, "by",
                      *by_email + " is not the manager of " + record->latest.unit.value() +
                          " nor of a unit above it in its reporting line");
    }

    auto command_id = OptionalText(request, "commandId");
    if (!command_id.ok()) return std::move(command_id).error();
    if (*command_id && (!IsCommandId(**command_id))) {
        return Refuse(core::Errc::kInvalidArgument, "commandId",
                      "a command id is 1-128 letters, digits, '_', '.', ':', '-', starting with a "
                      "letter or digit");
    }
    CommandDecision d;
    if (*command_id && record->HasCommand(**command_id)) {
        // Sent before and applied: answer as then, append nothing.
        auto e = NextEvent(*record, DeviationEventKind::kAcknowledged, *by, now);
        e.seq = record->last_seq;
        d.reply = Reply(e, false);
        d.reply["event"] = "repeated";
        d.reply["commandId"] = **command_id;
        return d;
    }
    // The same person acknowledging again in this episode (since the deviation last opened)
    // adds nothing; another person may: the responsible level's acknowledgement is what stops
    // the escalation, whoever acknowledged before.
    const auto same = [&](const contracts::Person& p) {
        return p.email && by->email && Lower(*p.email) == Lower(*by->email);
    };
    for (const auto& [seq, p] : record->episode.acks) {
        if (!same(p)) continue;
        auto e = NextEvent(*record, DeviationEventKind::kAcknowledged, p, now);
        e.seq = seq;
        d.reply = Reply(e, false);
        d.reply["by"] = p.ToJson();
        return d;
    }
    if (!record->open && record->acknowledged) {
        auto e =
            NextEvent(*record, DeviationEventKind::kAcknowledged, record->acknowledged->by, now);
        e.seq = record->last_seq;
        d.reply = Reply(e, false);
        d.reply["by"] = record->acknowledged->by.ToJson();
        d.reply["at"] = record->acknowledged->at;
        return d;
    }
    if (!record->open) {
        return Refuse(core::Errc::kFailedPrecondition, "deviation",
                      "deviation " + *deviation_id + " is closed; nothing to acknowledge");
    }
    auto e = NextEvent(*record, DeviationEventKind::kAcknowledged, *by, now);
    e.comment = *comment;
    if (*command_id) e.command_id = **command_id;
    d.reply = Reply(e, true);
    d.event = std::move(e);
    return d;
}

namespace {

// Owns the producer to bfu.deviations and runs commands one at a time, so two commands on one
// deviation in this process never take the same seq. Lifecycle: Start creates the producer
// (start-up fails on a bad config or an unreachable broker); Stop flushes and drops it, after
// which commands are refused as unavailable. Thread-safety: Execute may be called from any
// thread.
class CommandWriter final : public runtime::Component {
public:
    CommandWriter(kafka::KafkaConfig config, std::string topic, service::DeviationTable& table,
                  std::shared_ptr<service::MasterFeed> master, runtime::Context& ctx)
        : config_(std::move(config)),
          topic_(std::move(topic)),
          table_(table),
          master_(std::move(master)),
          clock_(ctx.clock()),
          log_(ctx.logger()),
          accepted_(ctx.metrics().GetCounter("bfu_analysis_commands_total",
                                             "Deviation commands by result",
                                             {{"result", "accepted"}})),
          refused_(ctx.metrics().GetCounter("bfu_analysis_commands_total",
                                            "Deviation commands by result",
                                            {{"result", "refused"}})) {}

    [[nodiscard]] std::string Name() const override { return "deviation-commands"; }

    void Start() override {
        auto p = kafka::Producer::Create(config_);
        if (!p.ok()) {
            throw std::runtime_error("deviation commands: " + p.error().ToString());
        }
        std::lock_guard lock(mu_);
        producer_ = std::move(p).value();
    }

    void Stop() override {
        std::lock_guard lock(mu_);
        if (producer_) (void)producer_->Flush(kFlushTimeout);
        producer_.reset();
    }

    core::Result<json> Execute(const json& request) {
        auto r = ExecuteLocked(request);
        if (r.ok()) {
            accepted_.Inc();
        } else {
            refused_.Inc();
            log_.Info("deviation command refused",
                      {{"op", request.value("op", "")},
                       {"code", std::string(core::ToString(r.error().code))},
                       {"reason", r.error().message}});
        }
        return r;
    }

private:
    core::Result<json> ExecuteLocked(const json& request) {
        std::lock_guard lock(mu_);
        if (!producer_) {
            return Refuse(core::Errc::kUnavailable, "service", "analysis is not running commands");
        }
        if (!table_.Ready()) {
            return Refuse(core::Errc::kUnavailable, "service",
                          "analysis is still reading bfu.deviations; try again shortly");
        }
        auto master = master_->Latest();
        if (!master) {
            return Refuse(core::Errc::kUnavailable, "service",
                          "analysis has no organisation (master data) yet");
        }
        const auto now = clock_.Now();
        std::optional<service::DeviationRecord> record;
        json command = request;
        if (command.is_object()) {
            auto it = command.find("deviation");
            if (it != command.end() && it->is_string())
                record = table_.Find(it->get<std::string>());
            // Every acknowledgement carries a command id, its event's id includes it
            // (contracts::DeviationEventId): the client's, or one made here.
            if (auto c = command.find("commandId"); c == command.end() || c->is_null()) {
                command["commandId"] = "ack-" + contracts::NewEventId();
            }
        }
        auto d = DecideCommand(command, record ? &*record : nullptr, master->org, now);
        if (!d.ok()) return std::move(d).error();
        if (d->event) {
            const auto& e = *d->event;
            const std::string id = contracts::DeviationEventId(e);
            auto value = contracts::EncodeMessage(
                e, {id, std::string(kSource), now, std::string(e.unit.value())});
            if (auto s = producer_->Produce(topic_, e.Key(), value); !s.ok()) {
                return Refuse(core::Errc::kUnavailable, "kafka", s.error().ToString());
            }
            if (auto s = producer_->Flush(kFlushTimeout); !s.ok()) {
                return Refuse(core::Errc::kUnavailable, "kafka", s.error().ToString());
            }
            table_.Apply(e);
            // The id it was recorded under (made here when the client gave none): sending the
            // command again with it appends nothing.
            if (e.command_id) d->reply["commandId"] = *e.command_id;
            log_.Info("deviation command", {{"id", e.deviation_id.value()},
                                            {"event", contracts::ToString(e.event)},
                                            {"seq", e.seq}});
        }
        return std::move(d->reply);
    }

    kafka::KafkaConfig config_;
    std::string topic_;
    service::DeviationTable& table_;
    std::shared_ptr<service::MasterFeed> master_;
    core::Clock& clock_;
    runtime::Logger& log_;
    runtime::Counter& accepted_;
    runtime::Counter& refused_;
    std::mutex mu_;
    std::unique_ptr<kafka::Producer> producer_;
};

}  // namespace

void AddDeviationCommands(runtime::Context& ctx, std::shared_ptr<service::MasterFeed> master) {
    service::QueryServer* server = nullptr;
    service::DeviationTable* table = nullptr;
    for (auto& c : ctx.components()) {
        if (server == nullptr) server = dynamic_cast<service::QueryServer*>(c.get());
        if (table == nullptr) table = dynamic_cast<service::DeviationTable*>(c.get());
    }
    if (server == nullptr) {
        throw std::logic_error("AddDeviationCommands: add the QueryServer to the service first");
    }
    if (table == nullptr) table = &service::DeviationTable::Add(ctx, "analysis");
    const auto& cfg = ctx.config();
    auto& writer = ctx.Emplace<CommandWriter>(service::KafkaSettings(cfg, "analysis", "commands"),
                                              service::Topic(cfg, contracts::topics::kDeviations),
                                              *table, std::move(master), ctx);
    server->Handle("deviation.ack", [&writer](const json& r) { return writer.Execute(r); });
}

}  // namespace bfu::analysis
