#pragma once
// AnalysisEngine: stage 2 of analysis, the evaluation. Outcome against the periodised budget
// for every unit and every level (S4, S13), as a pure object: outcome cells in (the committed
// totals from the changelog bfu.analysis.outcome, cells.hpp), deviation events, unit
// aggregates and unit statuses out. No Kafka, Redis or ZeroMQ type appears here; the service
// adapter does the I/O.
//
// How it works: every instance feeds the engine the WHOLE changelog (all partitions), so it
// holds every unit's outcome and rolls it up the whole organisation tree. SetCell sets a cell
// absolutely and posts the difference to the old value into the domain core's OutcomeLedger,
// so reading a cell twice changes nothing. Flush() evaluates the units touched since the last
// Flush (and their ancestors) with the DeviationMonitor (thresholds per level, hysteresis, root
// causes) and returns what changed - but only for the units this instance OWNS (SetOwnership):
// with several instances in one consumer group each unit's events, aggregate and status come
// from exactly one of them, whichever it is, and each is computed from the full tree.
//
// Deviation states move with ownership: a unit that becomes owned has its states restored
// from the deviations topic's latest events (RestoreDeviation), and an event for an owned unit
// written by someone else (an acknowledgement, a previous owner) moves the sequence on, so the
// next event continues the same numbering; an event id is "<deviation id>:<seq>".
//
// Years: the engine follows every fiscal year that is open on the business date of the Flush
// (domain::LifecycleView: the clock's year, the next from 1 December, the previous until it is
// closed; or the pinned years), each with its own ledger, budget and deviation states. A year
// starts when the date reaches it - its cells, read all along, are posted then - and a closed
// year is no longer evaluated (its last statuses, aggregates and deviations stand).
//
// The judged month: ONE month per year for the whole organisation - the latest month complete
// by the timetable (its close day has passed) or closed by the finance unit (lifecycle.hpp).
// Every unit is judged through it, so each level is exactly the sum of what lies under it;
// "to date" figures, deviations and aggregates are through it; before January is complete
// there is nothing to judge (statuses only, no aggregate, no budget deviation), nor in a year
// with nothing booked at all (no budget deviation: the ledger has not come yet). When the
// judged month moves, every unit of that year is evaluated again. Budget to date is
// periodised by each budget line's profile.
//
// Master data: SetMaster() replaces organisation, chart, budgets and closings; the outcome is
// re-posted from the cells (not from retained lines), so a reorganisation or a budget revision
// applies to everything. Cells of units or groups the master data does not know are kept and
// posted once it does. Reorganisations by date are honoured month by month (the tree in force
// on each month's first day); a status names the parent and children in force on the business
// date (within the year).
//
// Lifecycle and thread-safety: one engine per analysis instance, driven by one thread (the
// evaluation loop). Not thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/analysis/cells.hpp"
#include "bfu/contracts/analysis.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/deviation.hpp"
#include "bfu/domain/escalation.hpp"
#include "bfu/domain/lifecycle.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::analysis {

// The current status of one unit, as written to Redis (docs/redis.md).
struct UnitStatus {
    std::string unit;
    std::string name;
    std::string level;
    std::string parent;  // empty for the root
    std::vector<std::string> children;
    int year = 0;
    // The year of the business date (the one <p>unit:<id> shows); every year's status is also
    // kept under <p>unit:<id>:<year> (docs/redis.md).
    bool current = true;
    std::string through_period;  // YYYYMM, empty when no outcome yet
    std::int64_t outcome_to_date_ore = 0;
    std::int64_t budget_to_date_ore = 0;
    std::int64_t annual_budget_ore = 0;
    std::int64_t outcome_year_ore = 0;         // every month of the year booked so far
    std::int64_t deviation_ore = 0;            // outcome - budget to date, positive = overspend
    std::int64_t share_bp = 0;                 // deviation / |budget to date|, basis points
    std::string light;                         // "green", "yellow", "red"
    std::vector<std::string> open_deviations;  // deviation ids
    std::optional<std::int64_t> forecast_ore;  // the latest full-year forecast
    std::optional<int> forecast_round;
    std::string manager;
    std::string manager_email;
    std::string last_event_at;  // RFC 3339 of the latest ledger line in the subtree; "" if none
    std::string updated_at;     // RFC 3339
};

