// Forecaster: the expected lift of a planned test and of each of its candidate variants, as a
// random-effects (DerSimonian-Laird) estimate over similar past tests. The prior pools the arms
// of the similar past experiments (weighted by their similarity score); each candidate pools the
// past arms whose assets resemble its text (weighted by text similarity) and is then shrunk
// towards the prior mean by empirical Bayes: B = tau0^2 / (tau0^2 + se^2). With fewer than
// min_tests distinct past tests the answer is insufficient_evidence, not a number.
// Used by InsightsService::forecast and tools/bench/upworthy_forward_eval. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query/analytics/meta_analysis.h"
#include "query/insights/experiment_catalog.h"
#include "query/insights/similar_tests.h"

namespace expgraph::insights {

struct ForecastOptions {
  size_t min_tests = 3;         // distinct past experiments an estimate must rest on
  double min_similarity = 0.5;  // of an asset's text to a candidate's, to count as evidence
  std::string before;           // only past tests started before this date; "" = all
  // The candidate named as the control: the learned model's expected lifts are against it.
  // "" = against the set's mean. InsightsService::forecast checks that it names a candidate.
  std::string control;
  // The draft's metric is one where lower is better. Every pooled past lift is expressed in
  // the draft's direction: a past arm measured on a metric of the other direction counts with
  // its log-lift negated (its ratio inverted, 1 / (1 + lift) - 1), so that a past fall in churn
  // and a past rise in clicks both count as a gain for a draft on clicks.
  bool lower_is_better = false;
};

// A past asset that resembles a candidate's text.
struct AssetMatch {
  size_t asset = 0;  // index into ExperimentCatalog::assets
  double similarity = 0;
};

// One past arm an estimate rests on.
struct EvidenceArm {
  size_t experiment = 0;
  size_t arm = 0;
  double weight = 0;
};

struct Estimate {
  bool sufficient = false;         // false: insufficient_evidence, the numbers below are not set
  size_t tests = 0;                // distinct past experiments
  double lift = 0;                 // relative lift, exp(log estimate) - 1
  double ci_low = 0, ci_high = 0;  // of the expected lift
  double prediction_low = 0, prediction_high = 0;  // where one new test's lift should fall
  double log_lift = 0, log_se = 0;                 // on the log scale (ranking, pooling)
  double shrinkage = 1;  // B: the weight of the candidate's own evidence (1 = no shrinkage)
  double tau2 = 0;       // between-study variance of the pooled studies (log scale)
  std::vector<EvidenceArm> evidence;
};

struct CandidateForecast {
  std::string name;
  Estimate estimate;
  std::optional<double> raw_lift;  // before shrinkage, when sufficient
};

struct Forecast {
  Estimate prior;  // the planned test as a whole, over the similar past tests
  std::vector<CandidateForecast> candidates;
};

// `similar`: the recommender's answer for the planned test. `matches[i]`: the assets resembling
// candidate i's text; `names[i]` its name.
Forecast forecast(const ExperimentCatalog& catalog, const std::vector<Recommendation>& similar,
                  const std::vector<std::string>& names,
                  const std::vector<std::vector<AssetMatch>>& matches,
                  const ForecastOptions& options = {});

// The index of the candidate with the highest forecast; candidates with insufficient evidence
// count as the prior mean (or 0). Ties are all returned.
std::vector<size_t> top_candidates(const Forecast& forecast);

}  // namespace expgraph::insights
