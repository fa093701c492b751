#include "bfu/ingest/service.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "bfu/contracts/topics.hpp"
#include "bfu/ingest/decision.hpp"
#include "bfu/ingest/decision_log.hpp"
#include "bfu/ingest/http_ingest.hpp"
#include "bfu/ingest/inbox.hpp"
#include "bfu/ingest/parallel_for.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/service/kafka_log.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/rules.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"

namespace bfu::ingest {

namespace {

// How long a batch waits for the decision log after a rebalance before it is read again.
constexpr std::chrono::seconds kCatchUpWait{10};

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "ingest");
    AddInboxFields(s);
    service::AddFollowUpFields(s);
    service::AddRulesFields(s);
    s.List("ingest.open_years", {},
           "Fiscal years open for postings, pinned (empty: the open years of the business date: "
           "its year, the next from 1 December, the previous until closed)")
        .List("ingest.closed_periods", {},
              "Periods YYYYMM closed by configuration, beside `bfu period close`")
        .Secret("ingest.http.token",
                "Bearer token of POST /v1/vouchers (environment only); unset: the endpoint "
                "answers 503")
        .Int("ingest.http.max_body_bytes", 64 << 20,
             "Largest body of POST /v1/vouchers (413 beyond); it is streamed, not held")
        .DurationMs("ingest.http.decision_timeout", std::chrono::seconds(30),
                    "How long POST /v1/vouchers waits for the decisions of the vouchers it hands "
                    "to their partition's owner (202 with the rest pending beyond)")
        .DurationMs("ingest.session_timeout", std::chrono::seconds(45),
                    "Consumer-group session timeout: how long a killed instance's partitions "
                    "wait for it before they move to the others (an instance restarted within "
                    "it takes them back at once); the broker allows 6 s to 30 min")
        .Int("ingest.check_threads", 1,
             "Threads that check a batch's vouchers besides the loop thread (0: the loop "
             "thread alone); a core each at most")
        .Int("ingest.max_batch", 2000, "Most vouchers read and written in one Kafka transaction")
        .Int("http.port", 18081, "Port of /healthz, /readyz, /metrics and POST /v1/vouchers");
    return s;
}