struct EngineOutput {
    std::vector<contracts::DeviationEvent> deviations;
    std::vector<contracts::UnitAggregate> aggregates;
    std::vector<UnitStatus> statuses;
};

struct EngineStats {
    std::uint64_t cells_set = 0;  // changelog records applied
    std::uint64_t ignored = 0;    // cells of years not followed or periods outside their year
    std::uint64_t unplaced = 0;   // cells whose unit or group the master data does not know
};

// A deviation's latest known state from the deviations topic (service::DeviationRecord).
struct KnownDeviation {
    contracts::DeviationEvent latest;  // the latest opened/changed/closed event
    std::int64_t last_seq = 0;         // the highest seq of any event of it
    bool open = false;
};

class AnalysisEngine {
public:
    using Owns = std::function<bool(std::string_view unit)>;

    explicit AnalysisEngine(domain::DeviationRules rules = domain::DeviationRules::Defaults(),
                            domain::LifecycleRules lifecycle = {});

    void SetMaster(std::shared_ptr<const service::MasterData> master);
    // The close day, chosen dates, calendar and pinned years that decide the years followed
    // and their judged months (default: the timetable's defaults, no pinned year).
    void SetLifecycleRules(domain::LifecycleRules rules);
    // The full name of bfu.ledger.lines, named in the triggers of deviation events.
    void SetLineTopic(std::string topic) { line_topic_ = std::move(topic); }
    // How long the responsible level has to acknowledge a deviation (respondBy on opened events).
    void SetAckPolicy(domain::AckPolicy policy) { ack_policy_ = std::move(policy); }
    [[nodiscard]] bool HasMaster() const noexcept { return master_ != nullptr; }

    // Sets a cell to its committed total. Poison (kInvalidArgument, kOutOfRange) for a record
    // whose coordinates cannot be held.
    [[nodiscard]] core::Status SetCell(const CellRecord& cell);

    // Which units this instance writes outputs for (default, and when `owns` is empty: all).
    // Units that become owned are evaluated and written again with the next Flush.
    void SetOwnership(Owns owns);
    // The units that became owned since the last call - by SetOwnership, and every owned unit
    // after SetMaster - whose deviation states the caller restores (RestoreDeviation) before
    // the next Flush.
    [[nodiscard]] std::vector<std::string> TakeGained();
    [[nodiscard]] bool HasGained() const { return !gained_.empty(); }
    [[nodiscard]] bool Owned(std::string_view unit) const;

    // Takes over a deviation's state from the topic when its unit is owned and the topic is
    // ahead of this engine (a higher seq); else does nothing. Returns true when it did. A
    // deviation of a year not followed yet is kept and taken over when the year starts.
    bool RestoreDeviation(const KnownDeviation& known);

    // A full-year forecast of a unit for a year (bfu.forecasts); the one of the latest round is
    // shown in its status of that year.
    void SetForecast(std::string_view unit, int year, std::int64_t total_ore, int round);

    // Makes the next Flush evaluate and write every owned unit of every year followed.
    void MarkAllDirty();
    // Evaluates the owned units touched since the last Flush, in every year followed on the
    // business date (default: the Stockholm date of `now`; `now` stamps the outputs).
    [[nodiscard]] EngineOutput Flush(core::TimePoint now,
                                     std::optional<domain::Date> business_date = std::nullopt);
    // Every owned unit's status in every year followed at the last Flush, e.g. to rebuild
    // Redis.
    [[nodiscard]] std::vector<UnitStatus> AllStatuses(core::TimePoint now) const;
    // The years followed at the last Flush, ascending, and the lifecycle they came from.
    [[nodiscard]] std::vector<int> Years() const;
    [[nodiscard]] const domain::LifecycleView& lifecycle() const noexcept { return view_; }
    // The judged month (fiscal index) of a followed year at the last Flush.
    [[nodiscard]] std::optional<int> JudgedMonth(int year) const;
    // The ids of the owned units.
    [[nodiscard]] std::vector<std::string> OwnedUnits() const;

