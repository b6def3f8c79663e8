#pragma once
// CSeq: sequence number and method (RFC 3261 20.16): CSeq = "CSeq" HCOLON 1*DIGIT LWS Method
//
//   auto c = parse_cseq("4711 INVITE");       // c->number == 4711, c->method == MethodId::invite
//   CSeq next{c->number + 1, MethodId::bye};
//   std::string v = serialize(next);         // "4712 BYE"

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sip/method.hpp"

namespace sotto::sip {

// 8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer and less than 2**31.
inline constexpr std::uint32_t kMaxCSeq = 0x7fffffffu;

struct CSeq {
  std::uint32_t number = 0;
  Method method;
  friend bool operator==(const CSeq&, const CSeq&) = default;
};

Result<CSeq> parse_cseq(std::string_view value);
std::string serialize(const CSeq& cseq);

}  // namespace sotto::sip
