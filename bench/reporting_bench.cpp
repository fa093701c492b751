// The KF tertialrapport of a large municipality (issue #13): 1 000 enheter under 10 nämnder,
// 20 sektorer and 100 verksamheter, 100 accounts, a ledger line per (enhet, account, month) for
// the whole year: 1.2 million lines, read into reporting's ReportStore as it reads
// bfu.ledger.lines (each line encoded as it lies on the topic, then Apply).
//
// Timed, in the same process and on the same store, several rounds:
//   baseline   one pass over the store's ledger sums that builds the same aggregates the
//              report shows: outcome per (unit, account group, month) for January–April as of
//              the cut-off, rolled up the tree to every level, and per account for KF
//   model      BuildReport (the whole report: budgets, forecasts, casework, HR, goals)
//   json       RenderJson
//   html       RenderHtml (the default templates, charts as SVG)
//   xlsx       WriteXlsx to a temporary folder
// printed as seconds and as a ratio against the baseline of the same round; the median of
// the rounds at the end. Nothing is asserted: the figures go to docs/benchmarks.md.
//
//   reporting_bench [--rounds N] [--enheter N] [--accounts N]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/topics.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/reporting/render.hpp"
#include "bfu/reporting/report.hpp"
#include "bfu/reporting/store.hpp"

