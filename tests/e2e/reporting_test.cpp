// Reporting end to end (issue #13): the built ingest, analysis, forecasting and two reporting
// services against the real broker, through a scripted year of the example municipality on the
// simulated business clock (bfu.clock).
//   - the timetable makes every report on its date and no other: six sector summaries per
//     sektor, the tertial- and delårsrapport and the årsredovisning per nämnd and for KF, the
//     dialogue material per enhet, verksamhet and sektor, each announced once on bfu.reports
//     as of the day the schedule names;
//   - every figure of the KF tertialrapport's JSON is the sum of the ledger lines of its scope
//     and period dated by its cut-off, to the öre; its workbook's cells are the JSON's (read
//     back with Debian's openpyxl); the PDF `bfu report make` writes has pages (pdfinfo); the
//     HTML renders in headless Chromium without errors (its screenshot is kept as an artefact
//     in <build>/test-artefacts/reporting/);
//   - the reporting that made the timetable's reports is restarted mid-year: the reports it
//     makes after are byte for byte those of a second reporting that was never restarted;
//     `bfu report make` twice gives the same JSON; --as-of before a budget revision shows the
//     earlier budget;
//   - the dialogue material of an enhet shows its manager's comment.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/domain/workdays.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/reporting/kinds.hpp"
#include "bfu/reporting/schedule.hpp"
#include "bfu/reporting/store.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::Eventually;
using bfu::testing::FreePort;
using bfu::testing::Slurp;
using nlohmann::json;

constexpr int kYear = 2026;
constexpr const char* kStart = "2026-01-02T08:00:00+01:00";

// A topic read from its beginning and kept open: each call adds what arrived since.
class Tail {
public:
    Tail(const std::string& brokers, const std::string& topic)
        : consumer_(bfu::testing::OpenTopicReader(brokers, topic)) {}
    const std::vector<kafka::Message>& Read() {
        if (!consumer_) return all_;
        while (true) {
            auto batch = consumer_->Poll(2000, 200ms);
            if (!batch.ok() || batch->empty()) break;
            for (auto& m : *batch) all_.push_back(std::move(m));
        }
        return all_;
    }

private:
    std::unique_ptr<kafka::Consumer> consumer_;
    std::vector<kafka::Message> all_;
};

// The source tree (CTest sets BFU_SOURCE_DIR): the xlsx reader script lives there.
std::string SourceDir() {
    const char* d = std::getenv("BFU_SOURCE_DIR");
    return d != nullptr ? d : ".";
}

// A finished run of a program (the bfu CLI, pdfinfo, python, chromium): exit code and output.
struct ProgramRun {
    int code = -1;
    std::string output;
};

