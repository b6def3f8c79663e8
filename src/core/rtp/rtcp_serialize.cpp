#include "core/rtp/rtcp_serialize.hpp"

#include <string>
#include <type_traits>

#include "core/rtp/rtp_header.hpp"

namespace sotto::rtp {
namespace {


std::size_t sdes_chunk_size(const SdesChunk& ch) {
  std::size_t n = 4;
  for (const auto& item : ch.items) n += 2 + item.value.size();
  return (n + 1 + 3) & ~std::size_t{3};  // null item, then pad to 32 bits
}

std::size_t packet_size(const RtcpPacket& p) {
  return std::visit(
      [](const auto& v) -> std::size_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, SenderReport>) return 28 + 24 * v.reports.size() + v.extension.size();
        if constexpr (std::is_same_v<T, ReceiverReport>) return 8 + 24 * v.reports.size() + v.extension.size();
        if constexpr (std::is_same_v<T, SourceDescription>) {
          std::size_t n = 4;
          for (const auto& ch : v.chunks) n += sdes_chunk_size(ch);
          return n;
        }
        if constexpr (std::is_same_v<T, Bye>) {
          const std::size_t reason = v.reason.empty() ? 0 : (1 + v.reason.size() + 3) & ~std::size_t{3};
          return 4 + 4 * v.ssrcs.size() + reason;
        }
        if constexpr (std::is_same_v<T, App>) return 12 + v.data.size();
        if constexpr (std::is_same_v<T, UnknownRtcp>) return 4 + v.body.size();
      },
      p);
}

Status check(const RtcpPacket& p, std::size_t index) {
  auto bad = [index](const std::string& what) {
    return fail(Errc::invalid_argument, "RTCP packet " + std::to_string(index) + ": " + what);
  };
  if (packet_size(p) > 65536 * 4) return bad("longer than the 16-bit length field allows");
  return std::visit(
      [&](const auto& v) -> Status {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, SenderReport> || std::is_same_v<T, ReceiverReport>) {
          if (v.reports.size() > 31) return bad(std::to_string(v.reports.size()) + " report blocks, at most 31");
          if (v.extension.size() % 4) return bad("profile extension not a multiple of 4 bytes");
          for (const auto& rb : v.reports) {
            if (rb.cumulative_lost < -0x800000 || rb.cumulative_lost > 0x7FFFFF) {
              return bad("cumulative lost " + std::to_string(rb.cumulative_lost) + " does not fit 24 bits");
            }
          }
        } else if constexpr (std::is_same_v<T, SourceDescription>) {
          if (v.chunks.size() > 31) return bad(std::to_string(v.chunks.size()) + " SDES chunks, at most 31");
          for (const auto& ch : v.chunks) {
            for (const auto& item : ch.items) {
              if (item.type == 0) return bad("SDES item type 0 is the end marker");
              if (item.value.size() > 255) return bad("SDES item longer than 255 bytes");
            }
          }
        } else if constexpr (std::is_same_v<T, Bye>) {
          if (v.ssrcs.size() > 31) return bad(std::to_string(v.ssrcs.size()) + " BYE SSRCs, at most 31");
          if (v.reason.size() > 255) return bad("BYE reason longer than 255 bytes");
        } else if constexpr (std::is_same_v<T, App>) {
          if (v.subtype > 31) return bad("APP subtype " + std::to_string(v.subtype) + " above 31");
          if (v.data.size() % 4) return bad("APP data not a multiple of 4 bytes");
        } else if constexpr (std::is_same_v<T, UnknownRtcp>) {
          if (v.count > 31) return bad("count field above 31");
          if (v.body.size() % 4) return bad("body not a multiple of 4 bytes");
        }
        return {};
      },
      p);
}

std::uint8_t* header(std::uint8_t* at, std::size_t count, std::uint8_t pt, std::size_t size) {
  at[0] = static_cast<std::uint8_t>(0x80 | count);
  at[1] = pt;
  store_be16(at + 2, static_cast<std::uint16_t>(size / 4 - 1));
  return at + 4;
}

