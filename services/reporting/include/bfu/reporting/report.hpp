#pragma once
// The follow-up report (S14): the situation of every unit in the organisation tree as of the
// latest outcome, with deviations and their causes, full-year forecasts and good examples
// (S3), rendered as Markdown, HTML and JSON. Pure: ReportBook collects the latest aggregate,
// forecast and deviation state per unit from decoded events; Build makes the model; the
// renderers make text. The reporting service writes the files and announces them.
//
// Lifecycle and thread-safety: one ReportBook per reporting instance, driven by one thread.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/domain/org.hpp"

namespace bfu::reporting {

struct ReportRow {
    std::string unit;
    std::string name;
    std::string level;
    int depth = 0;
    std::int64_t outcome_to_date_ore = 0;
    std::int64_t budget_to_date_ore = 0;
    std::int64_t annual_budget_ore = 0;
    std::int64_t deviation_ore = 0;  // outcome - budget to date
    std::int64_t share_bp = 0;
    std::optional<std::int64_t> forecast_ore;
    std::string light;  // green / yellow / red
};

struct ReportModel {
    int year = 0;
    std::string through_period;  // YYYYMM
    std::string as_of;           // RFC 3339
    std::string scope;           // root unit id
    std::string scope_name;
    std::vector<ReportRow> rows;                             // depth-first, the tree order
    std::vector<contracts::DeviationEvent> open_deviations;  // latest event of each open one
    std::vector<ReportRow> good_examples;                    // enheter under budget, best first
};

class ReportBook {
public:
    void OnAggregate(const contracts::UnitAggregate& a);
    void OnForecast(const contracts::Forecast& f);
    void OnDeviation(const contracts::DeviationEvent& d);
    [[nodiscard]] bool empty() const noexcept { return aggregates_.empty(); }

    // The model for the subtree of `scope` (the root when empty).
    [[nodiscard]] ReportModel Build(const domain::Organisation& org, int year,
                                    const std::string& as_of, const std::string& scope = {}) const;

private:
    std::map<std::string, contracts::UnitAggregate> aggregates_;
    std::map<std::string, contracts::Forecast> forecasts_;
    std::map<std::string, contracts::DeviationEvent> deviations_;  // by deviation id, latest
};

[[nodiscard]] std::string RenderMarkdown(const ReportModel& model);
[[nodiscard]] std::string RenderHtml(const ReportModel& model);
[[nodiscard]] std::string RenderJson(const ReportModel& model);

// "1 234,5 tkr" style amount of öre for reports (thousands of kronor, one decimal).
[[nodiscard]] std::string Tkr(std::int64_t ore);

}  // namespace bfu::reporting
