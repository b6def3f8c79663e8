// The signalling side of the audit: SIP messages grouped by Call-ID, what cleartext exposes, and the
// SDP offer/answer of each call (addresses for stream matching, SDES keys for decryption).
#include <algorithm>

#include "audit/analyzer_impl.hpp"
#include "core/auth/digest.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/message_parser.hpp"

namespace sotto::audit {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string uri_user_host(const sip::Uri& u) {
  if (u.user.empty()) return u.host;
  return u.user + "@" + u.host;
}

constexpr std::size_t kMaxFrames = 100;
void add_frame(std::vector<std::uint64_t>& v, std::uint64_t f) {
  if (v.size() < kMaxFrames && (v.empty() || v.back() != f)) v.push_back(f);
}

}  // namespace

void Analyzer::Impl::sip(std::string_view text, const IpEndpoint& src, const IpEndpoint& dst, const std::string& transport,
                         std::size_t tls_index, bool stream_framed) {
  sip::ParseOptions po;
  po.framing = stream_framed ? sip::Framing::stream : sip::Framing::datagram;
  auto msg = sip::parse_message_unchecked(text, po);
  if (!msg) return;
  auto call_id = msg->header(sip::hdr::call_id);
  if (!call_id) return;
  auto [it, fresh] = dialog_by_id.try_emplace(*call_id, dialogs.size());
  if (fresh) {
    dialogs.emplace_back();
    dialogs.back().call_id = *call_id;
    dialogs.back().transport = transport;
    dialogs.back().tls_conn = tls_index;
    dialogs.back().start_ns = now_ns;
  }
  std::size_t index = it->second;
  DialogState& d = dialogs[index];
  d.end_ns = now_ns;
  if (transport == "TLS") {
    d.transport = "TLS";
    d.tls_conn = tls_index;
  }
  bool cleartext = transport != "TLS";

  auto cseq = msg->header(sip::hdr::cseq);
  auto from = msg->header(sip::hdr::from);
  auto to = msg->header(sip::hdr::to);
  sip::MethodId method = msg->is_request() ? msg->method().id() : (cseq ? cseq->method.id() : sip::MethodId::extension);

  if (msg->is_request()) {
    if (d.first_method.empty()) d.first_method = msg->method().name();
    if (method == sip::MethodId::invite && !d.invite) {
      d.invite = true;
      d.caller_tag = from && from->tag() ? std::string(*from->tag()) : "";
      if (from) d.from = (from->display_name.empty() ? "" : "\"" + from->display_name + "\" ") + "<" + sip::serialize(from->uri) + ">";
      if (to) d.to = (to->display_name.empty() ? "" : "\"" + to->display_name + "\" ") + "<" + sip::serialize(to->uri) + ">";
    }
    if (method == sip::MethodId::cancel) d.cancel_seen = true;
    if (!d.reg_user && to) d.reg_user = uri_user_host(to->uri);
    if (!d.contact) {
      if (const auto* h = msg->find(sip::HeaderId::contact)) d.contact = h->value;
    }
    if (d.caller_tag.empty() && !d.invite && from && from->tag()) d.caller_tag = std::string(*from->tag());
  } else {
    if (msg->status() >= 200) d.last_status = msg->status();
    if (cseq && cseq->method == sip::MethodId::invite && msg->status() >= 200 && !d.invite_status) d.invite_status = msg->status();
  }

  MessageRecord rec;
  rec.frame = frame_no;
  rec.time_ns = now_ns;
  rec.src = netpkt::to_string(src);
  rec.dst = netpkt::to_string(dst);
  rec.transport = transport;
  rec.summary = msg->is_request() ? msg->method().name() + " " + sip::serialize(msg->request_uri())
                                  : std::to_string(msg->status()) + " " + msg->reason();
  const auto* ctype = msg->find(sip::HeaderId::content_type);
  rec.sdp = !msg->body().empty() && ctype && lower(ctype->value).find("application/sdp") != std::string::npos;
  d.messages.push_back(rec);

  if (cleartext) {
    add_frame(d.cleartext_frames, frame_no);
    for (const auto* na : {from ? &*from : nullptr, to ? &*to : nullptr}) {
      if (!na) continue;
      if (!na->uri.user.empty()) d.users.insert(na->uri.user);
      if (!na->display_name.empty()) d.display_names.insert(na->display_name);
    }
    for (const char* name : {"User-Agent", "Server"}) {
      if (const auto* h = msg->find(std::string_view(name))) d.user_agents.insert(h->value);
    }
    for (const auto& h : msg->headers()) {
      if (h.id == sip::HeaderId::authorization || h.id == sip::HeaderId::proxy_authorization) {
        add_frame(d.digest_frames, frame_no);
        if (auto a = auth::parse_authorization(h.value)) {
          d.digest_algorithms.insert(std::string(auth::to_string(a->algorithm)));
          if (a->qop) d.digest_qops.insert(*a->qop);
          if (a->algorithm == auth::DigestAlgorithm::md5 && !a->qop) d.digest_md5_no_qop = true;
        }
      } else if (h.id == sip::HeaderId::www_authenticate || h.id == sip::HeaderId::proxy_authenticate) {
        add_frame(d.digest_frames, frame_no);
        if (auto c = auth::parse_challenge(h.value)) {
          d.digest_algorithms.insert(std::string(auth::to_string(c->algorithm)));
          for (const auto& q : c->qop) d.digest_qops.insert(q);
          if (c->algorithm == auth::DigestAlgorithm::md5 && c->qop.empty()) d.digest_md5_no_qop = true;
        }
      }
    }
  }

  if (rec.sdp) {
    // Who describes their media: a request's sender is the From party; a response's is the To party.
    bool from_is_caller = !d.caller_tag.empty() && from && from->tag() && *from->tag() == d.caller_tag;
    if (d.caller_tag.empty()) from_is_caller = msg->is_request();
    int party = msg->is_request() ? (from_is_caller ? 0 : 1) : (from_is_caller ? 1 : 0);
    sdp_body(d, index, party, msg->body(), cleartext);
  }
}

