#include "query/insights/forecaster.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace expgraph::insights {

namespace {

constexpr double kZ95 = 1.959963984540054;

bool usable(const ExperimentCatalog& catalog, size_t experiment, const ForecastOptions& options) {
  const ExperimentFacts& e = catalog.experiments[experiment];
  if (!e.is_past()) return false;
  return options.before.empty() || (!e.started_at.empty() && e.started_at < options.before);
}

// Pools the evidence arms (one study each, weighted) into an estimate.
Estimate pool(const ExperimentCatalog& catalog, std::vector<EvidenceArm> evidence,
              const ForecastOptions& options) {
  Estimate estimate;
  std::set<size_t> tests;
  std::vector<analytics::Study> studies;
  for (const EvidenceArm& arm : evidence) {
    const ExperimentFacts& experiment = catalog.experiments[arm.experiment];
    const ArmFacts& facts = experiment.arms[arm.arm];
    tests.insert(arm.experiment);
    const double direction = experiment.lower_is_better == options.lower_is_better ? 1.0 : -1.0;
    studies.push_back({direction * facts.log_lift, facts.log_lift_se, arm.weight});
  }
  estimate.tests = tests.size();
  estimate.evidence = std::move(evidence);
  if (estimate.tests < std::max<size_t>(options.min_tests, 1)) return estimate;
  auto meta = analytics::random_effects_meta_analysis(studies);
  if (!meta.ok()) return estimate;
  estimate.sufficient = true;
  estimate.log_lift = meta->pooled;
  estimate.log_se = meta->pooled_se;
  const analytics::RelativeLift lift = analytics::to_relative_lift(*meta);
  estimate.lift = lift.lift;
  estimate.ci_low = lift.ci_low;
  estimate.ci_high = lift.ci_high;
  estimate.prediction_low = lift.prediction_low;
  estimate.prediction_high = lift.prediction_high;
  estimate.tau2 = meta->tau2;
  return estimate;
}

}  // namespace

Forecast forecast(const ExperimentCatalog& catalog, const std::vector<Recommendation>& similar,
                  const std::vector<std::string>& names,
                  const std::vector<std::vector<AssetMatch>>& matches,
                  const ForecastOptions& options) {
  Forecast result;
  std::vector<EvidenceArm> prior_arms;
  for (const Recommendation& r : similar) {
    if (!usable(catalog, r.experiment, options)) continue;
    const ExperimentFacts& e = catalog.experiments[r.experiment];
    for (size_t a = 0; a < e.arms.size(); ++a) {
      if (!e.arms[a].is_control && e.arms[a].has_effect() && r.score > 0) {
        prior_arms.push_back({r.experiment, a, r.score});
      }
    }
  }
  result.prior = pool(catalog, std::move(prior_arms), options);
  const double tau0_sq = result.prior.tau2;

  for (size_t c = 0; c < matches.size(); ++c) {
    CandidateForecast candidate;
    candidate.name = c < names.size() ? names[c] : std::string("candidate ") + std::to_string(c);
    // One study per past arm, with the best similarity among the candidate's matching assets.
    std::map<std::pair<size_t, size_t>, double> arms;
    for (const AssetMatch& match : matches[c]) {
      if (match.similarity < options.min_similarity) continue;
      for (const auto& [experiment, arm] : catalog.uses_of(match.asset)) {
        if (!usable(catalog, experiment, options)) continue;
        if (!catalog.experiments[experiment].arms[arm].has_effect()) continue;
        double& weight = arms[{experiment, arm}];
        weight = std::max(weight, match.similarity);
      }
    }
    // Of each past test, only the arm(s) most like the candidate: the arms of one test differ in
    // a word or two, so its rival arm also passes the similarity bar, and pooling both would
    // mix the candidate's effect with its opposite.
    std::map<size_t, double> closest;
    for (const auto& [key, weight] : arms) {
      double& best = closest[key.first];
      best = std::max(best, weight);
    }
    std::vector<EvidenceArm> evidence;
    for (const auto& [key, weight] : arms) {
      if (weight == closest[key.first]) evidence.push_back({key.first, key.second, weight});
    }
    Estimate own = pool(catalog, std::move(evidence), options);
    const double tau_sq = own.tau2;
    if (own.sufficient) {
      candidate.raw_lift = own.lift;
      if (result.prior.sufficient) {
        // Empirical Bayes: the candidate's estimate is one noisy draw around the prior mean
        // with between-candidate variance tau0^2.
        const double se_sq = own.log_se * own.log_se;
        const double b = tau0_sq + se_sq > 0 ? tau0_sq / (tau0_sq + se_sq) : 1;
        const double mu = result.prior.log_lift;
        const double mu_se = result.prior.log_se;
        own.log_lift = mu + b * (own.log_lift - mu);
        own.log_se = std::sqrt(b * se_sq + (1 - b) * (1 - b) * mu_se * mu_se);
        own.shrinkage = b;
      }
      const double spread = std::sqrt(own.log_se * own.log_se + tau_sq);
      own.lift = std::expm1(own.log_lift);
      own.ci_low = std::expm1(own.log_lift - kZ95 * own.log_se);
      own.ci_high = std::expm1(own.log_lift + kZ95 * own.log_se);
      own.prediction_low = std::expm1(own.log_lift - kZ95 * spread);
      own.prediction_high = std::expm1(own.log_lift + kZ95 * spread);
    }
    candidate.estimate = std::move(own);
    result.candidates.push_back(std::move(candidate));
  }
  return result;
}

std::vector<size_t> top_candidates(const Forecast& forecast) {
  const double fallback = forecast.prior.sufficient ? forecast.prior.log_lift : 0.0;
  std::vector<size_t> best;
  double best_value = -INFINITY;
  for (size_t i = 0; i < forecast.candidates.size(); ++i) {
    const Estimate& e = forecast.candidates[i].estimate;
    const double value = e.sufficient ? e.log_lift : fallback;
    if (value > best_value) {
      best_value = value;
      best = {i};
    } else if (value == best_value) {
      best.push_back(i);
    }
  }
  return best;
}

}  // namespace expgraph::insights
