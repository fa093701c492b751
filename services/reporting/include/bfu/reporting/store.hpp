#pragma once
// ReportStore: everything a report is made from, folded from the topics reporting reads whole
// at start and then follows (docs/services/reporting.md). It keeps each input with the date it
// carries, so that a report can be made as of any cut-off, not only the latest state:
//
//   bfu.ledger.lines           every line, summed per (unit, account, fiscal year, month,
//                              voucher date): a line counts as of D when its voucher date is
//                              on or before D - the same rule as analysis's AsOfReplay and
//                              `bfu status --as-of`
//   bfu.master.budget          every revision of every budget (key year:unit:group:revision);
//                              as of D the highest revision decided on or before D is in force
//                              (revision 0 always), as in AsOfReplay
//   bfu.master.org, .accounts, the latest record per key (compacted; the organisation carries
//   .goals                     its own validity dates)
//   bfu.forecasts              every forecast with its madeAt (business time)
//   bfu.deviations             every event with its at
//   bfu.casework.*             every measure, plan, decision and comment event with its at
//   bfu.ops.hr, .goal-outcomes the latest figure per (unit, period) / (goal, period): they
//                              carry no date of their own, so they count by their period
//   bfu.reports                the reports announced (latest record per report id), so a
//                              report the timetable made is not made again after a restart
//
// Ledger amounts live in a flat array of 32-byte rows, merged by sorting whenever the unsorted
// tail outgrows the sorted part: a year of 1 000 enheter x 100 accounts x 12 months is 1.2
// million rows, 38 MiB, and a report reads them in one pass.
//
// Lifecycle and thread-safety: one per reporting instance, filled by the reader thread and
// read by the report maker; not thread-safe (the service holds it under a mutex).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/casework.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/contracts/master.hpp"
#include "bfu/contracts/ops.hpp"
#include "bfu/contracts/outputs.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/accounts.hpp"
#include "bfu/service/master_data.hpp"
#include "bfu/service/rules.hpp"

namespace bfu::reporting {

// The sum of the ledger lines of one (unit, account, fiscal year, month, voucher date).
struct OutcomeRow {
    std::uint32_t unit = 0;     // ReportStore::units() index
    std::uint32_t account = 0;  // ReportStore::accounts() index
    std::uint32_t group = 0;    // ReportStore::groups() index (the group ingest resolved)
    std::int32_t date = 0;      // voucher date, days since 1970-01-01
    std::int16_t year = 0;      // fiscal year
    std::uint8_t month = 0;     // fiscal month index 0..11
    std::uint8_t investment = 0;
    std::int64_t ore = 0;
};

// An event with the business time it happened at (its at / madeAt), parsed once.
template <typename T>
struct Timed {
    T event;
    core::TimePoint at;
};

class ReportStore {
public:
    explicit ReportStore(std::string topic_prefix);

    // The topics (without prefix) a reporting instance reads whole.
    [[nodiscard]] static const std::vector<std::string_view>& InputTopics();

    // Applies one record of `topic` (the full name, with the prefix). kInvalidArgument for a
    // value that does not decode: the caller counts and logs it; the store is unchanged.
    [[nodiscard]] core::Status Apply(std::string_view topic, std::string_view key,
                                     std::string_view value);
    // Folds the unsorted tail of the ledger rows in (also done by Apply as rows come).
    void Compact();

    // The municipality's rules (mandates by level) master data is built with; none: defaults.
    void SetRules(std::shared_ptr<const service::MunicipalRules> rules) {
        rules_ = std::move(rules);
        master_cache_.clear();
    }

    // Changes with every record applied.
    [[nodiscard]] std::uint64_t version() const noexcept { return version_; }
    [[nodiscard]] const std::string& prefix() const noexcept { return prefix_; }

    // The organisation, chart of accounts and goals built for fiscal year `year` (the budget is
    // not in it: see budgets()); cached until master data changes. kFailedPrecondition while
    // no organisation with a KF root has been read.
    [[nodiscard]] core::Result<std::shared_ptr<const service::MasterData>> Master(int year);
    // Every budget record (every revision), by its key year:unit:group:revision.
    [[nodiscard]] const std::map<std::string, contracts::Budget>& budgets() const {
        return budgets_;
    }

