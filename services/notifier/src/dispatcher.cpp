#include "bfu/notifier/dispatcher.hpp"

#include <fstream>

#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/notifier/mime.hpp"

namespace bfu::notifier {

namespace {

using contracts::AlertChannel;
using contracts::AlertStatus;
using namespace std::chrono_literals;

constexpr std::string_view kSource = "bfu/notifier";
constexpr auto kFlushTimeout = std::chrono::seconds(10);

std::string SafeFileName(std::string s) {
    for (auto& c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) c = '_';
    }
    return s;
}

bool Retryable(const core::Error& e) {
    return e.code == core::Errc::kUnavailable || e.code == core::Errc::kTimeout ||
           e.code == core::Errc::kConfig;
}

}  // namespace

Dispatcher::Dispatcher(DispatcherOptions options, kafka::KafkaConfig producer, AlertLog& log,
                       std::shared_ptr<const Planner> planner,
                       std::shared_ptr<service::MasterFeed> master,
                       service::MasterTable* submissions, service::MasterTable* plans,
                       service::DeviationTable* deviations, runtime::Context& ctx,
                       service::MasterTable* reports)
    : options_(std::move(options)),
      producer_config_(std::move(producer)),
      log_(log),
      planner_(std::move(planner)),
      master_(std::move(master)),
      submissions_(submissions),
      plans_(plans),
      deviations_(deviations),
      reports_(reports),
      ctx_(ctx) {
    if (options_.smtp) smtp_ = std::make_unique<SmtpSender>(*options_.smtp);
    webhook_ = std::make_unique<WebhookSender>(options_.webhook);
}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
    auto p = kafka::Producer::Create(producer_config_);
    if (!p.ok()) throw std::runtime_error("dispatcher: " + p.error().ToString());
    producer_ = std::move(p).value();
    email_ = std::jthread([this](std::stop_token st) { Deliver(st, AlertChannel::kEmail); });
    webhooks_ = std::jthread([this](std::stop_token st) { Deliver(st, AlertChannel::kWebhook); });
    scheduler_ = std::jthread([this](std::stop_token st) { Schedule(st); });
}

void Dispatcher::Stop() {
    for (auto* t : {&email_, &webhooks_, &scheduler_}) {
        if (t->joinable()) {
            t->request_stop();
            t->join();
        }
    }
}

core::Status Dispatcher::Record(const std::vector<contracts::Alert>& records) {
    if (records.empty()) return core::Ok();
    {
        std::lock_guard lock(produce_mu_);
        const auto now = ctx_.clock().Now();
        for (const auto& r : records) {
            auto value = contracts::EncodeMessage(
                r, {contracts::NewEventId(), std::string(kSource), now, r.unit.value()});
            if (auto s = producer_->Produce(options_.alerts_topic, r.Key(), value); !s.ok()) {
                return s;
            }
        }
        if (auto s = producer_->Flush(kFlushTimeout); !s.ok()) return s;
    }
    log_.Apply(records);
    return core::Ok();
}

core::Status Dispatcher::DeliverOne(const AlertState& a) {
    const contracts::Alert& p = a.planned;
    if (!p.content) {
        return core::Error(core::Errc::kInvalidArgument, "content",
                           "the alert was recorded without its message");
    }
    if (p.channel == AlertChannel::kWebhook) {
        if (!p.webhook) {
            return core::Error(core::Errc::kInvalidArgument, "webhook", "no webhook address");
        }
        const std::string body = p.content->json ? p.content->json->dump() : std::string("{}");
        return webhook_->Send(*p.webhook, p.alert_id, body);
    }
    MailParts m;
    m.from = options_.from;
    m.to = p.recipient;
    m.subject = p.content->subject;
    m.text = p.content->text;
    m.html = p.content->html.value_or("");
    m.message_id = p.message_id.value_or("");
    m.in_reply_to = p.in_reply_to.value_or("");
    auto when = core::FromRfc3339(p.sent_at);
    m.date = when.ok() ? *when : ctx_.clock().Now();
    const std::string mail = BuildMail(m);
    if (!options_.outbox.empty()) {
        const auto file = options_.outbox / (SafeFileName(p.alert_id) + ".eml");
        std::ofstream os(file, std::ios::binary | std::ios::trunc);
        os << mail;
        if (!os.good()) {
            ctx_.logger().Warn("outbox write failed", {{"file", file.string()}});
        }
    }
    if (!smtp_) {
        if (!options_.outbox.empty()) return core::Ok();  // the outbox is the channel
        return core::Error(core::Errc::kConfig, "notifier.smtp.url",
                           "no SMTP server configured (notifier.smtp.url)");
    }
    if (!p.recipient.email) {
        return core::Error(core::Errc::kInvalidArgument, "recipient", "no e-mail address");
    }
    return smtp_->Send(*p.recipient.email, mail);
}

