// uri_equivalent(): RFC 3261 19.1.4 URI comparison.
#include "core/sip/grammar.hpp"
#include "core/sip/uri.hpp"

namespace sotto::sip {

namespace {

bool param_values_equal(const Param& a, const Param& b) {
  if (a.value.has_value() != b.value.has_value()) return false;
  return !a.value || iequals(*a.value, *b.value);
}

// "user, ttl, method, maddr" (19.1.4) and "transport" (its examples: sip:bob@biloxi.com does not
// match sip:bob@biloxi.com;transport=udp) must be present in both URIs or in neither.
bool must_be_in_both(std::string_view name) {
  return iequals(name, "user") || iequals(name, "ttl") || iequals(name, "method") || iequals(name, "maddr") ||
         iequals(name, "transport");
}

bool params_equivalent(const Params& a, const Params& b) {
  for (const auto& pa : a) {
    if (a.find(pa.name) != &pa) continue;  // a repeated name: only the first counts, as in Params::get()
    const Param* pb = b.find(pa.name);
    if (!pb) {
      if (must_be_in_both(pa.name)) return false;
      continue;
    }
    if (!param_values_equal(pa, *pb)) return false;
  }
  for (const auto& pb : b) {
    if (!a.find(pb.name) && must_be_in_both(pb.name)) return false;
  }
  return true;
}

// "URI header components are never ignored": same set, names case-insensitive, values exact.
bool headers_equivalent(const std::vector<UriHeader>& a, const std::vector<UriHeader>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& ha : a) {
    bool found = false;
    for (const auto& hb : b) {
      if (iequals(ha.name, hb.name) && ha.value == hb.value) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

// tel (RFC 3966 section 4): visual separators are not significant, hex digits compare case-insensitively.
std::string tel_digits(std::string_view number) {
  std::string out;
  for (char c : number) {
    if (c == '-' || c == '.' || c == '(' || c == ')') continue;
    out.push_back(to_lower(c));
  }
  return out;
}

}  // namespace

bool uri_equivalent(const Uri& a, const Uri& b) {
  if (a.scheme != b.scheme) return false;
  switch (a.scheme) {
    case UriScheme::other:
      return iequals(a.other_scheme, b.other_scheme) && a.opaque == b.opaque;
    case UriScheme::tel:
      if (tel_digits(a.user) != tel_digits(b.user)) return false;
      if (a.params.size() != b.params.size()) return false;
      for (const auto& pa : a.params) {
        if (a.params.find(pa.name) != &pa) continue;
        const Param* pb = b.params.find(pa.name);
        if (!pb || !param_values_equal(pa, *pb)) return false;
      }
      return true;
    case UriScheme::sip:
    case UriScheme::sips:
      break;
  }
  if (a.user != b.user || a.password != b.password) return false;  // userinfo is case-sensitive
  if (!iequals(a.host, b.host) || a.port != b.port) return false;
  return params_equivalent(a.params, b.params) && headers_equivalent(a.headers, b.headers);
}

}  // namespace sotto::sip
