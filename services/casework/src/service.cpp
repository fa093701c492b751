#include "bfu/casework/service.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "bfu/casework/book.hpp"
#include "bfu/casework/commands.hpp"
#include "bfu/casework/views.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/kafka_log.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/master_table.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"
#include "bfu/service/status_keys.hpp"
#include "bfu/service/topic_follower.hpp"

namespace bfu::casework {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::string_view kSource = "bfu/casework";
constexpr auto kFlushTimeout = std::chrono::seconds(10);

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "casework");
    service::AddFollowUpFields(s);
    service::AddRedisFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:15556");
    s.Int("http.port", 18086, "Port of /healthz, /readyz, /metrics and the casework API");
    return s;
}

struct Topics {
    std::string measures, comments, plans, decisions, budget, aggregates;
};

// The casework service's heart: the case book (its four topics, read whole at start and
// followed), the command writer (the one writer of those topics) and the Redis summaries.
// Lifecycle: Start starts the reader thread and the summary thread and creates the producer;
// Ready once the book has caught up; Stop joins. Thread-safety: Execute and View may be called
// from any thread (the ZeroMQ and HTTP threads); the book is guarded by mu_.
class CaseService final : public runtime::Component {
public:
    CaseService(Topics topics, std::shared_ptr<service::MasterFeed> master,
                service::DeviationTable& deviations, service::MasterTable& aggregates,
                std::shared_ptr<redis::Pool> redis, runtime::Context& ctx)
        : topics_(std::move(topics)),
          master_(std::move(master)),
          deviations_(deviations),
          aggregates_(aggregates),
          redis_(std::move(redis)),
          ctx_(ctx),
          redis_prefix_(ctx.config().GetString("redis.prefix")),
          reader_(service::KafkaSettings(ctx.config(), "casework", "book")),
          accepted_(ctx.metrics().GetCounter("bfu_casework_commands_total",
                                             "Casework commands by result",
                                             {{"result", "accepted"}})),
          refused_(ctx.metrics().GetCounter("bfu_casework_commands_total",
                                            "Casework commands by result",
                                            {{"result", "refused"}})) {
        reader_.group_id.clear();
    }
    ~CaseService() override { Stop(); }

    [[nodiscard]] std::string Name() const override { return "casework"; }
    [[nodiscard]] bool Ready() const override { return caught_up_.load(); }

    void Start() override {
        auto p = kafka::Producer::Create(service::KafkaSettings(ctx_.config(), "casework"));
        if (!p.ok()) throw std::runtime_error("casework producer: " + p.error().ToString());
        producer_ = std::move(p).value();
        reader_thread_ = std::jthread([this](std::stop_token st) { Follow(st); });
        summary_thread_ = std::jthread([this](std::stop_token st) { Summaries(st); });
    }

    void Stop() override {
        for (auto* t : {&reader_thread_, &summary_thread_}) {
            if (t->joinable()) {
                t->request_stop();
                t->join();
            }
        }
    }

    core::Result<json> Execute(const json& request) {
        auto r = ExecuteLocked(request);
        if (r.ok()) {
            accepted_.Inc();
        } else {
            refused_.Inc();
            ctx_.logger().Info("casework command refused",
                               {{"op", request.is_object() ? request.value("op", "") : ""},
                                {"code", std::string(core::ToString(r.error().code))},
                                {"reason", r.error().message}});
        }
        return r;
    }

    core::Result<json> View(const std::string& unit) {
        auto md = master_->Latest();
        if (!md || !md->org.Find(unit)) {
            return core::Error(core::Errc::kNotFound, "unit", "enheten '" + unit + "' finns inte");
        }
        std::lock_guard lock(mu_);
        return UnitView(unit, Inputs(md.get()));
    }

