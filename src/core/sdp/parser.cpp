// parse_sdp: the line loop and the checks that span lines (RFC 4566 section 5; choices in docs/SDP.md).
#include <set>

#include "core/sdp/attribute_list.hpp"
#include "core/sdp/fields.hpp"
#include "core/sdp/fmtp.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sdp/text.hpp"

namespace sotto::sdp {
namespace {

using detail::quote;

Unexpected<Error> line_error(std::size_t line, std::string what) {
  return fail(Errc::malformed_input, "line " + std::to_string(line) + ": " + std::move(what));
}

Unexpected<Error> line_error(std::size_t line, const Error& e) {
  return Unexpected<Error>(Error{e.code, "line " + std::to_string(line) + ": " + e.context});
}

// Section-level state for duplicate checks of single-occurrence lines.
struct SectionState {
  std::set<char> seen;             // i, k (and session-only singletons)
  std::set<std::uint8_t> rtpmap_pts;
  std::size_t direction_line = 0;  // line of the direction attribute seen, 0 = none
};

Status check_attribute(const Attribute& a, bool media_level, SectionState& st, std::size_t line) {
  if (!a.value && parse_direction(a.name)) {
    if (st.direction_line != 0) {
      return line_error(line, "a=" + a.name + ": second direction attribute in this section (first at line " +
                                  std::to_string(st.direction_line) + ")");
    }
    st.direction_line = line;
    return {};
  }
  if (!media_level) return {};
  auto need_value = [&]() -> Status {
    if (!a.value) return line_error(line, "a=" + a.name + " needs a value ('a=" + a.name + ":...')");
    return {};
  };
  if (a.name == "rtpmap") {
    if (auto s = need_value(); !s) return s;
    auto m = parse_rtpmap(*a.value);
    if (!m) return line_error(line, m.error());
    if (!st.rtpmap_pts.insert(m->payload_type).second) {
      return line_error(line, "a=rtpmap: payload type " + std::to_string(m->payload_type) + " mapped twice");
    }
  } else if (a.name == "fmtp") {
    if (auto s = need_value(); !s) return s;
    if (auto f = parse_fmtp(*a.value); !f) return line_error(line, f.error());
  } else if (a.name == "ptime" || a.name == "maxptime") {
    if (auto s = need_value(); !s) return s;
    if (!parse_packet_time(*a.value)) {
      return line_error(line, "a=" + a.name + ": " + quote(*a.value) + " is not a number of milliseconds");
    }
  } else if (a.name == "rtcp") {
    if (auto s = need_value(); !s) return s;
    if (auto r = parse_rtcp_attribute(*a.value); !r) return line_error(line, r.error());
  }
  return {};
}

Result<Attribute> parse_attribute_field(std::string_view value, std::size_t line) {
  auto colon = value.find(':');
  std::string_view name = value.substr(0, colon);
  if (!detail::is_token(name)) {
    return line_error(line, "a= attribute name " + quote(name) + " is not a token");
  }
  Attribute a{std::string(name), std::nullopt};
  if (colon != std::string_view::npos) a.value = std::string(value.substr(colon + 1));
  return a;
}

bool allowed_in_media(char t) { return t == 'i' || t == 'c' || t == 'b' || t == 'k' || t == 'a'; }
bool known_type(char t) { return std::string_view("vosiuepcbtrzkam").find(t) != std::string_view::npos; }

}  // namespace

Result<SessionDescription> parse_sdp(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return fail(Errc::limit_exceeded, "SDP is " + std::to_string(text.size()) + " bytes, limit " +
                                          std::to_string(limits.max_bytes));
  }
  SessionDescription sdp;
  sdp.times.clear();
  SectionState session_state;
  SectionState media_state;
  MediaDescription* media = nullptr;
  std::size_t media_line = 0;
  std::vector<std::size_t> media_lines;
  bool seen_v = false, seen_o = false, seen_s = false;
  char previous_type = 0;

  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line_no > limits.max_lines) {
      return fail(Errc::limit_exceeded, "SDP has more than " + std::to_string(limits.max_lines) + " lines");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;  // blank lines (often a trailing one) are skipped

    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      return line_error(line_no, "expected '<type>=' with a lower-case letter, got " + quote(line));
    }
    for (unsigned char c : line) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        std::string hex = quote(std::string_view(reinterpret_cast<const char*>(&c), 1));
        return line_error(line_no, "control character " + hex + " in " + std::string(1, line[0]) + "= line");
      }
    }
    const char type = line[0];
    const std::string_view value = line.substr(2);
    const std::string tag = std::string(1, type) + "=";

    if (!seen_v && type != 'v') {
      return line_error(line_no, "SDP must start with v=, got " + tag + " (RFC 4566 section 5)");
    }
    if (!known_type(type)) return line_error(line_no, "unknown line type '" + tag + "'");
    if (media && !allowed_in_media(type) && type != 'm') {
      return line_error(line_no, tag + " is not allowed in a media description (m= at line " +
                                     std::to_string(media_line) + ")");
    }
    SectionState& st = media ? media_state : session_state;
    bool single = type == 'v' || type == 'o' || type == 's' || type == 'i' || type == 'u' || type == 'z' ||
                  type == 'k' || (type == 'c' && !media);
    if (single && !st.seen.insert(type).second) {
      return line_error(line_no, "second " + tag + " line in the " + (media ? "media" : "session") + " section");
    }

    switch (type) {
      case 'v':
        if (value != "0") return fail(Errc::unsupported, "line " + std::to_string(line_no) + ": v=" +
                                                             std::string(value) + ", only version 0 exists");
        seen_v = true;
        break;
      case 'o': {
        auto o = parse_origin_field(value);
        if (!o) return line_error(line_no, o.error());
        sdp.origin = std::move(*o);
        seen_o = true;
        break;
      }
      case 's':
        sdp.session_name = std::string(value);
        seen_s = true;
        break;
      case 'i':
        (media ? media->information : sdp.information) = std::string(value);
        break;
      case 'u': sdp.uri = std::string(value); break;
      case 'e': sdp.emails.emplace_back(value); break;
      case 'p': sdp.phones.emplace_back(value); break;
      case 'c': {
        auto c = parse_connection_field(value);
        if (!c) return line_error(line_no, c.error());
        if (media) {
          media->connections.push_back(std::move(*c));
        } else {
          sdp.connection = std::move(*c);
        }
        break;
      }
      case 'b': {
        auto b = parse_bandwidth_field(value);
        if (!b) return line_error(line_no, b.error());
        (media ? media->bandwidths : sdp.bandwidths).push_back(std::move(*b));
        break;
      }
      case 't': {
        auto t = parse_time_field(value);
        if (!t) return line_error(line_no, t.error());
        sdp.times.push_back(std::move(*t));
        break;
      }
      case 'r':
        if (previous_type != 't' && previous_type != 'r') {
          return line_error(line_no, "r= must follow a t= line (RFC 4566 section 5.10)");
        }
        sdp.times.back().repeats.emplace_back(value);
        break;
      case 'z': sdp.zone_adjustments = std::string(value); break;
      case 'k': (media ? media->encryption_key : sdp.encryption_key) = std::string(value); break;
      case 'a': {
        auto a = parse_attribute_field(value, line_no);
        if (!a) return Unexpected<Error>(a.error());
        if (auto s = check_attribute(*a, media != nullptr, st, line_no); !s) return Unexpected<Error>(s.error());
        (media ? media->attributes : sdp.attributes).push_back(std::move(*a));
        break;
      }
      case 'm': {
        if (sdp.media.size() >= limits.max_media) {
          return fail(Errc::limit_exceeded, "line " + std::to_string(line_no) + ": more than " +
                                                std::to_string(limits.max_media) + " m= sections");
        }
        auto m = parse_media_field(value);
        if (!m) return line_error(line_no, m.error());
        sdp.media.push_back(std::move(*m));
        media = &sdp.media.back();
        media_line = line_no;
        media_lines.push_back(line_no);
        media_state = SectionState{};
        break;
      }
      default: break;
    }
    previous_type = type;
  }

  if (!seen_v) return fail(Errc::malformed_input, "empty SDP: no v= line");
  if (!seen_o) return fail(Errc::malformed_input, "missing o= line (RFC 4566 section 5.2)");
  if (!seen_s) return fail(Errc::malformed_input, "missing s= line (RFC 4566 section 5.3)");
  if (sdp.times.empty()) sdp.times.push_back(TimeDescription{});  // tolerated, see docs/SDP.md
  for (std::size_t i = 0; i < sdp.media.size(); ++i) {
    if (!sdp.media[i].rejected() && sdp.media_connection(i) == nullptr) {
      return line_error(media_lines[i], "m=" + sdp.media[i].media +
                                            " has no c= line and the session has none (RFC 4566 section 5.7)");
    }
  }
  return sdp;
}

}  // namespace sotto::sdp
