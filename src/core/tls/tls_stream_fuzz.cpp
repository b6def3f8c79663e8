// Fuzz target: KeyLog::parse and TlsStream (record layer, handshake parsing, TLS 1.2/1.3 decryption).
// Input: u16 key log length, the key log text, then chunks of (u8 flags: bit 0 = from client, u16
// length, bytes). Properties: no crash; splitting every chunk in two gives the same plaintext, the same
// summary error and the same version; plaintext frames are frames that were fed.
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/tls/tls_stream.hpp"

namespace {

struct Chunk {
  bool from_client;
  std::span<const std::uint8_t> bytes;
};

struct Out {
  std::string client, server, error, version;
};

Out run(const std::vector<Chunk>& chunks, const sotto::tls::KeyLog* keys, bool split) {
  sotto::tls::TlsStream s(keys);
  Out o;
  std::uint64_t frame = 0;
  for (const Chunk& c : chunks) {
    ++frame;
    if (split && c.bytes.size() > 1) {
      const std::size_t half = c.bytes.size() / 2;
      s.feed(c.from_client, c.bytes.first(half), frame);
      s.feed(c.from_client, c.bytes.subspan(half), frame);
    } else {
      s.feed(c.from_client, c.bytes, frame);
    }
    for (auto& p : s.take_plaintext()) {
      if (p.frame < 1 || p.frame > frame) std::abort();
      (p.from_client ? o.client : o.server).append(p.bytes.begin(), p.bytes.end());
    }
  }
  o.error = s.summary().error;
  o.version = s.summary().version;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  if (in.size() < 2) return 0;
  const std::size_t klen = std::min<std::size_t>(in.size() - 2, static_cast<std::size_t>(in[0] << 8 | in[1]));
  const std::string_view text(reinterpret_cast<const char*>(in.data() + 2), klen);
  in = in.subspan(2 + klen);
  std::optional<sotto::tls::KeyLog> keys;
  if (auto k = sotto::tls::KeyLog::parse(text)) keys = std::move(k).value();

  std::vector<Chunk> chunks;
  while (in.size() >= 3) {
    const bool from_client = (in[0] & 1) != 0;
    const std::size_t n = std::min<std::size_t>(in.size() - 3, static_cast<std::size_t>(in[1] << 8 | in[2]));
    chunks.push_back(Chunk{from_client, in.subspan(3, n)});
    in = in.subspan(3 + n);
  }
  const sotto::tls::KeyLog* k = keys ? &*keys : nullptr;
  const Out whole = run(chunks, k, false);
  const Out halves = run(chunks, k, true);
  if (whole.client != halves.client || whole.server != halves.server || whole.error != halves.error ||
      whole.version != halves.version) {
    std::abort();
  }
  return 0;
}