    // Every unit's summary is written again (a deviation or an aggregate changed).
    void MarkAllDirty() {
        std::lock_guard lock(dirty_mu_);
        all_dirty_ = true;
        dirty_cv_.notify_all();
    }

private:
    ViewInputs Inputs(const service::MasterData* md) {
        ViewInputs in;
        in.book = &book_;
        in.master = md;
        in.deviations = [this](std::string_view unit) { return deviations_.ForUnit(unit); };
        in.months = [this, md](std::string_view unit) -> std::optional<UnitMonths> {
            auto snap = aggregates_.Snapshot();
            auto t = snap->find(topics_.aggregates);
            if (t == snap->end() || md == nullptr) return std::nullopt;
            auto it =
                t->second.find(std::to_string(md->year.start_year()) + ":" + std::string(unit));
            if (it == t->second.end()) return std::nullopt;
            auto a = contracts::DecodeMessage<contracts::UnitAggregate>(it->second);
            if (!a.ok()) return std::nullopt;
            auto through = domain::Period::Parse(a->through_period);
            if (!through.ok()) return std::nullopt;
            UnitMonths m;
            m.through = *through;
            for (std::size_t i = 0; i < 12; ++i) {
                m.deviation[i] = a->totals.months[i].outcome_ore - a->totals.months[i].budget_ore;
            }
            return m;
        };
        return in;
    }

    core::Result<json> ExecuteLocked(const json& request) {
        std::lock_guard write(write_mu_);
        if (!caught_up_.load() || !deviations_.Ready()) {
            return core::Error(core::Errc::kUnavailable, "service",
                               "ärendehanteringen läser fortfarande in sina händelser; försök "
                               "igen strax");
        }
        auto md = master_->Latest();
        CaseOutput out;
        {
            std::lock_guard lock(mu_);
            CaseContext cc;
            cc.master = md.get();
            cc.book = &book_;
            cc.deviation = [this](std::string_view id) { return deviations_.Find(id); };
            cc.now = ctx_.clock().Now();
            auto decided = DecideCaseCommand(request, cc);
            if (!decided.ok()) return std::move(decided).error();
            out = std::move(decided).value();
        }
        if (out.Empty()) return out.reply;
        const auto now = ctx_.clock().Now();
        auto produce = [&](const std::string& topic, const std::string& key, const std::string& id,
                           std::string value) -> core::Status {
            (void)id;
            return producer_->Produce(topic, key, value);
        };
        core::Status s = core::Ok();
        std::int64_t n = 0;
        auto meta = [&](const std::string& key) {
            return contracts::EventMeta{contracts::NewEventId(), std::string(kSource), now, key};
        };
        for (const auto& e : out.measures) {
            if (s.ok())
                s = produce(topics_.measures, e.Key(), e.Key(),
                            contracts::EncodeMessage(e, meta(e.Key())));
            ++n;
        }
        for (const auto& e : out.comments) {
            if (s.ok())
                s = produce(topics_.comments, e.Key(), e.comment_id,
                            contracts::EncodeMessage(e, meta(e.Key())));
            ++n;
        }
        for (const auto& e : out.plans) {
            if (s.ok())
                s = produce(topics_.plans, e.Key(), e.Key(),
                            contracts::EncodeMessage(e, meta(e.Key())));
            ++n;
        }
        for (const auto& e : out.decisions) {
            if (s.ok())
                s = produce(topics_.decisions, e.Key(), e.Key(),
                            contracts::EncodeMessage(e, meta(e.Key())));
            ++n;
        }
        for (const auto& b : out.budgets) {
            if (s.ok())
                s = produce(topics_.budget, b.Key(), b.Key(),
                            contracts::EncodeMessage(b, meta(b.Key())));
            ++n;
        }
        if (s.ok()) s = producer_->Flush(kFlushTimeout);
        if (!s.ok()) {
            return core::Error(core::Errc::kUnavailable, "kafka",
                               "händelsen kunde inte sparas: " + s.error().ToString());
        }
        {
            std::lock_guard lock(mu_);
            for (const auto& e : out.measures) book_.Apply(e);
            for (const auto& e : out.comments) book_.Apply(e);
            for (const auto& e : out.plans) book_.Apply(e);
            for (const auto& e : out.decisions) book_.Apply(e);
        }
        ctx_.logger().Info("casework command", {{"op", request.value("op", "")}, {"events", n}});
        MarkAllDirty();
        return out.reply;
    }

