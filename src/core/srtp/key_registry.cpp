#include "core/srtp/key_registry.hpp"

#include <string_view>

#include "base/secure_bytes.hpp"
#include "crypto/hash.hpp"

namespace sotto::srtp {

KeyRegistry& KeyRegistry::process() {
  static KeyRegistry registry;
  return registry;
}

std::string KeyRegistry::fingerprint(const MasterKey& key) {
  std::string material(key.key.size() + key.salt.size(), '\0');
  for (std::size_t i = 0; i < key.key.size(); ++i) material[i] = static_cast<char>(key.key[i]);
  for (std::size_t i = 0; i < key.salt.size(); ++i) material[key.key.size() + i] = static_cast<char>(key.salt[i]);
  std::string fp = crypto::hex_digest(crypto::Hash::sha256, material);
  secure_wipe(material.data(), material.size());
  return fp;
}

Status KeyRegistry::claim(const Policy& policy) {
  std::vector<std::string> fps;
  fps.reserve(policy.keys.size());
  for (const MasterKey& k : policy.keys) fps.push_back(fingerprint(k));
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < fps.size(); ++i) {
    if (used_.count(fps[i]) != 0) {
      return fail(Errc::invalid_argument,
                  "master key " + std::to_string(i + 1) +
                      " was already used to protect packets; a new outbound SRTP context under it would repeat "
                      "keystream (RFC 3711 section 9.1): a new key is needed");
    }
  }
  for (std::string& fp : fps) used_.insert(std::move(fp));
  return {};
}

bool KeyRegistry::used(const MasterKey& key) const {
  const std::string fp = fingerprint(key);
  std::lock_guard lock(mu_);
  return used_.count(fp) != 0;
}

std::size_t KeyRegistry::size() const {
  std::lock_guard lock(mu_);
  return used_.size();
}

}  // namespace sotto::srtp