class ReportingE2e : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("reporting"));
        kafka::KafkaConfig pc;
        pc.brokers = brokers_;
        auto p = kafka::Producer::Create(pc);
        ASSERT_TRUE(p.ok()) << p.error().ToString();
        producer_ = std::move(p).value();
        artefacts_ =
            std::filesystem::path(bfu::testing::BinaryDir()) / "test-artefacts" / "reporting";
        std::filesystem::create_directories(artefacts_);
    }
    // The readers leave their groups while their topics still exist: CloseRun deletes them,
    // and a group consumer closed after its topic is gone may wait a long time to leave.
    void TearDown() override {
        reports_.reset();
        forecasts_.reset();
        lines_.reset();
        CloseRun();
    }

    std::map<std::string, std::string> Env(const std::string& name) {
        auto env = ServiceEnv(name, kYear, FreePort());
        env["BFU_CLOCK_MODE"] = "simulated";
        env["BFU_CLOCK_START"] = kStart;
        return env;
    }

    // `key` names the instance; two reporting instances run the same binary.
    void Start(const std::string& key, const std::string& binary,
               const std::map<std::string, std::string>& env) {
        const auto bin = bfu::testing::BinaryDir() + "/services/" + binary + "/bfu-" + binary;
        services_[key] = std::make_unique<bfu::testing::ChildProcess>(
            bin, env, (dir_ / (key + ".log")).string());
        http_ports_[key] = std::stoi(env.at("BFU_HTTP_PORT"));
    }

    std::map<std::string, std::string> ReportingEnv(const std::string& key, bool timetable) {
        auto env = Env("reporting");
        env["BFU_KAFKA_GROUP_ID"] = prefix_ + key;
        env["BFU_REPORTING_DIR"] = (dir_ / key).string();
        env["BFU_REPORTING_TIMETABLE"] = timetable ? "true" : "false";
        // PDF is made for one report on request below; the timetable's stay quick.
        env["BFU_REPORTING_FORMATS"] = "json,html,xlsx";
        return env;
    }

    void StartAll() {
        for (const std::string name : {"ingest", "analysis", "forecasting"}) {
            ASSERT_NO_FATAL_FAILURE(Start(name, name, Env(name)));
        }
        envs_["made"] = ReportingEnv("made", true);
        envs_["witness"] = ReportingEnv("witness", false);
        ASSERT_NO_FATAL_FAILURE(Start("made", "reporting", envs_["made"]));
        ASSERT_NO_FATAL_FAILURE(Start("witness", "reporting", envs_["witness"]));
        ASSERT_NO_FATAL_FAILURE(WaitReady());
    }

    void SetClock(core::TimePoint t) {
        contracts::ClockTick tick;
        tick.now = domain::ToRfc3339(domain::ToStockholm(t));
        tick.by = "e2e";
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, std::vector<contracts::ClockTick>{tick}));
    }

    template <typename T>
    void Send(const T& message) {
        ASSERT_NO_FATAL_FAILURE(Publish(*producer_, std::vector<T>{message}));
    }

    // One month's vouchers, dated the 10th: salaries with social fees, material and fees for
    // every enhet; Hemtjänst Centrum (E211) pays 30 % more for personnel than planned.
    void Vouchers(int month) {
        const auto m = cli::MakeExampleMunicipality(kYear);
        std::map<std::string, std::int64_t> personal;
        for (const auto& b : m.budgets) {
            if (b.account_group == "personal") personal[b.unit.value()] = b.annual_ore;
        }
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02d-10", kYear, month);
        int n = 0;
        for (const auto& [unit, annual] : personal) {
            contracts::Voucher v;
            v.source = core::SourceId("e2e-erp");
            v.voucher_id =
                core::VoucherId("R-" + std::to_string(month) + "-" + std::to_string(++n));
            v.series = "A";
            v.date = date;
            v.text = "Löner och inköp " + unit;
            std::int64_t salary = annual / 12 + month * 1'234 + n * 101;
            if (unit == "E211") salary = salary * 130 / 100;
            auto line = [&](const char* account, std::int64_t ore) {
                contracts::VoucherLine l;
                l.account = core::AccountNo(account);
                l.unit = core::UnitId(unit);
                l.amount_ore = ore;
                return l;
            };
            const std::int64_t fees = salary * 31 / 100;
            const std::int64_t material = 1'500'000 + n * 7'777 + month * 333;
            const std::int64_t revenue = -(400'000 + n * 1'111);
            v.lines = {line("5011", salary), line("5411", fees), line("4010", material),
                       line("3510", revenue), line("1930", -(salary + fees + material + revenue))};
            ASSERT_TRUE(
                producer_
                    ->Produce(Topic(contracts::topics::kErpVouchers), v.Key(), v.ToJson().dump())
                    .ok());
            vouchers_ += 1;
        }
        ASSERT_TRUE(producer_->Flush(30s).ok());
    }

    // Runs a program to its end, its output to a file of the run's folder.
    ProgramRun Program(const std::string& path, std::vector<std::string> args,
                       const std::map<std::string, std::string>& env,
                       std::chrono::seconds timeout) {
        const auto log = dir_ / ("run-" + std::to_string(++runs_) + ".log");
        bfu::testing::ChildProcess p(path, env, log.string(), std::move(args));
        ProgramRun r;
        const bool done = Eventually([&] { return !p.Running(); }, timeout, 50ms);
        auto code = p.Terminate(1s);
        r.code = done && code ? *code : -1;
        r.output = Slurp(log);
        return r;
    }

    // `bfu report ...` against a reporting instance.
    ProgramRun Bfu(const std::string& instance, std::vector<std::string> args) {
        return Program(bfu::testing::BinaryDir() + "/tools/bfu", std::move(args),
                       {{"BFU_REPORTING_ZMQ", envs_.at(instance).at("BFU_ZMQ_ENDPOINT")},
                        {"BFU_KAFKA_BROKERS", brokers_},
                        {"BFU_KAFKA_TOPIC_PREFIX", prefix_}},
                       180s);
    }

    // The announcements on bfu.reports, the latest per report id.
    std::map<std::string, contracts::ReportPublished> Announced() {
        std::map<std::string, contracts::ReportPublished> out;
        for (const auto& m : reports_->Read()) {
            auto r = contracts::DecodeMessage<contracts::ReportPublished>(m.value);
            EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
            if (r.ok()) out[r->report_id] = *r;
        }
        return out;
    }

    std::string FileOf(const contracts::ReportPublished& r, contracts::FileFormat f) {
        for (const auto& file : r.files) {
            if (file.format == f) return file.path;
        }
        return {};
    }

    std::unique_ptr<kafka::Producer> producer_;
    std::unique_ptr<Tail> reports_, forecasts_, lines_;
    std::map<std::string, std::map<std::string, std::string>> envs_;
    std::filesystem::path artefacts_;
    int vouchers_ = 0;
    int runs_ = 0;
};

