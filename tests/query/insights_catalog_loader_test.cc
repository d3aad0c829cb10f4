// update_catalog over a real GraphStore: after every kind of write the catalog brought up to date
// from the change log holds what a whole load holds (experiments, arms, results, assets,
// learnings, hypotheses, segment lineage, metric directions, reuse counts), chained over hundreds
// of random writes; it reads only the experiments a write touched; and it asks for a whole load
// after a deletion, a metric's direction changed, or more records than its limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph_test_support.h"
#include "query/insights/catalog_loader.h"

namespace expgraph::insights {
namespace {

using expgraph::testing::edge;
using expgraph::testing::marketing_ontology;
using expgraph::testing::node;
using expgraph::testing::ref;
using nlohmann::json;

json finite_or_null(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

json catalog_arms_json(const ExperimentCatalog& c, const std::vector<ArmFacts>& arms) {
  json out = json::array();
  for (const ArmFacts& a : arms) {
    json assets = json::array();
    for (size_t i : a.assets) {
      const AssetFacts& asset = c.assets[i];
      assets.push_back({asset.key, asset.kind, asset.text, asset.tags, asset.node});
    }
    out.push_back({{"key", a.key},
                   {"name", a.name},
                   {"control", a.is_control},
                   {"assets", assets},
                   {"result", a.has_result ? json(a.result_key) : json(nullptr)},
                   {"users", a.users ? json(*a.users) : json(nullptr)},
                   {"conversions", a.conversions ? json(*a.conversions) : json(nullptr)},
                   {"lift", finite_or_null(a.lift)},
                   {"p", finite_or_null(a.p_value)},
                   {"log_lift", finite_or_null(a.log_lift)},
                   {"se", finite_or_null(a.log_lift_se)},
                   {"derived", a.derived_from}});
  }
  return out;
}

// Everything a catalog says, with assets written out where arms use them (an update appends new
// assets where a whole load orders them by first use, so indexes may differ).
json canonical_catalog(const ExperimentCatalog& c) {
  json experiments = json::array();
  for (const ExperimentFacts& e : c.experiments) {
    json by_metric = json::object();
    for (const auto& [metric, arms] : e.arms_by_metric)
      by_metric[metric] = catalog_arms_json(c, arms);
    json learnings = json::array();
    for (const LearningFacts& l : e.learnings) {
      learnings.push_back({l.key, l.text, l.outcome, l.reuses});
    }
    experiments.push_back(
        {{"node", e.node},
         {"key", e.key},
         {"fields", {e.name, e.description, e.status, e.decision, e.started_at, e.ended_at}},
         {"context", {e.channels, e.segments, e.metrics, e.campaigns, e.teams, e.tags}},
         {"lineage", e.segment_lineage},
         {"primary", e.primary_metric},
         {"lower_is_better", e.lower_is_better},
         {"arms", catalog_arms_json(c, e.arms)},
         {"strongest", e.strongest ? json(*e.strongest) : json(nullptr)},
         {"asset_kinds", e.asset_kinds},
         {"trainable", e.trainable},
         {"by_metric", by_metric},
         {"learnings", learnings},
         {"hypotheses", {e.hypotheses, e.hypothesis_text, e.hypothesis_approved}}});
  }
  // The indexes, by key: the arms using each asset, and whether each experiment is found at
  // its place by its node.
  json uses = json::object();
  for (size_t a = 0; a < c.assets.size(); ++a) {
    std::vector<std::string> arms;
    for (const auto& [e, arm] : c.uses_of(a)) {
      arms.push_back(c.experiments[e].key + "/" + c.experiments[e].arms[arm].key);
    }
    std::sort(arms.begin(), arms.end());
    if (!arms.empty()) uses[c.assets[a].key] = arms;
  }
  json found_by_node = json::array();
  for (size_t e = 0; e < c.experiments.size(); ++e) {
    found_by_node.push_back(c.experiment_at_node(c.experiments[e].node) == e);
  }
  return {{"experiments", experiments},           {"uses", uses},
          {"found_by_node", found_by_node},       {"segment_parents", c.segment_parents},
          {"decreasing", c.decreasing_metrics},   {"inspired_by", c.inspired_by_edges},
          {"trainable", c.trainable_experiments}, {"sequence", c.sequence}};
}

class CatalogLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = GraphStore::open(dir_.path(), marketing_ontology());
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    graph_ = std::move(opened).value();
    WriteRequest base;
    for (int i = 0; i < 3; ++i) {
      base.nodes.push_back(node("Channel", "c" + std::to_string(i), {{"name", "channel"}}));
      base.nodes.push_back(node("Hypothesis", "h" + std::to_string(i), {{"statement", "maybe"}}));
    }
    for (int i = 0; i < 4; ++i) {
      base.nodes.push_back(node("Segment", "s" + std::to_string(i), {{"name", "segment"}}));
    }
    base.nodes.push_back(node("Metric", "ctr", {{"name", "CTR"}, {"direction", "increase"}}));
    base.nodes.push_back(node("Metric", "churn", {{"name", "Churn"}, {"direction", "decrease"}}));
    base.nodes.push_back(node("Campaign", "spring", {{"name", "Spring"}}));
    base.nodes.push_back(node("Team", "growth", {{"name", "Growth"}}));
    base.edges.push_back(edge("SUBSEGMENT_OF", ref("Segment", "s1"), ref("Segment", "s0")));
    write(base);
    for (int i = 0; i < 8; ++i) write(new_experiment("e" + std::to_string(10 * i)));
  }

