#include "bfu/ingest/inbox.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "bfu/contracts/topics.hpp"
#include "bfu/ingest/decision.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/service/kafka_settings.hpp"
#include "bfu/sie_import/report.hpp"

namespace bfu::ingest {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kProcessing = "processing";
constexpr const char* kDone = "done";
constexpr const char* kFailed = "failed";

// dir/name, or dir/<stem>-2<ext>, -3, ... when taken.
fs::path FreeName(const fs::path& dir, const fs::path& name) {
    fs::path target = dir / name;
    std::error_code ec;
    for (int n = 2; fs::exists(target, ec) || fs::exists(target.string() + ".report.json", ec);
         ++n) {
        target = dir / (name.stem().string() + "-" + std::to_string(n) + name.extension().string());
    }
    return target;
}

void WriteFile(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) throw std::runtime_error(tmp.string() + ": cannot write");
    }
    fs::rename(tmp, path);
}

json IssueJson(const sie::Issue& i) {
    return {{"severity", i.severity == sie::Severity::kError ? "error" : "warning"},
            {"code", i.code},
            {"file", i.file},
            {"line", i.line},
            {"field", i.field},
            {"message", i.message}};
}

}  // namespace

bool IsInboxFile(const std::string& name) {
    if (name.empty() || name[0] == '.') return false;
    const auto dot = name.find_last_of('.');
    if (dot == std::string::npos) return false;
    std::string ext = name.substr(dot + 1);
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == "se" || ext == "si" || ext == "sie";
}

Inbox::Inbox(InboxSettings settings, Publisher publish, const core::Clock& clock, Log log)
    : settings_(std::move(settings)),
      publish_(std::move(publish)),
      clock_(clock),
      log_(std::move(log)) {
    for (const char* sub : {kProcessing, kDone, kFailed}) {
        std::error_code ec;
        fs::create_directories(settings_.dir / sub, ec);
        if (ec) {
            throw std::runtime_error("ingest.inbox.dir: cannot create " +
                                     (settings_.dir / sub).string() + ": " + ec.message());
        }
    }
    if (!log_) log_ = [](const std::string&, const json&) {};
}

InboxCounts Inbox::Poll() {
    InboxCounts counts;
    std::error_code ec;
    // Redo first: a file left in processing/ by a crash or a failed publish.
    std::vector<fs::path> pending;
    for (const auto& e : fs::directory_iterator(settings_.dir / kProcessing, ec)) {
        if (e.is_regular_file(ec) && IsInboxFile(e.path().filename().string())) {
            pending.push_back(e.path());
        }
    }
    std::sort(pending.begin(), pending.end());
    for (const auto& p : pending) {
        if (!Process(p, counts)) {
            totals_.done += counts.done;
            totals_.failed += counts.failed;
            totals_.retried += counts.retried;
            return counts;  // the broker is away: try again next round, in order
        }
    }
    // Then new files, each once it has stopped changing.
    std::map<std::string, Seen> now_seen;
    std::vector<std::string> stable;
    for (const auto& e : fs::directory_iterator(settings_.dir, ec)) {
        const std::string name = e.path().filename().string();
        if (!e.is_regular_file(ec) || !IsInboxFile(name)) continue;
        Seen s{e.file_size(ec), e.last_write_time(ec)};
        if (ec) continue;
        const auto before = seen_.find(name);
        if (before != seen_.end() && before->second.size == s.size &&
            before->second.mtime == s.mtime) {
            stable.push_back(name);
        } else {
            now_seen.emplace(name, s);
        }
    }
    seen_ = std::move(now_seen);
    std::sort(stable.begin(), stable.end());
    for (const auto& name : stable) {
        const fs::path target = FreeName(settings_.dir / kProcessing, name);
        fs::rename(settings_.dir / name, target, ec);
        if (ec) {
            // Gone meanwhile (another taker, or the ERP withdrew it): nothing to do.
            log_("inbox file vanished", {{"file", name}, {"error", ec.message()}});
            continue;
        }
        log_("inbox file taken", {{"file", name}});
        if (!Process(target, counts)) break;
    }
    totals_.done += counts.done;
    totals_.failed += counts.failed;
    totals_.retried += counts.retried;
    return counts;
}

bool Inbox::Process(const fs::path& file, InboxCounts& counts) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    const std::string name = file.filename().string();
    const std::string taken_at = core::ToRfc3339(clock_.Now());

    sie_import::ConvertOptions options;
    options.default_unit = settings_.default_unit;
    options.path = name;
    const auto import = sie_import::Prepare(bytes, name, options, clock_.Now());
    const auto errors = import.FileErrors();
    if (!in || !errors.empty()) {
        json report = sie_import::ReportJson(import, true, std::nullopt);
        json list = json::array();
        for (const auto& e : errors) list.push_back(IssueJson(e));
        if (!in) {
            list.push_back({{"severity", "error"},
                            {"code", "unreadable"},
                            {"file", name},
                            {"line", 0},
                            {"field", ""},
                            {"message", "the file cannot be read"}});
        }
        report["inbox"] = {{"file", name},
                           {"result", "failed"},
                           {"taken_at", taken_at},
                           {"errors", std::move(list)}};
        Finish(file, kFailed, report);
        ++counts.failed;
        log_("inbox file failed",
             {{"file", name}, {"error", errors.empty() ? "unreadable" : errors[0].ToString()}});
        return true;
    }
    auto published = publish_(import.conversion);
    if (!published.ok()) {
        ++counts.retried;
        log_("inbox publish failed", {{"file", name}, {"error", published.error().ToString()}});
        return false;
    }
    json report = sie_import::ReportJson(import, false, *published);
    report["inbox"] = {{"file", name}, {"result", "done"}, {"taken_at", taken_at}};
    Finish(file, kDone, report);
    ++counts.done;
    log_("inbox file done", {{"file", name},
                             {"vouchers", published->vouchers},
                             {"rejected", published->rejected},
                             {"reconciled_clean", import.reconciliation.Clean()}});
    return true;
}

