// Ledger lines per second through the domain core on one core: posting into the rolled-up
// outcome cube, and posting plus the budget deviation check of every touched unit, beside a
// baseline that only sums the same amounts into a flat array. The ratio baseline/ours is
// printed at the end of the run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bfu/domain/budget.hpp"
#include "bfu/domain/cube.hpp"
#include "bfu/domain/deviation.hpp"

namespace bfu::domain {
namespace {

constexpr std::size_t kLines = 1 << 20;
constexpr std::size_t kBatch = 10'000;  // about one Kafka poll

// A large municipality: 10 nämnder, 30 sektorer, 150 verksamheter, 1 500 enheter.
struct World {
    Organisation org;
    ChartOfAccounts chart = ChartOfAccounts::KommunBasDefault();
    FiscalYear fy = FiscalYear::Calendar(2026);
    std::vector<UnitIndex> leaves;
    std::vector<Posting> postings;
    Cube budget;

    World() {
        std::vector<UnitSpec> units;
        auto add = [&](const std::string& id, Level level, const std::string& parent) {
            UnitSpec s;
            s.id = core::UnitId(id);
            s.name = id;
            s.level = level;
            if (!parent.empty()) s.parent = core::UnitId(parent);
            s.mandate = core::Money::FromKronor(100'000);
            units.push_back(std::move(s));
        };
        add("KF", Level::kKf, "");
        add("KS", Level::kKs, "KF");
        add("FV", Level::kForvaltning, "KS");
        for (int n = 0; n < 10; ++n) {
            const std::string nid = "N" + std::to_string(n);
            add(nid, Level::kNamnd, "KF");
            for (int s = 0; s < 3; ++s) {
                const std::string sid = nid + "S" + std::to_string(s);
                add(sid, Level::kSektor, nid);
                for (int v = 0; v < 5; ++v) {
                    const std::string vid = sid + "V" + std::to_string(v);
                    add(vid, Level::kVerksamhet, sid);
                    for (int e = 0; e < 10; ++e)
                        add(vid + "E" + std::to_string(e), Level::kEnhet, vid);
                }
            }
        }
        org = Organisation::Build(std::move(units)).value();
        for (UnitIndex u = 0; u < org.size(); ++u) {
            if (org.unit(u).level == Level::kEnhet) leaves.push_back(u);
        }
        std::mt19937_64 rng(1);
        postings.reserve(kLines);
        std::map<std::pair<UnitIndex, GroupIndex>, std::int64_t> annual;
        for (std::size_t i = 0; i < kLines; ++i) {
            Posting p;
            p.unit = leaves[rng() % leaves.size()];
            p.group = static_cast<GroupIndex>(rng() % 6);  // operating groups
            // A unit books on a handful of accounts per group, as in a real ledger.
            p.account = static_cast<std::uint32_t>(p.group * 100 + rng() % 20);
            p.month = static_cast<std::uint8_t>(rng() % 12);
            p.ore = static_cast<std::int64_t>(rng() % 2'000'000) - (p.group == 0 ? 1'500'000 : 0);
            postings.push_back(p);
            annual[{p.unit, p.group}] += p.ore;
        }
        // Lines arrive month by month, as the year goes.
        std::stable_sort(postings.begin(), postings.end(),
                         [](const Posting& a, const Posting& b) { return a.month < b.month; });
        BudgetBook book(fy);
        for (const auto& [key, amount] : annual) {
            book.Set({key.first, key.second, core::Money::FromOre(amount), Profile::Even()});
        }
        budget = book.Materialize(org, chart, fy.LastDay());
    }
};

World& TheWorld() {
    static World w;
    return w;
}

void BM_Baseline_FlatArraySum(benchmark::State& state) {
    World& w = TheWorld();
    const std::size_t groups = w.chart.group_count();
    std::vector<std::int64_t> cells(w.org.size() * groups * 12, 0);
    for (auto _ : state) {
        for (const Posting& p : w.postings) {
            cells[(static_cast<std::size_t>(p.unit) * groups + p.group) * 12 + p.month] += p.ore;
        }
        benchmark::DoNotOptimize(cells.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w.postings.size()));
}
BENCHMARK(BM_Baseline_FlatArraySum)->Unit(benchmark::kMillisecond);

void BM_OutcomeLedger_PostWithRollup(benchmark::State& state) {
    World& w = TheWorld();
    for (auto _ : state) {
        state.PauseTiming();
        OutcomeLedger ledger(w.org, w.fy, w.chart.GroupKinds());
        state.ResumeTiming();
        ledger.PostBatch(w.postings);
        benchmark::DoNotOptimize(ledger.cube().KindTotal(0, GroupKind::kOperating, 0));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w.postings.size()));
}
BENCHMARK(BM_OutcomeLedger_PostWithRollup)->Unit(benchmark::kMillisecond);

// Steady state: the ledger has seen every (unit, group, account) once already, as it has a
// few weeks into the year; no rows are created during the timed pass.
void BM_OutcomeLedger_PostWithRollupWarm(benchmark::State& state) {
    World& w = TheWorld();
    OutcomeLedger ledger(w.org, w.fy, w.chart.GroupKinds());
    ledger.PostBatch(w.postings);
    for (auto _ : state) {
        ledger.PostBatch(w.postings);
        benchmark::DoNotOptimize(ledger.cube().KindTotal(0, GroupKind::kOperating, 0));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w.postings.size()));
}
BENCHMARK(BM_OutcomeLedger_PostWithRollupWarm)->Unit(benchmark::kMillisecond);

void BM_OutcomeLedger_PostWithRollupNoAccountDetail(benchmark::State& state) {
    World& w = TheWorld();
    for (auto _ : state) {
        state.PauseTiming();
        OutcomeLedger ledger(w.org, w.fy, w.chart.GroupKinds(), false);
        state.ResumeTiming();
        ledger.PostBatch(w.postings);
        benchmark::DoNotOptimize(ledger.cube().KindTotal(0, GroupKind::kOperating, 0));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w.postings.size()));
}
BENCHMARK(BM_OutcomeLedger_PostWithRollupNoAccountDetail)->Unit(benchmark::kMillisecond);

