#include "core/locate/dns_name.hpp"

namespace sotto::locate {
namespace {

std::string_view strip_root(std::string_view s) noexcept {
  if (s.size() > 1 && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string normalize_dns_name(std::string_view name) {
  std::string out(strip_root(name));
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool same_dns_name(std::string_view a, std::string_view b) noexcept {
  return iequals(strip_root(a), strip_root(b));
}

std::string join_dns_name(std::string_view label, std::string_view domain) {
  std::string out(label);
  out += '.';
  out += strip_root(domain);
  return out;
}

}  // namespace sotto::locate
