#pragma once
// One SIE import, read and converted, and what is said about it: the JSON document that
// `bfu import sie FILE --dry-run --json` prints and the inbox writes as <name>.report.json
// (docs/sie-import.md), and the text summary the CLI prints.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/clock.hpp"
#include "bfu/sie/model.hpp"
#include "bfu/sie/parser.hpp"
#include "bfu/sie/reconcile.hpp"
#include "bfu/sie_import/convert.hpp"
#include "bfu/sie_import/publish.hpp"

namespace bfu::sie_import {

struct Import {
    sie::SieFile file;
    sie::Outcomes outcomes;
    sie::Reconciliation reconciliation;
    Conversion conversion;

    // The file-level errors that make the file broken (bad header, #KSUMMA mismatch, not SIE):
    // such a file is not imported at all. Rejected vouchers do not count here.
    [[nodiscard]] std::vector<sie::Issue> FileErrors() const;
};

// Parses bytes (named path in every message), computes bfu's outcome, reconciles it with the
// file's balances and converts the file. `options.path` is set to path when empty.
[[nodiscard]] Import Prepare(std::string_view bytes, const std::string& path,
                             ConvertOptions options, core::TimePoint now);

// sie::DryRunJson plus "import": source, voucher and line counts, budget messages, rejected
// vouchers (parser and conversion) and, after publishing, what was published.
[[nodiscard]] nlohmann::json ReportJson(const Import& import, bool dry_run,
                                        const std::optional<Published>& published);

// A few lines for a person: years, vouchers, lines, published, rejects, reconciliation.
[[nodiscard]] std::string Summary(const Import& import, const std::optional<Published>& published);

}  // namespace bfu::sie_import
