// same_key: did a key change between two negotiations (RFC 4568 section 7.1.4)?
#include "core/negotiation/negotiated_session.hpp"

namespace sotto::negotiation {

bool same_key(const sdes::CryptoAttribute& a, const sdes::CryptoAttribute& b) {
  return a.suite != nullptr && a.suite == b.suite && a.keys == b.keys && a.params == b.params;
}

bool same_key(const std::optional<sdes::CryptoAttribute>& a, const std::optional<sdes::CryptoAttribute>& b) {
  return a && b && same_key(*a, *b);
}

}  // namespace sotto::negotiation
