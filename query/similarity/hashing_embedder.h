// HashingEmbedder: the built-in, dependency-free Embedder. Word unigrams, word bigrams and
// character 3-5-grams (with word-boundary markers, so "cart" and "cartoon" share only some)
// are weighted by sublinear term frequency times an optional IDF, feature-hashed with a sign
// into `dimension` buckets and L2-normalised. Deterministic across runs and builds.
// Used by the similarity service to embed hypotheses and learnings. Immutable, thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"
#include "query/similarity/embedder.h"
#include "query/similarity/idf_table.h"

namespace expgraph::similarity {

struct HashingEmbedderOptions {
  int dimension = 384;
  bool remove_stopwords = true;
  int min_char_ngram = 3;  // in code points, boundary markers included
  int max_char_ngram = 5;
  // Each feature family is normalised on its own, then mixed with these weights, so that the
  // many character n-grams of a text do not drown its few words.
  float word_weight = 1.0f;
  float bigram_weight = 0.5f;
  float char_weight = 1.0f;
  // Document frequencies over the corpus; null means every feature weighs the same.
  std::shared_ptr<const IdfTable> idf = nullptr;
};

class HashingEmbedder final : public Embedder {
 public:
  // Checks the options (dimension in [8, 65536], 1 <= min <= max <= 8 n-gram sizes, finite
  // non-negative weights that are not all zero).
  static Result<HashingEmbedder> create(HashingEmbedderOptions options = {});

  // "hashing-v1-<dimension>", plus "-o<hash>" when the feature options differ from the
  // defaults and "-idf" when an IDF table is used.
  std::string id() const override;
  int dimension() const override { return options_.dimension; }
  Result<std::vector<float>> embed(std::string_view text) const override;

  // The feature hashes of `text` (each occurrence once), as IdfTable::add_document expects.
  std::vector<uint64_t> feature_hashes(std::string_view text) const;

 private:
  explicit HashingEmbedder(HashingEmbedderOptions options) : options_(std::move(options)) {}

  HashingEmbedderOptions options_;
};

// Counts the features of every text of `corpus` into a new IdfTable for `embedder`'s options.
IdfTable build_idf_table(const HashingEmbedder& embedder, const std::vector<std::string>& corpus);

}  // namespace expgraph::similarity
