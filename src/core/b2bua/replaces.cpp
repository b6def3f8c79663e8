#include "core/b2bua/replaces.hpp"

#include "base/ascii.hpp"

namespace sotto::b2bua {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_space(std::string_view s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0') return true;
  }
  return false;
}

}  // namespace

Result<ReplacesTarget> parse_replaces(std::string_view value) {
  ReplacesTarget r;
  std::size_t semi = value.find(';');
  const std::string_view call_id = trim(value.substr(0, semi));
  if (call_id.empty()) return fail(Errc::invalid_argument, "Replaces: empty Call-ID");
  if (has_space(call_id)) return fail(Errc::invalid_argument, "Replaces: white space in the Call-ID");
  r.call_id = std::string(call_id);
  bool to_seen = false, from_seen = false;
  while (semi != std::string_view::npos) {
    const std::size_t next = value.find(';', semi + 1);
    const std::string_view param = trim(value.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1));
    semi = next;
    if (param.empty()) return fail(Errc::invalid_argument, "Replaces: empty parameter");
    const std::size_t eq = param.find('=');
    const std::string_view name = trim(param.substr(0, eq));
    const std::string_view val = eq == std::string_view::npos ? std::string_view{} : trim(param.substr(eq + 1));
    if (sotto::iequals(name, "to-tag") || sotto::iequals(name, "from-tag")) {
      const bool to = sotto::iequals(name, "to-tag");
      bool& seen = to ? to_seen : from_seen;
      if (seen) return fail(Errc::invalid_argument, std::string("Replaces: ") + (to ? "to-tag" : "from-tag") + " given twice");
      if (val.empty() || has_space(val)) {
        return fail(Errc::invalid_argument, std::string("Replaces: empty or malformed ") + (to ? "to-tag" : "from-tag"));
      }
      seen = true;
      (to ? r.to_tag : r.from_tag) = std::string(val);
    } else if (sotto::iequals(name, "early-only")) {
      r.early_only = true;
    }  // other generic-params are ignored (RFC 3891 section 6.1)
  }
  if (!to_seen) return fail(Errc::invalid_argument, "Replaces: no to-tag");
  if (!from_seen) return fail(Errc::invalid_argument, "Replaces: no from-tag");
  return r;
}

}  // namespace sotto::b2bua
