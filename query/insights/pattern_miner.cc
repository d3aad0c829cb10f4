#include "query/insights/pattern_miner.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>

#include "query/analytics/result_stats.h"
#include "query/insights/headline_features.h"

namespace expgraph::insights {

namespace {

// Pooled counts of a set of arms; nullopt when one of them lacks the counts.
struct PooledArms {
  int64_t users = 0;
  int64_t conversions = 0;
  double sum = 0;
  double sum_sq = 0;
  bool binary = true;
  bool continuous = true;
};

std::optional<PooledArms> pool_arms(const ExperimentFacts& e, const std::vector<size_t>& arms) {
  PooledArms pooled;
  for (size_t index : arms) {
    const ArmFacts& arm = e.arms[index];
    if (!arm.users) return std::nullopt;
    pooled.users += *arm.users;
    if (arm.conversions) {
      pooled.conversions += *arm.conversions;
    } else {
      pooled.binary = false;
    }
    if (arm.sum && arm.sum_sq) {
      pooled.sum += *arm.sum;
      pooled.sum_sq += *arm.sum_sq;
    } else {
      pooled.continuous = false;
    }
  }
  return pooled;
}

// ln(rate of `with` / rate of `without`) and its standard error, from pooled counts.
std::optional<PatternStudy> contrast(size_t experiment, const ExperimentFacts& e,
                                     const std::vector<size_t>& with,
                                     const std::vector<size_t>& without) {
  if (with.empty() || without.empty()) return std::nullopt;
  auto a = pool_arms(e, with);
  auto b = pool_arms(e, without);
  if (!a || !b) return std::nullopt;
  Result<analytics::Comparison> c = Status::invalid_argument("no counts");
  if (a->binary && b->binary) {
    c = analytics::compare_proportions({b->users, b->conversions}, {a->users, a->conversions});
  } else if (a->continuous && b->continuous) {
    c = analytics::compare_means({b->users, b->sum, b->sum_sq}, {a->users, a->sum, a->sum_sq});
  }
  if (!c.ok() || !c->log_lift_defined || !(c->log_lift_se > 0)) return std::nullopt;
  return PatternStudy{experiment, c->log_lift, c->log_lift_se};
}

// The same contrast from the arms' effects against the control, for results entered as
// summaries. A side is either the control arm(s) alone (effect 0: the reference the summaries
// are measured against) or treatment arms with an effect, pooled by inverse variance; nullopt
// for a side that mixes them (no counts to pool the control with) or when both are controls.
// The two sides share the control, so the difference's SE treats them as independent, which
// overstates it slightly (a conservative study).
std::optional<PatternStudy> summary_contrast(size_t experiment, const ExperimentFacts& e,
                                             const std::vector<size_t>& with,
                                             const std::vector<size_t>& without) {
  struct Side {
    double effect = 0;
    double variance = 0;
  };
  const auto side = [&](const std::vector<size_t>& arms) -> std::optional<Side> {
    if (arms.empty()) return std::nullopt;
    size_t controls = 0;
    double weights = 0, weighted = 0;
    for (size_t index : arms) {
      const ArmFacts& arm = e.arms[index];
      if (arm.is_control) {
        ++controls;
      } else if (arm.has_effect()) {
        const double w = 1 / (arm.log_lift_se * arm.log_lift_se);
        weights += w;
        weighted += w * arm.log_lift;
      } else {
        return std::nullopt;
      }
    }
    if (controls == arms.size()) return Side{};
    if (controls > 0) return std::nullopt;
    return Side{weighted / weights, 1 / weights};
  };
  auto a = side(with);
  auto b = side(without);
  if (!a || !b || (a->variance == 0 && b->variance == 0)) return std::nullopt;
  return PatternStudy{experiment, a->effect - b->effect, std::sqrt(a->variance + b->variance),
                      true};
}

// Counts when every arm has them, else the summaries.
// On a metric where lower is better the effect is negated (the log of the reciprocal ratio), so
// that a positive effect is a gain whatever the test measured and studies pool across metrics.
std::optional<PatternStudy> any_contrast(size_t experiment, const ExperimentFacts& e,
                                         const std::vector<size_t>& with,
                                         const std::vector<size_t>& without) {
  std::optional<PatternStudy> study = contrast(experiment, e, with, without);
  if (!study) study = summary_contrast(experiment, e, with, without);
  if (study && e.lower_is_better) study->effect = -study->effect;
  return study;
}

}  // namespace

std::vector<std::string> arm_features(const ExperimentCatalog& catalog, const ArmFacts& arm) {
  std::set<std::string> features;
  for (size_t index : arm.assets) {
    const AssetFacts& asset = catalog.assets[index];
    if (!asset.kind.empty()) features.insert("asset_kind:" + asset.kind);
    for (const std::string& tag : asset.tags) features.insert("asset_tag:" + tag);
    if (!asset.text.empty() && (asset.kind == "headline" || asset.kind.empty() ||
                                asset.kind == "email" || asset.kind == "ad_creative")) {
      for (const std::string& f : headline_features(asset.text)) features.insert("headline:" + f);
    }
  }
  return {features.begin(), features.end()};
}

std::map<std::string, PatternStudy> experiment_studies(const ExperimentCatalog& catalog,
                                                       size_t experiment) {
  const ExperimentFacts& e = catalog.experiments[experiment];
  std::map<std::string, PatternStudy> studies;
  std::vector<size_t> measured;
  std::map<std::string, std::vector<size_t>> arms_with;
  for (size_t i = 0; i < e.arms.size(); ++i) {
    const ArmFacts& arm = e.arms[i];
    // Counts, or a summary effect. A control counts even without a Result of its own: it is
    // the reference the others' summaries are measured against.
    if (!arm.is_control && (!arm.has_result || (!arm.users && !arm.has_effect()))) continue;
    measured.push_back(i);
    for (std::string& f : arm_features(catalog, e.arms[i])) arms_with[f].push_back(i);
  }
  for (const auto& [feature, with] : arms_with) {
    std::vector<size_t> without;
    std::set_difference(measured.begin(), measured.end(), with.begin(), with.end(),
                        std::back_inserter(without));
    if (auto study = any_contrast(experiment, e, with, without)) studies[feature] = *study;
  }
  // Experiment features: the treatments against the control, when there is one.
  std::vector<size_t> control, treatment;
  for (size_t i : measured) (e.arms[i].is_control ? control : treatment).push_back(i);
  if (auto study = any_contrast(experiment, e, treatment, control)) {
    for (const std::string& segment : e.segment_lineage) studies["segment:" + segment] = *study;
    for (const std::string& channel : e.channels) studies["channel:" + channel] = *study;
  }
  return studies;
}

bool pattern_scope_matches(const ExperimentCatalog& catalog, const ExperimentFacts& e,
                           const PatternFilter& filter) {
  (void)catalog;
  if (!e.is_past()) return false;
  if (!filter.before.empty() && (e.started_at.empty() || e.started_at >= filter.before)) {
    return false;
  }
  auto contains = [](const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  };
  if (filter.channel && !contains(e.channels, *filter.channel)) return false;
  if (filter.segment && !contains(e.segment_lineage, *filter.segment)) return false;
  if (filter.metric && !contains(e.metrics, *filter.metric)) return false;
  return true;
}

std::optional<Pattern> pool_pattern(const ExperimentCatalog& catalog, std::string feature,
                                    std::vector<PatternStudy> studies) {
  std::vector<analytics::Study> inputs;
  size_t wins = 0;
  for (const PatternStudy& s : studies) {
    inputs.push_back({s.effect, s.se, 1.0});
    wins += s.effect > 0 ? 1 : 0;
  }
  auto meta = analytics::random_effects_meta_analysis(inputs);
  if (!meta.ok()) return std::nullopt;
  Pattern pattern;
  pattern.scope =
      feature.rfind("segment:", 0) == 0 || feature.rfind("channel:", 0) == 0 ? "experiment" : "arm";
  pattern.feature = std::move(feature);
  pattern.meta = std::move(meta).value();
  pattern.lift = analytics::to_relative_lift(pattern.meta);
  pattern.win_rate = studies.empty() ? 0 : static_cast<double>(wins) / studies.size();
  pattern.evidence =
      pattern.meta.pooled_se > 0 ? std::fabs(pattern.meta.pooled) / pattern.meta.pooled_se : 0;
  for (const PatternStudy& s : studies) {
    for (const LearningFacts& l : catalog.experiments[s.experiment].learnings) {
      pattern.reuses += l.reuses;
    }
  }
  pattern.studies = std::move(studies);
  return pattern;
}

std::vector<Pattern> mine_patterns(const ExperimentCatalog& catalog, const PatternFilter& filter) {
  std::map<std::string, std::vector<PatternStudy>> by_feature;
  for (size_t i = 0; i < catalog.experiments.size(); ++i) {
    if (!pattern_scope_matches(catalog, catalog.experiments[i], filter)) continue;
    for (auto& [feature, study] : experiment_studies(catalog, i)) {
      by_feature[feature].push_back(study);
    }
  }
  std::vector<Pattern> patterns;
  for (auto& [feature, studies] : by_feature) {
    if (studies.size() < std::max<size_t>(filter.min_tests, 1)) continue;
    if (auto pattern = pool_pattern(catalog, feature, std::move(studies))) {
      patterns.push_back(std::move(*pattern));
    }
  }
  std::stable_sort(patterns.begin(), patterns.end(), [](const Pattern& a, const Pattern& b) {
    if (a.evidence != b.evidence) return a.evidence > b.evidence;
    return a.studies.size() > b.studies.size();
  });
  return patterns;
}

PatternAnswer mine_patterns_nearest(const ExperimentCatalog& catalog, const PatternFilter& filter) {
  PatternAnswer answer{mine_patterns(catalog, filter), filter, ""};
  if (!answer.patterns.empty()) return answer;
  std::vector<std::pair<PatternFilter, std::string>> broader;
  if (filter.segment) {
    const std::vector<std::string> lineage = catalog.lineage(*filter.segment);
    for (size_t i = 1; i < lineage.size(); ++i) {  // [0] is the segment itself
      PatternFilter parent = filter;
      parent.segment = lineage[i];
      broader.emplace_back(std::move(parent), "parent_segment");
    }
    PatternFilter any = filter;
    any.segment.reset();
    broader.emplace_back(std::move(any), "any_segment");
  }
  if (filter.channel) {
    PatternFilter any = filter;
    any.segment.reset();
    any.channel.reset();
    broader.emplace_back(std::move(any), "any_channel");
  }
  for (auto& [context, step] : broader) {
    std::vector<Pattern> patterns = mine_patterns(catalog, context);
    if (patterns.empty()) continue;
    return PatternAnswer{std::move(patterns), std::move(context), step};
  }
  return answer;
}

}  // namespace expgraph::insights
