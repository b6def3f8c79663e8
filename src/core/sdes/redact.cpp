#include "core/sdes/redact.hpp"

#include <cctype>

namespace sotto::sdes {
namespace {

bool is_inline_at(std::string_view text, std::size_t pos) {
  constexpr std::string_view kInline = "inline:";
  if (pos + kInline.size() > text.size()) return false;
  for (std::size_t i = 0; i < kInline.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) != kInline[i]) return false;
  }
  return true;
}

bool ends_key(char c) { return c == '|' || c == ';' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string redact_keys(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (!is_inline_at(text, pos)) {
      out.push_back(text[pos++]);
      continue;
    }
    out.append(text.substr(pos, 7));  // "inline:" as written
    std::size_t end = pos + 7;
    while (end < text.size() && !ends_key(text[end])) ++end;
    out += "<key redacted, " + std::to_string(end - pos - 7) + " base64 chars>";
    pos = end;
  }
  return out;
}

}  // namespace sotto::sdes
