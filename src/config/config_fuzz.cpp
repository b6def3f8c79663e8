// libFuzzer target: TOML text -> ServerConfig. Any input gives a config or an error, never a crash; an
// accepted config's effective settings (to_toml) must parse again to the same settings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/server_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = sotto::config::parse_config(text, "fuzz.toml");
  if (!c) return 0;
  auto e = sotto::config::resolve(*c);
  if (!e) return 0;
  // Trunk passwords print as "(set)", so compare the printed form, which is what is stable.
  const std::string once = sotto::config::to_toml(*e);
  auto again = sotto::config::parse_config(once, "fuzz.toml");
  if (!again) std::abort();
  auto e2 = sotto::config::resolve(*again);
  if (!e2 || sotto::config::to_toml(*e2) != once) std::abort();
  return 0;
}
