// Distribution functions against values computed independently with Python's standard library
// (statistics.NormalDist, which uses Wichura's AS241, closed forms, and Simpson integration of
// the t density), as noted next to each case.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "query/analytics/distributions.h"

namespace expgraph::analytics {
namespace {

TEST(NormalTest, QuantileMatchesAs241) {
  // python3: NormalDist().inv_cdf(p)
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306167813, 1e-13);
  EXPECT_NEAR(normal_quantile(0.02), -2.0537489106318225, 1e-13);  // lower-tail branch
  EXPECT_NEAR(normal_quantile(0.3), -0.5244005127080407, 1e-13);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_NEAR(normal_quantile(0.9), 1.2815515655446008, 1e-13);
  EXPECT_NEAR(normal_quantile(0.975), 1.9599639845400536, 1e-13);
  EXPECT_NEAR(normal_quantile(0.999999), 4.753424308817089, 1e-9);  // upper tail, p near 1
}

TEST(NormalTest, QuantileEdges) {
  EXPECT_EQ(normal_quantile(0), -INFINITY);
  EXPECT_EQ(normal_quantile(1), INFINITY);
  EXPECT_TRUE(std::isnan(normal_quantile(-0.1)));
  EXPECT_TRUE(std::isnan(normal_quantile(1.1)));
  EXPECT_TRUE(std::isnan(normal_quantile(NAN)));
}

TEST(NormalTest, CdfMatchesPython) {
  // python3: NormalDist().cdf(x)
  EXPECT_NEAR(normal_cdf(-3), 0.0013498980316301035, 1e-16);
  EXPECT_NEAR(normal_cdf(-1.96), 0.024997895148220428, 1e-15);
  EXPECT_EQ(normal_cdf(0), 0.5);
  EXPECT_NEAR(normal_cdf(0.5), 0.6914624612740131, 1e-15);
  EXPECT_NEAR(normal_cdf(2.5), 0.9937903346742238, 1e-15);
}

TEST(NormalTest, QuantileInvertsCdf) {
  for (double p = 0.0005; p < 1; p += 0.0137) {
    EXPECT_NEAR(normal_cdf(normal_quantile(p)), p, 1e-14) << p;
  }
}

TEST(StudentTTest, ClosedForms) {
  // df = 1 is the Cauchy distribution: quantile tan(pi (p - 1/2)).
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706204736174696, 1e-9);
  EXPECT_NEAR(student_t_cdf(1, 1), 0.75, 1e-15);
  // df = 2: cdf 1/2 + t / (2 sqrt(2 + t^2)), quantile (2p - 1) / sqrt(2 p (1 - p)).
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.302652729749462, 1e-11);
  EXPECT_NEAR(student_t_cdf(1.5, 2), 0.8638034375544994, 1e-15);
  EXPECT_NEAR(student_t_quantile(0.025, 2), -4.302652729749462, 1e-11);
}

TEST(StudentTTest, MatchesNumericIntegration) {
  // python3: 1/2 + Simpson's rule (200000 panels) over the t density, exp(lgamma(...)).
  EXPECT_NEAR(student_t_cdf(2.228138851986, 10), 0.975, 1e-12);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.228138851986, 1e-10);  // table: 2.228
  EXPECT_NEAR(student_t_cdf(-1.3, 10), 0.11138290860341638, 1e-12);
  EXPECT_NEAR(student_t_cdf(0.7, 3.5), 0.7361829288271626, 1e-12);  // non-integer df
  EXPECT_EQ(student_t_cdf(0, 7), 0.5);
}

TEST(StudentTTest, ApproachesNormalAndRejectsBadDf) {
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), normal_quantile(0.975), 1e-6);
  EXPECT_TRUE(std::isnan(student_t_cdf(1, 0)));
  EXPECT_TRUE(std::isnan(student_t_quantile(0.5, -1)));
}

TEST(ChiSquareTest, ClosedForms) {
  // df 1: erf(sqrt(x/2)); df 3: erf(sqrt(x/2)) - sqrt(2x/pi) e^{-x/2};
  // even df 2m: 1 - e^{-x/2} sum_{j<m} (x/2)^j / j!.
  EXPECT_NEAR(chi_square_cdf(3.841458820694124, 1), 0.95, 1e-14);
  EXPECT_NEAR(chi_square_cdf(2, 3), 0.4275932955291202, 1e-14);
  EXPECT_NEAR(chi_square_cdf(3, 4), 0.44217459962892547, 1e-14);  // series branch
  EXPECT_NEAR(chi_square_cdf(30, 4), 0.999995105562872, 1e-14);   // fraction branch
  EXPECT_NEAR(chi_square_cdf(0.1, 2), 0.048770575499285984, 1e-15);
  EXPECT_NEAR(1 - chi_square_cdf(11.99, 12), 0.4464830913291173, 1e-13);
  EXPECT_EQ(chi_square_cdf(0, 3), 0.0);
  EXPECT_EQ(chi_square_cdf(-1, 3), 0.0);
  EXPECT_TRUE(std::isnan(chi_square_cdf(1, 0)));
}

TEST(ChiSquareTest, SurvivalKeepsTailPrecision) {
  // Even df closed form: e^{-x/2} sum_{j<df/2} (x/2)^j / j!; 1 - cdf would round these to 0.
  EXPECT_NEAR(chi_square_survival(80, 12) / 4.127308729731736e-12, 1, 1e-12);
  EXPECT_NEAR(chi_square_survival(200, 2) / 3.720075976020836e-44, 1, 1e-12);
  EXPECT_NEAR(chi_square_survival(3, 4), 1 - 0.44217459962892547, 1e-14);  // series branch
  EXPECT_EQ(chi_square_survival(0, 4), 1.0);
}

}  // namespace
}  // namespace expgraph::analytics
