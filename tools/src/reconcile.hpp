#pragma once
// Internal to the bfu CLI: `bfu reconcile` and the demo's summary page. Nothing lost, nothing
// counted twice, read from the running system alone:
//   - ingest's control totals (in = accepted + rejected + duplicates, per way and source, to the
//     öre) over bfu.ingest.decisions, bfu.ledger.lines and bfu.ledger.rejected;
//   - the ledger = analysis's cells = Redis = the latest report, per unit and month, to the öre:
//     the operating outcome of every unit summed from bfu.ledger.lines and rolled up through the
//     organisation as it was in each month (bfu.master.org with its history), against
//       * analysis's cells: the latest bfu.unit.aggregates record per year:unit
//         (totals.months[m].outcomeOre),
//       * Redis: the unit's status in the year (<prefix>unit:<id>:<year>, outcome_year_ore),
//       * the latest report of the root's scope (the reporting folder's manifest): its
//         units[].months[].outcomeOre, against the ledger lines dated on or before its asOf;
//   - dead letters on bfu.dlq, counted per topic and reason (the errc the consumer gave);
//   - bfu.deviations: every deviation's events 1..its latest seq exist (none lost), and copies
//     of one event id (at-least-once: consumers de-duplicate by id) are the same event;
//   - bfu.alerts: no alert sent twice; with `alerts_delivered`, every alert planned to go at
//     once (pending) was sent or delivered (one queued for a daily digest waits for its time).
// A unit or month absent on one side counts as 0 there; a unit absent from Redis is a
// difference once it has outcome. Differences are listed unit by unit in Swedish.
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bfu/contracts/master.hpp"
#include "bfu/core/result.hpp"
#include "bfu/ingest/totals.hpp"
#include "cli_support.hpp"

namespace bfu::cli::reconcile {

// The organisation as published on bfu.master.org (latest record per unit, with its history),
// asked for the tree of a month.
class OrgByMonth {
public:
    void Add(contracts::OrgUnit u);
    [[nodiscard]] const std::map<std::string, contracts::OrgUnit>& units() const { return units_; }
    // The unit's parent in the month (YYYYMM as a number), "" for the root.
    [[nodiscard]] std::string ParentIn(const std::string& id, int period_code) const;
    // The unit and its ancestors in the month, the unit first.
    [[nodiscard]] std::vector<std::string> Line(const std::string& id, int period_code) const;
    // The unit without a parent ("" when none is published).
    [[nodiscard]] std::string Root() const;

private:
    std::map<std::string, contracts::OrgUnit> units_;
};

using MonthOre = std::array<std::int64_t, 12>;

struct UnitFigures {
    MonthOre ledger{};                  // from bfu.ledger.lines, rolled up
    std::optional<MonthOre> analysis;   // bfu.unit.aggregates
    std::optional<std::int64_t> redis;  // outcome_year_ore in Redis
    std::optional<MonthOre> report;     // the latest report's months (through its period)
    MonthOre ledger_at_report{};        // the ledger dated on or before the report's asOf
    [[nodiscard]] std::int64_t LedgerYear() const;
};

struct Difference {
    std::string check;  // "analys", "redis", "rapport"
    std::string unit;
    std::string period;  // YYYYMM; "" for the whole year
    std::int64_t ledger_ore = 0;
    std::int64_t other_ore = 0;
};

struct DeadLetters {
    std::string topic;   // without the topic prefix
    std::string reason;  // the errc the consumer gave (bfu.dlq.errc)
    std::int64_t count = 0;
    std::string example;  // the first reason text (bfu.dlq.reason)
};

struct DeviationCheck {
    std::size_t deviations = 0;        // deviation ids
    std::size_t events = 0;            // distinct event ids
    std::size_t copies = 0;            // records beyond the first of an event id (de-duplicated)
    std::vector<std::string> missing;  // "<deviation id>:<seq>" not on the topic
    std::vector<std::string> conflicting;  // event ids whose copies are different events
};

struct AlertCheck {
    std::size_t planned = 0;             // alert ids with a pending record (to be sent at once)
    std::size_t waiting_for_digest = 0;  // queued for a digest not yet sent
    std::size_t delivered = 0;           // ... with a sent, delivered or digested record
    std::size_t failed = 0;              // ... whose latest record is failed
    std::vector<std::string> sent_twice;
    std::vector<std::string>
        undelivered;  // planned, never sent (a difference with alerts_delivered)
};

struct ReportInfo {
    std::string file;  // the JSON file compared
    std::string kind, scope, period, as_of;
    std::size_t units = 0;
};

struct Options {
    int year = 0;                       // 0: the latest fiscal year on the ledger
    std::filesystem::path reports_dir;  // reporting.dir; empty: no report compared
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    bool with_redis = true;
    bool alerts_delivered = false;  // an alert planned and not sent is a difference
};

struct Result {
    int year = 0;
    std::int64_t lines = 0;  // on bfu.ledger.lines, every year
    ingest::ControlTotals totals;
    OrgByMonth org;
    std::map<std::string, UnitFigures> units;  // every unit with a figure on any side
    std::size_t aggregates = 0;                // units with cells in the year
    std::size_t redis_units = 0;               // units with a status in Redis for the year
    std::optional<ReportInfo> report;
    std::vector<Difference> differences;  // analysis, Redis and report against the ledger
    std::vector<DeadLetters> dead_letters;
    DeviationCheck deviations;
    AlertCheck alerts;
    bool alerts_delivered = false;
    std::string redis_error;  // why Redis could not be read ("" when it could)

    [[nodiscard]] bool TotalsReconcile() const { return totals.Differences().empty(); }
    // Every check: the control totals, the cells, Redis (when read) and the report (when one).
    [[nodiscard]] bool Ok() const {
        return TotalsReconcile() && differences.empty() && redis_error.empty() &&
               deviations.missing.empty() && deviations.conflicting.empty() &&
               alerts.sent_twice.empty() && (!alerts_delivered || alerts.undelivered.empty());
    }
    [[nodiscard]] std::int64_t DeadLetterCount() const;
};

// Reads everything and compares; an error when Kafka cannot be read.
[[nodiscard]] core::Result<Result> Run(const Options& options, const Env& env);

// The outcome as a controller reads it (Swedish), the differences listed (at most `max_listed`).
[[nodiscard]] std::string ToText(const Result& r, std::size_t max_listed = 50);
[[nodiscard]] nlohmann::json ToJson(const Result& r);
// The same figures as Prometheus metrics (text exposition format, for a textfile collector):
// bfu_reconcile_ok, bfu_reconcile_differences{check}, bfu_reconcile_dead_letters{topic,reason},
// bfu_reconcile_ledger_lines, bfu_reconcile_deviation_events, bfu_reconcile_alerts{state}.
[[nodiscard]] std::string ToMetrics(const Result& r);

}  // namespace bfu::cli::reconcile