  void write(const WriteRequest& request) {
    auto written = graph_->write(request);
    ASSERT_TRUE(written.ok()) << written.status().to_string();
  }

  // An experiment with two or three arms, an asset each (one shared with the next experiment's
  // first arm), a result per arm on its primary metric, one on the other metric, a learning.
  WriteRequest new_experiment(const std::string& key) {
    WriteRequest r;
    const NodeRef e = ref("Experiment", key);
    r.nodes.push_back(node("Experiment", key,
                           {{"name", "Test " + key},
                            {"status", "concluded"},
                            {"started_at", "2024-0" + std::to_string(1 + key.size() % 9) + "-01"},
                            {"tags", {"t" + key}}}));
    r.edges.push_back(edge("RUNS_ON", e, ref("Channel", "c" + std::to_string(key.size() % 3))));
    r.edges.push_back(edge("TARGETS", e, ref("Segment", "s1")));
    r.edges.push_back(edge("MEASURES", e, ref("Metric", "ctr"), {{"role", "primary"}}));
    r.edges.push_back(edge("MEASURES", e, ref("Metric", "churn")));
    r.edges.push_back(edge("TESTS", e, ref("Hypothesis", "h0")));
    r.edges.push_back(edge("PART_OF", e, ref("Campaign", "spring")));
    r.edges.push_back(edge("OWNED_BY", e, ref("Team", "growth")));
    const int arms = 2 + static_cast<int>(key.size() % 2);
    for (int a = 0; a < arms; ++a) {
      const std::string v = key + "-v" + std::to_string(a);
      r.nodes.push_back(node("Variant", v, {{"name", v}, {"is_control", a == 0}}));
      r.nodes.push_back(node("Asset", v + "-a", {{"kind", "headline"}, {"text", "Words " + v}}));
      r.nodes.push_back(node("Result", v + "-r",
                             {{"name", "r"}, {"users", 1000}, {"conversions", 100 + 10 * a}}));
      r.edges.push_back(edge("HAS_VARIANT", e, ref("Variant", v)));
      r.edges.push_back(edge("USES_ASSET", ref("Variant", v), ref("Asset", v + "-a")));
      r.edges.push_back(edge("HAS_RESULT", e, ref("Result", v + "-r")));
      r.edges.push_back(edge("FOR_VARIANT", ref("Result", v + "-r"), ref("Variant", v)));
      r.edges.push_back(edge("ON_METRIC", ref("Result", v + "-r"), ref("Metric", "ctr")));
    }
    r.nodes.push_back(
        node("Result", key + "-churn", {{"name", "churn"}, {"users", 500}, {"conversions", 20}}));
    r.edges.push_back(edge("HAS_RESULT", e, ref("Result", key + "-churn")));
    r.edges.push_back(
        edge("FOR_VARIANT", ref("Result", key + "-churn"), ref("Variant", key + "-v1")));
    r.edges.push_back(edge("ON_METRIC", ref("Result", key + "-churn"), ref("Metric", "churn")));
    r.nodes.push_back(node("Learning", key + "-l", {{"text", "learned"}, {"outcome", "won"}}));
    r.edges.push_back(edge("YIELDED", e, ref("Learning", key + "-l")));
    return r;
  }

  ExperimentCatalog load() {
    auto loaded = load_catalog(*graph_);
    EXPECT_TRUE(loaded.ok()) << loaded.status().to_string();
    return loaded.ok() ? std::move(loaded).value() : ExperimentCatalog{};
  }

  std::optional<CatalogUpdate> update(const ExperimentCatalog& previous,
                                      const CatalogUpdateLimits& limits = {}) {
    auto updated = update_catalog(*graph_, previous, limits);
    EXPECT_TRUE(updated.ok()) << updated.status().to_string();
    return updated.ok() ? std::move(updated).value() : std::nullopt;
  }

