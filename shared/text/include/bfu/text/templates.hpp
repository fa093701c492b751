#pragma once
// Templates: every text people read (alert e-mails and pages, reports, reminders) is rendered
// from mustache templates (Debian's kainjow mustache) that a municipality can edit (S10:
// "mallar").
//
// A service is built with its default templates embedded (the files of a folder of the repo,
// e.g. services/notifier/templates/, turned into a table at build time by
// bfu_embed_templates in cmake/BfuTargets.cmake). At start it may be given a folder of its own
// (e.g. notifier.templates_dir): every `<name>.mustache` file found there replaces the default
// of that name; the others keep their default. Every template is compiled at load, so a
// broken one stops start-up with a message naming its file and the mustache error.
//
// Names: a template's name is its file name without ".mustache", e.g. "avvikelse.html". A name
// ending in ".html" renders HTML-escaped ({{x}} escapes &, <, >, " and '; {{{x}}} does not);
// any other name renders its values as they are (plain text, mail subjects). A template may
// include another by name: {{> fot.txt}}.
//
// Data: a JSON object; numbers should already be formatted (bfu::text's formatter) - raw
// numbers print as JSON writes them. null and false are false, an empty list is false.
//
// Lifecycle: immutable after Load; thread-safe for concurrent Render.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bfu/core/result.hpp"

namespace bfu::text {

// One embedded default template.
struct TemplateFile {
    std::string_view name;  // "avvikelse.html"
    std::string_view text;
};

class Templates {
public:
    Templates() = default;

    // The defaults, each replaced by `<dir>/<name>.mustache` when that file exists (dir may be
    // empty: defaults only). Files in `dir` that name no default are loaded too (a
    // municipality may add partials). kInvalidArgument names the file and the error of a
    // template that does not compile, and an unreadable folder.
    [[nodiscard]] static core::Result<Templates> Load(std::span<const TemplateFile> defaults,
                                                      const std::filesystem::path& dir = {});

    // Renders `name` with `data`; kNotFound for an unknown name, kInvalidArgument when the
    // template fails at render time (e.g. a partial that does not exist).
    [[nodiscard]] core::Result<std::string> Render(std::string_view name,
                                                   const nlohmann::json& data) const;

    [[nodiscard]] bool Has(std::string_view name) const;
    [[nodiscard]] std::vector<std::string> Names() const;
    // The template's source text and where it came from ("default" or the file's path).
    [[nodiscard]] const std::string* Source(std::string_view name) const;
    [[nodiscard]] std::string Origin(std::string_view name) const;

private:
    struct Entry {
        std::string text;
        std::string origin;
    };
    std::map<std::string, Entry, std::less<>> entries_;
};

// Writes every default template to `dir` as `<name>.mustache` (for a municipality to start
// editing from); existing files are left alone unless `overwrite`. Returns the paths written.
[[nodiscard]] core::Result<std::vector<std::filesystem::path>> ExportTemplates(
    std::span<const TemplateFile> defaults, const std::filesystem::path& dir, bool overwrite);

}  // namespace bfu::text
