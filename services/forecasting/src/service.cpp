#include "bfu/forecasting/service.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/deviation_event_id.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/measures.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/forecasting/forecaster.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/escalator.hpp"
#include "bfu/service/kafka_log.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/master_table.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"
#include "bfu/service/status_keys.hpp"

namespace bfu::forecasting {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::string_view kSource = "bfu/forecasting";
constexpr auto kFlushTimeout = 30s;

}  // namespace

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "forecasting");
    service::AddFollowUpFields(s);
    service::AddRedisFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:15553");
    service::AddEscalationFields(s);
    s.String("followup.business_date", "",
             "The business date YYYY-MM-DD that decides the forecast round; empty = today (UTC)")
        .Int("forecast.trend_weight_percent", 50,
             "How much of the trend to date is carried into the rest of the year, 0-100")
        .Int("forecast.material_percent", 50,
             "A unit's forecast is written again within a round when it moved by more than this "
             "share of its level's threshold amount, 0-100")
        .Int("http.port", 18083, "Port of /healthz, /readyz, /metrics");
    return s;
}

namespace {

core::Error Unavailable(std::string message) {
    return core::Error(core::Errc::kUnavailable, "service", std::move(message));
}

// Runs the Forecaster: waits for master data, the input table (aggregates, submissions, the
// forecasts already written) and the deviation table to catch up, then on every change and at
// least every half second applies what changed, evaluates on the business date and writes the
// outputs (idempotent producer, flushed; a delivery that fails after the producer's retries is
// fatal: the service restarts and rebuilds from the topics). It also serves forecast.submit and
// forecast.accuracy. Thread-safety: the Forecaster is used under mu_ only.
class ForecastRunner final : public runtime::Component {
public:
    ForecastRunner(runtime::Context& ctx, std::shared_ptr<service::MasterFeed> master,
                   service::MasterTable& inputs, service::DeviationTable& deviations,
                   std::shared_ptr<redis::Pool> redis, ForecastPolicy policy)
        : ctx_(ctx),
          master_(std::move(master)),
          inputs_(inputs),
          deviations_(deviations),
          redis_(std::move(redis)),
          forecaster_(policy),
          ack_policy_(service::AckPolicyFrom(ctx.config())),
          redis_prefix_(ctx.config().GetString("redis.prefix")),
          business_date_(ctx.config().GetString("followup.business_date")),
          forecasts_topic_(service::Topic(ctx.config(), contracts::topics::kForecasts)),
          submissions_topic_(service::Topic(ctx.config(), contracts::topics::kForecastSubmissions)),
          deviations_topic_(service::Topic(ctx.config(), contracts::topics::kDeviations)),
          aggregates_topic_(service::Topic(ctx.config(), contracts::topics::kUnitAggregates)),
          measures_topic_(service::Topic(ctx.config(), contracts::topics::kCaseMeasures)),
          written_(
              ctx.metrics().GetCounter("bfu_forecasting_forecasts_total", "Forecasts written")),
          submitted_(ctx.metrics().GetCounter("bfu_forecasting_submissions_total",
                                              "Managers' forecasts accepted")),
          bad_(ctx.metrics().GetCounter("bfu_forecasting_bad_records_total",
                                        "Input records that could not be used")) {
        if (!business_date_.empty() && !domain::Date::Parse(business_date_).ok()) {
            throw config::ConfigError("followup.business_date",
                                      "a date YYYY-MM-DD, got '" + business_date_ + "'");
        }
    }
    ~ForecastRunner() override { Stop(); }

    [[nodiscard]] std::string Name() const override { return "forecast-runner"; }
    [[nodiscard]] bool Ready() const override { return ready_.load(); }

    void Start() override {
        auto p = kafka::Producer::Create(service::KafkaSettings(ctx_.config(), "forecasting"));
        if (!p.ok()) throw std::runtime_error("forecasting producer: " + p.error().ToString());
        producer_ = std::move(p).value();
        thread_ = std::jthread([this](std::stop_token st) { Run(st); });
    }

