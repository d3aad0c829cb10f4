#include "query/similarity/search_scope.h"

#include <algorithm>
#include <optional>

namespace expgraph::similarity {

namespace {

bool contains(const std::vector<TopologyMirror::Neighbor>& neighbors, NodeId node) {
  return std::any_of(neighbors.begin(), neighbors.end(),
                     [node](const auto& neighbor) { return neighbor.node == node; });
}

}  // namespace

SearchScope::SearchScope(const GraphStore& graph, SearchFilterSpec filter)
    : graph_(graph), filter_(std::move(filter)) {
  const SymbolTable& symbols = graph_.symbols();
  auto edge = [&symbols](const char* name) { return symbols.find(SymbolKind::kEdgeType, name); };
  yielded_ = edge("YIELDED");
  tests_ = edge("TESTS");
  uses_asset_ = edge("USES_ASSET");
  has_variant_ = edge("HAS_VARIANT");
  runs_on_ = edge("RUNS_ON");
  targets_ = edge("TARGETS");
  measures_ = edge("MEASURES");
  subsegment_of_ = edge("SUBSEGMENT_OF");
  has_result_ = edge("HAS_RESULT");
  on_metric_ = edge("ON_METRIC");

  // A filter naming a node that does not exist (or an I/O error resolving it) matches nothing.
  auto resolve = [this](const char* type, const std::optional<std::string>& key) -> NodeId {
    if (!key) return 0;
    auto id = graph_.find_node_id(NodeRef{type, *key});
    if (!id.ok() || !id->has_value()) {
      unresolvable_ = true;
      return 0;
    }
    return **id;
  };
  channel_ = resolve("Channel", filter_.channel);
  metric_ = resolve("Metric", filter_.metric);
  if (NodeId segment = resolve("Segment", filter_.segment); segment != 0) {
    // The segment and, transitively, every segment that is SUBSEGMENT_OF it (cycles are fine).
    std::vector<NodeId> pending{segment};
    while (!pending.empty()) {
      NodeId current = pending.back();
      pending.pop_back();
      if (std::find(segments_.begin(), segments_.end(), current) != segments_.end()) continue;
      segments_.push_back(current);
      if (!subsegment_of_) continue;
      for (const auto& child :
           graph_.topology().neighbors(current, Direction::kIn, subsegment_of_)) {
        pending.push_back(child.node);
      }
    }
    std::sort(segments_.begin(), segments_.end());
  }
}

std::vector<NodeId> SearchScope::experiments_of(NodeId document, const NodeType& type) const {
  const TopologyMirror& topology = graph_.topology();
  std::vector<NodeId> experiments;
  auto sources = [&](NodeId node, const std::optional<SymbolId>& edge_type) {
    std::vector<NodeId> out;
    if (!edge_type) return out;
    for (const auto& neighbor : topology.neighbors(node, Direction::kIn, edge_type)) {
      out.push_back(neighbor.node);
    }
    return out;
  };
  if (type.name == "Experiment") {
    experiments.push_back(document);
  } else if (type.name == "Learning") {
    experiments = sources(document, yielded_);
  } else if (type.name == "Hypothesis") {
    experiments = sources(document, tests_);
  } else if (type.name == "Asset") {
    for (NodeId variant : sources(document, uses_asset_)) {
      for (NodeId experiment : sources(variant, has_variant_)) experiments.push_back(experiment);
    }
  }
  std::sort(experiments.begin(), experiments.end());
  experiments.erase(std::unique(experiments.begin(), experiments.end()), experiments.end());
  return experiments;
}

Result<bool> SearchScope::matches(NodeId document, const NodeType& type, NodeId& experiment) {
  experiment = 0;
  std::vector<NodeId> experiments = experiments_of(document, type);
  if (filter_.empty()) {
    if (!experiments.empty()) experiment = experiments.front();
    return true;
  }
  if (unresolvable_) return false;
  const bool is_learning = type.name == "Learning";
  if (is_learning && filter_.outcome) {
    auto outcome = string_property(document, "outcome");
    if (!outcome.ok()) return outcome.status();
    if (*outcome != filter_.outcome) return false;
    // Only the outcome was asked for: a learning without an experiment still qualifies.
    if (!filter_.channel && !filter_.segment && !filter_.metric && !filter_.since) {
      if (!experiments.empty()) experiment = experiments.front();
      return true;
    }
  }
  for (NodeId candidate : experiments) {
    auto verdict = experiment_matches(candidate);
    if (!verdict.ok()) return verdict.status();
    // A Learning's own outcome was checked above; the experiment's other learnings do not count.
    if (*verdict) {
      experiment = candidate;
      return true;
    }
  }
  return false;
}

Result<bool> SearchScope::experiment_matches(NodeId experiment) {
  if (auto it = experiment_verdicts_.find(experiment); it != experiment_verdicts_.end()) {
    return it->second;
  }
  const TopologyMirror& topology = graph_.topology();
  bool verdict = true;
  if (verdict && filter_.channel) {
    verdict =
        runs_on_ && contains(topology.neighbors(experiment, Direction::kOut, runs_on_), channel_);
  }
  if (verdict && filter_.metric) {
    verdict =
        measures_ && contains(topology.neighbors(experiment, Direction::kOut, measures_), metric_);
  }
  if (verdict && filter_.segment) {
    verdict = false;
    if (targets_) {
      for (const auto& target : topology.neighbors(experiment, Direction::kOut, targets_)) {
        if (std::binary_search(segments_.begin(), segments_.end(), target.node)) verdict = true;
      }
    }
  }
  if (verdict && filter_.since) {
    auto started = string_property(experiment, "started_at");
    if (!started.ok()) return started.status();
    // Dates are "YYYY-MM-DD", so string order is date order.
    verdict = started->has_value() && **started >= *filter_.since;
  }
  if (verdict && filter_.outcome) {
    // Evaluated here only for non-Learning documents: the experiment's learnings decide.
    verdict = false;
    if (yielded_) {
      for (const auto& learning : topology.neighbors(experiment, Direction::kOut, yielded_)) {
        auto outcome = string_property(learning.node, "outcome");
        if (!outcome.ok()) return outcome.status();
        if (*outcome == filter_.outcome) {
          verdict = true;
          break;
        }
      }
    }
  }
  experiment_verdicts_[experiment] = verdict;
  return verdict;
}

Result<std::optional<std::string>> SearchScope::string_property(NodeId node, const char* property) {
  auto record = graph_.get_node(node);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
    return record.status();
  }
  auto it = record->properties.find(property);
  if (it == record->properties.end() || !it->is_string()) return std::optional<std::string>();
  return std::optional<std::string>(it->get<std::string>());
}