namespace bfu::reporting {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kYear = 2026;

struct GroupDef {
    const char* id;
    int account_class;
    std::int64_t annual_per_enhet_ore;  // budget per enhet and group
};

// Five operating groups; the accounts are spread evenly over them.
constexpr GroupDef kGroups[] = {{"intakter", 3, -60'000'000},
                                {"material", 4, 50'000'000},
                                {"personal", 5, 900'000'000},
                                {"lokaler", 6, 150'000'000},
                                {"ovrigt", 7, 30'000'000}};

template <typename T>
void Put(ReportStore& store, const T& message) {
    const auto value = contracts::EncodeMessage(
        message, {contracts::NewEventId(), "bench", core::WallClock().Now(), message.Key()});
    if (auto s = store.Apply(std::string(T::kTopic), message.Key(), value); !s.ok()) {
        std::fprintf(stderr, "reporting_bench: %s\n", s.error().ToString().c_str());
        std::exit(1);
    }
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

struct World {
    std::vector<contracts::OrgUnit> org;
    std::vector<std::string> enheter;
    std::vector<contracts::Account> accounts;
};

World MakeWorld(int enheter, int accounts) {
    World w;
    auto add = [&](const std::string& id, const std::string& parent, contracts::OrgLevel level) {
        contracts::OrgUnit o;
        o.id = core::UnitId(id);
        if (!parent.empty()) o.parent = core::UnitId(parent);
        o.level = level;
        o.name = "Enhet " + id;
        o.manager.name = "Chef " + id;
        o.manager.role = "chef";
        o.manager.email = "chef." + id + "@exempelkommun.se";
        o.mandate_ore = 10'000'000;
        o.valid_from = "2026-01-01";
        w.org.push_back(std::move(o));
    };
    using L = contracts::OrgLevel;
    add("KF", "", L::kKf);
    add("KS", "KF", L::kKs);
    add("FORV", "KS", L::kForvaltning);
    // 10 nämnder x 2 sektorer x 5 verksamheter x (enheter / 100) enheter.
    const int per_verksamhet = std::max(1, enheter / 100);
    for (int n = 0; n < 10; ++n) {
        const std::string nid = "N" + std::to_string(n);
        add(nid, "KF", L::kNamnd);
        for (int s = 0; s < 2; ++s) {
            const std::string sid = nid + "S" + std::to_string(s);
            add(sid, nid, L::kSektor);
            for (int v = 0; v < 5; ++v) {
                const std::string vid = sid + "V" + std::to_string(v);
                add(vid, sid, L::kVerksamhet);
                for (int e = 0; e < per_verksamhet; ++e) {
                    const std::string eid = vid + "E" + std::to_string(e);
                    add(eid, vid, L::kEnhet);
                    w.enheter.push_back(eid);
                }
            }
        }
    }
    const int groups = static_cast<int>(std::size(kGroups));
    for (int a = 0; a < accounts; ++a) {
        const auto& g = kGroups[a % groups];
        contracts::Account acc;
        acc.number = core::AccountNo(std::to_string(g.account_class * 1000 + 10 * (a / groups)));
        acc.name = std::string("Konto ") + acc.number.value();
        acc.account_class = g.account_class;
        acc.group = g.id;
        acc.active = true;
        acc.investment = false;
        w.accounts.push_back(std::move(acc));
    }
    return w;
}

void Load(ReportStore& store, const World& w) {
    for (const auto& u : w.org) Put(store, u);
    for (const auto& a : w.accounts) Put(store, a);
    for (const auto& e : w.enheter) {
        for (const auto& g : kGroups) {
            contracts::Budget b;
            b.unit = core::UnitId(e);
            b.account_group = g.id;
            b.year = kYear;
            b.annual_ore = g.annual_per_enhet_ore;
            b.profile.kind = contracts::ProfileKind::kEven;
            b.revision = {0, "KF § 112/2025", "2025-11-28"};
            Put(store, b);
        }
    }
    std::uint64_t n = 0;
    const std::int64_t per_account = static_cast<std::int64_t>(w.accounts.size()) / 5;
    for (int month = 1; month <= 12; ++month) {
        char period[32], date[32];
        std::snprintf(period, sizeof period, "%04d%02d", kYear, month);
        std::snprintf(date, sizeof date, "%04d-%02d-15", kYear, month);
        for (const auto& e : w.enheter) {
            for (const auto& a : w.accounts) {
                contracts::LedgerLine l;
                l.voucher.source = core::SourceId("bench-erp");
                l.voucher.voucher_id = core::VoucherId("V" + std::to_string(++n));
                l.voucher.date = date;
                l.unit = core::UnitId(e);
                l.account = a.number;
                l.account_class = a.account_class;
                l.account_group = a.group;
                l.period = period;
                l.fiscal_year = kYear;
                const auto& g = kGroups[a.account_class - 3];
                l.amount_ore =
                    g.annual_per_enhet_ore / 12 / std::max<std::int64_t>(1, per_account) +
                    static_cast<std::int64_t>(n % 9973) - 4986;
                Put(store, l);
            }
        }
    }
    store.Compact();
}

// The baseline: the aggregates the report shows, built from the same ledger sums in one pass.
// Returns a checksum so the work is not optimised away.
std::int64_t Aggregates(const ReportStore& store, const std::vector<std::int32_t>& parent_of,
                        domain::Date as_of, int through_month) {
    const std::size_t units = store.units().size();
    const std::size_t groups = store.groups().size();
    std::vector<std::int64_t> cells(units * groups * 12, 0);
    std::vector<std::int64_t> per_account(store.accounts().size() * 12, 0);
    const std::int32_t last_day = as_of.days();
    for (const auto& r : store.rows()) {
        if (r.year != kYear || r.month >= through_month || r.date > last_day || r.investment) {
            continue;
        }
        for (std::int32_t u = static_cast<std::int32_t>(r.unit); u >= 0;
             u = parent_of[static_cast<std::size_t>(u)]) {
            cells[(static_cast<std::size_t>(u) * groups + r.group) * 12 + r.month] += r.ore;
        }
        per_account[static_cast<std::size_t>(r.account) * 12 + r.month] += r.ore;
    }
    std::int64_t sum = 0;
    for (auto c : cells) sum ^= c;
    for (auto c : per_account) sum += c;
    return sum;
}

int Main(int argc, char** argv) {
    int rounds = 3, enheter = 1000, accounts = 100;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const int v = std::atoi(argv[i + 1]);
        if (a == "--rounds") rounds = v;
        if (a == "--enheter") enheter = v;
        if (a == "--accounts") accounts = v;
    }
    const World w = MakeWorld(enheter, accounts);
    ReportStore store("");
    const auto t0 = Clock::now();
    Load(store, w);
    std::printf("loaded %zu enheter x %zu accounts x 12 months: %zu ledger sums in %.2f s\n",
                w.enheter.size(), w.accounts.size(), store.rows().size(),
                Seconds(Clock::now() - t0));

    const auto timetable = domain::BuildTimetable(kYear, {});
    if (!timetable.ok()) return 1;
    const auto* tertial = &timetable->events.front();
    for (const auto& e : timetable->events) {
        if (e.kind == domain::TimetableEventKind::kTertialReport) tertial = &e;
    }
    const ReportRequest request{Kind::kTertial, "KF", *domain::Period::Of(kYear, 4),
                                tertial->date.AddDays(-1)};
    BuildOptions options;
    options.timetable = &*timetable;
    auto templates = text::Templates::Load(DefaultTemplates(), "");
    if (!templates.ok()) return 1;
    // The parent of every interned unit, for the baseline's roll-up.
    auto md = store.Master(kYear);
    if (!md.ok()) {
        std::fprintf(stderr, "reporting_bench: %s\n", md.error().ToString().c_str());
        return 1;
    }
    std::map<std::string, std::string> parent;
    for (const auto& u : w.org) parent[u.id.value()] = u.parent ? u.parent->value() : "";
    std::vector<std::int32_t> parent_of(store.units().size(), -1);
    for (std::size_t i = 0; i < store.units().size(); ++i) {
        const std::string id(store.units().Name(static_cast<std::uint32_t>(i)));
        const auto p = parent[id];
        if (!p.empty()) {
            if (auto idx = store.units().Find(p)) parent_of[i] = static_cast<std::int32_t>(*idx);
        }
    }
    const auto dir = std::filesystem::temp_directory_path() /
                     ("bfu-reporting-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);

    std::printf(
        "\n| round | baseline: aggregates | model | json | html | xlsx | json+html+xlsx "
        "(model incl.) | ratio to baseline |\n|---|---|---|---|---|---|---|---|\n");
    std::vector<double> base_s, model_s, json_s, html_s, xlsx_s, total_s, ratio;
    std::int64_t check = 0;
    std::size_t json_bytes = 0, html_bytes = 0;
    for (int round = 1; round <= rounds; ++round) {
        auto a = Clock::now();
        check += Aggregates(store, parent_of, request.as_of, 4);
        auto b = Clock::now();
        auto report = BuildReport(store, request, options);
        if (!report.ok()) {
            std::fprintf(stderr, "reporting_bench: %s\n", report.error().ToString().c_str());
            return 1;
        }
        auto c = Clock::now();
        const std::string json = RenderJson(*report);
        auto d = Clock::now();
        auto html = RenderHtml(*report, *templates);
        if (!html.ok()) return 1;
        auto e = Clock::now();
        if (auto s = WriteXlsx(*report, dir / "tertialrapport.xlsx"); !s.ok()) return 1;
        auto f = Clock::now();
        json_bytes = json.size();
        html_bytes = html->size();
        base_s.push_back(Seconds(b - a));
        model_s.push_back(Seconds(c - b));
        json_s.push_back(Seconds(d - c));
        html_s.push_back(Seconds(e - d));
        xlsx_s.push_back(Seconds(f - e));
        total_s.push_back(Seconds(f - b));
        ratio.push_back(total_s.back() / base_s.back());
        std::printf("| %d | %.3f s | %.3f s | %.3f s | %.3f s | %.3f s | %.3f s | %.1f |\n", round,
                    base_s.back(), model_s.back(), json_s.back(), html_s.back(), xlsx_s.back(),
                    total_s.back(), ratio.back());
    }
    std::printf("| median | %.3f s | %.3f s | %.3f s | %.3f s | %.3f s | **%.3f s** | **%.1f** |\n",
                Median(base_s), Median(model_s), Median(json_s), Median(html_s), Median(xlsx_s),
                Median(total_s), Median(ratio));
    std::printf(
        "\nJSON %zu bytes, HTML %zu bytes, XLSX %ju bytes; checksum %lld\n", json_bytes, html_bytes,
        static_cast<std::uintmax_t>(std::filesystem::file_size(dir / "tertialrapport.xlsx")),
        static_cast<long long>(check));
    std::filesystem::remove_all(dir);
    return 0;
}

}  // namespace
}  // namespace bfu::reporting

int main(int argc, char** argv) { return bfu::reporting::Main(argc, argv); }
