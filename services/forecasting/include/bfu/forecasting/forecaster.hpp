#pragma once
// Forecaster: full-year forecasts per unit and account group (S6), as a pure object: decoded
// unit aggregates, managers' submissions and the forecasts already written go in; forecasts
// and forecast deviations come out of Evaluate(business date). No Kafka, Redis or ZeroMQ type
// appears here; the service adapter does the I/O.
//
// Rounds: the timetable (domain::BuildTimetable for the followed-up year, default dates) puts
// forecast round k (prognos-k) on a date near the end of Feb, Apr, ..., Dec. On business date
// d the current round is the first whose date is d or later (6 after the last one). A
// forecast written on d belongs to the current round.
//
// When a forecast is written (Evaluate):
//   - round: on a round's date, every unit's standing forecast is written for that round
//     (unless the same total was already written for it). A round whose date passed without
//     an Evaluate on that very date (the service was down, the business date jumped) is not
//     written late with a later outcome: it keeps what was written within its window.
//   - outcome changed materially: a unit whose aggregate changed gets its forecast for the
//     current round recomputed; it is written when the round has none yet, or when it moved
//     by more than material_percent (default 50 %) of the money threshold amount of the
//     unit's level (enhet 50 tkr -> 25 tkr), so a stream of vouchers does not write one each.
//   - submission: a manager's own forecast for a round stands for that round (method
//     "manager", with the comment, who and when as inputs) and is written at once; the
//     computed one does not replace it within that round. Several for one round: the latest
//     submittedAt wins, on a tie the later arrival.
//
// Methods per account group (operating groups of the aggregate; with no groups, the unit's
// totals as one series): run-rate with seasonality (domain::ForecastRunRate) when earlier
// years' aggregates of the unit carry outcome for the group, else profile + trend
// (domain::ForecastProfileTrend). The unit's method is "trend" when every group was forecast
// by run-rate, else "blend"; each group carries its own. The total is the sum of the groups.
//
// Forecast deviations: every forecast written is checked against the annual budget through
// domain::DeviationMonitor::CheckForecast (the level's thresholds, hysteresis, severity) and
// wired like analysis's deviations (responsible manager, superiors told, mandate).
//
// Accuracy: once the business date is past the year's last day, for every unit the forecast
// last written in each round against the year's outcome (domain::MeasureAccuracy), and per
// round and level the mean absolute error.
//
// Lifecycle and thread-safety: one per forecasting instance; not thread-safe (the service
// holds it under a mutex).
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bfu/contracts/analysis.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/domain/deviation.hpp"
#include "bfu/domain/escalation.hpp"
#include "bfu/domain/forecast.hpp"
#include "bfu/domain/timetable.hpp"
#include "bfu/service/deviation_table.hpp"
#include "bfu/service/master_data.hpp"

namespace bfu::forecasting {

struct ForecastOutput {
    std::vector<contracts::Forecast> forecasts;
    std::vector<contracts::DeviationEvent> deviations;
};

struct ForecastPolicy {
    domain::ForecastConfig config;
    domain::DeviationRules rules = domain::DeviationRules::Defaults();
    std::int64_t material_percent = 50;  // of the level's threshold amount
};

struct LevelAccuracy {
    int round = 0;
    std::string level;
    int units = 0;
    std::int64_t forecast_ore = 0;  // summed over the units
    std::int64_t actual_ore = 0;
    std::int64_t mean_abs_error_bp = 0;  // mean of the units' |F - A| / |A|
};

struct UnitAccuracy {
    std::string unit;
    std::string level;
    std::int64_t actual_ore = 0;
    std::vector<domain::RoundAccuracy> rounds;
};

struct AccuracyReport {
    int year = 0;
    std::vector<LevelAccuracy> by_level;  // by round, then level
    std::vector<UnitAccuracy> units;      // by unit id
    [[nodiscard]] nlohmann::json ToJson() const;
};

class Forecaster {
public:
    explicit Forecaster(ForecastPolicy policy = {});

