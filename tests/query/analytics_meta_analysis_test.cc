// random_effects_meta_analysis against values derived by hand and with a Python transcription
// of DerSimonian-Laird (standard library only):
//   w = [1/s**2 for s in se]; fe = sum(w*y)/sum(w); q = sum(w*(y-fe)**2)
//   c = sum(w) - sum(w**2)/sum(w); tau2 = max(0, (q-(k-1))/c); i2 = max(0, (q-(k-1))/q)
//   v = se**2 + tau2; rw = m/v; mu = sum(rw*y)/sum(rw); se_mu = sqrt(sum(rw**2*v))/sum(rw)
//   pi = mu -+ t_{k-2}(.975) sqrt(tau2 + se_mu**2)   (t by bisection on Simpson-integrated density)
//   B = tau2/(tau2+se**2); shrunken = mu + B(y-mu); se = sqrt(B se**2 + (1-B)**2 se_mu**2)
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "query/analytics/meta_analysis.h"
#include "query/analytics/result_stats.h"

namespace expgraph::analytics {
namespace {

constexpr double kMetaTolerance = 1e-12;

// Three studies worked by hand: effects .1, .3, .5 with standard errors .1, .1, .2.
const std::vector<Study> kHandStudies = {{0.1, 0.1}, {0.3, 0.1}, {0.5, 0.2}};

TEST(MetaAnalysisTest, HandComputedThreeStudies) {
  // w = 100, 100, 25; sum w = 225; fixed effect = (10 + 30 + 12.5)/225 = 7/30, se 1/15.
  // Q = 100 (2/15)^2 + 100 (1/15)^2 + 25 (4/15)^2 = 16/9 + 4/9 + 16/9 = 4, df 2,
  // p = e^{-2} (chi-square with 2 df). c = 225 - 20625/225 = 400/3, tau2 = (4 - 2)/c = .015.
  // I2 = (4 - 2)/4 = .5. Random-effects weights 1/.025 = 40, 40 and 1/.055 = 200/11:
  // mu = (4 + 12 + 100/11)/(80 + 200/11) = (276/11)/(1080/11) = 23/90, se = sqrt(11/1080).
  // Prediction: 23/90 -+ t_{1}(.975) sqrt(.015 + 11/1080), t_1(.975) = tan(.475 pi) = 12.7062.
  // Shrinkage: B = .6, .6, 3/11: 23/90 + .6 (.1 - 23/90) = .16222, ..., 23/90 + (3/11)(.5 - 23/90).
  Result<MetaAnalysis> result = random_effects_meta_analysis(kHandStudies);
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  const MetaAnalysis& m = *result;
  EXPECT_EQ(m.k, 3);
  EXPECT_NEAR(m.fixed_effect, 7.0 / 30, kMetaTolerance);
  EXPECT_NEAR(m.fixed_effect_se, 1.0 / 15, kMetaTolerance);
  EXPECT_NEAR(m.q, 4, kMetaTolerance);
  EXPECT_EQ(m.q_df, 2);
  EXPECT_NEAR(m.q_p_value, std::exp(-2.0), kMetaTolerance);
  EXPECT_NEAR(m.tau2, 0.015, kMetaTolerance);
  EXPECT_NEAR(m.i2, 0.5, kMetaTolerance);
  EXPECT_NEAR(m.pooled, 23.0 / 90, kMetaTolerance);
  EXPECT_NEAR(m.pooled_se, std::sqrt(11.0 / 1080), kMetaTolerance);
  EXPECT_NEAR(m.ci_low, 0.057752700495188075, kMetaTolerance);
  EXPECT_NEAR(m.ci_high, 0.45335841061592297, kMetaTolerance);
  EXPECT_NEAR(m.prediction_low, -1.7608989271508526, 1e-9);
  EXPECT_NEAR(m.prediction_high, 2.2720100382619637, 1e-9);
  EXPECT_FALSE(m.insufficient_evidence);
  ASSERT_EQ(m.shrunken.size(), 3u);
  EXPECT_NEAR(m.shrunken[0], 0.16222222222222224, kMetaTolerance);
  EXPECT_NEAR(m.shrunken[1], 0.2822222222222222, kMetaTolerance);
  EXPECT_NEAR(m.shrunken[2], 0.3222222222222222, kMetaTolerance);
  EXPECT_NEAR(m.shrunken_se[0], 0.08734775114237132, kMetaTolerance);
  EXPECT_NEAR(m.shrunken_se[2], 0.12765694770084507, kMetaTolerance);
}

TEST(MetaAnalysisTest, WeightMultipliersOnlyMoveThePooledEstimate) {
  // Multipliers 1, 1, 0: tau2 still .015 from all three; mu = (.1 + .3)/2 = .2 (equal weights
  // 40, 40), se = sqrt(40^2 .025 * 2)/80 = sqrt(80)/80.
  std::vector<Study> studies = kHandStudies;
  studies[2].weight = 0;
  Result<MetaAnalysis> dropped = random_effects_meta_analysis(studies);
  ASSERT_TRUE(dropped.ok());
  EXPECT_NEAR(dropped->tau2, 0.015, kMetaTolerance);
  EXPECT_NEAR(dropped->q, 4, kMetaTolerance);
  EXPECT_NEAR(dropped->pooled, 0.2, kMetaTolerance);
  EXPECT_NEAR(dropped->pooled_se, std::sqrt(80.0) / 80, kMetaTolerance);

  // Multipliers 1, 2, 4 (Python reference).
  studies[1].weight = 2;
  studies[2].weight = 4;
  Result<MetaAnalysis> weighted = random_effects_meta_analysis(studies);
  ASSERT_TRUE(weighted.ok());
  EXPECT_NEAR(weighted->pooled, 0.3339622641509434, kMetaTolerance);
  EXPECT_NEAR(weighted->pooled_se, 0.11496280761277303, kMetaTolerance);
  EXPECT_NEAR(weighted->shrunken[2], 0.3792452830188679, kMetaTolerance);

  // Scaling every multiplier changes nothing.
  for (Study& study : studies) study.weight = 3;
  Result<MetaAnalysis> scaled = random_effects_meta_analysis(studies);
  ASSERT_TRUE(scaled.ok());
  EXPECT_NEAR(scaled->pooled, 23.0 / 90, kMetaTolerance);
  EXPECT_NEAR(scaled->pooled_se, std::sqrt(11.0 / 1080), kMetaTolerance);
}

TEST(MetaAnalysisTest, BcgVaccineTrials) {
  // The 13 BCG vaccine trials (Colditz et al. 1994), log relative risk with
  // se = sqrt(1/a - 1/n1 + 1/c - 1/n2), the same as compare_proportions' log_lift_se. DL gives
  // tau2 .3088, I2 92.12%, mu -.7141 (se .1787), Q 152.23, as commonly published for this data.
  // Columns: vaccinated cases, vaccinated non-cases, control cases, control non-cases.
  const int64_t trials[13][4] = {
      {4, 119, 11, 128},       {6, 300, 29, 274},        {3, 228, 11, 209},
      {62, 13536, 248, 12619}, {33, 5036, 47, 5761},     {180, 1361, 372, 1079},
      {8, 2537, 10, 619},      {505, 87886, 499, 87892}, {29, 7470, 45, 7232},
      {17, 1699, 65, 1600},    {186, 50448, 141, 27197}, {5, 2493, 3, 2338},
      {27, 16886, 29, 17825}};
  std::vector<Study> studies;
  for (const auto& t : trials) {
    Result<Comparison> c = compare_proportions({t[2] + t[3], t[2]}, {t[0] + t[1], t[0]});
    ASSERT_TRUE(c.ok());
    studies.push_back({c->log_lift, c->log_lift_se});
  }
  Result<MetaAnalysis> result = random_effects_meta_analysis(studies);
  ASSERT_TRUE(result.ok());
  const MetaAnalysis& m = *result;
  EXPECT_NEAR(m.fixed_effect, -0.4302851636540906, 1e-10);
  EXPECT_NEAR(m.q, 152.2330080823734, 1e-8);
  EXPECT_NEAR(m.tau2, 0.30876026286237646, 1e-10);
  EXPECT_NEAR(m.i2, 0.9211734685456207, 1e-10);
  EXPECT_NEAR(m.pooled, -0.7141172220732271, 1e-10);
  EXPECT_NEAR(m.pooled_se, 0.1787420895354032, 1e-10);
  EXPECT_NEAR(m.ci_low, -1.064445280084051, 1e-10);
  EXPECT_NEAR(m.ci_high, -0.3637891640624033, 1e-10);
  // t_{11}(.975) = 2.200985160
  EXPECT_NEAR(m.prediction_low, -1.9988384957520862, 1e-8);
  EXPECT_NEAR(m.prediction_high, 0.570604051605632, 1e-8);
  EXPECT_GT(m.q_p_value, 0);  // about 1e-26, not rounded to 0
  EXPECT_LT(m.q_p_value, 1e-20);

  // Back on the relative-lift scale: exp(-.7141) - 1 = -.5104, a 51% lower risk.
  const RelativeLift lift = to_relative_lift(m);
  EXPECT_NEAR(lift.lift, std::expm1(-0.7141172220732271), 1e-10);
  EXPECT_NEAR(lift.ci_low, std::expm1(-1.064445280084051), 1e-10);
  EXPECT_NEAR(lift.ci_high, std::expm1(-0.3637891640624033), 1e-10);
  EXPECT_NEAR(lift.prediction_high, std::expm1(0.570604051605632), 1e-8);
}

TEST(MetaAnalysisTest, IdenticalStudiesHaveNoHeterogeneity) {
  const std::vector<Study> studies(4, Study{0.2, 0.1});
  Result<MetaAnalysis> result = random_effects_meta_analysis(studies);
  ASSERT_TRUE(result.ok());
  EXPECT_NEAR(result->q, 0, 1e-20);  // the fixed effect is .2 up to rounding
  EXPECT_EQ(result->tau2, 0);
  EXPECT_EQ(result->i2, 0);
  EXPECT_NEAR(result->q_p_value, 1, kMetaTolerance);
  EXPECT_NEAR(result->pooled, 0.2, kMetaTolerance);
  EXPECT_NEAR(result->pooled_se, 0.05, kMetaTolerance);  // 0.1 / sqrt(4)
  // tau2 = 0: the prediction interval is only wider than the CI by t_2 over z.
  EXPECT_NEAR(result->prediction_high - 0.2, 4.302652729749462 * 0.05, 1e-10);
  EXPECT_NEAR(result->shrunken[3], 0.2, kMetaTolerance);
}

TEST(MetaAnalysisTest, OneStudyIsReturnedAndFlagged) {
  const std::vector<Study> studies = {{0.2, 0.1}};
  Result<MetaAnalysis> result = random_effects_meta_analysis(studies);
  ASSERT_TRUE(result.ok());
  const MetaAnalysis& m = *result;
  EXPECT_TRUE(m.insufficient_evidence);
  EXPECT_EQ(m.k, 1);
  EXPECT_EQ(m.q_df, 0);
  EXPECT_EQ(m.tau2, 0);
  EXPECT_EQ(m.i2, 0);
  EXPECT_EQ(m.q_p_value, 1);
  EXPECT_NEAR(m.pooled, 0.2, kMetaTolerance);
  EXPECT_NEAR(m.pooled_se, 0.1, kMetaTolerance);
  EXPECT_NEAR(m.ci_low, 0.004003601545994634, kMetaTolerance);
  EXPECT_NEAR(m.prediction_low, m.ci_low, kMetaTolerance);  // normal quantile, tau2 = 0
  EXPECT_NEAR(m.shrunken[0], 0.2, kMetaTolerance);
}

TEST(MetaAnalysisTest, TwoStudiesUseTheNormalPredictionInterval) {
  // w = 100, 100; Q = 2 (.1^2 * 100 * 2), c = 100, tau2 = .01; mu = .2, se = sqrt(.02/2) = .1;
  // prediction .2 -+ 1.96 sqrt(.01 + .01).
  const std::vector<Study> studies = {{0.1, 0.1}, {0.3, 0.1}};
  Result<MetaAnalysis> result = random_effects_meta_analysis(studies);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->insufficient_evidence);
  EXPECT_NEAR(result->tau2, 0.01, kMetaTolerance);
  EXPECT_NEAR(result->pooled_se, 0.1, kMetaTolerance);
  EXPECT_NEAR(result->prediction_low, -0.07718076486993541, kMetaTolerance);
  EXPECT_NEAR(result->shrunken[0], 0.15, kMetaTolerance);
}

TEST(MetaAnalysisTest, HugeHeterogeneity) {
  // Effects -1, 0, 1 with se .01: w = 10000 each, Q = 10000 (1 + 0 + 1) = 20000,
  // c = 30000 - 3e8/30000 = 20000,
  // tau2 = (20000 - 2)/20000 = .9999, I2 = .9999; mu = 0, se = sqrt(1/3); each study keeps
  // almost all of its own estimate (B = .9999).
  const std::vector<Study> studies = {{-1, 0.01}, {0, 0.01}, {1, 0.01}};
  Result<MetaAnalysis> result = random_effects_meta_analysis(studies);
  ASSERT_TRUE(result.ok());
  const MetaAnalysis& m = *result;
  EXPECT_NEAR(m.q, 20000, 1e-8);
  EXPECT_NEAR(m.tau2, 0.9999, kMetaTolerance);
  EXPECT_NEAR(m.i2, 0.9999, kMetaTolerance);
  EXPECT_NEAR(m.pooled, 0, kMetaTolerance);
  EXPECT_NEAR(m.pooled_se, 0.5773502691896257, kMetaTolerance);
  EXPECT_NEAR(m.prediction_high, 14.671311244494525, 1e-8);
  EXPECT_NEAR(m.shrunken[0], -0.9999, kMetaTolerance);
  EXPECT_LT(m.q_p_value, 1e-300);
}

TEST(MetaAnalysisTest, StudyWithZeroConversionsPoolsThroughTheCorrection) {
  // A treatment arm with no conversions (1000/20 vs 1000/0) gives a finite log lift after the
  // continuity correction, ln((.5/1001)/(20.5/1001)) = -3.71 with se 1.43. It is far from two
  // precise studies near +.14, so it adds heterogeneity: tau2 goes from .00024 to .0223
  // (Python reference with the same correction).
  Result<Comparison> a = compare_proportions({10000, 500}, {10000, 600});
  Result<Comparison> b = compare_proportions({10000, 500}, {10000, 550});
  Result<Comparison> zero = compare_proportions({1000, 20}, {1000, 0});
  ASSERT_TRUE(zero.ok() && a.ok() && b.ok());
  const std::vector<Study> studies = {{a->log_lift, a->log_lift_se},
                                      {b->log_lift, b->log_lift_se},
                                      {zero->log_lift, zero->log_lift_se}};
  Result<MetaAnalysis> precise = random_effects_meta_analysis(std::span(studies).first(2));
  ASSERT_TRUE(precise.ok());
  EXPECT_NEAR(precise->tau2, 0.00024306562039149996, 1e-12);
  EXPECT_NEAR(precise->pooled, 0.13968653117540475, 1e-12);

  Result<MetaAnalysis> result = random_effects_meta_analysis(studies);
  ASSERT_TRUE(result.ok());
  EXPECT_NEAR(result->q, 8.316689272587658, 1e-10);
  EXPECT_NEAR(result->tau2, 0.022318493588703806, 1e-12);
  EXPECT_NEAR(result->i2, 0.7595196917369357, 1e-12);
  EXPECT_NEAR(result->pooled, 0.11501746721036014, 1e-12);
  EXPECT_NEAR(result->pooled_se, 0.11335803762804485, 1e-12);
  EXPECT_NEAR(result->shrunken[2], 0.0737201347856208, 1e-12);  // pulled almost to the mean
  EXPECT_NEAR(result->shrunken_se[2], 0.18615068570293503, 1e-12);
}

TEST(MetaAnalysisTest, RejectsInvalidInput) {
  EXPECT_EQ(random_effects_meta_analysis({}).status().code(), StatusCode::kInvalidArgument);
  const std::vector<Study> zero_se = {{0.1, 0}};
  EXPECT_FALSE(random_effects_meta_analysis(zero_se).ok());
  const std::vector<Study> nan_effect = {{NAN, 0.1}};
  EXPECT_FALSE(random_effects_meta_analysis(nan_effect).ok());
  const std::vector<Study> negative_weight = {{0.1, 0.1, -1}};
  EXPECT_FALSE(random_effects_meta_analysis(negative_weight).ok());
  const std::vector<Study> all_zero_weights = {{0.1, 0.1, 0}, {0.2, 0.1, 0}};
  EXPECT_FALSE(random_effects_meta_analysis(all_zero_weights).ok());
  EXPECT_FALSE(random_effects_meta_analysis(kHandStudies, 1).ok());
}

}  // namespace
}  // namespace expgraph::analytics
