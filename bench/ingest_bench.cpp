// Ingest throughput through the real broker: vouchers per second and ledger lines per second
// from bfu.erp.vouchers through the bfu-ingest binary, printed beside two baselines measured in
// the same run, each the same exactly-once consume-process-produce loop (RunLoop +
// TransactionalProducer, the same records a transaction as bfu-ingest) with no processing:
//   pass-through: each voucher copied unchanged, one record out per voucher in;
//   same output:  each voucher answered with exactly the records ingest writes for it (its
//                 ledger lines and its decision, made by ingest's own code before the timing
//                 and looked up by key), so the loop does ingest's Kafka work without its
//                 processing.
// The ratios are what to read: ingest / same output is what checking and encoding cost over
// moving the same messages (issue 4 aims at >= 0.5); ingest / pass-through also counts the
// 5-6 records written per voucher.
//
//   ingest_bench [--vouchers N] [--repeat R]   (default 100 000 and 1; build Release; bench/run)
//   ingest_bench --cleanup PREFIX              (what a killed run left behind)
//
// With --repeat the comparison runs R times, each round on fresh topics, and the median ratio
// is printed: on a shared machine single rounds move a lot.
//
// Each side gets the N vouchers already on its input topic, then its consumer starts; it is
// timed from the first offset commit the broker shows to the commit of the last voucher (the
// outputs commit in the same transaction, so they are then visible read_committed), so group
// join and master-data loading are left out of both. A run uses a fresh topic and group prefix
// and deletes its topics at the end.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/ingest/decision.hpp"
#include "bfu/ingest/voucher_checker.hpp"
#include "bfu/kafka/producer.hpp"
#include "bfu/service/master_data.hpp"
#include "stack_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace topics = bfu::contracts::topics;
using bfu::bench::Fmt;

constexpr int kYear = 2026;
// Records a transaction, for every side: the baselines run the same loop configuration as
// bfu-ingest, whose ingest.max_batch default is the same 2000.
constexpr std::size_t kMaxBatch = 2000;

struct Options {
    std::int64_t vouchers = 100'000;
    int repeat = 1;       // rounds of baseline + measured, each on fresh topics
    std::string cleanup;  // only delete what a killed run with this prefix left behind
};

Options Parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--vouchers" && i + 1 < argc) {
            o.vouchers = std::atoll(argv[++i]);
        } else if (a == "--repeat" && i + 1 < argc) {
            o.repeat = std::atoi(argv[++i]);
        } else if (a == "--cleanup" && i + 1 < argc) {
            o.cleanup = argv[++i];
        } else {
            std::fprintf(stderr,
                         "usage: ingest_bench [--vouchers N] [--repeat R] | --cleanup PREFIX\n");
            std::exit(2);
        }
    }
    if (o.vouchers < 1 || o.repeat < 1) {
        std::fprintf(stderr, "--vouchers and --repeat must be at least 1\n");
        std::exit(2);
    }
    return o;
}

// Vouchers as a municipality's ERP sends them, on the example municipality's enheter and
// accounts: 2-5 lines of costs or revenues on one or two enheter, balanced by one line on a
// balance-sheet account (supplier debt, bank or receivables), dated January-October.
std::vector<std::string> MakeVouchers(const bfu::cli::ExampleMunicipality& m, std::int64_t n,
                                      std::int64_t& lines, std::vector<std::string>& keys) {
    std::vector<std::string> units;
    for (const auto& u : m.org) {
        if (u.level == bfu::contracts::OrgLevel::kEnhet) units.push_back(u.id.value());
    }
    struct Acc {
        const char* number;
        const char* text;
        std::int64_t sign;
    };
    const Acc costs[] = {{"4010", "Förbrukningsmaterial", 1}, {"5011", "Månadslön", 1},
                         {"5411", "Sociala avgifter", 1},     {"6110", "Lokalhyra", 1},
                         {"3510", "Barnomsorgsavgifter", -1}, {"3590", "Övriga avgifter", -1}};
    std::mt19937 rng(42);
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(n));
    lines = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        bfu::contracts::Voucher v;
        v.source = bfu::core::SourceId("bench-erp");
        v.voucher_id = bfu::core::VoucherId("B-" + std::to_string(100000 + i));
        v.series = "A";
        char date[16];
        std::snprintf(date, sizeof date, "%04d-%02d-%02d", kYear, pick(1, 10), pick(1, 28));
        v.date = date;
        v.text = "Leverantörsfaktura " + std::to_string(i);
        const int rows = pick(2, 5);
        const std::string& unit = units[static_cast<std::size_t>(pick(0, int(units.size()) - 1))];
        std::int64_t sum = 0;
        for (int r = 0; r < rows; ++r) {
            const auto& a = costs[pick(0, 5)];
            bfu::contracts::VoucherLine l;
            l.account = bfu::core::AccountNo(a.number);
            l.unit = bfu::core::UnitId(
                r == 0 ? unit : units[static_cast<std::size_t>(pick(0, int(units.size()) - 1))]);
            l.amount_ore = a.sign * pick(10'000, 5'000'000);
            l.text = a.text;
            sum += l.amount_ore;
            v.lines.push_back(std::move(l));
        }
        bfu::contracts::VoucherLine balance;
        balance.account = bfu::core::AccountNo(sum > 0 ? "2440" : "1510");
        balance.unit = bfu::core::UnitId(unit);
        balance.amount_ore = -sum;
        balance.text = sum > 0 ? "Leverantörsskuld" : "Kundfordran";
        v.lines.push_back(std::move(balance));
        lines += static_cast<std::int64_t>(v.lines.size());
        keys.push_back(v.Key());
        out.push_back(v.ToJson().dump());
    }
    return out;
}

