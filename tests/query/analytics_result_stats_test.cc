// compare_proportions / compare_means against values computed independently.
//
// Reference: a direct Python transcription of the textbook formulas (standard library only),
//   from statistics import NormalDist; N = NormalDist(); za = N.inv_cdf(1 - a/2)
//   pc, pt = xc/nc, xt/nt; vc, vt = pc*(1-pc)/nc, pt*(1-pt)/nt
//   z = (pt-pc)/sqrt(vc+vt); p = 2*(1 - N.cdf(abs(z)))
//   r = pt/pc; se_r = r*sqrt(vt/pt**2 + vc/pc**2); ci = r-1 -+ za*se_r
//   mde = (za + N.inv_cdf(power))*sqrt(pc*(1-pc)*(1/nc+1/nt))/pc
//   log_lift = log(r); log_se = sqrt(1/xt - 1/nt + 1/xc - 1/nc)
//   (with a zero count: xc+.5, nc+1, xt+.5, nt+1 in r, se_r and the log quantities)
//   means: m = s/n, v = (ss - s*s/n)/(n-1), var of mean v/n, the same formulas otherwise.
#include <gtest/gtest.h>

#include <cmath>

#include "query/analytics/result_stats.h"

namespace expgraph::analytics {
namespace {

constexpr double kStatsTolerance = 1e-12;

TEST(CompareProportionsTest, SignificantLift) {
  // By hand: pc = .05, pt = .06; vc = .05*.95/1e4 = 4.75e-6, vt = .06*.94/1e4 = 5.64e-6;
  // z = .01 / sqrt(1.039e-5) = 3.1024. r = 1.2, var(r) = 1.44 (5.64e-6/.0036 + 4.75e-6/.0025)
  // = 4.992e-3, se .070654, CI .2 -+ 1.96*.070654 = [.0615, .3385].
  // mde = (1.95996 + .84162) sqrt(.0475 * 2e-4) / .05 = .1727 < .2, so not underpowered.
  Result<Comparison> result = compare_proportions({10000, 500}, {10000, 600});
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  const Comparison& c = *result;
  EXPECT_DOUBLE_EQ(c.control_value, 0.05);
  EXPECT_DOUBLE_EQ(c.treatment_value, 0.06);
  EXPECT_NEAR(c.difference, 0.01, kStatsTolerance);
  EXPECT_NEAR(c.lift, 0.2, kStatsTolerance);
  EXPECT_NEAR(c.ci_low, 0.0615205342554172, kStatsTolerance);
  EXPECT_NEAR(c.ci_high, 0.3384794657445827, kStatsTolerance);
  EXPECT_NEAR(c.z, 3.102360242788487, kStatsTolerance);
  EXPECT_NEAR(c.p_value, 0.0019198417468164752, kStatsTolerance);
  EXPECT_TRUE(c.significant);
  EXPECT_NEAR(c.mde, 0.17270131149046472, kStatsTolerance);
  EXPECT_FALSE(c.underpowered);
  EXPECT_NEAR(c.log_lift, 0.1823215567939546, kStatsTolerance);
  EXPECT_NEAR(c.log_lift_se, 0.058878405775518984, kStatsTolerance);
  EXPECT_TRUE(c.lift_defined);
  EXPECT_TRUE(c.log_lift_defined);
  EXPECT_FALSE(c.continuity_corrected);
}

TEST(CompareProportionsTest, AlphaAndPowerChangeIntervalAndMde) {
  Result<Comparison> result = compare_proportions({10000, 500}, {10000, 600}, 0.1, 0.9);
  ASSERT_TRUE(result.ok());
  EXPECT_NEAR(result->ci_low, 0.08378436885322052, kStatsTolerance);
  EXPECT_NEAR(result->ci_high, 0.3162156311467794, kStatsTolerance);
  EXPECT_NEAR(result->mde, 0.1803957314698391, kStatsTolerance);
  EXPECT_NEAR(result->p_value, 0.0019198417468164752, kStatsTolerance);  // the test does not change
}

TEST(CompareProportionsTest, SmallTestIsUnderpowered) {
  Result<Comparison> result = compare_proportions({1000, 50}, {1000, 55});
  ASSERT_TRUE(result.ok());
  const Comparison& c = *result;
  EXPECT_NEAR(c.lift, 0.1, kStatsTolerance);
  EXPECT_NEAR(c.ci_low, -0.31009641204232546, kStatsTolerance);
  EXPECT_NEAR(c.ci_high, 0.5100964120423253, kStatsTolerance);
  EXPECT_NEAR(c.p_value, 0.6161475568985293, kStatsTolerance);
  EXPECT_FALSE(c.significant);
  EXPECT_NEAR(c.mde, 0.5461294992080773, kStatsTolerance);
  EXPECT_TRUE(c.underpowered);
  EXPECT_NEAR(c.log_lift, 0.09531017980432474, kStatsTolerance);
  EXPECT_NEAR(c.log_lift_se, 0.19021518914592014, kStatsTolerance);
}

TEST(CompareProportionsTest, ZeroConversionsInTreatmentUseContinuityCorrection) {
  // Raw: lift -1, z and p from the raw rates (vt = 0). Ratio quantities from 20.5/1001 and
  // .5/1001: log_lift = ln(.5/20.5) = -3.7136, se = sqrt(1/.5 - 1/1001 + 1/20.5 - 1/1001).
  Result<Comparison> result = compare_proportions({1000, 20}, {1000, 0});
  ASSERT_TRUE(result.ok());
  const Comparison& c = *result;
  EXPECT_TRUE(c.continuity_corrected);
  EXPECT_TRUE(c.lift_defined);
  EXPECT_TRUE(c.log_lift_defined);
  EXPECT_DOUBLE_EQ(c.lift, -1);
  EXPECT_NEAR(c.z, -4.5175395145262565, kStatsTolerance);
  EXPECT_NEAR(c.p_value, 6.2562355673811965e-06, kStatsTolerance);
  EXPECT_NEAR(c.ci_low, -1.0440009334777856, kStatsTolerance);
  EXPECT_NEAR(c.ci_high, -0.9072185787173364, kStatsTolerance);
  EXPECT_NEAR(c.log_lift, -3.713572066704308, kStatsTolerance);
  EXPECT_NEAR(c.log_lift_se, 1.4306580604067751, kStatsTolerance);
  EXPECT_NEAR(c.mde, 0.8770348989442839, kStatsTolerance);
  EXPECT_FALSE(c.underpowered);  // a lift of -100% is larger than the mde
}

TEST(CompareProportionsTest, ZeroControlRateFlagsUndefinedLift) {
  // The relative lift from 0 is undefined, but the difference test still holds:
  // z = .005 / sqrt(.005 * .995 / 1000) = 2.2417.
  Result<Comparison> result = compare_proportions({1000, 0}, {1000, 5});
  ASSERT_TRUE(result.ok());
  const Comparison& c = *result;
  EXPECT_FALSE(c.lift_defined);
  EXPECT_FALSE(c.log_lift_defined);
  EXPECT_FALSE(c.continuity_corrected);
  EXPECT_TRUE(std::isnan(c.lift));
  EXPECT_TRUE(std::isnan(c.ci_low));
  EXPECT_TRUE(std::isnan(c.ci_high));
  EXPECT_TRUE(std::isnan(c.mde));
  EXPECT_TRUE(std::isnan(c.log_lift));
  EXPECT_TRUE(c.underpowered);
  EXPECT_NEAR(c.z, 2.2416791983111017, kStatsTolerance);
  EXPECT_NEAR(c.p_value, 0.02498211324336852, kStatsTolerance);
  EXPECT_TRUE(c.significant);
}

TEST(CompareProportionsTest, NoConversionsAnywhereIsNoEvidence) {
  Result<Comparison> result = compare_proportions({100, 0}, {100, 0});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->z, 0);
  EXPECT_EQ(result->p_value, 1);
  EXPECT_FALSE(result->significant);
  EXPECT_FALSE(result->lift_defined);
}

TEST(CompareProportionsTest, IdenticalArmsHaveNoLift) {
  Result<Comparison> result = compare_proportions({5000, 250}, {5000, 250});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->lift, 0);
  EXPECT_EQ(result->p_value, 1);
  EXPECT_NEAR(result->ci_low, -result->ci_high, kStatsTolerance);
}