    void Follow(std::stop_token stop) {
        auto& log = ctx_.logger();
        auto& bad = ctx_.metrics().GetCounter("bfu_casework_bad_records_total",
                                              "Casework records that did not decode");
        service::TopicFollowerHooks hooks;
        hooks.on_batch = [&](const std::vector<kafka::Message>& batch) {
            std::lock_guard lock(mu_);
            for (const auto& m : batch) {
                if (m.value.empty()) continue;
                core::Status st = core::Ok();
                if (m.topic == topics_.measures) {
                    auto e = contracts::DecodeMessage<contracts::MeasureEvent>(m.value);
                    st = e.ok() ? (book_.Apply(*e), core::Ok()) : core::Status(e.error());
                } else if (m.topic == topics_.comments) {
                    auto e = contracts::DecodeMessage<contracts::CommentEvent>(m.value);
                    st = e.ok() ? (book_.Apply(*e), core::Ok()) : core::Status(e.error());
                } else if (m.topic == topics_.plans) {
                    auto e = contracts::DecodeMessage<contracts::PlanEvent>(m.value);
                    st = e.ok() ? (book_.Apply(*e), core::Ok()) : core::Status(e.error());
                } else if (m.topic == topics_.decisions) {
                    auto e = contracts::DecodeMessage<contracts::DecisionEvent>(m.value);
                    st = e.ok() ? (book_.Apply(*e), core::Ok()) : core::Status(e.error());
                }
                if (!st.ok()) {
                    bad.Inc();
                    log.Warn("casework record left out", {{"topic", m.topic},
                                                          {"offset", m.offset},
                                                          {"error", st.error().ToString()}});
                }
            }
            MarkAllDirty();
        };
        hooks.on_caught_up = [&] {
            log.Info("casework caught up");
            caught_up_.store(true);
            MarkAllDirty();
        };
        auto done = service::FollowTopics(
            reader_, {topics_.measures, topics_.comments, topics_.plans, topics_.decisions}, stop,
            hooks, log);
        if (!done.ok()) {
            ctx_.RequestShutdown(runtime::kExitFatal, "casework: " + done.error().ToString());
        }
    }

    // Writes every unit's summary to Redis when something may have changed (at most once a
    // second), so bfu status shows measures, coverage, plans and decisions; after a restart
    // they are written again from the topics.
    void Summaries(std::stop_token stop) {
        while (!stop.stop_requested() && !caught_up_.load()) std::this_thread::sleep_for(50ms);
        master_->WaitCaughtUp(stop);
        (void)deviations_.WaitCaughtUp(stop);
        while (!stop.stop_requested()) {
            {
                std::unique_lock lock(dirty_mu_);
                dirty_cv_.wait_for(lock, stop, 2s, [&] { return all_dirty_; });
                if (stop.stop_requested()) return;
                all_dirty_ = false;
            }
            auto md = master_->Latest();
            if (!md) continue;
            std::vector<redis::Argv> cmds;
            {
                std::lock_guard lock(mu_);
                auto units = book_.Units();
                const auto in = Inputs(md.get());
                for (const auto& u : units) {
                    cmds.push_back({"SET", service::status_keys::Casework(redis_prefix_, u),
                                    UnitView(u, in).dump()});
                }
            }
            if (cmds.empty()) continue;
            if (auto r = redis_->Transaction(cmds); !r.ok()) {
                ctx_.logger().Warn("redis write failed", {{"error", r.error().ToString()}});
                MarkAllDirty();
                std::this_thread::sleep_for(1s);
            }
            std::this_thread::sleep_for(1s);
        }
    }

    Topics topics_;
    std::shared_ptr<service::MasterFeed> master_;
    service::DeviationTable& deviations_;
    service::MasterTable& aggregates_;
    std::shared_ptr<redis::Pool> redis_;
    runtime::Context& ctx_;
    std::string redis_prefix_;
    kafka::KafkaConfig reader_;
    runtime::Counter& accepted_;
    runtime::Counter& refused_;
    std::unique_ptr<kafka::Producer> producer_;
    std::mutex write_mu_;  // one command at a time: its versions follow the book's
    std::mutex mu_;        // the book
    CaseBook book_;
    std::atomic<bool> caught_up_{false};
    std::mutex dirty_mu_;
    std::condition_variable_any dirty_cv_;
    bool all_dirty_ = true;
    std::jthread reader_thread_;
    std::jthread summary_thread_;
};

