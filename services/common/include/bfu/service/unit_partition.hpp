#pragma once
// Where a unit's records live: the partition of a topic keyed by unit id (bfu.ledger.lines)
// that holds the unit, as one explicit function shared by whoever places records (ingest) and
// whoever divides work by partition (analysis: an instance owns the units whose partition of
// bfu.ledger.lines it consumes).
//
// The function is librdkafka's default partitioner for a keyed record (consistent_random:
// CRC-32 of the key modulo the partition count), so records produced with the unit id as key
// and no explicit partition land where UnitPartition says; an integration test checks it
// against the broker.
#include <cstdint>
#include <string_view>

namespace bfu::service {

// The partition of `unit` among `partitions` (> 0).
[[nodiscard]] std::int32_t UnitPartition(std::string_view unit, std::int32_t partitions) noexcept;

}  // namespace bfu::service
