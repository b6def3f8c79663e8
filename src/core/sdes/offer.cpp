// make_offer: a fresh key for an SDES offer.
#include "core/sdes/offer.hpp"

#include "core/sdes/to_policy.hpp"
#include "crypto/random.hpp"

namespace sotto::sdes {

Result<CryptoAttribute> make_offer(std::uint32_t tag, srtp::SuiteId suite, const OfferOptions& options) {
  const srtp::Suite& s = srtp::suite(suite);
  CryptoAttribute attr;
  attr.tag = tag;
  attr.suite = &s;
  attr.suite_name = std::string(s.name);
  KeyParam key;
  key.key_salt = SecureBytes(std::size_t{s.master_key_len} + s.master_salt_len);
  crypto::random_bytes(key.key_salt.span());
  key.lifetime = options.lifetime;
  key.mki = options.mki;
  attr.keys.push_back(std::move(key));
  attr.params = options.params;

  if (auto st = validate(attr); !st) return Unexpected(st.error());
  if (auto policy = to_policy(attr); !policy) return Unexpected(policy.error());
  return attr;
}

}  // namespace sotto::sdes
