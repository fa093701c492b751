#include "bfu/ingest/service.hpp"

#include <chrono>
#include <memory>

#include "bfu/contracts/topics.hpp"
#include "bfu/ingest/decision.hpp"
#include "bfu/ingest/decision_log.hpp"
#include "bfu/ingest/http_ingest.hpp"
#include "bfu/ingest/inbox.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"

namespace bfu::ingest {

namespace {

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "ingest");
    AddInboxFields(s);
    service::AddFollowUpFields(s);
    s.List("ingest.open_years", {},
           "Fiscal years open for postings (empty: the follow-up year only)")
        .List("ingest.closed_periods", {}, "Periods YYYYMM the controller has closed")
        .Secret("ingest.http.token",
                "Bearer token of POST /v1/vouchers (environment only); unset: the endpoint "
                "answers 503")
        .Int("ingest.http.max_body_bytes", 64 << 20,
             "Largest body of POST /v1/vouchers (413 beyond); it is streamed, not held")
        .Int("http.port", 18081, "Port of /healthz, /readyz, /metrics and POST /v1/vouchers");
    return s;
}

void Wire(runtime::Context& ctx) {
    const auto& cfg = ctx.config();
    const int year = service::FollowUpYear(cfg);
    CheckRules rules;
    for (const auto& y : cfg.GetList("ingest.open_years")) {
        rules.open_years.insert(service::ParseYearOrThrow("ingest.open_years", y));
    }
    if (rules.open_years.empty()) rules.open_years.insert(year);
    for (const auto& p : cfg.GetList("ingest.closed_periods")) {
        rules.closed_periods.insert(service::ParsePeriodOrThrow("ingest.closed_periods", p));
    }
    auto checker = std::make_shared<VoucherChecker>(rules);
    auto master = service::MasterFeed::Add(
        ctx, "ingest", {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts});
    auto& log = ctx.logger();

    auto& metrics = ctx.metrics();
    auto* accepted = &metrics.GetCounter("bfu_ingest_vouchers_total", "Vouchers decided",
                                         {{"result", "accepted"}});
    auto* rejected = &metrics.GetCounter("bfu_ingest_vouchers_total", "Vouchers decided",
                                         {{"result", "rejected"}});
    auto* duplicate = &metrics.GetCounter("bfu_ingest_vouchers_total", "Vouchers decided",
                                          {{"result", "duplicate"}});
    auto* lines_out = &metrics.GetCounter("bfu_ingest_lines_total", "Ledger lines written");
    const IngestTopics topics{service::Topic(cfg, contracts::topics::kLedgerLines),
                              service::Topic(cfg, contracts::topics::kLedgerRejected),
                              service::Topic(cfg, contracts::topics::kIngestDecisions)};

    // Order matters: both transactional producers are created (HttpIngest::Start, then
    // LoopComponent::Start) before DecisionLog starts reading, see decision_log.hpp.
    const auto max_body = cfg.GetInt("ingest.http.max_body_bytes");
    if (max_body <= 0) {
        throw config::ConfigError("ingest.http.max_body_bytes", "must be positive", "");
    }
    // Made now for the others to wait on; added (so started) last.
    auto decision_log_owned = std::make_unique<DecisionLog>(
        service::KafkaSettings(cfg, "ingest", "decisions"), topics.decisions, checker, ctx);
    DecisionLog* decision_log = decision_log_owned.get();
    HttpIngestOptions http;
    if (cfg.Has("ingest.http.token")) http.token = cfg.GetString("ingest.http.token");
    http.max_body_bytes = static_cast<std::size_t>(max_body);
    http.kafka = service::KafkaSettings(cfg, "ingest", "http");
    http.topics = topics;
    http.master = [master] { return master->Latest(); };
    http.ready = [decision_log, master] {
        return decision_log->Loaded() && master->Latest() != nullptr;
    };
    ctx.Emplace<HttpIngest>(std::move(http), checker, ctx);

    service::LoopSpec spec;
    spec.name = "voucher-consumer";
    spec.kafka = service::KafkaSettings(cfg, "ingest");
    // Static group membership, one id per instance (stable like the transactional id): an
    // instance restarted after a crash takes its partitions back at once, instead of waiting
    // out the session timeout (45 s) of the member it replaces.
    spec.kafka.properties["group.instance.id"] = spec.kafka.transactional_id;
    spec.topics = {service::Topic(cfg, contracts::topics::kErpVouchers)};
    spec.transactional = true;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    spec.before_start = [master, decision_log](std::stop_token st) {
        master->WaitCaughtUp(st);
        decision_log->WaitLoaded(st);
    };
    spec.handler = [=, &log](const std::vector<kafka::Message>& batch) {
        core::WallClock clock;
        // Latest, not Take: the HTTP way sets it too, and must not be undone by an older one.
        if (auto md = master->Latest(); md && md != checker->master()) checker->SetMaster(md);
        std::vector<kafka::Outcome> outcomes;
        outcomes.reserve(batch.size());
        for (const auto& m : batch) {
            kafka::Outcome out;
            auto origin = contracts::Origin::Kafka(m.topic, m.partition, m.offset);
            auto d = Decide(*checker, m.value, WayOfRecord(m.headers), origin, topics, clock.Now());
            switch (d.check.kind) {
                case CheckResult::Kind::kAccepted:
                    accepted->Inc();
                    lines_out->Inc(d.check.lines.size());
                    break;
                case CheckResult::Kind::kRejected:
                    rejected->Inc();
                    log.Info("voucher rejected",
                             {{"key", d.check.rejected.Key()},
                              {"reason", d.check.rejected.reasons.front().code},
                              {"message", d.check.rejected.reasons.front().message}});
                    break;
                case CheckResult::Kind::kDuplicate:
                    duplicate->Inc();
                    log.Info("duplicate voucher", {{"key", d.check.voucher_key}});
                    break;
            }
            out.outputs = std::move(d.outputs);
            outcomes.push_back(std::move(out));
        }
        return outcomes;
    };
    ctx.Emplace<service::LoopComponent>(std::move(spec), ctx);
    AddInbox(ctx);
    ctx.Add(std::move(decision_log_owned));
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "ingest", "Takes ERP vouchers, checks them, writes ledger lines and rejections",
        MakeSchema(), Wire);
}

}  // namespace bfu::ingest
