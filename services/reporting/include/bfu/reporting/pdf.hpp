#pragma once
// PDF from the report's HTML, by Debian's headless Chromium (package chromium):
//   chromium --headless --no-sandbox --disable-gpu --disable-background-networking
//            --disable-component-update --no-first-run --disable-sync --disable-quic
//            --user-data-dir=<a fresh folder> --no-pdf-header-footer --print-to-pdf=OUT file://IN
// Chromium and not wkhtmltopdf: Chromium renders the HTML, its CSS (@page A4, flex, counters)
// and its inline SVG as the managers' browsers do, and Debian 12 keeps it patched;
// wkhtmltopdf is built on a QtWebKit from 2012, its project was archived in 2023, and
// Debian's build lacks the patched Qt it needs for headers, footers and page breaks. The
// background-networking flags keep Chromium from calling out (this machine's network refuses
// it, and a municipality's servers may too); the fresh profile keeps runs apart.
//
// The converter runs as a child process (posix_spawn, its own process group) with a deadline;
// its output goes to a log next to the profile, quoted in the error when it fails.
//
// Thread-safety: HtmlToPdf may be called from any thread; each call has its own profile.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "bfu/core/result.hpp"

namespace bfu::reporting {

struct PdfOptions {
    std::string command = "chromium";  // found on PATH, or a path
    std::chrono::milliseconds timeout{120'000};
};

// The command line HtmlToPdf runs (argv[0] first).
[[nodiscard]] std::vector<std::string> PdfCommand(const PdfOptions& options,
                                                  const std::filesystem::path& html,
                                                  const std::filesystem::path& pdf,
                                                  const std::filesystem::path& profile);

// Writes `pdf` from the HTML file `html` (through a temporary name and a rename).
// kUnavailable when the converter cannot be started, fails, times out or writes nothing; the
// message names the command and quotes the end of its output.
[[nodiscard]] core::Status HtmlToPdf(const std::filesystem::path& html,
                                     const std::filesystem::path& pdf, const PdfOptions& options);

}  // namespace bfu::reporting
