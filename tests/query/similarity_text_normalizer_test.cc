// Tests of the shared tokenizer: case, digits, separators, UTF-8 handling and stopwords.
#include <gtest/gtest.h>

#include "query/similarity/stable_hash.h"
#include "query/similarity/text_normalizer.h"

namespace expgraph::similarity {
namespace {

using Tokens = std::vector<std::string>;

TEST(SimilarityTokenizer, LowerCasesAsciiKeepsDigitsSplitsOnPunctuation) {
  EXPECT_EQ(tokenize("Free-Shipping boosts CVR by 12.5%!"),
            (Tokens{"free", "shipping", "boosts", "cvr", "by", "12", "5"}));
  EXPECT_EQ(tokenize("  \t\n"), Tokens{});
  EXPECT_EQ(tokenize(""), Tokens{});
  EXPECT_EQ(tokenize("A/B test_v2"), (Tokens{"a", "b", "test", "v2"}));
}

TEST(SimilarityTokenizer, KeepsUtf8LettersAndSplitsOnUnicodePunctuation) {
  // Non-ASCII letters are kept byte for byte (no Unicode case folding).
  EXPECT_EQ(tokenize("Café crème"), (Tokens{"café", "crème"}));
  // Em dash, curly quotes, non-breaking space and an emoji separate words.
  EXPECT_EQ(tokenize("price\xE2\x80\x94"
                     "value \xE2\x80\x9C"
                     "best\xE2\x80\x9D\xC2\xA0"
                     "deal\xF0\x9F\x98\x80"
                     "ok"),
            (Tokens{"price", "value", "best", "deal", "ok"}));
  EXPECT_EQ(tokenize("日本語 テスト"), (Tokens{"日本語", "テスト"}));
}

TEST(SimilarityTokenizer, InvalidUtf8BytesSeparateTokens) {
  EXPECT_EQ(tokenize("abc\xFF"
                     "def\xC3"),
            (Tokens{"abc", "def"}));
  EXPECT_EQ(tokenize("x\xED\xA0\x80y"), (Tokens{"x", "y"}));  // an encoded surrogate
}

TEST(SimilarityTokenizer, RemovesStopwordsOnlyWhenAsked) {
  const TokenizerOptions drop{.remove_stopwords = true};
  EXPECT_EQ(tokenize("The banner is not on the page", drop), (Tokens{"banner", "not", "page"}));
  EXPECT_EQ(tokenize("The banner is not on the page").size(), 7u);
  // A text made only of stopwords keeps them, so it is still searchable.
  EXPECT_EQ(tokenize("to be or not to be", drop), Tokens{"not"});
  EXPECT_EQ(tokenize("to be or to be", drop), (Tokens{"to", "be", "or", "to", "be"}));
  EXPECT_TRUE(is_stopword("the"));
  EXPECT_FALSE(is_stopword("not"));
  EXPECT_FALSE(is_stopword("checkout"));
}

TEST(SimilarityTokenizer, TruncatesLongTokensAtCodePointBoundaries) {
  const TokenizerOptions opts{.max_token_bytes = 5};
  EXPECT_EQ(tokenize("abcdefgh ééé", opts), (Tokens{"abcde", "éé"}));
}

// The hash decides every embedding bucket: if these change, stored vectors are stale.
TEST(SimilarityStableHash, IsPinned) {
  static_assert(stable_hash64("") == stable_hash64("", 0));
  EXPECT_EQ(stable_hash64("checkout"), stable_hash64("checkout"));
  EXPECT_NE(stable_hash64("checkout"), stable_hash64("checkout", 1));
  EXPECT_EQ(stable_hash64("abc"), 3741276987793851837ULL);
}

}  // namespace
}  // namespace expgraph::similarity
