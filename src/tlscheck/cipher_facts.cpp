#include "tlscheck/cipher_facts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sotto::tlscheck {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  return s;
}

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

}  // namespace

std::string cipher_weakness(const CipherInfo& c) {
  const std::string enc = upper(c.enc);
  const std::string name = upper(c.name);
  if (enc.empty() || enc == "NULL" || enc == "UNDEF") {
    return "no encryption (NULL cipher)";
  }
  if (c.auth == "none" || starts_with(name, "ADH-") || starts_with(name, "AECDH-")) {
    return "anonymous (no server authentication: open to a man in the middle)";
  }
  if (starts_with(name, "EXP")) return "export-grade";
  if (starts_with(enc, "RC4")) return "RC4 (RFC 7465 prohibits it)";
  if (starts_with(enc, "DES-EDE3") || enc.find("3DES") != std::string::npos) return "3DES (64-bit blocks, Sweet32)";
  if (starts_with(enc, "DES")) return "single DES";
  if (starts_with(enc, "RC2")) return "RC2";
  if (starts_with(enc, "IDEA")) return "IDEA (64-bit blocks)";
  if (c.bits > 0 && c.bits < 128) return fmt::format("{}-bit key", c.bits);
  if (upper(c.mac) == "MD5") return "MD5 MAC";
  return {};
}

bool forward_secret(const CipherInfo& c) {
  return c.kx == "ECDHE" || c.kx == "DHE" || c.kx == "any";
}

std::string describe(const CipherInfo& c) {
  return fmt::format("{} ({}): kx {}, auth {}, {} {} bits, {}", c.name, c.version, c.kx, c.auth, c.enc, c.bits, c.mac);
}

}  // namespace sotto::tlscheck
