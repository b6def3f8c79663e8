#pragma once
// Hex helpers for tests, logs of non-secret data and test vectors.
//
//   std::vector<std::uint8_t> k = from_hex("E1F97A0D3E018BE0D64FA32C06DE4139").value();
//   std::string s = to_hex(k);   // lower case

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace sotto {

std::string to_hex(std::span<const std::uint8_t> bytes);
// Accepts upper/lower case; ignores ASCII whitespace (vectors copied from RFCs wrap lines).
Result<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace sotto
