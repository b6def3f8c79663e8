#include "core/sip/header.hpp"

#include "core/sip/grammar.hpp"

namespace sotto::sip {

Result<std::vector<std::string_view>> split_list_value(std::string_view value, std::string_view what) {
  std::vector<std::string_view> out;
  const std::string_view s = trim_lws(value);
  if (s.empty()) return out;
  bool in_quotes = false;
  bool in_angle = false;
  std::size_t start = 0;
  auto push = [&](std::size_t end) -> Status {
    const std::string_view element = trim_lws(s.substr(start, end - start));
    if (element.empty()) return fail(Errc::malformed_input, std::string(what) + ": empty element in comma-separated list");
    out.push_back(element);
    return {};
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_quotes) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (in_angle) {
      if (c == '>') in_angle = false;
    } else if (c == '<') {
      in_angle = true;
    } else if (c == ',') {
      if (auto st = push(i); !st) return Unexpected(st.error());
      start = i + 1;
    }
  }
  if (in_quotes) return fail(Errc::malformed_input, std::string(what) + ": unterminated quoted string");
  if (in_angle) return fail(Errc::malformed_input, std::string(what) + ": missing '>'");
  if (auto st = push(s.size()); !st) return Unexpected(st.error());
  return out;
}

}  // namespace sotto::sip
