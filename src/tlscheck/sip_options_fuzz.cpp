// Fuzz target: what a server sends back to tls-check's OPTIONS. Properties: never crashes; a reply counted as
// answered has a status 100-699; reply_complete() never claims a complete reply on input with no head end;
// classification is the same whichever way reading ended, apart from the detail of an empty reply.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tlscheck/sip_options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto::tlscheck;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const bool complete = reply_complete(bytes);
  if (complete && bytes.find("\r\n\r\n") == std::string_view::npos) std::abort();
  const SipOptionsResult a = classify_options_reply(bytes, ReplyEnd::complete, 3);
  const SipOptionsResult b = classify_options_reply(bytes, ReplyEnd::timed_out, 3);
  if (!a.tried || a.answered != b.answered || a.status != b.status || a.server != b.server) std::abort();
  if (a.answered && (a.status < 100 || a.status > 699)) std::abort();
  if (!a.answered && a.detail.empty()) std::abort();
  return 0;
}
