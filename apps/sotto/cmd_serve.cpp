// `sotto serve`: the secure SIP server (docs/SERVER.md). Reads the configuration (file, flags over it,
// defaults), makes the data directory, its database and CA when missing, then runs the server until
// SIGTERM/SIGINT has drained it. Every configuration error is reported before anything listens (exit 2).
#include <fmt/core.h>
#include <unistd.h>

#include <asio.hpp>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "config/server_config.hpp"
#include "io/listen_spec.hpp"
#include "io/http/admin_http.hpp"
#include "io/http/on_io_context.hpp"
#include "io/log/logger.hpp"
#include "records_json.hpp"
#include "store/time_text.hpp"
#include "pki/authority.hpp"
#include "server/server.hpp"
#include "server_cli.hpp"
#include "server_flags.hpp"

namespace sotto::app {
namespace {

constexpr std::string_view kCmd = "sotto serve";

struct ServeCli {
  std::string config_file;
  ServerFlags flags;
  double drain_timeout_s = 10;
  std::optional<double> dead_media_timeout_s;  // the flag; else the file's dead_media_timeout; else 60
};

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// The configuration file (when given), the flags over it, the defaults: exit 2 on any error.
Result<config::EffectiveConfig> load_config(const ServeCli& cli) {
  config::ServerConfig file;
  if (!cli.config_file.empty()) {
    std::ifstream in(cli.config_file, std::ios::binary);
    if (!in) return fail(Errc::invalid_argument, fmt::format("{}: --config {}: cannot be read", kCmd, cli.config_file));
    std::ostringstream ss;
    ss << in.rdbuf();
    config::ParseOptions o;
    o.check_listen = check_listen;
    auto parsed = config::parse_config(ss.str(), cli.config_file, o);
    if (!parsed) return Unexpected(parsed.error());  // "FILE:LINE:COL: ..." lines
    file = std::move(*parsed);
  }
  auto flags = flags_config(cli.flags);
  if (!flags) return fail(Errc::invalid_argument, fmt::format("{}: {}", kCmd, flags.error().context));
  auto eff = config::resolve(config::merge(file, *flags));
  if (!eff) {
    return fail(Errc::invalid_argument,
                fmt::format("{}: {}{}", kCmd, cli.config_file.empty() ? "" : cli.config_file + ": ", eff.error().context));
  }
  return eff;
}

int run_serve(const ServeCli& cli) {
  auto eff = load_config(cli);
  if (!eff) {
    fmt::print(stderr, "{}\n", eff.error().context);
    return 2;
  }
  if (!(cli.drain_timeout_s >= 0 && cli.drain_timeout_s <= 3600)) {
    fmt::print(stderr, "{}: --drain-timeout: expected seconds from 0 to 3600, got {}\n", kCmd, cli.drain_timeout_s);
    return 2;
  }
  if (cli.dead_media_timeout_s && !(*cli.dead_media_timeout_s >= 1 && *cli.dead_media_timeout_s <= 86400)) {
    fmt::print(stderr, "{}: --dead-media-timeout: expected seconds from 1 to 86400, got {}\n", kCmd,
               *cli.dead_media_timeout_s);
    return 2;
  }
  if (eff->http) {  // checked before anything is made or listens
    if (auto ep = io::http::check_admin_bind(*eff->http, /*allow_non_loopback=*/false); !ep) {
      fmt::print(stderr, "{}: --http {}\n", kCmd, ep.error().context);
      return 2;
    }
  }
  server::ServerOptions o;
  for (const std::string& l : eff->listen) o.listen.push_back(io::parse_listen_spec(l).value());  // checked above
  o.domains = eff->domains;
  o.data_dir = eff->data_dir;
  o.media_ip = eff->media_ip;
  o.rtp_ports = eff->rtp_ports;
  o.drain_timeout = std::chrono::milliseconds(std::llround(cli.drain_timeout_s * 1000));
  o.dead_media_timeout =
      std::chrono::milliseconds(std::llround(cli.dead_media_timeout_s.value_or(eff->dead_media_timeout) * 1000));
  o.records_keep = std::chrono::seconds(eff->records_keep);
  const std::string realm = eff->realm.value_or("");
  io::log::Logger logger(eff->log_format == config::LogFormat::json ? io::log::Format::json : io::log::Format::text);
  logger.capture_spdlog();  // TLS warnings from io: the same writer, so a JSON log holds only JSON lines
  auto log = logger.sink("server");

  // The data directory, its database and (unless the operator gave a certificate) its CA and server
  // certificate, each made when missing.
  const auto paths = pki::authority_paths(o.data_dir);
  if (eff->cert) {
    o.cert_file = *eff->cert;
    o.key_file = *eff->key;
    for (const auto& [flag, path] : {std::pair{"--cert", o.cert_file}, std::pair{"--key", o.key_file}}) {
      std::ifstream probe(path);
      if (!probe) {
        fmt::print(stderr, "{}: {} {}: cannot be read\n", kCmd, flag, path);
        return 2;
      }
    }
    o.ca_path = eff->ca_file ? *eff->ca_file : (std::filesystem::exists(paths.ca_cert) ? paths.ca_cert.string() : "");
  } else {
    // What was made ("created CA ...") goes through the log, as JSON lines with --log-format json.
    char* made_buf = nullptr;
    std::size_t made_len = 0;
    std::FILE* progress = ::open_memstream(&made_buf, &made_len);
    auto made = ensure_data_dir_authority(o.data_dir, realm, join(eff->cert_names, ","), progress != nullptr ? progress : stderr);
    if (progress != nullptr) {
      std::fclose(progress);
      std::string_view text(made_buf, made_len);
      while (!text.empty()) {
        const auto nl = text.find('\n');
        log(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      }
      std::free(made_buf);
    }
    if (!made) return fail_with(kCmd, made.error());
    o.cert_file = made->paths.server_cert.string();
    o.key_file = made->paths.server_key.string();
    o.ca_path = made->paths.ca_cert.string();
  }
  if (eff->ca_file) o.ca_file = *eff->ca_file;
  auto st = open_store(o.data_dir, realm, /*create=*/true);
  if (!st) return fail_with(kCmd, st.error());
  o.realm = (*st)->info().realm;

  o.trunks = eff->trunks;

  asio::io_context io;
  server::Server server(io, o, std::move(*st), log);
  if (Status s = server.start(); !s) {
    fmt::print(stderr, "{}: {}\n", kCmd, s.error().context);
    return s.error().code == Errc::invalid_argument ? 2 : 1;
  }
  log(fmt::format("sotto serve {}: listening on {}; domains {}; data dir {} (realm {}); CA {}; media {} ports {}-{}; pid {}",
                  SOTTO_VERSION, join(server.listeners(), ", "), join(o.domains, ", "), o.data_dir, o.realm,
                  o.ca_path.empty() ? "(none)" : o.ca_path, o.media_ip, o.rtp_ports.lo, o.rtp_ports.hi, ::getpid()));
  // The admin HTTP listener (docs/OPERATIONS.md): destroyed before the server it reads from.
  std::unique_ptr<io::http::AdminHttp> admin;
  if (eff->http) {
    admin = std::make_unique<io::http::AdminHttp>(io::http::AdminHttpOptions{.bind = *eff->http});
    using io::http::Request;
    using io::http::Response;
    admin->get("/metrics", [&server](const Request&) { return Response::prometheus(server.metrics().expose()); });
    admin->get("/api/health", [&server](const Request&) {
      return server.draining() ? Response::json(R"({"status":"draining"})", 503) : Response::json(R"({"status":"ok"})");
    });
    admin->get("/api/registrations", io::http::on_io_context(io, [&server, &o](const Request&) {
      const auto now = static_cast<std::int64_t>(std::time(nullptr));
      auto b = server.store().list_bindings(now);
      if (!b) return Response::error(500, "registrations: " + b.error().context);
      return Response::json(registrations_document(o.data_dir, *b, now));
    }));
    admin->get("/api/calls", io::http::on_io_context(io, [&server, &o](const Request& q) {
      std::optional<std::int64_t> since;
      if (auto p = q.param("since")) {
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
        auto s = store::parse_since(*p, now_ms);
        if (!s) return Response::error(400, "since: " + s.error().context);
        since = *s;
      }
      auto calls = server.store().list_calls(since.value_or(0));
      if (!calls) return Response::error(500, "calls: " + calls.error().context);
      return Response::json(calls_document(o.data_dir, *calls, since));
    }));
    auto ep = admin->start();
    if (!ep) {
      fmt::print(stderr, "{}: --http {}\n", kCmd, ep.error().context);
      return 1;
    }
    log(fmt::format("admin HTTP on http://{} (/metrics, /api/health, /api/registrations, /api/calls)", ep->to_string()));
  }
  const int status = server.run();
  if (admin) admin->stop();
  return status;
}

}  // namespace

void add_serve_command(CLI::App& app, Commands& cmds) {
  static ServeCli cli;
  auto* sub = app.add_subcommand("serve", "Run the secure SIP server: registrar, B2BUA, SRTP media relay (docs/SERVER.md)");
  sub->add_option("--config", cli.config_file, "TOML configuration file (docs/CONFIG.md); flags override its keys");
  add_server_flags(sub, cli.flags);
  sub->add_option("--drain-timeout", cli.drain_timeout_s,
                  "On SIGTERM: seconds calls may continue before they are ended (default 10)");
  sub->add_option("--dead-media-timeout", cli.dead_media_timeout_s,
                  "End a call (BYE both ways) when no media came from either side for this many seconds (default 60; "
                  "key dead_media_timeout)");
  cmds.entries.emplace_back(sub, [] { return run_serve(cli); });
}

}  // namespace sotto::app
