// End of the analysis: streams into reports, findings with their evidence, verdicts, media without
// signalling, registrations, key reuse across calls, and the order of the report (worst first).
#include <algorithm>
#include <cmath>
#include <map>

#include "audit/analyzer_impl.hpp"
#include "audit/audio_decode.hpp"
#include "core/sdp/rtpmap.hpp"

namespace sotto::audit {
namespace {

// Chi-square over payload bytes: ciphertext stays near 255 (255 degrees of freedom, sd ~23); speech
// codecs are far above. Below kMinBytes the test is not trusted.
constexpr double kCiphertextMaxChi = 400.0;
constexpr std::uint64_t kMinBytes = 1024;

enum class Looks : std::uint8_t { ciphertext, plaintext, unknown };
Looks looks(const StreamState& s) {
  if (s.payload_bytes < kMinBytes || !s.hist) return Looks::unknown;
  return chi_square_uniform(*s.hist) < kCiphertextMaxChi ? Looks::ciphertext : Looks::plaintext;
}

std::string join(const std::set<std::string>& v, std::size_t max = 5) {
  std::string out;
  std::size_t n = 0;
  for (const auto& s : v) {
    if (n++ == max) {
      out += ", ...";
      break;
    }
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string result_of(const DialogState& d) {
  if (!d.invite_status) return d.cancel_seen ? "cancelled" : "unknown";
  int s = *d.invite_status;
  if (s >= 200 && s < 300) return "answered";
  if (s == 486 || s == 600) return "busy";
  if (s == 408 || s == 480) return "no-answer";
  if (s == 487) return "cancelled";
  if (s >= 500 && s < 600) return "failed";
  return "rejected";
}

bool weak_tls(const TlsRecord& t, std::int64_t capture_end_ns, std::string& why) {
  std::vector<std::string> reasons;
  if (t.version == "TLSv1.0" || t.version == "TLSv1.1" || t.version == "SSLv3") reasons.push_back(t.version);
  if (!t.version.empty() && !t.cipher_suite.empty() && !t.forward_secrecy) reasons.push_back("no forward secrecy");
  for (const char* w : {"NULL", "EXPORT", "anon", "RC4", "DES", "MD5"}) {
    if (t.cipher_suite.find(w) != std::string::npos) {
      reasons.push_back("weak cipher " + t.cipher_suite);
      break;
    }
  }
  std::string now = iso_time(capture_end_ns);
  for (const auto& c : t.certificates) {
    if (c.self_signed) reasons.push_back("self-signed certificate " + c.subject);
    if (!c.not_after.empty() && c.not_after < now) reasons.push_back("certificate expired " + c.not_after);
    if (c.key_type == "RSA" && c.key_bits > 0 && c.key_bits < 2048) reasons.push_back("RSA-" + std::to_string(c.key_bits) + " key");
  }
  for (std::size_t i = 0; i < reasons.size(); ++i) why += (i ? ", " : "") + reasons[i];
  return !reasons.empty();
}

void add(std::vector<Finding>& v, std::string code, Severity sev, std::string msg, std::vector<std::uint64_t> frames) {
  std::sort(frames.begin(), frames.end());
  frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
  v.push_back(Finding{std::move(code), sev, std::move(msg), std::move(frames)});
}

std::string ssrc_hex(std::uint32_t s) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", s);
  return b;
}

}  // namespace

std::string_view to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::secure: return "secure";
    case Verdict::partial: return "partial";
    case Verdict::insecure: return "insecure";
  }
  return "insecure";
}
std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::high: return "high";
    case Severity::medium: return "medium";
    case Severity::low: return "low";
    case Severity::info: return "info";
  }
  return "info";
}

bool Report::all_secure() const noexcept {
  for (const auto& c : calls) if (c.verdict != Verdict::secure) return false;
  for (const auto& r : registrations) if (r.verdict != Verdict::secure) return false;
  return true;
}

