// describe(SecureMedia): a key-free log line.
#include "core/negotiation/secure_media.hpp"

namespace sotto::negotiation {

std::string describe(const SecureMedia& m) {
  std::string s = "m-line " + std::to_string(m.index);
  if (!m.stream.media.empty()) s += " (" + m.stream.media + ")";
  if (m.rejected) return s + ": rejected";
  if (!m.srtp) return s + ": plain RTP, not encrypted";
  std::size_t key_bytes = m.tx.keys.empty() ? 0 : m.tx.keys.front().key.size() + m.tx.keys.front().salt.size();
  s += ": SRTP " + m.suite + " tag " + std::to_string(m.tag) + ", " + std::to_string(key_bytes) + "-byte keys";
  s += std::string(", tx key ") + (m.tx_key_changed ? "new" : "kept");
  s += std::string(", rx key ") + (m.rx_key_changed ? "new" : "kept");
  return s;
}

std::optional<SecureMedia> first_accepted(const std::vector<SecureMedia>& media) {
  for (const SecureMedia& m : media) {
    if (!m.rejected && !m.stream.rejected) return m;
  }
  return std::nullopt;
}

}  // namespace sotto::negotiation
