// Request bodies as clients send them, for the tests of how the server reads requests:
// gzip-compressed (with httplib's own compressor) and chunked. Used by tests/api and
// tests/integration. Stateless; thread-safe.
#pragma once

#include <httplib.h>

#include <cstdio>
#include <string>

namespace expgraph::testing {

inline std::string compress(httplib::detail::compressor& compressor, const std::string& data) {
  std::string out;
  compressor.compress(data.data(), data.size(), /*last=*/true,
                      [&out](const char* bytes, size_t size) {
                        out.append(bytes, size);
                        return true;
                      });
  return out;
}

inline std::string gzip(const std::string& data) {
  httplib::detail::gzip_compressor compressor;
  return compress(compressor, data);
}

// `data` in chunks of `piece` bytes, then the last chunk.
inline std::string chunked(const std::string& data, size_t piece) {
  std::string out;
  for (size_t at = 0; at < data.size(); at += piece) {
    std::string part = data.substr(at, piece);
    char size[32];
    std::snprintf(size, sizeof(size), "%zx\r\n", part.size());
    out += size + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

}  // namespace expgraph::testing