void Inbox::Finish(const fs::path& file, const std::string& folder, const json& report) {
    const fs::path target = FreeName(settings_.dir / folder, file.filename());
    // The report first: a crash between the two leaves the file in processing/, to be redone
    // (and its report rewritten), never a file in done/ without its report.
    WriteFile(target.string() + ".report.json", report.dump(2) + "\n");
    fs::rename(file, target);
}

namespace {

// The component: a thread polling the inbox, with its own idempotent producer.
class InboxComponent final : public runtime::Component {
public:
    InboxComponent(InboxSettings settings, std::chrono::milliseconds poll, kafka::KafkaConfig kafka,
                   sie_import::PublishTopics topics, runtime::Logger& log)
        : settings_(std::move(settings)),
          poll_(poll),
          kafka_(std::move(kafka)),
          topics_(std::move(topics)),
          log_(log) {}

    [[nodiscard]] std::string Name() const override { return "sie-inbox"; }

    void Start() override {
        // A voucher or a rejection of up to 16 MiB, as the topics take (topics.tsv).
        kafka_.properties["message.max.bytes"] =
            std::to_string(contracts::topics::kLargeRecordMaxBytes);
        auto producer = kafka::Producer::Create(kafka_);
        if (!producer.ok()) {
            throw std::runtime_error("sie inbox: " + producer.error().ToString());
        }
        producer_ = std::move(producer).value();
        inbox_ = std::make_unique<Inbox>(
            settings_,
            [this](const sie_import::Conversion& c) {
                sie_import::PublishOptions options;
                options.event_source = "bfu/ingest-inbox";
                return sie_import::Publish(*producer_, c, topics_, options, clock_.Now());
            },
            clock_,
            [this](const std::string& event, const json& fields) { log_.Info(event, fields); });
        thread_ = std::jthread([this](std::stop_token st) { Run(st); });
        ready_ = true;
    }

    void Stop() override {
        if (thread_.joinable()) {
            thread_.request_stop();
            cv_.notify_all();
            thread_.join();
        }
        ready_ = false;
    }

    [[nodiscard]] bool Ready() const override { return ready_; }

private:
    void Run(std::stop_token st) {
        while (!st.stop_requested()) {
            try {
                (void)inbox_->Poll();
            } catch (const std::exception& e) {
                // A file system error (e.g. the folder was removed): log and keep polling,
                // the files stay where they are.
                log_.Error("sie inbox poll failed", {{"error", e.what()}});
            }
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, st, poll_, [] { return false; });
        }
    }

    InboxSettings settings_;
    std::chrono::milliseconds poll_;
    kafka::KafkaConfig kafka_;
    sie_import::PublishTopics topics_;
    runtime::Logger& log_;
    core::WallClock clock_;
    std::unique_ptr<kafka::Producer> producer_;
    std::unique_ptr<Inbox> inbox_;
    std::mutex mu_;
    std::condition_variable_any cv_;
    std::jthread thread_;
    std::atomic<bool> ready_{false};
};

}  // namespace

void AddInboxFields(config::Schema& schema) {
    schema
        .String("ingest.inbox.dir", "",
                "Folder watched for SIE 4 files (.se/.si/.sie) from the ERP; empty: no inbox")
        .Int("ingest.inbox.poll_ms", 1000,
             "How often the inbox is looked at; a file is taken when unchanged over two looks")
        .String("ingest.inbox.default_unit", "",
                "Unit for SIE rows without a cost centre (dimension 1); empty: such a row "
                "rejects its voucher");
}

void AddInbox(runtime::Context& ctx) {
    const auto& cfg = ctx.config();
    const std::string dir = cfg.GetString("ingest.inbox.dir");
    if (dir.empty()) return;
    const auto poll_ms = cfg.GetInt("ingest.inbox.poll_ms");
    if (poll_ms < 10) {
        throw config::ConfigError("ingest.inbox.poll_ms",
                                  "must be at least 10 (got " + std::to_string(poll_ms) + ")");
    }
    InboxSettings settings{dir, cfg.GetString("ingest.inbox.default_unit")};
    sie_import::PublishTopics topics{service::Topic(cfg, contracts::topics::kErpVouchers),
                                     service::Topic(cfg, contracts::topics::kLedgerRejected),
                                     service::Topic(cfg, contracts::topics::kMasterBudget)};
    auto kafka = service::KafkaSettings(cfg, "ingest", "inbox");
    AllowLargestRejection(kafka);
    ctx.Emplace<InboxComponent>(std::move(settings), std::chrono::milliseconds(poll_ms),
                                std::move(kafka), std::move(topics), ctx.logger());
}

}  // namespace bfu::ingest
