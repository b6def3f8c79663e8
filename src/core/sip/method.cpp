#include "core/sip/method.hpp"

#include <array>

#include "core/sip/grammar.hpp"

namespace sotto::sip {

namespace {
constexpr std::array<std::string_view, 15> kNames = {
    "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO", "UPDATE", "PRACK", "SUBSCRIBE", "NOTIFY",
    "REFER", "MESSAGE", "PUBLISH", "",
};
}  // namespace

std::string_view method_name(MethodId id) noexcept { return kNames[static_cast<std::size_t>(id)]; }

Method::Method(MethodId id) : id_(id), name_(method_name(id)) {}

Result<Method> Method::parse(std::string_view token) {
  if (!is_token(token)) return fail(Errc::malformed_input, "invalid method '" + excerpt(token) + "'");
  Method m(MethodId::extension);
  m.name_ = std::string(token);
  for (std::size_t i = 0; i + 1 < kNames.size(); ++i) {
    if (kNames[i] == token) {  // case-sensitive (RFC 3261 7.1)
      m.id_ = static_cast<MethodId>(i);
      break;
    }
  }
  return m;
}

}  // namespace sotto::sip
