// A 64-bit string hash that is identical on every build, platform and run, used to hash text
// features into embedding buckets. std::hash is not: its values may change with the library,
// which would silently invalidate every stored vector.
#pragma once

#include <cstdint>
#include <string_view>

namespace expgraph::similarity {

// FNV-1a over the bytes, then a murmur3-style finaliser so that every output bit depends on
// every input bit (plain FNV-1a has weak low bits for short keys, and we take bucket = h % dim).
constexpr uint64_t stable_hash64(std::string_view bytes, uint64_t seed = 0) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace expgraph::similarity
