#include "bfu/analysis/posting.hpp"

#include <algorithm>

namespace bfu::analysis {

bool PostingStage::Loaded(std::int32_t partition) const {
    auto it = partitions_.find(partition);
    return it != partitions_.end() && it->second.loaded;
}

bool PostingStage::IsReplay(std::int32_t partition, std::int64_t offset) const {
    auto it = partitions_.find(partition);
    return it != partitions_.end() && offset <= it->second.last_offset;
}

void PostingStage::BeginRestore(std::int32_t partition) {
    auto& p = partitions_[partition];
    cells_.Erase(partition);
    p.loaded = false;
    p.last_offset = -1;
}

core::Status PostingStage::RestoreCell(std::int32_t partition, const CellRecord& cell) {
    auto key = index_.KeyOf(cell.year, cell.unit, cell.account, cell.period);
    if (!key.ok()) return std::move(key).error();
    cells_.Set(partition, *key, cell.ore);
    return core::Ok();
}

void PostingStage::FinishRestore(std::int32_t partition) { partitions_[partition].loaded = true; }

void PostingStage::Drop(std::int32_t partition) {
    partitions_.erase(partition);
    cells_.Erase(partition);
}

void PostingStage::Seen(std::int32_t partition, std::int64_t offset) {
    auto& p = partitions_[partition];
    p.last_offset = std::max(p.last_offset, offset);
}

core::Result<std::optional<CellRecord>> PostingStage::Post(std::int32_t partition,
                                                           std::int64_t offset, std::int64_t at_ms,
                                                           const contracts::LedgerLine& line) {
    auto& p = partitions_[partition];
    p.last_offset = std::max(p.last_offset, offset);
    if (!line.is_operating && !line.is_investment) return std::optional<CellRecord>();
    auto key = index_.KeyOf(line.fiscal_year, line.unit.value(), line.account.value(), line.period);
    if (!key.ok()) return std::move(key).error();
    CellRecord cell;
    cell.year = line.fiscal_year;
    cell.unit = line.unit.value();
    cell.account = line.account.value();
    cell.period = line.period;
    cell.group = line.account_group;
    cell.ore = cells_.Add(partition, *key, line.amount_ore);
    cell.last = {partition, offset, at_ms, line.voucher.source.value(),
                 line.voucher.voucher_id.value()};
    return std::optional<CellRecord>(std::move(cell));
}

std::size_t PostingStage::cell_count() const { return cells_.size(); }

}  // namespace bfu::analysis
