#pragma once
// hdr::*: typed header field tags for SipMessage::header(), all(), add(), set().
//
//   Result<CSeq> c = msg.header(hdr::cseq);                  // first value, parsed on access
//   Result<std::vector<Via>> vias = msg.all(hdr::via);        // every value, top first
//   msg.push_front(hdr::via, my_via);  msg.set(hdr::max_forwards, std::uint8_t{69});
//
// Each tag names its HeaderId, its value type, and how to parse and write one value.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/sip/contact_value.hpp"
#include "core/sip/cseq.hpp"
#include "core/sip/header_id.hpp"
#include "core/sip/name_addr.hpp"
#include "core/sip/scalar_fields.hpp"
#include "core/sip/via.hpp"

namespace sotto::sip::hdr {

struct ViaField {
  static constexpr HeaderId id = HeaderId::via;
  using value_type = Via;
  static Result<Via> parse(std::string_view v) { return parse_via(v); }
  static std::string write(const Via& v) { return serialize(v); }
};

template <HeaderId Id>
struct NameAddrField {
  static constexpr HeaderId id = Id;
  using value_type = NameAddr;
  static Result<NameAddr> parse(std::string_view v) { return parse_name_addr(v, canonical_name(Id)); }
  static std::string write(const NameAddr& v) { return serialize(v); }
};

struct ContactField {
  static constexpr HeaderId id = HeaderId::contact;
  using value_type = ContactValue;
  static Result<ContactValue> parse(std::string_view v) { return parse_contact(v); }
  static std::string write(const ContactValue& v) { return serialize(v); }
};

struct CSeqField {
  static constexpr HeaderId id = HeaderId::cseq;
  using value_type = CSeq;
  static Result<CSeq> parse(std::string_view v) { return parse_cseq(v); }
  static std::string write(const CSeq& v) { return serialize(v); }
};

struct CallIdField {
  static constexpr HeaderId id = HeaderId::call_id;
  using value_type = std::string;
  static Result<std::string> parse(std::string_view v) { return parse_call_id(v); }
  static std::string write(const std::string& v) { return v; }
};

struct MaxForwardsField {
  static constexpr HeaderId id = HeaderId::max_forwards;
  using value_type = std::uint8_t;
  static Result<std::uint8_t> parse(std::string_view v) { return parse_max_forwards(v); }
  static std::string write(std::uint8_t v) { return std::to_string(v); }
};

struct ContentLengthField {
  static constexpr HeaderId id = HeaderId::content_length;
  using value_type = std::uint32_t;
  static Result<std::uint32_t> parse(std::string_view v) { return parse_content_length(v); }
  static std::string write(std::uint32_t v) { return std::to_string(v); }
};

template <HeaderId Id>
struct DeltaSecondsField {
  static constexpr HeaderId id = Id;
  using value_type = std::uint32_t;
  static Result<std::uint32_t> parse(std::string_view v) { return parse_delta_seconds(v, canonical_name(Id)); }
  static std::string write(std::uint32_t v) { return std::to_string(v); }
};

template <HeaderId Id>
struct TokenField {
  static constexpr HeaderId id = Id;
  using value_type = std::string;
  static Result<std::string> parse(std::string_view v) { return parse_token_value(v, canonical_name(Id)); }
  static std::string write(const std::string& v) { return v; }
};

template <HeaderId Id>
struct TextField {
  static constexpr HeaderId id = Id;
  using value_type = std::string;
  static Result<std::string> parse(std::string_view v) { return parse_text_value(v); }
  static std::string write(const std::string& v) { return v; }
};

inline constexpr ViaField via{};
inline constexpr NameAddrField<HeaderId::from> from{};
inline constexpr NameAddrField<HeaderId::to> to{};
inline constexpr NameAddrField<HeaderId::route> route{};
inline constexpr NameAddrField<HeaderId::record_route> record_route{};
inline constexpr NameAddrField<HeaderId::path> path{};
inline constexpr NameAddrField<HeaderId::service_route> service_route{};
inline constexpr NameAddrField<HeaderId::reply_to> reply_to{};
inline constexpr NameAddrField<HeaderId::refer_to> refer_to{};
inline constexpr NameAddrField<HeaderId::referred_by> referred_by{};
inline constexpr ContactField contact{};
inline constexpr CSeqField cseq{};
inline constexpr CallIdField call_id{};
inline constexpr MaxForwardsField max_forwards{};
inline constexpr ContentLengthField content_length{};
inline constexpr DeltaSecondsField<HeaderId::expires> expires{};
inline constexpr DeltaSecondsField<HeaderId::min_expires> min_expires{};
inline constexpr TokenField<HeaderId::allow> allow{};
inline constexpr TokenField<HeaderId::supported> supported{};
inline constexpr TokenField<HeaderId::require> require{};
inline constexpr TokenField<HeaderId::proxy_require> proxy_require{};
inline constexpr TokenField<HeaderId::unsupported> unsupported{};
inline constexpr TokenField<HeaderId::allow_events> allow_events{};
inline constexpr TextField<HeaderId::content_type> content_type{};
inline constexpr TextField<HeaderId::subject> subject{};
inline constexpr TextField<HeaderId::user_agent> user_agent{};
inline constexpr TextField<HeaderId::server> server{};
inline constexpr TextField<HeaderId::event> event{};
inline constexpr TextField<HeaderId::timestamp> timestamp{};
inline constexpr TextField<HeaderId::date> date{};

}  // namespace sotto::sip::hdr
