#pragma once
// A report's content (the model): every figure of one report, made by BuildReport from the
// ReportStore as of the request's cut-off. Renderers (render.hpp) turn it into JSON, HTML, XLSX
// and PDF; they add words, never figures.
//
// What "as of" means (docs/services/reporting.md):
//   outcome      ledger lines of the fiscal year in months January..period whose voucher date
//                is on or before as_of
//   budget       per (unit, account group) the revision in force on as_of, spread over the
//                months by its profile exactly as analysis does (domain::Spread)
//   forecasts    per unit, the latest written (madeAt before the cut-off) in the latest round
//                whose cut-off month is at or before the period; per round for the chart
//   deviations   bfu.deviations folded (service::DeviationFold) from the events before the
//                cut-off that concern months up to the period; those open then are listed
//   casework     measures, plans, decisions and comments folded (casework::CaseBook) from the
//                events before the cut-off
//   HR, goals    the latest figure of each month up to the period
// Units roll up along the organisation month by month (domain::Cube), as analysis rolls up,
// so every level is the sum of what is listed under it.
//
// Deterministic: the same store content and request give the same model, in the same order
// (units depth-first in tree order, everything else sorted), with no wall-clock time in it.
//
// Pure; thread-safety: BuildReport reads the store (the caller holds its lock).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bfu/core/result.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/reporting/kinds.hpp"
#include "bfu/reporting/store.hpp"

