#include "api/webhooks/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api/util/hex.h"

namespace expgraph::api {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &size);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
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
