// AssetTextIndex: near-identical past texts rank first, shared common words count little, and
// the result is bounded.
#include <gtest/gtest.h>

#include "insights_fixture.h"
#include "query/insights/asset_text_index.h"

namespace expgraph::insights {
namespace {

ExperimentCatalog catalog_of(const std::vector<std::string>& texts) {
  ExperimentCatalog c;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string key = "a";  // not "a" + std::to_string(i): GCC 12's -Wrestrict false positive
    key += std::to_string(i);
    c.add_asset({key, "headline", texts[i], {}});
  }
  c.finish();
  return c;
}

TEST(AssetTextIndexTest, TheSameTextIsSimilarityOneAndRanksFirst) {
  const ExperimentCatalog c = catalog_of({"Spring tips, take alpha", "5 tips for spring",
                                          "Spring tips, take beta", "Zebra migration facts"});
  const AssetTextIndex index(c);
  const auto found = index.matches("5 Tips for Spring", 10);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].asset, 1u);
  EXPECT_NEAR(found[0].similarity, 1.0, 1e-9);
  // The others share only "spring" and "tips", which most texts have: far below a duplicate's.
  for (size_t i = 1; i < found.size(); ++i) {
    EXPECT_LT(found[i].similarity, 0.5) << c.assets[found[i].asset].text;
    EXPECT_LE(found[i].similarity, found[i - 1].similarity);
  }
  // No shared word: not a match at all.
  for (const AssetMatch& m : found) EXPECT_NE(m.asset, 3u);
}

TEST(AssetTextIndexTest, AnUnknownTextMatchesNothingAndKBoundsTheAnswer) {
  const ExperimentCatalog c =
      catalog_of({"cats and dogs", "dogs and cats again", "the dogs", "dogs at home"});
  const AssetTextIndex index(c);
  EXPECT_TRUE(index.matches("qqq zzz", 10).empty());
  EXPECT_TRUE(index.matches("", 10).empty());
  EXPECT_EQ(index.matches("dogs", 2).size(), 2u);
  EXPECT_EQ(index.matches("dogs", 10).size(), 4u);
  // One near-duplicate among texts sharing a word: it comes first.
  const auto found = index.matches("dogs and cats, again!", 10);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].asset, 1u);
  EXPECT_NEAR(found[0].similarity, 1.0, 1e-9);
}

}  // namespace
}  // namespace expgraph::insights