    void Stop() override {
        if (thread_.joinable()) {
            thread_.request_stop();
            thread_.join();
        }
        std::lock_guard lock(mu_);
        if (producer_) (void)producer_->Flush(kFlushTimeout);
    }

    // Wakes the loop (the input table changed).
    void Notify() {
        std::lock_guard lock(wake_mu_);
        wake_ = true;
        wake_cv_.notify_all();
    }

    core::Result<json> Submit(const json& request) {
        std::lock_guard lock(mu_);
        if (!ready_.load() || !forecaster_.HasMaster()) {
            return Unavailable("forecasting is still reading its inputs; try again shortly");
        }
        const auto now = ctx_.clock().Now();
        auto md = master_->Latest();
        auto s = DecideSubmission(request, *md, forecaster_.year(),
                                  forecaster_.RoundOn(BusinessDate(now)), now);
        if (!s.ok()) return std::move(s).error();
        auto value = contracts::EncodeMessage(
            *s, {contracts::NewEventId(), std::string(kSource), now, s->unit.value()});
        if (auto st = producer_->Produce(submissions_topic_, s->Key(), value); !st.ok()) {
            return Unavailable(st.error().ToString());
        }
        if (auto st = producer_->Flush(kFlushTimeout); !st.ok()) {
            return Unavailable(st.error().ToString());
        }
        submitted_.Inc();
        // Applied at once; reading it back from the topic changes nothing.
        (void)forecaster_.PutSubmission(*s);
        Notify();
        ctx_.logger().Info(
            "forecast submitted",
            {{"unit", s->unit.value()}, {"round", s->round}, {"amount_ore", s->amount_ore}});
        return json{{"year", s->year},      {"unit", s->unit.value()},
                    {"round", s->round},    {"amountOre", s->amount_ore},
                    {"by", s->by.ToJson()}, {"submittedAt", s->submitted_at}};
    }

    core::Result<json> Accuracy() {
        std::lock_guard lock(mu_);
        auto r = forecaster_.Accuracy(BusinessDate(ctx_.clock().Now()));
        if (!r.ok()) return std::move(r).error();
        return r->ToJson();
    }

private:
    domain::Date BusinessDate(core::TimePoint now) const {
        if (business_date_.empty()) return domain::StockholmDate(now);
        auto d = domain::Date::Parse(business_date_);
        return d.ok() ? *d : domain::Date::FromDays(0);
    }

    void Run(std::stop_token stop) {
        master_->WaitCaughtUp(stop);
        while (!stop.stop_requested() && !inputs_.WaitCaughtUp(200ms)) {
        }
        if (!deviations_.WaitCaughtUp(stop)) return;
        ready_ = true;
        ctx_.logger().Info("forecasting inputs caught up");
        while (!stop.stop_requested()) {
            Step();
            std::unique_lock lock(wake_mu_);
            wake_cv_.wait_for(lock, stop, 500ms, [&] { return wake_; });
            wake_ = false;
        }
    }

