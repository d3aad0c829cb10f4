#include "query/similarity/glove_embedder.h"

#include <cmath>
#include <cstdio>

#include "query/similarity/model_file.h"
#include "query/similarity/stable_hash.h"
#include "query/similarity/text_normalizer.h"

namespace expgraph::similarity {

namespace {

// Below this norm a sentence vector is numerically nothing but the common component (or no
// known word): it is returned as zeros rather than as amplified rounding noise.
constexpr double kMinNorm = 1e-9;

}  // namespace

Result<GloveEmbedder> GloveEmbedder::load(const std::string& path, GloveEmbedderOptions options) {
  auto bytes = read_model_file(path, "word vectors", "tools/fetch-word-vectors");
  if (!bytes.ok()) return bytes.status();
  auto embedder = from_bytes(*bytes, options);
  if (!embedder.ok()) {
    Status status = embedder.status();
    return status.prepend(path);
  }
  return embedder;
}

Result<GloveEmbedder> GloveEmbedder::from_bytes(std::string_view bytes,
                                                GloveEmbedderOptions options) {
  auto vectors = decode_word_vectors(bytes);
  if (!vectors.ok()) return vectors.status();
  return GloveEmbedder(std::move(vectors).value(), stable_hash64(bytes), options);
}

GloveEmbedder::GloveEmbedder(WordVectors vectors, uint64_t file_hash, GloveEmbedderOptions options)
    : vectors_(std::move(vectors)), file_hash_(file_hash), options_(options) {
  // The views point into vectors_.words, which is never modified after this point.
  rows_.reserve(vectors_.words.size());
  weights_.reserve(vectors_.words.size());
  for (size_t i = 0; i < vectors_.words.size(); ++i) {
    rows_.emplace(vectors_.words[i], static_cast<uint32_t>(i));
    weights_.push_back(vectors_.sif_a / (vectors_.sif_a + vectors_.probabilities[i]));
  }
}

std::string GloveEmbedder::id() const {
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(file_hash_));
  return "glove-v1-" + std::to_string(vectors_.dimension) + "-" + hash +
         (options_.remove_stopwords ? "-sw" : "");
}

float GloveEmbedder::weight(std::string_view word) const {
  auto it = rows_.find(word);
  return it == rows_.end() ? 0.0f : weights_[it->second];
}

Result<std::vector<float>> GloveEmbedder::embed(std::string_view text) const {
  const size_t dimension = static_cast<size_t>(vectors_.dimension);
  std::vector<double> sum(dimension, 0.0);
  size_t known = 0;
  for (const std::string& token :
       tokenize(text, TokenizerOptions{.remove_stopwords = options_.remove_stopwords})) {
    auto it = rows_.find(token);
    if (it == rows_.end()) continue;
    const float* row = vectors_.matrix.data() + static_cast<size_t>(it->second) * dimension;
    const double weight = weights_[it->second];
    for (size_t d = 0; d < dimension; ++d) sum[d] += weight * row[d];
    ++known;
  }
  std::vector<float> out(dimension, 0.0f);
  if (known == 0) return out;
  // The 1/|s| of the average is left out: the result is L2-normalised, and removing the
  // projection on the component is linear, so the scale changes nothing.
  double projection = 0.0;
  for (size_t d = 0; d < dimension; ++d) projection += sum[d] * vectors_.common_component[d];
  double norm = 0.0;
  for (size_t d = 0; d < dimension; ++d) {
    sum[d] -= projection * vectors_.common_component[d];
    norm += sum[d] * sum[d];
  }
  norm = std::sqrt(norm);
  if (norm < kMinNorm) return out;
  for (size_t d = 0; d < dimension; ++d) out[d] = static_cast<float>(sum[d] / norm);
  return out;
}

}  // namespace expgraph::similarity