    [[nodiscard]] const std::vector<OutcomeRow>& rows() const noexcept { return rows_; }
    [[nodiscard]] const domain::Interner& units() const noexcept { return units_; }
    [[nodiscard]] const domain::Interner& accounts() const noexcept { return accounts_; }
    [[nodiscard]] const domain::Interner& groups() const noexcept { return groups_; }
    // The latest month (1..12) of `year` that has any ledger line, 0 when none.
    [[nodiscard]] int LatestMonth(int year) const;

    // Forecasts of a unit in topic order.
    [[nodiscard]] const std::vector<Timed<contracts::Forecast>>* ForecastsOf(
        std::string_view unit) const;
    [[nodiscard]] const std::vector<Timed<contracts::DeviationEvent>>& deviations() const {
        return deviations_;
    }
    [[nodiscard]] const std::vector<Timed<contracts::MeasureEvent>>& measures() const {
        return measures_;
    }
    [[nodiscard]] const std::vector<Timed<contracts::PlanEvent>>& plans() const { return plans_; }
    [[nodiscard]] const std::vector<Timed<contracts::DecisionEvent>>& decisions() const {
        return decisions_;
    }
    [[nodiscard]] const std::vector<Timed<contracts::CommentEvent>>& comments() const {
        return comments_;
    }
    // The latest figure per (unit, period).
    [[nodiscard]] const std::map<std::pair<std::string, std::string>, contracts::HrFigure>& hr()
        const {
        return hr_;
    }
    // The latest outcome per (goal id, period).
    [[nodiscard]] const std::map<std::pair<std::string, std::string>, contracts::GoalOutcome>&
    goal_outcomes() const {
        return goal_outcomes_;
    }
    // The reports announced on bfu.reports, the latest record per report id.
    [[nodiscard]] const std::map<std::string, contracts::ReportPublished>& published() const {
        return published_;
    }
    // Notes a report this instance announced, before it is read back.
    void NotePublished(const contracts::ReportPublished& report);

private:
    [[nodiscard]] core::Status ApplyLine(std::string_view value);

    std::string prefix_;
    std::string t_org_, t_accounts_, t_budget_, t_goals_, t_lines_, t_forecasts_, t_deviations_,
        t_measures_, t_comments_, t_plans_, t_decisions_, t_hr_, t_goal_outcomes_, t_reports_;
    std::uint64_t version_ = 0;

    std::shared_ptr<const service::MunicipalRules> rules_;
    service::MasterSnapshot master_;  // org, accounts, goals: topic -> key -> value
    std::uint64_t master_version_ = 0;
    std::map<int, std::pair<std::uint64_t, std::shared_ptr<const service::MasterData>>>
        master_cache_;
    std::map<std::string, contracts::Budget> budgets_;

    domain::Interner units_;
    domain::Interner accounts_;
    domain::Interner groups_;
    std::vector<OutcomeRow> rows_;
    std::size_t sorted_ = 0;  // rows_[0, sorted_) are sorted and merged
    std::map<int, int> latest_month_;

    std::map<std::string, std::vector<Timed<contracts::Forecast>>, std::less<>> forecasts_;
    std::vector<Timed<contracts::DeviationEvent>> deviations_;
    std::vector<Timed<contracts::MeasureEvent>> measures_;
    std::vector<Timed<contracts::PlanEvent>> plans_;
    std::vector<Timed<contracts::DecisionEvent>> decisions_;
    std::vector<Timed<contracts::CommentEvent>> comments_;
    std::map<std::pair<std::string, std::string>, contracts::HrFigure> hr_;
    std::map<std::pair<std::string, std::string>, contracts::GoalOutcome> goal_outcomes_;
    std::map<std::string, contracts::ReportPublished> published_;
};

}  // namespace bfu::reporting
