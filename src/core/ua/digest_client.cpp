#include "core/ua/digest_client.hpp"

#include <vector>

#include "core/sip/uri.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::ua {

namespace {
constexpr int kMaxStaleRetries = 3;
}

DigestClient::DigestClient(std::optional<auth::DigestCredentials> credentials, RandomSource& rng)
    : credentials_(std::move(credentials)), rng_(&rng) {}

Result<sip::Header> DigestClient::authorize(const sip::SipMessage& request, const sip::SipMessage& response,
                                            AuthAttempt& attempt) {
  const bool proxy = response.status() == 407;
  const sip::HeaderId challenge_id = proxy ? sip::HeaderId::proxy_authenticate : sip::HeaderId::www_authenticate;
  const std::string what = std::to_string(response.status()) + " " + response.reason();

  std::vector<auth::DigestChallenge> offered;
  std::string last_error;
  for (const auto& h : response.headers()) {
    if (h.id != challenge_id) continue;
    auto ch = auth::parse_challenge(h.value);
    if (ch) offered.push_back(std::move(*ch));
    else last_error = ch.error().context;
  }
  if (offered.empty()) {
    return fail(Errc::unsupported, what + " without a Digest challenge we can answer" +
                                       (last_error.empty() ? std::string() : ": " + last_error));
  }
  const auth::DigestChallenge* ch = auth::choose_challenge(offered);
  if (!ch) return fail(Errc::unsupported, what + ": no supported digest algorithm offered");
  if (!credentials_) {
    return fail(Errc::invalid_state, what + " for realm \"" + ch->realm + "\" but no credentials are configured");
  }
  if (ch->stale && attempt.answered > 0 && attempt.stale < kMaxStaleRetries) {
    ++attempt.stale;  // RFC 2617 3.2.1: same credentials, new nonce
  } else if (attempt.answered > 0) {
    return fail(Errc::invalid_state, "authentication rejected (check --password)");
  } else {
    ++attempt.answered;
  }
  const std::uint32_t nc = ++nonce_counts_[ch->nonce];
  const std::string cnonce = random_token(*rng_, 12);
  auto answer = auth::answer_challenge(*ch, *credentials_, request.method().name(), sip::serialize(request.request_uri()),
                                       nc, cnonce, request.body());
  if (!answer) return Unexpected(answer.error());
  const sip::HeaderId id = proxy ? sip::HeaderId::proxy_authorization : sip::HeaderId::authorization;
  return sip::Header{std::string(sip::canonical_name(id)), id, auth::serialize(*answer)};
}

std::uint32_t DigestClient::nonce_countForTest(const std::string& nonce) const {
  auto it = nonce_counts_.find(nonce);
  return it == nonce_counts_.end() ? 0 : it->second;
}

}  // namespace sotto::ua
