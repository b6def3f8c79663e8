#include "core/sip/response_builder.hpp"

#include "core/sip/grammar.hpp"

namespace sotto::sip {

Result<SipMessage> make_response(const SipMessage& request, int status, std::string_view reason,
                                 std::string_view to_tag) {
  if (!request.is_request()) return fail(Errc::invalid_argument, "make_response: not a request");
  if (status < 100 || status > 699) {
    return fail(Errc::invalid_argument, "make_response: status " + std::to_string(status) + " outside 100-699");
  }
  if (reason.find_first_of("\r\n") != std::string_view::npos) {
    return fail(Errc::invalid_argument, "make_response: reason phrase contains CR or LF");
  }
  if (!to_tag.empty() && !is_token(to_tag)) {
    return fail(Errc::invalid_argument, "make_response: To tag '" + excerpt(to_tag) + "' is not a token");
  }
  SipMessage resp = SipMessage::response(status, std::string(reason));
  for (const auto& h : request.headers()) {
    switch (h.id) {
      case HeaderId::via:
      case HeaderId::from:
      case HeaderId::call_id:
      case HeaderId::cseq:
        resp.headers().push_back(h);
        break;
      case HeaderId::to: {
        Header to = h;
        if (!to_tag.empty()) {
          auto na = parse_name_addr(h.value, "To");
          if (na && !na->tag()) {
            to.value += ";tag=";
            to.value += to_tag;
          }
        }
        resp.headers().push_back(std::move(to));
        break;
      }
      case HeaderId::timestamp:
        if (status == 100) resp.headers().push_back(h);
        break;
      default:
        break;
    }
  }
  return resp;
}

}  // namespace sotto::sip
