#include "bfu/notifier/service.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/notifier/alert_log.hpp"
#include "bfu/notifier/answers.hpp"
#include "bfu/notifier/casework_index.hpp"
#include "bfu/notifier/dispatcher.hpp"
#include "bfu/notifier/mime.hpp"
#include "bfu/notifier/planner.hpp"
#include "bfu/notifier/templates.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/kafka_log.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"
#include "bfu/zmq/zmq.hpp"

namespace bfu::notifier {

namespace {

constexpr std::string_view kSource = "bfu/notifier";

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "notifier");
    service::AddFollowUpFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:15554");
    s.String("zmq.pub_endpoint", "tcp://127.0.0.1:15560",
             "ZeroMQ PUB endpoint where live alerts are published (bfu watch)")
        .String("notifier.from", "bfu <bfu@kommun.invalid>",
                "From address of alert e-mails; its domain names the Message-IDs")
        .String("notifier.smtp.url", "",
                "SMTP server for e-mail: smtp://host:port (STARTTLS when offered) or "
                "smtps://host:port; empty: no e-mail is sent (the outbox only)")
        .Secret("notifier.smtp.user", "SMTP user name (environment only)")
        .Secret("notifier.smtp.password", "SMTP password (environment only)")
        .String("notifier.smtp.ca_file", "", "CA certificates to verify the SMTP server with")
        .DurationMs("notifier.smtp.timeout", std::chrono::milliseconds(10000),
                    "How long one SMTP delivery may take")
        .String("notifier.outbox_dir", "",
                "Folder where every e-mail is also kept as an .eml file; empty: none")
        .String("notifier.templates_dir", "",
                "Folder of the municipality's own templates (<name>.mustache) replacing the "
                "defaults file by file; empty: the defaults (bfu templates export DIR)")
        .Secret("notifier.link_key",
                "Key signing the answer links (at least 16 bytes); unset: no links")
        .String("notifier.links.base_url", "",
                "Address of the notifier's pages as the recipients reach them, e.g. "
                "https://bfu.kommun.se; empty: http://<http.host>:<http.port>")
        .Int("notifier.links.ttl_days", 14, "How many days an answer link is valid")
        .Bool("notifier.digest.enabled", true,
              "Batch minor changes within mandate into one daily e-mail per recipient")
        .String("notifier.digest.at", "07:00", "When the daily digest goes out (Swedish time)")
        .Bool("notifier.reminders.enabled", true,
              "Remind of forecast rounds, report deadlines and dialogue meetings")
        .Int("notifier.reminders.forecast_days", 2,
             "Working days before a forecast round that its reminder goes out")
        .Int("notifier.reminders.report_days", 5,
             "Working days before a report deadline that its reminder goes out")
        .Int("notifier.reminders.dialogue_days", 5,
             "Working days before a dialogue meeting that its reminder goes out")
        .Bool("notifier.reports.enabled", true,
              "E-mail each report announced on bfu.reports to the nämnd's secretary and the "
              "sektorchef (and a dialogunderlag to its unit's manager), with its files' paths")
        .Int("notifier.reminders.plan_due_days", 10,
             "Working days after a deviation beyond its nämnd's mandate opened without a decided "
             "action plan that the sektorchef is reminded")
        .DurationMs("notifier.retry_initial", std::chrono::milliseconds(1000),
                    "First wait before a failed delivery is tried again (doubles each time)")
        .DurationMs("notifier.retry_max", std::chrono::milliseconds(600000),
                    "Longest wait between delivery attempts")
        .DurationMs("notifier.webhook.timeout", std::chrono::milliseconds(5000),
                    "How long one webhook POST may take")
        .String("notifier.webhook.ca_file", "", "CA certificates to verify webhook servers with")
        .DurationMs("notifier.delivery_delay", std::chrono::milliseconds(0),
                    "A pause before each delivery (fault tests only; 0 in production)")
        .String("notifier.analysis_endpoint", "tcp://127.0.0.1:15552",
                "ZeroMQ endpoint of analysis, where acknowledgements by link are sent")
        .String("notifier.casework_endpoint", "tcp://127.0.0.1:15556",
                "ZeroMQ endpoint of casework, where comments and measures by link are sent")
        .Int("http.port", 18084, "Port of /healthz, /readyz, /metrics and the answer pages");
    return s;
}

