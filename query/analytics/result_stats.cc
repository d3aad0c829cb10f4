#include "query/analytics/result_stats.h"

#include <cmath>
#include <limits>
#include <string>

#include "query/analytics/distributions.h"

namespace expgraph::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A value per arm and the variance of that value (not of one user's outcome).
struct ArmEstimate {
  double value = 0;
  double variance = 0;
};

Status check_levels(double alpha, double power) {
  if (!(alpha > 0 && alpha < 1)) return Status::invalid_argument("alpha must be in (0, 1)");
  if (!(power > 0 && power < 1)) return Status::invalid_argument("power must be in (0, 1)");
  return Status::ok_status();
}

// Two-sided p-value of a z statistic.
double two_sided_p(double z) { return std::isinf(z) ? 0 : 2 * normal_cdf(-std::fabs(z)); }

// Fills the fields shared by both metric kinds. `raw` gives the reported values and the z-test;
// `ratio` gives the lift interval and the log lift (it differs from `raw` only after a
// continuity correction). `unit_variance_control` is one control user's outcome variance.
Comparison compare(const ArmEstimate& raw_control, const ArmEstimate& raw_treatment,
                   const ArmEstimate& ratio_control, const ArmEstimate& ratio_treatment,
                   double unit_variance_control, double users_control, double users_treatment,
                   double alpha, double power) {
  Comparison out;
  out.control_value = raw_control.value;
  out.treatment_value = raw_treatment.value;
  out.difference = raw_treatment.value - raw_control.value;

  const double se_difference = std::sqrt(raw_control.variance + raw_treatment.variance);
  if (se_difference > 0) {
    out.z = out.difference / se_difference;
  } else {
    // No sampling noise at all: identical values are no evidence, different ones are certain.
    out.z = out.difference == 0
                ? 0
                : std::copysign(std::numeric_limits<double>::infinity(), out.difference);
  }
  out.p_value = two_sided_p(out.z);
  out.significant = out.p_value < alpha;

  out.lift_defined = raw_control.value != 0;
  if (!out.lift_defined) {
    out.lift = out.ci_low = out.ci_high = out.mde = out.log_lift = out.log_lift_se = kNaN;
    out.log_lift_defined = false;
    out.underpowered = true;
    return out;
  }
  const double z_interval = normal_quantile(1 - alpha / 2);
  out.lift = raw_treatment.value / raw_control.value - 1;

  // Squared relative standard errors of each arm; their sum is var(ln r) by the delta method.
  const double relative_var_control =
      ratio_control.variance / (ratio_control.value * ratio_control.value);
  const double relative_var_treatment =
      ratio_treatment.value == 0
          ? 0
          : ratio_treatment.variance / (ratio_treatment.value * ratio_treatment.value);
  const double ratio = ratio_treatment.value / ratio_control.value;
  // var(r) = r^2 (var_t/t^2 + var_c/c^2), written as var_t/c^2 + r^2 var_c/c^2 so that t == 0
  // is not a division by zero.
  const double se_ratio =
      std::sqrt(ratio_treatment.variance / (ratio_control.value * ratio_control.value) +
                ratio * ratio * relative_var_control);
  out.ci_low = ratio - 1 - z_interval * se_ratio;
  out.ci_high = ratio - 1 + z_interval * se_ratio;

  out.log_lift_defined = ratio_control.value > 0 && ratio_treatment.value > 0;
  if (out.log_lift_defined) {
    out.log_lift = std::log(ratio);
    out.log_lift_se = std::sqrt(relative_var_control + relative_var_treatment);
  } else {
    out.log_lift = out.log_lift_se = kNaN;
  }

  const double z_power = normal_quantile(power);
  out.mde = (z_interval + z_power) *
            std::sqrt(unit_variance_control * (1 / users_control + 1 / users_treatment)) /
            std::fabs(raw_control.value);
  out.underpowered = out.mde > std::fabs(out.lift);
  return out;
}

Status check_counts(const ArmCounts& arm, const char* name) {
  const std::string prefix = std::string(name) + ": ";
  if (arm.users <= 0) return Status::invalid_argument(prefix + "users must be positive");
  if (arm.conversions < 0) {
    return Status::invalid_argument(prefix + "conversions must not be negative");
  }
  if (arm.conversions > arm.users) {
    return Status::invalid_argument(prefix + "conversions must not exceed users");
  }
  return Status::ok_status();
}

// The rate and the variance of the rate, p (1 - p) / n.
ArmEstimate proportion(double conversions, double users) {
  const double rate = conversions / users;
  return {rate, rate * (1 - rate) / users};
}

// Checks the moments and returns the per-user sample variance (n - 1 denominator).
Result<double> unit_variance(const ArmMoments& arm, const char* name) {
  const std::string prefix = std::string(name) + ": ";
  if (arm.users < 2) return Status::invalid_argument(prefix + "users must be at least 2");
  if (!std::isfinite(arm.sum) || !std::isfinite(arm.sum_sq)) {
    return Status::invalid_argument(prefix + "sum and sum_sq must be finite");
  }
  if (arm.sum_sq < 0) return Status::invalid_argument(prefix + "sum_sq must not be negative");
  const double n = static_cast<double>(arm.users);
  const double centered = arm.sum_sq - arm.sum * arm.sum / n;
  // sum_sq - sum^2/n cancels catastrophically when the spread is tiny against the mean, so a
  // slightly negative result is rounding, not bad input. By Cauchy-Schwarz the exact value is
  // never negative, so anything beyond rounding means sum_sq does not match sum.
  if (centered < -1e-9 * arm.sum_sq) {
    return Status::invalid_argument(prefix + "sum_sq is inconsistent with sum (negative variance)");
  }
  return std::fmax(centered, 0.0) / (n - 1);
}

}  // namespace