    // Decodes what changed in the input table since the last step.
    void ApplyInputs() {
        auto snap = inputs_.Snapshot();
        if (snap == last_snapshot_) return;
        last_snapshot_ = snap;
        auto& log = ctx_.logger();
        auto changed = [&](const std::string& topic, const std::string& key,
                           const std::string& value) {
            auto& v = seen_[topic][key];
            if (v == value) return false;
            v = value;
            return true;
        };
        auto problem = [&](const std::string& topic, const std::string& key, const core::Error& e) {
            bad_.Inc();
            log.Warn("forecasting input left out",
                     {{"topic", topic}, {"key", key}, {"error", e.ToString()}});
        };
        // The decide stage's measures: their latest state (the topic's latest event per measure).
        if (auto it = snap->find(measures_topic_); it != snap->end()) {
            for (const auto& [key, value] : it->second) {
                if (!changed(measures_topic_, key, value)) continue;
                auto e = contracts::DecodeMessage<contracts::MeasureEvent>(value);
                if (!e.ok()) {
                    problem(measures_topic_, key, e.error());
                    continue;
                }
                measures_[key] = e->measure;
                measures_changed_ = true;
            }
        }
        // Forecasts already written first, so that nothing is written again needlessly.
        for (const auto* topic : {&forecasts_topic_, &aggregates_topic_, &submissions_topic_}) {
            auto it = snap->find(*topic);
            if (it == snap->end()) continue;
            for (const auto& [key, value] : it->second) {
                if (!changed(*topic, key, value)) continue;
                if (topic == &forecasts_topic_) {
                    auto f = contracts::DecodeMessage<contracts::Forecast>(value);
                    if (f.ok()) {
                        NoteLatest(*f);
                        forecaster_.PutWritten(*f);
                    } else {
                        problem(*topic, key, f.error());
                    }
                } else if (topic == &aggregates_topic_) {
                    auto a = contracts::DecodeMessage<contracts::UnitAggregate>(value);
                    core::Status s = a.ok() ? forecaster_.PutAggregate(*a) : a.error();
                    if (!s.ok()) problem(*topic, key, s.error());
                } else {
                    auto sub = contracts::DecodeMessage<contracts::ForecastSubmission>(value);
                    core::Status s = sub.ok() ? forecaster_.PutSubmission(*sub) : sub.error();
                    if (!s.ok()) problem(*topic, key, s.error());
                }
            }
        }
    }

    void Step() {
        std::lock_guard lock(mu_);
        if (auto md = master_->Take()) {
            const bool first = !forecaster_.HasMaster();
            forecaster_.SetMaster(md);
            forecaster_.SetAckPolicy(ack_policy_);
            if (first) forecaster_.RestoreDeviations(deviations_.All());
        }
        if (!forecaster_.HasMaster()) return;
        ApplyInputs();
        // Another writer's events (acknowledgements) advance the numbering first, so two
        // different events never share an id (bfu reconcile checks it).
        forecaster_.ContinueNumbering(deviations_.Open());
        const auto now = ctx_.clock().Now();
        auto out = forecaster_.Evaluate(BusinessDate(now), now);
        // Escalation of forecast deviations nobody acknowledged in time (S7): forecasting owns
        // their events.
        // This round's events are folded first, so an escalation due in the same round
        // numbers on after them (before, a deviation that changed and was due got two events
        // with one seq).
        if (auto md = master_->Latest()) {
            std::vector<contracts::DeviationEvent> due;
            deviations_.Update([&](service::DeviationFold& fold) {
                due = service::DueAfterRound(fold, out.deviations, md->org, now, ack_policy_,
                                             [](const service::DeviationRecord& r) {
                                                 return r.latest.kind ==
                                                        contracts::DeviationKind::kForecast;
                                             });
            });
            out.deviations.insert(out.deviations.end(), due.begin(), due.end());
        } else {
            for (const auto& d : out.deviations) deviations_.Apply(d);
        }
        if (auto md = master_->Latest()) {
            for (auto& f : out.forecasts) AddMeasures(f, *md);
            // The decided and ongoing measures moved: each unit's latest forecast again, with
            // their effect (the forecast itself, without measures, is unchanged).
            if (measures_changed_) {
                measures_changed_ = false;
                for (const auto& [unit, f] : latest_) {
                    bool fresh = false;
                    for (const auto& w : out.forecasts) fresh = fresh || w.unit.value() == unit;
                    if (fresh) continue;
                    contracts::Forecast again = f;
                    AddMeasures(again, *md);
                    if (again.measures_effect_ore != f.measures_effect_ore) {
                        again.made_at = core::ToRfc3339(now);
                        out.forecasts.push_back(std::move(again));
                    }
                }
            }
        }
        if (out.forecasts.empty() && out.deviations.empty()) return;
        auto& log = ctx_.logger();
        std::vector<redis::Argv> redis_cmds;
        for (const auto& f : out.forecasts) {
            const std::string id = f.Key() + ":" + std::to_string(f.total_ore) + ":" +
                                   std::to_string(f.measures_effect_ore.value_or(0));
            NoteLatest(f);
            if (auto s = producer_->Produce(
                    forecasts_topic_, f.Key(),
                    contracts::EncodeMessage(f, {id, std::string(kSource), now, f.unit.value()}));
                !s.ok()) {
                return Fatal(s.error().ToString());
            }
            const auto key = service::status_keys::Forecast(redis_prefix_, f.unit.value());
            redis_cmds.push_back({"DEL", key});
            redis_cmds.push_back(
                {"HSET",
                 key,
                 "year",
                 std::to_string(f.year),
                 "round",
                 std::to_string(f.round),
                 "method",
                 std::string(contracts::ToString(f.method)),
                 "total_ore",
                 std::to_string(f.total_ore),
                 "budget_ore",
                 std::to_string(f.budget_ore),
                 "with_measures_ore",
                 std::to_string(f.with_measures_ore.value_or(f.total_ore)),
                 "measures_effect_ore",
                 std::to_string(f.measures_effect_ore.value_or(0)),
                 "reason",
                 f.inputs.reason ? std::string(contracts::ToString(*f.inputs.reason)) : "",
                 "made_at",
                 f.made_at});
            written_.Inc();
        }
        for (const auto& d : out.deviations) {
            const std::string id = contracts::DeviationEventId(d);
            if (auto s = producer_->Produce(
                    deviations_topic_, d.Key(),
                    contracts::EncodeMessage(d, {id, std::string(kSource), now, d.unit.value()}));
                !s.ok()) {
                return Fatal(s.error().ToString());
            }
            deviations_.Apply(d);
            if (d.event == contracts::DeviationEventKind::kEscalated) {
                // The forecaster continues the deviation's numbering after the escalation.
                if (auto r = deviations_.Find(d.deviation_id.value())) {
                    forecaster_.RestoreDeviations({*r});
                }
            }
            log.Info("forecast deviation",
                     {{"id", d.deviation_id.value()}, {"event", contracts::ToString(d.event)}});
        }
        if (auto s = producer_->Flush(kFlushTimeout); !s.ok()) return Fatal(s.error().ToString());
        if (!redis_cmds.empty()) {
            if (auto r = redis_->Transaction(redis_cmds); !r.ok()) {
                log.Warn("redis write failed", {{"error", r.error().ToString()}});
            }
        }
    }

