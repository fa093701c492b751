#pragma once
// Internal to the bfu CLI: `bfu demo run` (the year driver, driver.cpp) and `bfu demo summary`
// (the summary page, summary.cpp), and what both read from the running services (observe.cpp).
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bfu/domain/calendar.hpp"
#include "bfu/generator/municipality.hpp"

namespace bfu::cli::demo {

// Where the services answer HTTP (/metrics, ingest's POST /v1/vouchers, the notifier's /svar).
struct Endpoints {
    std::string ingest = "http://127.0.0.1:18081";
    std::string analysis = "http://127.0.0.1:18082";
    std::string forecasting = "http://127.0.0.1:18083";
    std::string notifier = "http://127.0.0.1:18084";
    std::string reporting = "http://127.0.0.1:18085";
    std::string casework = "http://127.0.0.1:18086";
};

struct RunOptions {
    generator::Size size = generator::Size::kMedium;
    int year = 2026;
    std::filesystem::path data_dir;  // the files the commands import; written at start
    // The last business day to run (default: the day after December's close day, in the next
    // year, so that December is judged and the year's reports can be made).
    std::optional<domain::Date> through;
    Endpoints endpoints;
    std::string ingest_token;        // the bearer token of POST /v1/vouchers
    std::filesystem::path mail_dir;  // the Maildir the SMTP server delivers to (counted)
    std::filesystem::path log_file;  // every command run and its answer; empty: none
    bool live = false;               // rewrite one progress line (a terminal)
};

// Runs the year through the live services; 0 when it ran to its end (refused commands are
// logged and counted, not fatal), 1 when the services could not be driven.
int RunYear(const RunOptions& options, std::ostream& out, std::ostream& err);

struct SummaryOptions {
    generator::Size size = generator::Size::kMedium;
    int year = 2026;
    std::filesystem::path out_file;     // .bfu/demo/index.html
    std::filesystem::path reports_dir;  // reporting.dir
    std::filesystem::path mail_dir;     // the Maildir
    std::filesystem::path run_file;     // what `demo run` wrote about the run (JSON), optional
    Endpoints endpoints;
    bool json = false;  // also print the figures as JSON on `out`
};

// Writes the summary page from the running system; 0 when every control total reconciles.
int WriteSummary(const SummaryOptions& options, std::ostream& out, std::ostream& err);

// ---- What the driver and the summary read from the services (observe.cpp) ----

// A service's /metrics as name{labels} -> value (the labels as written); nullopt when it does
// not answer.
[[nodiscard]] std::optional<std::map<std::string, double>> ScrapeMetrics(const std::string& base);
// The sum of every series of a metric name (all label sets).
[[nodiscard]] double SumOf(const std::map<std::string, double>& metrics, std::string_view name);

// Files in a Maildir's new/ and cur/.
[[nodiscard]] std::size_t CountMail(const std::filesystem::path& maildir);

}  // namespace bfu::cli::demo
