// `bfu demo run`: Exempelkommun's year through the live services on the simulated business
// clock (docs/operations.md, "ops/demo").
//
// Day by day from 1 January: the clock is set to 07:00 (the notifier's digests), the HR system's
// and the goal follow-up's files due that morning are imported (`bfu import hr|goal-outcomes`),
// the clock goes to 08:00 (reminders), the day's vouchers go to ingest as the ERP and payroll
// send them (bfu.erp.vouchers) and as the e-commerce system posts them (POST /v1/vouchers), and
// the driver waits until ingest has decided every one and analysis has posted every line. Then
// the people act at their times, each through the real command: the script's comments,
// measures, plans, decisions and forecast submissions (generator/script.cpp), and, at 10:00 and
// 14:00, the managers who got an alert acknowledge the deviations the services actually opened
// (`bfu deviation ack`), some the same day, some the next, some only after an escalation; a
// command refused because what it needs is not there yet (a deviation not yet open) is tried
// again the next working day, up to 25 times (about five weeks; one waiting for another
// person's command up to 60), and a comment or measure on a deviation that never opens is then
// written on the unit instead. The clock ends the day at 17:00; a weekend day is one tick at
// noon. After 31 December it goes on into January until December's close day has passed, then
// asks reporting for the year's annual reports and waits until the alerts are sent.
//
// Progress: one line a day (rewritten in place on a terminal) with the month, vouchers in and
// per second, open deviations and e-mails delivered; a line per month otherwise.
// Everything run is logged (RunOptions::log_file); run.json in the data folder says what the run
// did, for the summary page.
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>
#include <thread>

#include "../cli_support.hpp"
#include "bfu/cli/cli.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/http/client.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/kafka/reader.hpp"
#include "bfu/text/swedish.hpp"
#include "demo.hpp"

