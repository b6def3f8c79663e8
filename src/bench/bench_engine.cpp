// The three engines of `sotto bench srtp`. Each keeps an outbound and an inbound side keyed alike, so
// the runner can produce fresh protected packets (replay protection) and consume them.
#include "bench/bench_engine.hpp"

#include <optional>

#include "core/srtp/context.hpp"
#include "core/srtp/policy.hpp"
#include "crypto/evp_reference.hpp"
#ifdef SOTTO_HAVE_LIBSRTP
#include "interop/libsrtp/libsrtp_session.hpp"
#endif

namespace sotto::bench {
namespace {

using srtp::Direction;

srtp::Policy bench_policy(srtp::SuiteId id) {
  const srtp::Suite& s = srtp::suite(id);
  srtp::Policy p;
  p.suite = id;
  srtp::MasterKey k;
  k.key = SecureBytes(s.master_key_len);
  k.salt = SecureBytes(s.master_salt_len);
  for (std::size_t i = 0; i < k.key.size(); ++i) k.key[i] = static_cast<std::uint8_t>(0x10 + i * 5);
  for (std::size_t i = 0; i < k.salt.size(); ++i) k.salt[i] = static_cast<std::uint8_t>(0xA0 + i * 3);
  p.keys.push_back(std::move(k));
  return p;
}

// Our Context and the libsrtp adapter share one interface (protect_rtp/_rtcp, unprotect_rtp/_rtcp
// returning a length or an error), so one adapter serves both.
template <class Session>
class SessionEngine final : public BenchEngine {
 public:
  SessionEngine(Session tx, Session rx, PacketKind kind)
      : tx_(std::move(tx)), rx_(std::move(rx)), rtp_(kind == PacketKind::rtp) {}
  std::size_t protect(std::span<std::uint8_t> buf, std::size_t len, std::uint64_t) noexcept override {
    auto r = rtp_ ? tx_.protect_rtp(buf, len) : tx_.protect_rtcp(buf, len);
    return r ? *r : 0;
  }
  std::size_t unprotect(std::span<std::uint8_t> buf, std::size_t len, std::uint64_t) noexcept override {
    auto r = rtp_ ? rx_.unprotect_rtp(buf, len) : rx_.unprotect_rtcp(buf, len);
    return r ? *r : 0;
  }

 private:
  Session tx_, rx_;
  bool rtp_;
};

using SottoEngine = SessionEngine<srtp::Context>;
#ifdef SOTTO_HAVE_LIBSRTP
using LibsrtpEngine = SessionEngine<interop::LibsrtpSession>;
#endif

// One EVP reference object serves both directions: it has no per-direction state.
template <class Ref>
class EvpEngine final : public BenchEngine {
 public:
  EvpEngine(Ref ref, PacketKind kind) : ref_(std::move(ref)), rtp_(kind == PacketKind::rtp) {}
  std::size_t protect(std::span<std::uint8_t> buf, std::size_t len, std::uint64_t index) noexcept override {
    return rtp_ ? ref_.protect_rtp(buf, len, static_cast<std::uint32_t>(index >> 16))
                : ref_.protect_rtcp(buf, len, static_cast<std::uint32_t>(index & 0x7fffffff));
  }
  std::size_t unprotect(std::span<std::uint8_t> buf, std::size_t len, std::uint64_t index) noexcept override {
    return rtp_ ? ref_.unprotect_rtp(buf, len, static_cast<std::uint32_t>(index >> 16))
                : ref_.unprotect_rtcp(buf, len);
  }

 private:
  Ref ref_;
  bool rtp_;
};

bool evp_can(const srtp::Suite& s) noexcept {
  return (s.cipher == srtp::Cipher::aes_cm && s.auth == srtp::Auth::hmac_sha1) || s.cipher == srtp::Cipher::aes_gcm;
}

}  // namespace

std::string_view to_string(Impl i) noexcept {
  switch (i) {
    case Impl::sotto: return "sotto";
    case Impl::libsrtp: return "libsrtp";
    case Impl::evp: return "evp";
  }
  return "?";
}

std::string_view to_string(PacketKind k) noexcept { return k == PacketKind::rtp ? "rtp" : "srtcp"; }

bool engine_available(Impl impl, srtp::SuiteId suite) noexcept {
  switch (impl) {
    case Impl::sotto: return true;
    case Impl::libsrtp:
#ifdef SOTTO_HAVE_LIBSRTP
      return interop::libsrtp_supports(suite);
#else
      return false;
#endif
    case Impl::evp: return evp_can(srtp::suite(suite));
  }
  return false;
}

Result<std::unique_ptr<BenchEngine>> make_engine(Impl impl, srtp::SuiteId suite, PacketKind kind) {
  const srtp::Policy p = bench_policy(suite);
  const srtp::Suite& s = srtp::suite(suite);
  if (!engine_available(impl, suite)) {
    return fail(Errc::unsupported, std::string(to_string(impl)) + " cannot run " + std::string(s.name));
  }
  switch (impl) {
    case Impl::sotto: {
      auto tx = srtp::Context::create(Direction::outbound, p, srtp::kNoKeyRegistry);
      if (!tx) return Unexpected(tx.error());
      auto rx = srtp::Context::create(Direction::inbound, p);
      if (!rx) return Unexpected(rx.error());
      return std::unique_ptr<BenchEngine>(new SottoEngine(std::move(*tx), std::move(*rx), kind));
    }
    case Impl::libsrtp: {
#ifdef SOTTO_HAVE_LIBSRTP
      auto tx = interop::LibsrtpSession::create(Direction::outbound, p);
      if (!tx) return Unexpected(tx.error());
      auto rx = interop::LibsrtpSession::create(Direction::inbound, p);
      if (!rx) return Unexpected(rx.error());
      return std::unique_ptr<BenchEngine>(new LibsrtpEngine(std::move(*tx), std::move(*rx), kind));
#else
      break;
#endif
    }
    case Impl::evp: {
      const auto& k = p.keys[0];
      if (s.cipher == srtp::Cipher::aes_gcm) {
        auto r = crypto::EvpReferenceGcm::create(k.key.span(), k.salt.span(), s.srtp_tag_len);
        if (!r) return Unexpected(r.error());
        return std::unique_ptr<BenchEngine>(new EvpEngine<crypto::EvpReferenceGcm>(std::move(*r), kind));
      }
      auto r = crypto::EvpReferenceCm::create(k.key.span(), k.salt.span(), s.srtp_tag_len);
      if (!r) return Unexpected(r.error());
      return std::unique_ptr<BenchEngine>(new EvpEngine<crypto::EvpReferenceCm>(std::move(*r), kind));
    }
  }
  return fail(Errc::unsupported, "engine not compiled in");
}

}  // namespace sotto::bench
