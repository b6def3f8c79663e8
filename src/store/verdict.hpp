#pragma once
// The verdict on a call through the server, in the audit's words (docs/AUDIT.md, docs/RECORDS.md):
// secure = every leg signalled over TLS (1.2 or newer) and, where media was negotiated, SRTP that encrypts
// and authenticates; insecure = no leg has either; partial = anything between.
//
//   auto j = store::judge(call);     // {Verdict::partial, {"rtp-unencrypted: callee leg (bob ...) ..."}}
//   store::apply_judgement(call);    // sets call.verdict and call.reasons

#include <string>
#include <vector>

#include "store/call_record.hpp"

namespace sotto::store {

struct Judgement {
  Verdict verdict = Verdict::insecure;
  // One per fact that keeps the call from `secure`, each "CODE: what", CODE being the audit's finding
  // code for the same fact (sip-cleartext, tls-weak, rtp-unencrypted, srtp-null-cipher, srtp-null-auth).
  std::vector<std::string> reasons;
  friend bool operator==(const Judgement&, const Judgement&) = default;
};

// Pure: looks only at the legs' transport, tls_version, media and srtp_suite.
Judgement judge(const CallRecord& call);
void apply_judgement(CallRecord& call);

}  // namespace sotto::store