    // The latest forecast per unit of the followed year (highest round, then the latest made).
    void NoteLatest(const contracts::Forecast& f) {
        if (forecaster_.HasMaster() && f.year != forecaster_.year()) return;
        auto [it, fresh] = latest_.try_emplace(f.unit.value(), f);
        if (!fresh && (f.round > it->second.round ||
                       (f.round == it->second.round && f.made_at >= it->second.made_at))) {
            it->second = f;
        }
    }

    // The expected effect, over the months the forecast has not seen, of the decided, ongoing
    // and done measures acting in the unit or under it (domain::EffectAfter).
    void AddMeasures(contracts::Forecast& f, const service::MasterData& md) const {
        auto u = md.org.Find(f.unit);
        auto through = domain::Period::Parse(f.inputs.through_period);
        if (!u || !through.ok()) return;
        const domain::Date day = domain::StockholmDate(ctx_.clock().Now());
        std::int64_t effect = 0;
        for (const auto& [id, m] : measures_) {
            const auto status = static_cast<domain::MeasureStatus>(static_cast<int>(m.status));
            if (!domain::CountsOn(status)) continue;
            auto area = md.org.Find(m.area);
            if (!area || !md.org.IsInSubtreeAt(*area, *u, day)) continue;
            domain::MeasureSpan span;
            auto first = domain::Period::Parse(m.from_period);
            if (!first.ok()) continue;
            span.first = *first;
            if (m.to_period) {
                if (auto last = domain::Period::Parse(*m.to_period); last.ok()) span.last = *last;
            }
            span.effect_per_month = m.effect_ore_per_month;
            effect += domain::EffectAfter(span, md.year, *through);
        }
        f.measures_effect_ore = effect;
        f.with_measures_ore = f.total_ore + effect;
    }

