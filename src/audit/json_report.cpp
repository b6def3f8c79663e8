#include "audit/json_report.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

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

namespace {

// Writes the report straight into a string, byte for byte what to_json(report).dump(2) with
// error_handler_t::replace prints, without building the tree first (building and printing the tree
// was about an eighth of auditing a 110 MB capture). nlohmann's objects are std::maps, so their keys
// come out sorted: every object below lists its keys in that (byte-wise) order. analyzer_test checks
// the equality on reports with every field set.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // An object member: the key (known ASCII, no escapes needed), then a value or begin_*.
  void key(std::string_view k) {
    element();
    out_ += '"';
    out_ += k;
    out_ += "\": ";
    after_key_ = true;
  }

  void null() { scalar("null"); }
  void boolean(bool b) { scalar(b ? "true" : "false"); }
  void number(std::uint64_t v) {
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    scalar(std::string_view(b, static_cast<std::size_t>(r.ptr - b)));
  }
  void number(std::int64_t v) {
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    scalar(std::string_view(b, static_cast<std::size_t>(r.ptr - b)));
  }
  void number(int v) { number(static_cast<std::int64_t>(v)); }
  void number(double v) {
    if (!std::isfinite(v)) return null();
    std::array<char, 64> b{};
    char* e = nlohmann::detail::to_chars(b.data(), b.data() + b.size(), v);  // what the serializer prints
    scalar(std::string_view(b.data(), static_cast<std::size_t>(e - b.data())));
  }
  void string(std::string_view s) {
    element();
    for (unsigned char c : s) {
      if (c >= 0x80) {
        // Non-ASCII (possibly invalid UTF-8 from the wire): nlohmann's own escaping and replacement.
        out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
    }
    out_ += '"';
    std::size_t plain = 0;  // characters copied as they are, appended in runs
    for (std::size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + plain, i - plain);
      plain = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(c));
          out_ += b;
      }
    }
    out_.append(s.data() + plain, s.size() - plain);
    out_ += '"';
  }
  void opt_string(const std::optional<std::string>& s) { s ? string(*s) : null(); }
  void string_or_null(const std::string& s) { s.empty() ? null() : string(s); }

 private:
  struct Level {
    char close;
    bool empty = true;
  };
  // Before a value: a separator and the indentation, unless it follows its key.
  void element() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (levels_.empty()) return;
    Level& l = levels_.back();
    out_ += l.empty ? "\n" : ",\n";
    l.empty = false;
    out_.append(2 * levels_.size(), ' ');
  }
  void scalar(std::string_view v) {
    element();
    out_ += v;
  }
  void open(char c) {
    element();
    out_ += c;
    levels_.push_back({c == '{' ? '}' : ']'});
  }
  void close(char c) {
    bool empty = levels_.back().empty;
    levels_.pop_back();
    if (!empty) {
      out_ += '\n';
      out_.append(2 * levels_.size(), ' ');
    }
    out_ += c;
  }

  std::string& out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

void write_findings(Writer& w, const std::vector<Finding>& v) {
  w.begin_array();
  for (const auto& f : v) {
    w.begin_object();
    w.key("code"), w.string(f.code);
    w.key("frames"), w.begin_array();
    for (auto n : f.frames) w.number(n);
    w.end_array();
    w.key("message"), w.string(f.message);
    w.key("severity"), w.string(to_string(f.severity));
    w.end_object();
  }
  w.end_array();
}

void write_messages(Writer& w, const std::vector<MessageRecord>& v) {
  w.begin_array();
  for (const auto& m : v) {
    w.begin_object();
    w.key("dst"), w.string(m.dst);
    w.key("frame"), w.number(m.frame);
    w.key("sdp"), w.boolean(m.sdp);
    w.key("src"), w.string(m.src);
    w.key("summary"), w.string(m.summary);
    w.key("time"), w.string(iso_time(m.time_ns));
    w.key("transport"), w.string(m.transport);
    w.end_object();
  }
  w.end_array();
}

void write_tls(Writer& w, const std::optional<TlsRecord>& t) {
  if (!t) return w.null();
  w.begin_object();
  w.key("certificates"), w.begin_array();
  for (const auto& c : t->certificates) {
    w.begin_object();
    w.key("frame"), w.number(c.frame);
    w.key("issuer"), w.string(c.issuer);
    w.key("key_bits"), w.number(c.key_bits);
    w.key("key_type"), w.string(c.key_type);
    w.key("not_after"), w.string(c.not_after);
    w.key("not_before"), w.string(c.not_before);
    w.key("self_signed"), w.boolean(c.self_signed);
    w.key("subject"), w.string(c.subject);
    w.end_object();
  }
  w.end_array();
  w.key("cipher_suite"), w.string_or_null(t->cipher_suite);
  w.key("client"), w.string(t->client);
  w.key("decrypted"), w.boolean(t->decrypted);
  w.key("error"), w.string_or_null(t->error);
  w.key("first_frame"), w.number(t->first_frame);
  w.key("forward_secrecy"), w.boolean(t->forward_secrecy);
  w.key("handshake_complete"), w.boolean(t->handshake_complete);
  w.key("server"), w.string(t->server);
  w.key("sni"), w.string_or_null(t->sni);
  w.key("version"), w.string_or_null(t->version);
  w.end_object();
}

