#pragma once
// ServerConfig: the settings of `sotto serve`, from a TOML file and from flags (docs/CONFIG.md).
//
//   auto file = config::parse_config(text, "sotto.toml", {.check_listen = io_listen_check});
//   if (!file) die(file.error().context);        // "sotto.toml:3:10: rtp_ports: expected ..., got ..."
//   auto eff = config::resolve(config::merge(*file, flags));   // flags win; then defaults

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "core/negotiation/media_security_policy.hpp"

namespace sotto::config {

enum class LogFormat : std::uint8_t { text, json };

struct PortRange {
  std::uint16_t lo = 0, hi = 0;
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

// An upstream SIP provider (section [[trunk]] of docs/CONFIG.md).
struct TrunkConfig {
  std::string name;
  std::string uri;       // sips:sip.carrier.example
  std::string username;  // digest towards the trunk; empty: none
  std::string password;
  negotiation::SrtpMode srtp = negotiation::SrtpMode::require;
  std::vector<std::pair<std::string, std::string>> numbers;  // inbound number -> user, by number
  std::string prefix;                                         // outbound dial prefix; empty: none
  std::vector<std::string> sources;  // inbound: addresses the trunk's requests come from; empty: uri's host
  std::vector<std::string> suites;   // SRTP suites in preference order (RFC names); empty: the default list
  int line = 0;                                               // where the [[trunk]] starts
  friend bool operator==(const TrunkConfig&, const TrunkConfig&) = default;
};

// How long call records are kept by default ([records] keep): 90 days.
inline constexpr std::int64_t kDefaultRecordsKeep = 90 * 86400;

// Every field is optional so that a file and flags can be merged; resolve() fills the defaults.
struct ServerConfig {
  std::optional<std::vector<std::string>> listen;
  std::optional<std::vector<std::string>> domains;  // key "domain": a string or an array
  std::optional<std::string> data_dir;
  std::optional<std::string> realm;
  std::optional<std::string> cert;
  std::optional<std::string> key;
  std::optional<std::string> ca_file;
  std::optional<std::vector<std::string>> cert_names;
  std::optional<std::string> media_ip;
  std::optional<PortRange> rtp_ports;
  std::optional<std::string> http;  // IP:PORT of the metrics/admin listener; absent: none
  std::optional<LogFormat> log_format;
  std::optional<double> dead_media_timeout;  // seconds without media from either side before a call is ended
  std::optional<std::int64_t> records_keep;  // [records] keep: seconds a call record is kept; 0: forever
  std::vector<TrunkConfig> trunks;
  friend bool operator==(const ServerConfig&, const ServerConfig&) = default;
};

struct ParseOptions {
  // Checks one listen spec ("tls://127.0.0.1:5061"); the caller passes io's parser. Unset: any string
  // with "://" passes (the fuzz target and tests without io).
  std::function<Status(std::string_view)> check_listen;
};

// Errc::malformed_input whose context lists every problem, one per line, each as
// "FILE:LINE:COL: what was wrong, what was expected". Unknown keys are errors.
Result<ServerConfig> parse_config(std::string_view text, std::string_view file_name, const ParseOptions& options = {});

// Each field set in `flags` replaces the file's; trunks come from the file only.
ServerConfig merge(const ServerConfig& file, const ServerConfig& flags);

struct EffectiveConfig {
  std::vector<std::string> listen;
  std::vector<std::string> domains;
  std::string data_dir;
  std::optional<std::string> realm;  // nullopt: the data directory's (kDefaultRealm when it is created)
  std::optional<std::string> cert, key, ca_file;
  std::vector<std::string> cert_names;
  std::string media_ip;
  PortRange rtp_ports;
  std::optional<std::string> http;
  LogFormat log_format = LogFormat::text;
  double dead_media_timeout = 60;
  std::int64_t records_keep = kDefaultRecordsKeep;  // seconds; 0: call records are kept forever
  std::vector<TrunkConfig> trunks;
};

// Defaults (docs/CONFIG.md) for what is unset; Errc::invalid_argument for combinations that cannot work
// (cert without key, key without cert).
Result<EffectiveConfig> resolve(const ServerConfig& config);

// The effective settings as TOML that parse_config accepts; trunk passwords are shown as "(set)".
std::string to_toml(const EffectiveConfig& config);

// Validators shared by the file parser and the flags: each returns what was expected on failure.
Result<PortRange> parse_port_range(std::string_view text);   // "30000-39999"
Result<LogFormat> parse_log_format(std::string_view text);   // text | json
// A retention ("90d", "12h", "30m", "45s"; "forever" or "0": 0) in seconds, up to 100 years.
Result<std::int64_t> parse_retention(std::string_view text);
std::string format_retention(std::int64_t seconds);          // 7776000 -> "90d", 0 -> "forever"
Status check_ip_literal(std::string_view text);              // 127.0.0.1, ::1
Status check_host_port(std::string_view text);               // 127.0.0.1:8061, [::1]:8061
Status check_domain(std::string_view text);                  // host name or IP literal
Status check_cert_name(std::string_view text);
std::string_view to_string(LogFormat f) noexcept;

}  // namespace sotto::config
