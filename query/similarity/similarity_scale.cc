#include "query/similarity/similarity_scale.h"

#include <algorithm>
#include <cstdio>

namespace expgraph::similarity {

namespace {
// Each embedder's calibration, chosen with the discount and the floor on the choosing half of
// the Upworthy retrieval benchmark (docs/similarity.md, "Similarity scale and floor"): the
// cosine of unrelated texts is higher with glove's averaged word vectors than with hashed
// n-grams, so the same offset would not mean the same. The use embedder's, chosen by the same
// rule on hybrid use: without it (offset 0) only 5% of random-word queries found nothing.
constexpr double kHashingCosineOffset = 0.30;
constexpr double kGloveCosineOffset = 0.50;
constexpr double kUseCosineOffset = 0.50;
}  // namespace

double cosine_offset_for(std::string_view embedder_id) {
  if (embedder_id.starts_with("hashing-")) return kHashingCosineOffset;
  if (embedder_id.starts_with("glove-")) return kGloveCosineOffset;
  if (embedder_id.starts_with("use-")) return kUseCosineOffset;
  return 0.0;  // client embeddings: nothing known about their distribution
}

double combined_similarity(const SimilarityComponents& components, const SimilarityScale& scale) {
  double sum = 0;
  int count = 0;
  if (components.cosine) {
    const double offset = std::clamp(scale.cosine_offset, 0.0, 0.99);
    sum += std::clamp((*components.cosine - offset) / (1.0 - offset), 0.0, 1.0);
    ++count;
  }
  if (components.lexical) {
    sum += std::clamp(*components.lexical, 0.0, 1.0);
    ++count;
  }
  if (count == 0) return 0.0;
  const double mean = sum / count;
  const bool one_word_of_many = components.query_words >= 2 && components.shared_words <= 1;
  return one_word_of_many ? mean * std::clamp(scale.single_word_factor, 0.0, 1.0) : mean;
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
