#pragma once
// A report's files: JSON (schemas/http/report.schema.json), HTML (self-contained: inline CSS
// and SVG charts, Swedish, printable on A4, from mustache templates the finance unit may edit),
// XLSX (libxlsxwriter: a sheet per level, amounts as numbers in kronor with Swedish number
// formats, totals as formulas carrying their value) and PDF (made from the HTML by headless
// Chromium, pdf.hpp).
//
// Every text goes through bfu::text (amounts in tkr, "april 2026", Swedish local dates), so the
// report, the alerts and the CLI print the same figure the same way.
//
// Deterministic: RenderJson of the same model is the same bytes (keys sorted, no wall-clock
// time); the HTML too. Pure except WriteXlsx, which writes its file. Thread-safe.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "bfu/core/result.hpp"
#include "bfu/reporting/report.hpp"
#include "bfu/text/templates.hpp"

namespace bfu::reporting {

inline constexpr std::string_view kReportType = "se.bfu.report.v1";

[[nodiscard]] nlohmann::json ReportToJson(const Report& report);
// ReportToJson as text, two-space indented, keys sorted, ending in a newline.
[[nodiscard]] std::string RenderJson(const Report& report);

// The mustache data of the HTML templates (documented in docs/services/reporting.md): the
// figures formatted in Swedish, the charts as SVG text, and flags saying which sections the
// kind has.
[[nodiscard]] nlohmann::json HtmlView(const Report& report);
// Renders "rapport.html" (or "lopande.html" for the rolling report) with HtmlView.
[[nodiscard]] core::Result<std::string> RenderHtml(const Report& report,
                                                   const text::Templates& templates);

// The charts, as inline SVG (no script, no external reference).
// Outcome against budget by month (bars) with both cumulated (lines).
[[nodiscard]] std::string OutcomeChart(const Report& report);
// The full-year forecast of every round against the annual budget.
[[nodiscard]] std::string ForecastChart(const Report& report);
// The deviation to date per account group (the cause), largest first.
[[nodiscard]] std::string CauseChart(const Report& report);

// Writes the workbook to `path`. kUnavailable when the file cannot be written.
[[nodiscard]] core::Status WriteXlsx(const Report& report, const std::filesystem::path& path);

// The sheet names WriteXlsx uses per level ("Nämnder", "Enheter", ...).
[[nodiscard]] std::string_view LevelSheetName(domain::Level level) noexcept;
// "KF", "nämnd", ... as people read the level.
[[nodiscard]] std::string_view LevelText(domain::Level level) noexcept;

// The default templates (services/reporting/templates/, embedded at build time).
[[nodiscard]] std::span<const text::TemplateFile> DefaultTemplates();

}  // namespace bfu::reporting
