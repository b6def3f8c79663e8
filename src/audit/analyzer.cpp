#include "audit/analyzer.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "audit/analyzer_impl.hpp"
#include "crypto/base64.hpp"

namespace sotto::audit {

Analyzer::Analyzer(AuditOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;
Analyzer::~Analyzer() = default;

void Analyzer::frame(std::uint64_t number, std::int64_t time_ns, std::uint32_t link_type, std::span<const std::uint8_t> bytes) {
  impl_->frame(number, time_ns, link_type, bytes);
}
Report Analyzer::finish(CaptureInfo capture) { return impl_->finish(std::move(capture)); }
std::vector<StreamAudio> Analyzer::take_audio() { return std::move(impl_->audio_out); }

double chi_square_uniform(std::span<const std::uint64_t, 256> counts) noexcept {
  std::uint64_t n = 0;
  for (auto c : counts) n += c;
  if (n == 0) return 0;
  double expected = static_cast<double>(n) / 256.0;
  double chi = 0;
  for (auto c : counts) {
    double d = static_cast<double>(c) - expected;
    chi += d * d / expected;
  }
  return chi;
}

Result<SrtpKeyOption> parse_srtp_key_option(std::string_view text) {
  SrtpKeyOption o;
  std::string_view rest = text;
  if (auto eq = rest.find('='); eq != std::string_view::npos && eq < rest.find(':')) {
    std::string_view hex = rest.substr(0, eq);
    if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
    if (hex.empty() || hex.size() > 8) return fail(Errc::invalid_argument, "--srtp-key: SSRC '" + std::string(rest.substr(0, eq)) + "' is not 1-8 hex digits");
    std::uint32_t v = 0;
    for (char c : hex) {
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return fail(Errc::invalid_argument, "--srtp-key: SSRC '" + std::string(rest.substr(0, eq)) + "' is not hex");
      v = (v << 4) | static_cast<std::uint32_t>(d);
    }
    o.ssrc = v;
    rest.remove_prefix(eq + 1);
  }
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return fail(Errc::invalid_argument, "--srtp-key: expected [SSRC=]SUITE:BASE64");
  std::string_view name = rest.substr(0, colon);
  o.suite = srtp::find_suite(name);
  if (!o.suite) return fail(Errc::invalid_argument, "--srtp-key: unknown suite '" + std::string(name) + "'");
  auto key = crypto::base64_decode(rest.substr(colon + 1));
  if (!key) return fail(Errc::invalid_argument, "--srtp-key: the key is not base64");
  std::size_t need = std::size_t{o.suite->master_key_len} + o.suite->master_salt_len;
  if (key->size() != need) {
    return fail(Errc::invalid_argument, "--srtp-key: " + std::string(name) + " needs " + std::to_string(need) +
                                            " bytes of key and salt, the base64 gives " + std::to_string(key->size()));
  }
  o.key_salt = std::move(*key);
  return o;
}

bool looks_like_sip(std::span<const std::uint8_t> p) noexcept {
  if (p.size() < 12) return false;
  if (std::memcmp(p.data(), "SIP/2.0 ", 8) == 0) return true;
  // Request-Line: an upper-case method token, SP ... SP "SIP/2.0" CRLF within the first line.
  std::size_t i = 0;
  while (i < p.size() && i < 32 && p[i] >= 'A' && p[i] <= 'Z') ++i;
  if (i < 3 || i >= p.size() || p[i] != ' ') return false;
  std::size_t lim = std::min<std::size_t>(p.size(), 1024);
  for (std::size_t j = i; j + 9 <= lim; ++j) {
    if (p[j] == '\r' || p[j] == '\n') return j >= 8 && std::memcmp(&p[j - 8], " SIP/2.0", 8) == 0;
  }
  return false;
}

void Analyzer::Impl::frame(std::uint64_t number, std::int64_t time_ns, std::uint32_t link_type, std::span<const std::uint8_t> bytes) {
  frame_no = number;
  now_ns = time_ns;
  auto p = decoder.decode(link_type, bytes, time_ns);
  if (!p) {
    ++undecodable;
    if (!first_decode_error) first_decode_error = "frame " + std::to_string(number) + ": " + p.error().context;
    return;
  }
  if (p->transport == netpkt::Transport::udp) udp(p->src, p->dst, p->payload);
  else if (p->transport == netpkt::Transport::tcp) tcp_segment(*p);
}

void Analyzer::Impl::udp(const IpEndpoint& src, const IpEndpoint& dst, std::span<const std::uint8_t> payload) {
  if (payload.size() >= 12 && (payload[0] & 0xC0) == 0x80) {
    std::uint8_t pt = payload[1];
    if (pt >= 200 && pt <= 207) {  // RTCP (RFC 5761 4)
      rtcp(src, dst, payload);
      return;
    }
    rtp(src, dst, payload);
    return;
  }
  if (looks_like_sip(payload)) {
    sip(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()), src, dst, "UDP", kNone, false);
  }
}

void Analyzer::Impl::tcp_segment(const netpkt::Packet& p) {
  auto key = p.src.port < p.dst.port || (p.src.port == p.dst.port && netpkt::IpEndpointHash{}(p.src) < netpkt::IpEndpointHash{}(p.dst))
                 ? std::pair{p.src, p.dst} : std::pair{p.dst, p.src};
  auto [it, fresh] = tcp.try_emplace(key);
  TcpConn& c = it->second;
  if (fresh) {
    c.first_frame = frame_no;
    // The client: who sent the SYN; mid-connection, the side with the higher (ephemeral) port.
    bool src_is_client = p.src.port > p.dst.port;
    if (p.tcp_flags.syn) src_is_client = !p.tcp_flags.ack;
    c.client = src_is_client ? p.src : p.dst;
    c.server = src_is_client ? p.dst : p.src;
  }
  int d = p.src == c.client ? 0 : 1;
  auto ready = c.dir[static_cast<std::size_t>(d)].add(p.tcp_seq, p.tcp_flags.syn, p.payload);
  if (ready.empty()) return;
  if (!c.decided) {
    c.decided = true;
    // A TLS connection starts with a handshake record (content type 22) from the client.
    c.tls = ready[0] == 0x16;
    if (c.tls) {
      c.tls_index = tls_conns.size();
      tls_conns.push_back(&c);
#ifdef SOTTO_AUDIT_TLS
      c.tls_stream = std::make_unique<tls::TlsStream>(options.tls_keys);
#endif
    }
  }
  if (!c.tls) {
    stream_bytes(c, d, ready, false);
    return;
  }
#ifdef SOTTO_AUDIT_TLS
  c.tls_stream->feed(d == 0, ready, frame_no);
  for (auto& pt : c.tls_stream->take_plaintext()) stream_bytes(c, pt.from_client ? 0 : 1, pt.bytes, true);
#endif
}

void Analyzer::Impl::stream_bytes(TcpConn& c, int d, std::span<const std::uint8_t> bytes, bool plaintext_of_tls) {
  auto di = static_cast<std::size_t>(d);
  if (c.failed[di]) return;
  sip::StreamFramer& f = c.framer[di];
  f.feed(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  const IpEndpoint& src = d == 0 ? c.client : c.server;
  const IpEndpoint& dst = d == 0 ? c.server : c.client;
  while (true) {
    auto item = f.next();
    if (!item) {
      c.failed[di] = true;  // not SIP (or broken framing): stop reading this direction
      return;
    }
    if (!*item) return;
    if ((*item)->kind != sip::StreamItem::Kind::message) continue;
    sip((*item)->bytes, src, dst, plaintext_of_tls ? "TLS" : "TCP", plaintext_of_tls ? c.tls_index : kNone, true);
  }
}

std::string iso_time(std::int64_t ns) {
  std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm_utc{};
  gmtime_r(&secs, &tm_utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm_utc.tm_year + 1900, tm_utc.tm_mon + 1, tm_utc.tm_mday,
                tm_utc.tm_hour, tm_utc.tm_min, tm_utc.tm_sec, static_cast<int>((ns % 1'000'000'000) / 1'000'000));
  return buf;
}

}  // namespace sotto::audit
