#include "bfu/cli/cli.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/config/config.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/http/client.hpp"
#include "bfu/kafka/admin.hpp"
#include "bfu/kafka/consumer.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "bfu/service/status_keys.hpp"
#include "bfu/zmq/zmq.hpp"
#include "cli_support.hpp"
#include "commands.hpp"

namespace bfu::cli {

namespace {

using nlohmann::json;

constexpr const char* kUsage = R"(usage: bfu COMMAND [ARGS]
  demo generate --out DIR [--year YYYY]   write the small example municipality (org,
                                          accounts, budget, January's vouchers) as files
  demo generate --size small|medium|large --out DIR [--year YYYY] [--months N] [--no-vouchers]
                                          Exempelkommun's whole year: master data, HR figures,
                                          goal outcomes, the managers' script, the vouchers
  demo run --size S --data DIR [--year YYYY] [--through YYYY-MM-DD] [--mail DIR] [--log FILE]
           [--live] [--ingest URL] [--analysis URL] [--notifier URL] ...
                                          drive that year through the running services on the
                                          simulated clock (what ops/demo runs)
  demo summary --out FILE --reports DIR --mail DIR [--run FILE] [--json]
                                          the summary page: control totals, ledger = Redis =
                                          reports, links to the reports, mailbox and status
  import org|accounts|budget|goals|hr|goal-outcomes FILE
                                          check every record, then publish them to the master
                                          topics, bfu.ops.hr or bfu.ops.goal-outcomes (FILE: a
                                          JSON array, one object per line, or CSV with the
                                          field names as header)
  import sie FILE [--dry-run] [--json] [--unit U] [--source ID] [--budget-ref REF]
                 [--budget-revision N]
                                          an SIE 4 file's vouchers to bfu.erp.vouchers and its
                                          #PBUDGET to bfu.master.budget; --dry-run --json prints
                                          what it would do (docs/sie-import.md)
  publish vouchers FILE                   send ERP vouchers (NDJSON or a JSON array) to
                                          bfu.erp.vouchers, as an ERP connector does
  status UNIT [--json]                    a unit's current status and its children's, and its
                                          measures, plans, decisions and comments (Redis)
  status UNIT --as-of YYYY-MM-DD [--year Y] [--json]
                                          the status as it was on a date, replayed from Kafka
  deviations [--open] [--unit U] [--json] deviations and their latest state (Redis)
  rejected [--json]                       vouchers that failed the checks, with every reason
  deviation ack ID --by EMAIL [--comment TEXT] [--json]
                                          acknowledge a deviation (analysis, ZeroMQ)
  measure add (DEVIATION_ID | --unit U) --text TEXT --effect-per-month SEK --from YYYY-MM
              [--to YYYY-MM] [--area U] [--who NAME] [--plan PLAN] [--id ID] --by EMAIL
                                          propose a measure (åtgärd) with its expected effect
                                          a month (negative saves) (casework, ZeroMQ)
  measure status MEASURE_ID pagar|genomford|avbruten --by EMAIL [--comment TEXT]
  measure done MEASURE_ID --by EMAIL      a measure's progress (done = genomford)
  comment add (--unit U --period YYYY-MM [--subject outcome|goal|hr|general] [--goal G]
              | --deviation ID) --text TEXT --by EMAIL
                                          comment a unit's outcome, goal, HR or a deviation
  deviation comment ID --text TEXT --by EMAIL
                                          the same as comment add --deviation ID
  plan draft --sektor S --title T --text T --deviation ID [--deviation ID...]
             [--measure M...] [--id ID] --by EMAIL
                                          a sektor's action plan (åtgärdsplan), as a draft
  plan change PLAN [--title T] [--text T] [--deviation ID...] [--measure M...] --by EMAIL
  plan propose PLAN --by EMAIL            put the plan before its nämnd
  decision record --ref "§ 45/2026" --body UNIT --date YYYY-MM-DD --text TEXT
                  (--plan P... | --measure M... | --budget FILE --year Y)
                  [--outcome bifall|aterremiss|avslag] [--meeting TEXT] --by EMAIL
                                          record a nämnd's, the KS's or the KF's decision
                                          (FILE: JSON array of {"unit","accountGroup",
                                          "annualSek"}: a budget revision)
                                          Every casework command takes --command-id ID (else
                                          a fresh one: a retry is applied once) and --json.
  forecast submit UNIT AMOUNT_SEK --comment TEXT --by EMAIL [--round N] [--json]
                                          a manager's own full-year forecast; it stands for
                                          its round (forecasting, ZeroMQ)
  forecast accuracy [--json]              forecast accuracy per round and level, closed year
  ingest totals [--json] [--source S]     control totals per way and source: in = accepted +
                                          rejected + duplicates, checked against the topics
  ingest duplicates [--json] [--source S] vouchers taken for duplicates, with their first
                                          acceptance
  reconcile [--year Y] [--reports DIR] [--json] [--metrics FILE] [--no-redis]
            [--alerts-delivered]          the ledger = analysis's cells = Redis = the latest
                                          report, per unit and month, to the öre; control
                                          totals; every deviation event once; no alert sent
                                          twice; dead letters per topic and reason; exit 1 on
                                          any difference
  watch [--unit U] [--out FILE] [--count N] [--seconds S]
                                          live alerts from the notifier (ZeroMQ); --unit: that
                                          unit and everything under it
  alerts [--failed] [--json]              the latest alerts and their delivery, or the failing
  clock show|set TIME|advance 2d          the simulated business clock (bfu.clock) that services
                                          with clock.mode=simulated follow
  templates export DIR [--overwrite]      the notifier's default Swedish templates, to edit
  report make KIND --scope UNIT --period YYYY-MM [--as-of YYYY-MM-DD] [--format html,xlsx,pdf,json]
                                          a report the rules ask for (KIND: tertialrapport,
                                          delarsrapport, arsredovisning, sektorssammanfattning,
                                          dialogunderlag; the period is its last month), made by
                                          reporting as of the date; prints each file's path
  report list [--json]                    the reports made: kind, scope, period, as-of, files
  report templates export DIR [--overwrite]
                                          the default report templates, to edit
  period close|reopen YYYY-MM [--by WHO] [--comment TEXT] [--date YYYY-MM-DD]
                                          the finance unit closes a period (postings into it are
                                          rejected, corrections go into an open period) or
                                          reopens it; bfu.calendar, followed by every service
  period list [YYYY] [--json]             the decisions on periods and years
  year close YYYY [--by WHO] [--comment TEXT] [--date YYYY-MM-DD]
                                          the year's closing (årsbokslut): every period of it
  calendar YEAR [--ics]                   the year's timetable: forecast rounds, report deadlines,
                                          dialogue meetings, bokslutsdag (iCalendar with --ics)
  topics                                  the topics on the broker and their partitions
  health URL                              exit 0 if URL (http or https) answers 200 (container
                                          health checks)
Environment: BFU_KAFKA_BROKERS, BFU_KAFKA_TOPIC_PREFIX, BFU_REDIS_URL, BFU_REDIS_PREFIX,
BFU_NOTIFIER_PUB (tcp://127.0.0.1:15560), BFU_NOTIFIER_ZMQ (tcp://127.0.0.1:15554),
BFU_ANALYSIS_ZMQ (tcp://127.0.0.1:15552), BFU_FORECASTING_ZMQ (tcp://127.0.0.1:15553),
BFU_CASEWORK_ZMQ (tcp://127.0.0.1:15556), BFU_REPORTING_ZMQ (tcp://127.0.0.1:15555); unset ones
are read from BFU_ENV_FILE or .bfu/stack.env (written by ops/stack up).
)";

int PublishVouchers(const Env& env, const std::string& path, std::ostream& out, std::ostream& err) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(path + ": cannot open");
    std::vector<std::string> payloads;
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '[') {
        json doc = json::parse(text, nullptr, false);
        if (doc.is_discarded()) throw UsageError(path + ": not valid JSON");
        for (const auto& v : doc) payloads.push_back(v.dump());
    } else {
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.find_first_not_of(" \t") != std::string::npos) payloads.push_back(line);
        }
    }
    auto producer = kafka::Producer::Create(KafkaFromEnv(env));
    if (!producer.ok()) {
        err << producer.error().ToString() << "\n";
        return 1;
    }
    const std::string topic = Topic(env, contracts::topics::kErpVouchers);
    for (const auto& p : payloads) {
        // The key keeps one voucher's deliveries in one partition; ingest checks the rest, so
        // a malformed payload is sent as it is and comes back on bfu.ledger.rejected.
        std::string key;
        json doc = json::parse(p, nullptr, false);
        if (doc.is_object() && doc.contains("source") && doc.contains("voucherId") &&
            doc["source"].is_string() && doc["voucherId"].is_string()) {
            key = contracts::keys::Voucher(doc["source"].get<std::string>(),
                                           doc["voucherId"].get<std::string>());
        }
        if (auto s = (*producer)->Produce(topic, key, p); !s.ok()) {
            err << s.error().ToString() << "\n";
            return 1;
        }
    }
    if (auto s = (*producer)->Flush(std::chrono::seconds(30)); !s.ok()) {
        err << s.error().ToString() << "\n";
        return 1;
    }
    out << "sent " << payloads.size() << " vouchers from " << path << " to " << topic << "\n";
    return 0;
}

int Status(const Env& env, const Args& a, std::ostream& out, std::ostream& err) {
    if (a.positional.empty()) throw UsageError("status needs a UNIT, e.g. bfu status E211");
    const auto prefix = env.Get("BFU_REDIS_PREFIX", "bfu:");
    auto redis = RedisFromEnv(env);
    auto get = [&](const std::string& id) {
        auto h = redis->HGetAll(service::status_keys::Unit(prefix, id));
        if (!h.ok()) throw std::runtime_error(h.error().ToString());
        return std::move(h).value();
    };
    const auto& unit = a.positional[0];
    auto s = get(unit);
    if (s.empty()) {
        err << "no status for unit " << unit
            << " (unknown unit, or analysis has not seen outcome for it yet)\n";
        return 1;
    }
    auto f = redis->HGetAll(service::status_keys::Forecast(prefix, unit));
    std::map<std::string, std::string> fc =
        f.ok() ? f.value() : std::map<std::string, std::string>{};
    // The unit's measures, plans, decisions and comments, as casework summarises them.
    json casework;
    if (auto c = redis->Get(service::status_keys::Casework(prefix, unit)); c.ok() && *c) {
        casework = json::parse(**c, nullptr, false);
        if (casework.is_discarded() || !casework.is_object()) {
            err << "bfu: the casework summary of " << unit << " in Redis is not JSON; left out\n";
            casework = json();
        }
    }
    if (a.Flag("json")) {
        json j = s;
        if (!fc.empty()) j["forecast"] = fc;
        if (!casework.is_null()) j["casework"] = casework;
        out << j.dump(2) << "\n";
        return 0;
    }
    out << s["name"] << " (" << unit << ", " << s["level"] << ") " << s["year"] << " t.o.m. "
        << s["through_period"] << "  [" << s["light"] << "]\n";
    out << "  ansvarig:        " << s["manager"] << " <" << s["manager_email"] << ">\n";
    out << "  utfall hittills: " << Kr(s["outcome_to_date_ore"]) << "\n";
    out << "  budget hittills: " << Kr(s["budget_to_date_ore"]) << "\n";
    out << "  avvikelse:       " << Kr(s["deviation_ore"]) << " (" << Pct(s["share_bp"]) << ")\n";
    out << "  årsbudget:       " << Kr(s["annual_budget_ore"]) << "\n";
    if (!fc.empty()) {
        out << "  helårsprognos:   " << Kr(fc["total_ore"]) << " (omgång " << fc["round"] << ", "
            << fc["method"] << ")\n";
    }
    if (!s["open_deviations"].empty())
        out << "  öppna avvikelser: " << s["open_deviations"] << "\n";
    if (!s["children"].empty()) {
        out << "  underliggande enheter:\n";
        std::istringstream children(s["children"]);
        std::string c;
        while (std::getline(children, c, ',')) {
            auto cs = get(c);
            if (cs.empty()) continue;
            out << "    " << c << "  " << cs["name"] << ": avvikelse " << Kr(cs["deviation_ore"])
                << " (" << Pct(cs["share_bp"]) << ") [" << cs["light"] << "]\n";
        }
    }
    if (!casework.is_null()) PrintCasework(casework, out);
    return 0;
}

int Deviations(const Env& env, const Args& a, std::ostream& out) {
    const auto prefix = env.Get("BFU_REDIS_PREFIX", "bfu:");
    auto redis = RedisFromEnv(env);
    std::vector<std::string> keys;
    if (a.Flag("open")) {
        auto ids = redis->SMembers(service::status_keys::OpenDeviations(prefix));
        if (!ids.ok()) throw std::runtime_error(ids.error().ToString());
        for (const auto& id : *ids) keys.push_back(service::status_keys::Deviation(prefix, id));
    } else {
        auto found = redis->Scan(service::status_keys::Deviation(prefix, "*"));
        if (!found.ok()) throw std::runtime_error(found.error().ToString());
        keys = std::move(found).value();
    }
    std::sort(keys.begin(), keys.end());
    json all = json::array();
    for (const auto& k : keys) {
        auto h = redis->HGetAll(k);
        if (!h.ok() || h->empty()) continue;
        auto& d = *h;
        if (a.Flag("unit") && d["unit"] != a.Opt("unit")) continue;
        if (a.Flag("json")) {
            all.push_back(json::parse(d["json"], nullptr, false));
            continue;
        }
        out << d["id"] << "  " << d["event"] << " (#" << d["seq"] << ")  avvikelse "
            << Kr(d["deviation_ore"]) << ", " << d["severity"]
            << (d["within_mandate"] == "1" ? ", inom mandat" : ", utöver mandat") << "  t.o.m. "
            << d["period"] << "\n";
    }
    if (a.Flag("json")) out << all.dump(2) << "\n";
    if (!a.Flag("json") && keys.empty()) out << "inga avvikelser\n";
    return 0;
}

int Rejected(const Env& env, const Args& a, std::ostream& out, std::ostream& err) {
    auto cfg = KafkaFromEnv(env);
    cfg.group_id = "bfu-cli-rejected-" + std::to_string(::getpid()) + "-" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    cfg.properties["auto.offset.reset"] = "earliest";
    auto consumer = kafka::Consumer::Create(cfg);
    if (!consumer.ok()) {
        err << consumer.error().ToString() << "\n";
        return 1;
    }
    if (auto s = (*consumer)->Subscribe({Topic(env, contracts::topics::kLedgerRejected)});
        !s.ok()) {
        err << s.error().ToString() << "\n";
        return 1;
    }
    json all = json::array();
    // Read to the end: 2 s without a record once records came, or 10 s with none at all.
    int quiet = 0, count = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        auto batch = (*consumer)->Poll(500, std::chrono::milliseconds(250));
        if (!batch.ok() || batch->empty()) {
            ++quiet;
            if ((count > 0 && quiet >= 8) || quiet >= 40) break;
            continue;
        }
        quiet = 0;
        for (const auto& m : *batch) {
            ++count;
            auto r = contracts::DecodeMessage<contracts::RejectedVoucher>(m.value);
            if (!r.ok()) continue;
            if (a.Flag("json")) {
                all.push_back(r->ToJson());
                continue;
            }
            out << r->Key() << "\n";
            for (const auto& reason : r->reasons) {
                out << "  " << reason.code << " " << reason.field
                    << (reason.line ? " (rad " + std::to_string(*reason.line) + ")" : "") << ": "
                    << reason.message << "\n";
            }
        }
    }
    (void)(*consumer)->Close();
    if (a.Flag("json")) out << all.dump(2) << "\n";
    if (!a.Flag("json") && count == 0) out << "inga avvisade verifikationer\n";
    return 0;
}