void BM_OutcomeLedger_PostAndDeviationCheck(benchmark::State& state) {
    World& w = TheWorld();
    std::size_t events = 0;
    for (auto _ : state) {
        state.PauseTiming();
        OutcomeLedger ledger(w.org, w.fy, w.chart.GroupKinds());
        DeviationMonitor monitor(w.org, w.fy, DeviationRules::Defaults());
        state.ResumeTiming();
        for (std::size_t at = 0; at < w.postings.size(); at += kBatch) {
            const std::size_t n = std::min(kBatch, w.postings.size() - at);
            ledger.PostBatch(std::span(w.postings).subspan(at, n));
            const auto dirty = ledger.TakeDirty();
            // Checked through the last closed month: the month whose lines are arriving is not
            // yet comparable with its full monthly budget.
            const int through = w.postings[at + n - 1].month - 1;
            events += monitor.CheckBudget(ledger, w.budget, dirty, through, w.chart).size();
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(w.postings.size()));
    state.counters["events"] =
        static_cast<double>(events) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_OutcomeLedger_PostAndDeviationCheck)->Unit(benchmark::kMillisecond);

// Prints every benchmark's lines/s beside the baseline's, and the ratio.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            const auto it = r.counters.find("items_per_second");
            if (it != r.counters.end()) rates_.emplace_back(r.benchmark_name(), it->second.value);
        }
        ConsoleReporter::ReportRuns(runs);
    }
    void Finalize() override {
        ConsoleReporter::Finalize();
        if (rates_.empty()) return;
        const double base = rates_.front().second;
        std::printf("\nledger lines per second (one core), baseline = %s\n",
                    rates_.front().first.c_str());
        for (const auto& [name, rate] : rates_) {
            std::printf("  %-48s %14.0f lines/s   baseline/this = %6.2f\n", name.c_str(), rate,
                        base / rate);
        }
    }

private:
    std::vector<std::pair<std::string, double>> rates_;
};

}  // namespace
}  // namespace bfu::domain

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    bfu::domain::RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
