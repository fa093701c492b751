#include "bfu/reporting/library.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "bfu/domain/workdays.hpp"
#include "bfu/reporting/render.hpp"
#include "bfu/text/swedish.hpp"

namespace bfu::reporting {

namespace {

using contracts::FileFormat;
using nlohmann::json;

std::string KindWord(contracts::ReportKind kind) {
    auto k = FromContract(kind);
    return k ? std::string(KindId(*k)) : std::string(contracts::ToString(kind));
}

}  // namespace

core::Result<std::vector<FileFormat>> ParseFormats(const std::vector<std::string>& names) {
    std::vector<std::string> words;
    for (const auto& n : names) {
        std::stringstream ss(n);
        std::string w;
        while (std::getline(ss, w, ',')) {
            w.erase(0, w.find_first_not_of(' '));
            w.erase(w.find_last_not_of(' ') + 1);
            if (!w.empty()) words.push_back(w);
        }
    }
    bool json_f = false, html = false, xlsx = false, pdf = false;
    for (const auto& w : words) {
        if (w == "json") {
            json_f = true;
        } else if (w == "html") {
            html = true;
        } else if (w == "xlsx") {
            xlsx = true;
        } else if (w == "pdf") {
            pdf = true;
        } else if (w == "alla" || w == "all") {
            json_f = html = xlsx = pdf = true;
        } else {
            return core::Error(core::Errc::kInvalidArgument, "format",
                               "okänt format '" + w + "': html, xlsx, pdf eller json");
        }
    }
    std::vector<FileFormat> out;
    if (json_f) out.push_back(FileFormat::kJson);
    if (html) out.push_back(FileFormat::kHtml);
    if (xlsx) out.push_back(FileFormat::kXlsx);
    if (pdf) out.push_back(FileFormat::kPdf);
    if (out.empty()) {
        return core::Error(core::Errc::kInvalidArgument, "format",
                           "inget format angivet: html, xlsx, pdf eller json");
    }
    return out;
}

std::string_view Extension(FileFormat format) noexcept {
    switch (format) {
        case FileFormat::kHtml:
            return ".html";
        case FileFormat::kXlsx:
            return ".xlsx";
        case FileFormat::kJson:
            return ".json";
        case FileFormat::kMarkdown:
            return ".md";
        case FileFormat::kPdf:
            return ".pdf";
    }
    return ".bin";
}

std::string Sha256OfFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) return {};
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof buf);
        if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf, static_cast<std::size_t>(in.gcount()));
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    std::string hex;
    char two[3];
    for (unsigned int i = 0; i < len; ++i) {
        std::snprintf(two, sizeof two, "%02x", md[i]);
        hex += two;
    }
    return hex;
}

core::Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text) {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
        os << text;
        os.flush();
        if (!os.good()) return core::Error(core::Errc::kUnavailable, tmp, "cannot write");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return core::Error(core::Errc::kUnavailable, path.string(), ec.message());
    return core::Ok();
}

ReportWriter::ReportWriter(std::filesystem::path dir, const text::Templates& templates,
                           PdfOptions pdf)
    : dir_(std::move(dir)), templates_(templates), pdf_(std::move(pdf)) {}

std::filesystem::path ReportWriter::YearDir(int year) const {
    return std::filesystem::absolute(dir_ / std::to_string(year));
}

