// Analysis through the real broker and Redis, driven only as a black box (its binary, its BFU_*
// config and its topics), in three phases, each printed beside a baseline of the same run:
//
//   throughput  M ledger lines (default 200 000) on bfu.ledger.lines, keyed by unit, consumed
//               by bfu-analysis until its group has committed them all and Redis shows every
//               enhet's outcome; beside the exactly-once pass-through of the same M lines
//               (RunLoop + TransactionalProducer, no processing). Lines/s and the ratio.
//   latency     with bfu-ingest and that bfu-analysis running and caught up, K vouchers
//               (default 200) one at a time, each driving one enhet over its budget; the delay
//               from producing the voucher to reading the deviation event whose trigger is that
//               voucher on bfu.deviations (p50/p99/max), beside the broker round trip of a
//               plain message (produce -> consume) measured interleaved with it.
//   memory      a second bfu-analysis on fresh topics holding U units x 12 months x A accounts
//               (default 1 000 x 12 x 100 = 1.2 million lines, one per unit, month and
//               account): VmRSS and VmHWM once it has consumed them all, beside its VmRSS with
//               the master data loaded and no line yet.
//
//   analysis_bench [--lines M] [--units U] [--accounts A] [--vouchers K] [--repeat R]
//                  [--phases throughput,latency,memory]
//   analysis_bench --cleanup PREFIX     (what a killed run left behind)
//
// --repeat R runs the throughput comparison R times on fresh topics and prints the median
// ratio (the latency phase runs once, in the last round): single rounds move a lot on a shared
// machine.
//
// Every run uses fresh topic, group and Redis prefixes and deletes its topics and keys at the
// end. Build Release; bench/run does it all.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/redis/redis.hpp"
#include "stack_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace topics = bfu::contracts::topics;
namespace bench = bfu::bench;
using bench::Fmt;

constexpr int kYear = 2026;
constexpr std::int64_t kOre = 100;

struct Options {
    std::int64_t lines = 200'000;
    int units = 1000;
    int accounts = 100;
    int vouchers = 200;
    int repeat = 1;       // throughput rounds, each on fresh topics; latency runs in the last
    std::string cleanup;  // only delete what a killed run with this prefix left behind
    std::set<std::string> phases = {"throughput", "latency", "memory"};
};

[[noreturn]] void Usage() {
    std::fprintf(stderr,
                 "usage: analysis_bench [--lines M] [--units U] [--accounts A] [--vouchers K]\n"
                 "                      [--repeat R] [--phases throughput,latency,memory]\n"
                 "       analysis_bench --cleanup PREFIX\n");
    std::exit(2);
}

Options Parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) Usage();
        const std::string v = argv[++i];
        if (a == "--lines") {
            o.lines = std::atoll(v.c_str());
        } else if (a == "--units") {
            o.units = std::atoi(v.c_str());
        } else if (a == "--accounts") {
            o.accounts = std::atoi(v.c_str());
        } else if (a == "--cleanup") {
            o.cleanup = v;
        } else if (a == "--repeat") {
            o.repeat = std::atoi(v.c_str());
        } else if (a == "--vouchers") {
            o.vouchers = std::atoi(v.c_str());
        } else if (a == "--phases") {
            o.phases.clear();
            std::stringstream ss(v);
            std::string p;
            while (std::getline(ss, p, ',')) {
                if (p != "throughput" && p != "latency" && p != "memory") Usage();
                o.phases.insert(p);
            }
        } else {
            Usage();
        }
    }
    if (o.lines < 0 || o.units < 1 || o.accounts < 10 || o.vouchers < 1 || o.repeat < 1) Usage();
    // One line per enhet, month and account: a year has no more.
    if (o.lines > std::int64_t{12} * o.units * o.accounts) {
        std::fprintf(stderr, "--lines is at most 12 x units x accounts (one year's cells)\n");
        std::exit(2);
    }
    return o;
}