TEST(CompareProportionsTest, RejectsInvalidCounts) {
  EXPECT_EQ(compare_proportions({0, 0}, {10, 1}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(compare_proportions({10, 1}, {-5, 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(compare_proportions({10, -1}, {10, 1}).status().code(), StatusCode::kInvalidArgument);
  const Status too_many = compare_proportions({10, 1}, {10, 11}).status();
  EXPECT_EQ(too_many.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_many.message(), "treatment: conversions must not exceed users");
  EXPECT_FALSE(compare_proportions({10, 1}, {10, 1}, 0).ok());
  EXPECT_FALSE(compare_proportions({10, 1}, {10, 1}, 0.05, 1).ok());
}

TEST(CompareMeansTest, WelchLiftOfMeans) {
  // Control n 1000, mean 5, sd 2: sum 5000, sum_sq = 999*4 + 5000^2/1000 = 28996.
  // Treatment n 1200, mean 5.4, sd 2.5: sum 6480, sum_sq = 1199*6.25 + 6480^2/1200 = 42485.75.
  // z = .4 / sqrt(4/1000 + 6.25/1200) = 4.1684; r = 1.08,
  // se_r = 1.08 sqrt(6.25/1200/5.4^2 + 4/1000/25) = .019873, CI .08 -+ 1.96*.019873.
  Result<Comparison> result = compare_means({1000, 5000, 28996}, {1200, 6480, 42485.75});
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  const Comparison& c = *result;
  EXPECT_DOUBLE_EQ(c.control_value, 5);
  EXPECT_DOUBLE_EQ(c.treatment_value, 5.4);
  EXPECT_NEAR(c.lift, 0.08, kStatsTolerance);
  EXPECT_NEAR(c.ci_low, 0.0410485901162595, 1e-10);
  EXPECT_NEAR(c.ci_high, 0.11895140988374064, 1e-10);
  EXPECT_NEAR(c.z, 4.168400845751253, 1e-9);
  EXPECT_NEAR(c.p_value, 3.0674414571940645e-05, 1e-12);
  EXPECT_TRUE(c.significant);
  EXPECT_NEAR(c.mde, 0.047982684954148466, 1e-10);
  EXPECT_FALSE(c.underpowered);
  EXPECT_NEAR(c.log_lift, 0.0769610411361284, kStatsTolerance);
  EXPECT_NEAR(c.log_lift_se, 0.018401419897104088, 1e-10);
  EXPECT_FALSE(c.continuity_corrected);
}

TEST(CompareMeansTest, NonPositiveMeansLeaveLogLiftUndefined) {
  // Means -1 and 1 (values -2, 0 and 0, 2): the ratio exists, its logarithm does not.
  Result<Comparison> negative = compare_means({2, -2, 4}, {2, 2, 4});
  ASSERT_TRUE(negative.ok()) << negative.status().to_string();
  EXPECT_TRUE(negative->lift_defined);
  EXPECT_NEAR(negative->lift, -2, kStatsTolerance);  // 1 / -1 - 1: the sign follows the ratio
  EXPECT_FALSE(negative->log_lift_defined);
  EXPECT_TRUE(std::isnan(negative->log_lift));

  Result<Comparison> zero = compare_means({2, 0, 2}, {2, 2, 4});  // control values -1, 1
  ASSERT_TRUE(zero.ok());
  EXPECT_FALSE(zero->lift_defined);
  EXPECT_TRUE(std::isnan(zero->ci_high));
}

TEST(CompareMeansTest, ConstantValuesAreCertain) {
  // Every control user 2, every treatment user 3: no variance, so the difference is certain.
  Result<Comparison> result = compare_means({10, 20, 40}, {10, 30, 90});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->z, INFINITY);
  EXPECT_EQ(result->p_value, 0);
  EXPECT_NEAR(result->lift, 0.5, kStatsTolerance);
  EXPECT_EQ(result->ci_low, result->ci_high);
}

TEST(CompareMeansTest, RoundingNearZeroVarianceIsNotAnError) {
  // All values 1e6: sum^2/n = 1e15 exactly; a sum_sq one ulp below it (as accumulated rounding
  // can produce) gives a centered sum of -0.125, which must read as variance 0.
  const double sum = 1e6 * 1000;
  const double sum_sq = std::nextafter(1e15, 0.0);
  EXPECT_TRUE(compare_means({1000, sum, sum_sq}, {1000, sum, sum_sq}).ok());
}

TEST(CompareMeansTest, RejectsInvalidMoments) {
  const Status negative_variance = compare_means({10, 100, 500}, {10, 10, 20}).status();
  EXPECT_EQ(negative_variance.code(), StatusCode::kInvalidArgument);  // 500 < 100^2/10
  EXPECT_EQ(negative_variance.message(),
            "control: sum_sq is inconsistent with sum (negative variance)");
  EXPECT_FALSE(compare_means({1, 1, 1}, {10, 10, 20}).ok());  // one user has no variance
  EXPECT_FALSE(compare_means({10, 10, -1}, {10, 10, 20}).ok());
  EXPECT_FALSE(compare_means({10, NAN, 20}, {10, 10, 20}).ok());
  EXPECT_FALSE(compare_means({10, 10, 20}, {10, 10, INFINITY}).ok());
}

}  // namespace
}  // namespace expgraph::analytics
