// The main job end to end (issue #14): the six built services on the simulated business clock,
// a real SMTP server (Debian's aiosmtpd) delivering into a Maildir, and the demo driver
// (`bfu demo run`) taking Exempelkommun (small) from 1 January into May: master data, every
// voucher through ingest (Kafka and HTTP), the HR and goal feeds, the managers' commands at
// their times, the managers acknowledging the deviations the services opened, the annual
// reports asked for at the end. Then `bfu demo summary --json`, computed from the running
// system:
//   - the control totals reconcile (in = accepted + rejected + duplicates, per way and source,
//     to the öre) and every voucher the driver sent was decided once;
//   - the ledger = Redis = the annual report for KF, every nämnd and sektor, to the öre;
//   - the alerts are e-mails in the Maildir (as many as the summary counts), to the
//     municipality's people;
//   - the summary page and the KF annual report render in headless Chromium; the screenshots
//     are kept in <build>/test-artefacts/demo/.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/ingest/totals.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/text/swedish.hpp"
#include "e2e/prefixed_stack.hpp"
#include "e2e/process.hpp"
#include "support/mail.hpp"

namespace bfu {
namespace {

using namespace std::chrono_literals;
using bfu::testing::Eventually;
using bfu::testing::FreePort;
using bfu::testing::Slurp;
using nlohmann::json;

constexpr int kYear = 2026;
constexpr const char* kStart = "2026-01-01T06:00:00+01:00";
// April is judged after its close day in early May; the driver stops here.
constexpr const char* kThrough = "2026-05-12";
constexpr const char* kToken = "demo-test-token";

struct ProgramRun {
    int code = -1;
    std::string output;
};

class DemoE2e : public bfu::testing::PrefixedStackTest {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(OpenRun("demo"));
        smtp_ = std::make_unique<bfu::testing::SmtpServer>(dir_ / "mail", dir_ / "smtp.log");
        ASSERT_TRUE(smtp_->Start()) << Slurp(dir_ / "smtp.log");
        artefacts_ = std::filesystem::path(bfu::testing::BinaryDir()) / "test-artefacts" / "demo";
        std::filesystem::create_directories(artefacts_);
    }
    void TearDown() override {
        CloseRun();
        if (smtp_) smtp_->Stop();
    }

    std::map<std::string, std::string> Env(const std::string& name) {
        auto env = ServiceEnv(name, kYear, FreePort());
        env["BFU_CLOCK_MODE"] = "simulated";
        env["BFU_CLOCK_START"] = kStart;
        return env;
    }

    void StartAll() {
        for (const std::string name : {"analysis", "forecasting", "reporting", "casework"}) {
            auto env = Env(name);
            if (name == "reporting") {
                env["BFU_REPORTING_DIR"] = (dir_ / "reports").string();
                env["BFU_REPORTING_FORMATS"] = "json,html";
            }
            zmq_[name] = env.at("BFU_ZMQ_ENDPOINT");
            ASSERT_NO_FATAL_FAILURE(StartService(name, env));
        }
        auto ingest = Env("ingest");
        ingest["BFU_INGEST_HTTP_TOKEN"] = kToken;
        ASSERT_NO_FATAL_FAILURE(StartService("ingest", ingest));
        auto notifier = Env("notifier");
        zmq_["notifier"] = notifier.at("BFU_ZMQ_ENDPOINT");
        notifier["BFU_ZMQ_PUB_ENDPOINT"] = "tcp://127.0.0.1:" + std::to_string(FreePort());
        notifier["BFU_NOTIFIER_SMTP_URL"] = smtp_->url();
        notifier["BFU_NOTIFIER_FROM"] = "Budgetuppföljning Exempelkommun <bfu@exempelkommun.se>";
        notifier["BFU_NOTIFIER_LINK_KEY"] = "demo-test-link-key-0123456789abcdef";
        notifier["BFU_NOTIFIER_ANALYSIS_ENDPOINT"] = zmq_["analysis"];
        notifier["BFU_NOTIFIER_CASEWORK_ENDPOINT"] = zmq_["casework"];
        notifier["BFU_NOTIFIER_OUTBOX_DIR"] = (dir_ / "outbox").string();
        ASSERT_NO_FATAL_FAILURE(StartService("notifier", notifier));
        ASSERT_NO_FATAL_FAILURE(WaitReady());
    }

