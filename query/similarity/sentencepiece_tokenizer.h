// SentencePieceTokenizer: the unigram sentencepiece tokenization of the `use` embedder, exactly
// as the Universal Sentence Encoder's JavaScript runner (@energetic-ai/embeddings 0.2.0) does it,
// so that the C++ encoder sees the token ids the model was run with:
//   - the text is NFKC-normalised (ICU), and when not empty, prefixed with U+2581 "▁" and every
//     ASCII space replaced by "▁" (other whitespace is kept as it is, and is unknown);
//   - the best segmentation maximises the sum of the piece scores (Viterbi over code points);
//     a position where no piece starts gets an unknown piece (id 0, score 0) one code point long;
//   - runs of unknown pieces are merged into one.
// The runner's quirks are kept on purpose (see the .cc): a position that no piece ends at counts
// as score 0, a candidate replaces the best when the best is exactly 0 or the candidate is at
// least as good, and the backtrack steps back by the piece's length in UTF-16 code units.
// Used by SentenceEncoderEmbedder. Immutable after creation, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ontology/status.h"

namespace expgraph::similarity {

class SentencePieceTokenizer {
 public:
  // The tokenizer of the vocabulary `pieces` (by id) with their `scores`; ids below
  // `reserved_pieces` are never matched (id 0 is the unknown piece). When pieces repeat, the
  // last one wins. invalid_argument when sizes disagree or a piece is not valid UTF-8.
  static Result<SentencePieceTokenizer> create(const std::vector<std::string>& pieces,
                                               const std::vector<double>& scores,
                                               uint32_t reserved_pieces);

  // The token ids of `text` (empty for an empty text). Invalid UTF-8 reads as U+FFFD.
  std::vector<int32_t> encode(std::string_view text) const;

  // The code points the segmentation runs over: NFKC, then the "▁" marks.
  static std::u32string normalize(std::string_view text);

 private:
  struct TrieNode {
    bool end = false;
    double score = 0;
    int32_t id = 0;
  };
  SentencePieceTokenizer() = default;
  int32_t child(int32_t node, char32_t symbol) const;

  std::vector<TrieNode> nodes_;                     // 0 is the root
  std::unordered_map<uint64_t, int32_t> children_;  // (node << 21 | code point) -> node
  std::vector<int32_t> utf16_lengths_;              // by id
};

}  // namespace expgraph::similarity
