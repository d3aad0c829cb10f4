#include "query/similarity/rank_fusion.h"

#include <algorithm>
#include <unordered_map>

namespace expgraph::similarity {

std::vector<FusedHit> reciprocal_rank_fusion(std::span<const std::vector<ScoredId>> lists, double k,
                                             std::span<const double> weights) {
  std::vector<FusedHit> fused;
  std::unordered_map<uint64_t, size_t> position;  // id -> index in fused
  for (size_t list = 0; list < lists.size(); ++list) {
    const double weight = list < weights.size() ? weights[list] : 1.0;
    for (size_t i = 0; i < lists[list].size(); ++i) {
      const uint64_t id = lists[list][i].id;
      auto [it, inserted] = position.try_emplace(id, fused.size());
      if (inserted) fused.push_back(FusedHit{id, 0.0, std::vector<int>(lists.size(), 0)});
      FusedHit& hit = fused[it->second];
      if (hit.ranks[list] != 0) continue;  // a repeat within the same list
      const int rank = static_cast<int>(i) + 1;
      hit.ranks[list] = rank;
      hit.score += weight / (k + rank);
    }
  }
  std::sort(fused.begin(), fused.end(), [](const FusedHit& a, const FusedHit& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
  });
  return fused;
}

}  // namespace expgraph::similarity
