#include "query/similarity/stored_vector.h"

#include <bit>
#include <cstdint>
#include <cstring>

namespace expgraph::similarity {

namespace {

// The float bytes are copied as they are in memory: the layout is little-endian on disk, and
// every platform expgraph builds on is little-endian, which this assertion keeps honest.
static_assert(std::endian::native == std::endian::little, "stored vectors are little-endian");
static_assert(sizeof(float) == 4);

void append_le(std::string& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint32_t read_le(std::string_view bytes, size_t offset, int width) {
  uint32_t value = 0;
  for (int i = 0; i < width; ++i) {
    value |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return value;
}

}  // namespace

std::string encode_stored_vector(std::string_view embedder_id, std::span<const float> values) {
  std::string out;
  out.reserve(2 + embedder_id.size() + 4 + values.size() * sizeof(float));
  append_le(out, static_cast<uint32_t>(embedder_id.size()), 2);
  out.append(embedder_id);
  append_le(out, static_cast<uint32_t>(values.size()), 4);
  const size_t start = out.size();
  out.resize(start + values.size() * sizeof(float));
  if (!values.empty()) std::memcpy(out.data() + start, values.data(), values.size_bytes());
  return out;
}

Result<StoredVector> decode_stored_vector(std::string_view bytes) {
  if (bytes.size() < 2) return Status::internal("stored vector: truncated header");
  const size_t id_length = read_le(bytes, 0, 2);
  if (bytes.size() < 2 + id_length + 4) return Status::internal("stored vector: truncated id");
  StoredVector stored;
  stored.embedder_id = std::string(bytes.substr(2, id_length));
  const size_t dimension = read_le(bytes, 2 + id_length, 4);
  const size_t start = 2 + id_length + 4;
  if (bytes.size() - start != dimension * sizeof(float)) {
    return Status::internal("stored vector: " + std::to_string(bytes.size() - start) +
                            " value bytes for dimension " + std::to_string(dimension));
  }
  stored.values.resize(dimension);
  if (dimension > 0) std::memcpy(stored.values.data(), bytes.data() + start, dimension * 4);
  return stored;
}

}  // namespace expgraph::similarity
