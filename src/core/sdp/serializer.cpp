// serialize: SessionDescription -> SDP text in RFC 4566 section 5 order, CRLF line ends.
#include "core/sdp/fields.hpp"
#include "core/sdp/sdp.hpp"

namespace sotto::sdp {
namespace {

void put(std::string& out, char type, std::string_view value) {
  out += type;
  out += '=';
  out += value;
  out += "\r\n";
}

void put_attributes(std::string& out, const std::vector<Attribute>& attrs) {
  for (const auto& a : attrs) {
    out += "a=";
    out += a.name;
    if (a.value) {
      out += ':';
      out += *a.value;
    }
    out += "\r\n";
  }
}

void put_bandwidths(std::string& out, const std::vector<Bandwidth>& bws) {
  for (const auto& b : bws) put(out, 'b', b.type + ":" + std::to_string(b.kbps));
}

}  // namespace

std::string serialize(const SessionDescription& sdp) {
  std::string out;
  out.reserve(512);
  put(out, 'v', std::to_string(sdp.version));
  const Origin& o = sdp.origin;
  put(out, 'o', o.username + " " + o.session_id + " " + std::to_string(o.session_version) + " " +
                    o.network_type + " " + o.address_type + " " + o.address);
  put(out, 's', sdp.session_name);
  if (sdp.information) put(out, 'i', *sdp.information);
  if (sdp.uri) put(out, 'u', *sdp.uri);
  for (const auto& e : sdp.emails) put(out, 'e', e);
  for (const auto& p : sdp.phones) put(out, 'p', p);
  if (sdp.connection) put(out, 'c', format_connection(*sdp.connection));
  put_bandwidths(out, sdp.bandwidths);
  if (sdp.times.empty()) put(out, 't', "0 0");
  for (const auto& t : sdp.times) {
    put(out, 't', std::to_string(t.start) + " " + std::to_string(t.stop));
    for (const auto& r : t.repeats) put(out, 'r', r);
  }
  if (sdp.zone_adjustments) put(out, 'z', *sdp.zone_adjustments);
  if (sdp.encryption_key) put(out, 'k', *sdp.encryption_key);
  put_attributes(out, sdp.attributes);

  for (const auto& m : sdp.media) {
    std::string line = m.media + " " + std::to_string(m.port);
    if (m.port_count) line += "/" + std::to_string(*m.port_count);
    line += " " + m.proto;
    for (const auto& f : m.formats) line += " " + f;
    put(out, 'm', line);
    if (m.information) put(out, 'i', *m.information);
    for (const auto& c : m.connections) put(out, 'c', format_connection(c));
    put_bandwidths(out, m.bandwidths);
    if (m.encryption_key) put(out, 'k', *m.encryption_key);
    put_attributes(out, m.attributes);
  }
  return out;
}

}  // namespace sotto::sdp