void Analyzer::Impl::sdp_body(DialogState& d, std::size_t index, int party, const std::string& body, bool cleartext) {
  auto sdp = sdp::parse_sdp(body);
  if (!sdp) return;
  SdpEvent ev;
  ev.party = party;
  ev.frame = frame_no;
  for (std::size_t i = 0; i < sdp->media.size(); ++i) {
    const auto& m = sdp->media[i];
    if (m.media != "audio" || !m.is_rtp()) continue;
    const sdp::Connection* c = sdp->media_connection(i);
    if (!c) continue;
    auto addr = netpkt::parse_ip_address(c->address);
    if (!addr) continue;
    SdpMedia& sm = ev.media;
    sm.frame = frame_no;
    sm.proto = m.proto;
    sm.savp = m.proto.find("SAVP") != std::string::npos;
    sm.rtp.address = *addr;
    sm.rtp.port = m.port;
    sm.rtcp.address = *addr;
    sm.rtcp.port = m.rtcp_mux() ? m.port : static_cast<std::uint16_t>(m.port + 1);
    if (auto r = m.rtcp()) {
      sm.rtcp.port = r->port;
      if (r->connection) {
        if (auto a = netpkt::parse_ip_address(r->connection->address)) sm.rtcp.address = *a;
      }
    }
    for (std::uint8_t pt : m.payload_types()) {
      if (auto map = m.rtpmap(pt)) {
        if (sdp::iequals(map->encoding, "telephone-event")) sm.telephone_event_pt = pt;
        sm.rtpmaps.push_back(*map);
      }
    }
    for (auto v : m.crypto_values()) {
      if (auto a = sdes::parse_crypto_attribute(v)) sm.cryptos.push_back(std::move(*a));
    }
    for (const auto& a : m.attributes) {
      if (a.name != "extmap" || !a.value) continue;
      const std::string& v = *a.value;
      if (v.find("ssrc-audio-level") == std::string::npos) continue;
      int id = std::atoi(v.c_str());
      if (id > 0 && id < 256) sm.audio_level_id = static_cast<std::uint8_t>(id);
      if (v.find("urn:ietf:params:rtp-hdrext:encrypt") != std::string::npos) sm.audio_level_encrypted = true;
    }
    ev.has_audio = !m.rejected();
    break;  // the first audio section
  }
  if (cleartext && !ev.media.cryptos.empty()) add_frame(d.sdes_exposed_frames, frame_no);
  d.sdps.push_back(ev);
  if (ev.has_audio) {
    d.media[static_cast<std::size_t>(party)] = ev.media;
    media_index[ev.media.rtp] = {index, party};
    if (!(ev.media.rtcp == ev.media.rtp)) media_index[ev.media.rtcp] = {index, party};
  }

  // Offer/answer pairs in order; the last complete pair (or a lone offer) sets each side's key.
  const SdpEvent* offer = nullptr;
  const SdpEvent* pending = nullptr;
  const SdpEvent* answer = nullptr;
  for (const auto& e : d.sdps) {
    if (!pending) {
      pending = &e;
    } else if (e.party != pending->party) {
      offer = pending;
      answer = &e;
      pending = nullptr;
    } else {
      pending = &e;
    }
  }
  d.chosen = {};
  if (offer && answer) {
    if (!answer->media.cryptos.empty()) {
      const auto& ac = answer->media.cryptos.front();
      d.chosen[static_cast<std::size_t>(answer->party)] = ac;
      d.chosen_frame[static_cast<std::size_t>(answer->party)] = answer->frame;
      for (const auto& oc : offer->media.cryptos) {
        if (oc.tag == ac.tag) {
          d.chosen[static_cast<std::size_t>(offer->party)] = oc;
          d.chosen_frame[static_cast<std::size_t>(offer->party)] = offer->frame;
        }
      }
    }
  }
  if (pending && !pending->media.cryptos.empty() && !d.chosen[static_cast<std::size_t>(pending->party)]) {
    d.chosen[static_cast<std::size_t>(pending->party)] = pending->media.cryptos.front();
    d.chosen_frame[static_cast<std::size_t>(pending->party)] = pending->frame;
  }
  ++sdp_generation;
}

}  // namespace sotto::audit
