#include "query/insights/catalog_loader.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/change_log.h"
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

// Whether the arms of `a` and `b` use the same assets, arm by arm: then a catalog's index of
// which arms use which asset stays right when one replaces the other.
bool same_asset_uses(const ExperimentFacts& a, const ExperimentFacts& b) {
  return std::equal(a.arms.begin(), a.arms.end(), b.arms.begin(), b.arms.end(),
                    [](const ArmFacts& x, const ArmFacts& y) { return x.assets == y.assets; });
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
    EXPGRAPH_RETURN_IF_ERROR(for_each_node("Experiment", [this](const NodeRecord& record) {
      auto e = read_experiment(record);
      if (!e.ok()) return e.status();
      catalog_.experiments.push_back(std::move(e).value());
      return Status();
    }));
    EXPGRAPH_RETURN_IF_ERROR(load_segment_parents());
    EXPGRAPH_RETURN_IF_ERROR(load_metric_directions());
    count_inspired_by();
    catalog_.finish();
    return std::move(catalog_);
  }

  Result<std::optional<CatalogUpdate>> update(const ExperimentCatalog& previous,
                                              const CatalogUpdateLimits& limits) {
    const uint64_t target = graph_.last_sequence();
    Touched touched;
    auto changes = read_changes(previous.sequence, target, limits, touched);
    if (!changes.ok()) return changes.status();
    const double most = limits.max_share_read * static_cast<double>(previous.experiments.size());
    if (!*changes || static_cast<double>(touched.experiments.size()) > std::max(most, 1.0)) {
      return std::optional<CatalogUpdate>();  // a whole load
    }
    catalog_ = previous;
    catalog_.sequence = target;
    EXPGRAPH_RETURN_IF_ERROR(read_touched(previous, touched));
    count_inspired_by();
    // The indexes hold positions of experiments and assets, and which arms use which assets:
    // the previous catalog's stay right unless one of those moved (an asset is only added for
    // an arm that uses it, so an added asset moved an arm's assets too).
    if (positions_moved_) catalog_.build_indexes();
    // Only the experiments read again need their derived fields, unless what the others'
    // depend on changed: an asset's kind, a segment's parents.
    const bool others_current = !asset_kind_changed_ && touched.segments.empty();
    catalog_.derive(others_current ? &touched.experiments : nullptr);
    // Only the experiments read again can have become trainable or stopped being so.
    size_t trainable = previous.trainable_experiments;
    for (NodeId id : touched.experiments) {
      if (auto at = previous.experiment_at_node(id)) {
        trainable -= previous.experiments[*at].trainable;
      }
      if (auto at = catalog_.experiment_at_node(id)) {
        trainable += std::as_const(catalog_.experiments)[*at].trainable;
      }
    }
    catalog_.trainable_experiments = trainable;
    return std::optional<CatalogUpdate>(CatalogUpdate{
        std::move(catalog_), **changes, touched.experiments.size(), std::move(assets_read_)});
  }

 private:
  // What the change-log records since a catalog touched.
  struct Touched {
    std::set<NodeId> experiments;            // to read again (or for the first time)
    std::set<NodeId> assets;                 // whose facts to read again
    std::map<std::string, NodeId> segments;  // whose parents to read again
  };

  // What the log records after `after` up to `target` touched; the number of records, or
  // nullopt when update() does not follow them.
  Result<std::optional<size_t>> read_changes(uint64_t after, uint64_t target,
                                             const CatalogUpdateLimits& limits, Touched& touched) {
    const std::optional<size_t> cannot;
    size_t changes = 0;
    uint64_t cursor = after;
    while (cursor < target) {
      auto page = list_changes(graph_, {}, 1000, cursor);
      if (!page.ok()) return page.status();
      if (page->changes.empty()) return cannot;  // the log ends before `target`
      for (const ChangeRecord& record : page->changes) {
        if (record.sequence > target) break;  // later writes: the next update's
        // Sequences are dense; a gap would hide a change.
        if (record.sequence != cursor + 1) return cannot;
        cursor = record.sequence;
        if (++changes > limits.max_changes) return cannot;
        auto followed = note_change(record, touched);
        if (!followed.ok()) return followed.status();
        if (!*followed) return cannot;
      }
      if (page->next_cursor == 0 && cursor < target) return cannot;
    }
    return std::optional<size_t>(changes);
  }

  // Reads what `touched` names into catalog_, a copy of `previous`.
  Status read_touched(const ExperimentCatalog& previous, const Touched& touched) {
    // The previous catalog's assets by node, for the assets and experiments to read (none
    // after a write the catalog keeps only by key): one array, sorted, rather than a hash map
    // of every asset (14 ms of an update on the archive).
    if (!touched.assets.empty() || !touched.experiments.empty()) {
      const auto& assets = std::as_const(catalog_.assets);  // reads that copy nothing
      previous_assets_.reserve(assets.size());
      for (size_t i = 0; i < assets.size(); ++i) {
        if (assets[i].node != 0) previous_assets_.emplace_back(assets[i].node, i);
      }
      std::sort(previous_assets_.begin(), previous_assets_.end());
    }
    for (NodeId asset : touched.assets) {
      const std::optional<size_t> known = previous_asset(asset);
      if (!known) continue;  // not used by any arm (yet)
      auto a = node(asset);
      if (!a.ok()) return a.status();
      AssetFacts facts = asset_facts(*a);
      // Experiments derive their asset kinds: those using this asset need them again.
      if (facts.kind != std::as_const(catalog_.assets)[*known].kind) asset_kind_changed_ = true;
      catalog_.assets.replace(*known, std::move(facts));
      assets_read_.push_back(*known);
    }
    for (const auto& [segment, id] : touched.segments) {
      auto parents = keys_of(id, Direction::kOut, "SUBSEGMENT_OF");
      if (!parents.ok()) return parents.status();
      if (parents->empty()) {
        catalog_.segment_parents.erase(segment);
      } else {
        catalog_.segment_parents[segment] = std::move(parents).value();
      }
    }
    bool added = false;
    for (NodeId id : touched.experiments) {
      auto record = graph_.get_node(id);
      if (!record.ok()) return record.status();
      auto e = read_experiment(*record);
      if (!e.ok()) return e.status();
      if (auto at = previous.experiment_at_node(id)) {
        if (!same_asset_uses(previous.experiments[*at], *e)) positions_moved_ = true;
        catalog_.experiments.replace(*at, std::move(e).value());
      } else {
        catalog_.experiments.push_back(std::move(e).value());
        added = true;
        positions_moved_ = true;
      }
    }
    if (added) {  // experiments stay in key order, as a whole load lists them
      catalog_.experiments.sort(
          [](const ExperimentFacts& a, const ExperimentFacts& b) { return a.key < b.key; });
    }
    return Status();
  }

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

  // The experiment of `record` with its neighbourhood as stored now.
  Result<ExperimentFacts> read_experiment(const NodeRecord& record) {
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
          if (const std::optional<size_t> previous = previous_asset(asset)) {
            known->second = *previous;
          } else {
            auto a = node(asset);
            if (!a.ok()) return a.status();  // the whole load fails, this loader with it
            known->second = catalog_.add_asset(asset_facts(*a));
            assets_read_.push_back(known->second);
          }
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
    return e;
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
    return Status();
  }

  // INSPIRED_BY joins a Hypothesis to a Learning only (the ontology's domain and range), so the
  // mirror's count of the edge type is the count of reuses.
  void count_inspired_by() {
    auto type = edge_types_.at("INSPIRED_BY");
    catalog_.inspired_by_edges = type ? graph_.topology().edge_count(*type) : 0;
  }

  // The index of this asset node among the previous catalog's assets (in an update).
  std::optional<size_t> previous_asset(NodeId asset) const {
    auto it = std::lower_bound(previous_assets_.begin(), previous_assets_.end(),
                               std::pair<NodeId, size_t>(asset, 0));
    if (it == previous_assets_.end() || it->first != asset) return std::nullopt;
    return it->second;
  }

  static AssetFacts asset_facts(const NodeRecord& a) {
    return {a.key, text_of(a.properties, "kind"), text_of(a.properties, "text"),
            strings_of(a.properties, "tags"), a.id};
  }

  // Notes what one record touched; false when update() does not follow such a change.
  Result<bool> note_change(const ChangeRecord& record, Touched& touched) {
    if (record.op == "put_node") {
      auto ref = parse_node_ref(record.subject.value("node", ""));
      if (!ref.ok()) return ref.status();
      // A metric's direction decides which arm is better in every experiment measuring it.
      if (ref->type == "Metric") return direction_of(record.before) == direction_of(record.after);
      return note_node(*ref, touched);
    }
    if (record.op == "put_edge") {
      const std::string type = record.subject.value("edge", "");
      auto from = parse_node_ref(record.subject.value("from", ""));
      if (!from.ok()) return from.status();
      auto to = parse_node_ref(record.subject.value("to", ""));
      if (!to.ok()) return to.status();
      if (type == "SUBSEGMENT_OF") {
        auto id = graph_.find_node_id(*from);
        if (!id.ok()) return id.status();
        if (!*id) return false;
        touched.segments[from->key] = **id;
        return true;
      }
      // An edge is in the facts of the node it leaves (an experiment's channels, an arm's
      // assets, a result's metric), except INSPIRED_BY: the reuses of the learning it enters.
      return note_node(type == "INSPIRED_BY" ? *to : *from, touched);
    }
    return false;  // deletions: what was joined to the node or edge is gone from the mirror
  }

  // The experiments whose facts include the node `ref`, found through the mirror as it is now.
  Result<bool> note_node(const NodeRef& ref, Touched& touched) {
    static const std::map<std::string, const char*> kEdgeFromExperiment = {
        {"Variant", "HAS_VARIANT"},
        {"Result", "HAS_RESULT"},
        {"Learning", "YIELDED"},
        {"Hypothesis", "TESTS"}};
    const bool experiment = ref.type == "Experiment";
    const auto from_experiment = kEdgeFromExperiment.find(ref.type);
    if (!experiment && ref.type != "Asset" && from_experiment == kEdgeFromExperiment.end()) {
      return true;  // channels, segments, campaigns, teams: the catalog keeps only their keys
    }
    auto id = graph_.find_node_id(ref);
    if (!id.ok()) return id.status();
    if (!*id) return false;  // deleted since: a later record deletes it
    if (experiment) {
      touched.experiments.insert(**id);
    } else if (ref.type == "Asset") {
      touched.assets.insert(**id);
    } else {
      for (NodeId e : neighbors(**id, Direction::kIn, from_experiment->second)) {
        touched.experiments.insert(e);
      }
    }
    return true;
  }

  static std::string direction_of(const json& state) {
    if (!state.is_object()) return "";
    auto properties = state.find("properties");
    return properties == state.end() ? "" : text_of(*properties, "direction");
  }

  const GraphStore& graph_;
  std::map<std::string, std::optional<SymbolId>> edge_types_;
  std::unordered_map<NodeId, NodeRecord> cache_;
  // Asset node -> index in catalog_.assets, for the assets this loader read or looked up.
  std::unordered_map<NodeId, size_t> asset_of_node_;
  // In an update: (asset node, index) of the previous catalog's assets, by node.
  std::vector<std::pair<NodeId, size_t>> previous_assets_;
  ExperimentCatalog catalog_;
  std::vector<size_t> assets_read_;  // of catalog_'s assets, those added or read again
  // An experiment was added, or one read again has arms using other assets than before: the
  // catalog's indexes must be built again.
  bool positions_moved_ = false;
  bool asset_kind_changed_ = false;  // an asset already in the catalog has another kind now
};

}  // namespace

Result<ExperimentCatalog> load_catalog(const GraphStore& graph) {
  return CatalogLoader(graph).load();
}

Result<std::optional<CatalogUpdate>> update_catalog(const GraphStore& graph,
                                                    const ExperimentCatalog& previous,
                                                    const CatalogUpdateLimits& limits) {
  return CatalogLoader(graph).update(previous, limits);
}

}  // namespace expgraph::insights
