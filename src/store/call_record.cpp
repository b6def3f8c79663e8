#include "store/call_record.hpp"

#include "store/binding_record.hpp"

namespace sotto::store {

std::string_view to_string(CallResult r) noexcept {
  switch (r) {
    case CallResult::answered: return "answered";
    case CallResult::busy: return "busy";
    case CallResult::no_answer: return "no-answer";
    case CallResult::rejected: return "rejected";
    case CallResult::cancelled: return "cancelled";
    case CallResult::failed: return "failed";
  }
  return "failed";
}

std::string_view to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::secure: return "secure";
    case Verdict::partial: return "partial";
    case Verdict::insecure: return "insecure";
  }
  return "insecure";
}

std::string_view to_string(LegSide s) noexcept {
  switch (s) {
    case LegSide::caller: return "caller";
    case LegSide::callee: return "callee";
    case LegSide::transfer_target: return "transfer-target";
  }
  return "caller";
}

Result<CallResult> parse_call_result(std::string_view text) {
  for (CallResult r : {CallResult::answered, CallResult::busy, CallResult::no_answer, CallResult::rejected,
                       CallResult::cancelled, CallResult::failed}) {
    if (text == to_string(r)) return r;
  }
  return fail(Errc::malformed_input, "call result '" + std::string(text) +
                                         "': expected answered, busy, no-answer, rejected, cancelled or failed");
}

Result<Verdict> parse_verdict(std::string_view text) {
  for (Verdict v : {Verdict::secure, Verdict::partial, Verdict::insecure}) {
    if (text == to_string(v)) return v;
  }
  return fail(Errc::malformed_input, "verdict '" + std::string(text) + "': expected secure, partial or insecure");
}

Result<LegSide> parse_leg_side(std::string_view text) {
  if (text == "caller") return LegSide::caller;
  if (text == "callee") return LegSide::callee;
  if (text == "transfer-target") return LegSide::transfer_target;
  return fail(Errc::malformed_input, "leg side '" + std::string(text) + "': expected caller, callee or transfer-target");
}

CallResult result_for_status(int status) noexcept {
  if (status >= 200 && status < 300) return CallResult::answered;
  if (status == 486 || status == 600) return CallResult::busy;
  if (status == 408 || status == 480) return CallResult::no_answer;
  if (status == 487) return CallResult::cancelled;
  if (status >= 500 && status < 600) return CallResult::failed;
  if (status >= 300 && status < 700) return CallResult::rejected;
  return CallResult::failed;
}

std::string source_text(const std::string& ip, std::uint16_t port) {
  const bool v6 = ip.find(':') != std::string::npos;
  return v6 ? "[" + ip + "]:" + std::to_string(port) : ip + ":" + std::to_string(port);
}

std::string binding_key(const BindingRecord& b) {
  if (!b.instance.empty()) return "instance " + b.instance + " reg-id " + std::to_string(b.reg_id);
  return "contact " + b.contact;
}

}  // namespace sotto::store
