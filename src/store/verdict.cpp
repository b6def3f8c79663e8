// The rules are docs/RECORDS.md "Verdict"; the codes are the audit's (docs/AUDIT.md "Findings").
#include "store/verdict.hpp"

#include "core/srtp/suite.hpp"

namespace sotto::store {
namespace {

std::string who(const LegRecord& leg) {
  std::string out = std::string(to_string(leg.side)) + " leg";
  std::string detail = leg.peer;
  if (!leg.address.empty()) detail += (detail.empty() ? "" : " ") + leg.address;
  if (!detail.empty()) out += " (" + detail + ")";
  return out;
}

bool old_tls(std::string_view version) {
  return version == "SSLv3" || version == "TLSv1" || version == "TLSv1.0" || version == "TLSv1.1";
}

}  // namespace

Judgement judge(const CallRecord& call) {
  Judgement j;
  if (call.legs.empty()) {
    j.verdict = Verdict::insecure;
    j.reasons.emplace_back("no-legs: the record holds no leg, so nothing about its security is known");
    return j;
  }
  bool every_leg_secure = true;
  bool anything_protected = false;
  for (const LegRecord& leg : call.legs) {
    bool leg_secure = true;
    if (leg.transport != Transport::tls) {
      leg_secure = false;
      j.reasons.push_back("sip-cleartext: " + who(leg) + " signalled over " + std::string(transport_label(leg.transport)));
    } else {
      anything_protected = true;
      if (old_tls(leg.tls_version)) {
        leg_secure = false;
        j.reasons.push_back("tls-weak: " + who(leg) + " signalled over " + leg.tls_version);
      }
    }
    if (leg.media) {
      if (!leg.srtp_suite) {
        leg_secure = false;
        j.reasons.push_back("rtp-unencrypted: " + who(leg) + " media is plain RTP");
      } else {
        const std::string& name = *leg.srtp_suite;
        const srtp::Suite* s = srtp::find_suite(name);
        const bool null_cipher = s ? s->cipher == srtp::Cipher::null : name.rfind("NULL_", 0) == 0;
        const bool null_auth = s ? s->auth == srtp::Auth::null : name.find("NULL_AUTH") != std::string::npos;
        if (null_cipher) {
          leg_secure = false;
          j.reasons.push_back("srtp-null-cipher: " + who(leg) + " SRTP is not encrypted (" + name + ")");
        } else {
          anything_protected = true;
        }
        if (null_auth) {
          leg_secure = false;
          j.reasons.push_back("srtp-null-auth: " + who(leg) + " SRTP is not authenticated (" + name + ")");
        }
      }
    }
    every_leg_secure = every_leg_secure && leg_secure;
  }
  j.verdict = every_leg_secure ? Verdict::secure : anything_protected ? Verdict::partial : Verdict::insecure;
  return j;
}

void apply_judgement(CallRecord& call) {
  Judgement j = judge(call);
  call.verdict = j.verdict;
  call.reasons = std::move(j.reasons);
}

}  // namespace sotto::store
