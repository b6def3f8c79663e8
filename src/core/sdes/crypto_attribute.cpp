// serialize() and validate() for CryptoAttribute. The rules checked here are shared with the parser,
// which runs them on every attribute it builds (see check_attribute in internal.hpp).
#include "core/sdes/crypto_attribute.hpp"

#include <algorithm>
#include <bit>
#include <utility>

#include "core/sdes/internal.hpp"
#include "crypto/base64.hpp"

namespace sotto::sdes {
namespace {

using detail::key_label;
using detail::num;
using detail::where;

Status check_key(const KeyParam& k, const srtp::Suite* suite, const std::string& label, Errc code) {
  if (k.key_salt.empty()) return fail(code, label + " has no key-salt; expected base64 key and salt after inline:");
  if (suite != nullptr) {
    const std::size_t need = std::size_t{suite->master_key_len} + suite->master_salt_len;
    if (k.key_salt.size() != need) {
      return fail(code, label + " is " + num(k.key_salt.size()) + " bytes after base64 decoding; " +
                            std::string(suite->name) + " needs " + num(need) + " (" + num(suite->master_key_len) +
                            "-byte key + " + num(suite->master_salt_len) + "-byte salt)");
    }
  }
  if (k.lifetime) {
    const KeyLifetime& l = *k.lifetime;
    if (l.packets == 0) return fail(code, label + " lifetime 0 is not allowed; expected at least 1 packet");
    if (l.form == LifetimeForm::power_of_two && !std::has_single_bit(l.packets)) {
      return fail(code, label + " lifetime " + num(l.packets) + " is not a power of two but has the 2^n form");
    }
    if (suite != nullptr && l.packets > suite->srtp_max_lifetime) {
      return fail(code, label + " lifetime " + detail::lifetime_text(l) + " exceeds the " + std::string(suite->name) +
                            " maximum of " + detail::lifetime_text({suite->srtp_max_lifetime, LifetimeForm::power_of_two}) +
                            " packets (RFC 3711 section 9.2; an error per RFC 4568 section 6.1)");
    }
  }
  if (k.mki) {
    const Mki& m = *k.mki;
    if (m.length == 0 || m.length > detail::kMaxMkiLength) {
      return fail(code, label + " MKI length " + num(m.length) + " is out of range 1..128 (RFC 4568 section 9.2)");
    }
    if (m.length < 8 && (m.value >> (8 * m.length)) != 0) {
      return fail(code, label + " MKI value " + num(m.value) + " does not fit in its MKI length of " + num(m.length) +
                            (m.length == 1 ? " byte" : " bytes"));
    }
  }
  return {};
}

// RFC 4568 section 6.1: several keys need an MKI each, all of one length, and MKIs tell keys apart.
Status check_keys(const std::vector<KeyParam>& keys, const srtp::Suite* suite, std::uint32_t tag, bool fec,
                  Errc code) {
  const std::size_t n = keys.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (auto s = check_key(keys[i], suite, where(tag) + ": " + key_label(fec, i, n), code); !s) return s;
  }
  if (n < 2) return {};
  for (std::size_t i = 0; i < n; ++i) {
    if (!keys[i].mki) {
      return fail(code, where(tag) + ": " + num(n) + " keys but " + key_label(fec, i, n) +
                            " has no MKI; with several keys each needs one (RFC 4568 section 6.1)");
    }
  }
  for (std::size_t i = 1; i < n; ++i) {
    if (keys[i].mki->length != keys[0].mki->length) {
      return fail(code, where(tag) + ": " + key_label(fec, i, n) + " has MKI length " + num(keys[i].mki->length) +
                            " but " + key_label(fec, 0, n) + " has " + num(keys[0].mki->length) +
                            "; all keys of an attribute need one MKI length (RFC 4568 section 6.1)");
    }
  }
  // Sorted (value, index) pairs: O(n log n), since a peer controls how many keys there are.
  std::vector<std::pair<std::uint64_t, std::size_t>> by_value;
  by_value.reserve(n);
  for (std::size_t i = 0; i < n; ++i) by_value.emplace_back(keys[i].mki->value, i);
  std::sort(by_value.begin(), by_value.end());
  for (std::size_t i = 1; i < n; ++i) {
    if (by_value[i].first == by_value[i - 1].first) {
      return fail(code, where(tag) + ": " + key_label(fec, by_value[i - 1].second, n) + " and " +
                            key_label(fec, by_value[i].second, n) + " share MKI value " + num(by_value[i].first) +
                            "; MKIs must tell keys apart");
    }
  }
  return {};
}

Status check_params(const CryptoAttribute& attr, Errc code) {
  const SessionParams& p = attr.params;
  if (p.kdr && *p.kdr > detail::kMaxKdr) {
    return fail(code, where(attr.tag) + ": KDR=" + num(*p.kdr) + " is out of range 0..24 (RFC 4568 section 6.3.1)");
  }
  if (p.wsh && *p.wsh < detail::kMinWsh) {
    return fail(code, where(attr.tag) + ": WSH=" + num(*p.wsh) + " is below the minimum of 64 (RFC 4568 section 6.3.6)");
  }
  if (!p.fec_keys.empty()) {
    if (auto s = check_keys(p.fec_keys, attr.suite, attr.tag, true, code); !s) return s;
  }
  for (const std::string& e : p.extensions) {
    bool visible = !e.empty();
    for (char c : e) visible = visible && detail::is_vchar(c);
    if (!visible) {
      return fail(code, where(attr.tag) + ": session parameter " + detail::describe(e) +
                            " is not 1*VCHAR (RFC 4568 section 9.2 srtp-session-extension)");
    }
    if (detail::is_known_session_param(e)) {
      return fail(code, where(attr.tag) + ": extension " + detail::describe(e) +
                            " has the name of a known session parameter; set its SessionParams field instead");
    }
  }
  return {};
}

void append_keys(std::string& out, const std::vector<KeyParam>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ';';
    out += serialize(keys[i]);
  }
}

}  // namespace