Report Analyzer::Impl::finish(CaptureInfo capture) {
  Report report;
  capture.undecodable_frames = undecodable;
  capture.first_decode_error = first_decode_error;
  report.capture = std::move(capture);
  std::int64_t end_ns = now_ns;

  // TLS connections.
  for (TcpConn* c : tls_conns) {
    TlsRecord t;
    t.client = netpkt::to_string(c->client);
    t.server = netpkt::to_string(c->server);
    t.first_frame = c->first_frame;
#ifdef SOTTO_AUDIT_TLS
    const auto& s = c->tls_stream->summary();
    t.version = s.version;
    t.cipher_suite = s.cipher_suite;
    t.sni = s.sni;
    t.forward_secrecy = s.forward_secrecy;
    t.decrypted = s.decrypted;
    t.handshake_complete = s.handshake_complete;
    t.error = s.error;
    for (const auto& ci : s.certificates) {
      t.certificates.push_back(CertificateRecord{ci.subject, ci.issuer, ci.not_before, ci.not_after, ci.key_type,
                                                 ci.self_signed, ci.key_bits, ci.frame});
    }
#endif
    report.tls_connections.push_back(std::move(t));
  }

  struct Built {
    CallReport call;
    std::vector<std::size_t> stream_ids;
  };
  std::vector<Built> built;
  // Master keys seen per call, for key-reuse across calls (compared as bytes, never printed).
  std::map<std::vector<std::uint8_t>, std::vector<std::pair<std::size_t, std::uint64_t>>> key_uses;

  auto stream_report = [&](const StreamState& s, const DialogState* d) {
    StreamReport r;
    r.ssrc = s.ssrc;
    r.src = netpkt::to_string(s.src);
    r.dst = netpkt::to_string(s.dst);
    r.payload_type = s.payload_type;
    r.codec = codec_name(d, s.sender, s.payload_type);
    r.packets = s.packets;
    std::int64_t expected = s.seq_init ? static_cast<std::int64_t>((std::uint64_t{s.cycles} << 16) + s.max_seq) - s.base_seq + 1 : 0;
    r.lost = std::max<std::int64_t>(0, expected - static_cast<std::int64_t>(s.packets));
    r.jitter_ms = s.jitter / static_cast<double>(s.clock_rate) * 1000.0;
    r.duration_s = static_cast<double>(s.last_ns - s.first_ns) * 1e-9;
    r.suite = s.suite ? std::optional<std::string>(std::string(s.suite->name)) : std::nullopt;
    r.decrypted = s.decrypted_ok > 0;
    r.auth_failures = s.auth_failures;
    r.first_frame = s.first_frame;
    return r;
  };

  // Calls with signalling.
  std::vector<std::vector<std::size_t>> streams_of(dialogs.size());
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (streams[i].call != kNone) streams_of[streams[i].call].push_back(i);
  }
  for (std::size_t di = 0; di < dialogs.size(); ++di) {
    const DialogState& d = dialogs[di];
    // Cleartext when any of the call's SIP crossed the capture point in clear (a proxy may take a
    // TLS leg and a UDP leg of the same call).
    bool cleartext = !d.cleartext_frames.empty();
    std::set<std::string> clear_transports;
    for (const auto& m : d.messages) {
      if (m.transport != "TLS") clear_transports.insert(m.transport);
    }
    std::string clear_names = join(clear_transports);
    std::optional<TlsRecord> tls;
    if (d.tls_conn != kNone && d.tls_conn < report.tls_connections.size()) tls = report.tls_connections[d.tls_conn];
    std::vector<Finding> findings;
    std::string exposed;
    if (cleartext) {
      std::vector<std::string> parts;
      if (!d.users.empty()) parts.push_back("users/numbers " + join(d.users));
      if (!d.display_names.empty()) parts.push_back("display names " + join(d.display_names));
      if (!d.user_agents.empty()) parts.push_back("User-Agent/Server " + join(d.user_agents, 3));
      for (std::size_t i = 0; i < parts.size(); ++i) exposed += (i ? "; " : "") + parts[i];
      add(findings, "sip-cleartext", Severity::medium,
          "SIP readable on the wire (" + clear_names + ")" + (exposed.empty() ? "" : ": exposes " + exposed), d.cleartext_frames);
    }
    if (!d.digest_frames.empty()) {
      add(findings, "digest-exposed", d.digest_md5_no_qop ? Severity::high : Severity::medium,
          "digest authentication visible (algorithm " + join(d.digest_algorithms) +
              (d.digest_qops.empty() ? ", no qop: the weakest form, open to offline guessing" : ", qop " + join(d.digest_qops)) +
              ")",
          d.digest_frames);
    }
    std::string tls_why;
    if (tls && weak_tls(*tls, end_ns, tls_why)) {
      add(findings, "tls-weak", Severity::medium, "TLS " + tls_why, {tls->first_frame});
    }

    if (!d.invite) {
      RegistrationReport r;
      r.call_id = d.call_id;
      r.method = d.first_method.empty() ? "?" : d.first_method;
      r.user = d.reg_user.value_or("");
      r.contact = d.contact;
      r.transport = d.transport;
      r.status = d.last_status;
      r.tls = tls;
      r.messages = d.messages;
      r.findings = std::move(findings);
      bool high = std::any_of(r.findings.begin(), r.findings.end(), [](const Finding& f) { return f.severity == Severity::high; });
      r.verdict = cleartext ? Verdict::insecure : (r.findings.empty() ? Verdict::secure : (high ? Verdict::insecure : Verdict::partial));
      report.registrations.push_back(std::move(r));
      continue;
    }

    Built b;
    CallReport& c = b.call;
    c.call_id = d.call_id;
    c.from = d.from;
    c.to = d.to;
    c.start_ns = d.start_ns;
    c.end_ns = d.end_ns;
    c.status = d.invite_status;
    c.result = result_of(d);
    c.transport = d.transport;
    c.tls = tls;
    c.messages = d.messages;

    bool keys_exposed = cleartext && !d.sdes_exposed_frames.empty();
    if (keys_exposed) {
      add(findings, "sdes-keys-exposed", Severity::high,
          "SRTP master keys sent in cleartext SDP (a=crypto over " + clear_names + "): the media can be decrypted",
          d.sdes_exposed_frames);
    }
    // Offer/answer: SRTP offered, plain RTP answered.
    {
      const SdpEvent* pending = nullptr;
      for (const auto& e : d.sdps) {
        if (pending && e.party != pending->party) {
          bool offered = pending->media.savp || !pending->media.cryptos.empty();
          bool plain = !e.media.savp && e.media.cryptos.empty() && e.has_audio;
          if (offered && plain) {
            add(findings, "srtp-downgrade", Severity::high,
                "SRTP offered (" + pending->media.proto + ") but plain RTP answered (" + e.media.proto + ")", {pending->frame, e.frame});
          }
          pending = nullptr;
        } else {
          pending = &e;
        }
      }
    }
    // The suites and parameters in use.
    for (std::size_t p = 0; p < 2; ++p) {
      const auto& k = d.chosen[p];
      if (!k || !k->suite) continue;
      const srtp::Suite& s = *k->suite;
      std::string who = p == 0 ? "caller" : "callee";
      if (s.cipher == srtp::Cipher::null || k->params.unencrypted_srtp) {
        add(findings, "srtp-null-cipher", Severity::high, who + "'s SRTP is not encrypted (" + std::string(s.name) +
                                                               (k->params.unencrypted_srtp ? " UNENCRYPTED_SRTP" : "") + ")", {d.chosen_frame[p]});
      }
      if (s.auth == srtp::Auth::null || k->params.unauthenticated_srtp) {
        add(findings, "srtp-null-auth", Severity::medium, who + "'s SRTP is not authenticated (" + std::string(s.name) +
                                                               (k->params.unauthenticated_srtp ? " UNAUTHENTICATED_SRTP" : "") + "): packets can be forged", {d.chosen_frame[p]});
      }
      if (s.auth == srtp::Auth::hmac_sha1 && s.srtp_tag_len <= 4) {
        add(findings, "srtp-short-tag", Severity::low, who + " uses a 32-bit authentication tag (" + std::string(s.name) + ")", {d.chosen_frame[p]});
      }
      std::vector<std::uint8_t> kb;
      for (const auto& kp : k->keys) {
        auto sp = kp.key_salt.span();
        kb.insert(kb.end(), sp.begin(), sp.begin() + std::min<std::size_t>(sp.size(), s.master_key_len));
      }
      auto& uses = key_uses[kb];
      uses.emplace_back(built.size(), d.chosen_frame[p]);
    }
    if (d.chosen[0] && d.chosen[1] && d.chosen[0]->keys.size() == 1 && d.chosen[1]->keys.size() == 1 &&
        d.chosen[0]->keys[0].key_salt == d.chosen[1]->keys[0].key_salt) {
      add(findings, "key-reuse", Severity::high, "the same SRTP master key protects both directions (a two-time pad for AES counter mode)",
          {d.chosen_frame[0], d.chosen_frame[1]});
    }

    // Streams.
    bool all_media_protected = true, any_media_protected = false;
    for (std::size_t si : streams_of[di]) {
      const StreamState& s = streams[si];
      StreamReport r = stream_report(s, &d);
      const auto& key = s.sender >= 0 ? d.chosen[static_cast<std::size_t>(s.sender)] : std::optional<sdes::CryptoAttribute>{};
      bool labelled_srtp = key.has_value() || s.suite != nullptr;
      Looks l = looks(s);
      bool null_cipher = key && key->suite && (key->suite->cipher == srtp::Cipher::null || key->params.unencrypted_srtp);
      r.encrypted = labelled_srtp && !null_cipher && l != Looks::plaintext;
      if (!r.suite && key) r.suite = key->suite_name;
      std::vector<std::uint64_t> ev(s.sample_frames.begin(), s.sample_frames.begin() + static_cast<std::ptrdiff_t>(s.nsample_frames));
      if (!labelled_srtp) {
        if (l == Looks::ciphertext) {
          r.encrypted = true;  // keys not visible (e.g. SDP we could not read) but it looks like ciphertext
        } else {
          add(findings, "rtp-unencrypted", Severity::high,
              "stream " + ssrc_hex(s.ssrc) + " " + r.src + " -> " + r.dst + " is plain RTP (" + r.codec.value_or("PT " + std::to_string(s.payload_type)) + ")", ev);
        }
      } else if (l == Looks::plaintext) {
        char chi[32];
        std::snprintf(chi, sizeof chi, "%.0f", s.hist ? chi_square_uniform(*s.hist) : 0.0);
        add(findings, "srtp-not-ciphertext", Severity::high,
            "stream " + ssrc_hex(s.ssrc) + " is labelled SRTP but its payload is statistically plaintext (chi-square " + chi + " over 255 degrees of freedom; ciphertext stays near 255)", ev);
      }
      if (r.encrypted) {
        if (s.many_sizes) {
          add(findings, "metadata-leak", Severity::low,
              "stream " + ssrc_hex(s.ssrc) + ": packet lengths vary (VBR) and reveal speech patterns (RFC 6562)", ev);
        }
        const auto& sm = s.sender >= 0 ? d.media[static_cast<std::size_t>(s.sender)] : std::optional<SdpMedia>{};
        if (sm && sm->audio_level_id && !sm->audio_level_encrypted && (s.ext_ids >> *sm->audio_level_id & 1u)) {
          add(findings, "metadata-leak", Severity::low,
              "stream " + ssrc_hex(s.ssrc) + ": RFC 6464 audio levels in clear header extensions (id " + std::to_string(*sm->audio_level_id) + ")", ev);
        }
      }
      if (s.dtmf_packets > 0 && (!labelled_srtp || null_cipher)) {
        add(findings, "metadata-leak", Severity::medium,
            "stream " + ssrc_hex(s.ssrc) + ": DTMF events in clear (RFC 4733)" + (s.dtmf_digits.empty() ? "" : ": digits " + s.dtmf_digits), ev);
      }
      if (r.auth_failures > 0 && !r.decrypted) r.wav = std::nullopt;
      bool protected_stream = r.encrypted && !keys_exposed;
      all_media_protected = all_media_protected && protected_stream;
      any_media_protected = any_media_protected || protected_stream;
      c.streams.push_back(std::move(r));
      b.stream_ids.push_back(si);
    }
    bool srtp_agreed = d.chosen[0].has_value() || d.chosen[1].has_value();
    if (srtp_agreed && !d.clear_rtcp_frames.empty()) {
      std::string cn;
      for (const auto& n : d.rtcp_cnames) cn += (cn.empty() ? "" : ", ") + n;
      add(findings, "metadata-leak", Severity::low,
          std::to_string(d.clear_rtcp_frames.size()) + " RTCP packet(s) in clear beside SRTP" +
              (cn.empty() ? std::string() : " (SDES CNAME " + cn + ")"),
          d.clear_rtcp_frames);
    }
    if (c.streams.empty() && c.result == "answered") {
      add(findings, "media-unseen", Severity::info, "no RTP stream of this call is in the capture (filtered out, or not captured)", {});
    }
    bool any_high = std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::high; });
    bool signalling_protected = !cleartext;
    if (keys_exposed) c.verdict = Verdict::insecure;
    else if (signalling_protected && all_media_protected && !any_high && std::none_of(findings.begin(), findings.end(), [](const Finding& f) { return f.code == "tls-weak" || f.code == "srtp-null-auth"; }))
      c.verdict = Verdict::secure;
    else if (!signalling_protected && !any_media_protected) c.verdict = Verdict::insecure;
    else c.verdict = Verdict::partial;
    c.findings = std::move(findings);
    built.push_back(std::move(b));
  }

  // key-reuse across calls.
  for (const auto& [k, uses] : key_uses) {
    std::set<std::size_t> calls;
    for (const auto& u : uses) calls.insert(u.first);
    if (calls.size() < 2) continue;
    std::vector<std::uint64_t> frames;
    for (const auto& u : uses) frames.push_back(u.second);
    for (std::size_t ci : calls) {
      auto& c = built[ci].call;
      add(c.findings, "key-reuse", Severity::high,
          "the same SRTP master key is used in " + std::to_string(calls.size()) + " calls", frames);
      if (c.verdict == Verdict::secure) c.verdict = Verdict::partial;
    }
  }

  // Media without visible signalling: RTP-like streams grouped by their pair of endpoints.
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> orphans;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const StreamState& s = streams[i];
    if (s.call != kNone) continue;
    if (s.packets < 10 || s.in_order * 2 < s.packets) continue;  // not a real RTP stream
    std::string a = netpkt::to_string(s.src), z = netpkt::to_string(s.dst);
    orphans[a < z ? std::pair{a, z} : std::pair{z, a}].push_back(i);
  }
  for (const auto& [pair, ids] : orphans) {
    Built b;
    CallReport& c = b.call;
    c.start_ns = streams[ids.front()].first_ns;
    c.end_ns = c.start_ns;
    bool all_cipher = true, any_cipher = false;
    std::vector<Finding> findings;
    for (std::size_t si : ids) {
      const StreamState& s = streams[si];
      c.start_ns = std::min(c.start_ns, s.first_ns);
      c.end_ns = std::max(c.end_ns, s.last_ns);
      StreamReport r = stream_report(s, nullptr);
      Looks l = looks(s);
      r.encrypted = l == Looks::ciphertext || s.decrypted_ok > 0;
      std::vector<std::uint64_t> ev(s.sample_frames.begin(), s.sample_frames.begin() + static_cast<std::ptrdiff_t>(s.nsample_frames));
      if (!r.encrypted) {
        add(findings, "rtp-unencrypted", Severity::high,
            "stream " + ssrc_hex(s.ssrc) + " " + r.src + " -> " + r.dst + " is plain RTP (no signalling seen for it)", ev);
      } else if (s.many_sizes) {
        add(findings, "metadata-leak", Severity::low,
            "stream " + ssrc_hex(s.ssrc) + ": packet lengths vary (VBR) and reveal speech patterns (RFC 6562)", ev);
      }
      all_cipher = all_cipher && r.encrypted;
      any_cipher = any_cipher || r.encrypted;
      c.streams.push_back(std::move(r));
      b.stream_ids.push_back(si);
    }
    // Under TLS signalling (a TLS connection seen in the capture) ciphertext media counts as secure.
    const TlsRecord* tls = nullptr;
    for (const auto& t : report.tls_connections) tls = &t;
    if (all_cipher && tls) {
      c.transport = "TLS";
      c.tls = *tls;
      std::string why;
      if (weak_tls(*tls, end_ns, why)) add(findings, "tls-weak", Severity::medium, "TLS " + why, {tls->first_frame});
    } else if (all_cipher) {
      add(findings, "signalling-unseen", Severity::info,
          "media looks like ciphertext, but no signalling was seen: how its keys were exchanged is unknown", {});
    }
    bool any_high = std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::high; });
    c.verdict = !any_cipher ? Verdict::insecure : (all_cipher && tls && !any_high && findings.empty()) ? Verdict::secure : Verdict::partial;
    c.findings = std::move(findings);
    built.push_back(std::move(b));
  }

  std::stable_sort(built.begin(), built.end(), [](const Built& a, const Built& b) {
    if (a.call.verdict != b.call.verdict) return a.call.verdict < b.call.verdict;
    return a.call.start_ns < b.call.start_ns;
  });

  // Audio and waveforms (keep_audio only).
  for (std::size_t ci = 0; ci < built.size(); ++ci) {
    auto& c = built[ci].call;
    for (std::size_t k = 0; k < c.streams.size(); ++k) {
      StreamState& s = streams[built[ci].stream_ids[k]];
      if (s.audio.empty()) continue;
      if (s.ctx && s.decrypted_ok == 0) continue;  // never decrypted: nothing but noise
      if (c.streams[k].encrypted && !c.streams[k].decrypted) continue;
      DecodedAudio a = decode_audio(s.payload_type, s.audio, s.present);
      if (a.samples.empty()) continue;
      c.streams[k].waveform = waveform(a.samples, 200);
      audio_out.push_back(StreamAudio{ci, k, a.sample_rate, std::move(a.samples)});
      std::vector<std::uint8_t>().swap(s.audio);
      std::vector<std::uint8_t>().swap(s.present);
    }
    report.calls.push_back(std::move(c));
  }
  std::stable_sort(report.registrations.begin(), report.registrations.end(),
                   [](const RegistrationReport& a, const RegistrationReport& b) { return a.verdict < b.verdict; });
  return report;
}

}  // namespace sotto::audit