void Dispatcher::Deliver(std::stop_token stop, AlertChannel channel) {
    auto& log = ctx_.logger();
    const std::string name(contracts::ToString(channel));
    auto& sent = ctx_.metrics().GetCounter("bfu_notifier_alerts_total", "Alerts delivered",
                                           {{"channel", name}});
    auto& failed = ctx_.metrics().GetCounter("bfu_notifier_delivery_failures_total",
                                             "Delivery attempts that failed", {{"channel", name}});
    auto& waiting = ctx_.metrics().GetGauge(
        "bfu_notifier_alerts_failed", "Alerts whose latest attempt failed", {{"channel", name}});
    if (!log_.WaitCaughtUp(stop)) return;
    while (!stop.stop_requested()) {
        const auto now = core::WallClock().Now();
        std::vector<AlertState> due;
        std::optional<core::TimePoint> next;
        std::size_t failing = 0;
        log_.Read([&](const AlertFold& f) {
            due = f.Due(channel, now);
            next = f.NextRetry(channel);
            for (const auto& x : f.Failed()) {
                if (x.planned.channel == channel) ++failing;
            }
        });
        waiting.Set(static_cast<double>(failing));
        if (due.empty()) {
            auto wait = std::chrono::milliseconds(1000);
            if (next) {
                wait =
                    std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now),
                               std::chrono::milliseconds(10), wait);
            }
            log_.WaitChange(stop, wait);
            continue;
        }
        for (const auto& a : due) {
            if (stop.stop_requested()) return;
            if (options_.delivery_delay.count() > 0) {
                std::this_thread::sleep_for(options_.delivery_delay);
                if (stop.stop_requested()) return;
            }
            core::Status s = DeliverOne(a);
            contracts::Alert r = a.planned;
            r.content.reset();
            r.sent_at = core::ToRfc3339(ctx_.clock().Now());
            r.attempt = a.attempts + 1;
            if (s.ok()) {
                r.status = AlertStatus::kSent;
                r.error.reset();
                sent.Inc();
                log.Info("alert sent", {{"alert", r.alert_id},
                                        {"channel", name},
                                        {"to", r.recipient.email.value_or(r.recipient.name)}});
            } else {
                failed.Inc();
                r.status = AlertStatus::kFailed;
                r.error = s.error().ToString();
                // A message the server will never take is tried again rarely: the address or
                // the webhook may be corrected.
                auto delay = options_.retry_initial;
                for (std::int64_t i = 1; i < r.attempt && delay < options_.retry_max; ++i)
                    delay *= 2;
                if (!Retryable(s.error())) delay = options_.retry_max;
                delay = std::min(delay, options_.retry_max);
                r.next_attempt_at = core::ToRfc3339(core::WallClock().Now() + delay);
                log.Warn("alert not delivered", {{"alert", r.alert_id},
                                                 {"channel", name},
                                                 {"attempt", r.attempt},
                                                 {"error", *r.error},
                                                 {"next_attempt", *r.next_attempt_at}});
            }
            if (auto w = Record({r}); !w.ok()) {
                // The status could not be written: the alert stays pending in the log and is
                // tried again; the broker being away is the likely cause.
                log.Warn("alert status not recorded",
                         {{"alert", r.alert_id}, {"error", w.error().ToString()}});
                std::this_thread::sleep_for(500ms);
                break;
            }
        }
    }
}

bool Dispatcher::SubmittedForecast(const std::string& unit, int round) const {
    if (submissions_ == nullptr) return false;
    auto snap = submissions_->Snapshot();
    for (const auto& [topic, records] : *snap) {
        if (records.count(std::to_string(options_.year) + ":" + unit + ":" +
                          std::to_string(round))) {
            return true;
        }
    }
    return false;
}

bool Dispatcher::DecidedPlanFor(const std::string& deviation_id) const {
    if (plans_ == nullptr) return false;
    auto snap = plans_->Snapshot();
    for (const auto& [topic, records] : *snap) {
        for (const auto& [key, value] : records) {
            auto e = contracts::DecodeMessage<contracts::PlanEvent>(value);
            if (!e.ok() || e->plan.state != contracts::PlanState::kDecided) continue;
            for (const auto& d : e->plan.deviations) {
                if (d.value() == deviation_id) return true;
            }
        }
    }
    return false;
}

