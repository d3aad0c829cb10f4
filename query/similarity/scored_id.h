// ScoredId: one ranked hit (a document id and its score), the currency shared by the vector
// index, the BM25 index and rank fusion. Ids are graph node ids, but nothing here knows that.
#pragma once

#include <cstdint>

namespace expgraph::similarity {

struct ScoredId {
  uint64_t id = 0;
  float score = 0.0f;

  friend bool operator==(const ScoredId&, const ScoredId&) = default;
};

}  // namespace expgraph::similarity
