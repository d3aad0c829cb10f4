#include "query/insights/experiment_catalog.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

#include "query/analytics/summary_effect.h"
#include "query/insights/count_effects.h"

namespace expgraph::insights {

namespace {

using nlohmann::json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string text_of(const json& properties, const char* name) {
  auto it = properties.find(name);
  return it != properties.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double number_of(const json& properties, const char* name) {
  auto it = properties.find(name);
  return it != properties.end() && it->is_number() ? it->get<double>() : kNaN;
}

std::vector<std::string> strings_of(const json& properties, const char* name) {
  std::vector<std::string> out;
  auto it = properties.find(name);
  if (it == properties.end() || !it->is_array()) return out;
  for (const json& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// Reads the experiments' neighbourhoods through the topology mirror, node records from storage.
class CatalogLoader {
 public:
  explicit CatalogLoader(const GraphStore& graph) : graph_(graph) {
    for (const char* name : {"RUNS_ON", "TARGETS", "MEASURES", "PART_OF", "OWNED_BY", "HAS_VARIANT",
                             "USES_ASSET", "HAS_RESULT", "FOR_VARIANT", "ON_METRIC", "IN_SEGMENT",
                             "YIELDED", "TESTS", "INSPIRED_BY", "SUBSEGMENT_OF"}) {
      edge_types_[name] = graph.symbols().find(SymbolKind::kEdgeType, name);
    }
  }

  Result<ExperimentCatalog> load() {
    catalog_.sequence = graph_.last_sequence();
    EXPGRAPH_RETURN_IF_ERROR(for_each_node(
        "Experiment", [this](const NodeRecord& record) { return add_experiment(record); }));
    EXPGRAPH_RETURN_IF_ERROR(load_segment_parents());
    EXPGRAPH_RETURN_IF_ERROR(load_metric_directions());
    catalog_.finish();
    return std::move(catalog_);
  }

 private:
  std::vector<NodeId> neighbors(NodeId id, Direction direction, const char* edge) const {
    std::vector<NodeId> out;
    auto type = edge_types_.at(edge);
    if (!type) return out;
    for (const auto& n : graph_.topology().neighbors(id, direction, *type)) out.push_back(n.node);
    return out;
  }

  Result<NodeRecord> node(NodeId id) {
    auto found = cache_.find(id);
    if (found != cache_.end()) return found->second;
    auto record = graph_.get_node(id);
    if (!record.ok()) return record.status();
    // Only shared nodes (channels, segments, metrics, teams) are worth keeping.
    if (record->type != "Asset" && record->type != "Variant" && record->type != "Result") {
      cache_.emplace(id, *record);
    }
    return record;
  }

  Result<std::vector<std::string>> keys_of(NodeId id, Direction direction, const char* edge) {
    std::vector<std::string> out;
    for (NodeId other : neighbors(id, direction, edge)) {
      auto record = node(other);
      if (!record.ok()) return record.status();
      out.push_back(record->key);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Status add_experiment(const NodeRecord& record) {
    ExperimentFacts e;
    const json& p = record.properties;
    e.node = record.id;
    e.key = record.key;
    e.name = text_of(p, "name");
    e.description = text_of(p, "description");
    e.status = text_of(p, "status");
    e.decision = text_of(p, "decision");
    e.started_at = text_of(p, "started_at");
    e.ended_at = text_of(p, "ended_at");
    e.decided_on = text_of(p, "decided_on");
    e.tags = strings_of(p, "tags");
    const NodeId id = record.id;
    std::pair<const char*, std::vector<std::string>*> lists[] = {{"RUNS_ON", &e.channels},
                                                                 {"TARGETS", &e.segments},
                                                                 {"MEASURES", &e.metrics},
                                                                 {"PART_OF", &e.campaigns},
                                                                 {"OWNED_BY", &e.teams}};
    for (auto& [edge, target] : lists) {
      auto keys = keys_of(id, Direction::kOut, edge);
      if (!keys.ok()) return keys.status();
      *target = std::move(keys).value();
    }
    auto measures = graph_.edges_of(record.ref(), Direction::kOut, "MEASURES", 100);
    if (!measures.ok()) return measures.status();
    for (const EdgeRecord& edge : *measures) {
      if (edge.properties.value("role", "") == "primary") e.primary_metric = edge.to.key;
    }
    if (e.primary_metric.empty() && !e.metrics.empty()) e.primary_metric = e.metrics.front();

    std::unordered_map<NodeId, size_t> arm_of_variant;
    for (NodeId variant : neighbors(id, Direction::kOut, "HAS_VARIANT")) {
      auto v = node(variant);
      if (!v.ok()) return v.status();
      ArmFacts arm;
      arm.key = v->key;
      arm.name = text_of(v->properties, "name");
      arm.is_control = v->properties.value("is_control", false);
      for (NodeId asset : neighbors(variant, Direction::kOut, "USES_ASSET")) {
        // An asset is read once however many arms use it (an Upworthy test's packages mostly
        // share one image).
        auto [known, added] = asset_of_node_.try_emplace(asset, 0);
        if (added) {
          auto a = node(asset);
          if (!a.ok()) return a.status();  // the whole load fails, this loader with it
          known->second = catalog_.add_asset({a->key, text_of(a->properties, "kind"),
                                              text_of(a->properties, "text"),
                                              strings_of(a->properties, "tags")});
        }
        arm.assets.push_back(known->second);
      }
      arm_of_variant[variant] = e.arms.size();
      e.arms.push_back(std::move(arm));
    }
    EXPGRAPH_RETURN_IF_ERROR(add_results(id, e, arm_of_variant));
    derive_effects_from_counts(e.arms);
    for (auto& [metric, arms] : e.arms_by_metric) derive_effects_from_counts(arms);
    const auto by_key = [](const ArmFacts& a, const ArmFacts& b) { return a.key < b.key; };
    std::sort(e.arms.begin(), e.arms.end(), by_key);
    for (auto& [metric, arms] : e.arms_by_metric) std::sort(arms.begin(), arms.end(), by_key);

    for (NodeId learning : neighbors(id, Direction::kOut, "YIELDED")) {
      auto l = node(learning);
      if (!l.ok()) return l.status();
      LearningFacts facts{l->key, text_of(l->properties, "text"), text_of(l->properties, "outcome"),
                          neighbors(learning, Direction::kIn, "INSPIRED_BY").size()};
      e.learnings.push_back(std::move(facts));
    }
    for (NodeId hypothesis : neighbors(id, Direction::kOut, "TESTS")) {
      auto h = node(hypothesis);
      if (!h.ok()) return h.status();
      e.hypotheses.push_back(h->key);
      if (!e.hypothesis_text.empty()) e.hypothesis_text += "\n";
      e.hypothesis_text += text_of(h->properties, "statement");
      const std::string approved = text_of(h->properties, "approved_on");
      if (!approved.empty() && (e.hypothesis_approved.empty() || approved < e.hypothesis_approved))
        e.hypothesis_approved = approved;
    }
    catalog_.experiments.push_back(std::move(e));
    return Status();
  }

  Status add_results(NodeId experiment, ExperimentFacts& e,
                     const std::unordered_map<NodeId, size_t>& arm_of_variant) {
    for (NodeId result : neighbors(experiment, Direction::kOut, "HAS_RESULT")) {
      // A result for a segment is the experiment's own only when that is a segment the
      // experiment TARGETS (the demo's results name it); others are breakdowns.
      auto result_segments = keys_of(result, Direction::kOut, "IN_SEGMENT");
      if (!result_segments.ok()) return result_segments.status();
      bool breakdown = false;
      for (const std::string& segment : *result_segments) {
        breakdown = breakdown ||
                    std::find(e.segments.begin(), e.segments.end(), segment) == e.segments.end();
      }
      if (breakdown) continue;
      auto metrics = keys_of(result, Direction::kOut, "ON_METRIC");
      if (!metrics.ok()) return metrics.status();
      auto variants = neighbors(result, Direction::kOut, "FOR_VARIANT");
      if (variants.empty()) continue;
      auto arm_index = arm_of_variant.find(variants.front());
      if (arm_index == arm_of_variant.end()) continue;
      std::vector<ArmFacts>* arms = &e.arms;
      if (!e.primary_metric.empty() && (metrics->empty() || metrics->front() != e.primary_metric)) {
        if (metrics->empty()) continue;
        auto [slot, added] = e.arms_by_metric.try_emplace(metrics->front());
        if (added) {
          // Copies of the arms without their primary-metric results.
          for (const ArmFacts& arm : e.arms) {
            ArmFacts bare;
            bare.key = arm.key;
            bare.name = arm.name;
            bare.is_control = arm.is_control;
            bare.assets = arm.assets;
            slot->second.push_back(std::move(bare));
          }
        }
        arms = &slot->second;
      }
      auto r = graph_.get_node(result);
      if (!r.ok()) return r.status();
      read_result(*r, (*arms)[arm_index->second]);
    }
    return Status();
  }

  static void read_result(const NodeRecord& r, ArmFacts& arm) {
    const json& p = r.properties;
    arm.has_result = true;
    arm.result_key = r.key;
    if (p.contains("users") && p["users"].is_number_integer())
      arm.users = p["users"].get<int64_t>();
    if (p.contains("conversions") && p["conversions"].is_number_integer())
      arm.conversions = p["conversions"].get<int64_t>();
    if (p.contains("sum") && p["sum"].is_number()) arm.sum = p["sum"].get<double>();
    if (p.contains("sum_sq") && p["sum_sq"].is_number()) arm.sum_sq = p["sum_sq"].get<double>();
    arm.lift = number_of(p, "lift");
    arm.ci_low = number_of(p, "ci_low");
    arm.ci_high = number_of(p, "ci_high");
    arm.p_value = number_of(p, "p_value");
    arm.log_lift = number_of(p, "log_lift");
    arm.log_lift_se = number_of(p, "log_lift_se");
    // Results entered as summaries (lift, interval, p-value; no counts, or written before
    // log_lift was stored): the effect derived from them, marked as derived. This is the one
    // place Results are read, so similar tests, patterns and forecasts all see it.
    if (!arm.has_effect()) {
      const double level = number_of(p, "confidence_level");
      if (auto effect = analytics::summary_effect(arm.lift, arm.ci_low, arm.ci_high, arm.p_value,
                                                  std::isfinite(level) ? level : 0.95)) {
        arm.log_lift = effect->log_lift;
        arm.log_lift_se = effect->log_lift_se;
        arm.derived = true;
        arm.derived_from = analytics::summary_source_name(effect->source);
      }
    }
  }

  // Calls `visit` with every node of `type`, page by page.
  template <typename Visit>
  Status for_each_node(const char* type, Visit visit) {
    std::string cursor;
    do {
      auto page = graph_.list_nodes(type, {}, 1000, cursor);
      if (!page.ok()) return page.status();
      for (const NodeRecord& record : page->nodes) EXPGRAPH_RETURN_IF_ERROR(visit(record));
      cursor = page->next_cursor;
    } while (!cursor.empty());
    return Status();
  }

  Status load_metric_directions() {
    return for_each_node("Metric", [this](const NodeRecord& metric) {
      if (text_of(metric.properties, "direction") == "decrease") {
        catalog_.decreasing_metrics.insert(metric.key);
      }
      return Status();
    });
  }

  Status load_segment_parents() {
    EXPGRAPH_RETURN_IF_ERROR(for_each_node("Segment", [this](const NodeRecord& segment) {
      auto parents = keys_of(segment.id, Direction::kOut, "SUBSEGMENT_OF");
      if (!parents.ok()) return parents.status();
      if (!parents->empty()) catalog_.segment_parents[segment.key] = std::move(parents).value();
      return Status();
    }));
    return for_each_node("Hypothesis", [this](const NodeRecord& hypothesis) {
      catalog_.inspired_by_edges += neighbors(hypothesis.id, Direction::kOut, "INSPIRED_BY").size();
      return Status();
    });
  }

  const GraphStore& graph_;
  std::map<std::string, std::optional<SymbolId>> edge_types_;
  std::unordered_map<NodeId, NodeRecord> cache_;
  std::unordered_map<NodeId, size_t> asset_of_node_;  // asset node -> index in catalog_.assets
  ExperimentCatalog catalog_;
};

}  // namespace

ArmFacts::ArmFacts()
    : lift(kNaN), ci_low(kNaN), ci_high(kNaN), p_value(kNaN), log_lift(kNaN), log_lift_se(kNaN) {}

bool ArmFacts::has_effect() const {
  return std::isfinite(log_lift) && std::isfinite(log_lift_se) && log_lift_se > 0;
}

const std::vector<ArmFacts>* ExperimentFacts::arms_on(const std::string& metric) const {
  if (metric.empty() || metric == primary_metric) return &arms;
  auto it = arms_by_metric.find(metric);
  return it == arms_by_metric.end() ? nullptr : &it->second;
}

std::optional<double> ArmFacts::rate() const {
  if (!users || *users <= 0) return std::nullopt;
  if (conversions) return static_cast<double>(*conversions) / static_cast<double>(*users);
  if (sum) return *sum / static_cast<double>(*users);
  return std::nullopt;
}

const AssetFacts* ExperimentCatalog::asset(const std::string& key) const {
  auto it = asset_index.find(key);
  return it == asset_index.end() ? nullptr : &assets[it->second];
}

std::optional<size_t> ExperimentCatalog::experiment_at_node(NodeId node) const {
  auto it = experiment_node_index.find(node);
  if (it == experiment_node_index.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ExperimentCatalog::lineage(const std::string& segment) const {
  std::vector<std::string> out{segment};
  std::set<std::string> seen{segment};
  for (size_t i = 0; i < out.size(); ++i) {
    auto it = segment_parents.find(out[i]);
    if (it == segment_parents.end()) continue;
    for (const std::string& parent : it->second) {
      if (seen.insert(parent).second) out.push_back(parent);
    }
  }
  return out;
}

size_t ExperimentCatalog::add_asset(AssetFacts asset) {
  auto [it, inserted] = asset_index.try_emplace(asset.key, assets.size());
  if (inserted) assets.push_back(std::move(asset));
  return it->second;
}

std::optional<size_t> strongest_arm(const std::vector<ArmFacts>& arms) {
  std::optional<size_t> best;
  double best_z = -1;
  for (size_t i = 0; i < arms.size(); ++i) {
    const ArmFacts& arm = arms[i];
    if (arm.is_control || !arm.has_effect()) continue;
    const double z = std::fabs(arm.log_lift / arm.log_lift_se);
    if (z > best_z) {
      best_z = z;
      best = i;
    }
  }
  return best;
}

void ExperimentCatalog::finish() {
  asset_uses.assign(assets.size(), {});
  experiment_node_index.clear();
  for (size_t e = 0; e < experiments.size(); ++e) {
    ExperimentFacts& experiment = experiments[e];
    if (experiment.node != 0) experiment_node_index.emplace(experiment.node, e);
    std::set<std::string> kinds;
    for (size_t a = 0; a < experiment.arms.size(); ++a) {
      for (size_t asset : experiment.arms[a].assets) {
        asset_uses[asset].emplace_back(e, a);
        kinds.insert(assets[asset].kind);
      }
    }
    experiment.asset_kinds.assign(kinds.begin(), kinds.end());
    experiment.strongest = strongest_arm(experiment.arms);
    std::set<std::string> lineage_set;
    for (const std::string& segment : experiment.segments) {
      for (std::string& s : lineage(segment)) lineage_set.insert(std::move(s));
    }
    experiment.segment_lineage.assign(lineage_set.begin(), lineage_set.end());
    experiment.lower_is_better = lower_is_better(experiment.primary_metric);
  }
}

Result<ExperimentCatalog> load_catalog(const GraphStore& graph) {
  return CatalogLoader(graph).load();
}

}  // namespace expgraph::insights
