// Embedder: turns a text into a fixed-size float vector for similarity search. The similarity
// service stores id() beside every vector, so that a change of embedder triggers a re-index.
// Implementations must be thread-safe: embed() is const and may run on many threads at once.
#pragma once

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
};

}  // namespace expgraph::similarity
