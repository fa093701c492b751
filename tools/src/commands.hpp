#pragma once
// The bfu CLI's command families, one cmd_*.cpp file each; cli.cpp dispatches to them. Each
// returns the process exit code (0 ok, 1 failure, 2 usage or bad input) and throws UsageError
// for a wrong command line.
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bfu/core/clock.hpp"
#include "cli_support.hpp"

namespace bfu::cli {

// `args` is the whole command line (args[0] is the command).

// bfu import org|accounts|budget|goals|hr FILE (JSON or CSV; cmd_import.cpp).
int ImportMaster(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// bfu import sie FILE [--dry-run] [--json] [--unit U] ... (cmd_sie.cpp).
int ImportSie(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// bfu ingest totals|duplicates [--json] [--source S] (cmd_ingest.cpp).
int Ingest(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// bfu reconcile [--year Y] [--reports DIR] [--json] [--metrics FILE] (cmd_reconcile.cpp).
int Reconcile(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// bfu deviation ack ID (analysis; cmd_deviation.cpp).
int DeviationCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// bfu measure add|status|done, comment add, deviation comment, plan draft|change|propose,
// decision record (casework; cmd_casework.cpp).
int CaseworkCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// The "Åtgärder och beslut" section of bfu status UNIT from the unit's casework summary (the
// JSON casework writes to Redis, <prefix>casework:<unit>; cmd_casework.cpp).
void PrintCasework(const nlohmann::json& view, std::ostream& out);
// bfu demo generate|run|summary: Exempelkommun, its year through the services, the summary
// page (cmd_demo.cpp, demo/).
int Demo(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// bfu period close|reopen YYYY-MM, period list, year close YYYY: the finance unit's decisions
// on bfu.calendar (cmd_period.cpp).
int PeriodCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// The latest time on the simulated business clock (bfu.clock), nullopt when none was set
// (cmd_notifier.cpp).
std::optional<core::TimePoint> ReadBusinessClock(const Env& env, std::ostream& err);
// bfu forecast submit UNIT AMOUNT_SEK ... / bfu forecast accuracy (cmd_forecast.cpp).
int Forecast(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// bfu report make|list|templates export (reporting; cmd_report.cpp).
int Report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// bfu status UNIT --as-of YYYY-MM-DD [--year Y] [--json]: replayed from the topics
// (cmd_status_as_of.cpp).
int StatusAsOf(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// bfu alerts / clock / templates (cmd_notifier.cpp).
int NotifierCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// bfu watch [--unit U] ... (cmd_notifier.cpp).
int Watch(const Env& env, const Args& a, std::ostream& out, std::ostream& err);
// Sends one request to a service's ZeroMQ endpoint: prints the reply with `print` (or as JSON)
// and returns 0, or prints the refusal (code, field, message) or the timeout and returns 1.
int SendCommand(const std::string& endpoint, const nlohmann::json& request, bool as_json,
                std::ostream& out, std::ostream& err,
                const std::function<void(const nlohmann::json&)>& print);

}  // namespace bfu::cli