std::pair<int, int> ParseClock(const std::string& text) {
    int h = -1;
    int m = -1;
    if (text.size() == 5 && text[2] == ':') {
        h = std::atoi(text.substr(0, 2).c_str());
        m = std::atoi(text.substr(3, 2).c_str());
    }
    if (h < 0 || h > 23 || m < 0 || m > 59) {
        throw config::ConfigError("notifier.digest.at", "a time HH:MM, not '" + text + "'");
    }
    return {h, m};
}

// The PUB socket and its context; the socket closes before the context (member order). Used
// from the consume loop's thread only.
struct LiveChannel {
    explicit LiveChannel(const std::string& endpoint) : publisher(context, endpoint) {}
    ::zmq::context_t context{1};
    zmq::Publisher publisher;
};

// The records one batch planned, kept until the batch is written (then folded into the log)
// or dropped (then forgotten, to be planned again when the batch is read again).
struct BatchPlans {
    std::mutex mu;
    std::vector<contracts::Alert> records;
};

void Wire(runtime::Context& ctx) {
    // First, so it outlives every Kafka client: their lines go into the JSON log.
    ctx.Emplace<service::KafkaLogRoute>(ctx.logger());
    const auto& cfg = ctx.config();
    auto& log = ctx.logger();

    auto templates_loaded =
        text::Templates::Load(DefaultTemplates(), cfg.GetString("notifier.templates_dir"));
    if (!templates_loaded.ok()) {
        throw config::ConfigError("notifier.templates_dir", templates_loaded.error().message);
    }
    auto templates = std::make_shared<const text::Templates>(std::move(templates_loaded).value());

    std::shared_ptr<const LinkSigner> signer;
    const std::string link_key =
        cfg.Has("notifier.link_key") ? cfg.GetString("notifier.link_key") : std::string();
    if (!link_key.empty()) {
        if (link_key.size() < 16) {
            throw config::ConfigError("notifier.link_key", "must be at least 16 bytes long");
        }
        signer = std::make_shared<const LinkSigner>(link_key);
    } else {
        log.Warn("answer links are off: BFU_NOTIFIER_LINK_KEY is not set");
    }
    PlannerOptions popts;
    popts.from = cfg.GetString("notifier.from");
    popts.links_base = cfg.GetString("notifier.links.base_url");
    if (popts.links_base.empty()) {
        popts.links_base =
            "http://" + cfg.GetString("http.host") + ":" + std::to_string(cfg.GetInt("http.port"));
    }
    while (!popts.links_base.empty() && popts.links_base.back() == '/') popts.links_base.pop_back();
    const auto ttl_days = cfg.GetInt("notifier.links.ttl_days");
    if (ttl_days < 1 || ttl_days > 365) {
        throw config::ConfigError("notifier.links.ttl_days", "must be 1..365 days");
    }
    popts.link_ttl = std::chrono::hours(24 * ttl_days);
    popts.digest = cfg.GetBool("notifier.digest.enabled");
    auto planner = std::make_shared<const Planner>(templates, signer, popts);

    const std::filesystem::path outbox = cfg.GetString("notifier.outbox_dir");
    if (!outbox.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(outbox, ec);
        if (ec) {
            throw config::ConfigError("notifier.outbox_dir",
                                      "cannot create " + outbox.string() + ": " + ec.message());
        }
    }
    const std::string alerts_topic = service::Topic(cfg, contracts::topics::kAlerts);

    auto master =
        service::MasterFeed::Add(ctx, "notifier",
                                 {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                                  contracts::topics::kMasterGoals});
    auto& alert_log =
        ctx.Emplace<AlertLog>(service::KafkaSettings(cfg, "notifier", "alerts"), alerts_topic, ctx);
    auto& deviations = service::DeviationTable::Add(ctx, "notifier");
    auto& submissions = ctx.Emplace<service::MasterTable>(
        service::KafkaSettings(cfg, "notifier", "submissions"),
        std::vector<std::string>{service::Topic(cfg, contracts::topics::kForecastSubmissions)},
        service::MasterTable::OnChange{}, ctx, "bfu_notifier_submission_records");
    auto& plans = ctx.Emplace<service::MasterTable>(
        service::KafkaSettings(cfg, "notifier", "plans"),
        std::vector<std::string>{service::Topic(cfg, contracts::topics::kCasePlans)},
        service::MasterTable::OnChange{}, ctx, "bfu_notifier_plan_records");
    auto& measures = ctx.Emplace<service::MasterTable>(
        service::KafkaSettings(cfg, "notifier", "measures"),
        std::vector<std::string>{service::Topic(cfg, contracts::topics::kCaseMeasures)},
        service::MasterTable::OnChange{}, ctx, "bfu_notifier_measure_records");
    auto& reports = ctx.Emplace<service::MasterTable>(
        service::KafkaSettings(cfg, "notifier", "reports"),
        std::vector<std::string>{service::Topic(cfg, contracts::topics::kReports)},
        service::MasterTable::OnChange{}, ctx, "bfu_notifier_report_records");
    // Used from the consume loop's thread only.
    auto casework = std::make_shared<CaseworkIndex>();

    // Live alerts go out on the PUB socket from the consume loop's thread.
    auto live_channel = std::make_shared<LiveChannel>(cfg.GetString("zmq.pub_endpoint"));
    log.Info("alerts published", {{"endpoint", live_channel->publisher.endpoint()}});
    auto* live = &ctx.metrics().GetCounter("bfu_notifier_alerts_total", "Alerts delivered",
                                           {{"channel", "zmq"}});
    auto* planned = &ctx.metrics().GetCounter("bfu_notifier_alerts_planned_total",
                                              "Alerts recorded as pending or queued");

    auto batch = std::make_shared<BatchPlans>();
    service::LoopSpec spec;
    spec.name = "deviation-consumer";
    spec.kafka = service::KafkaSettings(cfg, "notifier");
    spec.topics = {service::Topic(cfg, contracts::topics::kDeviations)};
    // Exactly once: each deviation event is planned once, its alerts recorded as pending in the
    // same transaction as the event's offset; the dispatcher sends what is pending.
    spec.transactional = true;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    spec.options.on_discarded = [batch](const std::vector<kafka::TopicPartitionOffset>&) {
        std::lock_guard lock(batch->mu);
        batch->records.clear();
    };
    spec.options.on_written = [batch, &alert_log] {
        std::vector<contracts::Alert> written;
        {
            std::lock_guard lock(batch->mu);
            written.swap(batch->records);
        }
        alert_log.Apply(written);
    };
    spec.before_start = [master, &alert_log, &deviations, &plans, &measures](std::stop_token st) {
        master->WaitCaughtUp(st);
        (void)alert_log.WaitCaughtUp(st);
        (void)deviations.WaitCaughtUp(st);
        while (!st.stop_requested() && !plans.WaitCaughtUp(std::chrono::milliseconds(200))) {
        }
        while (!st.stop_requested() && !measures.WaitCaughtUp(std::chrono::milliseconds(200))) {
        }
    };
    spec.handler = [=, &log, &alert_log, &ctx, &plans,
                    &measures](const std::vector<kafka::Message>& messages) {
        std::vector<kafka::Outcome> outcomes(messages.size());
        const auto md = master->Latest();
        for (std::size_t i = 0; i < messages.size(); ++i) {
            auto event = contracts::DecodeMessage<contracts::DeviationEvent>(messages[i].value);
            if (!event.ok()) {
                outcomes[i].status = std::move(event).error();
                continue;
            }
            const auto now = ctx.clock().Now();
            std::vector<AlertState> earlier;
            alert_log.Read(
                [&](const AlertFold& f) { earlier = f.ForDeviation(event->deviation_id.value()); });
            {
                std::lock_guard lock(batch->mu);
                for (const auto& r : batch->records) {
                    if (r.deviation_id == event->deviation_id) {
                        AlertState s;
                        s.planned = r;
                        s.status = r.status;
                        earlier.push_back(std::move(s));
                    }
                }
            }
            // Live first: published at once, before the e-mails are planned and rendered. A
            // copy of an event already alerted (analysis writes an event again after a restart:
            // at-least-once, the same id) is not published or recorded again: its live alert
            // is in the log already (it was recorded "sent" twice, found by ops/chaos).
            std::optional<contracts::Alert> live_record;
            auto l = planner->Live(*event, md.get(), now);
            if (l && std::any_of(earlier.begin(), earlier.end(), [&](const AlertState& s) {
                    return s.planned.alert_id == l->record.alert_id;
                })) {
                l.reset();
            }
            if (l) {
                if (auto s = live_channel->publisher.PublishJson(l->topic, l->body); !s.ok()) {
                    l->record.status = contracts::AlertStatus::kFailed;
                    l->record.error = s.error().ToString();
                } else {
                    live->Inc();
                }
                live_record = l->record;
            }
            const auto answering =
                casework->For(event->deviation_id.value(), measures.Snapshot(), plans.Snapshot());
            auto alerts = planner->ForEvent(*event, md.get(), earlier, now, &answering);
            if (!alerts.ok()) {
                // A template that fails on this event: poison, with the reason in the DLQ.
                log.Warn("alerts not planned", {{"deviation", event->deviation_id.value()},
                                                {"error", alerts.error().ToString()}});
                outcomes[i].status = std::move(alerts).error();
                continue;
            }
            std::vector<contracts::Alert> records = std::move(alerts).value();
            // The same alert id is the same event to the same person by the same channel: a
            // copy of an event planned already plans nothing again.
            std::erase_if(records, [&](const contracts::Alert& r) {
                return std::any_of(earlier.begin(), earlier.end(), [&](const AlertState& s) {
                    return s.planned.alert_id == r.alert_id;
                });
            });
            if (live_record) records.push_back(*live_record);
            for (const auto& r : records) {
                outcomes[i].outputs.push_back(
                    {alerts_topic,
                     r.Key(),
                     contracts::EncodeMessage(
                         r, {r.alert_id, std::string(kSource), now, r.unit.value()}),
                     {}});
                if (r.status == contracts::AlertStatus::kPending ||
                    r.status == contracts::AlertStatus::kQueued) {
                    planned->Inc();
                    log.Info("alert planned",
                             {{"alert", r.alert_id},
                              {"status", std::string(contracts::ToString(r.status))},
                              {"to", r.recipient.email.value_or(r.recipient.name)}});
                }
            }
            std::lock_guard lock(batch->mu);
            batch->records.insert(batch->records.end(), records.begin(), records.end());
        }
        return outcomes;
    };
    ctx.Emplace<service::LoopComponent>(std::move(spec), ctx);

    DispatcherOptions d;
    d.alerts_topic = alerts_topic;
    d.from = popts.from;
    if (const auto& url = cfg.GetString("notifier.smtp.url"); !url.empty()) {
        if (url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0) {
            throw config::ConfigError("notifier.smtp.url",
                                      "must start with smtp:// or smtps://, not '" + url + "'");
        }
        SmtpOptions smtp;
        smtp.url = url;
        smtp.from_address = MailAddress(popts.from);
        if (cfg.Has("notifier.smtp.user")) smtp.user = cfg.GetString("notifier.smtp.user");
        if (cfg.Has("notifier.smtp.password")) {
            smtp.password = cfg.GetString("notifier.smtp.password");
        }
        smtp.ca_file = cfg.GetString("notifier.smtp.ca_file");
        smtp.timeout = cfg.GetDuration("notifier.smtp.timeout");
        d.smtp = smtp;
    } else if (outbox.empty()) {
        log.Warn("no e-mail channel: set notifier.smtp.url (and/or notifier.outbox_dir)");
    }
    d.outbox = outbox;
    d.webhook.timeout = cfg.GetDuration("notifier.webhook.timeout");
    d.webhook.ca_file = cfg.GetString("notifier.webhook.ca_file");
    d.retry_initial = cfg.GetDuration("notifier.retry_initial");
    d.retry_max = cfg.GetDuration("notifier.retry_max");
    d.delivery_delay = cfg.GetDuration("notifier.delivery_delay");
    std::tie(d.digest_hour, d.digest_minute) = ParseClock(cfg.GetString("notifier.digest.at"));
    d.reminders = cfg.GetBool("notifier.reminders.enabled");
    d.reminder_policy.forecast_days =
        static_cast<int>(cfg.GetInt("notifier.reminders.forecast_days"));
    d.reminder_policy.report_days = static_cast<int>(cfg.GetInt("notifier.reminders.report_days"));
    d.reminder_policy.dialogue_days =
        static_cast<int>(cfg.GetInt("notifier.reminders.dialogue_days"));
    d.reminder_policy.plan_due_days =
        static_cast<int>(cfg.GetInt("notifier.reminders.plan_due_days"));
    d.year = service::FollowUpYear(cfg);
    d.reports = cfg.GetBool("notifier.reports.enabled");
    ctx.Emplace<Dispatcher>(std::move(d), service::KafkaSettings(cfg, "notifier", "dispatch"),
                            alert_log, planner, master, &submissions, &plans, &deviations, ctx,
                            &reports);

    auto& server = ctx.Emplace<service::QueryServer>(cfg.GetString("zmq.endpoint"), ctx);
    // The PUB topic prefix of a unit's subtree, for bfu watch --unit.
    server.Handle(
        "watch.topic", [master, &ctx](const nlohmann::json& req) -> core::Result<nlohmann::json> {
            const std::string unit = req.value("unit", "");
            const auto md = master->Latest();
            if (unit.empty() || !md || !md->org.Find(unit)) {
                return core::Error(core::Errc::kNotFound, "unit", "unknown unit '" + unit + "'");
            }
            return nlohmann::json{{"topic", LiveTopic(md.get(), unit, ctx.clock().Now())}};
        });
    server.Handle("alerts",
                  [&alert_log](const nlohmann::json& req) -> core::Result<nlohmann::json> {
                      const bool failed_only = req.value("failed", false);
                      nlohmann::json out = nlohmann::json::array();
                      alert_log.Read([&](const AlertFold& f) {
                          for (const auto& a : failed_only ? f.Failed() : f.Recent(200)) {
                              nlohmann::json j = a.planned.ToJson();
                              j.erase("content");
                              j["status"] = std::string(contracts::ToString(a.status));
                              j["attempts"] = a.attempts;
                              if (a.error) j["error"] = *a.error;
                              out.push_back(std::move(j));
                          }
                      });
                      return nlohmann::json{{"alerts", out}};
                  });
    if (signer) {
        auto pages = std::make_shared<AnswerPages>(
            signer, templates, cfg.GetString("notifier.analysis_endpoint"),
            cfg.GetString("notifier.casework_endpoint"), master, &deviations, ctx);
        pages->Register();
        // The pages live as long as the routes: keep them in a component-less holder.
        struct Holder final : runtime::Component {
            explicit Holder(std::shared_ptr<AnswerPages> p) : pages(std::move(p)) {}
            [[nodiscard]] std::string Name() const override { return "answer-pages"; }
            std::shared_ptr<AnswerPages> pages;
        };
        ctx.Emplace<Holder>(pages);
    }
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "notifier",
        "Tells the right people about deviations at once, escalates and reminds; answers by link",
        MakeSchema(), Wire);
}

}  // namespace bfu::notifier
