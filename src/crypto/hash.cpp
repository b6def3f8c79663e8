#include "crypto/hash.hpp"

#include <openssl/evp.h>

#include <cstdlib>

#include "base/hex.hpp"

namespace sotto::crypto {

std::string hex_digest(Hash h, std::string_view data) {
  const EVP_MD* md = h == Hash::md5 ? EVP_md5() : h == Hash::sha256 ? EVP_sha256() : EVP_sha512_256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) std::abort();  // cannot fail for these
  return to_hex(std::span<const std::uint8_t>(out, len));
}

}  // namespace sotto::crypto