namespace bfu::reporting {

using Months = std::array<std::int64_t, 12>;  // fiscal months, January first

struct GroupFigures {
    std::string id;    // "personal"
    std::string name;  // "Personalkostnader"
    bool investment = false;
    Months outcome_months{};         // months after the period are 0
    Months budget_months{};          // every month of the year (the periodised budget)
    std::int64_t outcome = 0;        // January..period
    std::int64_t budget = 0;         // January..period
    std::int64_t annual_budget = 0;  // the whole year
    [[nodiscard]] std::int64_t deviation() const noexcept { return outcome - budget; }
};

struct Hr {
    std::int64_t headcount = 0;     // at the period's month
    double fte = 0;                 // årsarbetare at the period's month
    double sick_leave_pct = 0;      // the period's month, weighted by headcount
    double sick_leave_avg_pct = 0;  // January..period, weighted by headcount
    double overtime_hours = 0;      // the period's month
    double overtime_hours_ytd = 0;  // January..period
    int months = 0;                 // months with figures
};

struct UnitFigures {
    std::string id;
    std::string name;
    domain::Level level = domain::Level::kEnhet;
    std::string parent;  // "" for the scope
    int depth = 0;       // 0 for the scope
    std::string manager;
    std::string manager_role;
    // Operating (driftredovisning): all operating groups.
    Months outcome_months{};
    Months budget_months{};
    std::int64_t outcome = 0;
    std::int64_t budget = 0;
    std::int64_t annual_budget = 0;
    std::int64_t share_bp = 0;  // (outcome - budget) / |budget|, 0 without budget
    std::optional<std::int64_t> forecast;
    std::optional<int> forecast_round;
    std::optional<std::int64_t> forecast_with_measures;
    // Investments (investeringsredovisning).
    std::int64_t investment_outcome = 0;
    std::int64_t investment_budget = 0;
    std::int64_t investment_annual_budget = 0;
    std::vector<GroupFigures> groups;  // chart order; groups with any amount in the year
    std::optional<Hr> hr;
    std::string light;  // "green", "yellow", "red"
    [[nodiscard]] std::int64_t deviation() const noexcept { return outcome - budget; }
};

struct AccountFigures {
    std::string account;
    std::string name;
    std::string group;
    std::string group_name;
    Months months{};
    std::int64_t outcome = 0;
};

struct RoundFigures {
    int round = 0;
    std::string cutoff;  // YYYYMM: the round's last month
    std::optional<std::int64_t> forecast;
    std::optional<std::int64_t> with_measures;
    std::string made_at;  // RFC 3339 of the forecast that stands
    std::string method;   // the contract's word ("profile", "trend", "blend", "manager")
    std::optional<std::int64_t> change;  // against the round before
    // Once the year is complete (årsredovisning): the year's outcome and the error.
    std::optional<std::int64_t> actual;
    std::optional<std::int64_t> error;
    std::optional<std::int64_t> abs_error_bp;
};

// Forecast accuracy of one unit below the scope, per round (årsredovisning).
struct UnitAccuracy {
    std::string unit;
    std::string name;
    std::vector<RoundFigures> rounds;
};

struct CauseItem {
    std::string dimension;  // "group", "account", "month"
    std::string key;
    std::string label;  // Swedish: the group's or account's name, or the month
    std::int64_t amount = 0;
    std::int64_t share_bp = 0;
};

struct DeviationItem {
    std::string id;
    std::string unit;
    std::string unit_name;
    std::string kind;  // contract word
    std::string period;
    std::string opened_at;  // the latest status event's at
    std::optional<std::int64_t> outcome;
    std::optional<std::int64_t> budget;
    std::optional<std::int64_t> deviation;
    std::optional<double> target;
    std::optional<double> actual;
    std::int64_t share_bp = 0;
    std::string severity;
    bool within_mandate = true;
    bool acknowledged = false;
    std::string responsible;
    std::string responsible_role;
    std::vector<CauseItem> causes;
    std::int64_t covered = 0;
    std::int64_t uncovered = 0;
    std::vector<std::string> measures;  // ids of the measures answering it
};

struct MeasureItem {
    std::string id;
    std::string unit;
    std::string area;
    std::string area_name;
    std::string text;
    std::string status;  // contract word ("beslutad")
    std::string responsible;
    std::int64_t effect_per_month = 0;
    std::string from;  // YYYYMM
    std::string to;    // YYYYMM or ""
    std::int64_t expected_year = 0;
    // Realised (domain::JudgeEffect) through the period, from the area's monthly deviation.
    int realised_months = 0;
    std::int64_t realised = 0;
    std::int64_t expected_to_date = 0;
    std::string deviation;  // the deviation it answers, or ""
    std::string plan;
    std::string decision_ref;
};

struct PlanItem {
    std::string id;
    std::string title;
    std::string state;  // contract word
    std::int64_t version = 0;
    std::string sektor;
    std::string body;
    std::string body_name;
    std::string decision_ref;
    std::vector<std::string> measures;
    std::vector<std::string> deviations;
    std::int64_t expected_year = 0;  // the counted measures' year effect
};

struct DecisionItem {
    std::string id;
    std::string ref;
    std::string date;
    std::string body;
    std::string body_name;
    std::string subject;  // contract word
    std::string outcome;  // contract word
    std::string text;
    std::optional<std::int64_t> revision;
};

struct CommentItem {
    std::string unit;
    std::string unit_name;
    std::string period;
    std::string subject;  // contract word
    std::string text;
    std::string by;
    std::string at;
    std::string deviation;
    std::string goal;
};

struct GoalItem {
    std::string id;
    std::string unit;
    std::string unit_name;
    std::string name;
    double target = 0;
    bool lower_is_better = false;
    std::string measure_unit;
    std::optional<double> value;  // the latest outcome up to the period
    std::string value_period;
    std::string comment;
    std::optional<bool> met;
};

struct GoodExampleItem {
    std::string unit;
    std::string name;
    std::int64_t margin = 0;  // budget - outcome
    std::int64_t margin_bp = 0;
    std::int64_t goal_margin_bp = 0;
    std::size_t goals_beaten = 0;
    std::string comment;
};

struct RevisionItem {
    std::string unit;
    std::string unit_name;
    std::string group;
    std::string group_name;
    std::int64_t revision = 0;
    std::string ref;
    std::string date;
    std::int64_t annual = 0;
};

// The timetable event a dialogunderlag is made for.
struct DialogueInfo {
    int step = 0;  // 1, 2 (also 3), 4
    std::string title;
    std::string date;  // YYYY-MM-DD of the meeting
    std::string responsible_role;
};

struct Report {
    ReportRequest request;
    std::string id;
    std::string scope_name;
    domain::Level scope_level = domain::Level::kKf;
    std::vector<UnitFigures> units;         // the scope first, then depth-first in tree order
    std::vector<AccountFigures> accounts;   // the scope's outcome per account
    std::vector<RoundFigures> rounds;       // the scope's forecast per round, 1..
    std::vector<UnitAccuracy> accuracy;     // the scope's children, per round
    std::vector<DeviationItem> deviations;  // open at the cut-off, largest first
    std::vector<MeasureItem> measures;
    std::vector<PlanItem> plans;
    std::vector<DecisionItem> decisions;  // newest first
    std::vector<CommentItem> comments;    // the scope's and its children's, in the order made
    std::vector<GoalItem> goals;
    std::vector<GoodExampleItem> good_examples;
    std::vector<RevisionItem> revisions;  // budget revisions in force (revision >= 1)
    std::optional<DialogueInfo> dialogue;
    bool year_complete = false;  // the period is the year's last month
    // What could not be placed, in Swedish ("3 rader på enheter utanför organisationen ...").
    std::vector<std::string> notes;
};

struct BuildOptions {
    // The timetable of the report's year, for the dialogue step's meeting; optional.
    const domain::Timetable* timetable = nullptr;
    std::size_t max_good_examples = 5;
};

// kNotFound for an unknown scope, kFailedPrecondition without organisation, kInvalidArgument
// when the kind does not fit the period or the scope (CheckKindFits).
[[nodiscard]] core::Result<Report> BuildReport(ReportStore& store, const ReportRequest& request,
                                               const BuildOptions& options = {});

// The account group's Swedish name: the chart's when it has one of its own, else the
// Kommun-Bas name of the common group ids ("personal" -> "Personalkostnader"), else the id.
[[nodiscard]] std::string GroupName(const domain::ChartOfAccounts& chart, const std::string& id);

}  // namespace bfu::reporting
