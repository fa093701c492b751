// bfu demo: Exempelkommun, the example municipality.
//   demo generate --out DIR [--year Y]
//       the small example of the walking skeleton: seven enheter and January (example_municipality)
//   demo generate --size small|medium|large --out DIR [--year Y] [--months N] [--no-vouchers]
//       a whole year (bfu::generator): master data, HR figures, goal outcomes, the
//       reorganisation, the managers' script, the stories, and the vouchers month by month
//   demo run --size S [--year Y] --data DIR [--through YYYY-MM-DD] [--mail DIR] [--log FILE]
//            [--ingest URL] [--analysis URL] [--forecasting URL] [--notifier URL]
//            [--reporting URL] [--casework URL] [--live]
//       drives the year through the running services on the simulated clock (demo/driver.cpp)
//   demo summary --size S [--year Y] --out FILE --reports DIR --mail DIR [--run FILE] [--json]
//       the summary page from the running system (demo/summary.cpp)
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bfu/cli/example_municipality.hpp"
#include "bfu/generator/municipality.hpp"
#include "commands.hpp"
#include "demo/demo.hpp"

namespace bfu::cli {

namespace {

using nlohmann::json;

int YearOf(const Args& a) {
    int year = 0;
    try {
        const std::time_t now = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&now, &tm);
        year = std::stoi(a.Opt("year", std::to_string(tm.tm_year + 1900)));
    } catch (...) {
        throw UsageError("--year must be a year like 2026");
    }
    if (year < 1900 || year > 2999) throw UsageError("--year must be a year like 2026");
    return year;
}

generator::Size SizeOf(const Args& a) {
    auto s = generator::ParseSize(a.Opt("size", "medium"));
    if (!s) throw UsageError("--size is small, medium or large, not '" + a.Opt("size") + "'");
    return *s;
}

void CheckOptions(const Args& a, const std::vector<std::string>& known, const std::string& usage) {
    if (!a.positional.empty()) throw UsageError(usage);
    for (const auto& [name, value] : a.options) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            throw UsageError("unknown option --" + name + "; " + usage);
        }
    }
}

int GenerateClassic(const std::filesystem::path& dir, int year, std::ostream& out) {
    std::filesystem::create_directories(dir);
    const auto m = MakeExampleMunicipality(year);
    auto write_array = [&](const std::string& name, const auto& items) {
        json arr = json::array();
        for (const auto& i : items) arr.push_back(i.ToJson());
        std::ofstream(dir / name) << arr.dump(2) << "\n";
    };
    write_array("org.json", m.org);
    write_array("accounts.json", m.accounts);
    write_array("budget.json", m.budgets);
    std::ofstream v(dir / "vouchers.ndjson");
    for (const auto& voucher : m.vouchers) v << voucher.ToJson().dump() << "\n";
    out << "wrote " << m.org.size() << " units, " << m.accounts.size() << " accounts, "
        << m.budgets.size() << " budget lines and " << m.vouchers.size() << " vouchers to "
        << dir.string() << "\n";
    return 0;
}

int Generate(const Args& a, std::ostream& out) {
    const std::string usage =
        "try: bfu demo generate --out DIR [--year Y] or bfu demo generate --size "
        "small|medium|large --out DIR [--year Y] [--months N] [--no-vouchers]";
    CheckOptions(a, {"out", "year", "size", "months", "no-vouchers"}, usage);
    if (!a.Flag("out")) throw UsageError("demo generate needs --out DIR");
    const std::filesystem::path dir = a.Opt("out");
    const int year = YearOf(a);
    if (!a.Flag("size")) return GenerateClassic(dir, year, out);
    int months = 12;
    if (a.Flag("months")) {
        try {
            months = std::stoi(a.Opt("months"));
        } catch (...) {
            months = 0;
        }
        if (months < 0 || months > 12) throw UsageError("--months is 0..12");
    }
    if (a.Flag("no-vouchers")) months = 0;
    const auto m = generator::Generate(SizeOf(a), year);
    std::filesystem::create_directories(dir);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name, std::ios::binary) << text;
    };
    auto array = [](const auto& items) {
        json arr = json::array();
        for (const auto& i : items) arr.push_back(i.ToJson());
        return arr.dump(2) + "\n";
    };
    write("org.json", array(m.org()));
    write("accounts.json", array(m.accounts()));
    write("budget.json", array(m.budgets()));
    write("goals.json", array(m.goals()));
    for (const auto& f : m.Feeds()) write(f.file, m.FeedFile(f));
    for (const auto& [name, text] : m.Files()) write(name, text);
    json script = json::array();
    for (const auto& act : m.Script()) {
        json cmd = json::array();
        for (const auto& c : act.command) cmd.push_back(c);
        script.push_back({{"at", core::ToRfc3339(act.at)},
                          {"actor", act.actor},
                          {"story", act.story},
                          {"description", act.description},
                          {"command", cmd}});
    }
    write("script.json", script.dump(2) + "\n");
    json feeds = json::array();
    for (const auto& f : m.Feeds()) {
        feeds.push_back({{"at", core::ToRfc3339(f.at)},
                         {"kind", f.kind},
                         {"file", f.file},
                         {"description", f.description}});
    }
    write("feeds.json", feeds.dump(2) + "\n");
    json stories = json::array();
    for (const auto& s : m.stories()) {
        stories.push_back(
            {{"key", s.key}, {"title", s.title}, {"text", s.text}, {"units", s.units}});
    }
    write("stories.json", stories.dump(2) + "\n");
    std::size_t vouchers = 0;
    std::size_t lines = 0;
    if (months > 0) std::filesystem::create_directories(dir / "vouchers");
    for (int month = 1; month <= months; ++month) {
        std::ofstream kafka(dir / "vouchers" /
                                (std::to_string(year) + "-" + (month < 10 ? "0" : "") +
                                 std::to_string(month) + ".ndjson"),
                            std::ios::binary);
        std::ofstream http(dir / "vouchers" /
                               (std::to_string(year) + "-" + (month < 10 ? "0" : "") +
                                std::to_string(month) + "-http.ndjson"),
                           std::ios::binary);
        for (const auto& d : m.VouchersOf(month)) {
            for (const auto& v : d.kafka) {
                kafka << generator::VoucherJson(v) << '\n';
                ++vouchers;
                lines += v.lines.size();
            }
            for (const auto& v : d.http) {
                http << generator::VoucherJson(v) << '\n';
                ++vouchers;
                lines += v.lines.size();
            }
        }
    }
    const auto t = m.totals();
    out << "Exempelkommun " << year << " (" << generator::ToString(m.size()) << "): " << t.units
        << " enheter i organisationen (" << t.namnder << " nämnder, " << t.sektorer << " sektorer, "
        << t.verksamheter << " verksamheter, " << t.enheter << " enheter), " << t.employees
        << " anställda, cirka " << t.inhabitants << " invånare\n"
        << "  " << m.accounts().size() << " konton, " << m.budgets().size() << " budgetrader, "
        << m.goals().size() << " mål, " << m.Script().size() << " planerade kommandon, "
        << m.Feeds().size() << " leveranser (HR, målutfall, omorganisation)\n";
    if (months > 0) {
        out << "  " << vouchers << " verifikationer med " << lines << " rader för " << months
            << (months == 1 ? " månad" : " månader") << " i " << (dir / "vouchers").string()
            << "\n";
    }
    out << "skrivet till " << dir.string() << "\n";
    return 0;
}

