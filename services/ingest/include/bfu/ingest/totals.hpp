#pragma once
// Control totals (issue 4): for every way in (kafka, http, sie-file) and source, the vouchers
// and öre that came in, as ingest decided them (bfu.ingest.decisions): in = accepted +
// rejected + duplicate. They are cross-checked against what is actually on the output topics:
//   - every accepted voucher has exactly its lineCount lines on bfu.ledger.lines, whose debit
//     (positive) amounts sum to its grossOre, to the öre;
//   - no voucher is accepted twice, and no line belongs to a voucher without an accepted
//     decision (nothing counted twice, nothing from nowhere);
//   - every rejected decision has its record on bfu.ledger.rejected and vice versa (counted
//     per voucher key).
// ControlTotals is the arithmetic (pure, unit-tested); ReadControlTotals reads the three
// topics from the beginning to their end (read_committed) into it, for `bfu ingest totals` and
// the tests.
//
// Not thread-safe; one per report.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bfu/contracts/ledger.hpp"
#include "bfu/core/result.hpp"
#include "bfu/kafka/config.hpp"
#include "bfu/kafka/message.hpp"

namespace bfu::ingest {

struct Tally {
    std::int64_t vouchers = 0;
    std::int64_t ore = 0;  // gross (debit) öre
    std::int64_t lines = 0;
    bool operator==(const Tally&) const = default;
};

// One way and source.
struct GroupTotals {
    Tally in;  // every decision
    Tally accepted;
    Tally rejected;
    Tally duplicate;
    Tally on_lines;     // what bfu.ledger.lines holds for the accepted vouchers (ore = debit)
    Tally on_rejected;  // records on bfu.ledger.rejected (vouchers = records)
};

class ControlTotals {
public:
    // Only records of this source are counted when set.
    explicit ControlTotals(std::optional<std::string> source = std::nullopt)
        : source_(std::move(source)) {}

    void AddDecision(const contracts::IngestDecision& d);
    void AddLine(const contracts::LedgerLine& line);
    void AddRejected(const contracts::RejectedVoucher& r);
    // A record that could not be decoded (named in the differences).
    void AddUndecodable(std::string what);

    // (way, source) -> totals; source "" when it could not be read.
    using GroupKey = std::pair<std::string, std::string>;
    [[nodiscard]] std::map<GroupKey, GroupTotals> Groups() const;
    // Every difference, each naming what does not reconcile; empty when all does, to the öre.
    [[nodiscard]] std::vector<std::string> Differences() const;
    [[nodiscard]] nlohmann::json ToJson() const;
    // A table per way and source, then the differences or "stämmer".
    [[nodiscard]] std::string ToText() const;

private:
    struct Accepted {
        GroupKey group;
        std::int64_t line_count = 0;
        std::int64_t gross_ore = 0;
        int times = 0;
    };
    struct LinesSeen {
        std::set<std::int64_t> line_nos;
        std::int64_t lines = 0;
        std::int64_t debit_ore = 0;
    };
    [[nodiscard]] bool Counts(const std::optional<core::SourceId>& source) const;

    std::optional<std::string> source_;
    std::map<GroupKey, GroupTotals> groups_;
    std::map<std::string, Accepted> accepted_;  // voucher key ->
    std::map<std::string, LinesSeen> lines_;    // voucher key -> lines seen
    // Rejections are matched by voucher key: a rejected record names its origin, not its way
    // (a voucher from an SIE file comes through bfu.erp.vouchers), so the record counts in the
    // group of its key's rejected decision.
    std::map<std::string, std::int64_t> rejected_decided_;  // key -> rejected decisions
    std::map<std::string, std::int64_t> rejected_seen_;     // key -> records
    std::map<std::string, GroupKey> rejected_group_;        // key -> group of its decision
    std::vector<std::pair<std::string, GroupKey>> rejected_records_;  // key, group by origin
    std::vector<std::string> undecodable_;
    bool overflowed_ = false;  // a sum went beyond int64 (saturated; never "reconciled")
};

struct TotalsTopics {
    std::string decisions;
    std::string lines;
    std::string rejected;
};

// Reads the three topics from the beginning to their end (read_committed) into totals.
[[nodiscard]] core::Result<ControlTotals> ReadControlTotals(
    const kafka::KafkaConfig& config, const TotalsTopics& topics,
    std::optional<std::string> source = std::nullopt,
    std::chrono::milliseconds timeout = std::chrono::minutes(2));

// Reads every partition of `topic` from the beginning to its end (read_committed, by manual
// assignment, nothing committed) into `sink`.
[[nodiscard]] core::Status ReadTopicToEnd(const kafka::KafkaConfig& config,
                                          const std::string& topic,
                                          const std::function<void(const kafka::Message&)>& sink,
                                          std::chrono::milliseconds timeout);

// The way a rejected record's origin stands for: kafka, http, or sie-file for a file.
[[nodiscard]] contracts::IngestWay WayOf(const contracts::Origin& origin);

}  // namespace bfu::ingest
