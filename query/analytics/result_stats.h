// Statistics of one experiment Result: a treatment arm compared with its control arm on a
// binary metric (conversions out of users) or a continuous one (sum and sum of squares).
// Computed when a Result is written and reused by patterns (pooled effects) and forecasts.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>

#include "ontology/status.h"

namespace expgraph::analytics {

// One arm of a binary metric.
struct ArmCounts {
  int64_t users = 0;
  int64_t conversions = 0;
};

// One arm of a continuous metric: the number of users and the sum and sum of squares of the
// per-user values.
struct ArmMoments {
  int64_t users = 0;
  double sum = 0;
  double sum_sq = 0;
};

// Treatment compared with control. All intervals are at level 1 - alpha (95% by default) and all
// tests two-sided, so `significant` and "the interval of the difference excludes 0" agree.
//
// Fields that cannot be computed are NaN, and a flag says so: when the control value is 0 the
// relative lift is undefined (lift_defined == false: lift, ci_*, mde, log_lift* are NaN, the
// z-test of the difference is still reported). NaN serializes as JSON null.
struct Comparison {
  double control_value = 0;    // conversion rate (binary) or mean (continuous) of control
  double treatment_value = 0;  // the same for treatment
  double difference = 0;       // treatment_value - control_value
  // Relative lift, treatment_value / control_value - 1. With a negative control mean its sign
  // is the opposite of the difference's; mde uses |control_value|.
  double lift = 0;
  // Interval of the relative lift by the delta method on the ratio r = t / c:
  // var(r) ~= r^2 (var_t / t^2 + var_c / c^2), interval (r - 1) +- z * sqrt(var(r)). It is
  // symmetric and is not clamped, so ci_low can fall below -1 when the ratio is very uncertain.
  double ci_low = 0;
  double ci_high = 0;
  // Unpooled (Wald / Welch) z statistic of the difference: (t - c) / sqrt(var_t + var_c), the
  // same variances as the interval. Binary and continuous metrics use the same test.
  double z = 0;
  double p_value = 1;        // two-sided, from the normal distribution
  bool significant = false;  // p_value < alpha
  // Minimum detectable relative effect at the requested power for these sample sizes, assuming
  // both arms have the control variance: (z_{1-alpha/2} + z_{power}) * sqrt(var_c_unit *
  // (1/n_c + 1/n_t)) / |control_value|, where var_c_unit is the per-user control variance.
  double mde = 0;
  bool underpowered = true;  // mde > |lift|, or the lift is undefined
  // ln(t / c) and its delta-method standard error sqrt(var_t / t^2 + var_c / c^2): the effect
  // that meta-analysis pools.
  double log_lift = 0;
  double log_lift_se = 0;
  bool lift_defined = true;      // control_value != 0
  bool log_lift_defined = true;  // both values > 0 (after any continuity correction)
  // Binary only: an arm had zero conversions, so log_lift, log_lift_se and the lift interval
  // were computed after adding 0.5 to the conversions and 1 to the users of both arms
  // (Haldane-Anscombe); lift, difference, z and p_value always use the raw counts.
  bool continuity_corrected = false;
};

// Compares conversion rates. Errors (invalid_argument): users <= 0, conversions < 0,
// conversions > users, alpha or power outside (0, 1).
Result<Comparison> compare_proportions(const ArmCounts& control, const ArmCounts& treatment,
                                       double alpha = 0.05, double power = 0.8);

// Compares means with a large-sample Welch z-test (sample variances with n - 1). Errors
// (invalid_argument): users < 2, a non-finite sum or sum_sq, a sum of squares too small for the
// sum (negative variance beyond rounding), alpha or power outside (0, 1).
Result<Comparison> compare_means(const ArmMoments& control, const ArmMoments& treatment,
                                 double alpha = 0.05, double power = 0.8);

}  // namespace expgraph::analytics
