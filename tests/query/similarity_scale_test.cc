// The similarity scale (similarity_scale.h): the mean of the components, the embedder's cosine
// calibration, the discount of a hit sharing at most one word of a longer query, and the
// shared-word counts Bm25Index::match gives it.
#include <gtest/gtest.h>

#include "query/similarity/bm25_index.h"
#include "query/similarity/similarity_scale.h"

namespace expgraph::similarity {
namespace {

SimilarityComponents components(std::optional<double> cosine, std::optional<double> lexical,
                                size_t query_words, size_t shared_words) {
  SimilarityComponents c;
  c.cosine = cosine;
  c.lexical = lexical;
  c.query_words = query_words;
  c.shared_words = shared_words;
  return c;
}

TEST(SimilarityScale, MeanOfTheComponentsPresent) {
  const SimilarityScale plain{.cosine_offset = 0.0, .single_word_factor = 1.0};
  EXPECT_DOUBLE_EQ(combined_similarity(components(0.4, 0.8, 3, 2), plain), 0.6);
  EXPECT_DOUBLE_EQ(combined_similarity(components(std::nullopt, 0.8, 3, 2), plain), 0.8);
  EXPECT_DOUBLE_EQ(combined_similarity(components(std::nullopt, std::nullopt, 0, 0), plain), 0.0);
  // Out-of-range components are clamped.
  EXPECT_DOUBLE_EQ(combined_similarity(components(1.5, -0.2, 3, 2), plain), 0.5);
}

TEST(SimilarityScale, OneSharedWordOfALongerQueryIsDiscounted) {
  const SimilarityScale scale{.cosine_offset = 0.0, .single_word_factor = 0.6};
  const double full = combined_similarity(components(0.4, 0.8, 3, 2), scale);
  EXPECT_DOUBLE_EQ(full, 0.6);
  EXPECT_DOUBLE_EQ(combined_similarity(components(0.4, 0.8, 3, 1), scale), 0.6 * 0.6);
  EXPECT_DOUBLE_EQ(combined_similarity(components(0.4, 0.0, 3, 0), scale), 0.2 * 0.6);
  // A one-word query sharing its word is not discounted: it shares all it has.
  EXPECT_DOUBLE_EQ(combined_similarity(components(0.4, 0.8, 1, 1), scale), 0.6);
  // Without query words (an embedding alone) there is nothing to count.
  EXPECT_DOUBLE_EQ(combined_similarity(components(0.4, std::nullopt, 0, 0), scale), 0.4);
  // The product's default discounts too.
  EXPECT_LT(combined_similarity(components(0.4, 0.8, 3, 1)),
            combined_similarity(components(0.4, 0.8, 3, 2)));
}

TEST(SimilarityScale, TheCosineIsCalibratedByTheEmbeddersOffset) {
  const SimilarityScale calibrated{.cosine_offset = 0.5, .single_word_factor = 1.0};
  // (0.75 - 0.5) / (1 - 0.5) = 0.5; a cosine at or below the offset counts as 0; 1 stays 1.
  EXPECT_DOUBLE_EQ(combined_similarity(components(0.75, std::nullopt, 2, 2), calibrated), 0.5);
  EXPECT_DOUBLE_EQ(combined_similarity(components(0.3, std::nullopt, 2, 2), calibrated), 0.0);
  EXPECT_DOUBLE_EQ(combined_similarity(components(1.0, std::nullopt, 2, 2), calibrated), 1.0);
  EXPECT_GE(cosine_offset_for("hashing-v1-384"), 0.0);
  EXPECT_LT(cosine_offset_for("hashing-v1-384"), 1.0);
  EXPECT_EQ(cosine_offset_for("client-768"), 0.0);
  EXPECT_GE(cosine_offset_for("glove-v1-100-abc"), 0.0);
  EXPECT_LT(cosine_offset_for("glove-v1-100-abc"), 1.0);
  EXPECT_GE(cosine_offset_for("use-lite-v1-512-abc"), 0.0);
  EXPECT_LT(cosine_offset_for("use-lite-v1-512-abc"), 1.0);
}

TEST(SimilarityScale, Bm25MatchCountsTheQueryWordsEachDocumentShares) {
  Bm25Index index;
  index.upsert(1, "free shipping on mobile checkout");
  index.upsert(2, "how nashville got free");
  index.upsert(3, "the weather");
  const std::vector<uint64_t> ids = {1, 2, 3, 99};
  const Bm25Index::QueryMatch match = index.match("free shipping on mobile", ids);
  EXPECT_EQ(match.query_terms, 3u);  // "on" is a stopword
  EXPECT_EQ(match.shared_terms, (std::vector<uint32_t>{3, 1, 0, 0}));
  EXPECT_EQ(match.coverage, index.coverage("free shipping on mobile", ids));
  EXPECT_GT(match.coverage[0], match.coverage[1]);
}

}  // namespace
}  // namespace expgraph::similarity
