#include "bfu/reporting/service.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/reporting/report.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/loop_component.hpp"
#include "bfu/service/master_feed.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"

namespace bfu::reporting {

namespace {

constexpr std::string_view kSource = "bfu/reporting";

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "reporting");
    service::AddFollowUpFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:15555");
    s.String("reporting.dir", "reports", "Folder the reports are written to")
        .Int("http.port", 18085, "Port of /healthz, /readyz, /metrics");
    return s;
}

// Writes `text` to `path` through a temporary file and a rename, so a reader never sees half
// a report.
core::Status WriteFile(const std::filesystem::path& path, const std::string& text) {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
        os << text;
        if (!os.good()) return core::Error(core::Errc::kUnavailable, tmp, "cannot write");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return core::Error(core::Errc::kUnavailable, path.string(), ec.message());
    return core::Ok();
}

void Wire(runtime::Context& ctx) {
    const auto& cfg = ctx.config();
    const int year = service::FollowUpYear(cfg);
    auto& log = ctx.logger();
    const std::filesystem::path dir =
        std::filesystem::path(cfg.GetString("reporting.dir")) / std::to_string(year);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw config::ConfigError("reporting.dir",
                                  "cannot create " + dir.string() + ": " + ec.message());

    auto master = service::MasterFeed::Add(ctx, "reporting", {contracts::topics::kMasterOrg});
    auto book = std::make_shared<ReportBook>();

    const std::string t_agg = service::Topic(cfg, contracts::topics::kUnitAggregates);
    const std::string t_dev = service::Topic(cfg, contracts::topics::kDeviations);
    const std::string t_fc = service::Topic(cfg, contracts::topics::kForecasts);
    const std::string t_reports = service::Topic(cfg, contracts::topics::kReports);
    auto* written = &ctx.metrics().GetCounter("bfu_reporting_reports_total", "Reports written");

    service::LoopSpec spec;
    spec.name = "report-consumer";
    spec.kafka = service::KafkaSettings(cfg, "reporting");
    spec.topics = {t_agg, t_dev, t_fc};
    // A report is regenerated from the latest state; writing it twice is harmless.
    spec.transactional = false;
    spec.options.dlq_topic = service::Topic(cfg, contracts::topics::kDeadLetter);
    spec.before_start = [master](std::stop_token st) { master->WaitCaughtUp(st); };
    spec.handler = [=, &log](const std::vector<kafka::Message>& batch) {
        core::WallClock clock;
        std::vector<kafka::Outcome> outcomes(batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const auto& m = batch[i];
            core::Status s = core::Ok();
            if (m.topic == t_agg) {
                auto a = contracts::DecodeMessage<contracts::UnitAggregate>(m.value);
                if (a.ok())
                    book->OnAggregate(*a);
                else
                    s = std::move(a).error();
            } else if (m.topic == t_dev) {
                auto d = contracts::DecodeMessage<contracts::DeviationEvent>(m.value);
                if (d.ok())
                    book->OnDeviation(*d);
                else
                    s = std::move(d).error();
            } else if (m.topic == t_fc) {
                auto f = contracts::DecodeMessage<contracts::Forecast>(m.value);
                if (f.ok())
                    book->OnForecast(*f);
                else
                    s = std::move(f).error();
            }
            outcomes[i].status = std::move(s);
        }
        auto* slot = service::BatchOutputSlot(outcomes);
        const auto md = master->Latest();
        if (slot == nullptr || !md || book->empty()) return outcomes;
        const auto as_of = core::ToRfc3339(clock.Now());
        auto model = book->Build(md->org, year, as_of);
        const std::string stem = "uppfoljning-" + std::to_string(year) + "-" + model.through_period;
        contracts::ReportPublished pub;
        pub.report_id = stem + "." + as_of;
        pub.kind = contracts::ReportKind::kSectorSummary;
        pub.scope = core::UnitId(model.scope);
        pub.year = year;
        pub.period = model.through_period;
        pub.as_of = as_of;
        const std::pair<contracts::FileFormat, std::string> files[] = {
            {contracts::FileFormat::kHtml, RenderHtml(model)},
            {contracts::FileFormat::kMarkdown, RenderMarkdown(model)},
            {contracts::FileFormat::kJson, RenderJson(model)}};
        for (const auto& [format, text] : files) {
            const std::string ext = format == contracts::FileFormat::kHtml       ? ".html"
                                    : format == contracts::FileFormat::kMarkdown ? ".md"
                                                                                 : ".json";
            const auto path = std::filesystem::absolute(dir / (stem + ext));
            if (auto s = WriteFile(path, text); !s.ok()) {
                // The disk is the report's only way out: retry the batch.
                log.Warn("report not written", {{"error", s.error().ToString()}});
                for (auto& o : outcomes) o.status = s;
                return outcomes;
            }
            (void)WriteFile(dir / ("senaste" + ext), text);
            pub.files.push_back({format, path.string(), std::nullopt});
        }
        written->Inc();
        slot->outputs.push_back({t_reports,
                                 pub.Key(),
                                 contracts::EncodeMessage(pub, {pub.report_id, std::string(kSource),
                                                                clock.Now(), pub.scope.value()}),
                                 {}});
        log.Info("report written", {{"file", pub.files.front().path}});
        return outcomes;
    };
    ctx.Emplace<service::LoopComponent>(std::move(spec), ctx);
    ctx.Emplace<service::QueryServer>(cfg.GetString("zmq.endpoint"), ctx);
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp("reporting", "Writes the follow-up reports and announces them",
                                   MakeSchema(), Wire);
}

}  // namespace bfu::reporting