void Produce(const bfu::bench::Stack& stack, const std::string& topic,
             const std::vector<std::string>& keys, const std::vector<std::string>& values) {
    bfu::kafka::KafkaConfig cfg;
    cfg.brokers = stack.brokers;
    cfg.client_id = "bfu-bench-erp";
    auto producer = bfu::kafka::Producer::Create(cfg);
    if (!producer.ok()) throw std::runtime_error(producer.error().ToString());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (auto s = (*producer)->Produce(topic, keys[i], values[i]); !s.ok()) {
            throw std::runtime_error("produce to " + topic + ": " + s.error().ToString());
        }
    }
    if (auto s = (*producer)->Flush(120s); !s.ok()) {
        throw std::runtime_error("flush to " + topic + ": " + s.error().ToString());
    }
}

template <typename T>
void PublishMaster(const bfu::bench::Stack& stack, const bfu::bench::RunTopics& run,
                   const std::vector<T>& items) {
    std::vector<std::string> keys, values;
    bfu::core::WallClock clock;
    for (const auto& i : items) {
        keys.push_back(i.Key());
        values.push_back(bfu::contracts::EncodeMessage(
            i, {bfu::contracts::NewEventId(), "bfu/bench", clock.Now(), i.Key()}));
    }
    Produce(stack, run.Name(T::kTopic), keys, values);
}

struct Round {
    bfu::bench::Throughput base;
    bfu::bench::Throughput same;
    bfu::bench::Throughput measured;
};

// For each voucher key, the records bfu-ingest writes for it (to the topics `topics`), made by
// ingest's own checker and encoder from the organisation and accounts published to it.
std::unordered_map<std::string, std::vector<bfu::kafka::OutMessage>> IngestOutputs(
    const bfu::cli::ExampleMunicipality& m, const std::vector<std::string>& keys,
    const std::vector<std::string>& vouchers, const bfu::ingest::IngestTopics& topics) {
    bfu::service::MasterSnapshot snapshot;
    bfu::core::WallClock clock;
    for (const auto& u : m.org) {
        snapshot[std::string(topics::kMasterOrg)][u.Key()] = bfu::contracts::EncodeMessage(
            u, {bfu::contracts::NewEventId(), "bfu/bench", clock.Now(), u.Key()});
    }
    for (const auto& a : m.accounts) {
        snapshot[std::string(topics::kMasterAccounts)][a.Key()] = bfu::contracts::EncodeMessage(
            a, {bfu::contracts::NewEventId(), "bfu/bench", clock.Now(), a.Key()});
    }
    auto md = bfu::service::MasterData::Build(snapshot, "", kYear);
    if (!md.ok()) throw std::runtime_error("master data: " + md.error().ToString());
    bfu::ingest::VoucherChecker checker(bfu::ingest::CheckRules{{kYear}, {}});
    checker.SetMaster(*md);
    std::unordered_map<std::string, std::vector<bfu::kafka::OutMessage>> out;
    out.reserve(vouchers.size());
    for (std::size_t i = 0; i < vouchers.size(); ++i) {
        auto d = bfu::ingest::Decide(
            checker, vouchers[i], bfu::contracts::IngestWay::kKafka,
            bfu::contracts::Origin::Kafka("bench.vouchers", 0, static_cast<std::int64_t>(i)),
            topics, clock.Now());
        if (d.check.kind != bfu::ingest::CheckResult::Kind::kAccepted) {
            throw std::runtime_error("voucher " + keys[i] + " was not accepted");
        }
        out[keys[i]] = std::move(d.outputs);
    }
    return out;
}

