#pragma once
// The document `bfu import sie FILE --dry-run --json` prints: what an import of the file would
// do, without doing it. Field by field in docs/sie-import.md; scripts read it, so fields are
// only ever added, never renamed. Amounts are integer öre.
#include <nlohmann/json.hpp>

#include "bfu/sie/model.hpp"
#include "bfu/sie/reconcile.hpp"

namespace bfu::sie {

inline constexpr const char* kDryRunSchema = "bfu.sie.dry-run/1";

[[nodiscard]] nlohmann::json DryRunJson(const SieFile& file, const Outcomes& outcomes,
                                        const Reconciliation& reconciliation);
// Convenience: outcomes and reconciliation from the file itself (non-streaming parse).
[[nodiscard]] nlohmann::json DryRunJson(const SieFile& file);

[[nodiscard]] nlohmann::json ToJson(const Issue& issue);

}  // namespace bfu::sie