    void Fatal(const std::string& what) {
        ctx_.RequestShutdown(runtime::kExitFatal, "forecasting: writing outputs: " + what);
    }

    runtime::Context& ctx_;
    std::shared_ptr<service::MasterFeed> master_;
    service::MasterTable& inputs_;
    service::DeviationTable& deviations_;
    std::shared_ptr<redis::Pool> redis_;
    Forecaster forecaster_;
    domain::AckPolicy ack_policy_;
    std::string redis_prefix_;
    std::string business_date_;
    std::string forecasts_topic_;
    std::string submissions_topic_;
    std::string deviations_topic_;
    std::string aggregates_topic_;
    std::string measures_topic_;
    std::map<std::string, contracts::CaseMeasure> measures_;
    bool measures_changed_ = false;
    std::map<std::string, contracts::Forecast> latest_;
    runtime::Counter& written_;
    runtime::Counter& submitted_;
    runtime::Counter& bad_;
    std::mutex mu_;
    std::unique_ptr<kafka::Producer> producer_;
    std::shared_ptr<const service::MasterSnapshot> last_snapshot_;
    std::map<std::string, std::map<std::string, std::string>> seen_;
    std::mutex wake_mu_;
    std::condition_variable_any wake_cv_;
    bool wake_ = false;
    std::atomic<bool> ready_{false};
    std::jthread thread_;
};

}  // namespace

void Wire(runtime::Context& ctx) {
    // First, so it outlives every Kafka client: their lines go into the JSON log.
    ctx.Emplace<service::KafkaLogRoute>(ctx.logger());
    const auto& cfg = ctx.config();
    ForecastPolicy policy;
    policy.config.trend_weight_percent = cfg.GetInt("forecast.trend_weight_percent");
    if (auto s = policy.config.Validate(); !s.ok()) {
        throw config::ConfigError("forecast.trend_weight_percent", s.error().message);
    }
    policy.material_percent = cfg.GetInt("forecast.material_percent");
    if (policy.material_percent < 0 || policy.material_percent > 100) {
        throw config::ConfigError("forecast.material_percent", "0..100");
    }
    auto pool = redis::Pool::Create(cfg.GetString("redis.url"));
    if (!pool.ok()) {
        throw config::ConfigError("redis.url", "cannot reach Redis: " + pool.error().ToString());
    }
    std::shared_ptr<redis::Pool> redis = std::move(pool).value();

    auto master =
        service::MasterFeed::Add(ctx, "forecasting",
                                 {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                                  contracts::topics::kMasterBudget});
    auto runner = std::make_shared<ForecastRunner*>(nullptr);
    auto& inputs = ctx.Emplace<service::MasterTable>(
        service::KafkaSettings(cfg, "forecasting", "inputs"),
        std::vector<std::string>{service::Topic(cfg, contracts::topics::kUnitAggregates),
                                 service::Topic(cfg, contracts::topics::kForecastSubmissions),
                                 service::Topic(cfg, contracts::topics::kForecasts),
                                 service::Topic(cfg, contracts::topics::kCaseMeasures)},
        [runner](const service::MasterSnapshot&) {
            if (*runner != nullptr) (*runner)->Notify();
        },
        ctx, "bfu_forecasting_input_records");
    auto& deviations = service::DeviationTable::Add(ctx, "forecasting");
    auto& r = ctx.Emplace<ForecastRunner>(ctx, master, inputs, deviations, redis, policy);
    *runner = &r;
    auto& server = ctx.Emplace<service::QueryServer>(cfg.GetString("zmq.endpoint"), ctx);
    server.Handle("forecast.submit", [&r](const json& req) { return r.Submit(req); });
    server.Handle("forecast.accuracy", [&r](const json&) { return r.Accuracy(); });
}

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "forecasting", "Full-year forecasts per unit and forecast deviations", MakeSchema(), Wire);
}

}  // namespace bfu::forecasting
