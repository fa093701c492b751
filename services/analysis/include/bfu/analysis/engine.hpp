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
// Months "to date": the latest fiscal month that has outcome is still being booked. A unit over
// budget through it is judged through it (booked costs are real); every other unit is judged
// through the last complete month, so that postings not yet made in the current month do not
// show as underspends. Budget to date is periodised by each budget line's profile.
//
// Master data: SetMaster() replaces organisation, chart and budget; the outcome is re-posted
// from the cells (not from retained lines), so a reorganisation or a budget revision applies
// to everything. Cells of units or groups the master data does not know are kept and posted
// once it does.
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
    std::uint64_t ignored = 0;    // cells of other fiscal years or periods outside the year
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

    explicit AnalysisEngine(domain::DeviationRules rules = domain::DeviationRules::Defaults());

    void SetMaster(std::shared_ptr<const service::MasterData> master);
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
    [[nodiscard]] bool Owned(std::string_view unit) const;

    // Takes over a deviation's state from the topic when its unit is owned and the topic is
    // ahead of this engine (a higher seq); else does nothing. Returns true when it did.
    bool RestoreDeviation(const KnownDeviation& known);

    // A full-year forecast of a unit (bfu.forecasts); the one of the latest round is shown in
    // its status.
    void SetForecast(std::string_view unit, std::int64_t total_ore, int round);

    // Makes the next Flush evaluate and write every owned unit.
    void MarkAllDirty();
    // Evaluates the owned units touched since the last Flush.
    [[nodiscard]] EngineOutput Flush(core::TimePoint now);
    // Every owned unit's status, e.g. to rebuild Redis.
    [[nodiscard]] std::vector<UnitStatus> AllStatuses(core::TimePoint now) const;
    // The ids of the owned units.
    [[nodiscard]] std::vector<std::string> OwnedUnits() const;

    [[nodiscard]] const EngineStats& stats() const noexcept { return stats_; }
    [[nodiscard]] std::size_t cell_count() const noexcept { return cells_.size(); }
    [[nodiscard]] const domain::OutcomeLedger& ledger() const noexcept { return ledger_; }

private:
    void Rebuild();
    void RecomputeOwned();
    // Posts ore of a cell into the ledger when the master data places it.
    void PostCell(const CellCoords& coords, std::uint32_t group, std::int64_t ore);
    void NoteLine(std::string_view unit, const LineRef& line);
    // The last complete month: the one before the latest month with outcome (0 while January
    // is the only month booked); -1 with no outcome at all.
    [[nodiscard]] int CompleteMonth() const noexcept {
        return through_ > 0 ? through_ - 1 : through_;
    }
    [[nodiscard]] int JudgedMonth(domain::UnitIndex u) const noexcept;
    [[nodiscard]] UnitStatus StatusOf(domain::UnitIndex u, core::TimePoint now) const;
    [[nodiscard]] contracts::UnitAggregate AggregateOf(domain::UnitIndex u,
                                                       core::TimePoint now) const;
    [[nodiscard]] contracts::DeviationEvent ToContract(const domain::DeviationEvent& e,
                                                       core::TimePoint now) const;

    domain::DeviationRules rules_;
    std::shared_ptr<const service::MasterData> master_;
    domain::OutcomeLedger ledger_;
    domain::Cube budget_;
    std::unique_ptr<domain::DeviationMonitor> monitor_;
    CellIndex index_;
    CellMap cells_;
    Owns owns_;
    std::vector<bool> owned_;  // by unit index of master_->org
    std::vector<domain::UnitIndex> extra_dirty_;
    std::vector<std::string> gained_;
    // unit id -> the latest line of the unit's own cells (the trigger of its deviations).
    std::map<std::string, LineRef, std::less<>> last_line_;
    // by unit index: the latest line time in the subtree, ms.
    std::vector<std::int64_t> last_at_ms_;
    std::map<std::string, std::pair<std::int64_t, int>, std::less<>> forecasts_;
    std::string line_topic_ = "bfu.ledger.lines";
    domain::AckPolicy ack_policy_;
    int through_ = -1;
    EngineStats stats_;
};

}  // namespace bfu::analysis
