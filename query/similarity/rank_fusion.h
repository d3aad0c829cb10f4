// Reciprocal-rank fusion: merges several ranked lists (vector hits, BM25 hits, ...) into one,
// using only ranks, so that scores on different scales need no calibration. Used by hybrid
// search to combine the dense and lexical rankings. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "query/similarity/scored_id.h"

namespace expgraph::similarity {

constexpr double kRrfDefaultK = 60.0;

struct FusedHit {
  uint64_t id = 0;
  double score = 0.0;      // sum over lists of weight / (k + rank)
  std::vector<int> ranks;  // 1-based rank of id in each input list; 0 when absent
};

// Fuses `lists` (each best first; only the order is used, and an id repeated within a list
// counts at its first rank). `weights`, when not empty, has one weight per list (else all 1).
// Result: every id of any list, by descending fused score, ties by ascending id.
std::vector<FusedHit> reciprocal_rank_fusion(std::span<const std::vector<ScoredId>> lists,
                                             double k = kRrfDefaultK,
                                             std::span<const double> weights = {});

}  // namespace expgraph::similarity
