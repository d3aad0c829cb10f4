// Tests of reciprocal-rank fusion against sums computed by hand.
#include <gtest/gtest.h>

#include "query/similarity/rank_fusion.h"

namespace expgraph::similarity {
namespace {

std::vector<ScoredId> ranked(std::initializer_list<uint64_t> ids) {
  std::vector<ScoredId> list;
  float score = 100.0f;
  for (uint64_t id : ids) list.push_back(ScoredId{id, score--});
  return list;
}

// A = [1, 2, 3], B = [3, 1, 4], k = 60:
//   1: 1/61 + 1/62 = 0.0325217
//   3: 1/63 + 1/61 = 0.0322664
//   2: 1/62        = 0.0161290
//   4: 1/63        = 0.0158730
TEST(SimilarityRankFusion, FusesByReciprocalRank) {
  const std::vector<std::vector<ScoredId>> lists = {ranked({1, 2, 3}), ranked({3, 1, 4})};
  const std::vector<FusedHit> fused = reciprocal_rank_fusion(lists);
  ASSERT_EQ(fused.size(), 4u);
  EXPECT_EQ(fused[0].id, 1u);
  EXPECT_NEAR(fused[0].score, 1.0 / 61 + 1.0 / 62, 1e-12);
  EXPECT_EQ(fused[0].ranks, (std::vector<int>{1, 2}));
  EXPECT_EQ(fused[1].id, 3u);
  EXPECT_NEAR(fused[1].score, 1.0 / 63 + 1.0 / 61, 1e-12);
  EXPECT_EQ(fused[2].id, 2u);
  EXPECT_EQ(fused[2].ranks, (std::vector<int>{2, 0}));
  EXPECT_EQ(fused[3].id, 4u);
  EXPECT_NEAR(fused[3].score, 1.0 / 63, 1e-12);
}

TEST(SimilarityRankFusion, WeightsRepeatsAndEmptyInput) {
  // Weight 2 on the second list.
  const std::vector<std::vector<ScoredId>> lists = {ranked({1, 2}), ranked({4, 1})};
  const std::vector<double> weights = {1.0, 2.0};
  std::vector<FusedHit> fused = reciprocal_rank_fusion(lists, 60.0, weights);
  ASSERT_EQ(fused.size(), 3u);
  EXPECT_EQ(fused[0].id, 1u);  // 1/61 + 2/62 = 0.04865
  EXPECT_EQ(fused[1].id, 4u);  // 2/61 = 0.03279
  EXPECT_EQ(fused[2].id, 2u);  // 1/62 = 0.01613

  // An id repeated in one list counts at its first rank only; later items keep their position.
  const std::vector<std::vector<ScoredId>> tied = {ranked({9, 9, 5}), ranked({5, 9})};
  fused = reciprocal_rank_fusion(tied);
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].id, 9u);  // 1/61 + 1/62
  EXPECT_EQ(fused[1].id, 5u);  // 1/63 + 1/61
  EXPECT_EQ(fused[0].ranks, (std::vector<int>{1, 2}));

  EXPECT_TRUE(reciprocal_rank_fusion({}).empty());
}

TEST(SimilarityRankFusion, EqualScoresOrderById) {
  const std::vector<std::vector<ScoredId>> lists = {ranked({8, 3}), ranked({3, 8})};
  const std::vector<FusedHit> fused = reciprocal_rank_fusion(lists);
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].id, 3u);  // both 1/61 + 1/62
  EXPECT_EQ(fused[1].id, 8u);
  EXPECT_DOUBLE_EQ(fused[0].score, fused[1].score);
}

}  // namespace
}  // namespace expgraph::similarity
