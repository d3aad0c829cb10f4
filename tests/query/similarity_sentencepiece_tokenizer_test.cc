// The `use` embedder's tokenizer: hand-checked segmentations on a tiny vocabulary, including the
// quirks of the JavaScript runner it reproduces (unknown runs merged, a best score of exactly 0
// overwritten), and NFKC with the "▁" marks. The real vocabulary's tokens of the reference
// sentences are compared with the runner's in similarity_sentence_encoder_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "query/similarity/sentencepiece_tokenizer.h"

namespace expgraph::similarity {
namespace {

// Ids 0 and 1 are reserved; 0 is the unknown piece, U+FFFD as in the real vocabulary.
SentencePieceTokenizer tiny_piece_tokenizer() {
  // id: piece, score
  const std::vector<std::string> pieces = {
      "\uFFFD",  // 0: the unknown piece (reserved)
      "<s>",     // 1: reserved
      "▁",       // 2: -4
      "▁a",      // 3: -1
      "▁ab",     // 4: -3
      "a",       // 5: -1
      "b",       // 6: -1.5
      "▁:",      // 7: 0, as the seven null-scored pieces of the real vocabulary
      ")",       // 8: -1
      "<s>",     // 9: -2, a repeat of a reserved piece: matched
      "b",       // 10: -1.25, a repeat: the last one wins
  };
  const std::vector<double> scores = {0, 0, -4, -1, -3, -1, -1.5, 0, -1, -2, -1.25};
  auto tokenizer = SentencePieceTokenizer::create(pieces, scores, 2);
  EXPECT_TRUE(tokenizer.ok()) << tokenizer.status().to_string();
  return std::move(tokenizer).value();
}

TEST(SentencePieceTokenizerTest, ViterbiPicksTheBestScoringSegmentation) {
  const SentencePieceTokenizer tokenizer = tiny_piece_tokenizer();
  // "▁ab": "▁ab" alone scores -3; "▁a" + "b" scores -1 + -1.25 (the later "b" wins) = -2.25.
  EXPECT_EQ(tokenizer.encode("ab"), (std::vector<int32_t>{3, 10}));
  // "▁a▁ab": -1, then "▁a" + "b" again.
  EXPECT_EQ(tokenizer.encode("a ab"), (std::vector<int32_t>{3, 3, 10}));
}

TEST(SentencePieceTokenizerTest, PositionsNoPieceEndsAtCountAsZeroAsTheRunnerDoes) {
  const SentencePieceTokenizer tokenizer = tiny_piece_tokenizer();
  // "▁<s>": the reserved "<s>" (id 1) is not matched, its repeat (id 9, -2) is; but no piece
  // ends after "<" (a piece starts there, so no unknown does), so that position keeps score 0
  // and id 0, and the unknown "s" and ">" continuing from it (0 + 0) beat "▁" + "<s>" (-6).
  EXPECT_EQ(tokenizer.encode("<s>"), (std::vector<int32_t>{2, 0}));
  EXPECT_TRUE(tokenizer.encode("").empty());
}

TEST(SentencePieceTokenizerTest, UnknownRunsAreMergedIntoOneUnknownPiece) {
  const SentencePieceTokenizer tokenizer = tiny_piece_tokenizer();
  // "▁a▁xy": "▁a" -1, "▁" -4, then x and y unknown (score 0 each), merged.
  EXPECT_EQ(tokenizer.encode("a xy"), (std::vector<int32_t>{3, 2, 0}));
  // Unknown runs apart stay apart.
  EXPECT_EQ(tokenizer.encode("xa y"), (std::vector<int32_t>{2, 0, 5, 2, 0}));
  // A non-ASCII unknown code point is one unknown piece, even outside the BMP.
  EXPECT_EQ(tokenizer.encode("a 😀a"), (std::vector<int32_t>{3, 2, 0, 5}));
}

TEST(SentencePieceTokenizerTest, ABestScoreOfExactlyZeroIsOverwrittenAsTheRunnerDoes) {
  const SentencePieceTokenizer tokenizer = tiny_piece_tokenizer();
  // "▁:)": "▁:" (0) + ")" (-1) scores -1, but after "▁:" the best at that position is exactly 0,
  // which the runner reads as "nothing yet": the unknown ":" after "▁" (-4 + 0) replaces it.
  EXPECT_EQ(tokenizer.encode(":)"), (std::vector<int32_t>{2, 0, 8}));
}

TEST(SentencePieceTokenizerTest, NormalisesWithNfkcAndMarksSpaces) {
  EXPECT_EQ(SentencePieceTokenizer::normalize(""), U"");
  EXPECT_EQ(SentencePieceTokenizer::normalize("a b"), U"\u2581a\u2581b");
  EXPECT_EQ(SentencePieceTokenizer::normalize(" "), U"\u2581\u2581");
  // Compatibility characters: full-width letters, the "fi" ligature, the ellipsis, a
  // non-breaking space (NFKC makes it a space, hence a mark); a tab is kept.
  EXPECT_EQ(SentencePieceTokenizer::normalize("Ｆﬁ…"), U"\u2581Ffi...");
  EXPECT_EQ(SentencePieceTokenizer::normalize("a\u00a0b\tc"), U"\u2581a\u2581b\tc");
  // A decomposed accent is composed: "e" + U+0301 is "é".
  EXPECT_EQ(SentencePieceTokenizer::normalize("Cafe\u0301"), U"\u2581Caf\u00e9");
  // No lower-casing: the vocabulary has upper-case pieces.
  EXPECT_EQ(SentencePieceTokenizer::normalize("AbC"), U"\u2581AbC");
}

TEST(SentencePieceTokenizerTest, RejectsAVocabularyItCannotRead) {
  EXPECT_FALSE(SentencePieceTokenizer::create({"a", "b"}, {0.0}, 0).ok());
  EXPECT_FALSE(SentencePieceTokenizer::create({"a", "\xFF"}, {0.0, 0.0}, 0).ok());
  EXPECT_FALSE(SentencePieceTokenizer::create({"a", ""}, {0.0, 0.0}, 0).ok());
  EXPECT_FALSE(SentencePieceTokenizer::create({}, {}, 0).ok());
}

}  // namespace
}  // namespace expgraph::similarity
