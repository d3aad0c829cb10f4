// Forecaster on a hand-built catalog: the prior pools the similar tests, each candidate pools
// the past arms of assets like its text and is shrunk towards the prior by empirical Bayes; too
// few tests give insufficient_evidence.
#include <gtest/gtest.h>

#include "insights_fixture.h"
#include "query/insights/forecaster.h"

namespace expgraph::insights {
namespace {

using testing::arm;
using testing::experiment;

// P0..P2: prior tests with arm effects -0.2, 0, 0.2 (se 0.01).
// C0..C2: tests that used asset "known" with effect 0.1 (se 0.05) each.
ExperimentCatalog forecast_catalog() {
  ExperimentCatalog c;
  const size_t known = c.add_asset({"known", "headline", "Known headline", {}});
  for (int i = 0; i < 3; ++i) {
    c.experiments.push_back(experiment(std::string("P") + std::to_string(i), "2014-01-01",
                                       {arm("p", 10, 1, {}, false, -0.2 + 0.2 * i, 0.01)}));
  }
  for (int i = 0; i < 3; ++i) {
    c.experiments.push_back(experiment(std::string("C") + std::to_string(i),
                                       std::string("2014-0") + std::to_string(i + 2) + "-01",
                                       {arm("c", 10, 1, {known}, false, 0.1, 0.05)}));
  }
  c.finish();
  return c;
}

std::vector<Recommendation> prior_tests() {
  std::vector<Recommendation> similar;
  for (size_t i = 0; i < 3; ++i) similar.push_back({i, 1.0});
  return similar;
}

// Prior: w = 1 / 0.01^2 = 10000 each, fixed effect 0, Q = 10000 (0.04 + 0 + 0.04) = 800,
//   C = 30000 - 3e8 / 30000 = 20000, tau0^2 = (800 - 2) / 20000 = 0.0399, mu = 0,
//   se(mu) = sqrt((0.0399 + 0.0001) / 3) = 0.115470.
// Candidate: three studies of 0.1 (se 0.05): pooled 0.1, se 0.05 / sqrt(3) = 0.028868, tau^2 0.
// B = 0.0399 / (0.0399 + 0.000833333) = 0.979542; estimate 0.0979542 on the log scale,
// lift exp(0.0979542) - 1 = 0.102912; se = sqrt(B 0.000833333 + (1 - B)^2 0.0133333) = 0.028668,
// CI exp(0.0979542 -+ 1.959964 * 0.028668) - 1 = [0.042650, 0.166657].
TEST(ForecasterTest, ShrinksTheCandidateTowardsThePrior) {
  const ExperimentCatalog c = forecast_catalog();
  const Forecast f =
      forecast(c, prior_tests(), {"known", "unknown"}, {{{0, 1.0}}, {}}, ForecastOptions{});
  ASSERT_TRUE(f.prior.sufficient);
  EXPECT_EQ(f.prior.tests, 3u);
  EXPECT_NEAR(f.prior.tau2, 0.0399, 1e-9);
  EXPECT_NEAR(f.prior.lift, 0.0, 1e-12);
  ASSERT_EQ(f.candidates.size(), 2u);
  const Estimate& known = f.candidates[0].estimate;
  ASSERT_TRUE(known.sufficient);
  EXPECT_EQ(known.tests, 3u);
  EXPECT_NEAR(*f.candidates[0].raw_lift, std::expm1(0.1), 1e-9);
  EXPECT_NEAR(known.shrinkage, 0.979542, 1e-6);
  EXPECT_NEAR(known.lift, 0.102912, 1e-6);
  EXPECT_NEAR(known.ci_low, 0.042650, 1e-5);
  EXPECT_NEAR(known.ci_high, 0.166657, 1e-5);
  EXPECT_FALSE(f.candidates[1].estimate.sufficient);  // no evidence: no number
  EXPECT_EQ(top_candidates(f), std::vector<size_t>{0});
}

TEST(ForecasterTest, TooFewPastTestsIsInsufficientEvidence) {
  const ExperimentCatalog c = forecast_catalog();
  ForecastOptions options;
  options.before = "2014-04-01";  // only C0 and C1 started before: 2 tests < 3
  const Forecast f = forecast(c, prior_tests(), {"known"}, {{{0, 1.0}}}, options);
  EXPECT_FALSE(f.candidates[0].estimate.sufficient);
  EXPECT_EQ(f.candidates[0].estimate.tests, 2u);
  options.min_tests = 2;
  EXPECT_TRUE(forecast(c, prior_tests(), {"known"}, {{{0, 1.0}}}, options)
                  .candidates[0]
                  .estimate.sufficient);
  // A weak text match does not count as evidence.
  options.min_tests = 1;
  options.before.clear();
  EXPECT_FALSE(forecast(c, {}, {"known"}, {{{0, 0.3}}}, options).candidates[0].estimate.sufficient);
}

TEST(ForecasterTest, WithoutAPriorTheCandidateIsNotShrunk) {
  const ExperimentCatalog c = forecast_catalog();
  const Forecast f = forecast(c, {}, {"known"}, {{{0, 1.0}}}, ForecastOptions{});
  EXPECT_FALSE(f.prior.sufficient);
  ASSERT_TRUE(f.candidates[0].estimate.sufficient);
  EXPECT_NEAR(f.candidates[0].estimate.lift, std::expm1(0.1), 1e-9);
  EXPECT_EQ(f.candidates[0].estimate.shrinkage, 1.0);
}

// Three past tests each pitted "known" (+0.1) against a rival one word away (-0.1) that also
// passes the similarity bar: only the closer arm of each test is evidence for the candidate.
TEST(ForecasterTest, OfEachPastTestOnlyTheArmClosestToTheCandidateCounts) {
  ExperimentCatalog c;
  const size_t known = c.add_asset({"known", "headline", "Amazing story about dogs", {}});
  const size_t rival = c.add_asset({"rival", "headline", "Ancient story about dogs", {}});
  for (int i = 0; i < 3; ++i) {
    c.experiments.push_back(experiment(std::string("T") + std::to_string(i), "2014-02-01",
                                       {arm("a", 10, 1, {known}, false, 0.1, 0.05),
                                        arm("b", 10, 1, {rival}, false, -0.1, 0.05)}));
  }
  c.finish();
  const Forecast f = forecast(c, {}, {"amazing"}, {{{known, 1.0}, {rival, 0.77}}}, {});
  const Estimate& e = f.candidates[0].estimate;
  ASSERT_TRUE(e.sufficient);
  EXPECT_EQ(e.evidence.size(), 3u);
  EXPECT_NEAR(e.lift, std::expm1(0.1), 1e-9);  // pooled with the rivals it was 0
}

// C0 measured churn (lower is better) and fell by the same log-ratio as C1 and C2 rose in
// clicks: the three agree that the headline helps, and pooled in one direction they say so.
TEST(ForecasterTest, PastLiftsArePooledInTheDraftMetricsDirection) {
  ExperimentCatalog c = forecast_catalog();
  c.experiments[3].lower_is_better = true;
  c.experiments[3].arms[0].log_lift = -0.1;
  ForecastOptions on_clicks;
  const Forecast up = forecast(c, {}, {"known"}, {{{0, 1.0}}}, on_clicks);
  ASSERT_TRUE(up.candidates[0].estimate.sufficient);
  EXPECT_NEAR(up.candidates[0].estimate.lift, std::expm1(0.1), 1e-9);
  // A draft on a metric where lower is better: the clicks tests' rises count as falls.
  ForecastOptions on_churn;
  on_churn.lower_is_better = true;
  const Forecast down = forecast(c, {}, {"known"}, {{{0, 1.0}}}, on_churn);
  ASSERT_TRUE(down.candidates[0].estimate.sufficient);
  EXPECT_NEAR(down.candidates[0].estimate.lift, std::expm1(-0.1), 1e-9);
}

}  // namespace
}  // namespace expgraph::insights
