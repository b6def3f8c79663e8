#include "core/rtp/rtcp_parse.hpp"

#include <string>

#include "core/rtp/rtp_header.hpp"

namespace sotto::rtp {
namespace {

using Bytes = std::span<const std::uint8_t>;

std::string type_name(std::uint8_t pt) {
  switch (pt) {
    case 200: return "SR";
    case 201: return "RR";
    case 202: return "SDES";
    case 203: return "BYE";
    case 204: return "APP";
    default: return "type " + std::to_string(pt);
  }
}

// Builds errors that say which packet of the compound failed: "RTCP packet 2 (SDES): ...".
struct Where {
  int index;
  std::uint8_t pt;
  Unexpected<Error> operator()(const std::string& what) const {
    return fail(Errc::malformed_input, "RTCP packet " + std::to_string(index) + " (" + type_name(pt) + "): " + what);
  }
};

std::string n_bytes(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

ReportBlock read_report_block(const std::uint8_t* p) {
  ReportBlock rb;
  rb.ssrc = load_be32(p);
  rb.fraction_lost = p[4];
  std::int32_t lost = static_cast<std::int32_t>((std::uint32_t{p[5]} << 16) | (std::uint32_t{p[6]} << 8) | p[7]);
  if (lost & 0x800000) lost -= 0x1000000;  // 24-bit two's complement
  rb.cumulative_lost = lost;
  rb.extended_highest_seq = load_be32(p + 8);
  rb.jitter = load_be32(p + 12);
  rb.lsr = load_be32(p + 16);
  rb.dlsr = load_be32(p + 20);
  return rb;
}

Result<std::vector<std::uint8_t>> aligned_rest(Bytes body, std::size_t from, const Where& where, const char* what) {
  const std::size_t rest = body.size() - from;
  if (rest % 4 != 0) return where(std::string(what) + " of " + n_bytes(rest) + " is not a multiple of 4");
  return std::vector<std::uint8_t>(body.begin() + static_cast<std::ptrdiff_t>(from), body.end());
}

// Section 6.4.1 / 6.4.2: [sender info] + count report blocks + profile extension.
template <class Report>
Result<Report> parse_report(Bytes body, std::uint8_t count, bool sender, const Where& where) {
  const std::size_t fixed = sender ? 24 : 4;
  const std::size_t need = fixed + 24u * count;
  if (body.size() < need) {
    return where(std::to_string(count) + " report blocks need " + n_bytes(need + 4) + ", packet has " +
                 n_bytes(body.size() + 4));
  }
  Report r;
  r.ssrc = load_be32(body.data());
  if constexpr (std::is_same_v<Report, SenderReport>) {
    r.info.ntp_timestamp = (std::uint64_t{load_be32(&body[4])} << 32) | load_be32(&body[8]);
    r.info.rtp_timestamp = load_be32(&body[12]);
    r.info.packet_count = load_be32(&body[16]);
    r.info.octet_count = load_be32(&body[20]);
  }
  for (std::size_t i = 0; i < count; ++i) r.reports.push_back(read_report_block(&body[fixed + 24 * i]));
  auto ext = aligned_rest(body, need, where, "profile extension");
  if (!ext) return Unexpected(ext.error());
  r.extension = std::move(*ext);
  return r;
}

// Section 6.5: count chunks, each SSRC + items + a null octet, padded to a 32-bit boundary.
Result<SourceDescription> parse_sdes(Bytes body, std::uint8_t count, const Where& where) {
  SourceDescription sdes;
  std::size_t at = 0;
  for (std::size_t c = 1; c <= count; ++c) {
    const std::string chunk = "chunk " + std::to_string(c);
    if (body.size() - at < 4) return where(chunk + ": " + n_bytes(body.size() - at) + " left, its SSRC needs 4");
    SdesChunk ch;
    ch.ssrc = load_be32(&body[at]);
    at += 4;
    for (;;) {
      if (at >= body.size()) return where(chunk + ": items run to the end of the packet without a null item");
      const std::uint8_t type = body[at];
      if (type == 0) {
        at = (at + 4) & ~std::size_t{3};  // null octet(s) up to the next 32-bit boundary
        break;
      }
      if (body.size() - at < 2) return where(chunk + ": item type " + std::to_string(type) + " has no length octet");
      const std::size_t len = body[at + 1];
      if (body.size() - at - 2 < len) {
        return where(chunk + ": item type " + std::to_string(type) + " claims " + n_bytes(len) + ", " +
                     n_bytes(body.size() - at - 2) + " left");
      }
      ch.items.push_back({type, std::string(reinterpret_cast<const char*>(&body[at + 2]), len)});
      at += 2 + len;
    }
    if (at > body.size()) return where(chunk + ": padding after the null item runs past the packet");
    sdes.chunks.push_back(std::move(ch));
  }
  if (at != body.size()) {
    return where(n_bytes(body.size() - at) + " after the last of " + std::to_string(count) + " chunks");
  }
  return sdes;
}

// Section 6.6: count SSRC/CSRCs, then an optional length-prefixed reason, padded.
Result<Bye> parse_bye(Bytes body, std::uint8_t count, const Where& where) {
  if (body.size() < 4u * count) {
    return where(std::to_string(count) + " SSRCs need " + n_bytes(4u * count) + ", body has " + n_bytes(body.size()));
  }
  Bye bye;
  for (std::size_t i = 0; i < count; ++i) bye.ssrcs.push_back(load_be32(&body[4 * i]));
  std::size_t at = 4u * count;
  if (at < body.size()) {
    const std::size_t len = body[at];
    if (body.size() - at - 1 < len) {
      return where("reason claims " + n_bytes(len) + ", " + n_bytes(body.size() - at - 1) + " left");
    }
    bye.reason.assign(reinterpret_cast<const char*>(&body[at + 1]), len);
    at += 1 + len;
    if (body.size() - at >= 4) return where(n_bytes(body.size() - at) + " after the reason");
  }
  return bye;
}

// Section 6.7: SSRC, 4-character name, application data.
Result<App> parse_app(Bytes body, std::uint8_t subtype, const Where& where) {
  if (body.size() < 8) return where("needs SSRC and name (12 bytes), packet has " + n_bytes(body.size() + 4));
  App app;
  app.subtype = subtype;
  app.ssrc = load_be32(body.data());
  for (std::size_t i = 0; i < 4; ++i) app.name[i] = static_cast<char>(body[4 + i]);
  auto data = aligned_rest(body, 8, where, "application data");
  if (!data) return Unexpected(data.error());
  app.data = std::move(*data);
  return app;
}

template <class T>
Status append(CompoundRtcp& c, Result<T> r) {
  if (!r) return Unexpected(r.error());
  c.packets.emplace_back(std::move(*r));
  return {};
}

}  // namespace

Result<CompoundRtcp> parse_rtcp(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return fail(Errc::malformed_input, "RTCP: empty datagram");
  CompoundRtcp c;
  std::size_t at = 0;
  for (int index = 1; at < bytes.size(); ++index) {
    const std::size_t left = bytes.size() - at;
    if (left < 4) {
      return fail(Errc::malformed_input, "RTCP packet " + std::to_string(index) + ": " + n_bytes(left) +
                                             " left, a header needs 4");
    }
    const std::uint8_t* h = &bytes[at];
    const Where where{index, h[1]};
    if ((h[0] >> 6) != 2) return where("version " + std::to_string(h[0] >> 6) + ", expected 2");
    const bool padding = (h[0] & 0x20) != 0;
    const auto count = static_cast<std::uint8_t>(h[0] & 0x1F);
    const std::size_t len = (std::size_t{load_be16(h + 2)} + 1) * 4;
    if (len > left) return where("length field says " + n_bytes(len) + ", only " + n_bytes(left) + " left");
    Bytes body = bytes.subspan(at + 4, len - 4);
    if (padding) {
      // Appendix A.2: only the last packet of a compound may be padded.
      if (at + len != bytes.size()) return where("padding bit set but it is not the last packet");
      const std::size_t pad = body.empty() ? 0 : body.back();
      if (pad == 0 || pad > body.size()) {
        return where("padding count " + std::to_string(pad) + " outside 1.." + std::to_string(body.size()));
      }
      body = body.first(body.size() - pad);
    }
    Status s;
    switch (h[1]) {
      case 200: s = append(c, parse_report<SenderReport>(body, count, true, where)); break;
      case 201: s = append(c, parse_report<ReceiverReport>(body, count, false, where)); break;
      case 202: s = append(c, parse_sdes(body, count, where)); break;
      case 203: s = append(c, parse_bye(body, count, where)); break;
      case 204: s = append(c, parse_app(body, count, where)); break;
      default: {
        auto raw = aligned_rest(body, 0, where, "body");
        if (!raw) return Unexpected(raw.error());
        c.packets.emplace_back(UnknownRtcp{h[1], count, std::move(*raw)});
      }
    }
    if (!s) return Unexpected(s.error());
    at += len;
  }
  return c;
}

}  // namespace sotto::rtp
