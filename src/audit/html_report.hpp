// The `sotto audit --html` page: one self-contained HTML document rendered from the JSON report.
//
//   nlohmann::json report = ...;                       // the schema of docs/AUDIT.md
//   std::ofstream("audit.html") << sotto::audit::render_html(report);
//
// The page needs nothing outside itself (inline CSS and SVG, no script, no fonts, no links) and forbids
// the rest with a Content-Security-Policy. Every string that came from the capture (Call-IDs, URIs,
// summaries, addresses, finding messages) is HTML-escaped, invalid UTF-8 and control characters are
// replaced, and values only ever land in text or quoted attributes: a hostile capture cannot inject markup.
// Fields that are missing or of the wrong type are shown as "-" instead of failing.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace sotto::audit {

std::string render_html(const nlohmann::json& report);

// HTML/XML text escaping of `s` (also valid inside double- or single-quoted attributes), with invalid
// UTF-8 and C0/C1 control characters other than tab and newline replaced by U+FFFD.
std::string html_escape(std::string_view s);

}  // namespace sotto::audit