// One comparison on fresh topics: the pass-through, then bfu-ingest, on the same vouchers.
Round RunRound(const bfu::bench::Stack& stack, const bfu::cli::ExampleMunicipality& m,
               const std::vector<std::string>& keys, const std::vector<std::string>& vouchers,
               std::int64_t lines) {
    const std::string prefix = bfu::bench::UniquePrefix();
    const auto n = static_cast<std::int64_t>(vouchers.size());
    std::printf("\nprefix %s, load average %s\n", prefix.c_str(),
                bfu::bench::LoadAverage().c_str());
    bfu::bench::RunTopics run(stack, prefix,
                              {{"bench.vouchers", 6, 1, {}},
                               {"bench.passthrough", 6, 1, {}},
                               {"bench.same.vouchers", 6, 1, {}},
                               {"bench.same.lines", 6, 1, {}},
                               {"bench.same.rejected", 6, 1, {}},
                               {"bench.same.decisions", 6, 1, {}}});
    const auto timeout = std::chrono::milliseconds(60'000 + n * 10);
    Round r;

    // Baseline: the same vouchers, the same loop, no processing.
    Produce(stack, run.Name("bench.vouchers"), keys, vouchers);
    {
        bfu::bench::PassThrough pass(stack, prefix, run.Name("bench.vouchers"),
                                     run.Name("bench.passthrough"), kMaxBatch);
        bfu::bench::GroupProgress progress(stack, pass.group(), run.Name("bench.vouchers"), 6);
        r.base = bfu::bench::TimeGroup(progress, n, timeout);
    }
    if (!r.base.complete) throw std::runtime_error("the pass-through did not finish in time");

    // Baseline with ingest's output: the records ingest writes, made beforehand.
    const auto same_out =
        IngestOutputs(m, keys, vouchers,
                      {run.Name("bench.same.lines"), run.Name("bench.same.rejected"),
                       run.Name("bench.same.decisions"), run.Name("bench.same.vouchers")});
    Produce(stack, run.Name("bench.same.vouchers"), keys, vouchers);
    {
        bfu::bench::PassThrough same(
            stack, prefix, run.Name("bench.same.vouchers"), run.Name("bench.same.lines"), kMaxBatch,
            [&same_out](const bfu::kafka::Message& msg) {
                auto it = same_out.find(msg.key);
                return it == same_out.end() ? std::vector<bfu::kafka::OutMessage>{} : it->second;
            });
        bfu::bench::GroupProgress progress(stack, same.group(), run.Name("bench.same.vouchers"), 6);
        r.same = bfu::bench::TimeGroup(progress, n, timeout);
    }
    if (!r.same.complete) throw std::runtime_error("the same-output baseline did not finish");

    // Measured: bfu-ingest, master data (organisation, accounts) published first.
    PublishMaster(stack, run, m.org);
    PublishMaster(stack, run, m.accounts);
    Produce(stack, run.Name(topics::kErpVouchers), keys, vouchers);
    const auto dir = std::filesystem::temp_directory_path() / ("bfu-bench-" + prefix);
    std::filesystem::create_directories(dir);
    const int http = bfu::bench::FreePort();
    const std::string group = prefix + "ingest";
    bfu::bench::Child ingest(bfu::bench::ServiceBinary("ingest"),
                             {{"BFU_KAFKA_BROKERS", stack.brokers},
                              {"BFU_KAFKA_TOPIC_PREFIX", prefix},
                              {"BFU_KAFKA_GROUP_ID", group},
                              {"BFU_FOLLOWUP_YEAR", std::to_string(kYear)},
                              {"BFU_HTTP_PORT", std::to_string(http)},
                              {"BFU_INGEST_HTTP_TOKEN", prefix + "token"},
                              {"BFU_INGEST_MAX_BATCH", std::to_string(kMaxBatch)},
                              {"BFU_LOG_LEVEL", "warn"}},
                             (dir / "ingest.log").string());
    bfu::bench::GroupProgress progress(stack, group, run.Name(topics::kErpVouchers), 6);
    r.measured =
        bfu::bench::TimeGroup(progress, n, timeout, [&ingest] { return ingest.Running(); });
    if (!r.measured.complete) {
        throw std::runtime_error("bfu-ingest did not finish in time; its log: " + ingest.log());
    }
    // The outputs, read back read_committed: every line, no rejection.
    const auto got_lines =
        bfu::bench::CountRecords(stack, run.Name(topics::kLedgerLines), lines, 120s);
    const auto got_rejected =
        bfu::bench::CountRecords(stack, run.Name(topics::kLedgerRejected), 1, 2s);
    if (auto code = ingest.Terminate(20s); !code || *code != 0) {
        std::fprintf(stderr, "bfu-ingest did not stop cleanly; its log: %s\n",
                     ingest.log().c_str());
    }
    if (got_lines != lines || got_rejected != 0) {
        throw std::runtime_error("bfu-ingest wrote " + std::to_string(got_lines) + " lines and " +
                                 std::to_string(got_rejected) + " rejections, expected " +
                                 std::to_string(lines) + " and 0; its log: " + ingest.log());
    }
    std::filesystem::remove_all(dir);

    const double per_voucher = double(lines) / double(n);
    std::printf("%-44s %14s %14s\n", "", "vouchers/s", "lines/s");
    std::printf("%-44s %14s %14s   (%s vouchers in %.2f s)\n",
                "baseline: pass-through, exactly-once loop", Fmt(r.base.PerSecond()).c_str(),
                Fmt(r.base.PerSecond() * per_voucher).c_str(), Fmt(double(r.base.records)).c_str(),
                r.base.seconds);
    std::printf("%-44s %14s %14s   (%s vouchers in %.2f s)\n",
                "baseline: same output, exactly-once loop", Fmt(r.same.PerSecond()).c_str(),
                Fmt(r.same.PerSecond() * per_voucher).c_str(), Fmt(double(r.same.records)).c_str(),
                r.same.seconds);
    std::printf("%-44s %14s %14s   (%s vouchers in %.2f s)\n", "measured: bfu-ingest",
                Fmt(r.measured.PerSecond()).c_str(),
                Fmt(r.measured.PerSecond() * per_voucher).c_str(),
                Fmt(double(r.measured.records)).c_str(), r.measured.seconds);
    std::printf("ratio ingest / same output: %.2f   (aim >= 0.5)\n",
                r.measured.PerSecond() / r.same.PerSecond());
    std::printf("ratio ingest / pass-through: %.2f\n", r.measured.PerSecond() / r.base.PerSecond());
    std::printf("checked: %s lines on bfu.ledger.lines, 0 rejected, read read_committed\n",
                Fmt(double(got_lines)).c_str());
    return r;
}

int Run(const Options& o) {
    const auto stack = bfu::bench::FindStack();
    if (!o.cleanup.empty()) {
        bfu::bench::DeleteRun(stack, o.cleanup);
        std::printf("deleted the topics and Redis keys under %s\n", o.cleanup.c_str());
        return 0;
    }
    std::printf("ingest_bench  %s  on %s\n", bfu::bench::UtcNow().c_str(),
                bfu::bench::Hostname().c_str());
    std::printf("broker %s\n", stack.brokers.c_str());

    const auto m = bfu::cli::MakeExampleMunicipality(kYear);
    std::int64_t lines = 0;
    std::vector<std::string> keys;
    const auto vouchers = MakeVouchers(m, o.vouchers, lines, keys);
    std::size_t bytes = 0;
    for (const auto& v : vouchers) bytes += v.size();
    std::printf("%s vouchers, %s lines (%.1f a voucher), %.1f MB of JSON, %d round(s)\n",
                Fmt(double(o.vouchers)).c_str(), Fmt(double(lines)).c_str(),
                double(lines) / double(o.vouchers), double(bytes) / 1e6, o.repeat);

    std::vector<double> ratios, same_ratios, base_rates, same_rates, rates;
    for (int i = 0; i < o.repeat; ++i) {
        const auto r = RunRound(stack, m, keys, vouchers, lines);
        ratios.push_back(r.measured.PerSecond() / r.base.PerSecond());
        same_ratios.push_back(r.measured.PerSecond() / r.same.PerSecond());
        base_rates.push_back(r.base.PerSecond());
        same_rates.push_back(r.same.PerSecond());
        rates.push_back(r.measured.PerSecond());
    }
    if (o.repeat > 1) {
        std::printf("\nover %d rounds (median, [min, max]):\n", o.repeat);
        auto row = [](const char* what, const std::vector<double>& v, int decimals) {
            std::printf("  %-30s %s  [%s, %s]\n", what,
                        Fmt(bfu::bench::Percentile(v, 50), decimals).c_str(),
                        Fmt(*std::min_element(v.begin(), v.end()), decimals).c_str(),
                        Fmt(*std::max_element(v.begin(), v.end()), decimals).c_str());
        };
        row("pass-through vouchers/s", base_rates, 0);
        row("same output vouchers/s", same_rates, 0);
        row("bfu-ingest vouchers/s", rates, 0);
        row("ratio ingest / same output", same_ratios, 2);
        row("ratio ingest / pass-through", ratios, 2);
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
        std::fprintf(stderr, "ingest_bench: %s\n", e.what());
        return 1;
    }
}
