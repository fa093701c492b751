#pragma once
// Replay as of a business date (issue 5, point 6): every unit's status as it was on a given
// date, rebuilt from the topics alone, so a report can be regenerated exactly as of its
// cut-off.
//
// What "as of D" means here:
//   - ledger lines count when their voucher date is on or before D (lines booked later, even
//     into earlier periods, are left out);
//   - a budget counts in the latest revision decided on or before D (revision 0, as first
//     decided, always counts). bfu.master.budget is compacted, so a revision that compaction
//     already replaced cannot be recovered: the replay then uses the oldest revision left and
//     reports it in problems();
//   - the organisation and the chart are those on the topics (a unit's history of placements,
//     which the roll-up honours month by month);
//   - the judged month is the one of the date: the latest month complete by its close day or
//     closed by the finance unit's decisions taken by then (bfu.calendar);
//   - deviations are judged afresh by the same rules on that outcome (no hysteresis history):
//     `open_deviations` and `light` say which deviations pass the thresholds as of D.
//
// AsOfReplay is the pure part (records in, statuses out); ReplayAsOf reads the topics
// (bfu.master.org, .accounts, .budget and bfu.ledger.lines, every partition to its end).
// Not thread-safe.
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/analysis/engine.hpp"
#include "bfu/analysis/posting.hpp"
#include "bfu/core/clock.hpp"
#include "bfu/core/result.hpp"
#include "bfu/domain/calendar.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/service/master_table.hpp"

namespace bfu::analysis {

class AsOfReplay {
public:
    // `topic_prefix` is the prefix of the master topics' names (kafka.topic_prefix).
    AsOfReplay(int year, domain::Date as_of, std::string topic_prefix);

    // A record of bfu.master.org, .accounts, .budget or bfu.calendar (full topic name), in
    // topic order.
    void AddMaster(std::string_view topic, std::string_view key, std::string_view value);
    // A record of bfu.ledger.lines. Poison for a value that is not a ledger line.
    [[nodiscard]] core::Status AddLine(std::int32_t partition, std::int64_t offset,
                                       std::int64_t at_ms, std::string_view value);

    // Every unit's status as of the date; kFailedPrecondition when the master data does not
    // build (no organisation).
    [[nodiscard]] core::Result<std::vector<UnitStatus>> Statuses(core::TimePoint now);

    [[nodiscard]] std::uint64_t lines_counted() const noexcept { return counted_; }
    [[nodiscard]] std::uint64_t lines_after() const noexcept { return after_; }
    [[nodiscard]] const std::vector<std::string>& problems() const noexcept { return problems_; }

private:
    int year_;
    std::string as_of_;  // YYYY-MM-DD
    std::string prefix_;
    service::MasterSnapshot snapshot_;
    // Budget key -> (revision no, record): the latest revision in force by the date, and the
    // earliest revision seen decided after it (used only when none was in force).
    std::map<std::string, std::pair<std::int64_t, std::string>> budget_;
    std::map<std::string, std::pair<std::int64_t, std::string>> budget_later_only_;
    PostingStage posting_;
    // Cell key -> the cell's total of the lines counted.
    std::map<std::string, CellRecord> cells_;
    std::uint64_t counted_ = 0;
    std::uint64_t after_ = 0;
    std::vector<std::string> problems_;
};

// Reads the topics (with `prefix`) and replays them as of `as_of` for `year`.
[[nodiscard]] core::Result<std::vector<UnitStatus>> ReplayAsOf(const kafka::KafkaConfig& kafka,
                                                               const std::string& prefix, int year,
                                                               domain::Date as_of,
                                                               std::chrono::milliseconds timeout);

}  // namespace bfu::analysis
