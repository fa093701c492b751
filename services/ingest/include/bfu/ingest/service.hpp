#pragma once
// The ingest service: takes ERP vouchers from bfu.erp.vouchers, checks them (VoucherChecker)
// and writes valid lines to bfu.ledger.lines (keyed by unit) and failures, with every reason
// and the original payload, to bfu.ledger.rejected, in one Kafka transaction per batch
// together with the input offsets (exactly once). Topics and config: docs/services/ingest.md.
#include "bfu/runtime/app.hpp"

namespace bfu::ingest {

[[nodiscard]] runtime::App MakeApp();

}  // namespace bfu::ingest
