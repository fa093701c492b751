#include "bfu/notifier/service.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/notifier/alerts.hpp"
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
        .String("notifier.outbox_dir", "",
                "Folder where every alert is also written as an e-mail message (.eml); empty: none")
        .String("notifier.from", "bfu <bfu@kommun.invalid>", "From address of alert e-mails")
        .Int("http.port", 18084, "Port of /healthz, /readyz, /metrics");
    return s;
}

std::string SafeFileName(std::string s) {
    for (auto& c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) c = '_';
    }
    return s;
}

// Owns the PUB socket; used only from the consume loop's thread.
struct Channels {
    ::zmq::context_t context{1};
    std::unique_ptr<zmq::Publisher> publisher;
};

void Wire(runtime::Context& ctx) {
    const auto& cfg = ctx.config();
    auto& log = ctx.logger();
    auto channels = std::make_shared<Channels>();
    channels->publisher =
        std::make_unique<zmq::Publisher>(channels->context, cfg.GetString("zmq.pub_endpoint"));
    log.Info("alerts published", {{"endpoint", channels->publisher->endpoint()}});
    const std::filesystem::path outbox = cfg.GetString("notifier.outbox_dir");
    if (!outbox.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(outbox, ec);
        if (ec) {
            throw config::ConfigError("notifier.outbox_dir",
                                      "cannot create " + outbox.string() + ": " + ec.message());
        }
    }
    const std::string from = cfg.GetString("notifier.from");
    const std::string alerts_topic = service::Topic(cfg, contracts::topics::kAlerts);
    auto* sent =
        &ctx.metrics().GetCounter("bfu_notifier_alerts_total", "Alerts sent", {{"channel", "zmq"}});
    auto* mailed = &ctx.metrics().GetCounter("bfu_notifier_alerts_total", "Alerts sent",
                                             {{"channel", "email"}});

    service::LoopSpec spec;
    spec.name = "deviation-consumer";
    spec.kafka = service::KafkaSettings(cfg, "notifier");
    spec.topics = {service::Topic(cfg, contracts::topics::kDeviations)};
    // Alerts are at-least-once: a person told twice after a crash is better than not at all;
    // alert ids are deterministic, so the audit trail shows a repeat as the same alert.
    spec.transactional = false;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    // Unit names for the alert texts come from the organisation.
    auto master = service::MasterFeed::Add(ctx, "notifier", {contracts::topics::kMasterOrg});
    spec.before_start = [master](std::stop_token st) { master->WaitCaughtUp(st); };
    // Deviations whose opening was alerted, so that their closing is alerted too.
    auto alerted = std::make_shared<std::set<std::string>>();
    spec.handler = [=, &log](const std::vector<kafka::Message>& batch) {
        core::WallClock clock;
        std::vector<kafka::Outcome> outcomes(batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            auto event = contracts::DecodeMessage<contracts::DeviationEvent>(batch[i].value);
            if (!event.ok()) {
                outcomes[i].status = std::move(event).error();
                continue;
            }
            const std::string id = event->deviation_id.value();
            if (!ShouldAlert(*event, alerted->count(id) != 0)) continue;
            if (event->event == contracts::DeviationEventKind::kClosed) {
                alerted->erase(id);
            } else {
                alerted->insert(id);
            }
            std::string unit_name;
            if (const auto md = master->Latest()) {
                if (auto u = md->org.Find(event->unit)) unit_name = md->org.unit(*u).name;
            }
            for (auto& m :
                 AlertsFor(*event, contracts::AlertChannel::kZmq, clock.Now(), unit_name)) {
                nlohmann::json live = {{"alert", m.alert.ToJson()},
                                       {"subject", m.subject},
                                       {"body", m.body},
                                       {"deviation", event->ToJson()}};
                if (auto s = channels->publisher->PublishJson("alert." + event->unit.value(), live);
                    !s.ok()) {
                    m.alert.status = contracts::AlertStatus::kFailed;
                    m.alert.error = s.error().ToString();
                }
                sent->Inc();
                log.Info("alert", {{"to", m.alert.recipient.name},
                                   {"role", m.alert.recipient.role},
                                   {"subject", m.subject}});
                outcomes[i].outputs.push_back(
                    {alerts_topic,
                     m.alert.Key(),
                     contracts::EncodeMessage(m.alert, {m.alert.alert_id, std::string(kSource),
                                                        clock.Now(), event->unit.value()}),
                     {}});
                if (!outbox.empty()) {
                    auto mail = m;
                    mail.alert.channel = contracts::AlertChannel::kEmail;
                    mail.alert.alert_id =
                        AlertId(*event, contracts::AlertChannel::kEmail, m.alert.recipient);
                    const auto file = outbox / (SafeFileName(mail.alert.alert_id) + ".eml");
                    std::ofstream os(file, std::ios::binary | std::ios::trunc);
                    os << ToEmail(mail, from);
                    if (!os.good()) {
                        mail.alert.status = contracts::AlertStatus::kFailed;
                        mail.alert.error = "cannot write " + file.string();
                    }
                    mailed->Inc();
                    outcomes[i].outputs.push_back(
                        {alerts_topic,
                         mail.alert.Key(),
                         contracts::EncodeMessage(
                             mail.alert, {mail.alert.alert_id, std::string(kSource), clock.Now(),
                                          event->unit.value()}),
                         {}});
                }
            }
        }
        return outcomes;
    };
    ctx.Emplace<service::LoopComponent>(std::move(spec), ctx);
    ctx.Emplace<service::QueryServer>(cfg.GetString("zmq.endpoint"), ctx);
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "notifier", "Alerts the right superiors about deviations at once", MakeSchema(), Wire);
}

}  // namespace bfu::notifier