    // What `bfu` runs with: the stack under the run's prefix and every service's endpoint.
    std::map<std::string, std::string> BfuEnv() {
        return {{"BFU_KAFKA_BROKERS", brokers_},
                {"BFU_KAFKA_TOPIC_PREFIX", prefix_},
                {"BFU_REDIS_URL", redis_url_},
                {"BFU_REDIS_PREFIX", prefix_},
                {"BFU_FOLLOWUP_YEAR", std::to_string(kYear)},
                {"BFU_INGEST_HTTP_TOKEN", kToken},
                {"BFU_ANALYSIS_ZMQ", zmq_["analysis"]},
                {"BFU_FORECASTING_ZMQ", zmq_["forecasting"]},
                {"BFU_NOTIFIER_ZMQ", zmq_["notifier"]},
                {"BFU_REPORTING_ZMQ", zmq_["reporting"]},
                {"BFU_CASEWORK_ZMQ", zmq_["casework"]}};
    }

    std::vector<std::string> Endpoints() {
        std::vector<std::string> out;
        for (const std::string name :
             {"ingest", "analysis", "forecasting", "notifier", "reporting", "casework"}) {
            out.push_back("--" + name);
            out.push_back("http://127.0.0.1:" + std::to_string(http_ports_.at(name)));
        }
        return out;
    }

    ProgramRun Program(const std::string& path, std::vector<std::string> args,
                       const std::map<std::string, std::string>& env, std::chrono::seconds timeout,
                       const std::string& name) {
        const auto log = dir_ / (name + ".log");
        bfu::testing::ChildProcess p(path, env, log.string(), std::move(args));
        ProgramRun r;
        const bool done = Eventually([&] { return !p.Running(); }, timeout, 100ms);
        auto code = p.Terminate(1s);
        r.code = done && code ? *code : -1;
        r.output = Slurp(log);
        return r;
    }

    ProgramRun Bfu(std::vector<std::string> args, std::chrono::seconds timeout,
                   const std::string& name) {
        return Program(bfu::testing::BinaryDir() + "/tools/bfu", std::move(args), BfuEnv(), timeout,
                       name);
    }

