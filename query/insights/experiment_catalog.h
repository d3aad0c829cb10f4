// ExperimentCatalog: a read-only snapshot of every experiment with the graph context that
// recommendations, patterns, forecasts and program metrics need (channels, segments with their
// ancestors, metrics, campaigns, teams, arms with their assets and primary-metric results,
// learnings, hypotheses). Loaded from a GraphStore by catalog_loader.h; the insight algorithms
// are pure functions over it, so tests and tools/bench can also build one by hand.
// Thread-safe once built (immutable).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "graph/graph_store.h"
#include "query/insights/cow_vector.h"

namespace expgraph::insights {

struct AssetFacts {
  std::string key;
  std::string kind;  // Asset.kind, "" when absent
  std::string text;
  std::vector<std::string> tags;
  NodeId node = 0;  // its node in the graph (0 for facts not read from one)
};

// One arm and its Result on the experiment's primary metric for its whole population (no
// IN_SEGMENT, or IN_SEGMENT of a segment the experiment TARGETS).
struct ArmFacts {
  std::string key;
  std::string name;
  bool is_control = false;
  std::vector<size_t> assets;  // indexes into ExperimentCatalog::assets
  bool has_result = false;
  std::string result_key;
  // Raw counts (binary: conversions; continuous: sum and sum_sq), when the Result has them.
  std::optional<int64_t> users, conversions;
  std::optional<double> sum, sum_sq;
  // Stored statistics vs the arm's baseline, NaN when absent.
  double lift, ci_low, ci_high, p_value, log_lift, log_lift_se;
  // The statistics were derived here, not stored: from the reported summary (lift with its
  // interval, or with its p-value: analytics::summary_effect; `derived_from` "interval" or
  // "p_value"), or from the arms' counts alone (count_effects.h: "control_counts" or
  // "other_arms_counts"); `derived_from` is "" otherwise.
  bool derived = false;
  std::string derived_from;
  ArmFacts();
  bool has_effect() const;  // a finite log_lift with se > 0
  // conversions / users or sum / users; nullopt without counts.
  std::optional<double> rate() const;
};

struct LearningFacts {
  std::string key;
  std::string text;
  std::string outcome;  // won / lost / inconclusive / ""
  size_t reuses = 0;    // Hypothesis -INSPIRED_BY-> this learning
};

struct ExperimentFacts {
  NodeId node = 0;  // its node in the graph (0 for facts not read from one)
  std::string key;
  std::string name;
  std::string description;
  std::string status;
  std::string decision;
  std::string started_at;  // YYYY-MM-DD or ""
  std::string ended_at;    // YYYY-MM-DD or ""
  std::string decided_on;  // YYYY-MM-DD or ""
  std::vector<std::string> channels, segments, metrics, campaigns, teams, tags;
  std::vector<std::string> segment_lineage;  // the segments and all their ancestors
  std::string primary_metric;
  // The primary metric's direction is "decrease" (churn, cost, unsubscribes): the arm with the
  // lower rate is the better one. Set by derive() from ExperimentCatalog::decreasing_metrics.
  bool lower_is_better = false;
  std::vector<ArmFacts> arms;  // their results are on primary_metric
  // Set by derive(), so that ranking every past test per request reads no arm:
  std::optional<size_t> strongest;       // strongest_arm(arms)
  std::vector<std::string> asset_kinds;  // the kinds of the arms' assets, sorted, distinct
  // Past, dated, with two or more arms measured (a rate over users): a test a forecast model
  // can learn from (ExperimentCatalog::trainable_experiments counts them).
  bool trainable = false;
  // The same arms (same order) with their results on each other metric measured for all
  // users, so that advice about a metric shows the result on that metric.
  std::map<std::string, std::vector<ArmFacts>> arms_by_metric;
  // The arms with their results on `metric`: `arms` for the primary metric (or an empty
  // name), nullptr when no result is on it.
  const std::vector<ArmFacts>* arms_on(const std::string& metric) const;
  std::vector<LearningFacts> learnings;
  std::vector<std::string> hypotheses;
  std::string hypothesis_text;      // statements of the tested hypotheses, joined
  std::string hypothesis_approved;  // earliest approved_on of its hypotheses, or ""

  bool is_past() const { return status == "concluded" || status == "stopped"; }
};

struct ExperimentCatalog {
  // Copies of a catalog share the experiments and assets neither has changed (cow_vector.h):
  // the catalog is replaced after every write, and most of it stays as it was.
  CowVector<ExperimentFacts> experiments;  // in key order
  CowVector<AssetFacts> assets;
  std::map<std::string, std::vector<std::string>> segment_parents;  // SUBSEGMENT_OF
  // Keys of the metrics whose direction is "decrease": lower is better.
  std::set<std::string> decreasing_metrics;
  size_t inspired_by_edges = 0;
  // How many experiments are `trainable`: set by finish(), kept by update_catalog, so that the
  // forecast model keeper's check after every write reads no experiment.
  size_t trainable_experiments = 0;
  uint64_t sequence = 0;  // the graph's last_sequence when loaded

  using ArmRef = std::pair<size_t, size_t>;  // (experiment index, arm index)
  // The arms that use the asset at this index (empty before build_indexes()).
  std::span<const ArmRef> uses_of(size_t asset) const;
  // The index of the experiment of this node (nullopt: none, or build_indexes() not called).
  std::optional<size_t> experiment_at_node(NodeId node) const;
  // The segment and its ancestors (SUBSEGMENT_OF, transitively), cycles tolerated.
  std::vector<std::string> lineage(const std::string& segment) const;
  // Whether a lower value of `metric` is the better one (its direction is "decrease").
  bool lower_is_better(const std::string& metric) const {
    return decreasing_metrics.count(metric) > 0;
  }
  // Appends an asset and returns its index.
  size_t add_asset(AssetFacts asset);
  // After a whole load: build_indexes(), derive() for every experiment, and the count of
  // trainable experiments.
  void finish();
  // Rebuilds the indexes below (uses_of, experiment_at_node) from `experiments` and `assets`.
  void build_indexes();
  // Sets each experiment's segment_lineage, lower_is_better, strongest, asset_kinds and
  // trainable from
  // its other fields; with `changed`, those of the experiments whose node is in it only
  // (update_catalog: the others, their assets and the segment hierarchy are as they were when
  // they were derived).
  void derive(const std::set<NodeId>* changed = nullptr);

  // Built by build_indexes(), each in a few flat arrays.
  // uses_of(a) = asset_uses_[asset_use_starts_[a] .. asset_use_starts_[a + 1]).
  std::vector<size_t> asset_use_starts_;
  std::vector<ArmRef> asset_uses_;
  // (experiment node, index in `experiments`), by node; facts without a node are not in it.
  std::vector<std::pair<NodeId, size_t>> experiment_nodes_;
};

// The arm with the largest |log_lift / se| among the non-control arms with an effect (nullopt:
// none).
std::optional<size_t> strongest_arm(const std::vector<ArmFacts>& arms);

}  // namespace expgraph::insights