  expgraph::testing::TempDir dir_;
  std::unique_ptr<GraphStore> graph_;
};

TEST_F(CatalogLoaderTest, AnUpdateReadsOnlyTheExperimentsAWriteTouched) {
  const ExperimentCatalog before = load();
  ASSERT_EQ(before.experiments.size(), 8u);

  WriteRequest result;
  result.nodes.push_back(
      node("Result", "e20-v1-r", {{"name", "r"}, {"users", 1000}, {"conversions", 190}}));
  write(result);
  auto updated = update(before);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->changes, 1u);
  EXPECT_EQ(updated->experiments_read, 1u);
  EXPECT_TRUE(updated->assets_read.empty());  // the text index of the previous catalog still holds
  EXPECT_EQ(canonical_catalog(updated->catalog), canonical_catalog(load()));
  const ExperimentFacts& e20 = std::as_const(updated->catalog.experiments)[2];
  ASSERT_EQ(e20.key, "e20");
  EXPECT_EQ(e20.arms[1].conversions, 190);
  // The other experiments and every asset are the previous catalog's, not copies.
  for (size_t i = 0; i < before.experiments.size(); ++i) {
    EXPECT_EQ(updated->catalog.experiments.shares(i, before.experiments), i != 2) << i;
  }
  for (size_t i = 0; i < before.assets.size(); ++i) {
    EXPECT_TRUE(updated->catalog.assets.shares(i, before.assets)) << i;
  }

  // An asset's text: the asset is read again, no experiment.
  WriteRequest asset;
  asset.nodes.push_back(node("Asset", "e30-v0-a", {{"kind", "image"}, {"text", "New words"}}));
  write(asset);
  auto after_asset = update(updated->catalog);
  ASSERT_TRUE(after_asset);
  EXPECT_EQ(after_asset->experiments_read, 0u);
  EXPECT_FALSE(after_asset->assets_read.empty());
  EXPECT_EQ(canonical_catalog(after_asset->catalog), canonical_catalog(load()));

  // Nothing written since: nothing read.
  auto unchanged = update(after_asset->catalog);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->changes, 0u);
  EXPECT_EQ(canonical_catalog(unchanged->catalog), canonical_catalog(after_asset->catalog));
}

TEST_F(CatalogLoaderTest, ANewExperimentTakesItsPlaceInKeyOrder) {
  const ExperimentCatalog before = load();
  write(new_experiment("e15"));
  auto updated = update(before);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->experiments_read, 1u);
  EXPECT_FALSE(updated->assets_read.empty());
  ASSERT_EQ(updated->catalog.experiments.size(), 9u);
  EXPECT_EQ(updated->catalog.experiments[2].key, "e15");
  EXPECT_EQ(updated->catalog.experiment_at_node(updated->catalog.experiments[2].node), 2u);
  EXPECT_EQ(canonical_catalog(updated->catalog), canonical_catalog(load()));
}

TEST_F(CatalogLoaderTest, DeletionsDirectionsAndLargeChangesAskForAWholeLoad) {
  const ExperimentCatalog before = load();
  WriteRequest same_direction;
  same_direction.nodes.push_back(
      node("Metric", "ctr", {{"name", "Click rate"}, {"direction", "increase"}}));
  write(same_direction);
  auto renamed = update(before);
  ASSERT_TRUE(renamed);  // a metric's name is not in the catalog

  WriteRequest direction;
  direction.nodes.push_back(node("Metric", "ctr", {{"name", "CTR"}, {"direction", "decrease"}}));
  write(direction);
  EXPECT_FALSE(update(renamed->catalog));
  EXPECT_TRUE(load().experiments[0].lower_is_better);

  const ExperimentCatalog reloaded = load();
  WriteRequest removal;
  removal.edge_deletes.push_back(edge("TARGETS", ref("Experiment", "e10"), ref("Segment", "s1")));
  write(removal);
  EXPECT_FALSE(update(reloaded));

  const ExperimentCatalog again = load();
  write(new_experiment("e55"));
  CatalogUpdateLimits few;
  few.max_changes = 5;  // a new experiment writes dozens of records
  EXPECT_FALSE(update(again, few));
  CatalogUpdateLimits small_share;
  small_share.max_share_read = 0.0;  // one experiment to read is still allowed
  EXPECT_TRUE(update(again, small_share));
}

