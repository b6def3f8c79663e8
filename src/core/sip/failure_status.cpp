#include "core/sip/failure_status.hpp"

#include "core/sip/grammar.hpp"
#include "core/sip/response_builder.hpp"

namespace sotto::sip {

namespace {
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
}  // namespace

FailureStatus failure_status(const Error& error) {
  FailureStatus out;
  out.warning = excerpt(error.context, 120);
  if (error.code == Errc::unsupported && starts_with(error.context, kUnsupportedVersionPrefix)) {
    out.code = 505;
    out.reason = "Version Not Supported";
  } else if (error.code == Errc::unsupported && starts_with(error.context, kUnsupportedSchemePrefix)) {
    out.code = 416;
    out.reason = "Unsupported URI Scheme";
  } else if (error.code == Errc::limit_exceeded && starts_with(error.context, kBodyTooLargePrefix)) {
    out.code = 413;
    out.reason = "Request Entity Too Large";
  } else if (error.code == Errc::limit_exceeded) {
    out.code = 513;
    out.reason = "Message Too Large";
  } else {
    out.code = 400;
    out.reason = "Bad Request";
  }
  return out;
}

Result<SipMessage> make_error_response(const SipMessage& request, const Error& error, std::string_view warn_agent) {
  const FailureStatus st = failure_status(error);
  auto resp = make_response(request, st.code, st.reason);
  if (!resp) return resp;
  if (!warn_agent.empty()) {
    // warning-value = warn-code SP warn-agent SP warn-text; 399 = miscellaneous warning
    std::string value = "399 ";
    value += warn_agent;
    value.push_back(' ');
    append_quoted(value, st.warning);
    if (auto ok = resp->add_raw("Warning", value); !ok) return Unexpected(ok.error());
  }
  return resp;
}

}  // namespace sotto::sip
