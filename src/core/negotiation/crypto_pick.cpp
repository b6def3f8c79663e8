// pick_offered_crypto: the answerer's a=crypto choice (RFC 4568 section 7.1.2).
#include "core/negotiation/crypto_pick.hpp"

#include <algorithm>

#include "core/negotiation/detail.hpp"
#include "core/sdes/to_policy.hpp"

namespace sotto::negotiation {
namespace {

constexpr std::size_t kMaxListed = 8;  // a Warning header is no place for a hostile offer's 1000 lines

std::string join_capped(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < kMaxListed; ++i) {
    if (i) out += "; ";
    out += items[i];
  }
  if (items.size() > kMaxListed) out += "; and " + std::to_string(items.size() - kMaxListed) + " more";
  return out;
}

}  // namespace

CryptoPick pick_offered_crypto(const std::vector<std::string_view>& values, const MediaSecurityPolicy& policy) {
  CryptoPick out;
  bool only_suites = true;        // every skipped line failed on its suite alone
  std::vector<std::string> offered;  // distinct suite names, offer order
  for (std::string_view value : values) {
    auto attr = sdes::parse_crypto_attribute(value);
    if (!attr) {
      only_suites = false;
      out.skipped.push_back(attr.error().context);  // sdes messages carry lengths, never key material
      continue;
    }
    std::string label = attr->suite ? std::string(attr->suite->name) : detail::suite_label(attr->suite_name);
    if (std::find(offered.begin(), offered.end(), label) == offered.end()) offered.push_back(label);
    const std::string line = "a=crypto tag " + std::to_string(attr->tag) + ": ";
    if (attr->suite == nullptr || !allows(policy, attr->suite->id)) {
      out.skipped.push_back(line + "suite " + label + (attr->suite ? " is not allowed here" : " is unknown"));
      continue;
    }
    only_suites = false;
    if (auto weak = detail::weakening_param(attr->params)) {
      out.skipped.push_back(line + std::string(*weak) + " refused: it would leave media unprotected");
      continue;
    }
    if (auto kdr = kdr_refusal(policy, attr->params)) {
      out.skipped.push_back(line + *kdr);
      continue;
    }
    if (auto p = sdes::to_policy(*attr); !p) {
      out.skipped.push_back(p.error().context);
      continue;
    }
    out.chosen = std::move(*attr);
    return out;
  }
  if (values.empty()) {
    out.failure = "no a=crypto line offered";
  } else if (only_suites) {
    std::string list;
    for (std::size_t i = 0; i < offered.size() && i < kMaxListed; ++i) list += (i ? ", " : "") + offered[i];
    if (offered.size() > kMaxListed) list += " and " + std::to_string(offered.size() - kMaxListed) + " more";
    out.failure = "no common SRTP crypto suite: offered " + list + "; allowed " + allowed_suites_text(policy);
  } else {
    out.failure = "no usable SRTP crypto line: " + join_capped(out.skipped) + "; allowed " + allowed_suites_text(policy);
  }
  return out;
}

}  // namespace sotto::negotiation