    // A page rendered by headless Chromium; its screenshot kept as an artefact.
    void Screenshot(const std::filesystem::path& html, const std::string& png) {
        const auto shot = artefacts_ / png;
        std::filesystem::remove(shot);
        const auto chromium = Program(
            "/usr/bin/chromium",
            {"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
             "--user-data-dir=" + (dir_ / "chromium-profile").string(), "--enable-logging=stderr",
             "--v=0", "--window-size=1200,2400", "--screenshot=" + shot.string(),
             "file://" + html.string()},
            {}, 120s, "chromium-" + png);
        ASSERT_EQ(chromium.code, 0) << chromium.output;
        ASSERT_TRUE(std::filesystem::exists(shot)) << chromium.output;
        EXPECT_GT(std::filesystem::file_size(shot), 50'000u) << png;
        EXPECT_EQ(chromium.output.find("Uncaught"), std::string::npos) << chromium.output;
    }

    std::unique_ptr<bfu::testing::SmtpServer> smtp_;
    std::map<std::string, std::string> zmq_;
    std::filesystem::path artefacts_;
};

TEST_F(DemoE2e, ExempelkommunThroughTheServicesReconcilesToTheOre) {
    ASSERT_NO_FATAL_FAILURE(StartAll());
    const auto data = dir_ / "data";
    const auto mail = dir_ / "mail";

    std::vector<std::string> run = {"demo",      "run",
                                    "--size",    "small",
                                    "--year",    std::to_string(kYear),
                                    "--data",    data.string(),
                                    "--through", kThrough,
                                    "--mail",    mail.string(),
                                    "--log",     (dir_ / "run-commands.log").string()};
    for (auto& e : Endpoints()) run.push_back(e);
    const auto ran = Bfu(run, 480s, "demo-run");
    ASSERT_EQ(ran.code, 0) << ran.output;
    EXPECT_NE(ran.output.find("grunddata importerad"), std::string::npos) << ran.output;
    EXPECT_NE(ran.output.find("året är kört t.o.m. " + std::string(kThrough)), std::string::npos)
        << ran.output;

    std::vector<std::string> summary = {"demo",      "summary",
                                        "--size",    "small",
                                        "--year",    std::to_string(kYear),
                                        "--out",     (dir_ / "site" / "index.html").string(),
                                        "--reports", (dir_ / "reports").string(),
                                        "--mail",    mail.string(),
                                        "--run",     (data / "run.json").string(),
                                        "--json"};
    for (auto& e : Endpoints()) summary.push_back(e);
    const auto summed = Bfu(summary, 300s, "demo-summary");
    const auto brace = summed.output.find('{');
    ASSERT_NE(brace, std::string::npos) << summed.output;
    const json s = json::parse(summed.output.substr(brace), nullptr, false);
    ASSERT_FALSE(s.is_discarded()) << summed.output;
    EXPECT_EQ(summed.code, 0) << summed.output;

    // ---- Vouchers in = accepted + rejected + duplicates, and every voucher sent was decided.
    EXPECT_TRUE(s.value("controlTotalsReconcile", false)) << s["controlTotals"].dump(2);
    const json& groups = s["controlTotals"]["groups"];
    ASSERT_FALSE(groups.empty());
    std::int64_t in = 0;
    std::int64_t accepted = 0;
    std::int64_t http = 0;
    for (const auto& g : groups) {
        const auto n = [&](const char* k) { return g[k]["vouchers"].get<std::int64_t>(); };
        const auto ore = [&](const char* k) { return g[k]["ore"].get<std::int64_t>(); };
        EXPECT_EQ(n("in"), n("accepted") + n("rejected") + n("duplicate")) << g.dump();
        EXPECT_EQ(ore("in"), ore("accepted") + ore("rejected") + ore("duplicate")) << g.dump();
        EXPECT_EQ(g["ledgerLines"]["lines"], g["accepted"]["lines"]) << g.dump();
        EXPECT_EQ(g["ledgerLines"]["debitOre"], g["accepted"]["ore"]) << g.dump();
        in += n("in");
        accepted += n("accepted");
        if (g.value("way", "") == "http") http += n("in");
    }
    EXPECT_GT(accepted, 5'000);
    EXPECT_GT(http, 0) << "the e-commerce vouchers came over HTTP";
    std::ifstream run_file(data / "run.json");
    const json r = json::parse(run_file, nullptr, false);
    ASSERT_FALSE(r.is_discarded());
    EXPECT_EQ(in, r["vouchersSent"]["kafka"].get<std::int64_t>() +
                      r["vouchersSent"]["http"].get<std::int64_t>())
        << r.dump(2);
    EXPECT_GT(r.value("commands", 0), 20) << r.dump(2);

    // ---- The ledger = Redis = the annual report, to the öre, at every level listed.
    EXPECT_TRUE(s.value("ledgerRedisReportsReconcile", false)) << s["ledgerRedisReports"].dump(2);
    bool kf_in_report = false;
    ASSERT_GE(s["ledgerRedisReports"].size(), 7u) << "KF, three nämnder and three sektorer";
    for (const auto& u : s["ledgerRedisReports"]) {
        ASSERT_TRUE(u.contains("redisOre")) << u.dump();
        EXPECT_EQ(u["redisOre"], u["ledgerOre"]) << u.dump();
        if (u.contains("reportOre")) {
            // The latest report's months against the ledger lines dated by its asOf.
            EXPECT_EQ(u["reportOre"], u["ledgerAtReportOre"]) << u.dump();
        }
        if (u.value("unit", "") == "KF") {
            kf_in_report = u.contains("reportOre");
            EXPECT_GT(u["ledgerOre"].get<std::int64_t>(), 0);
        }
    }
    EXPECT_TRUE(kf_in_report) << "the latest KF report's JSON was compared";

    // ---- bfu reconcile: the ledger = analysis's cells = Redis = the latest report, per unit
    // and month, exits 0; one line's amount taken out of an enhet's status in Redis makes it
    // exit 1, naming the unit and both figures.
    const std::vector<std::string> reconcile = {"reconcile",
                                                "--year",
                                                std::to_string(kYear),
                                                "--reports",
                                                (dir_ / "reports").string(),
                                                "--metrics",
                                                (dir_ / "reconcile.prom").string(),
                                                "--json"};
    const auto rec = Bfu(reconcile, 300s, "reconcile");
    EXPECT_EQ(rec.code, 0) << rec.output;
    const json rj = json::parse(
        rec.output.substr(std::min(rec.output.find('{'), rec.output.size())), nullptr, false);
    ASSERT_FALSE(rj.is_discarded()) << rec.output;
    EXPECT_TRUE(rj.value("ok", false)) << rj["differences"].dump(2);
    EXPECT_TRUE(rj["differences"].empty());
    EXPECT_GT(rj.value("ledgerLines", 0), 10'000);
    EXPECT_GT(rj.value("aggregates", 0), 20);
    EXPECT_EQ(rj.value("redisUnits", 0), rj.value("aggregates", -1));
    ASSERT_TRUE(rj.contains("report")) << rj.dump(2);
    EXPECT_EQ(rj["report"]["scope"], "KF");
    EXPECT_GT(rj["report"].value("units", 0), 20);
    EXPECT_NE(Slurp(dir_ / "reconcile.prom").find("bfu_reconcile_ok{year=\"2026\"} 1"),
              std::string::npos);
    // An enhet with outcome, one of its ledger lines' amount taken out of Redis.
    std::string enhet;
    std::int64_t line_ore = 0;
    {
        kafka::KafkaConfig cfg;
        cfg.brokers = brokers_;
        auto s2 = ingest::ReadTopicToEnd(
            cfg, prefix_ + std::string(contracts::topics::kLedgerLines),
            [&](const kafka::Message& m) {
                if (!enhet.empty()) return;
                auto l = contracts::DecodeMessage<contracts::LedgerLine>(m.value);
                if (l.ok() && l->is_operating && l->amount_ore != 0) {
                    enhet = l->unit.value();
                    line_ore = l->amount_ore;
                }
            },
            120s);
        ASSERT_TRUE(s2.ok()) << s2.error().ToString();
    }
    ASSERT_FALSE(enhet.empty());
    auto pool = redis::Pool::Create(redis_url_);
    ASSERT_TRUE(pool.ok());
    const std::string key = prefix_ + "unit:" + enhet + ":" + std::to_string(kYear);
    auto status = (*pool)->HGetAll(key);
    ASSERT_TRUE(status.ok() && status->count("outcome_year_ore") == 1) << key;
    const auto year_ore = std::stoll(status->at("outcome_year_ore"));
    ASSERT_TRUE(
        (*pool)->HSet(key, {{"outcome_year_ore", std::to_string(year_ore - line_ore)}}).ok());
    const auto broken = Bfu(
        {"reconcile", "--year", std::to_string(kYear), "--reports", (dir_ / "reports").string()},
        300s, "reconcile-broken");
    EXPECT_EQ(broken.code, 1) << broken.output;
    EXPECT_NE(broken.output.find("skillnad: Redis " + enhet + " 2026: huvudboken " +
                                 text::Amount(year_ore) + " kr, Redis " +
                                 text::Amount(year_ore - line_ore) + " kr"),
              std::string::npos)
        << broken.output;
    EXPECT_NE(broken.output.find("STÄMMER INTE"), std::string::npos) << broken.output;

    // ---- The alerts are e-mails in the Maildir, to the municipality's people.
    const auto messages = smtp_->Messages();
    EXPECT_GE(messages.size(), 5u);
    EXPECT_EQ(s.value("mail", 0u), messages.size());
    for (const auto& m : messages) {
        EXPECT_NE(m.To().find("@exempelkommun.se"), std::string::npos) << m.To();
    }

    // ---- The summary page and the KF annual report in a browser.
    const auto page = dir_ / "site" / "index.html";
    ASSERT_TRUE(std::filesystem::exists(page));
    const std::string html = Slurp(page);
    EXPECT_NE(html.find("<html lang=\"sv\">"), std::string::npos);
    EXPECT_NE(html.find("Kontrollsummorna stämmer på öret"), std::string::npos);
    EXPECT_NE(html.find("mail/index.html"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "site" / "mail" / "index.html"));
    EXPECT_TRUE(std::filesystem::exists(dir_ / "site" / "status.html"));
    ASSERT_NO_FATAL_FAILURE(Screenshot(page, "sammanfattning.png"));
    std::filesystem::copy_file(page, artefacts_ / "sammanfattning.html",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::path annual;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "reports" / "2026")) {
        const auto name = e.path().filename().string();
        if (name.rfind("arsredovisning-KF-", 0) == 0 && e.path().extension() == ".html") {
            annual = e.path();
        }
    }
    ASSERT_FALSE(annual.empty()) << "no annual report of KF in " << (dir_ / "reports").string();
    ASSERT_NO_FATAL_FAILURE(Screenshot(annual, "arsredovisning-KF.png"));
}

}  // namespace
}  // namespace bfu
