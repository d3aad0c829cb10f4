// Embedder: turns a text into a fixed-size float vector for similarity search. The similarity
// service stores id() beside every vector, so that a change of embedder triggers a re-index.
// Implementations must be thread-safe: embed() and embed_batch() are const and may run on many
// threads at once.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace expgraph::similarity {

class Embedder {
 public:
  virtual ~Embedder() = default;

  // A stable name of the function text -> vector ("hashing-v1-384"); two embedders with the
  // same id produce the same vector for the same text, in any process, on any build.
  virtual std::string id() const = 0;
  // The length of every vector embed() returns.
  virtual int dimension() const = 0;
  // The embedding of `text`: dimension() floats, L2 norm 1, or all zeros when the text has no
  // token. Fails with invalid_argument only on input the embedder cannot read.
  virtual Result<std::vector<float>> embed(std::string_view text) const = 0;
  // embed() of each text, in order. Each text keeps its own result, so that a caller can say
  // which one failed. Embedders that can share work across texts (use: one matrix product per
  // layer for the whole batch instead of one per text) override it; the result is the same up
  // to float rounding.
  virtual std::vector<Result<std::vector<float>>> embed_batch(
      std::span<const std::string_view> texts) const {
    std::vector<Result<std::vector<float>>> vectors;
    vectors.reserve(texts.size());
    for (std::string_view text : texts) vectors.push_back(embed(text));
    return vectors;
  }
};

}  // namespace expgraph::similarity
