#include "core/sip/cseq.hpp"

#include "core/sip/grammar.hpp"

namespace sotto::sip {

Result<CSeq> parse_cseq(std::string_view value) {
  const std::string_view s = trim_lws(value);
  std::size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (n == 0) return fail(Errc::malformed_input, "CSeq: missing sequence number");
  auto number = parse_decimal(s.substr(0, n), kMaxCSeq);
  if (!number) {
    return fail(Errc::malformed_input, "CSeq: sequence number " + excerpt(s.substr(0, n)) + " is not below 2**31");
  }
  const std::string_view rest = s.substr(n);
  const std::string_view method = ltrim_lws(rest);
  if (method.size() == rest.size()) return fail(Errc::malformed_input, "CSeq: expected whitespace before method");
  auto m = Method::parse(method);
  if (!m) return fail(Errc::malformed_input, "CSeq: invalid method '" + excerpt(method) + "'");
  return CSeq{static_cast<std::uint32_t>(*number), std::move(*m)};
}

std::string serialize(const CSeq& cseq) { return std::to_string(cseq.number) + " " + cseq.method.name(); }

}  // namespace sotto::sip
