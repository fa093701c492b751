#pragma once
// Text into HTML: the one escaping for pages bfu writes by hand (the reports' charts, the demo's
// summary page); the mustache templates escape their own variables.
#include <string>
#include <string_view>

namespace bfu::text {

// & < > " as entities; every other byte as it is (UTF-8 passes through). Pure, thread-safe.
[[nodiscard]] std::string HtmlEscape(std::string_view s);

}  // namespace bfu::text
