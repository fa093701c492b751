#include "bfu/reporting/service.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/reader.hpp"
#include "bfu/reporting/library.hpp"
#include "bfu/reporting/render.hpp"
#include "bfu/reporting/report.hpp"
#include "bfu/reporting/schedule.hpp"
#include "bfu/reporting/store.hpp"
#include "bfu/service/kafka_log.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/service/query_server.hpp"
#include "bfu/service/rules.hpp"
#include "bfu/service/service_app.hpp"
#include "bfu/service/service_config.hpp"

namespace bfu::reporting {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::string_view kSource = "bfu/reporting";

config::Schema MakeSchema() {
    config::Schema s;
    service::AddKafkaFields(s, "reporting");
    service::AddFollowUpFields(s);
    service::AddZmqFields(s, "tcp://127.0.0.1:15555");
    service::AddRulesFields(s);
    s.String("reporting.dir", "reports", "Folder the reports are written to (a folder per year)")
        .String("reporting.templates_dir", "",
                "Folder of the municipality's own templates (<name>.mustache replaces the "
                "default of that name; `bfu report templates export DIR` writes the defaults)")
        .Bool("reporting.timetable", true,
              "Make the reports of the timetable (sector summaries, tertial and delår reports, "
              "the annual report, dialogue material) on their dates")
        .List("reporting.formats", {"html", "xlsx", "pdf", "json"},
              "Formats of the reports the timetable makes: html, xlsx, pdf, json")
        .String("reporting.pdf_command", "chromium",
                "Headless Chromium, which turns the HTML into PDF (Debian package chromium)")
        .DurationMs("reporting.pdf_timeout", 120s, "Longest time one PDF may take")
        .DurationMs("reporting.rolling_interval", 2s,
                    "Shortest time between two rewrites of the rolling report (senaste.html)")
        .DurationMs("reporting.sync_timeout", 60s,
                    "Longest wait for the inputs to be read to their end before a report")
        .Int("http.port", 18085, "Port of /healthz, /readyz, /metrics and /reports");
    return s;
}

// An error reply in the shape every service answers with.
runtime::HttpResponse ErrorReply(const core::Error& e) {
    const int status = e.code == core::Errc::kNotFound             ? 404
                       : e.code == core::Errc::kInvalidArgument    ? 400
                       : e.code == core::Errc::kFailedPrecondition ? 409
                       : e.code == core::Errc::kUnavailable        ? 503
                       : e.code == core::Errc::kTimeout            ? 503
                                                                   : 500;
    return runtime::HttpResponse::Json(status, json{{"ok", false},
                                                    {"error",
                                                     {{"code", std::string(core::ToString(e.code))},
                                                      {"field", e.field},
                                                      {"message", e.message}}}}
                                                   .dump());
}

std::string ContentType(const std::string& name) {
    auto ends = [&](std::string_view s) {
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".json")) return "application/json";
    if (ends(".pdf")) return "application/pdf";
    if (ends(".xlsx")) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    return "application/octet-stream";
}

