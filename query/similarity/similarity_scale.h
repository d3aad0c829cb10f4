// The similarity scale of search hits: one number in [0, 1] that means the same whatever the
// search mode, built from the mode-independent components every hit gets (the cosine of the
// embeddings, calibrated per embedder, the BM25 coverage of the query and the number of query
// words the hit shares), and the default relevance floor below which a hit is "not similar".
// Used by SimilarityIndex, the insights and the retrieval bench. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace expgraph::similarity {

// The floor POST /v1/search applies when the request names none ("min_similarity"). Chosen on
// the choosing half of the Upworthy retrieval benchmark and reported on the other half
// (docs/similarity.md, "Similarity scale and floor").
constexpr double kDefaultMinSimilarity = 0.10;

// A hit's components.
struct SimilarityComponents {
  // Cosine of the query's and the document's embedding, negative values as 0 (raw, before
  // the embedder's calibration). Absent when there is no query vector (client embedder
  // without "embedding").
  std::optional<double> cosine;
  // Bm25Index::coverage: the idf-weighted share of the query's terms found in the document.
  std::optional<double> lexical;
  // Distinct query words (stopwords left out), and how many of them the document holds.
  size_t query_words = 0;
  size_t shared_words = 0;
};

// How the components become one similarity. The defaults are the product's scale.
struct SimilarityScale {
  // The embedder's calibration: cosines at or below it count as 0, the rest are stretched
  // back to [0, 1] ((c - offset) / (1 - offset)), so that a cosine means as much with one
  // embedder as with another (cosine_offset_for gives each embedder's).
  double cosine_offset = 0.0;
  // A hit that shares at most one word with a query of two or more words is discounted by this
  // factor: one rare word in common is what unrelated text shares most often.
  double single_word_factor = 0.4;
};

// The calibration of the embedder whose id is `embedder_id` ("hashing-v1-384", "glove-v1-...",
// "use-lite-v1-...", "client-N"): the offset chosen for hashing, glove and use
// (docs/similarity.md), 0 for client embeddings (no calibration known).
double cosine_offset_for(std::string_view embedder_id);

// The similarity of a hit in [0, 1]: the mean of the components present (the cosine
// calibrated), discounted when the hit shares at most one word of a longer query; 0 when no
// component is present.
double combined_similarity(const SimilarityComponents& components,
                           const SimilarityScale& scale = {});

// The fields an answer with no hit at or above `floor` carries: {"nothing_similar": true,
// "message": "nothing similar found (closest similarity 0.21, below the floor 0.30)"}.
nlohmann::json nothing_similar(std::optional<double> closest_similarity, double floor);

}  // namespace expgraph::similarity
