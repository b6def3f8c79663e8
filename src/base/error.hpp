#pragma once
// Error: what went wrong (a code) and where (a short context written at the failure site).
//
//   return fail(Errc::invalid_argument, "a=crypto: key length 15, AES_CM_128_HMAC_SHA1_80 needs 30");
//   ...
//   std::cerr << r.error().message();   // "invalid argument: a=crypto: key length 15, ..."

#include <cstdint>
#include <string>
#include <string_view>

namespace sotto {

// Keep "the peer sent garbage" (malformed_input, unsupported) apart from "we misused the API"
// (invalid_argument, invalid_state).
enum class Errc : std::uint16_t {
  ok = 0,
  malformed_input,   // remote/user input does not follow the grammar
  unsupported,       // well-formed but not something we implement (unknown suite, ...)
  invalid_argument,  // caller passed a value outside the contract
  invalid_state,     // call not allowed in the current state
  not_found,
  io_error,
  crypto_error,      // the crypto library refused (should not happen with valid keys)
  limit_exceeded,    // size or count limit
};

std::string_view to_string(Errc c) noexcept;

struct Error {
  Errc code = Errc::ok;
  std::string context;

  std::string message() const;
  friend bool operator==(const Error&, const Error&) = default;
};

}  // namespace sotto
