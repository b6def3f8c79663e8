#pragma once
// UserPattern: the accounts of a load run from one `--users` argument, "alice%d:PASSWORD" -> alice1..aliceN,
// all with PASSWORD. "%d" is the account number (1-based); "%04d" pads it with zeros to 4 digits; "%%" is a
// literal percent sign. The password is everything after the first ':' and may be empty when it comes from
// --password-file instead.
//
//   auto p = loadgen::parse_user_pattern("alice%03d:secret").value();
//   p.user(7) == "alice007";  p.password == "secret";

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::loadgen {

struct UserPattern {
  std::string prefix;              // before %d
  std::string suffix;              // after %d
  std::size_t width = 0;           // %0Nd: zero-padded to N digits; 0 = as is
  std::optional<std::string> password;  // after ':'; nullopt when the argument has no ':'

  std::string user(std::size_t n) const;
};

// Fails (Errc::invalid_argument) naming what is wrong: no %d, two of them, an unknown % conversion, a
// character a SIP user part cannot carry unescaped, or an empty name.
Result<UserPattern> parse_user_pattern(std::string_view text);

}  // namespace sotto::loadgen
