#pragma once
// The reporting folder: a report's files, the rolling report and the list of reports.
//
//   <dir>/<year>/<kind>-<scope>-<YYYY-MM>-<as of>.json|html|xlsx|pdf   a report (FileStem)
//   <dir>/<year>/senaste.html, senaste.json                            the rolling report
//   <dir>/<year>/rapporter.json                                        the manifest: every
//                                                                      report of the year
//                                                                      announced on bfu.reports
//   <dir>/<year>/index.html                                            the same, for people
// Every file is written to a temporary name and renamed, so a reader never sees half of one.
// The manifest is made from bfu.reports (what was announced, by any instance), not from the
// folder, so it is the same after a restart.
//
// Thread-safety: a ReportWriter may be used from several threads for different reports; the
// service makes one report at a time.
#include <filesystem>
#include <string>
#include <vector>

#include "bfu/contracts/outputs.hpp"
#include "bfu/core/result.hpp"
#include "bfu/reporting/pdf.hpp"
#include "bfu/reporting/report.hpp"
#include "bfu/text/templates.hpp"

namespace bfu::reporting {

// "html,xlsx,pdf,json" (any order, commas or a list; "alla" for all four) -> formats in the
// order written: json, html, xlsx, pdf. kInvalidArgument names an unknown one.
[[nodiscard]] core::Result<std::vector<contracts::FileFormat>> ParseFormats(
    const std::vector<std::string>& names);
[[nodiscard]] std::string_view Extension(contracts::FileFormat format) noexcept;
// SHA-256 of a file as 64 lower-case hex digits; "" when it cannot be read.
[[nodiscard]] std::string Sha256OfFile(const std::filesystem::path& path);
// Writes `text` to `path` through a temporary file and a rename.
[[nodiscard]] core::Status WriteFileAtomically(const std::filesystem::path& path,
                                               const std::string& text);

class ReportWriter {
public:
    ReportWriter(std::filesystem::path dir, const text::Templates& templates, PdfOptions pdf);

    [[nodiscard]] std::filesystem::path YearDir(int year) const;
    // Writes the report in `formats`; the files with their absolute paths and SHA-256.
    // kUnavailable when a file cannot be written or the PDF cannot be made; kInvalidArgument
    // when a template fails.
    [[nodiscard]] core::Result<std::vector<contracts::ReportFile>> Write(
        const Report& report, const std::vector<contracts::FileFormat>& formats) const;
    // senaste.html and senaste.json of the report's year.
    [[nodiscard]] core::Status WriteRolling(const Report& report) const;
    // rapporter.json and index.html of `year` from the reports announced for it.
    [[nodiscard]] core::Status WriteIndex(
        int year, const std::vector<contracts::ReportPublished>& reports,
        const std::map<std::string, std::string>& scope_names) const;

private:
    std::filesystem::path dir_;
    const text::Templates& templates_;
    PdfOptions pdf_;
};

// The manifest entry of an announced report, as rapporter.json, `bfu report list --json` and
// GET /reports write it: {"reportId","kind","scope","year","period","asOf","files":[...]}
// with the kind as the CLI names it.
[[nodiscard]] nlohmann::json ListEntry(const contracts::ReportPublished& report);

}  // namespace bfu::reporting