// A generated municipality of `units` enheter: KF with KS, nämnder of two sektorer, sektorer
// of ten verksamheter, verksamheter of ten enheter; a chart of `accounts` operating accounts
// in five groups (personal, material, lokaler, övrigt, intäkter) plus supplier debt; an even
// budget per enhet and group. Ledger lines are addressed by a cell number: month-major, then
// enhet, then account, so the first lines are January's and the stream arrives month by month
// like a ledger; each line is its account's twelfth of the budget within ±2 %, except that
// one enhet in ten overspends on personnel by 12 % (so deviations open and change as the lines
// arrive); the latency phase drives the others over budget one by one.
class Municipality {
public:
    Municipality(int units, int account_count) : units_(units) {
        auto unit = [&](std::string id, std::optional<std::string> parent,
                        bfu::contracts::OrgLevel level, std::string role, std::int64_t mandate) {
            bfu::contracts::OrgUnit u;
            u.id = bfu::core::UnitId(id);
            if (parent) u.parent = bfu::core::UnitId(*parent);
            u.level = level;
            u.name = role + " " + id;
            u.manager.name = "Chef " + id;
            u.manager.role = role;
            u.manager.email = "chef." + id + "@bench.se";
            u.mandate_ore = mandate * kOre;
            u.valid_from = "2026-01-01";
            org.push_back(std::move(u));
        };
        using L = bfu::contracts::OrgLevel;
        unit("KF", std::nullopt, L::kKf, "ordförande KF", 0);
        unit("KS", "KF", L::kKs, "ordförande KS", 0);
        const int verksamheter = (units + 9) / 10;
        const int sektorer = (verksamheter + 9) / 10;
        const int namnder = (sektorer + 1) / 2;
        for (int n = 0; n < namnder; ++n) {
            unit("N" + std::to_string(n), "KF", L::kNamnd, "ordförande nämnd", 5'000'000);
        }
        for (int s = 0; s < sektorer; ++s) {
            unit("S" + std::to_string(s), "N" + std::to_string(s / 2), L::kSektor, "sektorchef",
                 2'000'000);
        }
        for (int v = 0; v < verksamheter; ++v) {
            unit("V" + std::to_string(v), "S" + std::to_string(v / 10), L::kVerksamhet,
                 "verksamhetschef", 500'000);
        }
        for (int e = 0; e < units; ++e) {
            unit(Enhet(e), "V" + std::to_string(e / 10), L::kEnhet, "enhetschef", 100'000);
        }

        // Groups: annual budget per enhet (kr) and share of the accounts.
        struct Group {
            const char* name;
            int account_class;
            std::int64_t annual_kr;
            int percent;
        };
        const Group groups[] = {{"personal", 5, 8'000'000, 40},
                                {"material", 4, 600'000, 25},
                                {"lokaler", 6, 1'200'000, 15},
                                {"ovrigt", 7, 480'000, 10},
                                {"intakter", 3, -400'000, 10}};
        int made = 0;
        for (std::size_t g = 0; g < std::size(groups); ++g) {
            const auto& gr = groups[g];
            const int n = g + 1 == std::size(groups) ? account_count - made
                                                     : account_count * gr.percent / 100;
            for (int k = 0; k < n; ++k) {
                bfu::contracts::Account a;
                a.number = bfu::core::AccountNo(std::to_string(gr.account_class * 1000 + 100 + k));
                a.name = std::string(gr.name) + " " + std::to_string(k);
                a.account_class = gr.account_class;
                a.group = gr.name;
                accounts.push_back(a);
                // Each account's monthly share of its group's budget.
                line_base_.push_back(gr.annual_kr * kOre / 12 / n);
                personal_.push_back(g == 0);
            }
            made += n;
            annual_ore_ += gr.annual_kr * kOre;
            for (int e = 0; e < units; ++e) {
                bfu::contracts::Budget b;
                b.unit = bfu::core::UnitId(Enhet(e));
                b.account_group = gr.name;
                b.year = kYear;
                b.kind = bfu::contracts::BudgetKind::kOperating;
                b.annual_ore = gr.annual_kr * kOre;
                b.profile.kind = bfu::contracts::ProfileKind::kEven;
                b.revision.ref = "KF § 112/2025";
                b.revision.date = "2025-11-28";
                budgets.push_back(std::move(b));
            }
        }
        bfu::contracts::Account debt;
        debt.number = bfu::core::AccountNo("2440");
        debt.name = "Leverantörsskulder";
        debt.account_class = 2;
        debt.group = "balansrakning";
        accounts.push_back(debt);
    }

    static std::string Enhet(int e) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "E%04d", e);
        return buf;
    }

    [[nodiscard]] int units() const { return units_; }
    [[nodiscard]] int operating_accounts() const { return static_cast<int>(line_base_.size()); }
    [[nodiscard]] std::int64_t annual_ore() const { return annual_ore_; }
    [[nodiscard]] std::size_t master_records() const {
        return org.size() + accounts.size() + budgets.size();
    }

    struct Cell {
        int month;  // 1-12
        int unit;
        int account;
    };
    [[nodiscard]] Cell CellOf(std::int64_t c) const {
        const std::int64_t per_month = std::int64_t{units_} * operating_accounts();
        const std::int64_t r = c % per_month;
        return {static_cast<int>(c / per_month) + 1, static_cast<int>(r / operating_accounts()),
                static_cast<int>(r % operating_accounts())};
    }
    [[nodiscard]] std::int64_t Amount(std::int64_t c) const {
        const auto cell = CellOf(c);
        // A fixed hash of the cell gives a permille in [-20, 20].
        std::uint64_t h = static_cast<std::uint64_t>(c) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
        const auto permille = static_cast<std::int64_t>(h % 41) - 20;
        const auto a = static_cast<std::size_t>(cell.account);
        // One enhet in ten pays 12 % more for personnel than budgeted: its deviation opens
        // and grows as the months arrive, so the stream has deviation work in it.
        const std::int64_t over = cell.unit % 10 == 3 && personal_[a] ? 120 : 0;
        return line_base_[a] * (1000 + over + permille) / 1000;
    }
    // The ledger line of cell `c`, as ingest writes it, in its envelope.
    [[nodiscard]] std::pair<std::string, std::string> Line(std::int64_t c) const {
        const auto cell = CellOf(c);
        const auto& acc = accounts[static_cast<std::size_t>(cell.account)];
        char period[32];
        std::snprintf(period, sizeof period, "%04d%02d", kYear, cell.month);
        char date[32];
        std::snprintf(date, sizeof date, "%04d-%02d-25", kYear, cell.month);
        bfu::contracts::LedgerLine l;
        l.voucher.source = bfu::core::SourceId("bench-erp");
        l.voucher.voucher_id =
            bfu::core::VoucherId("M" + std::string(period) + "-" + Enhet(cell.unit));
        l.voucher.series = "A";
        l.voucher.date = date;
        l.line_no = cell.account + 1;
        l.line_count = operating_accounts();
        l.unit = bfu::core::UnitId(Enhet(cell.unit));
        l.account = acc.number;
        l.account_class = acc.account_class;
        l.account_group = acc.group;
        l.period = period;
        l.fiscal_year = kYear;
        l.amount_ore = Amount(c);
        l.is_operating = true;
        const std::string id = l.voucher.source.value() + ":" + l.voucher.voucher_id.value() + ":" +
                               std::to_string(l.line_no);
        return {l.Key(),
                bfu::contracts::EncodeMessage(l, {id, "bfu/ingest", clock_.Now(), l.Key()})};
    }

    std::vector<bfu::contracts::OrgUnit> org;
    std::vector<bfu::contracts::Account> accounts;  // operating ones first, then 2440
    std::vector<bfu::contracts::Budget> budgets;

private:
    int units_;
    std::vector<std::int64_t> line_base_;
    std::vector<bool> personal_;   // per operating account: in the personal group
    std::int64_t annual_ore_ = 0;  // one enhet's
    bfu::core::WallClock clock_;
};

std::unique_ptr<bfu::kafka::Producer> MakeProducer(const bench::Stack& stack) {
    bfu::kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    cfg.client_id = "bfu-bench-producer";
    auto p = bfu::kafka::Producer::Create(cfg);
    if (!p.ok()) throw std::runtime_error(p.error().ToString());
    return std::move(p).value();
}

// Produces, waiting out a full local queue (a million records do not fit in it at once).
void Send(bfu::kafka::Producer& producer, const std::string& topic, const std::string& key,
          const std::string& value) {
    for (int attempt = 0;; ++attempt) {
        auto s = producer.Produce(topic, key, value);
        if (s.ok()) return;
        if (attempt > 600) {
            throw std::runtime_error("produce to " + topic + ": " + s.error().ToString());
        }
        producer.Poll(100ms);
    }
}

void Flush(bfu::kafka::Producer& producer) {
    if (auto s = producer.Flush(300s); !s.ok()) {
        throw std::runtime_error("flush: " + s.error().ToString());
    }
}

void ProduceLines(bfu::kafka::Producer& producer, const Municipality& m, const std::string& topic,
                  std::int64_t count) {
    for (std::int64_t c = 0; c < count; ++c) {
        const auto [key, value] = m.Line(c);
        Send(producer, topic, key, value);
    }
    Flush(producer);
}

void PublishMaster(bfu::kafka::Producer& producer, const bench::RunTopics& run,
                   const Municipality& m) {
    bfu::core::WallClock clock;
    auto publish = [&](const auto& items) {
        for (const auto& i : items) {
            using T = std::decay_t<decltype(i)>;
            Send(producer, run.Name(T::kTopic), i.Key(),
                 bfu::contracts::EncodeMessage(
                     i, {bfu::contracts::NewEventId(), "bfu/bench", clock.Now(), i.Key()}));
        }
    };
    publish(m.org);
    publish(m.accounts);
    publish(m.budgets);
    Flush(producer);
}

// A service binary on the run's topics, with free ports and its log in `dir`.
struct Service {
    std::unique_ptr<bench::Child> child;
    int http = 0;
    std::string group;
};

Service Start(const bench::Stack& stack, const std::string& prefix, const std::string& name,
              const std::filesystem::path& dir) {
    Service s;
    s.http = bench::FreePort();
    s.group = prefix + name;
    s.child = std::make_unique<bench::Child>(
        bench::ServiceBinary(name),
        std::map<std::string, std::string>{
            {"BFU_KAFKA_BROKERS", stack.brokers},
            {"BFU_KAFKA_TOPIC_PREFIX", prefix},
            {"BFU_KAFKA_GROUP_ID", s.group},
            {"BFU_REDIS_URL", stack.redis_url},
            {"BFU_REDIS_PREFIX", prefix},
            {"BFU_FOLLOWUP_YEAR", std::to_string(kYear)},
            {"BFU_HTTP_PORT", std::to_string(s.http)},
            {"BFU_ZMQ_ENDPOINT", "tcp://127.0.0.1:" + std::to_string(bench::FreePort())},
            {"BFU_INGEST_HTTP_TOKEN", prefix + "token"},
            {"BFU_LOG_LEVEL", "warn"}},
        (dir / (name + ".log")).string());
    return s;
}

// Ready on /readyz, with `master` master-data records loaded when it reports them.
void WaitReady(Service& s, const std::string& name, double master) {
    bool exited = false;
    const bool ready = bench::WaitFor(
        [&] {
            if (!s.child->Running()) return exited = true;
            if (bench::HttpGet(s.http, "/readyz").first != 200) return false;
            const auto records = bench::Metric(s.http, "bfu_master_records");
            return !records || *records >= master;
        },
        120s, 50ms);
    if (!ready || exited) {
        throw std::runtime_error("bfu-" + name + (exited ? " exited" : " not ready") +
                                 "; its log: " + s.child->log());
    }
}

// True when Redis shows, for every enhet, an outcome to date that is exactly the sum of the
// generated lines through the month it is judged through, and that month is at least
// `min_month` (the last complete month of the input).
using Outcomes = std::vector<std::array<std::int64_t, 13>>;  // [enhet][month 1-12]

bool RedisShowsAll(bfu::redis::Pool& redis, const std::string& prefix, const Municipality& m,
                   const Outcomes& outcome, int min_month) {
    std::vector<bfu::redis::Argv> commands;
    for (int e = 0; e < m.units(); ++e) {
        commands.push_back({"HMGET", prefix + "unit:" + Municipality::Enhet(e), "through_period",
                            "outcome_to_date_ore"});
    }
    auto replies = redis.Pipeline(commands);
    if (!replies.ok()) return false;
    for (int e = 0; e < m.units(); ++e) {
        const auto& r = (*replies)[static_cast<std::size_t>(e)];
        if (r.elements.size() != 2 || r.elements[0].IsNil() || r.elements[1].IsNil()) return false;
        const std::string& through = r.elements[0].str;
        if (through.size() != 6) return false;
        const int month = std::atoi(through.c_str() + 4);
        if (month < min_month) return false;
        std::int64_t expected = 0;
        for (int mo = 1; mo <= month && mo <= 12; ++mo) {
            expected += outcome[static_cast<std::size_t>(e)][static_cast<std::size_t>(mo)];
        }
        if (std::atoll(r.elements[1].str.c_str()) != expected) return false;
    }
    return true;
}

// The last complete month of the first `lines` cells (0 = none complete).
int LastCompleteMonth(const Municipality& m, std::int64_t lines) {
    if (lines == 0) return 0;
    return m.CellOf(lines - 1).month - 1;
}

// Waits until Redis shows every enhet's figures for the first `lines` cells; the seconds it
// took past `since`, or a negative number on timeout.
double WaitRedis(bfu::redis::Pool& redis, const std::string& prefix, const Municipality& m,
                 std::int64_t lines, bench::SteadyClock::time_point since,
                 std::chrono::milliseconds timeout) {
    const int min_month = std::max(LastCompleteMonth(m, lines), 1);
    // Expected outcome per enhet and month, from the generator.
    Outcomes outcome(static_cast<std::size_t>(m.units()));
    for (std::int64_t c = 0; c < lines; ++c) {
        const auto cell = m.CellOf(c);
        outcome[static_cast<std::size_t>(cell.unit)][static_cast<std::size_t>(cell.month)] +=
            m.Amount(c);
    }
    if (!bench::WaitFor([&] { return RedisShowsAll(redis, prefix, m, outcome, min_month); },
                        timeout, 20ms)) {
        return -1;
    }
    return std::chrono::duration<double>(bench::SteadyClock::now() - since).count();
}

std::unique_ptr<bfu::redis::Pool> Redis(const bench::Stack& stack) {
    auto r = bfu::redis::Pool::Create(stack.redis_url);
    if (!r.ok()) throw std::runtime_error(r.error().ToString());
    return std::move(r).value();
}

double MiB(std::int64_t kib) { return static_cast<double>(kib) / 1024.0; }

struct Latency {
    std::vector<double> voucher_ms;
    std::vector<double> broker_ms;
    int missing = 0;
};

// One voucher that drives enhet `e` over its budget: costs of twice its annual budget in June.
std::pair<std::string, std::string> LatencyVoucher(const Municipality& m, int e,
                                                   const std::string& id) {
    bfu::contracts::Voucher v;
    v.source = bfu::core::SourceId("bench-erp");
    v.voucher_id = bfu::core::VoucherId(id);
    v.series = "A";
    v.date = "2026-06-15";
    v.text = "Vikarier, långtidssjukskrivning";
    const std::int64_t amount = 2 * m.annual_ore();
    bfu::contracts::VoucherLine cost;
    cost.account = m.accounts.front().number;  // a personal account
    cost.unit = bfu::core::UnitId(Municipality::Enhet(e));
    cost.amount_ore = amount;
    cost.text = "Vikarier";
    bfu::contracts::VoucherLine debt;
    debt.account = bfu::core::AccountNo("2440");
    debt.unit = cost.unit;
    debt.amount_ore = -amount;
    debt.text = "Leverantörsskuld";
    v.lines = {cost, debt};
    return {v.Key(), v.ToJson().dump()};
}

std::unique_ptr<bfu::kafka::Consumer> Subscribed(const bench::Stack& stack,
                                                 const std::string& topic) {
    bfu::kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    cfg.group_id = bench::UniquePrefix() + "watch";
    cfg.client_id = "bfu-bench-watch";
    auto c = bfu::kafka::Consumer::Create(cfg);
    if (!c.ok()) throw std::runtime_error(c.error().ToString());
    if (auto s = (*c)->Subscribe({topic}); !s.ok()) throw std::runtime_error(s.error().ToString());
    return std::move(c).value();
}

// Polls `consumer` until `match` accepts a record or `timeout`; the milliseconds since `t0`,
// or a negative number on timeout.
double AwaitRecord(bfu::kafka::Consumer& consumer,
                   const std::function<bool(const bfu::kafka::Message&)>& match,
                   bench::SteadyClock::time_point t0, std::chrono::milliseconds timeout) {
    const auto deadline = bench::SteadyClock::now() + timeout;
    while (bench::SteadyClock::now() < deadline) {
        auto batch = consumer.Poll(1000, 100ms);
        if (!batch.ok()) continue;
        for (const auto& msg : *batch) {
            if (match(msg)) {
                return std::chrono::duration<double, std::milli>(bench::SteadyClock::now() - t0)
                    .count();
            }
        }
    }
    return -1;
}

bool IsTriggeredBy(const bfu::kafka::Message& msg, const std::string& voucher_id) {
    // Cheap test first: most events are of other units or carry no trigger.
    if (msg.value.find(voucher_id) == std::string::npos) return false;
    auto d = bfu::contracts::DecodeMessage<bfu::contracts::DeviationEvent>(msg.value);
    return d.ok() && d->trigger && d->trigger->voucher &&
           d->trigger->voucher->voucher_id.value() == voucher_id;
}

Latency MeasureLatency(const bench::Stack& stack, const bench::RunTopics& run,
                       const Municipality& m, bfu::kafka::Producer& producer, int vouchers) {
    Latency l;
    auto deviations = Subscribed(stack, run.Name(topics::kDeviations));
    auto pings = Subscribed(stack, run.Name("bench.ping"));
    const std::string voucher_topic = run.Name(topics::kErpVouchers);
    const int warmup = 3;
    for (int i = 0; i < vouchers + warmup; ++i) {
        // Broker round trip of a plain message, same producer, same kind of consumer.
        const std::string ping = "ping-" + std::to_string(i);
        auto t0 = bench::SteadyClock::now();
        Send(producer, run.Name("bench.ping"), ping, ping);
        const double broker = AwaitRecord(
            *pings, [&](const bfu::kafka::Message& msg) { return msg.value == ping; }, t0, 30s);
        // A voucher through ingest and analysis to its deviation event. The warm-up vouchers
        // (enheter after the measured ones) are not counted: they wait out the consumers'
        // first fetches and assignments.
        const int e = (i < warmup ? vouchers + i : i - warmup) % m.units();
        const std::string id = "LAT-" + std::to_string(i);
        const auto [key, value] = LatencyVoucher(m, e, id);
        t0 = bench::SteadyClock::now();
        Send(producer, voucher_topic, key, value);
        const double delay = AwaitRecord(
            *deviations, [&](const bfu::kafka::Message& msg) { return IsTriggeredBy(msg, id); }, t0,
            30s);
        if (i < warmup) continue;
        if (broker >= 0) l.broker_ms.push_back(broker);
        if (delay >= 0) {
            l.voucher_ms.push_back(delay);
        } else {
            ++l.missing;
        }
        std::this_thread::sleep_for(20ms);
    }
    (void)deviations->Close();
    (void)pings->Close();
    return l;
}

// One round on fresh topics: the throughput comparison when `throughput`, then, with that
// bfu-analysis still running (or a fresh one holding only master data), the latency phase when
// `latency`. Returns the throughput ratio (0 without the throughput phase).
double ThroughputAndLatency(const bench::Stack& stack, const Municipality& m, const Options& o,
                            bfu::kafka::Producer& producer, bfu::redis::Pool& redis,
                            bool throughput, bool latency) {
    const std::string prefix = bench::UniquePrefix();
    const auto dir = std::filesystem::temp_directory_path() / ("bfu-bench-" + prefix);
    std::filesystem::create_directories(dir);
    bench::RunTopics run(
        stack, prefix,
        {{"bench.lines", 6, 1, {}}, {"bench.passthrough", 6, 1, {}}, {"bench.ping", 1, 1, {}}});
    const std::int64_t lines = throughput ? o.lines : 0;
    const auto timeout = std::chrono::milliseconds(120'000 + lines * 5);
    std::printf("\nprefix %s, load average %s\n", prefix.c_str(), bench::LoadAverage().c_str());
    double ratio = 0;
    bench::Throughput base;
    if (throughput) {
        ProduceLines(producer, m, run.Name("bench.lines"), lines);
        bench::PassThrough pass(stack, prefix, run.Name("bench.lines"),
                                run.Name("bench.passthrough"));
        bench::GroupProgress progress(stack, pass.group(), run.Name("bench.lines"), 6);
        base = bench::TimeGroup(progress, lines, timeout);
        if (!base.complete) throw std::runtime_error("the pass-through did not finish in time");
    }
    PublishMaster(producer, run, m);
    ProduceLines(producer, m, run.Name(topics::kLedgerLines), lines);
    auto analysis = Start(stack, prefix, "analysis", dir);
    if (throughput) {
        bench::GroupProgress progress(stack, analysis.group, run.Name(topics::kLedgerLines), 6);
        const auto measured =
            bench::TimeGroup(progress, lines, timeout, [&] { return analysis.child->Running(); });
        if (!measured.complete) {
            throw std::runtime_error("bfu-analysis did not finish in time; its log: " +
                                     analysis.child->log());
        }
        const auto committed_at = bench::SteadyClock::now();
        const double redis_after = WaitRedis(redis, prefix, m, lines, committed_at, 120s);
        if (redis_after < 0) {
            throw std::runtime_error(
                "Redis does not show every enhet's outcome to the öre; analysis log: " +
                analysis.child->log());
        }
        // Redis counts in the measured time when it lags the commits (a staged design).
        const double seconds = measured.seconds + redis_after;
        const double rate = static_cast<double>(measured.records) / seconds;
        ratio = rate / base.PerSecond();
        const auto mem = bench::ReadMemory(analysis.child->pid());
        std::printf("[throughput] %s ledger lines on bfu.ledger.lines\n",
                    Fmt(static_cast<double>(lines)).c_str());
        std::printf("  %-46s %12s lines/s  (%s lines in %.2f s)\n",
                    "baseline: pass-through, exactly-once loop", Fmt(base.PerSecond()).c_str(),
                    Fmt(static_cast<double>(base.records)).c_str(), base.seconds);
        std::printf("  %-46s %12s lines/s  (%s lines in %.2f s, Redis +%.2f s)\n",
                    "measured: bfu-analysis to Redis + deviations", Fmt(rate).c_str(),
                    Fmt(static_cast<double>(measured.records)).c_str(), seconds, redis_after);
        std::printf(
            "  ratio analysis / baseline: %.2f   (aim >= 0.5; to the commits alone, "
            "without waiting for Redis: %.2f)\n",
            ratio, measured.PerSecond() / base.PerSecond());
        std::printf("  checked: every enhet's outcome to date in Redis equals the lines' sum\n");
        std::printf("  bfu-analysis VmRSS %.1f MiB, VmHWM %.1f MiB after %s lines\n",
                    MiB(mem.rss_kib), MiB(mem.hwm_kib), Fmt(static_cast<double>(lines)).c_str());
        if (const auto events =
                bench::Metric(analysis.http, "bfu_analysis_deviation_events_total")) {
            std::printf("  deviation events written meanwhile: %s\n", Fmt(*events).c_str());
        }
    } else {
        WaitReady(analysis, "analysis", static_cast<double>(m.master_records()));
    }
    if (latency) {
        auto ingest = Start(stack, prefix, "ingest", dir);
        WaitReady(ingest, "ingest", static_cast<double>(m.org.size() + m.accounts.size()));
        const auto l = MeasureLatency(stack, run, m, producer, o.vouchers);
        std::printf("[latency] %d vouchers one at a time, each driving an enhet over budget\n",
                    o.vouchers);
        std::printf("  %-46s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms\n",
                    "baseline: broker round trip (produce->consume)",
                    bench::Percentile(l.broker_ms, 50), bench::Percentile(l.broker_ms, 99),
                    bench::Percentile(l.broker_ms, 100));
        std::printf("  %-46s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms\n",
                    "measured: voucher -> deviation event", bench::Percentile(l.voucher_ms, 50),
                    bench::Percentile(l.voucher_ms, 99), bench::Percentile(l.voucher_ms, 100));
        std::printf("  events seen: %zu of %d%s\n", l.voucher_ms.size(), o.vouchers,
                    l.missing > 0 ? "  (the rest timed out after 30 s)" : "");
        (void)ingest.child->Terminate(20s);
    }
    (void)analysis.child->Terminate(20s);
    std::filesystem::remove_all(dir);
    return ratio;
}

int Run(const Options& o) {
    const auto stack = bench::FindStack();
    if (!o.cleanup.empty()) {
        bench::DeleteRun(stack, o.cleanup);
        std::printf("deleted the topics and Redis keys under %s\n", o.cleanup.c_str());
        return 0;
    }
    std::printf("analysis_bench  %s  on %s\n", bench::UtcNow().c_str(), bench::Hostname().c_str());
    std::printf("broker %s, redis %s, load average %s\n", stack.brokers.c_str(),
                stack.redis_url.c_str(), bench::LoadAverage().c_str());
    const Municipality m(o.units, o.accounts);
    std::printf("organisation: %zu units (%d enheter), %d operating accounts, %zu budget rows\n",
                m.org.size(), m.units(), m.operating_accounts(), m.budgets.size());
    auto producer = MakeProducer(stack);
    auto redis = Redis(stack);
    const bool throughput = o.phases.count("throughput") != 0;
    const bool latency = o.phases.count("latency") != 0;

    if (throughput || latency) {
        const int rounds = throughput ? o.repeat : 1;
        std::vector<double> ratios;
        for (int r = 0; r < rounds; ++r) {
            const double ratio = ThroughputAndLatency(stack, m, o, *producer, *redis, throughput,
                                                      latency && r + 1 == rounds);
            if (throughput) ratios.push_back(ratio);
        }
        if (ratios.size() > 1) {
            std::printf(
                "\n[throughput] ratio analysis / baseline over %zu rounds: median %.2f "
                "[%.2f, %.2f]\n",
                ratios.size(), bench::Percentile(ratios, 50),
                *std::min_element(ratios.begin(), ratios.end()),
                *std::max_element(ratios.begin(), ratios.end()));
        }
    }

    if (o.phases.count("memory") != 0) {
        const std::string prefix = bench::UniquePrefix();
        const auto dir = std::filesystem::temp_directory_path() / ("bfu-bench-" + prefix);
        std::filesystem::create_directories(dir);
        bench::RunTopics run(stack, prefix);
        const std::int64_t lines = std::int64_t{12} * m.units() * m.operating_accounts();
        std::printf("\nprefix %s, load average %s\n", prefix.c_str(), bench::LoadAverage().c_str());
        PublishMaster(*producer, run, m);
        auto analysis = Start(stack, prefix, "analysis", dir);
        WaitReady(analysis, "analysis", static_cast<double>(m.master_records()));
        // Settled: the master table applied, nothing else to do.
        std::this_thread::sleep_for(2s);
        const auto before = bench::ReadMemory(analysis.child->pid());
        const auto t0 = bench::SteadyClock::now();
        ProduceLines(*producer, m, run.Name(topics::kLedgerLines), lines);
        bench::GroupProgress progress(stack, analysis.group, run.Name(topics::kLedgerLines), 6);
        if (!bench::WaitFor([&] { return progress.Committed() >= lines; },
                            std::chrono::milliseconds(300'000 + lines / 2), 200ms)) {
            throw std::runtime_error("bfu-analysis did not consume every line in time; its log: " +
                                     analysis.child->log());
        }
        if (WaitRedis(*redis, prefix, m, lines, t0, 300s) < 0) {
            throw std::runtime_error(
                "Redis does not show every enhet's outcome to the öre; analysis log: " +
                analysis.child->log());
        }
        const double seconds =
            std::chrono::duration<double>(bench::SteadyClock::now() - t0).count();
        const auto after = bench::ReadMemory(analysis.child->pid());
        std::printf(
            "\n[memory] bfu-analysis holding %d enheter x 12 months x %d accounts = %s "
            "lines (%zu units in the tree)\n",
            m.units(), m.operating_accounts(), Fmt(static_cast<double>(lines)).c_str(),
            m.org.size());
        std::printf("  %-46s VmRSS %7.1f MiB\n", "baseline: master data loaded, no line",
                    MiB(before.rss_kib));
        std::printf("  %-46s VmRSS %7.1f MiB  VmHWM %7.1f MiB   (target well under 256 MiB)\n",
                    "measured: every line posted, Redis written", MiB(after.rss_kib),
                    MiB(after.hwm_kib));
        std::printf("  (produced and consumed in %.1f s, %s lines/s end to end)\n", seconds,
                    Fmt(static_cast<double>(lines) / seconds).c_str());
        (void)analysis.child->Terminate(20s);
        std::filesystem::remove_all(dir);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Line-buffered, so a long run shows its phases as they finish even into a file.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    try {
        return Run(Parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "analysis_bench: %s\n", e.what());
        return 1;
    }
}