    // Organisation, budget and followed-up year; also builds that year's timetable.
    void SetMaster(std::shared_ptr<const service::MasterData> master);
    [[nodiscard]] bool HasMaster() const noexcept { return master_ != nullptr; }
    // How long the responsible level has to acknowledge a forecast deviation (respondBy).
    void SetAckPolicy(domain::AckPolicy policy) { ack_policy_ = std::move(policy); }
    // Open forecast deviations as bfu.deviations holds them, so that a restarted instance
    // continues their seq and does not open them again. Call after SetMaster.
    void RestoreDeviations(const std::vector<service::DeviationRecord>& records);
    // Continues each open forecast deviation's numbering after the events other writers put on
    // bfu.deviations (analysis writes a manager's acknowledgement with the next seq): the next
    // event forecasting writes takes last_seq + 1, never a seq already taken. Only the
    // numbering changes.
    void ContinueNumbering(const std::vector<service::DeviationRecord>& records);

    // The latest aggregate of a unit: the followed-up year's is forecast, earlier years' are
    // history. kFailedPrecondition without master data; kNotFound for an unknown unit.
    [[nodiscard]] core::Status PutAggregate(const contracts::UnitAggregate& a);
    // kInvalidArgument for another year or a round outside 1..6; kNotFound for an unknown unit.
    [[nodiscard]] core::Status PutSubmission(const contracts::ForecastSubmission& s);
    // A forecast already on bfu.forecasts (read back at start).
    void PutWritten(const contracts::Forecast& f);

    [[nodiscard]] ForecastOutput Evaluate(domain::Date business_date, core::TimePoint now);

    // The current round on d (see the file comment); 0 without master data.
    [[nodiscard]] int RoundOn(domain::Date d) const;
    [[nodiscard]] std::optional<domain::Date> RoundDate(int round) const;
    [[nodiscard]] core::Result<AccuracyReport> Accuracy(domain::Date business_date) const;
    [[nodiscard]] int year() const noexcept;

private:
    struct Written {
        std::int64_t total_ore = 0;
        contracts::ForecastMethod method = contracts::ForecastMethod::kBlend;
    };
    using UnitRound = std::pair<std::string, int>;

    // The computed forecast of a unit (round, reason and madeAt not set); nullopt without
    // outcome to forecast from.
    [[nodiscard]] std::optional<contracts::Forecast> Compute(
        const contracts::UnitAggregate& a) const;
    // The forecast that stands for (unit, round): the manager's if submitted, else computed.
    [[nodiscard]] std::optional<contracts::Forecast> Standing(const contracts::UnitAggregate& a,
                                                              int round) const;
    [[nodiscard]] std::int64_t MaterialAmount(const std::string& unit) const;
    void Emit(contracts::Forecast f, int round, contracts::ForecastReason reason,
              core::TimePoint now, ForecastOutput& out);

    ForecastPolicy policy_;
    std::shared_ptr<const service::MasterData> master_;
    domain::AckPolicy ack_policy_;
    std::unique_ptr<domain::DeviationMonitor> monitor_;
    std::optional<domain::Timetable> timetable_;
    std::map<std::string, contracts::UnitAggregate> current_;                 // unit ->
    std::map<std::string, std::map<int, contracts::UnitAggregate>> history_;  // unit -> year ->
    std::map<UnitRound, contracts::ForecastSubmission> submissions_;
    std::map<UnitRound, Written> written_;
    std::set<std::string> dirty_;
    std::set<UnitRound> pending_;  // submissions not yet written
    std::set<int> rounds_done_;
    bool rounds_initialised_ = false;
};

// A forecast.submit request checked against the organisation: the submission to append, or a
// refusal (core::Error: code, field, message). Request: {"unit", "amountSek" (text or a whole
// number), "comment", "by" (e-mail of a manager in the unit's line), "round" (optional, 1-6;
// default `current_round`)}. `year` is the followed-up year.
[[nodiscard]] core::Result<contracts::ForecastSubmission> DecideSubmission(
    const nlohmann::json& request, const service::MasterData& master, int year, int current_round,
    core::TimePoint now);

}  // namespace bfu::forecasting
