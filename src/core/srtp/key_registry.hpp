#pragma once
// KeyRegistry: the outbound master keys already used to protect, so that no second outbound Context
// is ever built on one of them. Two outbound contexts on one key would start each SSRC's RTP index and
// SRTCP index again: the same keystream twice (RFC 3711 section 9.1, "two-time pad").
//
//   auto tx = Context::create(Direction::outbound, policy);           // claims in KeyRegistry::process()
//   auto again = Context::create(Direction::outbound, policy);        // fails: "... already used ..."
//   Context::create(Direction::outbound, vector_policy, kNoKeyRegistry);   // fixed test vectors only
//
// Only a fingerprint is kept: SHA-256 of key || salt (keys are random, so this reveals nothing usable).

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_set>

#include "base/result.hpp"
#include "core/srtp/policy.hpp"

namespace sotto::srtp {

class KeyRegistry {
 public:
  // The registry every outbound Context uses unless told otherwise; thread-safe.
  static KeyRegistry& process();

  // Records every master key of `policy`. Fails (Errc::invalid_argument) naming the key (1-based)
  // when one was recorded before; then nothing is recorded.
  Status claim(const Policy& policy);
  bool used(const MasterKey& key) const;
  std::size_t size() const;

 private:
  static std::string fingerprint(const MasterKey& key);
  mutable std::mutex mu_;
  std::unordered_set<std::string> used_;
};

// For fixed test vectors, fuzzers and benchmarks that protect with one known key many times over.
inline constexpr KeyRegistry* kNoKeyRegistry = nullptr;

}  // namespace sotto::srtp
