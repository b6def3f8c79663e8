// RFC 6904: encryption of selected RTP header extension elements.
//
// The keystream (same transform and IV as the payload, keyed with k_he / k_hs) is aligned with the
// first byte after the 4-byte extension header; only the data bytes of elements whose ID is selected
// are XORed (mask), element headers and padding stay in the clear. Works for one-byte (0xBEDE) and
// two-byte (0x100X) element headers (RFC 8285); other profiles are left alone.
#include <cstring>

#include "base/secure_bytes.hpp"
#include "core/srtp/context_impl.hpp"

namespace sotto::srtp {
namespace {

constexpr std::size_t kMaxEncryptedExtension = 2048;

}  // namespace

bool apply_header_encryption(const Context::Impl& ctx, SessionKeys& keys, std::span<const std::uint8_t, 16> iv,
                             std::uint8_t* ext, std::size_t ext_len, std::uint16_t profile) noexcept {
  const bool one_byte = profile == 0xBEDE;
  const bool two_byte = (profile & 0xFFF0) == 0x1000;
  if (!one_byte && !two_byte) return true;
  if (ext_len > kMaxEncryptedExtension) return false;

  std::uint8_t mask[kMaxEncryptedExtension];
  std::memset(mask, 0, ext_len);
  bool any = false;
  std::size_t i = 0;
  while (i < ext_len) {
    std::uint8_t id;
    std::size_t data_len;
    if (one_byte) {
      id = ext[i] >> 4;
      if (id == 0) { ++i; continue; }   // padding byte
      if (id == 15) break;              // reserved: stop processing (RFC 8285 section 4.2)
      data_len = (ext[i] & 0x0f) + 1u;
      i += 1;
    } else {
      id = ext[i];
      if (id == 0) { ++i; continue; }
      if (i + 1 >= ext_len) return false;
      data_len = ext[i + 1];
      i += 2;
    }
    if (i + data_len > ext_len) return false;
    if (ctx.id_encrypted(id)) {
      std::memset(mask + i, 0xff, data_len);
      any = true;
    }
    i += data_len;
  }
  if (!any) return true;

  std::uint8_t stream[kMaxEncryptedExtension];
  std::memset(stream, 0, ext_len);
  if (keys.header_ctr) keys.header_ctr->apply(iv, std::span<std::uint8_t>(stream, ext_len));
  else if (keys.header_f8) keys.header_f8->apply(iv, std::span<std::uint8_t>(stream, ext_len));
  for (std::size_t j = 0; j < ext_len; ++j) ext[j] ^= stream[j] & mask[j];
  secure_wipe(stream, ext_len);
  return true;
}

}  // namespace sotto::srtp
