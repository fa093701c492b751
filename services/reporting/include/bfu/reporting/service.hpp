#pragma once
// The reporting service: consumes unit aggregates, forecasts and deviation events, and after
// every batch that changed something writes the follow-up report of the whole organisation
// (HTML, Markdown, JSON) to reporting.dir/<year>/, then announces it on bfu.reports.
// Topics and config: docs/services/reporting.md.
#include "bfu/runtime/app.hpp"

namespace bfu::reporting {

[[nodiscard]] runtime::App MakeApp();

}  // namespace bfu::reporting
