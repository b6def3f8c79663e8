#include "core/locate/dns_name.hpp"

namespace sotto::locate {
namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view strip_root(std::string_view s) noexcept {
  if (s.size() > 1 && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string normalize_dns_name(std::string_view name) {
  std::string out(strip_root(name));
  for (char& c : out) c = lower(c);
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