// Hundreds of random writes of every kind the catalog reads, each followed by an update of the
// previous update (never of a whole load, so drift would accumulate): each time the same as a
// whole load. Deletions and direction changes fall back to whole loads, which the chain then
// continues from.
TEST_F(CatalogLoaderTest, ChainedUpdatesOverRandomWritesMatchWholeLoads) {
  std::mt19937 random(20261207);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  std::vector<std::string> experiments;
  for (int i = 0; i < 8; ++i) experiments.push_back("e" + std::to_string(10 * i));
  auto some_experiment = [&] { return experiments[pick(static_cast<int>(experiments.size()))]; };
  auto some_variant = [&] { return some_experiment() + "-v" + std::to_string(pick(2)); };

  ExperimentCatalog current = load();
  int updates = 0, whole_loads = 0;
  for (int step = 0; step < 300; ++step) {
    WriteRequest r;
    switch (pick(14)) {
      case 0: {
        const std::string key = "e" + std::to_string(1000 + step);
        r = new_experiment(key);
        experiments.push_back(key);
        break;
      }
      case 1:
        r.nodes.push_back(node("Experiment", some_experiment(),
                               {{"name", "Renamed " + std::to_string(step)},
                                {"status", pick(2) ? "concluded" : "running"},
                                {"started_at", "2025-0" + std::to_string(1 + pick(9)) + "-15"}}));
        break;
      case 2:
        r.nodes.push_back(node("Asset", some_variant() + "-a",
                               {{"kind", pick(2) ? "headline" : "email"},
                                {"text", "Text " + std::to_string(step)},
                                {"tags", {"x" + std::to_string(pick(3))}}}));
        break;
      case 3:
        r.nodes.push_back(node("Result", some_variant() + "-r",
                               {{"name", "r"}, {"users", 1000}, {"conversions", 50 + pick(150)}}));
        break;
      case 4:
        r.edges.push_back(edge("INSPIRED_BY", ref("Hypothesis", "h" + std::to_string(pick(3))),
                               ref("Learning", some_experiment() + "-l")));
        break;
      case 5:
        r.edges.push_back(edge("SUBSEGMENT_OF", ref("Segment", "s" + std::to_string(2 + pick(2))),
                               ref("Segment", "s" + std::to_string(pick(2)))));
        break;
      case 6:
        r.nodes.push_back(node("Hypothesis", "h" + std::to_string(pick(3)),
                               {{"statement", "Statement " + std::to_string(step)},
                                {"approved_on", "2024-0" + std::to_string(1 + pick(9)) + "-02"}}));
        break;
      case 7: {
        const std::string e = some_experiment();
        r.edges.push_back(
            edge("TESTS", ref("Experiment", e), ref("Hypothesis", "h" + std::to_string(pick(3)))));
        r.edges.push_back(
            edge("TARGETS", ref("Experiment", e), ref("Segment", "s" + std::to_string(pick(4)))));
        break;
      }
      case 8:
        r.nodes.push_back(node(
            "Learning", some_experiment() + "-l",
            {{"text", "Learned " + std::to_string(step)}, {"outcome", pick(2) ? "won" : "lost"}}));
        break;
      case 9:  // an arm reuses another experiment's asset
        r.edges.push_back(edge("USES_ASSET", ref("Variant", some_variant()),
                               ref("Asset", some_variant() + "-a")));
        break;
      case 10:  // rarely: a metric's direction flips (a whole load)
        r.nodes.push_back(
            node("Metric", "churn",
                 {{"name", "Churn"}, {"direction", pick(4) ? "decrease" : "increase"}}));
        break;
      case 11:  // rarely: a deletion (a whole load)
        if (pick(3) == 0) {
          r.edge_deletes.push_back(
              edge("RUNS_ON", ref("Experiment", some_experiment()), ref("Channel", "c0")));
        } else {
          r.nodes.push_back(node("Channel", "c" + std::to_string(pick(3)), {{"name", "Renamed"}}));
        }
        break;
      case 12:  // the primary metric moves
        r.edges.push_back(edge("MEASURES", ref("Experiment", some_experiment()),
                               ref("Metric", pick(2) ? "churn" : "ctr"), {{"role", "primary"}}));
        break;
      default:  // a variant's name and control flag
        r.nodes.push_back(
            node("Variant", some_variant(),
                 {{"name", "V" + std::to_string(step)}, {"is_control", pick(2) == 0}}));
        break;
    }
    // Some requests break a rule of the ontology (a second primary metric is allowed; a missing
    // node is not): those are refused whole and change nothing, which is fine here.
    (void)graph_->write(r);
    if (pick(3) == 0) continue;  // let records accumulate across writes now and then

    const ExperimentCatalog whole = load();
    auto updated = update(current);
    if (updated) {
      ++updates;
      ASSERT_EQ(canonical_catalog(updated->catalog), canonical_catalog(whole))
          << "after step " << step;
      current = std::move(updated->catalog);
    } else {
      ++whole_loads;
      current = whole;
    }
  }
  EXPECT_GT(updates, 100);
  EXPECT_GT(whole_loads, 0);
  EXPECT_LT(whole_loads, updates / 3);
}

}  // namespace
}  // namespace expgraph::insights
