#include "audit/text_report.hpp"

#include <fmt/format.h>

#include "audit/analyzer_impl.hpp"

namespace sotto::audit {
namespace {

std::string upper(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return o;
}

std::string frames_text(const std::vector<std::uint64_t>& f) {
  if (f.empty()) return "";
  std::string s = " [frame" + std::string(f.size() > 1 ? "s " : " ");
  for (std::size_t i = 0; i < f.size() && i < 6; ++i) s += (i ? "," : "") + std::to_string(f[i]);
  if (f.size() > 6) s += ",...";
  return s + "]";
}

void findings_text(std::string& out, const std::vector<Finding>& v) {
  for (const auto& f : v) {
    out += fmt::format("    {:<7} {}: {}{}\n", to_string(f.severity), f.code, f.message, frames_text(f.frames));
  }
}

}  // namespace

std::string to_text(const Report& r) {
  std::string out;
  if (r.capture.stopped_at) out += "capture damaged: " + *r.capture.stopped_at + " (audited as far as it goes)\n";
  for (const auto& c : r.calls) {
    out += fmt::format("{}  call {}\n", upper(to_string(c.verdict)), c.call_id ? *c.call_id : std::string("(no signalling seen)"));
    if (c.from || c.to) out += fmt::format("    {} -> {}\n", c.from.value_or("?"), c.to.value_or("?"));
    out += fmt::format("    {} .. {}  result {}{}  signalling {}", iso_time(c.start_ns), iso_time(c.end_ns), c.result,
                       c.status ? " (" + std::to_string(*c.status) + ")" : "", c.transport.value_or("not seen"));
    if (c.tls && !c.tls->version.empty()) out += fmt::format(" ({} {}{})", c.tls->version, c.tls->cipher_suite, c.tls->decrypted ? ", decrypted" : "");
    out += "\n";
    for (const auto& s : c.streams) {
      out += fmt::format("    stream {:#010x} {} -> {} {} {} pkts, {} lost, jitter {:.1f} ms, {:.1f} s, {}{}{}\n", s.ssrc, s.src, s.dst,
                         s.codec.value_or("PT " + std::to_string(s.payload_type)), s.packets, s.lost, s.jitter_ms, s.duration_s,
                         s.encrypted ? "SRTP" : "plain", s.suite ? " " + *s.suite : "",
                         s.decrypted ? ", decrypted" : (s.auth_failures ? ", " + std::to_string(s.auth_failures) + " failed authentication" : ""));
      if (s.wav) out += "      wav " + *s.wav + "\n";
    }
    findings_text(out, c.findings);
    out += "\n";
  }
  for (const auto& g : r.registrations) {
    out += fmt::format("{}  {} {} over {}{}\n", upper(to_string(g.verdict)), g.method, g.user, g.transport,
                       g.status ? " (" + std::to_string(*g.status) + ")" : "");
    findings_text(out, g.findings);
    out += "\n";
  }
  std::size_t bad = 0;
  for (const auto& c : r.calls) bad += c.verdict != Verdict::secure;
  for (const auto& g : r.registrations) bad += g.verdict != Verdict::secure;
  std::size_t unread = 0;
  for (const auto& t : r.tls_connections) unread += t.decrypted ? 0 : 1;
  if (!r.tls_connections.empty()) {
    out += fmt::format("{} TLS connection(s)", r.tls_connections.size());
    if (unread) out += fmt::format(", {} not decrypted (the SIP inside is not audited; --tls-keylog FILE decrypts it)", unread);
    out += "\n";
    for (const auto& t : r.tls_connections) {
      out += fmt::format("    {} -> {} {} {}{}{}\n", t.client, t.server, t.version.empty() ? "?" : t.version, t.cipher_suite,
                         t.sni.empty() ? "" : " SNI " + t.sni, t.error.empty() ? "" : " (" + t.error + ")");
    }
  }
  if (r.calls.empty() && r.registrations.empty()) {
    out += "no calls or registrations found in " + r.capture.file + " (" + std::to_string(r.capture.frames) + " frames)\n";
  } else {
    out += fmt::format("{} call(s), {} registration(s): {}\n", r.calls.size(), r.registrations.size(),
                       bad == 0 ? std::string("all secure") : std::to_string(bad) + " not secure");
  }
  if (r.capture.undecodable_frames) {
    out += fmt::format("{} frame(s) could not be decoded (first: {})\n", r.capture.undecodable_frames, r.capture.first_decode_error.value_or(""));
  }
  // Everything quoted comes from the capture: no terminal control sequences (ESC, CR, ...) get through.
  for (auto& ch : out) {
    auto u = static_cast<unsigned char>(ch);
    if ((u < 0x20 && ch != '\n') || u == 0x7F) ch = '?';
  }
  return out;
}

}  // namespace sotto::audit
