#include "core/tls/handshake.hpp"

#include <algorithm>

namespace sotto::tls {
namespace {

// A bounds-checked big-endian reader; every read fails (returns false) past the end.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> b) : b_(b) {}
  bool u8(std::uint8_t& v) {
    if (left() < 1) return false;
    v = b_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (left() < 2) return false;
    v = static_cast<std::uint16_t>(b_[pos_] << 8 | b_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u24(std::uint32_t& v) {
    if (left() < 3) return false;
    v = static_cast<std::uint32_t>(b_[pos_] << 16 | b_[pos_ + 1] << 8 | b_[pos_ + 2]);
    pos_ += 3;
    return true;
  }
  bool bytes(std::size_t n, std::span<const std::uint8_t>& out) {
    if (left() < n) return false;
    out = b_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  // A vector with a 1-, 2- or 3-byte length prefix.
  bool vec8(std::span<const std::uint8_t>& out) { std::uint8_t n = 0; return u8(n) && bytes(n, out); }
  bool vec16(std::span<const std::uint8_t>& out) { std::uint16_t n = 0; return u16(n) && bytes(n, out); }
  bool vec24(std::span<const std::uint8_t>& out) { std::uint32_t n = 0; return u24(n) && bytes(n, out); }
  std::size_t left() const { return b_.size() - pos_; }

 private:
  std::span<const std::uint8_t> b_;
  std::size_t pos_ = 0;
};

// RFC 8701: 0x?A?A with equal bytes.
bool is_grease(std::uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

constexpr std::uint16_t kServerName = 0;
constexpr std::uint16_t kSupportedVersions = 43;

constexpr std::array<std::uint8_t, 32> kHelloRetryRandom = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

Status parse_sni(std::span<const std::uint8_t> data, std::string& sni) {
  Reader r(data);
  std::span<const std::uint8_t> list;
  if (!r.vec16(list)) return fail(Errc::malformed_input, "ClientHello: server_name extension truncated");
  Reader l(list);
  while (l.left() > 0) {
    std::uint8_t type = 0;
    std::span<const std::uint8_t> name;
    if (!l.u8(type) || !l.vec16(name)) return fail(Errc::malformed_input, "ClientHello: server_name entry truncated");
    if (type == 0 && sni.empty()) sni.assign(name.begin(), name.end());
  }
  return {};
}

}  // namespace

Result<ClientHello> parse_client_hello(std::span<const std::uint8_t> body) {
  Reader r(body);
  ClientHello ch;
  std::span<const std::uint8_t> random, session_id, suites, compression;
  if (!r.u16(ch.legacy_version) || !r.bytes(32, random) || !r.vec8(session_id) || !r.vec16(suites) ||
      !r.vec8(compression)) {
    return fail(Errc::malformed_input, "ClientHello truncated before the extensions");
  }
  std::copy(random.begin(), random.end(), ch.random.begin());
  if (suites.size() % 2 != 0) return fail(Errc::malformed_input, "ClientHello: odd cipher_suites length");
  for (std::size_t i = 0; i < suites.size(); i += 2) {
    const auto s = static_cast<std::uint16_t>(suites[i] << 8 | suites[i + 1]);
    if (!is_grease(s)) ch.cipher_suites.push_back(s);
  }
  if (r.left() > 0) {
    std::span<const std::uint8_t> exts;
    if (!r.vec16(exts)) return fail(Errc::malformed_input, "ClientHello: extensions truncated");
    Reader e(exts);
    while (e.left() > 0) {
      std::uint16_t type = 0;
      std::span<const std::uint8_t> data;
      if (!e.u16(type) || !e.vec16(data)) return fail(Errc::malformed_input, "ClientHello: extension truncated");
      if (type == kServerName) {
        if (auto st = parse_sni(data, ch.sni); !st) return Unexpected(st.error());
      } else if (type == kSupportedVersions) {
        Reader v(data);
        std::span<const std::uint8_t> list;
        if (!v.vec8(list) || list.size() % 2 != 0) {
          return fail(Errc::malformed_input, "ClientHello: supported_versions malformed");
        }
        for (std::size_t i = 0; i < list.size(); i += 2) {
          const auto ver = static_cast<std::uint16_t>(list[i] << 8 | list[i + 1]);
          if (!is_grease(ver)) ch.offered_versions.push_back(ver);
        }
      }
    }
  }
  if (ch.offered_versions.empty()) ch.offered_versions.push_back(ch.legacy_version);
  return ch;
}

Result<ServerHello> parse_server_hello(std::span<const std::uint8_t> body) {
  Reader r(body);
  ServerHello sh;
  std::span<const std::uint8_t> random, session_id;
  std::uint8_t compression = 0;
  if (!r.u16(sh.version) || !r.bytes(32, random) || !r.vec8(session_id) || !r.u16(sh.cipher_suite) ||
      !r.u8(compression)) {
    return fail(Errc::malformed_input, "ServerHello truncated before the extensions");
  }
  std::copy(random.begin(), random.end(), sh.random.begin());
  sh.hello_retry_request = sh.random == kHelloRetryRandom;
  if (r.left() > 0) {
    std::span<const std::uint8_t> exts;
    if (!r.vec16(exts)) return fail(Errc::malformed_input, "ServerHello: extensions truncated");
    Reader e(exts);
    while (e.left() > 0) {
      std::uint16_t type = 0;
      std::span<const std::uint8_t> data;
      if (!e.u16(type) || !e.vec16(data)) return fail(Errc::malformed_input, "ServerHello: extension truncated");
      if (type == kSupportedVersions) {
        Reader v(data);
        if (!v.u16(sh.version) || v.left() != 0) {
          return fail(Errc::malformed_input, "ServerHello: supported_versions is not one version");
        }
      }
    }
  }
  return sh;
}

Result<std::vector<std::vector<std::uint8_t>>> parse_certificate_list(std::span<const std::uint8_t> body, bool tls13) {
  Reader r(body);
  if (tls13) {
    std::span<const std::uint8_t> context;
    if (!r.vec8(context)) return fail(Errc::malformed_input, "Certificate: request context truncated");
  }
  std::span<const std::uint8_t> list;
  if (!r.vec24(list)) return fail(Errc::malformed_input, "Certificate: certificate_list truncated");
  if (r.left() != 0) return fail(Errc::malformed_input, "Certificate: bytes after the certificate_list");
  std::vector<std::vector<std::uint8_t>> out;
  Reader l(list);
  while (l.left() > 0) {
    std::span<const std::uint8_t> der, exts;
    if (!l.vec24(der) || der.empty()) return fail(Errc::malformed_input, "Certificate: entry truncated or empty");
    if (tls13 && !l.vec16(exts)) return fail(Errc::malformed_input, "Certificate: entry extensions truncated");
    out.emplace_back(der.begin(), der.end());
  }
  return out;
}

}  // namespace sotto::tls