core::Result<std::vector<contracts::ReportFile>> ReportWriter::Write(
    const Report& report, const std::vector<FileFormat>& formats) const {
    const auto dir = YearDir(report.request.year());
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return core::Error(core::Errc::kUnavailable, dir.string(), ec.message());
    const std::string stem = FileStem(report.request);
    std::vector<contracts::ReportFile> files;
    std::string html;
    auto html_text = [&]() -> core::Status {
        if (!html.empty()) return core::Ok();
        auto h = RenderHtml(report, templates_);
        if (!h.ok()) return std::move(h).error();
        html = std::move(h).value();
        return core::Ok();
    };
    for (FileFormat f : formats) {
        const auto path = dir / (stem + std::string(Extension(f)));
        switch (f) {
            case FileFormat::kJson:
                BFU_TRY(WriteFileAtomically(path, RenderJson(report)));
                break;
            case FileFormat::kHtml:
                BFU_TRY(html_text());
                BFU_TRY(WriteFileAtomically(path, html));
                break;
            case FileFormat::kXlsx: {
                const auto tmp = std::filesystem::path(path.string() + ".tmp.xlsx");
                BFU_TRY(WriteXlsx(report, tmp));
                std::filesystem::rename(tmp, path, ec);
                if (ec) return core::Error(core::Errc::kUnavailable, path.string(), ec.message());
                break;
            }
            case FileFormat::kPdf: {
                // From the HTML file; one of its own when the HTML was not asked for.
                auto source = dir / (stem + ".html");
                const bool own =
                    std::find(formats.begin(), formats.end(), FileFormat::kHtml) == formats.end();
                if (own) {
                    BFU_TRY(html_text());
                    source = dir / (stem + ".pdf-underlag.html");
                    BFU_TRY(WriteFileAtomically(source, html));
                }
                auto made = HtmlToPdf(source, path, pdf_);
                if (own) std::filesystem::remove(source, ec);
                BFU_TRY(made);
                break;
            }
            case FileFormat::kMarkdown:
                continue;
        }
        files.push_back({f, path.string(), Sha256OfFile(path)});
    }
    return files;
}

core::Status ReportWriter::WriteRolling(const Report& report) const {
    const auto dir = YearDir(report.request.year());
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return core::Error(core::Errc::kUnavailable, dir.string(), ec.message());
    auto html = RenderHtml(report, templates_);
    if (!html.ok()) return std::move(html).error();
    BFU_TRY(WriteFileAtomically(dir / "senaste.html", *html));
    return WriteFileAtomically(dir / "senaste.json", RenderJson(report));
}

json ListEntry(const contracts::ReportPublished& r) {
    json files = json::array();
    for (const auto& f : r.files) {
        json jf{{"format", std::string(contracts::ToString(f.format))}, {"path", f.path}};
        if (f.sha256) jf["sha256"] = *f.sha256;
        files.push_back(std::move(jf));
    }
    return {{"reportId", r.report_id}, {"kind", KindWord(r.kind)}, {"scope", r.scope.value()},
            {"year", r.year},          {"period", r.period},       {"asOf", r.as_of},
            {"files", files}};
}

core::Status ReportWriter::WriteIndex(int year,
                                      const std::vector<contracts::ReportPublished>& reports,
                                      const std::map<std::string, std::string>& scope_names) const {
    const auto dir = YearDir(year);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return core::Error(core::Errc::kUnavailable, dir.string(), ec.message());
    json list = json::array();
    json rows = json::array();
    for (const auto& r : reports) {
        list.push_back(ListEntry(r));
        json files = json::array();
        for (const auto& f : r.files) {
            const auto name = std::filesystem::path(f.path).filename().string();
            std::string label(contracts::ToString(f.format));
            for (auto& c : label)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            files.push_back({{"fil", name}, {"format", label}});
        }
        auto kind = FromContract(r.kind);
        auto it = scope_names.find(r.scope.value());
        const auto as_of = core::FromRfc3339(r.as_of);
        rows.push_back(
            {{"rapport", kind ? std::string(KindTitle(*kind)) : KindWord(r.kind)},
             {"omfattning", it != scope_names.end() ? it->second : r.scope.value()},
             {"enhet", r.scope.value()},
             {"period", text::PeriodText(r.period)},
             {"per", as_of.ok() ? text::DateText(domain::StockholmDate(*as_of)) : r.as_of},
             {"filer", files}});
    }
    BFU_TRY(WriteFileAtomically(dir / "rapporter.json",
                                json{{"year", year}, {"reports", list}}.dump(2) + "\n"));
    auto html =
        templates_.Render("lista.html", json{{"ar", std::to_string(year)}, {"rapporter", rows}});
    if (!html.ok()) return std::move(html).error();
    return WriteFileAtomically(dir / "index.html", *html);
}

}  // namespace bfu::reporting
