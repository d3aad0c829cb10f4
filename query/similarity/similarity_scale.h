// The similarity scale of search hits: one number in [0, 1] that means the same whatever the
// search mode, built from the two mode-independent components every hit gets (the cosine of
// the embeddings and the BM25 coverage of the query), and the default relevance floor below
// which a hit is "not similar". Used by SimilarityIndex, the insights and the retrieval bench.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

namespace expgraph::similarity {

// The floor POST /v1/search applies when the request names none ("min_similarity"). Measured on
// the Upworthy retrieval benchmark (docs/similarity.md, "Similarity scale and floor"): 86% of
// queries of random words find nothing, and same-story recall@10 loses 0.045 against no floor
// (no floor on this scale gives both at least 80% and a loss within 0.02).
constexpr double kDefaultMinSimilarity = 0.30;

// A hit's components, each in [0, 1] when present.
struct SimilarityComponents {
  // Cosine of the query's and the document's embedding, negative values as 0. Absent when
  // there is no query vector (client embedder without "embedding").
  std::optional<double> cosine;
  // Bm25Index::coverage: the idf-weighted share of the query's terms found in the document.
  std::optional<double> lexical;
};

// The similarity of a hit in [0, 1]: the mean of the components present (0 when none is).
double combined_similarity(const SimilarityComponents& components);

// The fields an answer with no hit at or above `floor` carries: {"nothing_similar": true,
// "message": "nothing similar found (closest similarity 0.21, below the floor 0.30)"}.
nlohmann::json nothing_similar(std::optional<double> closest_similarity, double floor);

}  // namespace expgraph::similarity
