#pragma once
// PostingStage: stage 1 of analysis, the partitioned part. For the partitions of
// bfu.ledger.lines this instance owns, it keeps the cumulative outcome cells (cells.hpp) and
// turns each ledger line into its cell's new total, which the service writes to the changelog
// bfu.analysis.outcome (same partition as the line) in the same Kafka transaction as the
// line's offset. So the changelog of a partition is always exactly the sum of the lines
// committed from it, and a partition's cells are restored by reading its changelog to the end.
//
// Pure: no Kafka type; the service reads the changelog and calls Restore*. It needs no master
// data: cells are keyed by the line's own fiscal year, unit, account and period.
//
// Lifecycle: a partition is Loaded after BeginRestore + RestoreCell* + FinishRestore; Drop
// forgets it (revoked, or about to be restored again after an aborted transaction).
// Thread-safety: none; the consume loop's thread owns it.
#include <cstdint>
#include <map>
#include <optional>

#include "bfu/analysis/cells.hpp"
#include "bfu/contracts/ledger.hpp"
#include "bfu/core/result.hpp"

namespace bfu::analysis {

class PostingStage {
public:
    [[nodiscard]] bool Loaded(std::int32_t partition) const;
    // True when `offset` of `partition` was already posted: the loop rewound after an aborted
    // transaction, so the partition's cells must be restored from the changelog again.
    [[nodiscard]] bool IsReplay(std::int32_t partition, std::int64_t offset) const;

    void BeginRestore(std::int32_t partition);
    // Sets a cell to its committed total. kInvalidArgument/kOutOfRange for a bad record.
    [[nodiscard]] core::Status RestoreCell(std::int32_t partition, const CellRecord& cell);
    void FinishRestore(std::int32_t partition);
    void Drop(std::int32_t partition);
    // Notes that `offset` of `partition` was read (also for a line that turned out poison), so
    // IsReplay recognises it when the loop reads it again.
    void Seen(std::int32_t partition, std::int64_t offset);

    // Posts a line read at (partition, offset) with the record's timestamp: the cell's record
    // with its new total, or nullopt for a line that is neither operating nor investment
    // (balance sheet). Poison (kInvalidArgument/kOutOfRange) for an unusable period or year.
    // Precondition: Loaded(partition).
    [[nodiscard]] core::Result<std::optional<CellRecord>> Post(std::int32_t partition,
                                                               std::int64_t offset,
                                                               std::int64_t at_ms,
                                                               const contracts::LedgerLine& line);

    [[nodiscard]] std::size_t cell_count() const;

private:
    struct Partition {
        bool loaded = false;
        std::int64_t last_offset = -1;
    };
    CellIndex index_;
    // The cells of every partition in one table: a table per partition would each be as
    // half-empty as a table just grown.
    PartitionCells cells_;
    std::map<std::int32_t, Partition> partitions_;
};

}  // namespace bfu::analysis