int Topics(const Env& env, std::ostream& out, std::ostream& err) {
    auto admin = kafka::Admin::Create(KafkaFromEnv(env));
    if (!admin.ok()) {
        err << admin.error().ToString() << "\n";
        return 1;
    }
    auto topics = (*admin)->ListTopics(std::chrono::seconds(10));
    if (!topics.ok()) {
        err << topics.error().ToString() << "\n";
        return 1;
    }
    std::sort(topics->begin(), topics->end());
    for (const auto& t : *topics) {
        auto p = (*admin)->PartitionCount(t, std::chrono::seconds(10));
        out << t << "\t" << (p.ok() ? std::to_string(*p) : "?") << "\n";
    }
    return 0;
}

// A GET on an http:// or https:// URL (bfu::http; https verified against the system's CA store),
// enough for container health checks.
int Health(const std::string& url, std::ostream& out, std::ostream& err) {
    auto r = http::Client().Get(url, {}, std::chrono::seconds(10));
    if (!r.ok()) {
        if (r.error().code == core::Errc::kInvalidArgument) {
            throw UsageError("health needs an http:// or https:// URL: " + r.error().message);
        }
        err << url << ": " << r.error().message << "\n";
        return 1;
    }
    out << "HTTP/1.1 " << r->status << " " << r->reason << "\n";
    return r->status == 200 ? 0 : 1;
}

