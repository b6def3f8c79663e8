// `sotto audit FILE`: was this call private, and if not, what leaked? Reads a pcap/pcapng capture,
// reports each call and registration with a verdict and findings (text or --json), optionally
// extracts each stream's audio (--extract DIR). Exit 0: all secure (or nothing found), 1: anything
// not secure, 2: the input cannot be read.
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <fstream>
#include <iostream>
#include <sstream>

#include "audit/analyzer.hpp"
#include "audit/html_report.hpp"
#include "audit/json_report.hpp"
#include "audit/text_report.hpp"
#include "audit/wav_writer.hpp"
#include "commands.hpp"
#include "io/capture/capture_reader.hpp"
#ifdef SOTTO_AUDIT_TLS
#include "core/tls/key_log.hpp"
#endif

namespace sotto::app {
namespace {

struct AuditArgs {
  std::string file;
  bool json = false;
  std::string html_file;
  std::string extract_dir;
  std::vector<std::string> srtp_keys;
  std::string tls_keylog;
};

int run_audit(const AuditArgs& a) {
  audit::AuditOptions opts;
  for (const auto& k : a.srtp_keys) {
    auto o = audit::parse_srtp_key_option(k);
    if (!o) {
      fmt::print(stderr, "sotto audit: {}\n", o.error().context);
      return 2;
    }
    opts.srtp_keys.push_back(std::move(*o));
  }
#ifdef SOTTO_AUDIT_TLS
  std::optional<tls::KeyLog> keylog;
  if (!a.tls_keylog.empty()) {
    std::ifstream in(a.tls_keylog);
    if (!in) {
      fmt::print(stderr, "sotto audit: {}: cannot read the TLS key log\n", a.tls_keylog);
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto k = tls::KeyLog::parse(ss.str());
    if (!k) {
      fmt::print(stderr, "sotto audit: {}: {}\n", a.tls_keylog, k.error().message());
      return 2;
    }
    keylog = std::move(*k);
    opts.tls_keys = &*keylog;
  }
#else
  if (!a.tls_keylog.empty()) {
    fmt::print(stderr, "sotto audit: --tls-keylog: this build has no TLS decryption\n");
    return 2;
  }
#endif
  opts.keep_audio = !a.extract_dir.empty() || !a.html_file.empty();  // the page shows waveforms

  auto reader = capture::CaptureReader::open(a.file);
  if (!reader) {
    fmt::print(stderr, "sotto audit: {}\n", reader.error().context);
    return 2;
  }
  audit::Analyzer analyzer(std::move(opts));
  while (auto f = reader->next()) analyzer.frame(f->number, f->time_ns, f->link_type, f->bytes);
  audit::CaptureInfo info;
  info.file = a.file;
  info.frames = reader->frames();
  info.truncated = reader->stopped().has_value();
  info.stopped_at = reader->stopped();
  if (reader->stopped()) fmt::print(stderr, "sotto audit: {} (audited up to there)\n", *reader->stopped());
  audit::Report report = analyzer.finish(std::move(info));

  if (!a.extract_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.extract_dir, ec);
    if (ec) {
      fmt::print(stderr, "sotto audit: --extract {}: {}\n", a.extract_dir, ec.message());
      return 2;
    }
    for (auto& au : analyzer.take_audio()) {
      auto& s = report.calls[au.call].streams[au.stream];
      std::string path = (std::filesystem::path(a.extract_dir) /
                          fmt::format("call{}_{:08x}_{}.wav", au.call + 1, s.ssrc, s.first_frame)).string();
      try {
        audit::write_wav(path, au.samples, au.sample_rate);
        s.wav = path;
      } catch (const std::exception& e) {
        fmt::print(stderr, "sotto audit: {}\n", e.what());
      }
    }
  }

  if (!a.html_file.empty()) {
    std::ofstream out(a.html_file, std::ios::binary | std::ios::trunc);
    out << audit::render_html(audit::to_json(report));
    if (!out.flush()) {
      fmt::print(stderr, "sotto audit: --html {}: cannot write the file\n", a.html_file);
      return 2;
    }
  }
  if (a.json) std::cout << audit::dump_json(report) << "\n";
  else std::cout << audit::to_text(report);
  return report.all_secure() ? 0 : 1;
}

}  // namespace

void add_audit_command(CLI::App& app, Commands& cmds) {
  auto args = std::make_shared<AuditArgs>();
  auto* sub = app.add_subcommand("audit", "Audit a pcap/pcapng capture: is each call private, and if not, what leaked");
  sub->add_option("file", args->file, "capture file (pcap or pcapng)")->required();
  sub->add_flag("--json", args->json, "print the report as JSON (schema in docs/AUDIT.md)");
  sub->add_option("--html", args->html_file, "also write a self-contained HTML report (ladders, findings, waveforms) to FILE");
  sub->add_option("--extract", args->extract_dir, "write one WAV per decodable stream (PCMU, PCMA, G.722) into DIR");
  sub->add_option("--srtp-key", args->srtp_keys, "[SSRC=]SUITE:BASE64 master key+salt to decrypt SRTP (repeatable, SSRC in hex)");
  sub->add_option("--tls-keylog", args->tls_keylog, "SSLKEYLOGFILE to decrypt TLS signalling");
  cmds.entries.emplace_back(sub, [args] { return run_audit(*args); });
}

}  // namespace sotto::app