Result<double> SearchScope::metric_direction(std::optional<NodeId> metric) {
  if (!metric) return 1.0;
  auto known = metric_directions_.find(*metric);
  if (known != metric_directions_.end()) return known->second;
  auto direction = string_property(*metric, "direction");
  if (!direction.ok()) return direction.status();
  return metric_directions_.emplace(*metric, *direction == "decrease" ? -1.0 : 1.0).first->second;
}

std::optional<NodeId> SearchScope::first_neighbor(NodeId node, Direction direction,
                                                  std::optional<SymbolId> edge_type) const {
  if (!edge_type) return std::nullopt;
  auto neighbors = graph_.topology().neighbors(node, direction, edge_type);
  if (neighbors.empty()) return std::nullopt;
  NodeId lowest = neighbors.front().node;
  for (const auto& neighbor : neighbors) lowest = std::min(lowest, neighbor.node);
  return lowest;
}

Result<std::optional<std::string>> SearchScope::key_of(std::optional<NodeId> node) {
  if (!node) return std::optional<std::string>();
  auto record = graph_.get_node(*node);
  if (!record.ok()) return record.status();
  return std::optional<std::string>(record->key);
}

Result<nlohmann::json> SearchScope::context(NodeId experiment) {
  nlohmann::json context = {{"experiment", nullptr},
                            {"channel", nullptr},
                            {"segment", nullptr},
                            {"metric", nullptr},
                            {"result", nullptr}};
  if (experiment == 0) return context;
  auto record = graph_.get_node(experiment);
  if (!record.ok()) return record.status();
  auto property = [&record](const char* name) {
    auto it = record->properties.find(name);
    return it == record->properties.end() ? nlohmann::json() : *it;
  };
  context["experiment"] = {{"type", record->type},
                           {"key", record->key},
                           {"name", property("name")},
                           {"status", property("status")}};
  // With a filter, show the channel/segment/metric it matched on; otherwise the first one.
  std::optional<NodeId> channel = filter_.channel && channel_ != 0
                                      ? std::optional<NodeId>(channel_)
                                      : first_neighbor(experiment, Direction::kOut, runs_on_);
  std::optional<NodeId> metric = filter_.metric && metric_ != 0
                                     ? std::optional<NodeId>(metric_)
                                     : first_neighbor(experiment, Direction::kOut, measures_);
  std::optional<NodeId> segment = first_neighbor(experiment, Direction::kOut, targets_);
  if (filter_.segment && targets_) {
    for (const auto& target : graph_.topology().neighbors(experiment, Direction::kOut, targets_)) {
      if (std::binary_search(segments_.begin(), segments_.end(), target.node)) {
        segment = target.node;
        break;
      }
    }
  }
  for (auto [field, node] : {std::pair{"channel", channel}, std::pair{"segment", segment},
                             std::pair{"metric", metric}}) {
    auto key = key_of(node);
    if (!key.ok()) return key.status();
    if (key->has_value()) context[field] = **key;
  }
  if (has_result_) {
    // The experiment's best arm summarises it: of its results with a lift, those on the metric
    // shown (the filter's, else the first measured) when any is, and of those the best lift
    // for its metric's direction (the largest, the smallest for a metric whose direction is
    // "decrease"; ties: the first created).
    std::optional<NodeRecord> best;
    bool best_on_metric = false;
    double best_gain = 0;
    auto results = graph_.topology().neighbors(experiment, Direction::kOut, has_result_);
    std::sort(results.begin(), results.end(),
              [](const auto& a, const auto& b) { return a.node < b.node; });
    for (const auto& result : results) {
      auto node = graph_.get_node(result.node);
      if (!node.ok()) return node.status();
      auto lift = node->properties.find("lift");
      if (lift == node->properties.end() || !lift->is_number()) continue;
      const std::optional<NodeId> its_metric =
          first_neighbor(result.node, Direction::kOut, on_metric_);
      auto direction = metric_direction(its_metric);
      if (!direction.ok()) return direction.status();
      const bool on_metric = metric && its_metric == metric;
      const double gain = *direction * lift->get<double>();
      if (!best || (on_metric && !best_on_metric) ||
          (on_metric == best_on_metric && gain > best_gain)) {
        best = std::move(*node);
        best_on_metric = on_metric;
        best_gain = gain;
      }
    }
    if (best) {
      nlohmann::json summary = {{"key", best->key}};
      for (const char* name : {"lift", "ci_low", "ci_high", "p_value"}) {
        auto it = best->properties.find(name);
        summary[name] = it == best->properties.end() ? nlohmann::json() : *it;
      }
      context["result"] = std::move(summary);
    }
  }
  return context;
}

}  // namespace expgraph::similarity
