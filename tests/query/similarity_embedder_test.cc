// Tests of the hashing embedder: determinism, shape, and that similar texts score higher than
// unrelated ones.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "query/similarity/hashing_embedder.h"
#include "test_support/cosine.h"

namespace expgraph::similarity {
namespace {

using testing::cosine;

HashingEmbedder make(HashingEmbedderOptions options = {}) {
  Result<HashingEmbedder> embedder = HashingEmbedder::create(std::move(options));
  EXPECT_TRUE(embedder.ok()) << embedder.status().to_string();
  return std::move(embedder).value();
}

std::vector<float> embed(const Embedder& embedder, std::string_view text) {
  Result<std::vector<float>> vector = embedder.embed(text);
  EXPECT_TRUE(vector.ok()) << vector.status().to_string();
  return vector.ok() ? vector.value() : std::vector<float>{};
}

TEST(SimilarityHashingEmbedder, IsDeterministicWithAStableId) {
  const HashingEmbedder a = make();
  const HashingEmbedder b = make();
  EXPECT_EQ(a.id(), "hashing-v1-384");
  EXPECT_EQ(a.dimension(), 384);
  const std::string text = "Showing delivery dates on the product page increases add-to-cart rate";
  EXPECT_EQ(embed(a, text), embed(b, text));
  // Pinned: a change of features, seeds or hashing must bump the id's version.
  const std::vector<float> v = embed(a, "free shipping");
  double checksum = 0;
  for (size_t i = 0; i < v.size(); ++i) checksum += v[i] * static_cast<double>(i % 7 + 1);
  EXPECT_NEAR(checksum, 2.2401968, 1e-5);
}

TEST(SimilarityHashingEmbedder, VectorsAreUnitLengthOfTheConfiguredDimension) {
  const HashingEmbedder embedder = make({.dimension = 64});
  EXPECT_EQ(embedder.id(), "hashing-v1-64");
  const std::vector<float> v = embed(embedder, "Urgency countdown timer on checkout");
  ASSERT_EQ(v.size(), 64u);
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  EXPECT_NEAR(norm, 1.0, 1e-5);
}

TEST(SimilarityHashingEmbedder, EmptyAndPunctuationOnlyTextsAreZero) {
  const HashingEmbedder embedder = make();
  for (std::string_view text : {"", "   ", "?!-- ...", "\xFF\xFE"}) {
    const std::vector<float> v = embed(embedder, text);
    ASSERT_EQ(v.size(), 384u);
    for (float x : v) ASSERT_EQ(x, 0.0f) << "text: " << text;
  }
}

TEST(SimilarityHashingEmbedder, DuplicatesNearDuplicatesAndUnrelatedTexts) {
  const HashingEmbedder embedder = make();
  const std::string base = "Adding customer reviews to the product page increases conversion rate";
  const std::vector<float> v = embed(embedder, base);
  const double duplicate = cosine(v, embed(embedder, base));
  const double reformatted = cosine(
      v, embed(embedder, "adding CUSTOMER reviews to the product-page increases conversion rate!"));
  const double one_word = cosine(
      v, embed(embedder, "Adding customer ratings to the product page increases conversion rate"));
  const double paraphrase =
      cosine(v, embed(embedder, "Customer reviews on product pages raise the conversion rate"));
  const double unrelated = cosine(
      v, embed(embedder, "Sending the newsletter on Tuesday morning lifts email open rates"));
  const double random_text = cosine(v, embed(embedder, "zebra quantum glacier violin"));
  EXPECT_NEAR(duplicate, 1.0, 1e-6);
  EXPECT_NEAR(reformatted, 1.0, 1e-6);
  EXPECT_GT(one_word, 0.8);
  EXPECT_GT(paraphrase, 0.4);
  EXPECT_GT(one_word, paraphrase);
  EXPECT_GT(paraphrase, unrelated);
  EXPECT_LT(unrelated, 0.3);
  EXPECT_LT(random_text, 0.2);
}

TEST(SimilarityHashingEmbedder, IdfDownweightsCorpusWideTerms) {
  const HashingEmbedder plain = make();
  // "checkout" appears in every document: with IDF it should matter less.
  const std::vector<std::string> corpus = {
      "checkout button color", "checkout page speed",      "checkout trust badges",
      "checkout guest option", "checkout express payment", "checkout progress bar",
      "homepage hero image",   "checkout coupon field",    "checkout address autocomplete",
  };
  auto idf = std::make_shared<IdfTable>(build_idf_table(plain, corpus));
  EXPECT_EQ(idf->document_count(), corpus.size());
  EXPECT_LT(idf->idf(plain.feature_hashes("checkout")[0]),
            idf->idf(plain.feature_hashes("hero")[0]));
  const HashingEmbedder weighted = make({.idf = idf});
  EXPECT_EQ(weighted.id(), "hashing-v1-384-idf");
  const double before =
      cosine(embed(plain, "checkout button color"), embed(plain, "checkout page speed"));
  const double after =
      cosine(embed(weighted, "checkout button color"), embed(weighted, "checkout page speed"));
  EXPECT_LT(after, before);
  EXPECT_EQ(embed(weighted, "checkout page speed"), embed(weighted, "checkout page speed"));
}

TEST(SimilarityHashingEmbedder, OptionsAreValidatedAndNamed) {
  EXPECT_FALSE(HashingEmbedder::create({.dimension = 4}).ok());
  EXPECT_FALSE(HashingEmbedder::create({.min_char_ngram = 4, .max_char_ngram = 3}).ok());
  EXPECT_FALSE(
      HashingEmbedder::create({.word_weight = 0, .bigram_weight = 0, .char_weight = 0}).ok());
  EXPECT_FALSE(HashingEmbedder::create({.char_weight = NAN}).ok());
  const HashingEmbedder custom = make({.remove_stopwords = false});
  EXPECT_NE(custom.id(), "hashing-v1-384");
  EXPECT_EQ(custom.id().rfind("hashing-v1-384-o", 0), 0u) << custom.id();
  EXPECT_EQ(custom.id(), make({.remove_stopwords = false}).id());
}

}  // namespace
}  // namespace expgraph::similarity