void write_stream(Writer& w, const StreamReport& s) {
  w.begin_object();
  w.key("auth_failures"), w.number(s.auth_failures);
  w.key("codec"), w.opt_string(s.codec);
  w.key("decrypted"), w.boolean(s.decrypted);
  w.key("dst"), w.string(s.dst);
  w.key("duration_s"), w.number(round3(s.duration_s));
  w.key("encrypted"), w.boolean(s.encrypted);
  w.key("first_frame"), w.number(s.first_frame);
  w.key("jitter_ms"), w.number(round3(s.jitter_ms));
  w.key("lost"), w.number(s.lost);
  w.key("packets"), w.number(s.packets);
  w.key("payload_type"), w.number(std::uint64_t{s.payload_type});
  w.key("src"), w.string(s.src);
  w.key("ssrc"), w.string(ssrc_hex(s.ssrc));
  w.key("suite"), w.opt_string(s.suite);
  w.key("wav"), w.opt_string(s.wav);
  w.key("waveform");
  if (s.waveform) {
    w.begin_array();
    for (auto [mn, mx] : *s.waveform) {
      w.begin_array();
      w.number(round3(mn));
      w.number(round3(mx));
      w.end_array();
    }
    w.end_array();
  } else {
    w.null();
  }
  w.end_object();
}

void write_call(Writer& w, const CallReport& c) {
  w.begin_object();
  w.key("call_id"), w.opt_string(c.call_id);
  w.key("end"), w.string(iso_time(c.end_ns));
  w.key("findings"), write_findings(w, c.findings);
  w.key("from"), w.opt_string(c.from);
  w.key("messages"), write_messages(w, c.messages);
  w.key("result"), w.string(c.result);
  w.key("signalling"), w.begin_object();
  w.key("tls"), write_tls(w, c.tls);
  w.key("transport"), w.opt_string(c.transport);
  w.end_object();
  w.key("start"), w.string(iso_time(c.start_ns));
  w.key("status");
  c.status ? w.number(*c.status) : w.null();
  w.key("streams"), w.begin_array();
  for (const auto& s : c.streams) write_stream(w, s);
  w.end_array();
  w.key("to"), w.opt_string(c.to);
  w.key("verdict"), w.string(to_string(c.verdict));
  w.end_object();
}

void write_registration(Writer& w, const RegistrationReport& g) {
  w.begin_object();
  w.key("call_id"), w.string(g.call_id);
  w.key("contact"), w.opt_string(g.contact);
  w.key("findings"), write_findings(w, g.findings);
  w.key("messages"), write_messages(w, g.messages);
  w.key("method"), w.string(g.method);
  w.key("status");
  g.status ? w.number(*g.status) : w.null();
  w.key("tls"), write_tls(w, g.tls);
  w.key("transport"), w.string(g.transport);
  w.key("user"), w.string(g.user);
  w.key("verdict"), w.string(to_string(g.verdict));
  w.end_object();
}

}  // namespace

std::string dump_json(const Report& r) {
  std::string out;
  out.reserve(4096 + 2048 * r.calls.size());
  Writer w(out);
  w.begin_object();
  w.key("calls"), w.begin_array();
  for (const auto& c : r.calls) write_call(w, c);
  w.end_array();
  w.key("capture"), w.begin_object();
  w.key("file"), w.string(r.capture.file);
  w.key("first_decode_error"), w.opt_string(r.capture.first_decode_error);
  w.key("frames"), w.number(r.capture.frames);
  w.key("stopped_at"), w.opt_string(r.capture.stopped_at);
  w.key("truncated"), w.boolean(r.capture.truncated);
  w.key("undecodable_frames"), w.number(r.capture.undecodable_frames);
  w.end_object();
  w.key("registrations"), w.begin_array();
  for (const auto& g : r.registrations) write_registration(w, g);
  w.end_array();
  std::uint64_t secure = 0, partial = 0, insecure = 0;
  auto count = [&](Verdict v) { (v == Verdict::secure ? secure : v == Verdict::partial ? partial : insecure)++; };
  for (const auto& c : r.calls) count(c.verdict);
  for (const auto& g : r.registrations) count(g.verdict);
  w.key("summary"), w.begin_object();
  w.key("calls"), w.number(std::uint64_t{r.calls.size()});
  w.key("insecure"), w.number(insecure);
  w.key("partial"), w.number(partial);
  w.key("registrations"), w.number(std::uint64_t{r.registrations.size()});
  w.key("secure"), w.number(secure);
  w.end_object();
  w.key("tls_connections"), w.begin_array();
  for (const auto& t : r.tls_connections) write_tls(w, t);
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace sotto::audit
