#include "api/util/hex.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

namespace expgraph::api {

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

Result<std::string> random_hex(size_t byte_count) {
  std::string bytes(byte_count, '\0');
  size_t filled = 0;
  // getrandom blocks only until the kernel's pool is first seeded (early boot), never after;
  // a signal can interrupt it, and a request over 256 bytes may be filled in parts.
  while (filled < byte_count) {
    ssize_t got = ::getrandom(bytes.data() + filled, byte_count - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::internal(
          "cannot read " + std::to_string(byte_count) +
          " random bytes from the operating system (getrandom: " + std::strerror(errno) + ")");
    }
    filled += static_cast<size_t>(got);
  }
  return to_hex(bytes);
}

}  // namespace expgraph::api
