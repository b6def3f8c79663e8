#pragma once
// Method: a SIP request method, one of the well-known ones or an extension token (RFC 3261 25.1).
//
//   Method m = Method::parse("INVITE").value();      // m.id() == MethodId::invite
//   Method x = Method::parse("PUBLISH2").value();    // MethodId::extension, x.name() == "PUBLISH2"
//   if (m == MethodId::invite) ...;                  // methods are case-sensitive: "invite" is an extension
//
// Method = INVITEm / ACKm / OPTIONSm / BYEm / CANCELm / REGISTERm / extension-method; extension-method = token

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::sip {

enum class MethodId : std::uint8_t {
  invite, ack, bye, cancel, options, register_, info, update, prack, subscribe, notify, refer, message,
  publish, extension,
};

class Method {
 public:
  Method() : Method(MethodId::invite) {}
  Method(MethodId id);  // NOLINT(google-explicit-constructor): lets MethodId::bye stand for a Method
  static Result<Method> parse(std::string_view token);

  MethodId id() const noexcept { return id_; }
  const std::string& name() const noexcept { return name_; }

  friend bool operator==(const Method& a, const Method& b) { return a.name_ == b.name_; }
  friend bool operator==(const Method& a, MethodId b) { return a.id_ == b && b != MethodId::extension; }

 private:
  MethodId id_;
  std::string name_;
};

std::string_view method_name(MethodId id) noexcept;

}  // namespace sotto::sip
