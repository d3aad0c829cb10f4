#include "api/webhooks/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace expgraph::api {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &size);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kDigits[digest[i] >> 4]);
    hex.push_back(kDigits[digest[i] & 0xf]);
  }
  return hex;
}

std::string webhook_signature(std::string_view secret, int64_t unix_seconds,
                              std::string_view body) {
  std::string timestamp = std::to_string(unix_seconds);
  std::string message = timestamp;
  message += '.';
  message += body;
  return "t=" + timestamp + ",v1=" + hmac_sha256_hex(secret, message);
}

}  // namespace expgraph::api