std::uint8_t* write_blocks(std::uint8_t* at, const std::vector<ReportBlock>& blocks) {
  for (const auto& rb : blocks) {
    store_be32(at, rb.ssrc);
    at[4] = rb.fraction_lost;
    const auto lost = static_cast<std::uint32_t>(rb.cumulative_lost) & 0xFFFFFF;
    at[5] = static_cast<std::uint8_t>(lost >> 16);
    at[6] = static_cast<std::uint8_t>(lost >> 8);
    at[7] = static_cast<std::uint8_t>(lost);
    store_be32(at + 8, rb.extended_highest_seq);
    store_be32(at + 12, rb.jitter);
    store_be32(at + 16, rb.lsr);
    store_be32(at + 20, rb.dlsr);
    at += 24;
  }
  return at;
}

std::uint8_t* copy(std::uint8_t* at, const auto& bytes) {
  for (auto b : bytes) *at++ = static_cast<std::uint8_t>(b);
  return at;
}

void write_packet(std::uint8_t* at, const RtcpPacket& p) {
  const std::size_t size = packet_size(p);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, SenderReport>) {
          at = header(at, v.reports.size(), 200, size);
          store_be32(at, v.ssrc);
          store_be32(at + 4, static_cast<std::uint32_t>(v.info.ntp_timestamp >> 32));
          store_be32(at + 8, static_cast<std::uint32_t>(v.info.ntp_timestamp));
          store_be32(at + 12, v.info.rtp_timestamp);
          store_be32(at + 16, v.info.packet_count);
          store_be32(at + 20, v.info.octet_count);
          copy(write_blocks(at + 24, v.reports), v.extension);
        } else if constexpr (std::is_same_v<T, ReceiverReport>) {
          at = header(at, v.reports.size(), 201, size);
          store_be32(at, v.ssrc);
          copy(write_blocks(at + 4, v.reports), v.extension);
        } else if constexpr (std::is_same_v<T, SourceDescription>) {
          at = header(at, v.chunks.size(), 202, size);
          for (const auto& ch : v.chunks) {
            std::uint8_t* const start = at;
            store_be32(at, ch.ssrc);
            at += 4;
            for (const auto& item : ch.items) {
              *at++ = item.type;
              *at++ = static_cast<std::uint8_t>(item.value.size());
              at = copy(at, item.value);
            }
            const std::uint8_t* const end = start + sdes_chunk_size(ch);
            while (at < end) *at++ = 0;  // null item and padding
          }
        } else if constexpr (std::is_same_v<T, Bye>) {
          std::uint8_t* const end = at + size;
          at = header(at, v.ssrcs.size(), 203, size);
          for (auto s : v.ssrcs) {
            store_be32(at, s);
            at += 4;
          }
          if (!v.reason.empty()) {
            *at++ = static_cast<std::uint8_t>(v.reason.size());
            at = copy(at, v.reason);
            while (at < end) *at++ = 0;
          }
        } else if constexpr (std::is_same_v<T, App>) {
          at = header(at, v.subtype, 204, size);
          store_be32(at, v.ssrc);
          copy(copy(at + 4, v.name), v.data);
        } else if constexpr (std::is_same_v<T, UnknownRtcp>) {
          copy(header(at, v.count, v.packet_type, size), v.body);
        }
      },
      p);
}

}  // namespace

std::size_t rtcp_size(const CompoundRtcp& c) noexcept {
  std::size_t n = 0;
  for (const auto& p : c.packets) n += packet_size(p);
  return n;
}

Result<std::size_t> serialize_rtcp(const CompoundRtcp& c, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < c.packets.size(); ++i) {
    if (auto s = check(c.packets[i], i + 1); !s) return Unexpected(s.error());
  }
  const std::size_t total = rtcp_size(c);
  if (out.size() < total) {
    return fail(Errc::limit_exceeded, "RTCP: compound of " + std::to_string(total) + " bytes, buffer holds " +
                                          std::to_string(out.size()));
  }
  std::uint8_t* at = out.data();
  for (const auto& p : c.packets) {
    write_packet(at, p);
    at += packet_size(p);
  }
  return total;
}

Result<std::vector<std::uint8_t>> serialize_rtcp(const CompoundRtcp& c) {
  std::vector<std::uint8_t> out(rtcp_size(c));
  auto n = serialize_rtcp(c, out);
  if (!n) return Unexpected(n.error());
  return out;
}

}  // namespace sotto::rtp
