#include "server_cli.hpp"

#include <fmt/core.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "store/data_dir.hpp"

namespace sotto::app {

void add_password_options(CLI::App* sub, PasswordOptions& o, const std::string& what) {
  sub->add_option("--password", o.password, what + " (visible to other local users in ps; prefer --password-file or SOTTO_PASSWORD)");
  sub->add_option("--password-file", o.password_file, "Read the password from the first line of this file");
}

Result<std::optional<std::string>> read_password(const PasswordOptions& o) {
  if (!o.password.empty() && !o.password_file.empty()) {
    return fail(Errc::invalid_argument, "give --password or --password-file, not both");
  }
  std::string pw;
  if (!o.password.empty()) {
    pw = o.password;
  } else if (!o.password_file.empty()) {
    std::ifstream in(o.password_file, std::ios::binary);
    if (!in) return fail(Errc::invalid_argument, "--password-file " + o.password_file + ": cannot be read");
    std::getline(in, pw);
    if (!pw.empty() && pw.back() == '\r') pw.pop_back();
    if (pw.empty()) {
      return fail(Errc::invalid_argument, "--password-file " + o.password_file + ": the first line is empty");
    }
  } else if (const char* env = std::getenv("SOTTO_PASSWORD"); env != nullptr) {
    pw = env;
    if (pw.empty()) return fail(Errc::invalid_argument, "SOTTO_PASSWORD is set but empty");
  } else {
    return std::optional<std::string>();
  }
  if (pw.find('\0') != std::string::npos) return fail(Errc::invalid_argument, "the password contains a NUL byte");
  return std::optional<std::string>(std::move(pw));
}

namespace {

// One line from the terminal on stdin with echo off; the terminal's settings are restored after.
std::optional<std::string> read_hidden_line(const std::string& prompt) {
  termios old{};
  if (::tcgetattr(STDIN_FILENO, &old) != 0) return std::nullopt;
  termios quiet = old;
  quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
  quiet.c_lflag |= ECHONL;
  // Echo off before the prompt appears, so nothing typed after it is flushed or shown.
  if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) return std::nullopt;
  fmt::print(stderr, "{}", prompt);
  std::fflush(stderr);
  std::string line;
  bool ok = false;
  for (char ch = 0;;) {
    const ssize_t n = ::read(STDIN_FILENO, &ch, 1);
    if (n <= 0) break;
    if (ch == '\n') {
      ok = true;
      break;
    }
    if (ch != '\r') line += ch;
  }
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  if (!ok) return std::nullopt;
  return line;
}

}  // namespace

Result<std::optional<std::string>> read_or_prompt_password(const PasswordOptions& o, const std::string& user) {
  auto pw = read_password(o);
  if (!pw || *pw || !::isatty(STDIN_FILENO)) return pw;
  auto first = read_hidden_line("Password for " + user + ": ");
  if (!first) return fail(Errc::invalid_argument, "no password read from the terminal");
  if (first->empty()) return fail(Errc::invalid_argument, "the password is empty");
  auto again = read_hidden_line("Again: ");
  if (!again || *again != *first) {
    std::fill(first->begin(), first->end(), '\0');
    return fail(Errc::invalid_argument, "the two passwords differ");
  }
  std::fill(again->begin(), again->end(), '\0');
  return std::optional<std::string>(std::move(*first));
}

void add_data_dir_option(CLI::App* sub, std::string& data_dir) {
  sub->add_option("--data-dir", data_dir, "Data directory: database and CA (created with mode 0700)")
      ->capture_default_str();
}

Result<std::unique_ptr<store::Store>> open_store(const std::string& data_dir, const std::string& realm, bool create) {
  if (data_dir.empty()) return fail(Errc::invalid_argument, "--data-dir is empty");
  store::OpenOptions o;
  if (!realm.empty()) o.realm = realm;
  o.create = create;
  return store::open_data_dir(data_dir, o);
}

Result<std::unique_ptr<store::Store>> open_store_read_only(const std::string& data_dir) {
  if (data_dir.empty()) return fail(Errc::invalid_argument, "--data-dir is empty");
  store::OpenOptions o;
  o.read_only = true;
  return store::open_data_dir(data_dir, o);
}

int fail_with(std::string_view cmd, const Error& e) {
  fmt::print(stderr, "{}: {}\n", cmd, e.context);
  return e.code == Errc::invalid_argument || e.code == Errc::malformed_input ? 2 : 1;
}

std::string iso8601_utc(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sotto::app