Result<Comparison> compare_proportions(const ArmCounts& control, const ArmCounts& treatment,
                                       double alpha, double power) {
  EXPGRAPH_RETURN_IF_ERROR(check_levels(alpha, power));
  EXPGRAPH_RETURN_IF_ERROR(check_counts(control, "control"));
  EXPGRAPH_RETURN_IF_ERROR(check_counts(treatment, "treatment"));
  const double n_control = static_cast<double>(control.users);
  const double n_treatment = static_cast<double>(treatment.users);
  const ArmEstimate raw_control = proportion(static_cast<double>(control.conversions), n_control);
  const ArmEstimate raw_treatment =
      proportion(static_cast<double>(treatment.conversions), n_treatment);

  // A zero count makes ln(r) infinite and its delta-method variance zero, so both arms get
  // half a conversion and half a non-conversion, the usual correction for ratio measures.
  const bool corrected = control.conversions == 0 || treatment.conversions == 0;
  const double add_conversions = corrected ? 0.5 : 0;
  const double add_users = corrected ? 1 : 0;
  const ArmEstimate ratio_control =
      proportion(static_cast<double>(control.conversions) + add_conversions, n_control + add_users);
  const ArmEstimate ratio_treatment = proportion(
      static_cast<double>(treatment.conversions) + add_conversions, n_treatment + add_users);

  Comparison out =
      compare(raw_control, raw_treatment, ratio_control, ratio_treatment,
              raw_control.value * (1 - raw_control.value), n_control, n_treatment, alpha, power);
  out.continuity_corrected = corrected && out.lift_defined;
  return out;
}

Result<Comparison> compare_means(const ArmMoments& control, const ArmMoments& treatment,
                                 double alpha, double power) {
  EXPGRAPH_RETURN_IF_ERROR(check_levels(alpha, power));
  Result<double> variance_control = unit_variance(control, "control");
  if (!variance_control.ok()) return variance_control.status();
  Result<double> variance_treatment = unit_variance(treatment, "treatment");
  if (!variance_treatment.ok()) return variance_treatment.status();
  const double n_control = static_cast<double>(control.users);
  const double n_treatment = static_cast<double>(treatment.users);
  const ArmEstimate mean_control{control.sum / n_control, *variance_control / n_control};
  const ArmEstimate mean_treatment{treatment.sum / n_treatment, *variance_treatment / n_treatment};
  return compare(mean_control, mean_treatment, mean_control, mean_treatment, *variance_control,
                 n_control, n_treatment, alpha, power);
}

}  // namespace expgraph::analytics
