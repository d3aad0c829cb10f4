// SearchScope: the graph side of a similarity search. Resolves a search's filter (channel,
// segment, metric, outcome, since) to a yes/no per document by walking the topology mirror
// from the document to its experiment(s), and describes a hit's experiment context. Used by
// SimilarityIndex to build the allow-list before ranking, so filters never starve the top k.
// Not thread-safe: one instance per search (it memoises per-experiment answers).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/graph_store.h"

namespace expgraph::similarity {

// Conditions on a document's experiment; every present one must hold.
struct SearchFilterSpec {
  std::optional<std::string> channel;  // Experiment -RUNS_ON-> Channel with this key
  std::optional<std::string> segment;  // -TARGETS-> this Segment or one of its subsegments
  std::optional<std::string> metric;   // -MEASURES-> Metric with this key
  std::optional<std::string> outcome;  // the Learning's outcome, or one of the experiment's
  std::optional<std::string> since;    // experiment started_at >= this date (YYYY-MM-DD)

  bool empty() const { return !channel && !segment && !metric && !outcome && !since; }
};

class SearchScope {
 public:
  SearchScope(const GraphStore& graph, SearchFilterSpec filter);

  // The experiments a document belongs to: itself (Experiment), the one that YIELDED it
  // (Learning), that TESTS it (Hypothesis), or whose Variant USES_ASSET it (Asset).
  std::vector<NodeId> experiments_of(NodeId document, const NodeType& type) const;
  // Whether `document` passes the filter. `experiment` receives the experiment that satisfied
  // it (the first of experiments_of when the filter is empty; 0 when there is none).
  Result<bool> matches(NodeId document, const NodeType& type, NodeId& experiment);
  // {experiment: {type, key, name, status}, channel, segment, metric, result: {lift, ci_low,
  // ci_high, p_value}}; fields absent from the graph are null. All null when experiment is 0.
  Result<nlohmann::json> context(NodeId experiment);

 private:
  Result<bool> experiment_matches(NodeId experiment);
  Result<std::optional<std::string>> string_property(NodeId node, const char* property);
  // +1, or -1 for a Metric whose direction is "decrease" (lower is better); +1 without one.
  // Remembered for the scope's search: an experiment's results share a few metrics.
  Result<double> metric_direction(std::optional<NodeId> metric);
  std::optional<NodeId> first_neighbor(NodeId node, Direction direction,
                                       std::optional<SymbolId> edge_type) const;
  Result<std::optional<std::string>> key_of(std::optional<NodeId> node);

  const GraphStore& graph_;
  const SearchFilterSpec filter_;
  // Edge type symbols (nullopt when the ontology has no such edge type).
  std::optional<SymbolId> yielded_, tests_, uses_asset_, has_variant_, runs_on_, targets_,
      measures_, subsegment_of_, has_result_, on_metric_;
  // Filter keys resolved to node ids; `unresolvable_` when a named node does not exist.
  bool unresolvable_ = false;
  NodeId channel_ = 0;
  NodeId metric_ = 0;
  std::vector<NodeId> segments_;  // the segment and its subsegments, sorted
  std::unordered_map<NodeId, bool> experiment_verdicts_;
  std::unordered_map<NodeId, double> metric_directions_;  // metric_direction's, by metric
};

}  // namespace expgraph::similarity