namespace bfu::cli::demo {

namespace {

using nlohmann::json;
using Steady = std::chrono::steady_clock;
using domain::Date;

// About five weeks of working days: a deviation opens when its month is judged, after the
// month's close day, which may be weeks after the manager's planned time.
constexpr int kMaxTries = 25;
// A command waiting for another person's (a decision naming a measure): about three months.
constexpr int kMaxDependentTries = 60;

bool Working(Date d) { return domain::IsWorkingDay(d, {}); }

Date NextWorking(Date d) {
    d = d.AddDays(1);
    while (!Working(d)) d = d.AddDays(1);
    return d;
}

std::string Thousands(std::int64_t n) {
    std::string s = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) {
        s.insert(static_cast<std::size_t>(i), "\u00a0");
    }
    return n < 0 ? "-" + s : s;
}

std::uint64_t Hash(std::string_view s, std::uint64_t salt) {
    std::uint64_t h = 1469598103934665603ULL ^ salt;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

// The latest state of one deviation as its events on bfu.deviations tell it, and when its
// responsible manager will acknowledge it.
struct Watched {
    std::string id;
    std::string unit;
    contracts::DeviationKind kind = contracts::DeviationKind::kBudget;
    bool open = false;
    bool unfavourable = true;
    bool acknowledged = false;
    std::int64_t opened_seq = 0;
    int escalations = 0;
    std::string responsible_unit;
    core::TimePoint opened_at;
    // The plan for this episode: acknowledge on this date (or after this many escalations).
    std::optional<Date> ack_on;
    int wait_escalations = 0;
    int tries = 0;
};

class DeviationWatcher {
public:
    core::Status Open(const kafka::KafkaConfig& config, const std::string& topic) {
        auto reader = kafka::PartitionReader::Create(config);
        if (!reader.ok()) return std::move(reader).error();
        reader_ = std::move(reader).value();
        int partitions = 6;
        for (const auto& t : contracts::topics::kAll) {
            if (t.name == contracts::topics::kDeviations) partitions = t.partitions;
        }
        std::vector<kafka::TopicPartitionOffset> tps;
        for (int p = 0; p < partitions; ++p) tps.push_back({topic, p, kafka::kOffsetBeginning});
        return reader_->Add(tps);
    }

    // Reads what has arrived; `plan` decides each new episode's acknowledgement.
    template <typename Plan>
    void Poll(Plan&& plan) {
        for (int round = 0; round < 50; ++round) {
            auto batch = reader_->Poll(2000, std::chrono::milliseconds(round == 0 ? 50 : 10));
            if (!batch.ok() || batch->empty()) return;
            for (const auto& m : *batch) {
                auto e = contracts::DecodeMessage<contracts::DeviationEvent>(m.value);
                if (e.ok()) Apply(*e, plan);
            }
        }
    }

    [[nodiscard]] std::size_t OpenCount() const {
        std::size_t n = 0;
        for (const auto& [id, w] : by_id_) n += w.open ? 1 : 0;
        return n;
    }
    std::map<std::string, Watched>& all() { return by_id_; }
    [[nodiscard]] std::size_t opened() const { return opened_; }
    [[nodiscard]] std::size_t escalated() const { return escalated_; }

private:
    template <typename Plan>
    void Apply(const contracts::DeviationEvent& e, Plan& plan) {
        auto& w = by_id_[e.deviation_id.value()];
        w.id = e.deviation_id.value();
        w.unit = e.unit.value();
        w.kind = e.kind;
        const bool money = e.kind == contracts::DeviationKind::kBudget ||
                           e.kind == contracts::DeviationKind::kInvestment ||
                           e.kind == contracts::DeviationKind::kForecast;
        using K = contracts::DeviationEventKind;
        switch (e.event) {
            case K::kOpened: {
                w.open = true;
                w.acknowledged = false;
                w.opened_seq = e.seq;
                w.escalations = 0;
                w.tries = 0;
                w.responsible_unit = e.escalation ? e.escalation->to_unit.value() : w.unit;
                w.unfavourable = !money || e.deviation_ore.value_or(0) > 0;
                auto at = core::FromRfc3339(e.at);
                w.opened_at = at.ok() ? *at : core::TimePoint{};
                ++opened_;
                plan(w);
                break;
            }
            case K::kChanged:
                w.unfavourable = !money || e.deviation_ore.value_or(0) > 0;
                break;
            case K::kAcknowledged:
                w.acknowledged = true;
                break;
            case K::kEscalated:
                ++w.escalations;
                ++escalated_;
                if (e.escalation) w.responsible_unit = e.escalation->to_unit.value();
                if (!w.acknowledged && w.wait_escalations > 0 &&
                    w.escalations >= w.wait_escalations) {
                    auto at = core::FromRfc3339(e.at);
                    w.ack_on = NextWorking(domain::StockholmDate(at.ok() ? *at : w.opened_at));
                }
                break;
            case K::kClosed:
                w.open = false;
                break;
            default:
                break;
        }
    }

    std::unique_ptr<kafka::PartitionReader> reader_;
    std::map<std::string, Watched> by_id_;
    std::size_t opened_ = 0;
    std::size_t escalated_ = 0;
};

struct Pending {
    generator::Action action;
    int tries = 0;
};

class Driver {
public:
    Driver(const RunOptions& o, std::ostream& out, std::ostream& err)
        : o_(o), out_(out), err_(err), m_(generator::Generate(o.size, o.year)) {}

    int Run() {
        if (!Prepare()) return 1;
        if (!ImportMaster()) return 1;
        started_ = Steady::now();
        const Date first = *Date::FromYmd(o_.year, 1, 1);
        Date last = o_.through.value_or(DefaultEnd());
        for (Date d = first; d <= last; d = d.AddDays(1)) {
            if (!Day(d)) return 1;
        }
        Finish(last);
        return 0;
    }

private:
    Date DefaultEnd() const {
        auto tt = domain::BuildTimetable(o_.year, {});
        if (tt.ok()) {
            if (const auto* e = tt->Find(domain::PeriodCloseKey(12))) return NextWorking(e->date);
        }
        return *Date::FromYmd(o_.year + 1, 1, 12);
    }

    bool Prepare() {
        std::filesystem::create_directories(o_.data_dir);
        if (!o_.log_file.empty()) {
            std::filesystem::create_directories(o_.log_file.parent_path());
            log_.open(o_.log_file, std::ios::app);
        }
        auto write = [&](const std::string& name, const std::string& text) {
            std::ofstream(o_.data_dir / name, std::ios::binary) << text;
        };
        auto array = [](const auto& items) {
            json a = json::array();
            for (const auto& i : items) a.push_back(i.ToJson());
            return a.dump(2) + "\n";
        };
        write("org.json", array(m_.org()));
        write("accounts.json", array(m_.accounts()));
        write("budget.json", array(m_.budgets()));
        write("goals.json", array(m_.goals()));
        for (const auto& [name, text] : m_.Files()) write(name, text);
        Env env;
        kafka_ = KafkaFromEnv(env);
        auto producer = kafka::Producer::Create(kafka_);
        if (!producer.ok()) {
            err_ << "bfu demo run: " << producer.error().ToString() << "\n";
            return false;
        }
        producer_ = std::move(producer).value();
        vouchers_topic_ = Topic(env, contracts::topics::kErpVouchers);
        clock_topic_ = Topic(env, contracts::topics::kClock);
        if (auto s = watcher_.Open(kafka_, Topic(env, contracts::topics::kDeviations)); !s.ok()) {
            err_ << "bfu demo run: " << s.error().ToString() << "\n";
            return false;
        }
        for (const auto& f : m_.Feeds()) feeds_.push_back(f);
        for (const auto& a : m_.Script()) pending_.push_back({a, 0});
        Say("Exempelkommun " + std::to_string(o_.year) + " (" +
            std::string(generator::ToString(o_.size)) +
            "): " + std::to_string(m_.totals().enheter) + " enheter, " +
            Thousands(static_cast<std::int64_t>(m_.totals().employees)) + " anställda, " +
            std::to_string(m_.Script().size()) + " planerade kommandon; data i " +
            o_.data_dir.string());
        return true;
    }

    void Say(const std::string& line) {
        if (live_line_) {
            out_ << "\n";
            live_line_ = false;
        }
        out_ << "[bfu demo] " << line << "\n" << std::flush;
    }

    void Log(const std::string& text) {
        if (log_) log_ << text << std::flush;
    }

    // Runs a bfu command in this process, as a person types it; the answer goes to the log.
    int Command(const std::vector<std::string>& args, std::string* answer = nullptr) {
        std::ostringstream o;
        std::ostringstream e;
        const int rc = cli::Run(args, o, e);
        if (log_) {
            log_ << "  $ bfu";
            for (const auto& a : args) {
                log_ << ' ' << (a.find_first_of(" \"'§") == std::string::npos ? a : "'" + a + "'");
            }
            log_ << "\n";
            std::istringstream lines(o.str() + e.str());
            std::string line;
            int n = 0;
            while (std::getline(lines, line) && n++ < 6) log_ << "    " << line << "\n";
        }
        if (answer != nullptr) *answer = o.str() + e.str();
        ++commands_;
        return rc;
    }

    bool ImportMaster() {
        Tick(generator::At(*Date::FromYmd(o_.year, 1, 1), 6, 0));
        for (const char* kind : {"org", "accounts", "budget", "goals"}) {
            const std::string file =
                (o_.data_dir /
                 (std::string(kind) == "budget" ? "budget.json" : std::string(kind) + ".json"))
                    .string();
            Log("importerar " + std::string(kind) + "\n");
            if (Command({"import", kind, file}) != 0) {
                err_ << "bfu demo run: bfu import " << kind << " " << file
                     << " failed; see the run log\n";
                return false;
            }
        }
        Say("grunddata importerad: " + std::to_string(m_.org().size()) +
            " enheter i organisationen, " + std::to_string(m_.accounts().size()) + " konton, " +
            std::to_string(m_.budgets().size()) + " budgetrader, " +
            std::to_string(m_.goals().size()) + " mål");
        // The services follow the master topics; wait until ingest and analysis hold it all.
        const double org_accounts = static_cast<double>(m_.org().size() + m_.accounts().size());
        const double with_budget = org_accounts + static_cast<double>(m_.budgets().size());
        const auto deadline = Steady::now() + std::chrono::seconds(180);
        while (Steady::now() < deadline) {
            auto i = ScrapeMetrics(o_.endpoints.ingest);
            auto a = ScrapeMetrics(o_.endpoints.analysis);
            if (i && a && SumOf(*i, "bfu_master_records") >= org_accounts &&
                SumOf(*a, "bfu_master_records") >= with_budget) {
                Baseline();
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        err_ << "bfu demo run: ingest and analysis did not take in the master data in 180 s ("
             << o_.endpoints.ingest << ", " << o_.endpoints.analysis << ")\n";
        return false;
    }

    void Baseline() {
        if (auto i = ScrapeMetrics(o_.endpoints.ingest)) {
            decided0_ = SumOf(*i, "bfu_ingest_vouchers_total");
            lines0_ = SumOf(*i, "bfu_ingest_lines_total");
        }
        if (auto a = ScrapeMetrics(o_.endpoints.analysis))
            posted0_ = SumOf(*a, "bfu_analysis_lines_total");
    }

    void Tick(core::TimePoint t) {
        if (t <= now_) return;
        contracts::ClockTick tick;
        tick.now = core::ToRfc3339(t);
        tick.by = "bfu demo run";
        const auto value = contracts::EncodeMessage(
            tick, {contracts::NewEventId(), "bfu/demo", core::WallClock().Now(), tick.Key()});
        if (auto s = producer_->Produce(clock_topic_, tick.Key(), value); !s.ok()) {
            err_ << "bfu demo run: clock: " << s.error().ToString() << "\n";
        }
        (void)producer_->Flush(std::chrono::seconds(10));
        now_ = t;
    }

    bool Day(Date d) {
        const bool working = Working(d);
        // The month's vouchers, generated when its first day comes (a weekend or not).
        if (d.year() == o_.year && month_loaded_ != d.month()) {
            month_ = m_.VouchersOf(d.month());
            month_loaded_ = d.month();
        }
        const generator::DayVouchers* today = nullptr;
        if (d.year() == o_.year) {
            const auto i = static_cast<std::size_t>(d.day() - 1);
            if (i < month_.size() && month_[i].date == d) today = &month_[i];
        }
        if (working) {
            Tick(generator::At(d, 7, 0));
            RunDue(generator::At(d, 7, 59));
            Tick(generator::At(d, 8, 0));
            if (today != nullptr && !Send(*today)) return false;
            WaitPipeline();
            RunDue(generator::At(d, 16, 59));
            Tick(generator::At(d, 17, 0));
        } else {
            Tick(generator::At(d, 12, 0));
            // The generator books on working days; should a weekend day have vouchers, they go.
            if (today != nullptr && (!today->kafka.empty() || !today->http.empty())) {
                if (!Send(*today)) return false;
                WaitPipeline();
            }
            RunDue(generator::At(d, 23, 59));
        }
        const bool month_end = d.AddDays(1).day() == 1;
        Progress(d, month_end);
        if (d.year() == o_.year && d.month() == 12 && d.day() == 31) {
            month_.clear();
            month_loaded_ = 0;
        }
        return true;
    }

    bool Send(const generator::DayVouchers& day) {
        for (const auto& v : day.kafka) {
            const std::string value = generator::VoucherJson(v);
            if (auto s = producer_->Produce(vouchers_topic_, v.Key(), value); !s.ok()) {
                err_ << "bfu demo run: " << s.error().ToString() << "\n";
                return false;
            }
            ++sent_kafka_;
        }
        if (auto s = producer_->Flush(std::chrono::seconds(60)); !s.ok()) {
            err_ << "bfu demo run: " << s.error().ToString() << "\n";
            return false;
        }
        // The e-commerce system posts its orders over HTTP in batches.
        const std::size_t batch = 400;
        for (std::size_t i = 0; i < day.http.size(); i += batch) {
            std::string body;
            for (std::size_t j = i; j < std::min(day.http.size(), i + batch); ++j) {
                body += generator::VoucherJson(day.http[j]);
                body += '\n';
            }
            const auto n = std::min(day.http.size(), i + batch) - i;
            if (!PostVouchers(body)) {
                // No way in over HTTP (no token): the orders go through Kafka like the rest.
                for (std::size_t j = i; j < i + n; ++j) {
                    (void)producer_->Produce(vouchers_topic_, day.http[j].Key(),
                                             generator::VoucherJson(day.http[j]));
                    ++sent_kafka_;
                }
                (void)producer_->Flush(std::chrono::seconds(60));
            } else {
                sent_http_ += n;
            }
        }
        return true;
    }

    bool PostVouchers(const std::string& body) {
        if (o_.ingest_token.empty()) {
            if (!http_warned_) {
                Log("ingen BFU_INGEST_HTTP_TOKEN: e-handelns verifikationer går via Kafka\n");
                http_warned_ = true;
            }
            return false;
        }
        for (int attempt = 0; attempt < 3; ++attempt) {
            auto r = http::Client().Post(
                o_.endpoints.ingest + "/v1/vouchers", body, "application/x-ndjson",
                {{"Authorization", "Bearer " + o_.ingest_token}}, std::chrono::seconds(60));
            // 202: taken, some decisions still to come (they are on bfu.erp.vouchers).
            if (r.ok() && (r->status == 200 || r->status == 202)) return true;
            if (r.ok() && (r->status == 401 || r->status == 403 || r->status == 404)) {
                if (!http_warned_) {
                    Say("ingest tar inte emot verifikationer över HTTP (" +
                        std::to_string(r->status) + "): e-handelns verifikationer går via Kafka");
                    http_warned_ = true;
                }
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
        return false;
    }

    // Until ingest has decided every voucher sent and analysis has posted every line written.
    void WaitPipeline() {
        const double sent = static_cast<double>(sent_kafka_ + sent_http_);
        const auto deadline = Steady::now() + std::chrono::seconds(300);
        auto pause = std::chrono::milliseconds(5);
        while (Steady::now() < deadline) {
            auto i = ScrapeMetrics(o_.endpoints.ingest);
            auto a = ScrapeMetrics(o_.endpoints.analysis);
            if (i && a) {
                const double decided = SumOf(*i, "bfu_ingest_vouchers_total") - decided0_;
                const double lines = SumOf(*i, "bfu_ingest_lines_total") - lines0_;
                const double posted = SumOf(*a, "bfu_analysis_lines_total") - posted0_;
                lines_ = static_cast<std::int64_t>(lines);
                if (decided >= sent && posted >= lines) return;
            }
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(100));
        }
        Say("väntade 300 s på ingest och analysis utan att de kom ikapp; fortsätter");
    }

    // Everything due up to `until`, in time order: feeds, the script's actions, retries and the
    // managers' acknowledgements (at 10:00 and 14:00 on working days).
    void RunDue(core::TimePoint until) {
        const Date today = domain::StockholmDate(until);
        std::vector<core::TimePoint> slots;
        if (Working(today)) {
            for (const int h : {10, 14}) {
                const auto t = generator::At(today, h, 0);
                if (t <= until && t > responders_done_) slots.push_back(t);
            }
        }
        while (true) {
            core::TimePoint next = until + std::chrono::seconds(1);
            int which = -1;
            if (!feeds_.empty() && feeds_.front().at <= until && feeds_.front().at < next) {
                next = feeds_.front().at;
                which = 0;
            }
            if (!pending_.empty() && pending_.front().action.at <= until &&
                pending_.front().action.at < next) {
                next = pending_.front().action.at;
                which = 1;
            }
            if (!slots.empty() && slots.front() < next) {
                next = slots.front();
                which = 2;
            }
            if (which < 0) break;
            if (next - now_ >= std::chrono::minutes(15)) Tick(next);
            if (which == 0) {
                RunFeed(feeds_.front());
                feeds_.pop_front();
            } else if (which == 1) {
                Pending p = std::move(pending_.front());
                pending_.pop_front();
                RunAction(std::move(p));
            } else {
                responders_done_ = slots.front();
                slots.erase(slots.begin());
                Respond(today);
            }
        }
    }

    void RunFeed(const generator::Feed& f) {
        const auto path = o_.data_dir / f.file;
        std::ofstream(path, std::ios::binary) << m_.FeedFile(f);
        Log(text::DateTime(f.at) + " " + f.description + "\n");
        if (Command({"import", f.kind, path.string()}) != 0) {
            Say(f.description + ": importen misslyckades (se körloggen)");
        }
        ++feeds_run_;
    }

    void RunAction(Pending p) {
        auto args = p.action.command;
        for (auto& a : args) {
            if (!a.empty() && a[0] == '@') a = (o_.data_dir / a.substr(1)).string();
        }
        Log(text::DateTime(p.action.at) + " " + p.action.actor + " " + p.action.description + "\n");
        std::string answer;
        const int rc = Command(args, &answer);
        const std::string kind = p.action.command.size() > 1
                                     ? p.action.command[0] + " " + p.action.command[1]
                                     : p.action.command.front();
        if (rc == 0) {
            ++done_[kind];
            return;
        }
        // Not there yet (the deviation has not opened, a plan not yet decided): the next working
        // day, the same time. A command that waits for another person's command (a measure, a
        // plan) waits longer than one that waits for a deviation.
        const bool later = answer.find("not_found") != std::string::npos ||
                           answer.find("failed_precondition") != std::string::npos;
        const bool on_deviation = answer.find("(deviation)") != std::string::npos;
        if (later && on_deviation && p.tries + 1 >= kMaxTries && OnTheUnit(p, kind)) return;
        if (later && ++p.tries < (on_deviation ? kMaxTries : kMaxDependentTries)) {
            const auto local = domain::ToStockholm(p.action.at);
            p.action.at = generator::At(NextWorking(local.date), local.hour, local.minute);
            const auto pos = std::upper_bound(
                pending_.begin(), pending_.end(), p.action.at,
                [](core::TimePoint t, const Pending& x) { return t < x.action.at; });
            pending_.insert(pos, std::move(p));
            return;
        }
        ++refused_[kind];
    }

    // The deviation a comment or a measure names never opened (the services judged the unit
    // within its limits): the manager writes the same on the unit instead, `comment add --unit`
    // for the month before, `measure add --unit`, so that what builds on it (a decision naming
    // the measure) still happens. True when it ran.
    bool OnTheUnit(const Pending& p, const std::string& kind) {
        const auto& c = p.action.command;
        if (c.size() < 3 || c[2].find(':') == std::string::npos) return false;
        const std::string id = c[2];
        const std::string unit = id.substr(id.rfind(':') + 1);
        std::vector<std::string> args;
        if (kind == "deviation comment") {
            const auto month =
                domain::Period::Containing(domain::StockholmDate(p.action.at)).Prev();
            const std::string ym = std::to_string(month.year()) +
                                   (month.month() < 10 ? "-0" : "-") +
                                   std::to_string(month.month());
            args = {"comment", "add", "--unit", unit, "--period", ym, "--subject", "outcome"};
        } else if (kind == "measure add") {
            args = {"measure", "add", "--unit", unit};
            if (std::find(c.begin(), c.end(), "--area") == c.end()) {
                args.push_back("--area");
                args.push_back(unit);
            }
        } else {
            return false;
        }
        args.insert(args.end(), c.begin() + 3, c.end());
        Log(text::DateTime(p.action.at) + " avvikelsen " + id +
            " har inte öppnats; i stället på enheten " + unit + "\n");
        if (Command(args) != 0) return false;
        ++done_[kind + " (på enheten)"];
        return true;
    }

    // The managers who got an alert: each unfavourable deviation's responsible manager
    // acknowledges it the same day, the next, or only when it has been escalated to them.
    void Plan(Watched& w) {
        w.ack_on.reset();
        w.wait_escalations = 0;
        if (!w.unfavourable) return;
        const auto h = Hash(w.id, static_cast<std::uint64_t>(w.opened_seq)) % 100;
        const Date opened = domain::StockholmDate(w.opened_at);
        const auto local = domain::ToStockholm(w.opened_at);
        if (h < 50) {
            w.ack_on = Working(opened) && local.hour < 13 ? opened : NextWorking(opened);
        } else if (h < 80) {
            w.ack_on = NextWorking(opened);
        } else if (h < 93) {
            w.wait_escalations = 1;
        } else {
            w.wait_escalations = 2;
        }
    }

    static std::string AckComment(const Watched& w, std::uint64_t h) {
        if (h % 3 != 0) return {};
        switch (w.kind) {
            case contracts::DeviationKind::kHr:
                return "Vi följer upp sjukfrånvaron med rehabsamtal och tidiga insatser.";
            case contracts::DeviationKind::kGoal:
                return "Vi analyserar resultatet tillsammans med medarbetarna på nästa APT.";
            case contracts::DeviationKind::kForecast:
                return "Prognosen stäms av med verksamheten inför nästa omgång.";
            default:
                return "Jag har sett avvikelsen och återkommer med orsak och åtgärd.";
        }
    }

    void Respond(Date today) {
        watcher_.Poll([this](Watched& w) { Plan(w); });
        for (auto& [id, w] : watcher_.all()) {
            if (!w.open || w.acknowledged || !w.unfavourable || !w.ack_on || *w.ack_on > today) {
                continue;
            }
            if (w.tries >= 2) continue;
            ++w.tries;
            const auto* unit = m_.Unit(w.responsible_unit);
            if (unit == nullptr || !unit->manager.email) continue;
            std::vector<std::string> args = {"deviation", "ack", w.id, "--by",
                                             *unit->manager.email};
            const auto comment = AckComment(w, Hash(w.id, 7));
            if (!comment.empty()) {
                args.push_back("--comment");
                args.push_back(comment);
            }
            args.push_back("--command-id");
            args.push_back("demo-ack-" +
                           std::to_string(Hash(w.id, static_cast<std::uint64_t>(w.opened_seq))));
            Log(text::DateTime(now_) + " " + unit->manager.name + ", " + unit->manager.role +
                " kvitterar " + w.id + "\n");
            if (Command(args) == 0) {
                w.acknowledged = true;
                ++acks_;
            }
        }
    }

    void Progress(Date d, bool month_end) {
        watcher_.Poll([this](Watched& w) { Plan(w); });
        const double secs =
            std::max(0.001, std::chrono::duration<double>(Steady::now() - started_).count());
        const auto vouchers = static_cast<std::int64_t>(sent_kafka_ + sent_http_);
        std::size_t mails = 0;
        if (!o_.mail_dir.empty()) mails = CountMail(o_.mail_dir);
        std::ostringstream line;
        line << d.ToString() << "  " << text::PeriodText(domain::Period::Containing(d).ToString())
             << "  verifikationer " << Thousands(vouchers) << " ("
             << Thousands(static_cast<std::int64_t>(static_cast<double>(vouchers) / secs)) << "/s)"
             << "  rader " << Thousands(lines_) << "  öppna avvikelser " << watcher_.OpenCount()
             << "  e-post " << Thousands(static_cast<std::int64_t>(mails)) << "  kommandon "
             << Thousands(static_cast<std::int64_t>(commands_)) << "  " << static_cast<int>(secs)
             << " s";
        if (o_.live) {
            out_ << "\r\033[K[bfu demo] " << line.str() << std::flush;
            live_line_ = true;
            if (month_end) {
                out_ << "\n";
                live_line_ = false;
            }
        } else if (month_end) {
            out_ << "[bfu demo] " << line.str() << "\n" << std::flush;
        }
    }

    void Finish(Date last) {
        WaitPipeline();
        // The year's reports: reporting makes them on the timetable's dates; the annual report's
        // deadline is in the spring, so ask for it now that December is judged.
        const std::string period = std::to_string(o_.year) + "-12";
        std::vector<std::string> scopes = {"KF"};
        for (const auto& u : m_.org()) {
            if (u.level == contracts::OrgLevel::kNamnd) scopes.push_back(u.id.value());
        }
        for (const auto& scope : scopes) {
            std::string answer;
            const int rc =
                Command({"report", "make", "arsredovisning", "--scope", scope, "--period", period},
                        &answer);
            if (rc != 0) {
                Say("årsredovisning för " + scope +
                    " kunde inte göras: " + answer.substr(0, answer.find('\n')));
                if (answer.find("unknown command") != std::string::npos) break;
            } else {
                ++reports_made_;
            }
        }
        // Until the last alerts are delivered: the mailbox and the notifier's count stand still.
        double last_sent = -1;
        std::size_t last_mail = 0;
        int still = 0;
        const auto deadline = Steady::now() + std::chrono::seconds(120);
        while (Steady::now() < deadline && still < 6) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            auto n = ScrapeMetrics(o_.endpoints.notifier);
            const double sent = n ? SumOf(*n, "bfu_notifier_alerts_total") : 0;
            const std::size_t mail = o_.mail_dir.empty() ? 0 : CountMail(o_.mail_dir);
            still = sent == last_sent && mail == last_mail ? still + 1 : 0;
            last_sent = sent;
            last_mail = mail;
        }
        watcher_.Poll([this](Watched& w) { Plan(w); });
        const double secs = std::chrono::duration<double>(Steady::now() - started_).count();
        json run{{"size", std::string(generator::ToString(o_.size))},
                 {"year", o_.year},
                 {"through", last.ToString()},
                 {"seconds", static_cast<std::int64_t>(secs)},
                 {"vouchersSent", {{"kafka", sent_kafka_}, {"http", sent_http_}}},
                 {"ledgerLines", lines_},
                 {"commands", commands_},
                 {"done", done_},
                 {"refused", refused_},
                 {"acknowledged", acks_},
                 {"feeds", feeds_run_},
                 {"deviationsOpened", watcher_.opened()},
                 {"escalations", watcher_.escalated()},
                 {"openDeviations", watcher_.OpenCount()},
                 {"annualReportsRequested", reports_made_},
                 {"mail", o_.mail_dir.empty() ? 0 : CountMail(o_.mail_dir)}};
        json stories = json::array();
        for (const auto& s : m_.stories()) {
            stories.push_back(
                {{"key", s.key}, {"title", s.title}, {"text", s.text}, {"units", s.units}});
        }
        run["stories"] = stories;
        std::ofstream(o_.data_dir / "run.json") << run.dump(2) << "\n";
        std::size_t refused = 0;
        for (const auto& [k, n] : refused_) refused += n;
        Say("året är kört t.o.m. " + last.ToString() + " på " +
            std::to_string(static_cast<int>(secs)) + " s: " +
            Thousands(static_cast<std::int64_t>(sent_kafka_ + sent_http_)) + " verifikationer, " +
            Thousands(lines_) + " rader, " + std::to_string(watcher_.opened()) +
            " avvikelser öppnade, " + std::to_string(watcher_.escalated()) + " eskaleringar, " +
            std::to_string(acks_) + " kvitteringar, " + std::to_string(commands_) + " kommandon (" +
            std::to_string(refused) + " nekade)");
    }

    const RunOptions& o_;
    std::ostream& out_;
    std::ostream& err_;
    generator::Municipality m_;
    kafka::KafkaConfig kafka_;
    std::unique_ptr<kafka::Producer> producer_;
    std::string vouchers_topic_;
    std::string clock_topic_;
    DeviationWatcher watcher_;
    std::deque<generator::Feed> feeds_;
    std::deque<Pending> pending_;
    std::vector<generator::DayVouchers> month_;
    int month_loaded_ = 0;
    core::TimePoint now_{};
    core::TimePoint responders_done_{};
    Steady::time_point started_;
    std::ofstream log_;
    bool live_line_ = false;
    bool http_warned_ = false;
    double decided0_ = 0;
    double lines0_ = 0;
    double posted0_ = 0;
    std::size_t sent_kafka_ = 0;
    std::size_t sent_http_ = 0;
    std::int64_t lines_ = 0;
    std::size_t commands_ = 0;
    std::size_t acks_ = 0;
    std::size_t feeds_run_ = 0;
    std::size_t reports_made_ = 0;
    std::map<std::string, std::size_t> done_;
    std::map<std::string, std::size_t> refused_;
};

}  // namespace

int RunYear(const RunOptions& options, std::ostream& out, std::ostream& err) {
    return Driver(options, out, err).Run();
}

}  // namespace bfu::cli::demo
