#pragma once
// The reporting service (Rapportera, S3, S8, S11, S14): reads its inputs whole from the topics
// at start and keeps following them (ReportStore); makes the reports the timetable asks for on
// their dates (schedule.hpp) and any report on request (ZeroMQ report.make / report.list,
// HTTP GET/POST /reports, `bfu report`); writes them under reporting.dir with a manifest;
// announces each on bfu.reports; rewrites the rolling senaste.html when something changed.
// Topics, files and config: docs/services/reporting.md.
#include "bfu/runtime/app.hpp"

namespace bfu::reporting {

[[nodiscard]] runtime::App MakeApp();

}  // namespace bfu::reporting