    [[nodiscard]] const EngineStats& stats() const noexcept { return stats_; }
    [[nodiscard]] std::size_t cell_count() const noexcept { return cells_.size(); }
    // The ledger of a followed year (default: the business year); an empty one otherwise.
    [[nodiscard]] const domain::OutcomeLedger& ledger(int year = 0) const;

private:
    // One followed fiscal year.
    struct Year {
        domain::FiscalYear fy;
        domain::OutcomeLedger ledger;
        domain::Cube budget;
        std::unique_ptr<domain::DeviationMonitor> monitor;
        std::optional<int> judged;
        // by unit index: the latest line time in the subtree, ms.
        std::vector<std::int64_t> last_at_ms;
        std::vector<domain::UnitIndex> extra_dirty;
    };

    // Follows the years open on `today` and their judged months.
    void SyncYears(domain::Date today);
    // (Re)builds a year's ledger, budget and monitor from the master data and the cells.
    void BuildYear(int year, Year& y);
    void RecomputeOwned();
    // Takes a restored deviation into its year's monitor; false when it is not ahead.
    bool ApplyKnown(const KnownDeviation& known);
    // Posts ore of a cell into its year's ledger when the year is followed and the master data
    // places it.
    void PostCell(const CellCoords& coords, std::uint32_t group, std::int64_t ore);
    void NoteLine(int year, std::string_view unit, const LineRef& line);
    // The latest line time of a unit's own cells, onto it and its ancestors in the year.
    void PropagateAt(Year& y, std::string_view unit, std::int64_t at_ms);
    // The date whose tree a status of `year` shows: the business date, within the year.
    [[nodiscard]] domain::Date TreeDate(const Year& y) const;
    [[nodiscard]] UnitStatus StatusOf(int year, const Year& y, domain::UnitIndex u,
                                      core::TimePoint now) const;
    [[nodiscard]] contracts::UnitAggregate AggregateOf(int year, const Year& y, domain::UnitIndex u,
                                                       core::TimePoint now) const;
    [[nodiscard]] contracts::DeviationEvent ToContract(const domain::DeviationEvent& e,
                                                       core::TimePoint now) const;

    domain::DeviationRules rules_;
    domain::LifecycleRules lifecycle_rules_;
    domain::LifecycleView view_;
    bool synced_ = false;
    std::shared_ptr<const service::MasterData> master_;
    std::map<int, Year> years_;
    CellIndex index_;
    CellMap cells_;
    Owns owns_;
    std::vector<bool> owned_;                     // by unit index of master_->org
    std::vector<domain::UnitIndex> extra_dirty_;  // every year
    std::vector<std::string> gained_;
    // Deviations restored from the topic (budget and investment kinds, owned units), by id:
    // taken into a year's monitor when the year starts or is rebuilt.
    std::map<std::string, KnownDeviation> known_;
    // unit id -> the latest line of the unit's own cells (the trigger of its deviations).
    std::map<std::string, LineRef, std::less<>> last_line_;
    // (unit, year) -> the latest line time of the unit's own cells of that year, ms.
    std::map<std::pair<std::string, int>, std::int64_t> last_at_;
    // (unit, year) -> (total, round) of the latest round's forecast.
    std::map<std::pair<std::string, int>, std::pair<std::int64_t, int>> forecasts_;
    std::string line_topic_ = "bfu.ledger.lines";
    domain::AckPolicy ack_policy_;
    EngineStats stats_;
};

}  // namespace bfu::analysis
