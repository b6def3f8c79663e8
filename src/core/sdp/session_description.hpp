#pragma once
// SessionDescription: a whole SDP body (RFC 4566 section 5) as a regular value type.
//
//   Result<SessionDescription> sdp = parse_sdp(body);          // core/sdp/sdp.hpp
//   Direction d = sdp->media_direction(0);                      // media a=, else session a=, else sendrecv
//   std::string wire = serialize(*sdp);                         // canonical order, CRLF

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sdp/attribute.hpp"
#include "core/sdp/bandwidth.hpp"
#include "core/sdp/connection.hpp"
#include "core/sdp/direction.hpp"
#include "core/sdp/media_description.hpp"
#include "core/sdp/origin.hpp"
#include "core/sdp/time_description.hpp"

namespace sotto::sdp {

struct SessionDescription {
  std::uint32_t version = 0;                 // proto-version = %x76 "=" 1*DIGIT; only 0 exists (5.1)
  Origin origin;                             // o= (5.2), required
  std::string session_name = "-";            // s= text (5.3); RFC 4566 says "s= " if none, peers send "-"
  std::optional<std::string> information{};  // i= text (5.4)
  std::optional<std::string> uri{};          // u= uri (5.5)
  std::vector<std::string> emails{};         // e=* email-address (5.6), as written
  std::vector<std::string> phones{};         // p=* phone-number (5.6), as written
  std::optional<Connection> connection{};    // c= (5.7): default for media without their own
  std::vector<Bandwidth> bandwidths{};       // b=* (5.8)
  // t= with r=* (5.9, 5.10). Never empty after parsing: a missing t= reads as "t=0 0" (see docs/SDP.md).
  std::vector<TimeDescription> times{TimeDescription{}};
  std::optional<std::string> zone_adjustments{};  // z= (5.11), as written
  std::optional<std::string> encryption_key{};    // k= (5.12, obsolete), as written
  std::vector<Attribute> attributes{};            // session-level a=* in order
  std::vector<MediaDescription> media{};          // m= sections in order

  std::optional<Direction> direction() const noexcept;  // explicit session-level direction only
  // RFC 4566 section 6: a media direction attribute overrides the session one; neither = sendrecv.
  Direction media_direction(std::size_t index) const noexcept;
  // The c= in force for media `index`: its own first c=, else the session c=, else nullptr.
  const Connection* media_connection(std::size_t index) const noexcept;

  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

}  // namespace sotto::sdp
