// AssetTextIndex: near-identical past texts rank first, shared common words count little, and
// the result is bounded; an index brought up to date from the previous one answers exactly as
// one built whole.
#include <gtest/gtest.h>

#include <memory>
#include <random>

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

TEST(AssetTextIndexTest, AnIndexBroughtUpToDateAnswersAsOneBuiltWhole) {
  std::mt19937 random(20261207);
  auto pick = [&](size_t n) { return static_cast<size_t>(random() % n); };
  const std::vector<std::string> common = {"spring", "tips", "dogs",  "cats", "why", "you", "7",
                                           "sale",   "free", "watch", "this", "the", "new"};
  size_t fresh = 0;  // words no earlier text had; some later vanish with their only asset
  auto some_text = [&] {
    std::string text;
    for (size_t i = pick(7); i > 0; --i) text += common[pick(common.size())] + " ";
    if (pick(3) == 0) text += "only" + std::to_string(fresh++);
    return text;
  };
  std::vector<std::string> texts;
  for (int i = 0; i < 20; ++i) texts.push_back(some_text());
  ExperimentCatalog catalog = catalog_of(texts);
  auto index = std::make_shared<const AssetTextIndex>(catalog);
  for (int step = 0; step < 200; ++step) {
    ExperimentCatalog next = catalog;
    std::vector<size_t> changed;
    for (size_t n = 1 + pick(3); n > 0; --n) {
      if (pick(3) == 0) {
        changed.push_back(
            next.add_asset({"new" + std::to_string(step), "headline", some_text(), {}}));
      } else {
        const size_t at = pick(next.assets.size());
        const std::string key = std::as_const(next.assets)[at].key;
        next.assets.replace(at, {key, "headline", pick(5) == 0 ? "" : some_text(), {}});
        changed.push_back(at);
      }
    }
    auto updated = std::make_shared<const AssetTextIndex>(next, *index, changed);
    const AssetTextIndex whole(next);
    for (const std::string& query : {some_text(), some_text(), std::string("only0 dogs"),
                                     "only" + std::to_string(fresh - 1) + " why you"}) {
      const auto got = updated->matches(query, 50);
      const auto want = whole.matches(query, 50);
      ASSERT_EQ(got.size(), want.size()) << "step " << step << ": " << query;
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].asset, want[i].asset) << "step " << step << ": " << query;
        ASSERT_EQ(got[i].similarity, want[i].similarity) << "step " << step << ": " << query;
      }
    }
    catalog = std::move(next);
    index = std::move(updated);
  }
}

}  // namespace
}  // namespace expgraph::insights
