// parse_crypto_attribute: the RFC 4568 section 9 grammar for SRTP. Grammar errors are reported here;
// the rules that need the whole attribute (key lengths, lifetimes, MKIs) by detail::check_attribute.
#include <cstdio>

#include "core/sdes/crypto_attribute.hpp"
#include "core/sdes/internal.hpp"
#include "crypto/base64.hpp"

namespace sotto::sdes {
namespace {

using namespace detail;  // NOLINT(google-build-using-namespace): the helpers are this file's vocabulary

constexpr Errc kBad = Errc::malformed_input;

bool is_base64_char(char c) noexcept { return is_alpha(c) || is_digit(c) || c == '+' || c == '/' || c == '='; }

// lifetime = ["2^"] 1*(DIGIT)   (section 6.1)
Result<KeyLifetime> parse_lifetime(std::string_view text, const std::string& label) {
  const bool power = istarts_with(text, "2^");
  const std::string_view digits = power ? text.substr(2) : text;
  if (!all_digits(digits)) {
    return fail(kBad, label + " lifetime " + describe(text, 24) + " is not a decimal number or 2^n (RFC 4568 section 6.1)");
  }
  const std::optional<std::uint64_t> v = parse_decimal(digits);
  if (!v || (power && *v > 63)) {
    return fail(kBad, label + " lifetime " + describe(text, 24) + " is too large; SRTP allows at most 2^48 packets");
  }
  if (power) return KeyLifetime{std::uint64_t{1} << *v, LifetimeForm::power_of_two};
  return KeyLifetime{*v, LifetimeForm::decimal};
}

// mki = mki-value ":" mki-length; mki-value = 1*DIGIT; mki-length = 1*3DIGIT   (section 9.2)
Result<Mki> parse_mki(std::string_view text, const std::string& label) {
  const std::size_t colon = text.find(':');
  const std::string_view value = text.substr(0, colon);
  const std::string_view length = text.substr(colon + 1);
  if (!all_digits(value) || !all_digits(length)) {
    return fail(kBad, label + " MKI " + describe(text, 24) + " is not mki-value:mki-length in decimal (RFC 4568 section 6.1)");
  }
  const std::optional<std::uint64_t> len = parse_decimal(length);
  if (length.size() > 3 || *len == 0 || *len > kMaxMkiLength) {
    return fail(kBad, label + " MKI length " + describe(length, 24) + " is out of range 1..128 (RFC 4568 section 9.2)");
  }
  const std::optional<std::uint64_t> v = parse_decimal(value);
  if (!v) {
    // Only an MKI longer than 8 bytes can hold such a value; the RFC allows it, we do not model it.
    return fail(*len > 8 ? Errc::unsupported : kBad,
                label + " MKI value of " + num(value.size()) + " digits does not fit in 64 bits");
  }
  return Mki{*v, static_cast<std::uint8_t>(*len)};
}

// key-param = "inline:" key-info; key-info = key-salt ["|" lifetime] ["|" mki]
Result<KeyParam> parse_key_param(std::string_view piece, const std::string& label) {
  if (piece.empty()) return fail(kBad, label + " is empty (a ';' with nothing after it, or two in a row)");
  const std::size_t colon = piece.find(':');
  if (colon == std::string_view::npos) {
    return fail(kBad, label + " has no key method; expected inline:key-salt[|lifetime][|mki]");
  }
  const std::string_view method = piece.substr(0, colon);
  if (!iequals(method, "inline")) {
    if (is_suite_name(method) && method.size() <= 10) {  // key-method-ext = 1*(ALPHA / DIGIT / "_")
      return fail(Errc::unsupported, label + " uses key method " + quote(method) +
                                         "; SRTP defines only inline (RFC 4568 section 6.1)");
    }
    return fail(kBad, label + " does not start with inline:; expected inline:key-salt[|lifetime][|mki]");
  }
  const std::vector<std::string_view> fields = split(piece.substr(colon + 1), '|');
  if (fields.size() > 3) {
    return fail(kBad, label + " has " + num(fields.size()) + " '|'-separated fields; expected key-salt[|lifetime][|mki]");
  }

  KeyParam k;
  const std::string_view key_salt = fields[0];
  if (key_salt.empty()) return fail(kBad, label + " has no key-salt after inline:");
  for (std::size_t i = 0; i < key_salt.size(); ++i) {
    if (!is_base64_char(key_salt[i])) {
      return fail(kBad, label + " has a character that is not base64 at offset " + num(i) + " of its " +
                            num(key_salt.size()) + "-character key-salt");
    }
  }
  Result<SecureBytes> bytes = crypto::base64_decode(key_salt);
  if (!bytes) {
    // Characters were checked above, so the base64 error is about length or '=' placement only.
    return fail(kBad, label + " key-salt is not valid base64 (" + bytes.error().context + ")");
  }
  k.key_salt = std::move(*bytes);

  std::size_t next = 1;
  if (next < fields.size() && fields[next].find(':') == std::string_view::npos) {
    auto l = parse_lifetime(fields[next++], label);
    if (!l) return Unexpected(l.error());
    k.lifetime = *l;
  }
  if (next < fields.size()) {
    if (fields[next].find(':') == std::string_view::npos) {
      return fail(kBad, label + " field " + num(next + 1) + " " + describe(fields[next], 24) +
                            " is not an MKI; expected key-salt[|lifetime][|mki-value:mki-length]");
    }
    auto m = parse_mki(fields[next++], label);
    if (!m) return Unexpected(m.error());
    k.mki = *m;
  }
  if (next < fields.size()) {
    return fail(kBad, label + " has a field after the MKI; the lifetime must come before the MKI (RFC 4568 section 6.1)");
  }
  return k;
}

// key-params = key-param *(";" key-param)
Result<std::vector<KeyParam>> parse_key_params(std::string_view text, std::uint32_t tag, bool fec) {
  const std::vector<std::string_view> pieces = split(text, ';');
  std::vector<KeyParam> keys;
  keys.reserve(pieces.size());
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    auto k = parse_key_param(pieces[i], where(tag) + ": " + key_label(fec, i, pieces.size()));
    if (!k) return Unexpected(k.error());
    keys.push_back(std::move(*k));
  }
  return keys;
}

Status set_flag(bool& flag, std::string_view name, std::uint32_t tag) {
  if (flag) return fail(kBad, where(tag) + ": " + std::string(name) + " appears twice");
  flag = true;
  return {};
}

// srtp-session-param (section 9.2). Known names are matched ignoring case; anything else is an
// srtp-session-extension, kept verbatim.
Status parse_session_param(std::string_view t, CryptoAttribute& attr) {
  SessionParams& p = attr.params;
  const std::uint32_t tag = attr.tag;
  const auto twice = [&](std::string_view name) { return fail(kBad, where(tag) + ": " + std::string(name) + " appears twice"); };
  if (istarts_with(t, "KDR=")) {  // "KDR=" 1*2(DIGIT), 0..24
    const std::string_view v = t.substr(4);
    if (!all_digits(v) || v.size() > 2 || *parse_decimal(v) > kMaxKdr) {
      return fail(kBad, where(tag) + ": " + describe(t) + " is not KDR=0..24 (RFC 4568 section 6.3.1)");
    }
    if (p.kdr) return twice("KDR");
    p.kdr = static_cast<std::uint8_t>(*parse_decimal(v));
  } else if (iequals(t, "UNENCRYPTED_SRTP")) {
    return set_flag(p.unencrypted_srtp, "UNENCRYPTED_SRTP", tag);
  } else if (iequals(t, "UNENCRYPTED_SRTCP")) {
    return set_flag(p.unencrypted_srtcp, "UNENCRYPTED_SRTCP", tag);
  } else if (iequals(t, "UNAUTHENTICATED_SRTP")) {
    return set_flag(p.unauthenticated_srtp, "UNAUTHENTICATED_SRTP", tag);
  } else if (istarts_with(t, "FEC_ORDER=")) {  // "FEC_ORDER=" ("FEC_SRTP" / "SRTP_FEC")
    const std::string_view v = t.substr(10);
    if (p.fec_order) return twice("FEC_ORDER");
    if (iequals(v, "FEC_SRTP")) {
      p.fec_order = FecOrder::fec_srtp;
    } else if (iequals(v, "SRTP_FEC")) {
      p.fec_order = FecOrder::srtp_fec;
    } else {
      return fail(kBad, where(tag) + ": " + describe(t) + " is not FEC_ORDER=FEC_SRTP or FEC_ORDER=SRTP_FEC (RFC 4568 section 6.3.4)");
    }
  } else if (istarts_with(t, "FEC_KEY=")) {  // "FEC_KEY=" key-params
    if (!p.fec_keys.empty()) return twice("FEC_KEY");
    auto keys = parse_key_params(t.substr(8), tag, true);
    if (!keys) return Unexpected(keys.error());
    p.fec_keys = std::move(*keys);
  } else if (istarts_with(t, "WSH=")) {  // "WSH=" 2*DIGIT, at least 64
    const std::string_view v = t.substr(4);
    const std::optional<std::uint64_t> n = all_digits(v) && v.size() >= 2 ? parse_decimal(v) : std::nullopt;
    if (!n || *n < kMinWsh || *n > 0xffffffffu) {
      return fail(kBad, where(tag) + ": " + describe(t) + " is not WSH=n with n from 64 to 4294967295 (RFC 4568 section 6.3.6)");
    }
    if (p.wsh) return twice("WSH");
    p.wsh = static_cast<std::uint32_t>(*n);
  } else if (istarts_with(t, "inline:")) {
    return fail(kBad, where(tag) + ": a second key-params field; separate several keys with ';' (RFC 4568 section 9.1)");
  } else {
    p.extensions.emplace_back(t);  // srtp-session-extension = ["-"] 1*(VCHAR)
  }
  return {};
}

std::vector<std::string_view> split_wsp(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_wsp(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_wsp(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

Result<CryptoAttribute> parse_crypto_attribute(std::string_view text) {
  constexpr std::string_view kPrefix = "a=crypto:";
  std::string_view s = text;
  std::size_t offset = 0;  // of s in text, for error messages
  if (s.substr(0, kPrefix.size()) == kPrefix) {
    s.remove_prefix(kPrefix.size());
    offset = kPrefix.size();
  }
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || is_wsp(s.back()))) s.remove_suffix(1);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_wsp(s[i]) && !is_vchar(s[i])) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(static_cast<unsigned char>(s[i])));
      return fail(kBad, "a=crypto: byte " + std::string(hex) + " at offset " + num(offset + i) +
                            " is not a visible character, space or tab");
    }
  }
  const std::vector<std::string_view> fields = split_wsp(s);
  if (fields.empty()) {
    return fail(kBad, "a=crypto: empty value; expected \"tag crypto-suite inline:key-salt\" (RFC 4568 section 9.1)");
  }
  if (!all_digits(fields[0]) || fields[0].size() > 9) {
    return fail(kBad, "a=crypto: tag " + describe(fields[0]) + " is not 1 to 9 decimal digits (RFC 4568 section 9.1)");
  }

  CryptoAttribute attr;
  attr.tag = static_cast<std::uint32_t>(*parse_decimal(fields[0]));
  if (fields.size() < 2) {
    return fail(kBad, where(attr.tag) + ": crypto-suite and key-params missing; expected \"tag crypto-suite inline:key-salt\"");
  }
  if (!is_suite_name(fields[1])) {
    return fail(kBad, where(attr.tag) + ": crypto-suite " + describe(fields[1]) +
                          " is not 1*(ALPHA / DIGIT / \"_\") (RFC 4568 section 9.1)");
  }
  attr.suite = find_suite_nocase(fields[1]);
  attr.suite_name = attr.suite != nullptr ? std::string(attr.suite->name) : std::string(fields[1]);
  if (fields.size() < 3) {
    return fail(kBad, where(attr.tag) + ": key-params missing after " + attr.suite_name +
                          "; expected inline:key-salt[|lifetime][|mki]");
  }
  auto keys = parse_key_params(fields[2], attr.tag, false);
  if (!keys) return Unexpected(keys.error());
  attr.keys = std::move(*keys);
  for (std::size_t i = 3; i < fields.size(); ++i) {
    if (auto st = parse_session_param(fields[i], attr); !st) return Unexpected(st.error());
  }
  if (auto st = check_attribute(attr, kBad); !st) return Unexpected(st.error());
  return attr;
}

}  // namespace sotto::sdes