void Wire(runtime::Context& ctx) {
    // First, so it outlives every Kafka client: their lines go into the JSON log.
    ctx.Emplace<service::KafkaLogRoute>(ctx.logger());
    const auto& cfg = ctx.config();
    auto pool = redis::Pool::Create(cfg.GetString("redis.url"));
    if (!pool.ok()) {
        throw config::ConfigError("redis.url", "cannot reach Redis: " + pool.error().ToString());
    }
    std::shared_ptr<redis::Pool> redis = std::move(pool).value();
    Topics topics{service::Topic(cfg, contracts::topics::kCaseMeasures),
                  service::Topic(cfg, contracts::topics::kCaseComments),
                  service::Topic(cfg, contracts::topics::kCasePlans),
                  service::Topic(cfg, contracts::topics::kCaseDecisions),
                  service::Topic(cfg, contracts::topics::kMasterBudget),
                  service::Topic(cfg, contracts::topics::kUnitAggregates)};
    auto master =
        service::MasterFeed::Add(ctx, "casework",
                                 {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                                  contracts::topics::kMasterBudget});
    auto slot = std::make_shared<CaseService*>(nullptr);
    auto& deviations =
        ctx.Emplace<service::DeviationTable>(service::KafkaSettings(cfg, "casework", "deviations"),
                                             service::Topic(cfg, contracts::topics::kDeviations),
                                             ctx, [slot](const contracts::DeviationEvent&) {
                                                 if (*slot != nullptr) (*slot)->MarkAllDirty();
                                             });
    auto& aggregates = ctx.Emplace<service::MasterTable>(
        service::KafkaSettings(cfg, "casework", "aggregates"),
        std::vector<std::string>{topics.aggregates},
        [slot](const service::MasterSnapshot&) {
            if (*slot != nullptr) (*slot)->MarkAllDirty();
        },
        ctx, "bfu_casework_aggregate_records");
    auto& cases = ctx.Emplace<CaseService>(topics, master, deviations, aggregates, redis, ctx);
    *slot = &cases;

    auto& server = ctx.Emplace<service::QueryServer>(cfg.GetString("zmq.endpoint"), ctx);
    for (const char* op : {"measure.propose", "measure.status", "comment.add", "plan.draft",
                           "plan.change", "plan.propose", "decision.record"}) {
        server.Handle(op, [&cases](const json& r) { return cases.Execute(r); });
    }
    server.Handle("unit", [&cases](const json& r) -> core::Result<json> {
        return cases.View(r.value("unit", std::string()));
    });

    // The same commands as HTTP JSON, for the managers' web page: POST /v1/casework with the
    // command as body; GET /v1/casework/units/<id> the unit's casework.
    auto reply = [](const core::Result<json>& r) {
        if (r.ok())
            return runtime::HttpResponse::Json(200, json{{"ok", true}, {"result", *r}}.dump());
        const auto& e = r.error();
        const int status =
            e.code == core::Errc::kNotFound           ? 404
            : e.code == core::Errc::kPermissionDenied ? 403
            : e.code == core::Errc::kFailedPrecondition || e.code == core::Errc::kAlreadyExists
                ? 409
            : e.code == core::Errc::kUnavailable ? 503
                                                 : 400;
        return runtime::HttpResponse::Json(status,
                                           json{{"ok", false},
                                                {"error",
                                                 {{"code", std::string(core::ToString(e.code))},
                                                  {"field", e.field},
                                                  {"message", e.message}}}}
                                               .dump());
    };
    ctx.http().Handle("POST", "/v1/casework", [&cases, reply](const runtime::HttpRequest& req) {
        auto body = json::parse(req.body, nullptr, false);
        if (body.is_discarded()) {
            return reply(core::Error(core::Errc::kInvalidArgument, "body", "kroppen är inte JSON"));
        }
        return reply(cases.Execute(body));
    });
    ctx.http().HandlePrefix(
        "GET", "/v1/casework/units/", [&cases, reply](const runtime::HttpRequest& req) {
            const std::string unit = req.path.substr(std::string("/v1/casework/units/").size());
            return reply(cases.View(unit));
        });
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "casework", "The decide stage: measures, comments, action plans and the nämnd's decisions",
        MakeSchema(), Wire);
}

}  // namespace bfu::casework
