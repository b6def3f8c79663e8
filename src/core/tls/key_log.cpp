#include "core/tls/key_log.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "base/hex.hpp"

namespace sotto::tls {
namespace {

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

// Which member a label fills; nullptr for labels we do not use.
SecureBytes KeyLogSecrets::*member(std::string_view label) {
  if (label == "CLIENT_RANDOM") return &KeyLogSecrets::master_secret;
  if (label == "CLIENT_HANDSHAKE_TRAFFIC_SECRET") return &KeyLogSecrets::client_handshake_secret;
  if (label == "SERVER_HANDSHAKE_TRAFFIC_SECRET") return &KeyLogSecrets::server_handshake_secret;
  if (label == "CLIENT_TRAFFIC_SECRET_0") return &KeyLogSecrets::client_traffic_secret_0;
  if (label == "SERVER_TRAFFIC_SECRET_0") return &KeyLogSecrets::server_traffic_secret_0;
  return nullptr;
}

}  // namespace

Result<KeyLog> KeyLog::parse(std::string_view text) {
  KeyLog log;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto f = fields(line);
    if (f.empty() || f[0].front() == '#') continue;
    auto which = member(f[0]);
    if (which == nullptr) continue;
    const std::string where = "key log line " + std::to_string(line_no) + ": " + std::string(f[0]);
    if (f.size() != 3) {
      return fail(Errc::malformed_input, where + " needs 3 fields (label, client random, secret), got " +
                                             std::to_string(f.size()));
    }
    if (f[1].size() != 2 * kRandomSize || !is_hex(f[1])) {
      return fail(Errc::malformed_input, where + ": client random must be 64 hex digits");
    }
    if (!is_hex(f[2]) || f[2].size() % 2 != 0) return fail(Errc::malformed_input, where + ": secret is not hex");
    const std::size_t secret_len = f[2].size() / 2;
    const bool tls12 = which == &KeyLogSecrets::master_secret;
    if (tls12 ? secret_len != 48 : (secret_len != 32 && secret_len != 48)) {
      return fail(Errc::malformed_input, where + ": secret of " + std::to_string(secret_len) + " bytes, expected " +
                                             (tls12 ? "48" : "32 or 48"));
    }
    auto random = from_hex(f[1]).value();
    auto secret = from_hex(f[2]).value();
    std::array<std::uint8_t, kRandomSize> key{};
    std::copy(random.begin(), random.end(), key.begin());
    log.entries_[key].*which = SecureBytes(secret);
    secure_wipe(secret.data(), secret.size());
  }
  return log;
}

const KeyLogSecrets* KeyLog::find(std::span<const std::uint8_t> client_random) const {
  if (client_random.size() != kRandomSize) return nullptr;
  std::array<std::uint8_t, kRandomSize> key{};
  std::copy(client_random.begin(), client_random.end(), key.begin());
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace sotto::tls