int Calendar(const Args& a, std::ostream& out, std::ostream& err) {
    if (a.positional.empty()) throw UsageError("calendar needs a YEAR, e.g. bfu calendar 2026");
    int year = 0;
    try {
        year = std::stoi(a.positional[0]);
    } catch (...) {
        throw UsageError("calendar: '" + a.positional[0] + "' is not a year");
    }
    auto tt = domain::BuildTimetable(year, {});
    if (!tt.ok()) {
        err << "bfu: " << tt.error().ToString() << "\n";
        return 2;
    }
    if (a.Flag("ics")) {
        out << domain::ToICalendar(*tt,
                                   {"bfu.local", "Budgetuppföljning", core::WallClock().Now()});
        return 0;
    }
    for (const auto& e : tt->events) {
        const auto week = domain::IsoWeekOf(e.date);
        out << e.date.ToString() << "  v." << (week.week < 10 ? "0" : "") << week.week << "  "
            << e.title << "\n";
    }
    return 0;
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
            out << kUsage;
            return args.empty() ? 2 : 0;
        }
        const auto& cmd = args[0];
        if (cmd == "demo") return Demo(args, out, err);
        if (cmd == "calendar") return Calendar(Parse(args, 1, {"ics"}), out, err);
        if (cmd == "health") {
            if (args.size() < 2) throw UsageError("health needs a URL");
            return Health(args[1], out, err);
        }
        Env env;
        if (cmd == "import") {
            if (args.size() >= 2 && args[1] == "sie") return ImportSie(args, out, err);
            return ImportMaster(args, out, err);
        }
        if (cmd == "publish") {
            if (args.size() != 3 || args[1] != "vouchers")
                throw UsageError("try: bfu publish vouchers FILE");
            return PublishVouchers(env, args[2], out, err);
        }
        if (cmd == "status") {
            auto a = Parse(args, 1, {"json"});
            return a.Flag("as-of") ? StatusAsOf(args, out, err) : Status(env, a, out, err);
        }
        if (cmd == "deviations") return Deviations(env, Parse(args, 1, {"open", "json"}), out);
        if (cmd == "rejected") return Rejected(env, Parse(args, 1, {"json"}), out, err);
        if (cmd == "ingest") return Ingest(args, out, err);
        if (cmd == "reconcile") return Reconcile(args, out, err);
        if (cmd == "watch") return Watch(env, Parse(args, 1, {}), out, err);
        if (cmd == "alerts" || cmd == "clock" || cmd == "templates") {
            return NotifierCommand(args, out, err);
        }
        if (cmd == "deviation" && args.size() > 1 && args[1] == "comment") {
            return CaseworkCommand(args, out, err);
        }
        if (cmd == "deviation") return DeviationCommand(args, out, err);
        if (cmd == "measure" || cmd == "comment" || cmd == "plan" || cmd == "decision") {
            return CaseworkCommand(args, out, err);
        }
        if (cmd == "forecast") return Forecast(args, out, err);
        if (cmd == "report") return Report(args, out, err);
        if (cmd == "period" || cmd == "year") return PeriodCommand(args, out, err);
        if (cmd == "topics") return Topics(env, out, err);
        throw UsageError("unknown command '" + cmd + "'");
    } catch (const UsageError& e) {
        err << "bfu: " << e.what() << "\n"
            << "run `bfu help` for the commands\n";
        return 2;
    } catch (const config::ConfigError& e) {
        err << "bfu: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        err << "bfu: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace bfu::cli