// One stop of the scripted year: the clock moves to `at`, then `action` runs (vouchers, a
// check that a forecast round or the reports due are there).
struct Stop {
    core::TimePoint at;
    int order = 0;  // at the same time: vouchers, then rounds, then reports
    std::function<void()> action;
};

TEST_F(ReportingE2e, AScriptedYearMakesEveryReportOnItsDateExactlyAndTheSameAfterARestart) {
    ASSERT_NO_FATAL_FAILURE(StartAll());
    reports_ = std::make_unique<Tail>(brokers_, Topic(contracts::topics::kReports));
    forecasts_ = std::make_unique<Tail>(brokers_, Topic(contracts::topics::kForecasts));
    lines_ = std::make_unique<Tail>(brokers_, Topic(contracts::topics::kLedgerLines));

    // Master data, and the schedule the timetable gives for it (the same code as the service).
    const auto m = cli::MakeExampleMunicipality(kYear);
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.org));
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.accounts));
    ASSERT_NO_FATAL_FAILURE(Publish(*producer_, m.budgets));
    reporting::ReportStore store("");
    for (const auto& u : m.org) {
        ASSERT_TRUE(
            store
                .Apply(contracts::topics::kMasterOrg, u.Key(),
                       contracts::EncodeMessage(u, {"x", "e2e", core::WallClock().Now(), ""}))
                .ok());
    }
    auto md = store.Master(kYear);
    ASSERT_TRUE(md.ok()) << md.error().ToString();
    const auto timetable = domain::BuildTimetable(kYear, {});
    ASSERT_TRUE(timetable.ok());
    const auto schedule = reporting::TimetableReports(*timetable, (*md)->org);
    ASSERT_EQ(schedule.size(), 12u + 3u + 3u + 3u + 26u);
    const double records = static_cast<double>(m.org.size() + m.accounts.size());
    ASSERT_TRUE(Eventually([&] { return Metric("ingest", "bfu_master_records") >= records; }, 60s));

    // The scripted year.
    std::vector<Stop> stops;
    for (int month = 1; month <= 12; ++month) {
        const auto at = domain::FromStockholm(*domain::Date::FromYmd(kYear, month, 10), 9, 0);
        stops.push_back(
            {at, 0, [this, month] {
                 ASSERT_NO_FATAL_FAILURE(Vouchers(month));
                 // Every voucher's lines are in before time moves on.
                 const auto expected = static_cast<std::size_t>(vouchers_) * 5;
                 ASSERT_TRUE(Eventually([&] { return lines_->Read().size() >= expected; }, 60s))
                     << lines_->Read().size() << " of " << expected << " lines";
             }});
    }
    for (const auto& e : timetable->events) {
        if (e.kind != domain::TimetableEventKind::kForecastRound) continue;
        const int round = e.round;
        stops.push_back(
            {domain::FromStockholm(e.date, 18, 0), 1, [this, round] {
                 // The round's forecasts are written on its date (forecasting).
                 ASSERT_TRUE(Eventually(
                     [&] {
                         std::set<std::string> units;
                         for (const auto& msg : forecasts_->Read()) {
                             auto f = contracts::DecodeMessage<contracts::Forecast>(msg.value);
                             if (f.ok() && f->round == round) units.insert(f->unit.value());
                         }
                         return units.count("S1") && units.count("S2") && units.count("KF");
                     },
                     60s))
                     << "round " << round;
             }});
    }
    // A budget revision of Norrskolan's personnel, decided 15 May, published a few days later.
    stops.push_back({domain::FromStockholm(*domain::Date::FromYmd(kYear, 5, 18), 10, 0), 0, [this] {
                         contracts::Budget b;
                         b.unit = core::UnitId("E111");
                         b.account_group = "personal";
                         b.year = kYear;
                         b.annual_ore = 950'000'000;
                         b.profile.kind = contracts::ProfileKind::kPersonnel;
                         b.revision = {1, "BUN § 31/2026", "2026-05-15"};
                         ASSERT_NO_FATAL_FAILURE(Send(b));
                     }});
    // Norrskolan's manager comments April before the APT (dialogue step 1, 12 May).
    stops.push_back(
        {domain::FromStockholm(*domain::Date::FromYmd(kYear, 5, 5), 10, 0), 0, [this] {
             contracts::CommentEvent c;
             c.comment_id = "c-e111-april";
             c.unit = core::UnitId("E111");
             c.period = "202604";
             c.subject = contracts::CommentSubject::kOutcome;
             c.text = "Vikarier under sjukskrivningar i mars; bemanningen är nu i balans.";
             c.by = contracts::Person{"Nils Gran", "enhetschef", "nils.gran@exempelkommun.se"};
             c.at = "2026-05-05T10:00:00+02:00";
             ASSERT_NO_FATAL_FAILURE(Send(c));
         }});
    // The reporting that makes the timetable's reports restarts mid-year.
    stops.push_back({domain::FromStockholm(*domain::Date::FromYmd(kYear, 7, 6), 9, 0), 2, [this] {
                         ASSERT_EQ(services_["made"]->Terminate(20s), 0);
                         ASSERT_NO_FATAL_FAILURE(Start("made", "reporting", envs_["made"]));
                         ASSERT_NO_FATAL_FAILURE(WaitReady());
                     }});
    // And is killed (SIGKILL: no shutdown) in the autumn: it rebuilds everything from Kafka.
    stops.push_back({domain::FromStockholm(*domain::Date::FromYmd(kYear, 10, 5), 9, 0), 2, [this] {
                         services_.erase("made");  // SIGKILL
                         ASSERT_NO_FATAL_FAILURE(Start("made", "reporting", envs_["made"]));
                         ASSERT_NO_FATAL_FAILURE(WaitReady());
                     }});
    std::set<std::string> expected_ids;
    std::map<std::string, core::TimePoint> due_of;
    for (const auto& s : schedule) due_of[reporting::ReportId(s.request)] = s.due;
    for (const auto& s : schedule) {
        const std::string id = reporting::ReportId(s.request);
        // Due at the end of the as-of day: made once the clock has passed it.
        stops.push_back({s.due + 30min, 2, [this, id, &expected_ids] {
                             expected_ids.insert(id);
                             ASSERT_TRUE(Eventually(
                                 [&] {
                                     const auto a = Announced();
                                     return std::all_of(
                                         expected_ids.begin(), expected_ids.end(),
                                         [&](const auto& x) { return a.count(x) != 0; });
                                 },
                                 60s))
                                 << "not announced: " << id;
                         }});
    }
    std::stable_sort(stops.begin(), stops.end(), [](const Stop& a, const Stop& b) {
        return a.at != b.at ? a.at < b.at : a.order < b.order;
    });
    for (const auto& stop : stops) {
        ASSERT_NO_FATAL_FAILURE(SetClock(stop.at));
        ASSERT_NO_FATAL_FAILURE(stop.action());
        // Nothing is made before its day: every announcement is of a report due by now, and
        // was made (the envelope's time, on the simulated clock) once its as-of day had ended.
        for (const auto& [id, pub] : Announced()) {
            auto cutoff = core::FromRfc3339(pub.as_of);
            ASSERT_TRUE(cutoff.ok());
            EXPECT_LT(*cutoff, stop.at) << id;
        }
    }
    for (const auto& msg : reports_->Read()) {
        auto envelope = contracts::Decode(msg.value);
        ASSERT_TRUE(envelope.ok());
        auto made_at = core::FromRfc3339(envelope->time);
        ASSERT_TRUE(made_at.ok()) << envelope->time;
        ASSERT_EQ(due_of.count(msg.key), 1u) << msg.key;
        EXPECT_GE(*made_at, due_of.at(msg.key)) << msg.key << " made " << envelope->time;
        EXPECT_LE(*made_at, due_of.at(msg.key) + 30min) << msg.key << " made " << envelope->time;
    }
    // Every scheduled report once, nothing else.
    const auto announced = Announced();
    std::set<std::string> got;
    for (const auto& [id, pub] : announced) got.insert(id);
    EXPECT_EQ(got, expected_ids);
    std::map<std::string, int> records_per_id;
    for (const auto& msg : reports_->Read()) ++records_per_id[msg.key];
    for (const auto& [id, n] : records_per_id)
        EXPECT_EQ(n, 1) << id << " announced " << n << " times";

    // ---- The KF tertialrapport: every figure the sum of the ledger lines, to the öre.
    const auto* tertial = reporting::FindScheduled(schedule, reporting::Kind::kTertial, "KF",
                                                   *domain::Period::Of(kYear, 4));
    ASSERT_NE(tertial, nullptr);
    const auto& pub = announced.at(reporting::ReportId(tertial->request));
    const std::string json_path = FileOf(pub, contracts::FileFormat::kJson);
    const json report = json::parse(Slurp(json_path));
    const std::string as_of = tertial->request.as_of.ToString();
    std::map<std::string, std::string> parent;
    for (const auto& u : m.org) parent[u.id.value()] = u.parent ? u.parent->value() : "";
    // unit -> group -> period -> öre, rolled up; account -> period -> öre for KF.
    std::map<std::string, std::map<std::string, std::map<std::string, std::int64_t>>> sums;
    std::map<std::string, std::map<std::string, std::int64_t>> accounts;
    std::size_t counted = 0;
    for (const auto& msg : lines_->Read()) {
        auto l = contracts::DecodeMessage<contracts::LedgerLine>(msg.value);
        ASSERT_TRUE(l.ok());
        if (!l->is_operating || l->period > "202604" || l->voucher.date > as_of) continue;
        ++counted;
        accounts[l->account.value()][l->period] += l->amount_ore;
        for (std::string u = l->unit.value(); !u.empty(); u = parent[u]) {
            sums[u][l->account_group][l->period] += l->amount_ore;
        }
    }
    ASSERT_GT(counted, 100u);
    std::size_t figures = 0;
    for (const auto& unit : report["units"]) {
        const std::string id = unit["unit"];
        std::int64_t total = 0;
        for (const auto& g : unit["groups"]) {
            std::int64_t group_total = 0;
            for (const auto& month : g["months"]) {
                const auto want = sums[id][g["group"]][month["period"]];
                EXPECT_EQ(month["outcomeOre"].get<std::int64_t>(), want)
                    << id << " " << g["group"] << " " << month["period"];
                group_total += want;
                ++figures;
            }
            EXPECT_EQ(g["outcomeOre"].get<std::int64_t>(), group_total) << id << " " << g["group"];
            total += group_total;
        }
        EXPECT_EQ(unit["outcomeOre"].get<std::int64_t>(), total) << id;
        std::int64_t months_total = 0;
        for (const auto& month : unit["months"])
            months_total += month["outcomeOre"].get<std::int64_t>();
        EXPECT_EQ(months_total, total) << id;
    }
    EXPECT_EQ(report["accounts"].size(), accounts.size());
    for (const auto& a : report["accounts"]) {
        for (const auto& month : a["months"]) {
            EXPECT_EQ(month["outcomeOre"].get<std::int64_t>(),
                      accounts[a["account"]][month["period"]]);
            ++figures;
        }
    }
    EXPECT_GT(figures, 250u);
    // The budget revision decided 15 May is in force at the tertial's cut-off.
    bool revised = false;
    for (const auto& unit : report["units"]) {
        if (unit["unit"] != "E111") continue;
        for (const auto& g : unit["groups"]) {
            if (g["group"] == "personal") revised = g["annualBudgetOre"] == 950'000'000;
        }
    }
    EXPECT_TRUE(revised);

    // ---- Its workbook: the cells are the JSON's (kronor x 100 = öre), totals are formulas.
    const auto xlsx = Program("/usr/bin/python3",
                              {SourceDir() + "/tests/e2e/reporting_read_xlsx.py",
                               FileOf(pub, contracts::FileFormat::kXlsx)},
                              {}, 60s);
    ASSERT_EQ(xlsx.code, 0) << xlsx.output;
    const json book = json::parse(xlsx.output);
    std::map<std::string, const json*> by_unit;
    for (const auto& unit : report["units"]) by_unit[unit["unit"]] = &unit;
    auto ore = [](const json& cell) { return std::llround(cell.get<double>() * 100.0); };
    std::size_t rows = 0;
    for (const char* sheet : {"KF", "Nämnder", "Sektorer", "Verksamheter", "Enheter"}) {
        ASSERT_TRUE(book["sheets"].contains(sheet)) << sheet;
        EXPECT_GT(book["formulas"][sheet].get<int>(), 0) << sheet;
        std::int64_t sum = 0;
        bool summed = false;
        for (const auto& row : book["sheets"][sheet]) {
            if (!row[0].is_string() && row[1] == "Summa") {
                EXPECT_EQ(ore(row[3]), sum) << sheet << ": the total's value";
                summed = true;
                continue;
            }
            if (!row[0].is_string() || by_unit.count(row[0]) == 0) continue;
            const json& unit = *by_unit[row[0]];
            EXPECT_EQ(ore(row[3]), unit["outcomeOre"].get<std::int64_t>()) << row[0];
            EXPECT_EQ(ore(row[4]), unit["budgetOre"].get<std::int64_t>()) << row[0];
            EXPECT_EQ(ore(row[5]), unit["deviationOre"].get<std::int64_t>()) << row[0];
            EXPECT_EQ(ore(row[7]), unit["annualBudgetOre"].get<std::int64_t>()) << row[0];
            for (std::size_t i = 0; i < unit["months"].size(); ++i) {
                EXPECT_EQ(ore(row[10 + i]), unit["months"][i]["outcomeOre"].get<std::int64_t>());
            }
            sum += unit["outcomeOre"].get<std::int64_t>();
            ++rows;
        }
        EXPECT_TRUE(summed) << sheet;
    }
    EXPECT_EQ(rows, report["units"].size() - 2);  // KS and the förvaltning have sheets too
    std::size_t account_rows = 0;
    for (const auto& row : book["sheets"]["Konton"]) {
        if (!row[0].is_string()) continue;
        for (const auto& a : report["accounts"]) {
            if (a["account"] != row[0]) continue;
            EXPECT_EQ(ore(row[7]), a["outcomeOre"].get<std::int64_t>()) << row[0];
            ++account_rows;
        }
    }
    EXPECT_EQ(account_rows, report["accounts"].size());

    // ---- On request, with a PDF: pages (pdfinfo); the HTML in headless Chromium.
    const auto made = Bfu("witness", {"report", "make", "tertialrapport", "--scope", "KF",
                                      "--period", "2026-04", "--format", "pdf,html,json"});
    ASSERT_EQ(made.code, 0) << made.output;
    std::vector<std::string> paths;
    {
        std::istringstream in(made.output);
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line[0] == '/') paths.push_back(line);
        }
    }
    ASSERT_EQ(paths.size(), 3u) << made.output;
    std::string pdf, html, made_json;
    for (const auto& p : paths) {
        if (p.ends_with(".pdf")) pdf = p;
        if (p.ends_with(".html")) html = p;
        if (p.ends_with(".json")) made_json = p;
    }
    // As of the timetable's day, since it has passed: the same report as the timetable's.
    EXPECT_EQ(Slurp(made_json), Slurp(json_path));
    const auto info = Program("/usr/bin/pdfinfo", {pdf}, {}, 30s);
    ASSERT_EQ(info.code, 0) << info.output;
    const auto pages = info.output.find("Pages:");
    ASSERT_NE(pages, std::string::npos) << info.output;
    EXPECT_GE(std::stoi(info.output.substr(pages + 6)), 2) << info.output;
    EXPECT_NE(info.output.find("A4"), std::string::npos) << info.output;
    const auto shot = artefacts_ / "tertialrapport-KF.png";
    std::filesystem::remove(shot);
    const auto chromium = Program(
        "/usr/bin/chromium",
        {"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
         "--user-data-dir=" + (dir_ / "chromium-profile").string(), "--enable-logging=stderr",
         "--v=0", "--window-size=1000,3000", "--screenshot=" + shot.string(), "file://" + html},
        {}, 120s);
    ASSERT_EQ(chromium.code, 0) << chromium.output;
    ASSERT_TRUE(std::filesystem::exists(shot));
    EXPECT_GT(std::filesystem::file_size(shot), 50'000u);
    // The page logs no error of its own (the browser's D-Bus complaints are the machine's).
    EXPECT_EQ(chromium.output.find("CONSOLE"), std::string::npos) << chromium.output;
    EXPECT_EQ(chromium.output.find("Uncaught"), std::string::npos) << chromium.output;
    std::filesystem::copy_file(html, artefacts_ / "tertialrapport-KF.html",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(pdf, artefacts_ / "tertialrapport-KF.pdf",
                               std::filesystem::copy_options::overwrite_existing);

    // ---- After the restart: the reports are those of the reporting never restarted.
    for (const auto& s : schedule) {
        if (s.due < domain::FromStockholm(*domain::Date::FromYmd(kYear, 7, 6), 9, 0)) continue;
        if (s.request.kind != reporting::Kind::kDelar &&
            !(s.request.kind == reporting::Kind::kSektorssammanfattning &&
              s.request.scope == "S2")) {
            continue;
        }
        const auto again =
            Bfu("witness", {"report", "make", std::string(reporting::KindId(s.request.kind)),
                            "--scope", s.request.scope, "--period",
                            reporting::PeriodArg(s.request.period), "--format", "json"});
        ASSERT_EQ(again.code, 0) << again.output;
        std::string path = again.output.substr(0, again.output.find('\n'));
        const auto& original = announced.at(reporting::ReportId(s.request));
        EXPECT_EQ(Slurp(path), Slurp(FileOf(original, contracts::FileFormat::kJson)))
            << reporting::ReportId(s.request);
        EXPECT_NE(path, FileOf(original, contracts::FileFormat::kJson));
    }

    // ---- The same command twice, the same bytes; --as-of before the revision.
    const auto first =
        Bfu("witness", {"report", "make", "tertialrapport", "--scope", "V11", "--period", "2026-04",
                        "--as-of", "2026-05-14", "--format", "json"});
    ASSERT_EQ(first.code, 0) << first.output;
    const std::string before_path = first.output.substr(0, first.output.find('\n'));
    const std::string before_text = Slurp(before_path);
    const auto second =
        Bfu("witness", {"report", "make", "tertialrapport", "--scope", "V11", "--period", "2026-04",
                        "--as-of", "2026-05-14", "--format", "json"});
    ASSERT_EQ(second.code, 0) << second.output;
    EXPECT_EQ(Slurp(before_path), before_text);
    const auto after =
        Bfu("witness", {"report", "make", "tertialrapport", "--scope", "V11", "--period", "2026-04",
                        "--as-of", "2026-05-15", "--format", "json"});
    ASSERT_EQ(after.code, 0) << after.output;
    auto personnel_budget = [](const json& r) {
        for (const auto& unit : r["units"]) {
            if (unit["unit"] != "E111") continue;
            for (const auto& g : unit["groups"]) {
                if (g["group"] == "personal") return g["annualBudgetOre"].get<std::int64_t>();
            }
        }
        return std::int64_t{-1};
    };
    EXPECT_EQ(personnel_budget(json::parse(before_text)), 940'000'000);
    EXPECT_EQ(personnel_budget(json::parse(Slurp(after.output.substr(0, after.output.find('\n'))))),
              950'000'000);

    // ---- The dialogue material of Norrskolan (APT, spring) shows its manager's comment.
    const auto* apt = reporting::FindScheduled(schedule, reporting::Kind::kDialogunderlag, "E111",
                                               *domain::Period::Of(kYear, 4));
    ASSERT_NE(apt, nullptr);
    const auto& apt_pub = announced.at(reporting::ReportId(apt->request));
    const json dialogue = json::parse(Slurp(FileOf(apt_pub, contracts::FileFormat::kJson)));
    ASSERT_EQ(dialogue["comments"].size(), 1u) << dialogue["comments"].dump();
    EXPECT_EQ(dialogue["dialogue"]["step"], 1);
    EXPECT_NE(
        Slurp(FileOf(apt_pub, contracts::FileFormat::kHtml)).find("bemanningen är nu i balans"),
        std::string::npos);

    // ---- The list: the CLI and HTTP.
    const auto list = Bfu("made", {"report", "list", "--json"});
    ASSERT_EQ(list.code, 0) << list.output;
    const json listed = json::parse(list.output.substr(list.output.find('[')));
    EXPECT_GE(listed.size(), expected_ids.size());
    auto http = bfu::testing::HttpGet(http_ports_["made"], "/reports");
    EXPECT_EQ(http.status, 200);
    EXPECT_GE(json::parse(http.body)["reports"].size(), expected_ids.size());
    const std::string name = std::filesystem::path(json_path).filename().string();
    auto file = bfu::testing::HttpGet(http_ports_["made"], "/reports/2026/" + name);
    EXPECT_EQ(file.status, 200);
    EXPECT_EQ(file.body, Slurp(json_path));
    EXPECT_EQ(bfu::testing::HttpGet(http_ports_["made"], "/reports/2026/..%2Fx").status, 404);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "made" / "2026" / "index.html"));
    EXPECT_TRUE(std::filesystem::exists(dir_ / "made" / "2026" / "senaste.html"));
}

}  // namespace
}  // namespace bfu