void Dispatcher::Schedule(std::stop_token stop) {
    auto& log = ctx_.logger();
    if (!log_.WaitCaughtUp(stop)) return;
    master_->WaitCaughtUp(stop);
    std::optional<domain::Timetable> timetable;
    if (options_.reminders && options_.year > 0) {
        auto t = domain::BuildTimetable(options_.year, {});
        if (t.ok()) timetable = std::move(t).value();
    }
    while (!stop.stop_requested()) {
        const auto now = ctx_.clock().Now();
        const auto local = domain::ToStockholm(now);
        // Daily digests: from digest time on, once a day per recipient, of the items queued
        // before that time.
        const auto digest_time =
            domain::FromStockholm(local.date, options_.digest_hour, options_.digest_minute);
        if (now >= digest_time) {
            std::map<std::string, std::vector<AlertState>> queued;
            log_.Read([&](const AlertFold& f) {
                for (auto& [email, items] : f.Queued()) {
                    std::vector<AlertState> before;
                    for (auto& it : items) {
                        auto t = core::FromRfc3339(it.planned.sent_at);
                        if (t.ok() && *t < digest_time) before.push_back(it);
                    }
                    if (!before.empty()) queued.emplace(email, std::move(before));
                }
            });
            for (const auto& [email, items] : queued) {
                auto records = planner_->Digest(items, now);
                if (!records.ok()) {
                    log.Warn("digest not made",
                             {{"to", email}, {"error", records.error().ToString()}});
                    continue;
                }
                bool exists = false;
                log_.Read(
                    [&](const AlertFold& f) { exists = f.Contains(records->front().alert_id); });
                if (exists) continue;  // today's digest went out; these wait for tomorrow's
                if (auto s = Record(*records); !s.ok()) {
                    log.Warn("digest not recorded", {{"error", s.error().ToString()}});
                }
            }
        }
        if (timetable) {
            if (auto md = master_->Latest()) {
                auto due = DueReminders(
                    *timetable, *md, now, options_.reminder_policy,
                    [&](const std::string& unit, int round) {
                        return SubmittedForecast(unit, round);
                    },
                    [&](const std::string& id) {
                        bool seen = false;
                        log_.Read([&](const AlertFold& f) { seen = f.Contains(id); });
                        return seen;
                    });
                std::vector<contracts::Alert> records;
                for (const auto& r : due) {
                    auto a = planner_->Timetable(r.alert_id, r.about, r.to, r.unit, r.data, now,
                                                 r.templates);
                    if (a.ok()) records.push_back(std::move(a).value());
                }
                if (auto s = Record(records); !s.ok()) {
                    log.Warn("reminders not recorded", {{"error", s.error().ToString()}});
                }
            }
        }
        // Action plans the rules ask for (S9) and nobody has had decided.
        if (options_.reminders && deviations_ != nullptr) {
            if (auto md = master_->Latest()) {
                auto due = DuePlanReminders(
                    deviations_->Open(), *md, now, options_.reminder_policy,
                    [&](const std::string& id) { return DecidedPlanFor(id); },
                    [&](const std::string& id) {
                        bool seen = false;
                        log_.Read([&](const AlertFold& f) { seen = f.Contains(id); });
                        return seen;
                    });
                std::vector<contracts::Alert> records;
                for (const auto& r : due) {
                    auto a = planner_->Timetable(r.alert_id, r.about, r.to, r.unit, r.data, now,
                                                 r.templates);
                    if (a.ok()) records.push_back(std::move(a).value());
                }
                if (auto s = Record(records); !s.ok()) {
                    log.Warn("plan reminders not recorded", {{"error", s.error().ToString()}});
                }
            }
        }
        // The reports announced on bfu.reports, to the nämnd's secretary and the sektorchef.
        if (options_.reports && reports_ != nullptr) {
            if (auto md = master_->Latest()) {
                auto snap = reports_->Snapshot();
                std::vector<contracts::Alert> records;
                for (const auto& [topic, published] : *snap) {
                    for (const auto& [key, value] : published) {
                        auto report = contracts::DecodeMessage<contracts::ReportPublished>(value);
                        if (!report.ok()) continue;
                        auto due = ReportNotices(*report, *md, [&](const std::string& id) {
                            bool seen = false;
                            log_.Read([&](const AlertFold& f) { seen = f.Contains(id); });
                            return seen;
                        });
                        for (const auto& r : due) {
                            auto a = planner_->Timetable(r.alert_id, r.about, r.to, r.unit, r.data,
                                                         now, r.templates);
                            if (a.ok()) {
                                records.push_back(std::move(a).value());
                            } else {
                                log.Warn("report notice not made",
                                         {{"alert", r.alert_id}, {"error", a.error().ToString()}});
                            }
                        }
                    }
                }
                if (auto s = Record(records); !s.ok()) {
                    log.Warn("report notices not recorded", {{"error", s.error().ToString()}});
                }
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

}  // namespace bfu::notifier
