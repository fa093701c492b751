// bfu reconcile [--year Y] [--reports DIR] [--json] [--metrics FILE] [--no-redis]
// [--alerts-delivered]: the ledger
// against analysis's cells, Redis and the latest report, per unit and month, to the öre, with
// ingest's control totals and the dead letters (reconcile.hpp). Exit 0 when everything agrees,
// 1 on any difference (or when Redis cannot be read), 2 on a wrong command line.
#include <fstream>

#include "commands.hpp"
#include "reconcile.hpp"

namespace bfu::cli {

int Reconcile(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const Args a = Parse(args, 1, {"json", "no-redis", "alerts-delivered"});
    for (const auto& [name, value] : a.options) {
        if (name != "year" && name != "reports" && name != "json" && name != "metrics" &&
            name != "no-redis" && name != "timeout-s" && name != "alerts-delivered") {
            throw UsageError("bfu reconcile: unknown option --" + name);
        }
    }
    if (!a.positional.empty()) {
        throw UsageError("bfu reconcile takes no argument, got '" + a.positional.front() + "'");
    }
    const Env env;
    reconcile::Options o;
    if (a.Flag("year")) {
        try {
            o.year = std::stoi(a.Opt("year"));
        } catch (const std::exception&) {
            throw UsageError("--year: not a year: " + a.Opt("year"));
        }
        if (o.year < 1900 || o.year > 9999)
            throw UsageError("--year: not a year: " + a.Opt("year"));
    }
    o.reports_dir = a.Opt("reports", env.Get("BFU_REPORTING_DIR"));
    o.with_redis = !a.Flag("no-redis");
    o.alerts_delivered = a.Flag("alerts-delivered");
    if (a.Flag("timeout-s")) o.timeout = std::chrono::seconds(std::stoi(a.Opt("timeout-s")));
    auto r = reconcile::Run(o, env);
    if (!r.ok()) {
        err << "bfu reconcile: " << r.error().ToString() << "\n";
        return 1;
    }
    if (a.Flag("metrics")) {
        std::ofstream m(a.Opt("metrics"), std::ios::binary);
        m << reconcile::ToMetrics(*r);
        if (!m) {
            err << "bfu reconcile: cannot write " << a.Opt("metrics") << "\n";
            return 1;
        }
    }
    if (a.Flag("json")) {
        out << reconcile::ToJson(*r).dump(2) << "\n";
    } else {
        out << reconcile::ToText(*r);
    }
    return r->Ok() ? 0 : 1;
}

}  // namespace bfu::cli
