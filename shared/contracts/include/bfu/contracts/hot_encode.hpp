#pragma once
// Envelopes of the messages ingest writes for every voucher (a ledger line per voucher line, a
// decision per voucher), written straight to text instead of through a nlohmann::json document.
// Building that document cost about 20 µs per message, more than half of ingest's time per
// voucher (docs/benchmarks.md). The text is byte for byte what EncodeMessage gives: object keys
// in the same (sorted) order, the same escapes; a string that is not valid UTF-8 takes the
// generic path so that its replacement characters are the same too. tests/unit/contracts
// compares the two on every example and on generated lines.
#include <string>

#include "bfu/contracts/envelope.hpp"
#include "bfu/contracts/ledger.hpp"

namespace bfu::contracts {

// == EncodeMessage(line, meta)
[[nodiscard]] std::string EncodeLedgerLine(const LedgerLine& line, const EventMeta& meta);
// == EncodeMessage(decision, meta)
[[nodiscard]] std::string EncodeIngestDecision(const IngestDecision& decision,
                                               const EventMeta& meta);

}  // namespace bfu::contracts
