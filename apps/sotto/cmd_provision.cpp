// `sotto provision baresip|linphone USER`: an account snippet for that client, matching the account's
// policy (docs/SERVER.md). The password is never stored: it is given, or left as a placeholder.
#include <fmt/core.h>

#include <filesystem>

#include "commands.hpp"
#include "pki/authority.hpp"
#include "server_cli.hpp"
#include "store/data_dir.hpp"
#include "store/user_policy.hpp"

namespace sotto::app {
namespace {

constexpr std::string_view kPlaceholder = "REPLACE_WITH_PASSWORD";

struct ProvisionCli {
  std::string client;
  std::string user;
  std::string data_dir{store::kDefaultDataDir};
  std::string realm;
  std::string cert_names{pki::kDefaultCertNames};
  std::string ca_file;
  std::string server = "127.0.0.1";
  std::string domain = "localhost";
  bool ha1 = false;
  PasswordOptions pw;
};

struct Target {
  std::string transport;  // tls | tcp | udp
  std::string hostport;   // 127.0.0.1:5061, [::1]:5061
};

Result<Target> server_target(const std::string& server, store::TransportSet allowed) {
  Target t;
  t.transport = allowed.has(store::Transport::tls) ? "tls" : allowed.has(store::Transport::tcp) ? "tcp" : "udp";
  const std::string default_port = t.transport == "tls" ? "5061" : "5060";
  std::string host = server;
  std::string port;
  if (!server.empty() && server.front() == '[') {
    const auto close = server.find(']');
    if (close == std::string::npos) return fail(Errc::invalid_argument, "--server " + server + ": missing ']'");
    host = server.substr(0, close + 1);
    if (close + 1 < server.size()) {
      if (server[close + 1] != ':') return fail(Errc::invalid_argument, "--server " + server + ": expected ':PORT' after ']'");
      port = server.substr(close + 2);
    }
  } else if (const auto colon = server.find(':'); colon != std::string::npos) {
    if (server.find(':', colon + 1) != std::string::npos) {
      return fail(Errc::invalid_argument, "--server " + server + ": an IPv6 address needs brackets, e.g. [::1]:5061");
    }
    host = server.substr(0, colon);
    port = server.substr(colon + 1);
  }
  bool ok = !host.empty() && host.find_first_of(" \t;<>\"") == std::string::npos;
  if (!port.empty() || server.find(':') != std::string::npos) {
    int v = 0;
    ok = ok && !port.empty() && port.size() <= 5;
    for (char c : port) {
      ok = ok && c >= '0' && c <= '9';
      v = v * 10 + (c - '0');
    }
    ok = ok && v >= 1 && v <= 65535;
  }
  if (!ok) return fail(Errc::invalid_argument, "--server " + server + ": expected HOST[:PORT], e.g. 127.0.0.1:5061");
  t.hostport = host + ":" + (port.empty() ? default_port : port);
  return t;
}

std::string baresip_snippet(const store::UserRecord& u, const Target& t, const ProvisionCli& cli,
                            const std::string& ca_path, const std::string& password) {
  std::string mediaenc;
  switch (u.policy.srtp) {
    case negotiation::SrtpMode::require: mediaenc = ";mediaenc=srtp-mand"; break;  // RTP/SAVP
    case negotiation::SrtpMode::offer: mediaenc = ";mediaenc=srtp"; break;         // RTP/AVP + a=crypto
    case negotiation::SrtpMode::off: break;
  }
  std::string out = fmt::format("# baresip account for {} (realm {}; srtp {}; transport {}).\n", u.name, cli.realm,
                                negotiation::to_string(u.policy.srtp), t.transport);
  out += "# One line for ~/.baresip/accounts. In ~/.baresip/config:\n";
  if (t.transport == "tls") out += fmt::format("#   sip_cafile {}\n", ca_path);
  if (u.policy.srtp != negotiation::SrtpMode::off) out += "#   module srtp.so\n";
  out += fmt::format("<sip:{}@{};transport={}>;auth_pass={};outbound=\"sip:{};transport={}\";regint=600{}\n", u.name,
                     cli.domain, t.transport, password, t.hostport, t.transport, mediaenc);
  return out;
}

std::string linphone_snippet(const store::UserRecord& u, const Target& t, const ProvisionCli& cli,
                             const std::string& ca_path, const std::optional<std::string>& password) {
  const char* enc = u.policy.srtp == negotiation::SrtpMode::off ? "none" : "srtp";
  const int mandatory = u.policy.srtp == negotiation::SrtpMode::require ? 1 : 0;
  std::string out = fmt::format("# linphonerc sections for {} (realm {}; srtp {}; transport {}).\n", u.name,
                                cli.realm, negotiation::to_string(u.policy.srtp), t.transport);
  out += "# Merge into ~/.config/linphone/linphonerc (or the file given to linphonec -c).\n";
  out += fmt::format("[sip]\nmedia_encryption={}\nmedia_encryption_mandatory={}\n", enc, mandatory);
  if (t.transport == "tls") out += fmt::format("root_ca={}\nverify_server_certs=1\nverify_server_cn=1\n", ca_path);
  // reg_route: calls (and every other request) go through the server too, as baresip's outbound=; without
  // it linphone sends an INVITE for sip:bob@DOMAIN straight to DOMAIN (port 5061), not to --server.
  out += fmt::format(
      "\n[proxy_0]\nreg_proxy=<sip:{0};transport={1}>\nreg_route=<sip:{0};transport={1};lr>\n"
      "reg_identity=<sip:{2}@{3}>\nreg_expires=600\nreg_sendregister=1\npublish=0\n",
      t.hostport, t.transport, u.name, cli.domain);
  out += fmt::format("\n[auth_info_0]\nusername={}\n", u.name);
  if (cli.ha1) {
    // HA1 = MD5(user:realm:password): the password itself never leaves the operator.
    out += fmt::format("ha1={}\nalgorithm=MD5\n", u.credentials.ha1_md5);
  } else {
    out += fmt::format("passwd={}\n", password.value_or(std::string(kPlaceholder)));
  }
  out += fmt::format("realm={}\ndomain={}\n", cli.realm, cli.domain);
  return out;
}

int run_provision(ProvisionCli& cli) {
  constexpr std::string_view cmd = "sotto provision";
  if (cli.client != "baresip" && cli.client != "linphone") {
    return fail_with(cmd, Error{Errc::invalid_argument, "client '" + cli.client + "': expected baresip or linphone"});
  }
  if (cli.ha1 && cli.client != "linphone") {
    return fail_with(cmd, Error{Errc::invalid_argument, "--ha1 is for linphone only (baresip needs the password)"});
  }
  if (auto v = store::validate_user_name(cli.user); !v) return fail_with(cmd, v.error());
  if (cli.domain.empty() || cli.domain.find_first_of(" \t;<>\"@:") != std::string::npos) {
    return fail_with(cmd, Error{Errc::invalid_argument, "--domain '" + cli.domain + "': expected a host name or IP"});
  }
  auto pw = read_password(cli.pw);
  if (!pw) return fail_with(cmd, pw.error());
  if (*pw && cli.ha1) return fail_with(cmd, Error{Errc::invalid_argument, "--ha1 and a password exclude each other"});

  auto st = open_store(cli.data_dir, cli.realm, /*create=*/false);
  if (!st) return fail_with(cmd, st.error());
  auto found = (*st)->find_user(cli.user);
  if (!found) return fail_with(cmd, found.error());
  if (!*found) return fail_with(cmd, Error{Errc::not_found, "no user '" + cli.user + "' in " + cli.data_dir});
  const store::UserRecord& u = **found;
  cli.realm = (*st)->info().realm;
  if (*pw && store::digest_credentials(u.name, cli.realm, **pw) != u.credentials) {
    return fail_with(cmd, Error{Errc::invalid_state, "the password given does not match the one stored for '" +
                                                         u.name + "' (change it with `sotto user passwd`)"});
  }
  auto target = server_target(cli.server, u.policy.transports);
  if (!target) return fail_with(cmd, target.error());

  std::string ca_path;
  if (!cli.ca_file.empty()) {
    ca_path = std::filesystem::absolute(cli.ca_file).lexically_normal().string();
  } else if (target->transport == "tls") {
    auto made = ensure_data_dir_authority(cli.data_dir, "", cli.cert_names, stderr);
    if (!made) return fail_with(cmd, made.error());
    ca_path = std::filesystem::absolute(made->paths.ca_cert).lexically_normal().string();
  }
  if (cli.client == "baresip") {
    if (*pw && (*pw)->find_first_of(";<>\" \t\r\n") != std::string::npos) {
      return fail_with(cmd, Error{Errc::invalid_argument,
                                  "the password contains one of ; < > \" or white space, which a baresip account "
                                  "line cannot carry; leave it out and edit the snippet"});
    }
    fmt::print("{}", baresip_snippet(u, *target, cli, ca_path, pw->value_or(std::string(kPlaceholder))));
  } else {
    fmt::print("{}", linphone_snippet(u, *target, cli, ca_path, *pw));
  }
  if (!*pw && !cli.ha1) {
    fmt::print(stderr, "sotto provision: no password given; replace {} in the snippet\n", kPlaceholder);
  }
  return 0;
}

}  // namespace

void add_provision_command(CLI::App& app, Commands& cmds) {
  static ProvisionCli cli;
  auto* sub = app.add_subcommand("provision", "Print a ready account snippet for baresip or linphone");
  sub->add_option("client", cli.client, "baresip | linphone")->required();
  sub->add_option("user", cli.user, "An account made with `sotto user add`")->required();
  add_password_options(sub, cli.pw, "The account's password, checked against the stored digest (else a placeholder)");
  sub->add_flag("--ha1", cli.ha1, "linphone: put the stored HA1 (MD5) in [auth_info_0] instead of a password");
  sub->add_option("--server", cli.server, "Where the phone sends REGISTER: HOST[:PORT] (port 5061 for TLS, else 5060)")
      ->capture_default_str();
  sub->add_option("--domain", cli.domain, "The SIP domain of the account's address")->capture_default_str();
  sub->add_option("--ca-file", cli.ca_file, "Operator-given CA file for the phone to trust (default: the data directory's ca.crt)");
  sub->add_option("--cert-names", cli.cert_names, "Server certificate names, if this makes the CA")->capture_default_str();
  sub->add_option("--realm", cli.realm, "Digest realm (must match the data directory's)");
  add_data_dir_option(sub, cli.data_dir);
  cmds.entries.emplace_back(sub, [] { return run_provision(cli); });
}

}  // namespace sotto::app
