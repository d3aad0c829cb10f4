// StoredVector: the value layout of the `vectors` column family (key: node id), written by the
// similarity index in the same WriteBatch as the node and read back at start. The embedder id
// travels with every vector so that a change of embedder is detected and triggers a re-index.
// Pure functions, thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace expgraph::similarity {

struct StoredVector {
  std::string embedder_id;
  std::vector<float> values;
};

// u16 id length, id bytes, u32 dimension, then `dimension` float32 (IEEE 754, little-endian).
std::string encode_stored_vector(std::string_view embedder_id, std::span<const float> values);
// The inverse of encode_stored_vector; internal error on a truncated or inconsistent value.
Result<StoredVector> decode_stored_vector(std::string_view bytes);

}  // namespace expgraph::similarity
