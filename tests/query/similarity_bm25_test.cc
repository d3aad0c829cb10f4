// Tests of the BM25 index against scores computed by hand on a three-document corpus.
#include <gtest/gtest.h>

#include "query/similarity/bm25_index.h"

namespace expgraph::similarity {
namespace {

// Corpus: d1 "red shoes" (|d|=2), d2 "red red hat" (3), d3 "blue hat sale" (3).
// N = 3, avgdl = 8/3. Query "red hat"; k1 = 1.2, b = 0.75.
// idf(red) = idf(hat) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln 1.6 = 0.4700036
// length norms K = k1 * (1 - b + b * |d| / avgdl):
//   |d| = 2: 1.2 * (0.25 + 0.75 * 0.75)  = 0.975
//   |d| = 3: 1.2 * (0.25 + 0.75 * 1.125) = 1.3125
// d1: red tf 1: 0.4700036 * 2.2 / (1 + 0.975)          = 0.5235484
// d2: red tf 2: 0.4700036 * 2 * 2.2 / (2 + 1.3125)     = 0.6243066
//     hat tf 1: 0.4700036 * 2.2 / (1 + 1.3125)         = 0.4471385  -> 1.0714451
// d3: hat tf 1:                                          0.4471385
// Order: d2, d1, d3 (d1 beats d3 on the same single match because it is shorter).
class Bm25HandComputed : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.upsert(1, "red shoes");
    index_.upsert(2, "Red red HAT");
    index_.upsert(3, "blue hat sale");
  }
  Bm25Index index_;
};

TEST_F(Bm25HandComputed, ScoresMatchTheFormula) {
  const std::vector<ScoredId> hits = index_.search("red hat", 10);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, 2u);
  EXPECT_NEAR(hits[0].score, 1.0714451, 1e-5);
  EXPECT_EQ(hits[1].id, 1u);
  EXPECT_NEAR(hits[1].score, 0.5235484, 1e-5);
  EXPECT_EQ(hits[2].id, 3u);
  EXPECT_NEAR(hits[2].score, 0.4471385, 1e-5);
}

TEST_F(Bm25HandComputed, RepeatedQueryTermsCountOnce) {
  EXPECT_EQ(index_.search("red red hat hat", 10), index_.search("hat red", 10));
}

TEST_F(Bm25HandComputed, KAndAllowListCutAfterFiltering) {
  const std::vector<ScoredId> top1 = index_.search("red hat", 1);
  ASSERT_EQ(top1.size(), 1u);
  EXPECT_EQ(top1[0].id, 2u);
  const std::vector<uint64_t> allow = {3, 99};
  const std::vector<ScoredId> filtered = index_.search("red hat", 1, allow);
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0].id, 3u);
  EXPECT_TRUE(index_.search("unrelated words", 10).empty());
  EXPECT_TRUE(index_.search("red", 0).empty());
}

TEST_F(Bm25HandComputed, UpsertReplacesAndRemoveForgets) {
  index_.upsert(1, "green boots");  // d1 no longer mentions red
  EXPECT_EQ(index_.size(), 3u);
  std::vector<ScoredId> hits = index_.search("red", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 2u);
  EXPECT_TRUE(index_.remove(2));
  EXPECT_FALSE(index_.remove(2));
  EXPECT_TRUE(index_.search("red", 10).empty());
  hits = index_.search("boots", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 1u);
  EXPECT_EQ(index_.size(), 2u);
}

TEST(Bm25Index, StopwordsDoNotMatch) {
  Bm25Index index;
  index.upsert(1, "the checkout page");
  index.upsert(2, "the pricing page");
  const std::vector<ScoredId> hits = index.search("the checkout", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 1u);
}

// Coverage on the same corpus: the share of the query's idf mass each document holds, term
// frequency saturated as in BM25 and capped at 1 (d1 red: 2.2 / 1.975 > 1 -> 1; d2 hat:
// 2.2 / 2.3125 = 0.9513514). "red hat": d1 0.5, d2 (1 + 0.9513514) / 2 = 0.9756757,
// d3 0.4756757. "red unicorn": unicorn is in no document, idf ln(1 + 3.5 / 0.5) = ln 8, so
// d1 covers ln 1.6 / (ln 1.6 + ln 8) = 0.1843553.
TEST_F(Bm25HandComputed, CoverageIsTheShareOfTheQuerysIdfMass) {
  const std::vector<uint64_t> ids = {1, 2, 3, 99};
  const std::vector<double> red_hat = index_.coverage("red hat", ids);
  ASSERT_EQ(red_hat.size(), 4u);
  EXPECT_NEAR(red_hat[0], 0.5, 1e-9);
  EXPECT_NEAR(red_hat[1], 0.9756757, 1e-6);
  EXPECT_NEAR(red_hat[2], 0.4756757, 1e-6);
  EXPECT_EQ(red_hat[3], 0.0);  // unknown id
  EXPECT_NEAR(index_.coverage("red unicorn", ids)[0], 0.1843553, 1e-6);
  EXPECT_NEAR(index_.coverage("red shoes", ids)[0], 1.0, 1e-9);
  EXPECT_EQ(index_.coverage("the", ids)[0], 0.0);  // nothing but a stopword that d1 lacks
}

}  // namespace
}  // namespace expgraph::similarity
