// Random-effects meta-analysis (DerSimonian-Laird) of per-study effects, usually the log lifts
// of compare_proportions / compare_means. Patterns use it to pool the evidence behind a reusable
// idea and forecasts use it as the prior for a new test. Pure functions, thread-safe.
#pragma once

#include <span>
#include <vector>

#include "ontology/status.h"

namespace expgraph::analytics {

// One study: an effect on an additive scale (log lift) and its standard error.
struct Study {
  double effect = 0;
  double se = 0;
  // Relevance multiplier (e.g. a similarity score), >= 0. It multiplies the study's
  // random-effects weight when pooling; it does not enter Q, tau^2 or I^2, which describe the
  // studies themselves. A multiplier of 0 drops the study from the pooled estimate only.
  double weight = 1;
};

struct MetaAnalysis {
  int k = 0;                // number of studies
  double fixed_effect = 0;  // inverse-variance (common-effect) estimate, no multipliers
  double fixed_effect_se = 0;
  double q = 0;          // Cochran's Q around the fixed-effect estimate
  int q_df = 0;          // k - 1
  double q_p_value = 1;  // P(chi2_{k-1} >= Q); 1 when k == 1
  double tau2 = 0;       // DerSimonian-Laird between-study variance, >= 0
  double i2 = 0;         // (Q - df) / Q clamped to [0, 1]; 0 when Q == 0
  double pooled = 0;     // random-effects estimate mu
  // Its standard error. With unit multipliers this is 1 / sqrt(sum w_i*); with multipliers m_i
  // it is the exact variance of the weighted mean, sum (m_i w_i*)^2 v_i / (sum m_i w_i*)^2 with
  // v_i = se_i^2 + tau^2 and w_i* = 1 / v_i.
  double pooled_se = 0;
  double ci_low = 0;  // pooled -+ z_{1-alpha/2} pooled_se
  double ci_high = 0;
  // Where the true effect of a new, similar study is expected to fall (Higgins, Thompson &
  // Spiegelhalter 2009): pooled -+ t_{k-2, 1-alpha/2} sqrt(tau^2 + pooled_se^2) for k >= 3.
  // For k < 3 there are no degrees of freedom for t, so the normal quantile is used; the
  // interval is then too narrow, which is one reason for insufficient_evidence.
  double prediction_low = 0;
  double prediction_high = 0;
  // k < 3: tau^2 rests on at most one degree of freedom (none when k == 1, where tau^2 = 0)
  // and the prediction interval is not the t-based one. Callers decide their own minimum k.
  bool insufficient_evidence = false;
  // Empirical-Bayes estimate of each study's true effect, in input order:
  // shrunken_i = pooled + B_i (effect_i - pooled), B_i = tau^2 / (tau^2 + se_i^2), and its
  // standard error sqrt(B_i se_i^2 + (1 - B_i)^2 pooled_se^2) (the second term accounts for the
  // estimated mean; tau^2 is treated as known).
  std::vector<double> shrunken;
  std::vector<double> shrunken_se;
};

// Pools the studies at interval level 1 - alpha. Errors (invalid_argument): no studies, a
// non-finite effect, se <= 0 or non-finite, a negative or non-finite weight, all weights 0,
// alpha outside (0, 1).
Result<MetaAnalysis> random_effects_meta_analysis(std::span<const Study> studies,
                                                  double alpha = 0.05);

// A pooled log lift mapped back to the relative-lift scale: exp(x) - 1 for the estimate and each
// bound (the interval stays valid because exp is monotone; it is asymmetric on this scale).
struct RelativeLift {
  double lift = 0;
  double ci_low = 0;
  double ci_high = 0;
  double prediction_low = 0;
  double prediction_high = 0;
};
RelativeLift to_relative_lift(const MetaAnalysis& log_lift_analysis);

}  // namespace expgraph::analytics
