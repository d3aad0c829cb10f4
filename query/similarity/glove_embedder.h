// GloveEmbedder: the `glove` Embedder. A text is embedded as the SIF-weighted average of the
// pretrained word vectors of its tokens, with the common component removed (Arora, Liang and
// Ma, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings", ICLR 2017):
//   v(s) = (1/|s|) sum_{w in s} a / (a + p(w)) * v_w;   v(s) -= <v(s), c> c;   L2-normalise.
// Words missing from the matrix are skipped. The weights a, p(w) and the component c come
// from the matrix file (tools/fetch-word-vectors), so vectors are comparable across restarts.
// Used by the similarity service (--embedder glove). Immutable, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ontology/status.h"
#include "query/similarity/embedder.h"
#include "query/similarity/word_vectors.h"

namespace expgraph::similarity {

struct GloveEmbedderOptions {
  // SIF already gives function words little weight, so they are kept by default (as in the
  // paper); dropping them changes the vectors, hence the id.
  bool remove_stopwords = false;
};

class GloveEmbedder final : public Embedder {
 public:
  // Reads and checks the matrix file; not_found (with how to fetch it) when it is missing.
  static Result<GloveEmbedder> load(const std::string& path, GloveEmbedderOptions options = {});
  // The same from the file's bytes (tests write small synthetic matrices).
  static Result<GloveEmbedder> from_bytes(std::string_view bytes,
                                          GloveEmbedderOptions options = {});

  // Move-only: the word index holds views into the word list, which a move keeps in place
  // (the vector's buffer changes hands) but a copy would not.
  GloveEmbedder(GloveEmbedder&&) = default;
  GloveEmbedder& operator=(GloveEmbedder&&) = default;
  GloveEmbedder(const GloveEmbedder&) = delete;
  GloveEmbedder& operator=(const GloveEmbedder&) = delete;

  // "glove-v1-<dimension>-<16 hex digits of a hash of the matrix file>" (plus "-sw" when
  // stopwords are removed): another matrix, even one of the same size, is another embedder.
  std::string id() const override;
  int dimension() const override { return vectors_.dimension; }
  Result<std::vector<float>> embed(std::string_view text) const override;

  // The number of words with a vector.
  size_t word_count() const { return vectors_.words.size(); }
  // The SIF weight a / (a + p(w)) of `word`, or 0 when it has no vector.
  float weight(std::string_view word) const;

 private:
  GloveEmbedder(WordVectors vectors, uint64_t file_hash, GloveEmbedderOptions options);

  WordVectors vectors_;
  uint64_t file_hash_;
  GloveEmbedderOptions options_;
  std::unordered_map<std::string_view, uint32_t> rows_;  // views into vectors_.words
  std::vector<float> weights_;                           // per row
};

}  // namespace expgraph::similarity
