#include "query/similarity/similarity_scale.h"

#include <algorithm>
#include <cstdio>

namespace expgraph::similarity {

double combined_similarity(const SimilarityComponents& components) {
  double sum = 0;
  int count = 0;
  for (const std::optional<double>& component : {components.cosine, components.lexical}) {
    if (!component) continue;
    sum += std::clamp(*component, 0.0, 1.0);
    ++count;
  }
  return count == 0 ? 0.0 : sum / count;
}

nlohmann::json nothing_similar(std::optional<double> closest_similarity, double floor) {
  char text[128];
  if (closest_similarity) {
    std::snprintf(text, sizeof text,
                  "nothing similar found (closest similarity %.2f, below the floor %.2f)",
                  *closest_similarity, floor);
  } else {
    std::snprintf(text, sizeof text, "nothing similar found (no candidate document)");
  }
  return {{"nothing_similar", true}, {"message", text}};
}

}  // namespace expgraph::similarity
