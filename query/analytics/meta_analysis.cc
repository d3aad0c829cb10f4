#include "query/analytics/meta_analysis.h"

#include <cmath>
#include <string>

#include "query/analytics/distributions.h"

namespace expgraph::analytics {
namespace {

Status check_studies(std::span<const Study> studies, double alpha) {
  if (!(alpha > 0 && alpha < 1)) return Status::invalid_argument("alpha must be in (0, 1)");
  if (studies.empty()) return Status::invalid_argument("meta-analysis needs at least one study");
  double total_weight = 0;
  for (size_t i = 0; i < studies.size(); ++i) {
    const Study& study = studies[i];
    const std::string prefix = "study " + std::to_string(i) + ": ";
    if (!std::isfinite(study.effect)) {
      return Status::invalid_argument(prefix + "effect must be finite");
    }
    if (!std::isfinite(study.se) || study.se <= 0) {
      return Status::invalid_argument(prefix + "se must be positive and finite");
    }
    if (!std::isfinite(study.weight) || study.weight < 0) {
      return Status::invalid_argument(prefix + "weight must be non-negative and finite");
    }
    total_weight += study.weight;
  }
  if (total_weight <= 0) return Status::invalid_argument("all study weights are zero");
  return Status::ok_status();
}

}  // namespace

Result<MetaAnalysis> random_effects_meta_analysis(std::span<const Study> studies, double alpha) {
  EXPGRAPH_RETURN_IF_ERROR(check_studies(studies, alpha));
  MetaAnalysis out;
  out.k = static_cast<int>(studies.size());
  out.q_df = out.k - 1;

  // Fixed effect with inverse-variance weights w_i = 1 / se_i^2.
  double sum_w = 0, sum_w2 = 0, sum_wy = 0;
  for (const Study& study : studies) {
    const double w = 1 / (study.se * study.se);
    sum_w += w;
    sum_w2 += w * w;
    sum_wy += w * study.effect;
  }
  out.fixed_effect = sum_wy / sum_w;
  out.fixed_effect_se = std::sqrt(1 / sum_w);

  // Cochran's Q and the DerSimonian-Laird moment estimate of tau^2: E[Q] = df + c tau^2.
  for (const Study& study : studies) {
    const double residual = study.effect - out.fixed_effect;
    out.q += residual * residual / (study.se * study.se);
  }
  if (out.q_df > 0) {
    const double c = sum_w - sum_w2 / sum_w;
    out.tau2 = std::fmax(0.0, (out.q - out.q_df) / c);
    out.q_p_value = chi_square_survival(out.q, out.q_df);
    out.i2 = out.q > 0 ? std::fmax(0.0, (out.q - out.q_df) / out.q) : 0;
  }

  // Random effects: weights m_i / (se_i^2 + tau^2); the variance of that weighted mean is
  // computed exactly so that multipliers do not make it look more precise than it is.
  double sum_rw = 0, sum_rwy = 0, sum_rw2v = 0;
  for (const Study& study : studies) {
    const double v = study.se * study.se + out.tau2;
    const double rw = study.weight / v;
    sum_rw += rw;
    sum_rwy += rw * study.effect;
    sum_rw2v += rw * rw * v;
  }
  out.pooled = sum_rwy / sum_rw;
  out.pooled_se = std::sqrt(sum_rw2v) / sum_rw;
  const double z = normal_quantile(1 - alpha / 2);
  out.ci_low = out.pooled - z * out.pooled_se;
  out.ci_high = out.pooled + z * out.pooled_se;

  out.insufficient_evidence = out.k < 3;
  const double prediction_quantile = out.k >= 3 ? student_t_quantile(1 - alpha / 2, out.k - 2) : z;
  const double prediction_se = std::sqrt(out.tau2 + out.pooled_se * out.pooled_se);
  out.prediction_low = out.pooled - prediction_quantile * prediction_se;
  out.prediction_high = out.pooled + prediction_quantile * prediction_se;

  out.shrunken.reserve(studies.size());
  out.shrunken_se.reserve(studies.size());
  for (const Study& study : studies) {
    const double se2 = study.se * study.se;
    const double b = out.tau2 / (out.tau2 + se2);
    out.shrunken.push_back(out.pooled + b * (study.effect - out.pooled));
    out.shrunken_se.push_back(
        std::sqrt(b * se2 + (1 - b) * (1 - b) * out.pooled_se * out.pooled_se));
  }
  return out;
}

RelativeLift to_relative_lift(const MetaAnalysis& log_lift_analysis) {
  return {std::expm1(log_lift_analysis.pooled), std::expm1(log_lift_analysis.ci_low),
          std::expm1(log_lift_analysis.ci_high), std::expm1(log_lift_analysis.prediction_low),
          std::expm1(log_lift_analysis.prediction_high)};
}

}  // namespace expgraph::analytics
