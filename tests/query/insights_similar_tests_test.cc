// Similar-tests recommender on a hand-built catalog: the ranking follows the shared context
// (channel, segment and its nesting, metric, asset kinds), the text scores, outcome and recency,
// and each hit says which signals matched.
#include <gtest/gtest.h>

#include "insights_fixture.h"
#include "query/insights/similar_tests.h"

namespace expgraph::insights {
namespace {

using testing::arm;
using testing::experiment;

ExperimentCatalog context_catalog() {
  ExperimentCatalog c;
  c.segment_parents["new"] = {"all"};
  const size_t email = c.add_asset({"mail", "email", "Spring sale", {}});
  // full: channel + segment + metric + the e-mail asset.
  auto full = experiment("full", "2024-01-01", {arm("full-t", 100, 10, {email}, false, 0.1, 0.05)});
  full.channels = {"email"};
  full.segments = {"new"};
  full.metrics = {"ctr"};
  // nested: channel + a segment the draft's is nested in ("all" contains "new").
  auto nested = experiment("nested", "2024-01-01");
  nested.channels = {"email"};
  nested.segments = {"all"};
  auto channel_only = experiment("channel_only", "2024-01-01");
  channel_only.channels = {"email"};
  auto unrelated = experiment("unrelated", "2024-01-01");
  unrelated.channels = {"sms"};
  auto running = experiment("running", "2024-01-01");
  running.status = "running";
  running.channels = {"email"};
  auto future = experiment("future", "2025-06-01");
  future.channels = {"email"};
  for (auto* e : {&full, &nested, &channel_only, &unrelated, &running, &future}) {
    c.experiments.push_back(std::move(*e));
  }
  c.finish();
  return c;
}

TEST(SimilarTestsTest, RanksBySharedContextAndExplainsTheMatch) {
  const ExperimentCatalog c = context_catalog();
  DraftTest draft;
  draft.channel = "email";
  draft.segment = "new";
  draft.metric = "ctr";
  draft.asset_kinds = {"email"};
  draft.as_of = "2025-01-01";
  const auto hits = recommend_similar_tests(c, draft, {});
  // running (not past), future (after as_of) and unrelated (nothing shared) are left out.
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(c.experiments[hits[0].experiment].key, "full");
  EXPECT_EQ(hits[0].matched,
            (std::vector<std::string>{"channel", "segment", "metric", "asset_kinds"}));
  EXPECT_NEAR(hits[0].proximity, 0.25 + 0.25 + 0.20 + 0.15, 1e-12);
  // |z| = 0.1 / 0.05 = 2 -> outcome 0.5; 366 days old with a 365-day half-life.
  EXPECT_NEAR(hits[0].outcome, 0.5, 1e-12);
  EXPECT_NEAR(hits[0].recency, std::pow(0.5, 366.0 / 365), 1e-12);
  ASSERT_TRUE(hits[0].best_arm.has_value());
  EXPECT_EQ(c.experiments[hits[1].experiment].key, "nested");
  EXPECT_EQ(hits[1].matched, (std::vector<std::string>{"channel", "nested_segment"}));
  EXPECT_EQ(c.experiments[hits[2].experiment].key, "channel_only");
}

TEST(SimilarTestsTest, TextSimilarityCanOutrankContext) {
  const ExperimentCatalog c = context_catalog();
  DraftTest draft;
  draft.channel = "email";
  draft.as_of = "2025-01-01";
  // "unrelated" shares no context but its text matches perfectly: 0.45 > 0.30 * 0.25 + ...
  std::unordered_map<size_t, double> text = {{3, 1.0}};
  const auto hits = recommend_similar_tests(c, draft, text);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(c.experiments[hits[0].experiment].key, "unrelated");
  EXPECT_EQ(hits[0].matched, std::vector<std::string>{"text"});
  draft.k = 1;
  EXPECT_EQ(recommend_similar_tests(c, draft, text).size(), 1u);
}

TEST(SimilarTestsTest, KeepsTheBestKWithTiesByKeyAndTheirOwnSignals) {
  const ExperimentCatalog c = context_catalog();
  DraftTest draft;
  draft.channel = "email";
  draft.as_of = "2025-01-01";
  // full, nested and channel_only share the channel only; full also has an outcome, so it
  // leads; nested and channel_only tie and are ordered by key.
  const auto all = recommend_similar_tests(c, draft, {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(c.experiments[all[0].experiment].key, "full");
  EXPECT_EQ(c.experiments[all[1].experiment].key, "channel_only");
  EXPECT_EQ(c.experiments[all[2].experiment].key, "nested");
  draft.k = 2;
  const auto kept = recommend_similar_tests(c, draft, {});
  ASSERT_EQ(kept.size(), 2u);
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].experiment, all[i].experiment);
    EXPECT_EQ(kept[i].score, all[i].score);
    EXPECT_EQ(kept[i].matched, std::vector<std::string>{"channel"});
    EXPECT_EQ(kept[i].result_metric, c.experiments[kept[i].experiment].primary_metric);
  }
}

TEST(SimilarTestsTest, FindsAnExperimentByItsNode) {
  ExperimentCatalog c = context_catalog();
  EXPECT_FALSE(c.experiment_at_node(7).has_value());  // facts not read from a graph have no node
  c.experiments[2].node = 7;
  EXPECT_FALSE(c.experiment_at_node(7).has_value());  // finish() has not indexed it yet
  c.finish();
  ASSERT_TRUE(c.experiment_at_node(7).has_value());
  EXPECT_EQ(c.experiments[*c.experiment_at_node(7)].key, c.experiments[2].key);
  EXPECT_FALSE(c.experiment_at_node(0).has_value());  // 0 is "no node", never indexed
  EXPECT_FALSE(c.experiment_at_node(8).has_value());
}

TEST(SimilarTestsTest, FinishDerivesTheStrongestArmAndTheAssetKindsOfEachExperiment) {
  ExperimentCatalog c;
  const size_t image = c.add_asset({"img", "image", "", {}});
  const size_t mail = c.add_asset({"mail", "email", "Spring sale", {}});
  const size_t banner = c.add_asset({"banner", "image", "", {}});
  // |z|: the control is skipped whatever its numbers, then 1, 3 and 2; one arm has no effect.
  c.experiments.push_back(
      experiment("e", "2024-01-01",
                 {arm("control", 100, 10, {mail}, true, 0.9, 0.1),
                  arm("weak", 100, 11, {image}, false, 0.1, 0.1),
                  arm("strong", 100, 13, {banner, mail}, false, -0.3, 0.1),
                  arm("none", 100, 12, {image}), arm("middle", 100, 12, {}, false, 0.2, 0.1)}));
  c.experiments.push_back(experiment("empty", "2024-01-01", {arm("only", 100, 10)}));
  c.finish();
  EXPECT_EQ(c.experiments[0].strongest, std::optional<size_t>(2));
  EXPECT_EQ(c.experiments[0].asset_kinds, (std::vector<std::string>{"email", "image"}));
  EXPECT_FALSE(c.experiments[1].strongest.has_value());
  EXPECT_TRUE(c.experiments[1].asset_kinds.empty());
  // The ranking reports the same arm.
  c.experiments[0].channels = {"email"};
  DraftTest draft;
  draft.channel = "email";
  const auto hits = recommend_similar_tests(c, draft, {});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].best_arm, std::optional<size_t>(2));
  EXPECT_NEAR(hits[0].outcome, 0.75, 1e-12);  // |z| 3 / 4
}

TEST(SimilarTestsTest, DaysBetweenDates) {
  EXPECT_EQ(days_between("2024-02-28", "2024-03-01"), 2);  // leap year
  EXPECT_EQ(days_between("2024-03-01", "2024-02-28"), -2);
  EXPECT_FALSE(days_between("2024-13-01", "2024-03-01").has_value());
  EXPECT_FALSE(days_between("", "2024-03-01").has_value());
  EXPECT_EQ(days_between("2024-03-01T10:00:00Z", "2024-03-02"), 1);  // a time after the date
  EXPECT_EQ(days_between("2024-3-1 and more", "2024-03-02"), 1);     // read as sscanf reads it
}

}  // namespace
}  // namespace expgraph::insights