// The reporting service's heart. It reads its inputs whole from the topics (ReportStore's
// list) without a consumer group and keeps following them; makes reports on request and on
// the timetable's dates; writes the rolling report when something changed; announces every
// report on bfu.reports.
//
// Lifecycle: Start starts the reader and the scheduler threads and creates the producer; Ready
// once the inputs were read to their end at start; Stop joins both threads.
// Thread-safety: Make and List may be called from any thread (ZeroMQ, HTTP, the scheduler);
// the store is guarded by store_mu_, and one report is made at a time (make_mu_).
class ReportService final : public runtime::Component {
public:
    explicit ReportService(runtime::Context& ctx)
        : ctx_(ctx),
          cfg_(ctx.config()),
          year_(service::FollowUpYear(cfg_)),
          prefix_(cfg_.GetString("kafka.topic_prefix")),
          t_reports_(service::Topic(cfg_, contracts::topics::kReports)),
          rules_(service::RulesFrom(cfg_)),
          store_(prefix_),
          reader_config_(service::KafkaSettings(cfg_, "reporting", "inputs")),
          made_(ctx.metrics().GetCounter("bfu_reporting_reports_total", "Reports made")),
          failed_(ctx.metrics().GetCounter("bfu_reporting_failures_total",
                                           "Reports that could not be made")),
          bad_(ctx.metrics().GetCounter("bfu_reporting_bad_records_total",
                                        "Input records that did not decode")),
          records_(ctx.metrics().GetGauge("bfu_reporting_records", "Input records read")),
          rows_(ctx.metrics().GetGauge("bfu_reporting_ledger_rows",
                                       "Ledger sums held (unit, account, month, date)")) {
        reader_config_.group_id.clear();
        store_.SetRules(rules_);
        // A partition read to its end answers after this wait: barriers end sooner.
        reader_config_.properties["fetch.wait.max.ms"] = "50";
        auto templates =
            text::Templates::Load(DefaultTemplates(), cfg_.GetString("reporting.templates_dir"));
        if (!templates.ok()) {
            throw config::ConfigError("reporting.templates_dir", templates.error().ToString());
        }
        templates_ = std::move(templates).value();
        auto formats = ParseFormats(cfg_.GetList("reporting.formats"));
        if (!formats.ok()) throw config::ConfigError("reporting.formats", formats.error().message);
        formats_ = *formats;
        PdfOptions pdf;
        pdf.command = cfg_.GetString("reporting.pdf_command");
        pdf.timeout = cfg_.GetDuration("reporting.pdf_timeout");
        const std::filesystem::path dir = cfg_.GetString("reporting.dir");
        std::error_code ec;
        std::filesystem::create_directories(dir / std::to_string(year_), ec);
        if (ec) {
            throw config::ConfigError("reporting.dir",
                                      "cannot create " + dir.string() + ": " + ec.message());
        }
        writer_ = std::make_unique<ReportWriter>(dir, templates_, pdf);
    }
    ~ReportService() override { Stop(); }

    [[nodiscard]] std::string Name() const override { return "reporting"; }
    [[nodiscard]] bool Ready() const override { return caught_up_.load(); }

    void Start() override {
        auto p = kafka::Producer::Create(service::KafkaSettings(cfg_, "reporting"));
        if (!p.ok()) throw std::runtime_error("reporting producer: " + p.error().ToString());
        producer_ = std::move(p).value();
        reader_thread_ = std::jthread([this](std::stop_token st) { Follow(st); });
        scheduler_thread_ = std::jthread([this](std::stop_token st) { Schedule(st); });
    }

    void Stop() override {
        for (auto* t : {&scheduler_thread_, &reader_thread_}) {
            if (t->joinable()) {
                t->request_stop();
                t->join();
            }
        }
        sync_cv_.notify_all();
    }

