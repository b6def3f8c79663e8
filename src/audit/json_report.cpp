#include "audit/json_report.hpp"

#include <cmath>
#include <cstdio>
#include <utility>

#include "audit/analyzer_impl.hpp"

namespace sotto::audit {
namespace {

using nlohmann::json;

template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json findings_json(const std::vector<Finding>& v) {
  json a = json::array();
  for (const auto& f : v) {
    a.push_back({{"code", f.code}, {"severity", std::string(to_string(f.severity))}, {"message", f.message}, {"frames", f.frames}});
  }
  return a;
}

json messages_json(const std::vector<MessageRecord>& v) {
  json a = json::array();
  for (const auto& m : v) {
    a.push_back({{"frame", m.frame}, {"time", iso_time(m.time_ns)}, {"src", m.src}, {"dst", m.dst},
                 {"transport", m.transport}, {"summary", m.summary}, {"sdp", m.sdp}});
  }
  return a;
}

json tls_json(const std::optional<TlsRecord>& t) {
  if (!t) return nullptr;
  json certs = json::array();
  for (const auto& c : t->certificates) {
    certs.push_back({{"subject", c.subject}, {"issuer", c.issuer}, {"not_before", c.not_before}, {"not_after", c.not_after},
                     {"self_signed", c.self_signed}, {"key_type", c.key_type}, {"key_bits", c.key_bits}, {"frame", c.frame}});
  }
  return {{"version", t->version.empty() ? json(nullptr) : json(t->version)},
          {"cipher_suite", t->cipher_suite.empty() ? json(nullptr) : json(t->cipher_suite)},
          {"sni", t->sni.empty() ? json(nullptr) : json(t->sni)},
          {"forward_secrecy", t->forward_secrecy},
          {"handshake_complete", t->handshake_complete},
          {"decrypted", t->decrypted},
          {"certificates", std::move(certs)},
          {"error", t->error.empty() ? json(nullptr) : json(t->error)},
          {"client", t->client},
          {"server", t->server},
          {"first_frame", t->first_frame}};
}

std::string ssrc_hex(std::uint32_t s) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", s);
  return b;
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

}  // namespace

json to_json(const Report& r) {
  json j;
  j["capture"] = {{"file", r.capture.file},
                  {"frames", r.capture.frames},
                  {"truncated", r.capture.truncated},
                  {"stopped_at", opt(r.capture.stopped_at)},
                  {"undecodable_frames", r.capture.undecodable_frames},
                  {"first_decode_error", opt(r.capture.first_decode_error)}};
  std::size_t secure = 0, partial = 0, insecure = 0;
  auto count = [&](Verdict v) { (v == Verdict::secure ? secure : v == Verdict::partial ? partial : insecure)++; };
  for (const auto& c : r.calls) count(c.verdict);
  for (const auto& g : r.registrations) count(g.verdict);
  j["summary"] = {{"calls", r.calls.size()}, {"registrations", r.registrations.size()},
                  {"secure", secure}, {"partial", partial}, {"insecure", insecure}};
  json calls = json::array();
  for (const auto& c : r.calls) {
    json streams = json::array();
    for (const auto& s : c.streams) {
      json wf = nullptr;
      if (s.waveform) {
        wf = json::array();
        for (auto [mn, mx] : *s.waveform) wf.push_back({round3(mn), round3(mx)});
      }
      streams.push_back({{"ssrc", ssrc_hex(s.ssrc)}, {"src", s.src}, {"dst", s.dst}, {"payload_type", s.payload_type},
                         {"codec", opt(s.codec)}, {"packets", s.packets}, {"lost", s.lost}, {"jitter_ms", round3(s.jitter_ms)},
                         {"duration_s", round3(s.duration_s)}, {"encrypted", s.encrypted}, {"suite", opt(s.suite)},
                         {"decrypted", s.decrypted}, {"auth_failures", s.auth_failures}, {"wav", opt(s.wav)},
                         {"waveform", std::move(wf)}, {"first_frame", s.first_frame}});
    }
    calls.push_back({{"call_id", opt(c.call_id)},
                     {"from", opt(c.from)},
                     {"to", opt(c.to)},
                     {"start", iso_time(c.start_ns)},
                     {"end", iso_time(c.end_ns)},
                     {"result", c.result},
                     {"status", opt(c.status)},
                     {"verdict", std::string(to_string(c.verdict))},
                     {"signalling", {{"transport", opt(c.transport)}, {"tls", tls_json(c.tls)}}},
                     {"findings", findings_json(c.findings)},
                     {"messages", messages_json(c.messages)},
                     {"streams", std::move(streams)}});
  }
  j["calls"] = std::move(calls);
  json regs = json::array();
  for (const auto& g : r.registrations) {
    regs.push_back({{"call_id", g.call_id}, {"method", g.method}, {"user", g.user}, {"contact", opt(g.contact)},
                    {"transport", g.transport}, {"status", opt(g.status)}, {"verdict", std::string(to_string(g.verdict))},
                    {"tls", tls_json(g.tls)}, {"findings", findings_json(g.findings)}, {"messages", messages_json(g.messages)}});
  }
  j["registrations"] = std::move(regs);
  json tls = json::array();
  for (const auto& t : r.tls_connections) tls.push_back(tls_json(t));
  j["tls_connections"] = std::move(tls);
  return j;
}

std::string dump_json(const Report& report) {
  return to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sotto::audit
