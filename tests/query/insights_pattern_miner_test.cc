// Pattern miner on hand-built catalogs: headline features split arms within tests, pooled by
// DerSimonian-Laird; experiment features (segment with nesting) use treatment vs control.
#include <gtest/gtest.h>

#include <cmath>

#include "insights_fixture.h"
#include "query/insights/headline_features.h"
#include "query/insights/pattern_miner.h"

namespace expgraph::insights {
namespace {

using testing::arm;
using testing::experiment;

TEST(HeadlineFeaturesTest, FindsNumbersQuestionsNamesAndReader) {
  using V = std::vector<std::string>;
  EXPECT_EQ(headline_features("10 ways you can help"), (V{"number", "second_person"}));
  EXPECT_EQ(headline_features("Three things nobody told me"), (V{"number"}));
  EXPECT_EQ(headline_features("Why did Barack Obama say this?"), (V{"question", "named_person"}));
  // Title Case says nothing about names; a capitalised sentence start is not a name either.
  EXPECT_EQ(headline_features("This Is What Happens When Kids Talk"), V{});
  EXPECT_EQ(headline_features("Look. The Internet is broken!"), (V{"exclamation"}));
}

// Four tests, each with a numbered headline arm at 120/1000 and a plain one at 100/1000:
// each study is ln(0.12 / 0.10) = 0.182322 with se 0.127802 (see the enricher test), so
// tau^2 = 0, I^2 = 0, pooled = 0.182322 with se 0.127802 / 2 = 0.063901,
// lift = 0.2, CI exp(0.182322 -+ 1.959964 * 0.063901) - 1 = [0.058738, 0.360109],
// evidence 0.182322 / 0.063901 = 2.853189. Only two tests have a question: below min_tests 3.
ExperimentCatalog headline_catalog() {
  ExperimentCatalog c;
  const size_t number = c.add_asset({"h-number", "headline", "7 reasons to smile", {}});
  const size_t plain = c.add_asset({"h-plain", "headline", "Reasons to smile", {}});
  const size_t question = c.add_asset({"h-question", "headline", "Reasons to smile?", {}});
  for (int i = 0; i < 4; ++i) {
    const std::string key = std::string("E") + std::to_string(i);
    c.experiments.push_back(experiment(key, std::string("2014-0") + std::to_string(i + 1) + "-01",
                                       {arm(key + "-a", 1000, 120, {number}),
                                        arm(key + "-b", 1000, 100, {i < 2 ? question : plain})}));
  }
  c.experiments[0].learnings.push_back({"L0", "numbers help", "won", 2});
  c.finish();
  return c;
}

TEST(PatternMinerTest, OnAMetricWhereLowerIsBetterAFallIsTheWin) {
  // The same tests measured on unsubscribes: the numbered arms' 120/1000 against 100/1000 is a
  // rise of 20%, a loss; the pattern's effect is the gain, ln(0.10 / 0.12), won by no test.
  ExperimentCatalog c = headline_catalog();
  for (ExperimentFacts& e : c.experiments) e.primary_metric = "unsubscribe";
  c.decreasing_metrics = {"unsubscribe"};
  c.finish();
  const Pattern* number = nullptr;
  const auto patterns = mine_patterns(c, PatternFilter{});
  for (const Pattern& p : patterns) {
    if (p.feature == "headline:number") number = &p;
  }
  ASSERT_NE(number, nullptr);
  EXPECT_NEAR(number->lift.lift, 1.0 / 1.2 - 1, 1e-9);
  EXPECT_EQ(number->win_rate, 0.0);
}

TEST(PatternMinerTest, PoolsWithinTestContrastsOfAHeadlineFeature) {
  const ExperimentCatalog c = headline_catalog();
  PatternFilter filter;
  const auto patterns = mine_patterns(c, filter);
  const Pattern* number = nullptr;
  for (const Pattern& p : patterns) {
    if (p.feature == "headline:number") number = &p;
    EXPECT_NE(p.feature, "headline:question") << "only 2 tests, below min_tests";
    EXPECT_NE(p.feature, "asset_kind:headline") << "every arm has it: no contrast";
  }
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(number->scope, "arm");
  EXPECT_EQ(number->studies.size(), 4u);
  EXPECT_NEAR(number->lift.lift, 0.2, 1e-9);
  EXPECT_NEAR(number->lift.ci_low, 0.058738, 1e-5);
  EXPECT_NEAR(number->lift.ci_high, 0.360109, 1e-5);
  EXPECT_NEAR(number->meta.i2, 0.0, 1e-12);
  EXPECT_NEAR(number->evidence, 2.853189, 1e-5);
  EXPECT_EQ(number->win_rate, 1.0);
  EXPECT_EQ(number->reuses, 2u);

  filter.min_tests = 2;
  bool question_found = false;
  for (const Pattern& p : mine_patterns(c, filter)) {
    if (p.feature != "headline:question") continue;
    question_found = true;
    // The question arms are the 100/1000 ones: ln(0.10 / 0.12) < 0, no test won.
    EXPECT_NEAR(p.lift.lift, 1.0 / 1.2 - 1, 1e-9);
    EXPECT_EQ(p.win_rate, 0.0);
  }
  EXPECT_TRUE(question_found);
}

TEST(PatternMinerTest, BeforeDateKeepsOnlyEarlierTests) {
  const ExperimentCatalog c = headline_catalog();
  PatternFilter filter;
  filter.before = "2014-03-01";  // E0 (January) and E1 (February)
  filter.min_tests = 1;
  size_t found = 0;
  for (const Pattern& p : mine_patterns(c, filter)) {
    if (p.feature != "headline:number") continue;
    ++found;
    EXPECT_EQ(p.studies.size(), 2u);
  }
  EXPECT_EQ(found, 1u);
}

// Segment features: "new" is a SUBSEGMENT_OF "all". Filtering on "all" keeps the experiment
// on "new"; its study is treatment (150/1000) vs control (100/1000): lift 0.5.
TEST(PatternMinerTest, SegmentPatternsFollowNesting) {
  ExperimentCatalog c;
  c.segment_parents["new"] = {"all"};
  for (int i = 0; i < 3; ++i) {
    auto e = experiment(std::string("S") + std::to_string(i), "2014-01-01",
                        {arm("c", 1000, 100, {}, true), arm("t", 1000, 150)});
    e.segments = {i == 0 ? "all" : "new"};
    e.channels = {"email"};
    c.experiments.push_back(std::move(e));
  }
  c.experiments.push_back(
      experiment("other", "2014-01-01", {arm("c", 1000, 100, {}, true), arm("t", 1000, 90)}));
  c.finish();
  PatternFilter filter;
  filter.segment = "all";
  const auto patterns = mine_patterns(c, filter);
  ASSERT_FALSE(patterns.empty());
  bool all_found = false;
  for (const Pattern& p : patterns) {
    for (const PatternStudy& s : p.studies) EXPECT_NE(c.experiments[s.experiment].key, "other");
    if (p.feature == "segment:all") {
      all_found = true;
      EXPECT_EQ(p.scope, "experiment");
      EXPECT_EQ(p.studies.size(), 3u);
      EXPECT_NEAR(p.lift.lift, 0.5, 1e-9);
    }
  }
  EXPECT_TRUE(all_found);
}

}  // namespace
}  // namespace expgraph::insights
