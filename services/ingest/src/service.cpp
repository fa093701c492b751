#include "bfu/ingest/service.hpp"

#include <chrono>
#include <memory>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"

namespace bfu::ingest {

namespace {

constexpr std::string_view kSource = "bfu/ingest";

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "ingest");
    service::AddFollowUpFields(s);
    s.List("ingest.open_years", {},
           "Fiscal years open for postings (empty: the follow-up year only)")
        .List("ingest.closed_periods", {}, "Periods YYYYMM the controller has closed")
        .Int("http.port", 18081, "Port of /healthz, /readyz, /metrics");
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
    const std::string lines_topic = service::Topic(cfg, contracts::topics::kLedgerLines);
    const std::string rejected_topic = service::Topic(cfg, contracts::topics::kLedgerRejected);

    service::LoopSpec spec;
    spec.name = "voucher-consumer";
    spec.kafka = service::KafkaSettings(cfg, "ingest");
    spec.topics = {service::Topic(cfg, contracts::topics::kErpVouchers)};
    spec.transactional = true;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    spec.before_start = [master](std::stop_token st) { master->WaitCaughtUp(st); };
    spec.handler = [=, &log](const std::vector<kafka::Message>& batch) {
        core::WallClock clock;
        if (auto md = master->Take()) checker->SetMaster(md);
        std::vector<kafka::Outcome> outcomes;
        outcomes.reserve(batch.size());
        for (const auto& m : batch) {
            kafka::Outcome out;
            auto origin = contracts::Origin::Kafka(m.topic, m.partition, m.offset);
            auto result = checker->Check(m.value, origin, clock.Now());
            switch (result.kind) {
                case CheckResult::Kind::kAccepted:
                    for (const auto& line : result.lines) {
                        const std::string id =
                            result.voucher_key + ":" + std::to_string(line.line_no);
                        out.outputs.push_back(
                            {lines_topic,
                             line.Key(),
                             contracts::EncodeMessage(
                                 line, {id, std::string(kSource), clock.Now(), line.unit.value()}),
                             {}});
                    }
                    accepted->Inc();
                    lines_out->Inc(result.lines.size());
                    break;
                case CheckResult::Kind::kRejected: {
                    const std::string key = result.rejected.Key();
                    out.outputs.push_back(
                        {rejected_topic,
                         key,
                         contracts::EncodeMessage(
                             result.rejected, {"rejected:" + key, std::string(kSource), clock.Now(),
                                               result.voucher_key}),
                         {}});
                    rejected->Inc();
                    log.Info("voucher rejected",
                             {{"key", key},
                              {"reason", result.rejected.reasons.front().code},
                              {"message", result.rejected.reasons.front().message}});
                    break;
                }
                case CheckResult::Kind::kDuplicate:
                    duplicate->Inc();
                    log.Info("duplicate voucher", {{"key", result.voucher_key}});
                    break;
            }
            outcomes.push_back(std::move(out));
        }
        return outcomes;
    };
    ctx.Emplace<service::LoopComponent>(std::move(spec), ctx);
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "ingest", "Takes ERP vouchers, checks them, writes ledger lines and rejections",
        MakeSchema(), Wire);
}

}  // namespace bfu::ingest