    // {"kind","scope","period","asOf"?,"formats"?}: makes the report, writes its files and
    // announces it; replies with its id, as-of and files.
    core::Result<json> MakeRequest(const json& request) {
        if (!request.is_object()) {
            return core::Error(core::Errc::kInvalidArgument, "",
                               "begäran ska vara ett JSON-objekt");
        }
        auto str = [&](const char* key) {
            auto it = request.find(key);
            return it != request.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        auto kind = ParseKind(str("kind"));
        if (!kind.ok()) return std::move(kind).error();
        if (*kind == Kind::kLopande) {
            return core::Error(core::Errc::kInvalidArgument, "kind",
                               "den löpande uppföljningen skrivs av sig själv (senaste.html)");
        }
        const std::string scope = str("scope");
        if (scope.empty()) {
            return core::Error(core::Errc::kInvalidArgument, "scope", "ange enhet: --scope UNIT");
        }
        auto period = domain::Period::Parse(str("period"));
        if (!period.ok()) {
            return core::Error(core::Errc::kInvalidArgument, "period",
                               "ange den sista månaden rapporten avser: --period YYYY-MM");
        }
        std::vector<std::string> format_names;
        if (auto it = request.find("formats"); it != request.end()) {
            if (it->is_string()) {
                format_names.push_back(it->get<std::string>());
            } else if (it->is_array()) {
                for (const auto& f : *it) {
                    if (f.is_string()) format_names.push_back(f.get<std::string>());
                }
            }
        }
        std::vector<contracts::FileFormat> formats = formats_;
        if (!format_names.empty()) {
            auto parsed = ParseFormats(format_names);
            if (!parsed.ok()) return std::move(parsed).error();
            formats = *parsed;
        }
        const domain::Date today = domain::StockholmDate(ctx_.clock().Now());
        ReportRequest r{*kind, scope, *period, today};
        if (const std::string as_of = str("asOf"); !as_of.empty()) {
            auto d = domain::Date::Parse(as_of);
            if (!d.ok() || as_of.size() != 10) {
                return core::Error(core::Errc::kInvalidArgument, "asOf",
                                   "ange datumet som YYYY-MM-DD: --as-of 2026-05-10");
            }
            if (*d > today) {
                return core::Error(core::Errc::kInvalidArgument, "asOf",
                                   "--as-of " + as_of + " ligger efter dagens datum " +
                                       today.ToString() +
                                       ": en rapport visar det som var känt en dag som varit");
            }
            r.as_of = *d;
        } else {
            // The timetable's as-of once its day is over, so the same command always gives the
            // same report; before that, today.
            if (const auto* s = Scheduled(r.kind, r.scope, r.period);
                s != nullptr && s->due <= ctx_.clock().Now()) {
                r.as_of = s->request.as_of;
            }
        }
        auto made = Make(r, formats);
        if (!made.ok()) return std::move(made).error();
        return ListEntry(*made);
    }

    json List() {
        json out = json::array();
        std::lock_guard lock(store_mu_);
        for (const auto& [id, r] : store_.published()) out.push_back(ListEntry(r));
        return json{{"reports", out}};
    }

    [[nodiscard]] std::filesystem::path YearDir(int year) const { return writer_->YearDir(year); }

private:
    const ScheduledReport* Scheduled(Kind kind, const std::string& scope, domain::Period period) {
        std::lock_guard lock(store_mu_);
        RefreshSchedule();
        return FindScheduled(schedule_, kind, scope, period);
    }

    // The schedule of the followed-up year for the current organisation. Caller holds
    // store_mu_.
    void RefreshSchedule() {
        if (schedule_version_ == store_.version() && !schedule_.empty()) return;
        auto md = store_.Master(year_);
        if (!md.ok()) return;
        if (!timetable_) {
            auto t = domain::BuildTimetable(year_, rules_->lifecycle.TimetableFor(year_));
            if (!t.ok()) return;
            timetable_ = std::move(t).value();
        }
        schedule_ = TimetableReports(*timetable_, (*md)->org);
        schedule_version_ = store_.version();
    }

    // Waits until everything committed to the inputs before the call has been read.
    core::Status Sync() {
        std::unique_lock lock(sync_mu_);
        const std::uint64_t ticket = ++sync_requested_;
        const bool done = sync_cv_.wait_for(lock, cfg_.GetDuration("reporting.sync_timeout"),
                                            [&] { return sync_done_ >= ticket || stopping_; });
        if (!done || sync_done_ < ticket) {
            return core::Error(core::Errc::kUnavailable, "inputs",
                               "rapporteringen har inte hunnit läsa in alla händelser; försök "
                               "igen strax");
        }
        return core::Ok();
    }

    core::Result<contracts::ReportPublished> Make(
        const ReportRequest& request, const std::vector<contracts::FileFormat>& formats) {
        std::lock_guard make(make_mu_);
        if (!caught_up_.load()) {
            return core::Error(core::Errc::kUnavailable, "inputs",
                               "rapporteringen läser fortfarande in sina händelser; försök igen "
                               "strax");
        }
        BFU_TRY(Sync());
        core::Result<Report> report = core::Error(core::Errc::kInternal, "report", "not built");
        {
            std::lock_guard lock(store_mu_);
            BuildOptions options;
            if (!timetable_) {
                auto t = domain::BuildTimetable(year_, rules_->lifecycle.TimetableFor(year_));
                if (t.ok()) timetable_ = *t;
            }
            std::optional<domain::Timetable> other;
            if (request.year() == year_ && timetable_) {
                options.timetable = &*timetable_;
            } else if (auto t = domain::BuildTimetable(
                           request.year(), rules_->lifecycle.TimetableFor(request.year()));
                       t.ok()) {
                other = *t;
                options.timetable = &*other;
            }
            report = BuildReport(store_, request, options);
        }
        if (!report.ok()) return std::move(report).error();
        auto files = writer_->Write(*report, formats);
        if (!files.ok()) {
            failed_.Inc();
            ctx_.logger().Warn("report not written",
                               {{"report", report->id}, {"error", files.error().ToString()}});
            return std::move(files).error();
        }
        contracts::ReportPublished pub;
        pub.report_id = report->id;
        pub.kind = *ToContract(request.kind);
        pub.scope = core::UnitId(request.scope);
        pub.year = request.year();
        pub.period = request.period.ToString();
        pub.as_of = CutoffText(request.as_of);
        pub.files = std::move(files).value();
        // The envelope's id is the report's, so an announcement made again (a restart between
        // writing and announcing) is recognisably the same.
        auto s = producer_->Produce(
            t_reports_, pub.Key(),
            contracts::EncodeMessage(pub, {"report:" + pub.report_id, std::string(kSource),
                                           ctx_.clock().Now(), pub.scope.value()}));
        if (s.ok()) s = producer_->Flush(30s);
        if (!s.ok()) {
            failed_.Inc();
            return core::Error(core::Errc::kUnavailable, "kafka",
                               "rapporten skrevs men kunde inte meddelas: " + s.error().ToString());
        }
        made_.Inc();
        std::vector<contracts::ReportPublished> of_year;
        std::map<std::string, std::string> names;
        {
            std::lock_guard lock(store_mu_);
            store_.NotePublished(pub);
            for (const auto& [id, r] : store_.published()) {
                if (r.year == pub.year) of_year.push_back(r);
            }
            if (auto md = store_.Master(pub.year); md.ok()) {
                for (const auto& u : (*md)->org.units()) names[u.id.value()] = u.name;
            }
        }
        if (auto w = writer_->WriteIndex(pub.year, of_year, names); !w.ok()) {
            ctx_.logger().Warn("report list not written", {{"error", w.error().ToString()}});
        }
        ctx_.logger().Info("report made", {{"report", pub.report_id},
                                           {"files", static_cast<std::int64_t>(pub.files.size())}});
        return pub;
    }

    // Reads every input topic from the beginning, keeps following, and answers barriers.
    void Follow(std::stop_token stop) {
        auto& log = ctx_.logger();
        std::vector<kafka::TopicPartitionOffset> partitions;
        {
            // The admin client is a producer handle: without the reader's consumer property.
            auto admin_config = reader_config_;
            admin_config.properties.erase("fetch.wait.max.ms");
            auto admin = kafka::Admin::Create(admin_config);
            if (!admin.ok()) {
                ctx_.RequestShutdown(runtime::kExitFatal, "reporting: " + admin.error().ToString());
                return;
            }
            for (auto base : ReportStore::InputTopics()) {
                const std::string topic = prefix_ + std::string(base);
                auto count = (*admin)->PartitionCount(topic, reader_config_.startup_timeout);
                if (!count.ok()) {
                    ctx_.RequestShutdown(runtime::kExitFatal, "reporting: topic " + topic + ": " +
                                                                  count.error().message);
                    return;
                }
                for (std::int32_t p = 0; p < *count; ++p) {
                    partitions.push_back({topic, p, kafka::kOffsetBeginning});
                }
            }
        }
        auto reader = kafka::PartitionReader::Create(reader_config_);
        if (!reader.ok() || !(*reader)->Add(partitions).ok()) {
            ctx_.RequestShutdown(runtime::kExitFatal, "reporting: cannot read the inputs");
            return;
        }
        std::uint64_t records = 0;
        std::uint64_t cycle = 0;  // the barrier being answered: the tickets up to it
        auto last_behind_log = std::chrono::steady_clock::now();
        while (!stop.stop_requested()) {
            auto batch = (*reader)->Poll(2000, 200ms);
            if (!batch.ok()) {
                if (batch.error().IsFatal()) {
                    ctx_.RequestShutdown(runtime::kExitFatal,
                                         "reporting: " + batch.error().ToString());
                    return;
                }
                log.Warn("reading the inputs", {{"error", batch.error().ToString()}});
                continue;
            }
            if (!batch->empty()) {
                std::lock_guard lock(store_mu_);
                for (const auto& m : *batch) {
                    ++records;
                    if (auto s = store_.Apply(m.topic, m.key, m.value); !s.ok()) {
                        bad_.Inc();
                        log.Warn("input record left out", {{"topic", m.topic},
                                                           {"offset", m.offset},
                                                           {"error", s.error().ToString()}});
                    }
                }
                records_.Set(static_cast<double>(records));
                rows_.Set(static_cast<double>(store_.rows().size()));
                continue;
            }
            // Quiet: answer the barriers asked for. A cycle's watermarks are asked for when it
            // begins (after every ticket in it was taken), so passing them reads everything
            // committed before those requests.
            {
                std::lock_guard lock(sync_mu_);
                if (cycle == 0 && sync_requested_ > sync_done_) cycle = sync_requested_;
            }
            if (cycle == 0 && caught_up_.load()) continue;
            auto done = (*reader)->CaughtUp(reader_config_.startup_timeout);
            if (!done.ok() || !*done) {
                // Said every 10 s while it lasts: a barrier waits on it.
                const auto now = std::chrono::steady_clock::now();
                if (now - last_behind_log >= 10s) {
                    last_behind_log = now;
                    log.Warn("inputs behind",
                             {{"behind", (*reader)->Behind()},
                              {"error", done.ok() ? std::string() : done.error().ToString()}});
                }
                continue;
            }
            if (!caught_up_.load()) {
                {
                    std::lock_guard lock(store_mu_);
                    store_.Compact();
                }
                log.Info("inputs read", {{"records", static_cast<std::int64_t>(records)}});
                caught_up_.store(true);
            }
            if (cycle != 0) {
                std::lock_guard lock(sync_mu_);
                sync_done_ = cycle;
                cycle = 0;
            }
            sync_cv_.notify_all();
        }
        std::lock_guard lock(sync_mu_);
        stopping_ = true;
        sync_cv_.notify_all();
    }

    // The timetable's reports when due, and the rolling report when something changed.
    void Schedule(std::stop_token stop) {
        const bool timetable = cfg_.GetBool("reporting.timetable");
        const auto interval = cfg_.GetDuration("reporting.rolling_interval");
        std::uint64_t rolled = 0;
        auto last_roll = std::chrono::steady_clock::now() - interval;
        while (!stop.stop_requested()) {
            std::this_thread::sleep_for(250ms);
            if (!caught_up_.load()) continue;
            const auto now = ctx_.clock().Now();
            if (timetable) {
                std::vector<ReportRequest> due;
                {
                    std::lock_guard lock(store_mu_);
                    RefreshSchedule();
                    for (const auto& s : schedule_) {
                        if (s.due > now) break;
                        if (store_.published().count(ReportId(s.request)) == 0) {
                            due.push_back(s.request);
                        }
                    }
                }
                for (const auto& r : due) {
                    if (stop.stop_requested()) return;
                    auto made = Make(r, formats_);
                    if (!made.ok()) {
                        ctx_.logger().Warn(
                            "timetable report not made",
                            {{"report", ReportId(r)}, {"error", made.error().ToString()}});
                        break;  // tried again on the next round
                    }
                }
            }
            if (std::chrono::steady_clock::now() - last_roll < interval) continue;
            Roll(now, rolled);
            last_roll = std::chrono::steady_clock::now();
        }
    }

    // senaste.html: the whole organisation through the last complete month, as of today.
    void Roll(core::TimePoint now, std::uint64_t& rolled) {
        core::Result<Report> report = core::Error(core::Errc::kNotFound, "", "");
        {
            std::lock_guard lock(store_mu_);
            if (store_.version() == rolled) return;
            rolled = store_.version();
            const int latest = store_.LatestMonth(year_);
            auto md = store_.Master(year_);
            if (latest == 0 || !md.ok()) return;
            // The month still being booked is not judged (docs/architecture.md, "The judged
            // month"): through the one before it, January while it is the only one.
            const int month = latest > 1 ? latest - 1 : 1;
            auto period = domain::Period::Of(year_, month);
            if (!period.ok()) return;
            const auto root = (*md)->org.root();
            ReportRequest r{Kind::kLopande, (*md)->org.unit(root).id.value(), *period,
                            domain::StockholmDate(now)};
            report = BuildReport(store_, r);
        }
        if (!report.ok()) return;
        if (auto s = writer_->WriteRolling(*report); !s.ok()) {
            ctx_.logger().Warn("rolling report not written", {{"error", s.error().ToString()}});
            rolled = 0;
        }
    }

    runtime::Context& ctx_;
    const config::Config& cfg_;
    const int year_;
    const std::string prefix_;
    const std::string t_reports_;
    std::shared_ptr<const service::MunicipalRules> rules_;
    std::mutex store_mu_;
    ReportStore store_;
    kafka::KafkaConfig reader_config_;
    runtime::Counter& made_;
    runtime::Counter& failed_;
    runtime::Counter& bad_;
    runtime::Gauge& records_;
    runtime::Gauge& rows_;
    text::Templates templates_;
    std::vector<contracts::FileFormat> formats_;
    std::unique_ptr<ReportWriter> writer_;
    std::unique_ptr<kafka::Producer> producer_;
    std::optional<domain::Timetable> timetable_;
    std::vector<ScheduledReport> schedule_;
    std::uint64_t schedule_version_ = 0;
    std::mutex make_mu_;
    std::mutex sync_mu_;
    std::condition_variable sync_cv_;
    std::uint64_t sync_requested_ = 0;
    std::uint64_t sync_done_ = 0;
    bool stopping_ = false;
    std::atomic<bool> caught_up_{false};
    std::jthread reader_thread_;
    std::jthread scheduler_thread_;
};

void Wire(runtime::Context& ctx) {
    // First, so it outlives every Kafka client: their lines go into the JSON log.
    ctx.Emplace<service::KafkaLogRoute>(ctx.logger());
    auto& reports = ctx.Emplace<ReportService>(ctx);
    auto& server = ctx.Emplace<service::QueryServer>(ctx.config().GetString("zmq.endpoint"), ctx);
    server.Handle("report.make", [&reports](const json& r) { return reports.MakeRequest(r); });
    server.Handle("report.list",
                  [&reports](const json&) -> core::Result<json> { return reports.List(); });

    // For the managers' web page: the list, the files, and a report made on request.
    ctx.http().Handle("GET", "/reports", [&reports](const runtime::HttpRequest&) {
        return runtime::HttpResponse::Json(200, reports.List().dump());
    });
    ctx.http().Handle("POST", "/reports", [&reports](const runtime::HttpRequest& req) {
        auto body = json::parse(req.body, nullptr, false);
        if (body.is_discarded()) {
            return ErrorReply(
                core::Error(core::Errc::kInvalidArgument, "body", "kroppen är inte JSON"));
        }
        auto made = reports.MakeRequest(body);
        if (!made.ok()) return ErrorReply(made.error());
        return runtime::HttpResponse::Json(200, json{{"ok", true}, {"result", *made}}.dump());
    });
    // GET /reports/<year>/<file>: a file of the year's folder (a report, senaste.html,
    // index.html, rapporter.json); names only, never a path.
    ctx.http().HandlePrefix("GET", "/reports/", [&reports](const runtime::HttpRequest& req) {
        // Parsed by hand: std::regex draws a false -Wmaybe-uninitialized from g++ 12.
        const std::string_view rest = std::string_view(req.path).substr(9);  // after /reports/
        const auto slash = rest.find('/');
        const std::string year(rest.substr(0, slash == std::string_view::npos ? 0 : slash));
        const std::string name(slash == std::string_view::npos ? std::string_view()
                                                               : rest.substr(slash + 1));
        auto is_name_char = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' ||
                   c == '-';
        };
        const bool ok_year = year.size() == 4 && std::all_of(year.begin(), year.end(), [](char c) {
                                 return c >= '0' && c <= '9';
                             });
        const bool ok_name = !name.empty() && name[0] != '.' &&
                             std::all_of(name.begin(), name.end(), is_name_char) &&
                             name.find("..") == std::string::npos;
        if (!ok_year || !ok_name) {
            return ErrorReply(
                core::Error(core::Errc::kNotFound, "path", "ingen sådan rapport: " + req.path));
        }
        const auto file = reports.YearDir(std::stoi(year)) / name;
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            return ErrorReply(
                core::Error(core::Errc::kNotFound, "path", "ingen sådan rapport: " + req.path));
        }
        std::stringstream ss;
        ss << in.rdbuf();
        runtime::HttpResponse r;
        r.status = 200;
        r.content_type = ContentType(name);
        r.body = ss.str();
        return r;
    });
}

}  // namespace

runtime::App MakeApp() {
    return service::MakeServiceApp(
        "reporting",
        "Makes the reports the rules ask for (tertial, delår, årsredovisning, sector summaries, "
        "dialogue material) from the topics, on the timetable and on request",
        MakeSchema(), Wire);
}

}  // namespace bfu::reporting
