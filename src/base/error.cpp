#include "base/error.hpp"

namespace sotto {

std::string_view to_string(Errc c) noexcept {
  switch (c) {
    case Errc::ok: return "ok";
    case Errc::malformed_input: return "malformed input";
    case Errc::unsupported: return "unsupported";
    case Errc::invalid_argument: return "invalid argument";
    case Errc::invalid_state: return "invalid state";
    case Errc::not_found: return "not found";
    case Errc::io_error: return "I/O error";
    case Errc::crypto_error: return "crypto error";
    case Errc::limit_exceeded: return "limit exceeded";
  }
  return "unknown error";
}

std::string Error::message() const {
  std::string m(to_string(code));
  if (!context.empty()) {
    m += ": ";
    m += context;
  }
  return m;
}

}  // namespace sotto
