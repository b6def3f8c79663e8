#include "base/secure_bytes.hpp"

#include <string.h>  // explicit_bzero (glibc)

namespace sotto {

void secure_wipe(void* p, std::size_t n) noexcept {
  if (p != nullptr && n != 0) explicit_bzero(p, n);
}

}  // namespace sotto