void Wire(runtime::Context& ctx) {
    // First, so it outlives every Kafka client: their lines go into the JSON log.
    ctx.Emplace<service::KafkaLogRoute>(ctx.logger());
    const auto& cfg = ctx.config();
    (void)service::FollowUpYear(cfg);  // checked at start: a year 1900-2999 or 0
    const auto municipal = service::RulesFrom(cfg);
    CheckRules rules;
    // followup.year pins the year; ingest.open_years pins those years; else the business date
    // decides (docs/services/ingest.md, "Closed periods and years").
    rules.lifecycle = service::LifecycleFrom(*municipal, cfg);
    for (const auto& y : cfg.GetList("ingest.open_years")) {
        rules.open_years.insert(service::ParseYearOrThrow("ingest.open_years", y));
    }
    if (!rules.open_years.empty()) rules.lifecycle.pinned_years.clear();
    for (const auto& p : cfg.GetList("ingest.closed_periods")) {
        rules.closed_periods.insert(service::ParsePeriodOrThrow("ingest.closed_periods", p));
    }
    auto checker = std::make_shared<VoucherChecker>(rules);
    auto master =
        service::MasterFeed::Add(ctx, "ingest",
                                 {contracts::topics::kMasterOrg, contracts::topics::kMasterAccounts,
                                  contracts::topics::kCalendar},
                                 municipal);
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
                              service::Topic(cfg, contracts::topics::kIngestDecisions),
                              service::Topic(cfg, contracts::topics::kErpVouchers)};

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
    AllowLargestRejection(http.kafka);
    http.topics = topics;
    http.decisions = decision_log;
    http.decision_timeout = cfg.GetDuration("ingest.http.decision_timeout");
    if (http.decision_timeout <= std::chrono::milliseconds(0)) {
        throw config::ConfigError("ingest.http.decision_timeout", "must be positive", "");
    }
    http.master = [master] { return master->Latest(); };
    http.ready = [decision_log, master] {
        return decision_log->Loaded() && master->Latest() != nullptr;
    };
    ctx.Emplace<HttpIngest>(std::move(http), checker, ctx);

    service::LoopSpec spec;
    spec.name = "voucher-consumer";
    spec.kafka = service::KafkaSettings(cfg, "ingest");
    AllowLargestRejection(spec.kafka);
    // Static group membership, one id per instance (stable like the transactional id): an
    // instance restarted after a crash takes its partitions back at once, instead of waiting
    // out the session timeout (45 s) of the member it replaces.
    spec.kafka.properties["group.instance.id"] = spec.kafka.transactional_id;
    const auto session_timeout = cfg.GetDuration("ingest.session_timeout");
    if (session_timeout < std::chrono::seconds(6) || session_timeout > std::chrono::minutes(30)) {
        throw config::ConfigError("ingest.session_timeout", "must be 6 s to 30 min", "");
    }
    spec.kafka.properties["session.timeout.ms"] = std::to_string(session_timeout.count());
    spec.topics = {service::Topic(cfg, contracts::topics::kErpVouchers)};
    spec.transactional = true;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    const auto max_batch = cfg.GetInt("ingest.max_batch");
    if (max_batch < 1 || max_batch > 100000) {
        throw config::ConfigError("ingest.max_batch",
                                  "must be 1..100000, not " + std::to_string(max_batch));
    }
    // Ingest writes 5-6 records per voucher read; a larger transaction than the loop's default
    // (500) spreads the wait for each commit over more vouchers (docs/benchmarks.md).
    spec.options.max_batch = static_cast<std::size_t>(max_batch);
    const auto check_threads = cfg.GetInt("ingest.check_threads");
    if (check_threads < 0 || check_threads > 64) {
        throw config::ConfigError("ingest.check_threads",
                                  "must be 0..64, not " + std::to_string(check_threads));
    }
    auto workers = std::make_shared<ParallelFor>(static_cast<unsigned>(check_threads));
    // The batch's acceptances, taken back when the loop drops its outputs (both run on the
    // loop thread).
    auto claims = std::make_shared<BatchClaims>();
    // The batch's decisions, counted in the metrics once written (a batch read again is
    // decided again, and counted then).
    struct Decided {
        CheckResult::Kind kind;
        std::size_t lines;
        bool dropped;
        contracts::Origin origin;  // as claimed in the register (OriginOfRecord)
    };
    auto decided = std::make_shared<std::map<std::pair<std::int32_t, std::int64_t>, Decided>>();
    spec.options.on_discarded = [checker, claims, decided](const auto& dropped) {
        std::vector<contracts::Origin> origins;
        origins.reserve(dropped.size());
        for (const auto& p : dropped) {
            if (auto it = decided->find({p.partition, p.offset}); it != decided->end()) {
                it->second.dropped = true;
                origins.push_back(it->second.origin);
            } else {
                origins.push_back(contracts::Origin::Kafka(p.topic, p.partition, p.offset));
            }
        }
        claims->TakeBack(*checker, origins);
    };
    spec.options.on_written = [=] {
        for (const auto& [at, d] : *decided) {
            if (d.dropped) continue;
            switch (d.kind) {
                case CheckResult::Kind::kAccepted:
                    accepted->Inc();
                    lines_out->Inc(d.lines);
                    break;
                case CheckResult::Kind::kRejected:
                    rejected->Inc();
                    break;
                case CheckResult::Kind::kDuplicate:
                    duplicate->Inc();
                    break;
            }
        }
        decided->clear();
    };
    // Partitions that come to this instance (a rebalance) were decided by another until now:
    // its last committed decisions must be in the register before their next records are
    // decided here (docs/services/ingest.md, "Failure behaviour"). Waited for at once (the
    // previous owners committed before the group gave the partitions out), and again before
    // the next batch if that did not finish in time.
    auto moved = std::make_shared<bool>(false);
    spec.hooks.on_assign = [moved, decision_log, &log](const auto& /*parts*/) {
        *moved = !decision_log->CatchUp(std::chrono::steady_clock::now() + kCatchUpWait);
        if (*moved) log.Warn("decision log behind after a rebalance", {});
    };
    spec.before_start = [master, decision_log](std::stop_token st) {
        master->WaitCaughtUp(st);
        decision_log->WaitLoaded(st);
    };
    spec.handler = [=, &log, &ctx](const std::vector<kafka::Message>& batch) {
        if (*moved) {
            if (!decision_log->CatchUp(std::chrono::steady_clock::now() + kCatchUpWait)) {
                log.Warn("decision log behind after a rebalance; the batch is read again", {});
                claims->Clear();
                decided->clear();
                return std::vector<kafka::Outcome>(
                    batch.size(),
                    kafka::Outcome{core::Error(core::Errc::kTimeout, "ingest.decisions",
                                               "the decision log has not read to its end"),
                                   {}});
            }
            *moved = false;
        }
        const auto now = ctx.clock().Now();
        // Latest, not Take: the HTTP way sets it too, and must not be undone by an older one.
        if (auto md = master->Latest(); md && md != checker->master()) checker->SetMaster(md);
        const std::size_t n = batch.size();
        std::vector<contracts::Origin> origins;
        origins.reserve(n);
        // A voucher POST /v1/vouchers handed over keeps its request's origin.
        for (const auto& m : batch) origins.push_back(OriginOfRecord(m));
        // Parsing and checking on every thread; the duplicate register in the order the
        // records came, so that the same batch is decided the same way however it is split;
        // then the decisions and the records to write on every thread again.
        std::vector<CheckResult> checks(n);
        workers->Run(n, [&](std::size_t i) {
            checks[i] = checker->Prepare(batch[i].value, origins[i], now);
        });
        claims->Clear();
        for (std::size_t i = 0; i < n; ++i) {
            checks[i] = checker->Finish(std::move(checks[i]), origins[i]);
            claims->Note(checks[i], origins[i]);
        }
        std::vector<kafka::Outcome> outcomes(n);
        workers->Run(n, [&](std::size_t i) {
            const auto decision =
                MakeDecision(checks[i], WayOfRecord(batch[i].headers), origins[i], now);
            outcomes[i].outputs = VoucherOutputs(checks[i], decision, topics, now);
        });
        decided->clear();
        for (std::size_t i = 0; i < n; ++i) {
            const auto& check = checks[i];
            decided->insert_or_assign({batch[i].partition, batch[i].offset},
                                      Decided{check.kind, check.lines.size(), false, origins[i]});
            if (check.kind == CheckResult::Kind::kRejected) {
                log.Info("voucher rejected", {{"key", check.rejected.Key()},
                                              {"reason", check.rejected.reasons.front().code},
                                              {"message", check.rejected.reasons.front().message}});
            } else if (check.kind == CheckResult::Kind::kDuplicate) {
                log.Info("duplicate voucher", {{"key", check.voucher_key}});
            }
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