namespace detail {

Status check_attribute(const CryptoAttribute& attr, Errc code) {
  if (attr.tag > kMaxTag) {
    return fail(code, where(attr.tag) + ": tag is out of range 0..999999999 (1*9DIGIT, RFC 4568 section 9.1)");
  }
  if (!is_suite_name(attr.suite_name)) {
    return fail(code, where(attr.tag) + ": crypto-suite " + describe(attr.suite_name) +
                          " is not 1*(ALPHA / DIGIT / \"_\") (RFC 4568 section 9.1)");
  }
  if (attr.suite != nullptr && attr.suite->name != attr.suite_name) {
    return fail(code, where(attr.tag) + ": suite_name " + describe(attr.suite_name) + " differs from suite " +
                          std::string(attr.suite->name));
  }
  if (attr.suite == nullptr) {
    if (const srtp::Suite* known = find_suite_nocase(attr.suite_name)) {
      return fail(code, where(attr.tag) + ": suite_name names " + std::string(known->name) + " but suite is null");
    }
  }
  if (attr.keys.empty()) {
    return fail(code, where(attr.tag) + ": no inline key; expected key-params after the crypto-suite");
  }
  if (auto s = check_keys(attr.keys, attr.suite, attr.tag, false, code); !s) return s;
  return check_params(attr, code);
}

}  // namespace detail

Status validate(const CryptoAttribute& attr) { return detail::check_attribute(attr, Errc::invalid_argument); }

std::string serialize(const KeyParam& key) {
  std::string out = "inline:" + crypto::base64_encode(key.key_salt.span());
  if (key.lifetime) out += "|" + detail::lifetime_text(*key.lifetime);
  if (key.mki) out += "|" + num(key.mki->value) + ":" + num(key.mki->length);
  return out;
}

std::string serialize(const CryptoAttribute& attr) {
  std::string out = num(attr.tag) + " " + attr.suite_name + " ";
  append_keys(out, attr.keys);
  const SessionParams& p = attr.params;
  if (p.kdr) out += " KDR=" + num(*p.kdr);
  if (p.unencrypted_srtp) out += " UNENCRYPTED_SRTP";
  if (p.unencrypted_srtcp) out += " UNENCRYPTED_SRTCP";
  if (p.unauthenticated_srtp) out += " UNAUTHENTICATED_SRTP";
  if (p.fec_order) out += *p.fec_order == FecOrder::fec_srtp ? " FEC_ORDER=FEC_SRTP" : " FEC_ORDER=SRTP_FEC";
  if (!p.fec_keys.empty()) {
    out += " FEC_KEY=";
    append_keys(out, p.fec_keys);
  }
  if (p.wsh) out += " WSH=" + num(*p.wsh);
  for (const std::string& e : p.extensions) out += " " + e;
  return out;
}

}  // namespace sotto::sdes
