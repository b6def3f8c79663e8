// Runs one TCP connection through tls::TlsStream and prints its summary and plaintext as JSON.
// Input on stdin: the output of `tshark -r CAP -q -z follow,tcp,raw,N` (node 0, the client, unindented;
// node 1 tab-indented; one hex line per segment). Used by tests/interop/tls_keylog_interop_test.py.
//
//   tshark -r cap.pcapng -q -z follow,tcp,raw,0 | tls_stream_dump keys.log
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "base/hex.hpp"
#include "core/tls/tls_stream.hpp"

int main(int argc, char** argv) {
  using namespace sotto;
  std::optional<tls::KeyLog> keys;
  if (argc > 1) {
    std::ifstream f(argv[1], std::ios::binary);
    if (!f) {
      std::cerr << "tls_stream_dump: cannot read key log '" << argv[1] << "'\n";
      return 2;
    }
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto k = tls::KeyLog::parse(text);
    if (!k) {
      std::cerr << "tls_stream_dump: " << argv[1] << ": " << k.error().message() << "\n";
      return 2;
    }
    keys = std::move(k).value();
  }
  tls::TlsStream stream(keys ? &*keys : nullptr);
  std::string client, server;
  std::string line;
  std::uint64_t segment = 0;
  while (std::getline(std::cin, line)) {
    const bool from_server = !line.empty() && line[0] == '\t';
    const std::string hex = from_server ? line.substr(1) : line;
    if (hex.empty() || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) continue;
    auto bytes = from_hex(hex);
    if (!bytes) continue;
    stream.feed(!from_server, *bytes, ++segment);
    for (auto& p : stream.take_plaintext()) (p.from_client ? client : server).append(p.bytes.begin(), p.bytes.end());
  }
  const tls::TlsSummary& s = stream.summary();
  nlohmann::json certs = nlohmann::json::array();
  for (const auto& c : s.certificates) {
    certs.push_back({{"subject", c.subject}, {"issuer", c.issuer}, {"not_after", c.not_after},
                     {"self_signed", c.self_signed}, {"key_type", c.key_type}, {"key_bits", c.key_bits}});
  }
  nlohmann::json out = {{"version", s.version}, {"cipher_suite", s.cipher_suite}, {"sni", s.sni},
                        {"forward_secrecy", s.forward_secrecy}, {"handshake_complete", s.handshake_complete},
                        {"decrypted", s.decrypted}, {"error", s.error}, {"certificates", certs},
                        {"segments", segment}, {"client_plaintext", client}, {"server_plaintext", server}};
  std::cout << out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}
