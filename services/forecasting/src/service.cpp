#include "bfu/forecasting/service.hpp"

#include <chrono>
#include <memory>
#include <mutex>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/forecasting/forecaster.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"
#include "bfu/service/status_keys.hpp"

namespace bfu::forecasting {

namespace {

constexpr std::string_view kSource = "bfu/forecasting";

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "forecasting");
    service::AddFollowUpFields(s);
    service::AddRedisFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:15553");
    s.Int("forecast.trend_weight_percent", 50,
          "How much of the trend to date is carried into the rest of the year, 0-100")
        .Int("http.port", 18083, "Port of /healthz, /readyz, /metrics");
    return s;
}

void Wire(runtime::Context& ctx) {
    const auto& cfg = ctx.config();
    const std::string redis_prefix = cfg.GetString("redis.prefix");
    auto& log = ctx.logger();
    domain::ForecastConfig fc;
    fc.trend_weight_percent = cfg.GetInt("forecast.trend_weight_percent");
    if (auto s = fc.Validate(); !s.ok()) {
        throw config::ConfigError("forecast.trend_weight_percent", s.error().message);
    }
    auto pool = redis::Pool::Create(cfg.GetString("redis.url"));
    if (!pool.ok()) {
        throw config::ConfigError("redis.url", "cannot reach Redis: " + pool.error().ToString());
    }
    std::shared_ptr<redis::Pool> redis = std::move(pool).value();

    auto forecaster = std::make_shared<Forecaster>(fc);
    auto master =
        service::MasterFeed::Add(ctx, "forecasting",
                                 {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                                  contracts::topics::kMasterBudget});

    auto* written =
        &ctx.metrics().GetCounter("bfu_forecasting_forecasts_total", "Forecasts written");
    const std::string forecasts_topic = service::Topic(cfg, contracts::topics::kForecasts);
    const std::string deviations_topic = service::Topic(cfg, contracts::topics::kDeviations);

    service::LoopSpec spec;
    spec.name = "aggregate-consumer";
    spec.kafka = service::KafkaSettings(cfg, "forecasting");
    spec.topics = {service::Topic(cfg, contracts::topics::kUnitAggregates)};
    spec.transactional = true;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    spec.before_start = [master](std::stop_token st) { master->WaitCaughtUp(st); };
    spec.handler = [=, &log](const std::vector<kafka::Message>& batch) {
        core::WallClock clock;
        if (auto md = master->Take()) forecaster->SetMaster(md);
        std::vector<kafka::Outcome> outcomes(batch.size());
        std::vector<redis::Argv> redis_cmds;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            auto agg = contracts::DecodeMessage<contracts::UnitAggregate>(batch[i].value);
            if (!agg.ok()) {
                outcomes[i].status = std::move(agg).error();
                continue;
            }
            auto out = forecaster->OnAggregate(*agg, clock.Now());
            if (!out.ok()) {
                outcomes[i].status = std::move(out).error();
                continue;
            }
            for (const auto& f : out->forecasts) {
                outcomes[i].outputs.push_back(
                    {forecasts_topic,
                     f.Key(),
                     contracts::EncodeMessage(
                         f, {f.Key() + ":" + std::to_string(f.total_ore), std::string(kSource),
                             clock.Now(), f.unit.value()}),
                     {}});
                const auto key = service::status_keys::Forecast(redis_prefix, f.unit.value());
                redis_cmds.push_back({"DEL", key});
                redis_cmds.push_back({"HSET", key, "year", std::to_string(f.year), "round",
                                      std::to_string(f.round), "method",
                                      std::string(contracts::ToString(f.method)), "total_ore",
                                      std::to_string(f.total_ore), "budget_ore",
                                      std::to_string(f.budget_ore), "made_at", f.made_at});
                written->Inc();
            }
            for (const auto& d : out->deviations) {
                const std::string id = d.deviation_id.value() + ":" + std::to_string(d.seq);
                outcomes[i].outputs.push_back(
                    {deviations_topic,
                     d.Key(),
                     contracts::EncodeMessage(
                         d, {id, std::string(kSource), clock.Now(), d.unit.value()}),
                     {}});
                log.Info("forecast deviation",
                         {{"id", d.deviation_id.value()}, {"event", contracts::ToString(d.event)}});
            }
        }
        if (!redis_cmds.empty()) {
            if (auto r = redis->Transaction(redis_cmds); !r.ok()) {
                log.Warn("redis write failed", {{"error", r.error().ToString()}});
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
        "forecasting", "Full-year forecasts per unit and forecast deviations", MakeSchema(), Wire);
}

}  // namespace bfu::forecasting
