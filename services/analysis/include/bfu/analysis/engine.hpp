#pragma once
// AnalysisEngine: outcome against the periodised budget for every unit and every level (S4,
// S13), as a pure object: decoded ledger lines in, deviation events, unit aggregates and unit
// statuses out. No Kafka, Redis or ZeroMQ type appears here; the service adapter does the I/O.
//
// How it works: each line is posted into the domain core's OutcomeLedger (dense, rolled up the
// organisation tree as it arrives). Flush() evaluates only the units touched since the last
// Flush (and their ancestors) with the DeviationMonitor (thresholds per level, hysteresis,
// root causes) and returns what changed.
//
// Months "to date": the latest fiscal month that has outcome is still being booked. A unit over
// budget through it is judged through it (booked costs are real); every other unit is judged
// through the last complete month, so that postings not yet made in the current month do not
// show as underspends. Budget to date is periodised by each budget line's profile.
//
// Master data: SetMaster() replaces organisation, chart and budget; the outcome is re-posted
// from the retained lines so that a reorganisation or a budget revision is applied to
// everything (deviation states are kept, keyed by their stable ids).
//
// Lifecycle and thread-safety: one engine per analysis instance, driven by one thread (the
// consume loop). Not thread-safe.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/deviation.hpp"
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
    std::int64_t deviation_ore = 0;            // outcome - budget to date, positive = overspend
    std::int64_t share_bp = 0;                 // deviation / |budget to date|, basis points
    std::string light;                         // "green", "yellow", "red"
    std::vector<std::string> open_deviations;  // deviation ids
    std::string manager;
    std::string manager_email;
    std::string updated_at;  // RFC 3339
};

struct EngineOutput {
    std::vector<contracts::DeviationEvent> deviations;
    std::vector<contracts::UnitAggregate> aggregates;
    std::vector<UnitStatus> statuses;
};

struct EngineStats {
    std::uint64_t posted = 0;   // lines posted as outcome
    std::uint64_t ignored = 0;  // other fiscal years, balance-sheet lines
};

class AnalysisEngine {
public:
    explicit AnalysisEngine(domain::DeviationRules rules = domain::DeviationRules::Defaults());

    void SetMaster(std::shared_ptr<const service::MasterData> master);
    [[nodiscard]] bool HasMaster() const noexcept { return master_ != nullptr; }

    // Posts one validated line. kFailedPrecondition without master data; kNotFound for a unit
    // or account group the master data does not know (poison: ingest checked it against other
    // master data). Lines of other fiscal years and balance-sheet lines are counted as ignored.
    [[nodiscard]] core::Status Apply(const contracts::LedgerLine& line,
                                     const contracts::Trigger& trigger);

    // Makes the next Flush evaluate every unit.
    void MarkAllDirty();
    // Evaluates the units touched since the last Flush.
    [[nodiscard]] EngineOutput Flush(core::TimePoint now);
    // Every unit's status, e.g. to rebuild Redis.
    [[nodiscard]] std::vector<UnitStatus> AllStatuses(core::TimePoint now) const;

    [[nodiscard]] const EngineStats& stats() const noexcept { return stats_; }
    [[nodiscard]] const domain::OutcomeLedger& ledger() const noexcept { return ledger_; }

private:
    struct Retained {
        domain::UnitIndex unit;
        std::string unit_id;
        std::string group;
        std::uint32_t account;
        std::uint8_t month;
        std::int64_t ore;
    };
    void Rebuild();
    // The last complete month: the one before the latest month with outcome (0 while January
    // is the only month booked); -1 with no outcome at all.
    [[nodiscard]] int CompleteMonth() const noexcept {
        return through_ > 0 ? through_ - 1 : through_;
    }
    // The month a unit is judged through: the latest if it is over budget through it (booked
    // costs are real), else the last complete month.
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
    domain::Interner accounts_;
    std::vector<Retained> retained_;
    std::map<std::string, contracts::Trigger> last_trigger_;  // unit -> latest line's origin
    int through_ = -1;
    EngineStats stats_;
};

}  // namespace bfu::analysis
