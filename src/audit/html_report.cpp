#include "audit/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace sotto::audit {
namespace {

using nlohmann::json;

// A page stays readable (and the renderer fast) on calls with thousands of messages.
constexpr std::size_t kMaxLadderMessages = 400;
constexpr std::size_t kMaxLabelChars = 56;
constexpr std::size_t kMaxFramesListed = 40;

constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1em;color:#222;background:#fff}
h1{margin:.2em 0}h2{margin:0 0 .4em;font-size:1.2em}h3{font-size:1em;margin:1em 0 .3em}
section{border:1px solid #ccc;border-radius:6px;padding:.8em 1em;margin:1em 0}
section.insecure{border-left:8px solid #c62828}section.partial{border-left:8px solid #ef6c00}
section.secure{border-left:8px solid #2e7d32}
.verdict{font-weight:bold;padding:0 .4em;border-radius:3px;color:#fff;background:#777}
.verdict.insecure{background:#c62828}.verdict.partial{background:#ef6c00}.verdict.secure{background:#2e7d32}
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.sev{font-weight:bold}.sev.high{color:#c62828}.sev.medium{color:#ef6c00}
.sev.low{color:#8d6e00}.sev.info{color:#555}code,.mono{font-family:ui-monospace,monospace;word-break:break-all}
dl{display:grid;grid-template-columns:max-content auto;gap:0 1em;margin:.3em 0}dt{color:#555}dd{margin:0}
.scroll{overflow-x:auto}svg text{font:12px ui-monospace,monospace}svg .ep{font-weight:bold}
svg .life{stroke:#999;stroke-dasharray:4 3}svg .msg{stroke:#1565c0;stroke-width:1.4}svg .head{fill:#1565c0}
svg .msg.resp{stroke:#2e7d32}svg .head.resp{fill:#2e7d32}svg .wave{stroke:#1565c0;stroke-width:1}
svg .axis{stroke:#bbb}.note{color:#555;font-style:italic}
.nw{font-family:ui-monospace,monospace;white-space:nowrap}.audio{display:flex;align-items:center;gap:1em;margin:.2em 0}
)";

// ---- strings ------------------------------------------------------------------------------------

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (RFC 3629: no overlongs,
// no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  const std::size_t left = s.size() - i;
  const auto cont = [&](std::size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;
    if (c == 0xF4 && b(1) >= 0x90) return 0;
    return 4;
  }
  return 0;
}

// The first `max_chars` code points of `s` (by valid sequences; invalid bytes count as one).
std::string truncate_chars(std::string_view s, std::size_t max_chars, bool* truncated) {
  std::size_t i = 0, n = 0;
  while (i < s.size() && n < max_chars) {
    const std::size_t len = utf8_sequence(s, i);
    i += len ? len : 1;
    ++n;
  }
  *truncated = i < s.size();
  return std::string(s.substr(0, i));
}

std::string esc(std::string_view s) { return html_escape(s); }

// ---- tolerant field access ----------------------------------------------------------------------

const json& field(const json& j, std::string_view key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// Any JSON value as display text: strings as they are, numbers and booleans printed, null/missing "-".
std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_float()) return fmt::format("{:.1f}", v.get<double>());
  if (v.is_number()) return v.dump();
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string show(const json& j, std::string_view key) { return esc(text_of(field(j, key))); }

double number_or(const json& v, double fallback) {
  if (!v.is_number()) return fallback;
  const double d = v.get<double>();
  return std::isfinite(d) ? d : fallback;
}

// One of `allowed`, or "unknown": only these words ever become CSS class names.
std::string_view word(const json& v, std::initializer_list<std::string_view> allowed) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    for (auto a : allowed)
      if (s == a) return a;
  }
  return "unknown";
}

std::string_view verdict_class(const json& item) {
  return word(field(item, "verdict"), {"secure", "partial", "insecure"});
}

// "2026-12-06T18:52:05.123Z" -> "18:52:05.123"; anything else as given.
std::string clock_time(const json& v) {
  if (!v.is_string()) return "";
  const auto& s = v.get_ref<const std::string&>();
  const auto t = s.find('T');
  if (t == std::string::npos || s.size() < t + 9) return s;
  std::string out = s.substr(t + 1, 12);
  while (!out.empty() && (out.back() == 'Z' || out.back() == '+')) out.pop_back();
  return out;
}

// ---- pieces -------------------------------------------------------------------------------------

void ladder(std::string& out, const json& messages) {
  if (!messages.is_array() || messages.empty()) {
    out += "<p class=\"note\">No signalling messages in the capture for this one.</p>\n";
    return;
  }
  std::vector<std::string> endpoints;
  const auto column = [&](const std::string& ep) {
    const auto it = std::find(endpoints.begin(), endpoints.end(), ep);
    if (it != endpoints.end()) return static_cast<std::size_t>(it - endpoints.begin());
    endpoints.push_back(ep);
    return endpoints.size() - 1;
  };
  const std::size_t shown = std::min(messages.size(), kMaxLadderMessages);
  struct Row { std::size_t from, to; const json* m; };
  std::vector<Row> rows;
  for (std::size_t i = 0; i < shown; ++i) {
    const json& m = messages[i];
    const std::string src = text_of(field(m, "src")), dst = text_of(field(m, "dst"));
    const std::size_t a = column(src);
    rows.push_back({a, column(dst), &m});
  }
  // Columns wide enough for the longest label drawn between two of them (monospace, ~7.3 px a character).
  std::size_t longest = 0;
  for (const Row& r : rows) {
    bool cut = false;
    const std::size_t chars = truncate_chars(text_of(field(*r.m, "summary")), kMaxLabelChars, &cut).size();
    longest = std::max(longest, std::min<std::size_t>(chars, kMaxLabelChars) + 7);
  }
  constexpr int kLeft = 190, kTop = 44, kRow = 28;
  const int kCol = std::max(220, static_cast<int>(longest * 15 / 2) + 24);
  const int width = kLeft + static_cast<int>(endpoints.size() - 1) * kCol + 130;
  const int height = kTop + static_cast<int>(rows.size()) * kRow + 16;
  const auto x_of = [&](std::size_t c) { return kLeft + static_cast<int>(c) * kCol; };

  out += fmt::format("<div class=\"scroll\"><svg class=\"ladder\" role=\"img\" width=\"{0}\" height=\"{1}\" "
                     "viewBox=\"0 0 {0} {1}\"><title>SIP ladder</title>\n",
                     width, height);
  for (std::size_t c = 0; c < endpoints.size(); ++c) {
    const int x = x_of(c);
    out += fmt::format("<text class=\"ep\" x=\"{}\" y=\"18\" text-anchor=\"middle\">{}</text>"
                       "<line class=\"life\" x1=\"{}\" y1=\"26\" x2=\"{}\" y2=\"{}\"/>\n",
                       x, esc(endpoints[c]), x, x, height - 6);
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const json& m = *rows[r].m;
    const int y = kTop + static_cast<int>(r) * kRow + 14;
    const std::string summary = text_of(field(m, "summary"));
    const bool response = summary.rfind("SIP/", 0) == 0 || (!summary.empty() && summary[0] >= '1' && summary[0] <= '6');
    const char* cls = response ? "msg resp" : "msg";
    bool cut = false;
    std::string label = truncate_chars(summary, kMaxLabelChars, &cut);
    if (cut) label += "\u2026";
    if (field(m, "sdp").is_boolean() && field(m, "sdp").get<bool>()) label += " (SDP)";
    const std::string transport = field(m, "transport").is_string() ? text_of(field(m, "transport")) : "";
    out += fmt::format("<g class=\"message\"><title>{}</title>", esc(summary + (transport.empty() ? "" : " [" + transport + "]")));
    out += fmt::format("<text x=\"4\" y=\"{}\">#{} {}</text>", y + 4, esc(text_of(field(m, "frame"))),
                       esc(clock_time(field(m, "time"))));
    const int x1 = x_of(rows[r].from), x2 = x_of(rows[r].to);
    if (x1 == x2) {  // to itself: a small loop
      out += fmt::format("<path class=\"{0}\" fill=\"none\" d=\"M{1} {2}h40v10h-34\"/>"
                         "<polygon class=\"head {3}\" points=\"{4},{5} {6},{7} {6},{8}\"/>",
                         cls, x1, y - 4, response ? "resp" : "", x1, y + 6, x1 + 8, y + 2, y + 10);
      out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", x1 + 46, y + 4, esc(label));
    } else {
      const int dir = x2 > x1 ? 1 : -1;
      out += fmt::format("<line class=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", cls, x1, y, x2 - dir * 8, y);
      out += fmt::format("<polygon class=\"head {}\" points=\"{},{} {},{} {},{}\"/>", response ? "resp" : "", x2, y,
                         x2 - dir * 9, y - 4, x2 - dir * 9, y + 4);
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", (x1 + x2) / 2, y - 4, esc(label));
    }
    out += "</g>\n";
  }
  out += "</svg></div>\n";
  if (messages.size() > shown)
    out += fmt::format("<p class=\"note\">{} more messages not drawn.</p>\n", messages.size() - shown);
}

void frames_list(std::string& out, const json& frames) {
  if (!frames.is_array() || frames.empty()) {
    out += "-";
    return;
  }
  std::size_t n = 0;
  for (const json& f : frames) {
    if (n == kMaxFramesListed) {
      out += fmt::format(" \u2026 ({} in all)", frames.size());
      break;
    }
    if (n++) out += ", ";
    out += esc(text_of(f));
  }
}

void findings(std::string& out, const json& list) {
  if (!list.is_array() || list.empty()) {
    out += "<p class=\"note\">No findings.</p>\n";
    return;
  }
  out += "<table class=\"findings\"><tr><th>Severity</th><th>Code</th><th>What</th><th>Frames</th></tr>\n";
  for (const json& f : list) {
    const auto sev = word(field(f, "severity"), {"high", "medium", "low", "info"});
    out += fmt::format("<tr class=\"finding\"><td class=\"sev {}\">{}</td><td class=\"nw\">{}</td><td>{}</td><td class=\"mono\">",
                       sev, show(f, "severity"), show(f, "code"), show(f, "message"));
    frames_list(out, field(f, "frames"));
    out += "</td></tr>\n";
  }
  out += "</table>\n";
}

void waveform(std::string& out, const json& w) {
  if (!w.is_array() || w.empty()) return;
  constexpr int kW = 400, kH = 64;
  const double step = static_cast<double>(kW) / static_cast<double>(w.size());
  const auto value = [](const json& pair, std::size_t i) {
    return std::clamp(pair.is_array() && pair.size() == 2 ? number_or(pair[i], 0) : 0.0, -1.0, 1.0);
  };
  // Quiet audio is drawn louder (at most 20x) so its shape shows; the gain is written beside it.
  double peak = 0;
  for (const json& pair : w) peak = std::max({peak, std::abs(value(pair, 0)), std::abs(value(pair, 1))});
  const double gain = peak > 0 ? std::clamp(0.95 / peak, 1.0, 20.0) : 1.0;
  std::string d;
  std::size_t i = 0;
  for (const json& pair : w) {
    const double lo = std::clamp(value(pair, 0) * gain, -1.0, 1.0), hi = std::clamp(value(pair, 1) * gain, -1.0, 1.0);
    const double x = (static_cast<double>(i++) + 0.5) * step;
    // y grows downwards; draw at least one pixel so silence shows as a line.
    const double y1 = kH / 2.0 - std::max(hi, lo) * (kH / 2.0 - 1), y2 = kH / 2.0 - std::min(hi, lo) * (kH / 2.0 - 1);
    d += fmt::format("M{:.1f} {:.1f}V{:.1f}", x, y1, std::max(y2, y1 + 1));
  }
  out += fmt::format("<svg class=\"waveform\" role=\"img\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">"
                     "<title>decoded audio</title><line class=\"axis\" x1=\"0\" y1=\"{2}\" x2=\"{0}\" y2=\"{2}\"/>"
                     "<path class=\"wave\" d=\"{3}\"/></svg>",
                     kW, kH, kH / 2, d);
  if (gain > 1.05) out += fmt::format(" <span class=\"note\">drawn \u00d7{:.1f} (peak {:.2f})</span>", gain, peak);
}

void streams(std::string& out, const json& list) {
  if (!list.is_array() || list.empty()) {
    out += "<p class=\"note\">No media streams.</p>\n";
    return;
  }
  out += "<div class=\"scroll\"><table class=\"streams\"><tr><th>SSRC</th><th>From \u2192 to</th><th>Codec (PT)</th>"
         "<th>Packets</th><th>Lost</th><th>Jitter ms</th><th>Duration s</th><th>Encryption</th><th>Decrypted</th>"
         "<th>Auth failures</th><th>WAV</th></tr>\n";
  for (const json& s : list) {
    const json& enc = field(s, "encrypted");
    std::string encryption = enc.is_boolean() ? (enc.get<bool>() ? "SRTP" : "none (RTP)") : "-";
    if (field(s, "suite").is_string()) encryption += " " + field(s, "suite").get<std::string>();
    out += fmt::format("<tr class=\"stream\"><td class=\"nw\">{}</td><td class=\"nw\">{} \u2192 {}</td><td>{} ({})</td>"
                       "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td></tr>\n",
                       show(s, "ssrc"), show(s, "src"), show(s, "dst"), show(s, "codec"), show(s, "payload_type"),
                       show(s, "packets"), show(s, "lost"), show(s, "jitter_ms"), show(s, "duration_s"),
                       esc(encryption), show(s, "decrypted"), show(s, "auth_failures"), show(s, "wav"));
  }
  out += "</table></div>\n<h3>Audio</h3>\n";
  for (const json& s : list) {
    out += fmt::format("<div class=\"audio\"><span class=\"nw\">{} {} \u2192 {}</span> ", show(s, "ssrc"), show(s, "src"),
                       show(s, "dst"));
    if (field(s, "waveform").is_array() && !field(s, "waveform").empty()) waveform(out, field(s, "waveform"));
    else out += "<span class=\"note\">not decoded</span>";
    out += "</div>\n";
  }
}

void certificates(std::string& out, const json& certs) {
  if (!certs.is_array() || certs.empty()) return;
  out += "<table class=\"certs\"><tr><th>Subject</th><th>Issuer</th><th>Valid</th><th>Key</th><th>Self-signed</th>"
         "<th>Frame</th></tr>\n";
  for (const json& c : certs)
    out += fmt::format("<tr class=\"cert\"><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{} \u2013 {}</td>"
                       "<td>{} {}</td><td>{}</td><td>{}</td></tr>\n",
                       show(c, "subject"), show(c, "issuer"), show(c, "not_before"), show(c, "not_after"),
                       show(c, "key_type"), show(c, "key_bits"), show(c, "self_signed"), show(c, "frame"));
  out += "</table>";
}

void tls_line(std::string& out, const json& tls) {
  if (!tls.is_object()) return;
  out += fmt::format("<dt>TLS</dt><dd>{} {} (SNI {}, forward secrecy {}, handshake complete {}, decrypted {})",
                     show(tls, "version"), show(tls, "cipher_suite"), show(tls, "sni"), show(tls, "forward_secrecy"),
                     show(tls, "handshake_complete"), show(tls, "decrypted"));
  if (field(tls, "error").is_string() && !field(tls, "error").get_ref<const std::string&>().empty())
    out += " \u2013 " + show(tls, "error");
  certificates(out, field(tls, "certificates"));
  out += "</dd>";
}

void tls_connections(std::string& out, const json& list) {
  if (!list.is_array() || list.empty()) return;
  out += "<h2>TLS connections</h2>\n<div class=\"scroll\"><table class=\"tls\"><tr><th>Client \u2192 server</th>"
         "<th>Version</th><th>Cipher suite</th><th>SNI</th><th>Forward secrecy</th><th>Decrypted</th><th>Error</th>"
         "<th>First frame</th></tr>\n";
  for (const json& t : list)
    out += fmt::format("<tr class=\"tls-connection\"><td class=\"nw\">{} \u2192 {}</td><td>{}</td><td>{}</td><td>{}</td>"
                       "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       show(t, "client"), show(t, "server"), show(t, "version"), show(t, "cipher_suite"), show(t, "sni"),
                       show(t, "forward_secrecy"), show(t, "decrypted"), show(t, "error"), show(t, "first_frame"));
  out += "</table></div>\n";
}

void call_section(std::string& out, const json& c, std::size_t n) {
  const auto v = verdict_class(c);
  out += fmt::format("<section class=\"call {0}\" id=\"call-{1}\" data-verdict=\"{0}\">\n"
                     "<h2>Call {1}: <span class=\"verdict {0}\">{2}</span> <code>{3}</code></h2>\n<dl>",
                     v, n, show(c, "verdict"),
                     field(c, "call_id").is_null() ? "(media without visible signalling)" : show(c, "call_id"));
  out += fmt::format("<dt>From</dt><dd class=\"mono\">{}</dd><dt>To</dt><dd class=\"mono\">{}</dd>"
                     "<dt>Time</dt><dd>{} \u2013 {}</dd><dt>Result</dt><dd>{} (status {})</dd>",
                     show(c, "from"), show(c, "to"), show(c, "start"), show(c, "end"), show(c, "result"),
                     show(c, "status"));
  const json& sig = field(c, "signalling");
  out += fmt::format("<dt>Signalling</dt><dd>{}</dd>", show(sig, "transport"));
  tls_line(out, field(sig, "tls"));
  out += "</dl>\n<h3>Ladder</h3>\n";
  ladder(out, field(c, "messages"));
  out += "<h3>Findings</h3>\n";
  findings(out, field(c, "findings"));
  out += "<h3>Media streams</h3>\n";
  streams(out, field(c, "streams"));
  out += "</section>\n";
}

void registration_section(std::string& out, const json& r, std::size_t n) {
  const auto v = verdict_class(r);
  out += fmt::format("<section class=\"registration {0}\" id=\"registration-{1}\" data-verdict=\"{0}\">\n"
                     "<h2>Registration {1}: <span class=\"verdict {0}\">{2}</span> <code>{3}</code></h2>\n<dl>",
                     v, n, show(r, "verdict"), show(r, "user"));
  out += fmt::format("<dt>Method</dt><dd>{}</dd><dt>Call-ID</dt><dd class=\"mono\">{}</dd><dt>Contact</dt>"
                     "<dd class=\"mono\">{}</dd><dt>Transport</dt><dd>{}</dd><dt>Status</dt><dd>{}</dd>",
                     show(r, "method"), show(r, "call_id"), show(r, "contact"), show(r, "transport"), show(r, "status"));
  tls_line(out, field(r, "tls"));
  out += "</dl>\n<h3>Ladder</h3>\n";
  ladder(out, field(r, "messages"));
  out += "<h3>Findings</h3>\n";
  findings(out, field(r, "findings"));
  out += "</section>\n";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence(s, i);
    if (len == 0) {
      out += "\uFFFD";
      ++i;
      continue;
    }
    if (len == 1) {
      const char c = s[i];
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case '\t': case '\n': out += c; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += "\uFFFD";
          else out += c;
      }
    } else if (len == 2 && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      out += "\uFFFD";  // C1 controls U+0080..U+009F
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string render_html(const nlohmann::json& report) {
  std::string out;
  out.reserve(64 * 1024);
  const json& capture = field(report, "capture");
  const json& summary = field(report, "summary");
  const json& calls = field(report, "calls");
  const json& regs = field(report, "registrations");
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n";
  out += fmt::format("<title>sotto audit: {}</title>\n<style>{}</style></head>\n<body>\n<header>\n<h1>sotto audit</h1>\n",
                     show(capture, "file"), kStyle);
  if (!report.is_object()) {
    out += "<p class=\"note\">The report is not a JSON object: nothing to show.</p>\n</header>\n</body></html>\n";
    return out;
  }
  out += fmt::format("<p>Capture <code>{}</code>, {} frames.</p>\n", show(capture, "file"), show(capture, "frames"));
  if (field(capture, "truncated").is_boolean() && field(capture, "truncated").get<bool>())
    out += fmt::format("<p class=\"sev high\">The capture is truncated: {}. Everything after that point is missing.</p>\n",
                       show(capture, "stopped_at"));
  out += fmt::format("<table class=\"summary\"><tr><th>Calls</th><th>Registrations</th><th>Secure</th><th>Partial</th>"
                     "<th>Insecure</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></table>\n",
                     show(summary, "calls"), show(summary, "registrations"), show(summary, "secure"),
                     show(summary, "partial"), show(summary, "insecure"));
  const std::size_t ncalls = calls.is_array() ? calls.size() : 0, nregs = regs.is_array() ? regs.size() : 0;
  if (ncalls + nregs == 0) {
    out += "<p>No calls and no registrations were found in this capture.</p>\n";
  } else {
    out += "<nav><ol>\n";
    for (std::size_t i = 0; i < ncalls; ++i)
      out += fmt::format("<li><a href=\"#call-{0}\">Call {0}</a> <span class=\"verdict {1}\">{2}</span> <code>{3}</code></li>\n",
                         i + 1, verdict_class(calls[i]), show(calls[i], "verdict"), show(calls[i], "call_id"));
    for (std::size_t i = 0; i < nregs; ++i)
      out += fmt::format("<li><a href=\"#registration-{0}\">Registration {0}</a> <span class=\"verdict {1}\">{2}</span> <code>{3}</code></li>\n",
                         i + 1, verdict_class(regs[i]), show(regs[i], "verdict"), show(regs[i], "user"));
    out += "</ol></nav>\n";
  }
  tls_connections(out, field(report, "tls_connections"));
  out += "</header>\n<main>\n";
  for (std::size_t i = 0; i < ncalls; ++i) call_section(out, calls[i], i + 1);
  for (std::size_t i = 0; i < nregs; ++i) registration_section(out, regs[i], i + 1);
  out += "</main>\n</body></html>\n";
  return out;
}

}  // namespace sotto::audit
