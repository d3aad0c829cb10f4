#include "query/insights/experiment_catalog.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>

namespace expgraph::insights {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_trainable(const ExperimentFacts& experiment) {
  if (!experiment.is_past() || experiment.started_at.empty()) return false;
  size_t measured = 0;
  for (const ArmFacts& arm : experiment.arms) {
    measured += arm.rate() && arm.users && *arm.users > 0 ? 1 : 0;
  }
  return measured >= 2;
}

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

std::span<const ExperimentCatalog::ArmRef> ExperimentCatalog::uses_of(size_t asset) const {
  if (asset + 1 >= asset_use_starts_.size()) return {};
  return std::span<const ArmRef>(asset_uses_.data() + asset_use_starts_[asset],
                                 asset_use_starts_[asset + 1] - asset_use_starts_[asset]);
}

std::optional<size_t> ExperimentCatalog::experiment_at_node(NodeId node) const {
  auto it = std::lower_bound(experiment_nodes_.begin(), experiment_nodes_.end(),
                             std::pair<NodeId, size_t>(node, 0));
  if (it == experiment_nodes_.end() || it->first != node) return std::nullopt;
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
  assets.push_back(std::move(asset));
  return assets.size() - 1;
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
  build_indexes();
  derive();
  trainable_experiments = 0;
  for (const ExperimentFacts& experiment : std::as_const(experiments)) {
    trainable_experiments += experiment.trainable ? 1 : 0;
  }
}

void ExperimentCatalog::build_indexes() {
  // Read through const views: a non-const access would copy an experiment another catalog
  // shares (cow_vector.h).
  const auto& read_assets = std::as_const(assets);
  const auto& read_experiments = std::as_const(experiments);
  experiment_nodes_.clear();
  // Arms per asset, counted first so that the uses fit in one array.
  asset_use_starts_.assign(read_assets.size() + 1, 0);
  for (const ExperimentFacts& experiment : read_experiments) {
    for (const ArmFacts& arm : experiment.arms) {
      for (size_t asset : arm.assets) ++asset_use_starts_[asset + 1];
    }
  }
  for (size_t a = 0; a < read_assets.size(); ++a) asset_use_starts_[a + 1] += asset_use_starts_[a];
  asset_uses_.resize(asset_use_starts_.back());
  std::vector<size_t> filled(asset_use_starts_.begin(), asset_use_starts_.end() - 1);
  for (size_t e = 0; e < read_experiments.size(); ++e) {
    const ExperimentFacts& experiment = read_experiments[e];
    if (experiment.node != 0) experiment_nodes_.emplace_back(experiment.node, e);
    for (size_t a = 0; a < experiment.arms.size(); ++a) {
      for (size_t asset : experiment.arms[a].assets) asset_uses_[filled[asset]++] = {e, a};
    }
  }
  std::sort(experiment_nodes_.begin(), experiment_nodes_.end());
}

void ExperimentCatalog::derive(const std::set<NodeId>* changed) {
  // Everything is read through const views, and an experiment is written only where its
  // derived fields change: a write would copy an experiment another catalog shares.
  const auto& read_assets = std::as_const(assets);
  const auto& read_experiments = std::as_const(experiments);
  // Most experiments share a few segments: each lineage is walked once.
  std::unordered_map<std::string, std::vector<std::string>> lineages;
  // The kinds of an experiment's assets, as pointers into `assets` until they are stored.
  std::vector<const std::string*> kinds;
  const auto by_value = [](const std::string* x, const std::string* y) { return *x < *y; };
  const auto same_value = [](const std::string* x, const std::string* y) { return *x == *y; };
  const auto derive_one = [&](size_t e) {
    const ExperimentFacts& experiment = read_experiments[e];
    kinds.clear();
    for (const ArmFacts& arm : experiment.arms) {
      for (size_t asset : arm.assets) kinds.push_back(&read_assets[asset].kind);
    }
    std::sort(kinds.begin(), kinds.end(), by_value);
    kinds.erase(std::unique(kinds.begin(), kinds.end(), same_value), kinds.end());
    const bool kinds_same = std::equal(
        kinds.begin(), kinds.end(), experiment.asset_kinds.begin(), experiment.asset_kinds.end(),
        [](const std::string* x, const std::string& y) { return *x == y; });
    const std::optional<size_t> strongest = strongest_arm(experiment.arms);
    std::vector<std::string> segment_lineage;
    for (const std::string& segment : experiment.segments) {
      auto [known, added] = lineages.try_emplace(segment);
      if (added) known->second = lineage(segment);
      segment_lineage.insert(segment_lineage.end(), known->second.begin(), known->second.end());
    }
    std::sort(segment_lineage.begin(), segment_lineage.end());
    segment_lineage.erase(std::unique(segment_lineage.begin(), segment_lineage.end()),
                          segment_lineage.end());
    const bool lower = lower_is_better(experiment.primary_metric);
    const bool trainable = is_trainable(experiment);
    if (!kinds_same || strongest != experiment.strongest ||
        segment_lineage != experiment.segment_lineage || lower != experiment.lower_is_better ||
        trainable != experiment.trainable) {
      ExperimentFacts& facts = experiments[e];  // copied first when another catalog shares it
      facts.asset_kinds.clear();
      for (const std::string* kind : kinds) facts.asset_kinds.push_back(*kind);
      facts.strongest = strongest;
      facts.segment_lineage = std::move(segment_lineage);
      facts.lower_is_better = lower;
      facts.trainable = trainable;
    }
  };
  if (changed == nullptr) {
    for (size_t e = 0; e < read_experiments.size(); ++e) derive_one(e);
    return;
  }
  // Through the index, not a walk over every experiment.
  for (NodeId node : *changed) {
    if (std::optional<size_t> e = experiment_at_node(node)) derive_one(*e);
  }
}

}  // namespace expgraph::insights
