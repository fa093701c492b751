#pragma once
// The notifier's default templates, embedded at build time from services/notifier/templates/
// (bfu_embed_templates). A municipality overrides them file by file (notifier.templates_dir);
// `bfu templates export DIR` writes them out to start from.
#include <span>

#include "bfu/text/templates.hpp"

namespace bfu::notifier {

[[nodiscard]] std::span<const text::TemplateFile> DefaultTemplates();

}  // namespace bfu::notifier
