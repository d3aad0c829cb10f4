// The forecast model's features of an arm that go beyond its words: where words stand, the
// punctuation used, and how a candidate compares with the others of its test.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "query/insights/arm_features.h"

namespace expgraph::insights {
namespace {

std::vector<NamedFeature> features_of(const std::string& text, const FeatureOptions& options) {
  AssetFacts asset{"draft", "headline", text, {}};
  return arm_feature_names({&asset}, {}, options);
}

std::optional<double> value_of(const std::vector<NamedFeature>& features,
                               const std::string& name) {
  for (const NamedFeature& f : features) {
    if (f.name == name) return f.value;
  }
  return std::nullopt;
}

FeatureOptions only_words() {
  FeatureOptions o;
  o.bigrams = o.headline = o.kinds_and_tags = o.context_crosses = false;
  return o;
}

TEST(ArmFeaturesTest, PositionsNameTheOpeningWordsAndTheLastWord) {
  FeatureOptions o = only_words();
  EXPECT_FALSE(value_of(features_of("Watch This Man Dance", o), "first:watch"));
  o.positions = true;
  const auto f = features_of("Watch This Man Dance", o);
  EXPECT_TRUE(value_of(f, "first:watch"));
  EXPECT_TRUE(value_of(f, "first2:watch this"));
  EXPECT_TRUE(value_of(f, "last:dance"));
  EXPECT_FALSE(value_of(f, "first:dance"));
  // One word: no opening pair.
  const auto single = features_of("Wow", o);
  EXPECT_TRUE(value_of(single, "first:wow"));
  EXPECT_TRUE(value_of(single, "last:wow"));
  EXPECT_FALSE(std::any_of(single.begin(), single.end(),
                           [](const NamedFeature& n) { return n.name.rfind("first2:", 0) == 0; }));
}

TEST(ArmFeaturesTest, PunctuationByClassAndSentenceCount) {
  FeatureOptions o = only_words();
  o.punctuation = true;
  const auto plain = features_of("A plain headline", o);
  EXPECT_FALSE(value_of(plain, "p:colon"));
  EXPECT_EQ(value_of(plain, "p:sentences"), 0.5);  // one sentence, scaled by 1/2
  const auto marked =
      features_of("He Said \"No\": Then This Happened... And It's Big. Really \u2014 Big.", o);
  EXPECT_TRUE(value_of(marked, "p:colon"));
  EXPECT_TRUE(value_of(marked, "p:quote"));
  EXPECT_TRUE(value_of(marked, "p:ellipsis"));
  EXPECT_TRUE(value_of(marked, "p:dash"));
  EXPECT_EQ(value_of(marked, "p:sentences"), 1.5);  // "... And", ". Really": three sentences
  // The apostrophe inside a word is not a quote.
  EXPECT_FALSE(value_of(features_of("It's Here", o), "p:quote"));
}

TEST(ArmFeaturesTest, SetFeaturesCompareEachCandidateWithTheOthers) {
  FeatureOptions o = only_words();
  std::vector<std::vector<NamedFeature>> set = {features_of("red blue green", o),
                                                features_of("red blue green", o),
                                                features_of("yellow pink", o)};
  add_set_features(o, set);  // off: nothing added
  EXPECT_FALSE(value_of(set[0], "set:overlap"));
  o.set_features = true;
  set = {features_of("red blue green", o), features_of("red blue green", o),
         features_of("yellow pink", o)};
  add_set_features(o, set);
  // The first two share all their words with each other and none with the third:
  // overlap = 3 x mean Jaccard over the other two = 3 x (1 + 0) / 2.
  EXPECT_DOUBLE_EQ(*value_of(set[0], "set:overlap"), 1.5);
  EXPECT_DOUBLE_EQ(*value_of(set[0], "set:unique"), 0.0);
  EXPECT_DOUBLE_EQ(*value_of(set[2], "set:overlap"), 0.0);
  EXPECT_DOUBLE_EQ(*value_of(set[2], "set:unique"), 1.0);
  // A single candidate has nothing to compare with.
  std::vector<std::vector<NamedFeature>> alone = {features_of("red blue", o)};
  add_set_features(o, alone);
  EXPECT_FALSE(value_of(alone[0], "set:overlap"));
}

TEST(ArmFeaturesTest, ExplainedFeatures) {
  EXPECT_EQ(explained_feature("e:17"), "e:text");
  EXPECT_EQ(explained_feature("channel=web|h:number"), "h:number");
  EXPECT_EQ(explained_feature("segment=a|b|tag:x|y"), "tag:x|y");  // a '|' in the key and tag
  EXPECT_EQ(explained_feature("metric=ctr|p:colon"), "p:colon");
  EXPECT_EQ(explained_feature("w:channel=x"), "w:channel=x");  // not a cross
  EXPECT_EQ(explained_feature("b:why you"), "b:why you");
}

}  // namespace
}  // namespace expgraph::insights
