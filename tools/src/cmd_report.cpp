// bfu report: the reports the rules ask for, made by the reporting service (ZeroMQ,
// BFU_REPORTING_ZMQ), which writes their files under its folder and announces them on
// bfu.reports (docs/services/reporting.md).
//   report make KIND --scope UNIT --period YYYY-MM [--as-of YYYY-MM-DD]
//               [--format html,xlsx,pdf,json] [--json]
//       KIND: tertialrapport, delarsrapport, arsredovisning, sektorssammanfattning,
//       dialogunderlag; the period is the last month the report covers. Prints the path of
//       each file written, one a line (--json: the whole answer).
//   report list [--json]
//       every report announced: kind, scope, period, as-of, files
//   report templates export DIR [--overwrite]
//       the default report templates, for the finance unit to edit (reporting.templates_dir)
#include <chrono>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bfu/domain/workdays.hpp"
#include "bfu/reporting/kinds.hpp"
#include "bfu/reporting/render.hpp"
#include "bfu/text/swedish.hpp"
#include "bfu/text/templates.hpp"
#include "bfu/zmq/zmq.hpp"
#include "cli_support.hpp"
#include "commands.hpp"

namespace bfu::cli {

namespace {

using nlohmann::json;

constexpr const char* kDefaultReportingZmq = "tcp://127.0.0.1:15555";
// A report with a PDF takes a few seconds; a large one longer. One attempt only: a request
// sent again while the first is still being made would make the report twice.
constexpr std::chrono::milliseconds kMakeTimeout{300'000};

core::Result<json> Call(const std::string& endpoint, const json& request,
                        std::chrono::milliseconds timeout) {
    ::zmq::context_t ctx(1);
    zmq::JsonClient client(ctx, endpoint, {timeout, 1, {}});
    return client.Call(request);
}

int Refused(const core::Error& e, const std::string& endpoint, std::ostream& err) {
    if (e.code == core::Errc::kTimeout) {
        err << "bfu: inget svar från rapporteringen på " << endpoint
            << " (kör bfu-reporting? BFU_REPORTING_ZMQ)\n";
    } else {
        err << "bfu: " << e.message << "\n";
    }
    return 1;
}

std::string KindText(const std::string& kind) {
    auto k = reporting::ParseKind(kind);
    return k.ok() ? std::string(reporting::KindTitle(*k)) : kind;
}

std::string AsOfText(const std::string& rfc3339) {
    auto t = core::FromRfc3339(rfc3339);
    return t.ok() ? text::DateText(domain::StockholmDate(*t)) : rfc3339;
}

int Make(const Env& env, const Args& a, std::ostream& out, std::ostream& err) {
    if (a.positional.size() != 1 || a.Opt("scope").empty() || a.Opt("period").empty()) {
        throw UsageError(
            "try: bfu report make tertialrapport|delarsrapport|arsredovisning|"
            "sektorssammanfattning|dialogunderlag --scope UNIT --period YYYY-MM "
            "[--as-of YYYY-MM-DD] [--format html,xlsx,pdf,json]");
    }
    auto kind = reporting::ParseKind(a.positional[0]);
    if (!kind.ok()) throw UsageError(kind.error().message);
    json request{{"op", "report.make"},
                 {"kind", std::string(reporting::KindId(*kind))},
                 {"scope", a.Opt("scope")},
                 {"period", a.Opt("period")}};
    if (a.options.count("as-of") != 0) request["asOf"] = a.Opt("as-of");
    if (a.options.count("format") != 0) request["formats"] = a.All("format");
    const std::string endpoint = env.Get("BFU_REPORTING_ZMQ", kDefaultReportingZmq);
    auto reply = Call(endpoint, request, kMakeTimeout);
    if (!reply.ok()) return Refused(reply.error(), endpoint, err);
    if (a.Flag("json")) {
        out << reply->dump(2) << "\n";
        return 0;
    }
    for (const auto& f : reply->value("files", json::array())) {
        out << f.value("path", "") << "\n";
    }
    return 0;
}

int List(const Env& env, const Args& a, std::ostream& out, std::ostream& err) {
    const std::string endpoint = env.Get("BFU_REPORTING_ZMQ", kDefaultReportingZmq);
    auto reply = Call(endpoint, json{{"op", "report.list"}}, std::chrono::milliseconds(10'000));
    if (!reply.ok()) return Refused(reply.error(), endpoint, err);
    const json reports = reply->value("reports", json::array());
    if (a.Flag("json")) {
        out << reports.dump(2) << "\n";
        return 0;
    }
    if (reports.empty()) {
        out << "Inga rapporter ännu.\n";
        return 0;
    }
    for (const auto& r : reports) {
        std::string formats;
        for (const auto& f : r.value("files", json::array())) {
            formats += (formats.empty() ? "" : ",") + f.value("format", "");
        }
        std::ostringstream line;
        line << std::left << std::setw(22) << KindText(r.value("kind", "")) << " " << std::setw(8)
             << r.value("scope", "") << " " << std::setw(14)
             << text::PeriodText(r.value("period", "")) << " per " << AsOfText(r.value("asOf", ""))
             << "  " << formats;
        out << line.str() << "\n";
        for (const auto& f : r.value("files", json::array())) {
            out << "    " << f.value("path", "") << "\n";
        }
    }
    return 0;
}

int ExportTemplates(const Args& a, std::ostream& out, std::ostream& err) {
    if (a.positional.size() != 1)
        throw UsageError("try: bfu report templates export DIR [--overwrite]");
    auto written =
        text::ExportTemplates(reporting::DefaultTemplates(), a.positional[0], a.Flag("overwrite"));
    if (!written.ok()) {
        err << "bfu: " << written.error().ToString() << "\n";
        return 1;
    }
    for (const auto& p : *written) out << p.string() << "\n";
    return 0;
}

}  // namespace

int Report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Env env;
    const std::string verb = args.size() > 1 ? args[1] : "";
    if (verb == "make") return Make(env, Parse(args, 2, {"json"}), out, err);
    if (verb == "list") return List(env, Parse(args, 2, {"json"}), out, err);
    if (verb == "templates" && args.size() > 2 && args[2] == "export") {
        return ExportTemplates(Parse(args, 3, {"overwrite"}), out, err);
    }
    throw UsageError(
        "try: bfu report make KIND --scope UNIT --period YYYY-MM, bfu report list, "
        "bfu report templates export DIR");
}

}  // namespace bfu::cli