demo::Endpoints EndpointsOf(const Args& a) {
    demo::Endpoints e;
    e.ingest = a.Opt("ingest", e.ingest);
    e.analysis = a.Opt("analysis", e.analysis);
    e.forecasting = a.Opt("forecasting", e.forecasting);
    e.notifier = a.Opt("notifier", e.notifier);
    e.reporting = a.Opt("reporting", e.reporting);
    e.casework = a.Opt("casework", e.casework);
    return e;
}

int RunDemo(const Args& a, std::ostream& out, std::ostream& err) {
    const std::string usage =
        "try: bfu demo run --size small|medium|large --data DIR [--year Y] [--through "
        "YYYY-MM-DD] [--mail DIR] [--log FILE] [--live] [--ingest URL] ...";
    CheckOptions(a,
                 {"size", "year", "data", "through", "mail", "log", "live", "ingest", "analysis",
                  "forecasting", "notifier", "reporting", "casework"},
                 usage);
    if (!a.Flag("data"))
        throw UsageError("demo run needs --data DIR (where the imported files go)");
    demo::RunOptions o;
    o.size = SizeOf(a);
    o.year = YearOf(a);
    o.data_dir = a.Opt("data");
    if (a.Flag("through")) {
        auto d = domain::Date::Parse(a.Opt("through"));
        if (!d.ok()) throw UsageError("--through is a date YYYY-MM-DD");
        o.through = *d;
    }
    o.endpoints = EndpointsOf(a);
    Env env;
    o.ingest_token = env.Get("BFU_INGEST_HTTP_TOKEN");
    o.mail_dir = a.Opt("mail");
    o.log_file = a.Opt("log");
    o.live = a.Flag("live") && ::isatty(1) == 1;
    return demo::RunYear(o, out, err);
}

int Summary(const Args& a, std::ostream& out, std::ostream& err) {
    const std::string usage =
        "try: bfu demo summary --out FILE --reports DIR --mail DIR [--size S] [--year Y] [--run "
        "FILE] [--json] [--notifier URL]";
    CheckOptions(a,
                 {"size", "year", "out", "reports", "mail", "run", "json", "ingest", "analysis",
                  "forecasting", "notifier", "reporting", "casework"},
                 usage);
    if (!a.Flag("out"))
        throw UsageError("demo summary needs --out FILE (e.g. .bfu/demo/index.html)");
    demo::SummaryOptions o;
    o.size = SizeOf(a);
    o.year = YearOf(a);
    o.out_file = std::filesystem::absolute(a.Opt("out"));
    o.reports_dir = std::filesystem::absolute(a.Opt("reports", "reports"));
    o.mail_dir = std::filesystem::absolute(a.Opt("mail", "mail"));
    o.run_file = a.Opt("run");
    o.json = a.Flag("json");
    o.endpoints = EndpointsOf(a);
    return demo::WriteSummary(o, out, err);
}

}  // namespace

int Demo(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const std::string verb = args.size() > 1 ? args[1] : "";
    if (verb == "generate") return Generate(Parse(args, 2, {"no-vouchers"}), out);
    if (verb == "run") return RunDemo(Parse(args, 2, {"live"}), out, err);
    if (verb == "summary") return Summary(Parse(args, 2, {"json"}), out, err);
    throw UsageError("try: bfu demo generate|run|summary (bfu help)");
}

}  // namespace bfu::cli
