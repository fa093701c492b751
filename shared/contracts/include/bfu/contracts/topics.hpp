#pragma once
// Topic names and key builders. The same list is in schemas/topics.tsv (read by ops/stack to
// create the topics) and in schemas/asyncapi.yaml (the contract); a unit test checks that the
// three agree.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace bfu::contracts::topics {

// max.message.bytes of bfu.erp.vouchers and bfu.ledger.rejected (kAll): a producer writing
// them sets message.max.bytes to this (librdkafka's default, 1 000 000, is smaller).
inline constexpr std::size_t kLargeRecordMaxBytes = 16U << 20U;

inline constexpr std::string_view kErpVouchers = "bfu.erp.vouchers";
inline constexpr std::string_view kLedgerLines = "bfu.ledger.lines";
inline constexpr std::string_view kLedgerRejected = "bfu.ledger.rejected";
inline constexpr std::string_view kMasterOrg = "bfu.master.org";
inline constexpr std::string_view kMasterAccounts = "bfu.master.accounts";
inline constexpr std::string_view kMasterBudget = "bfu.master.budget";
inline constexpr std::string_view kMasterGoals = "bfu.master.goals";
inline constexpr std::string_view kOpsHr = "bfu.ops.hr";
inline constexpr std::string_view kOpsGoalOutcomes = "bfu.ops.goal-outcomes";
inline constexpr std::string_view kUnitAggregates = "bfu.unit.aggregates";
inline constexpr std::string_view kForecasts = "bfu.forecasts";
inline constexpr std::string_view kForecastSubmissions = "bfu.forecast.submissions";
inline constexpr std::string_view kDeviations = "bfu.deviations";
inline constexpr std::string_view kAlerts = "bfu.alerts";
inline constexpr std::string_view kReports = "bfu.reports";
inline constexpr std::string_view kCalendar = "bfu.calendar";
inline constexpr std::string_view kDeadLetter = "bfu.dlq";
inline constexpr std::string_view kIngestDecisions = "bfu.ingest.decisions";
inline constexpr std::string_view kClock = "bfu.clock";
inline constexpr std::string_view kCaseMeasures = "bfu.casework.measures";
inline constexpr std::string_view kCaseComments = "bfu.casework.comments";
inline constexpr std::string_view kCasePlans = "bfu.casework.plans";
inline constexpr std::string_view kCaseDecisions = "bfu.casework.decisions";

// One row of schemas/topics.tsv.
struct TopicSpec {
    std::string_view name;
    int partitions;
    std::string_view cleanup_policy;  // "compact" or "delete"
    std::string_view key;
    std::string_view owner;
    // Further topic configs, "name=value" joined by ','; "" for none (the tsv writes "-").
    std::string_view configs;
};

inline constexpr std::array<TopicSpec, 23> kAll = {{
    // Up to 16 MiB a voucher: POST /v1/vouchers hands vouchers over through it (ingest).
    {kErpVouchers, 6, "delete", "source:voucherId", "erp connectors, bfu import",
     "max.message.bytes=16777216"},
    {kLedgerLines, 6, "delete", "unit id", "ingest", ""},
    // A rejection keeps the original verbatim (up to 2 MiB, with at most 100 reasons): up to
    // 16 MiB a record, so that even one escaped six times over fits (ingest's producers match).
    {kLedgerRejected, 6, "delete", "source:voucherId", "ingest", "max.message.bytes=16777216"},
    {kMasterOrg, 3, "compact", "unit id", "bfu import", ""},
    {kMasterAccounts, 3, "compact", "account number", "bfu import", ""},
    // One key per revision, so compaction keeps every revision (the budget's history).
    {kMasterBudget, 3, "compact", "year:unit:accountGroup:revision", "bfu import", ""},
    {kMasterGoals, 3, "compact", "goal id", "bfu import", ""},
    {kOpsHr, 3, "delete", "unit id", "bfu import", ""},
    {kOpsGoalOutcomes, 3, "delete", "unit id", "bfu import", ""},
    {kUnitAggregates, 6, "compact", "year:unit", "analysis", ""},
    {kForecasts, 3, "delete", "year:unit:round", "forecasting", ""},
    {kForecastSubmissions, 3, "delete", "year:unit:round", "forecasting", ""},
    {kDeviations, 6, "delete", "deviation id", "analysis", ""},
    {kAlerts, 3, "delete", "alert id", "notifier", ""},
    {kReports, 3, "delete", "report id", "reporting", ""},
    // The finance unit's period and year closings (and, later, the timetable's dates): one
    // partition, one order for every reader; kept for ever, as the register of closings.
    {kCalendar, 1, "delete", "year:ref", "bfu period", "retention.ms=-1"},
    {kDeadLetter, 3, "delete", "original key", "every consumer", ""},
    // Kept for ever: it is ingest's durable duplicate register and the control-total ledger.
    {kIngestDecisions, 6, "delete", "source:voucherId", "ingest", "retention.ms=-1"},
    // Simulated business time for tests and the demo: one key, compacted to the latest tick.
    {kClock, 1, "compact", "clock", "bfu clock", ""},
    // The decide stage (casework.hpp): one writer, kept for ever; each event carries the whole
    // entity as it stands, so the topics are the entities' history.
    {kCaseMeasures, 3, "delete", "measure id", "casework", "retention.ms=-1"},
    {kCaseComments, 3, "delete", "unit id", "casework", "retention.ms=-1"},
    {kCasePlans, 3, "delete", "plan id", "casework", "retention.ms=-1"},
    // One partition: the decisions of all bodies in one order.
    {kCaseDecisions, 1, "delete", "decision id", "casework", "retention.ms=-1"},
}};

// Every config of a topic for creating it: cleanup.policy plus `configs`, as name -> value.
[[nodiscard]] std::map<std::string, std::string> TopicConfigs(const TopicSpec& spec);

}  // namespace bfu::contracts::topics

namespace bfu::contracts::keys {

// "source:voucherId" for bfu.erp.vouchers and bfu.ledger.rejected.
[[nodiscard]] std::string Voucher(std::string_view source, std::string_view voucher_id);
// "year:unit" for bfu.unit.aggregates.
[[nodiscard]] std::string YearUnit(int year, std::string_view unit);
// "year:unit:round" for bfu.forecasts and bfu.forecast.submissions.
[[nodiscard]] std::string YearUnitRound(int year, std::string_view unit, int round);
// "year:unit:accountGroup:revision" for bfu.master.budget: one key per revision, so the
// compacted topic keeps every revision of a budget, not only the latest.
[[nodiscard]] std::string Budget(int year, std::string_view unit, std::string_view account_group,
                                 std::int64_t revision);
// "year:ref" for bfu.calendar: "2026:202604" (a period's closing and reopening),
// "2026:arsbokslut" (the year's closing).
[[nodiscard]] std::string Calendar(int year, std::string_view ref);

}  // namespace bfu::contracts::keys
