#pragma once
// ServerOptions: what `sotto serve` runs with, after the configuration file, the flags and the data
// directory have been checked and resolved (apps/sotto/cmd_serve.cpp builds it; docs/SERVER.md).
//
//   server::ServerOptions o;
//   o.listen = {*io::parse_listen_spec("tls://127.0.0.1:5061")};
//   o.cert_file = "sotto-data/server.crt";  o.key_file = "sotto-data/server.key";

#include <chrono>
#include <string>
#include <vector>

#include "config/server_config.hpp"
#include "io/listen_spec.hpp"

namespace sotto::server {

struct ServerOptions {
  std::vector<io::ListenSpec> listen;
  std::vector<std::string> domains;   // ours, besides every listener address
  std::string data_dir;
  std::string realm;                  // the data directory's digest realm
  std::string cert_file, key_file;    // the server certificate (chain) and key, read again on SIGHUP
  std::string ca_file;                // trust anchors for peers' certificates (trunks, client certs)
  std::string ca_path;                // the CA phones trust, for the startup line
  std::string media_ip = "127.0.0.1";
  config::PortRange rtp_ports{30000, 39999};
  // SIGTERM: stop accepting, let calls run this long, then end them (BYE) and exit.
  std::chrono::milliseconds drain_timeout{10000};
  // A call whose relay saw no media from either side for this long is ended (BYE both ways, record written).
  std::chrono::milliseconds dead_media_timeout{60000};
  // Connection limits (io::StreamTransportOptions); the server keeps connections of registered phones.
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_source = 32;
  // Call records that started longer ago than this are deleted at start and then hourly ([records] keep;
  // server_retention.cpp). Zero: kept forever.
  std::chrono::seconds records_keep{config::kDefaultRecordsKeep};
  std::vector<config::TrunkConfig> trunks;  // [[trunk]] sections (server_trunks.hpp)
};

}  // namespace sotto::server
