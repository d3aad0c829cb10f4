// summary_effect: the log-lift and SE of a Result given as a summary, against values computed
// independently (Python, statistics.NormalDist):
//   z = N.inv_cdf(0.5 + level/2); se = (log(1+hi) - log(1+lo)) / (2 z)
//   p-value: se = log(1+lift) / N.inv_cdf(1 - p/2); delta: se = (hi-lo) / (2 z) / (1+lift)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "query/analytics/summary_effect.h"

namespace expgraph::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(SummaryEffectTest, FromTheInterval) {
  auto effect = summary_effect(0.10, 0.02, 0.18, 0.014);
  ASSERT_TRUE(effect.has_value());
  EXPECT_EQ(effect->source, SummarySource::kInterval);
  EXPECT_NEAR(effect->log_lift, std::log(1.10), 1e-12);
  EXPECT_NEAR(effect->log_lift_se, 0.03717206, 1e-7);
  // A 90% interval is narrower for the same SE: its level is used.
  auto ninety = summary_effect(0.10, 0.05, 0.15, kNaN, 0.90);
  ASSERT_TRUE(ninety.has_value());
  EXPECT_NEAR(ninety->log_lift_se, 0.02765346, 1e-7);
}

TEST(SummaryEffectTest, IntervalReachingMinusOneUsesTheDeltaMethodBackwards) {
  auto effect = summary_effect(0.2, -1.5, 0.5, kNaN);
  ASSERT_TRUE(effect.has_value());
  EXPECT_NEAR(effect->log_lift_se, 0.42517788, 1e-7);
}

TEST(SummaryEffectTest, FromThePValueWithoutAnInterval) {
  auto effect = summary_effect(0.08, kNaN, kNaN, 0.04);
  ASSERT_TRUE(effect.has_value());
  EXPECT_EQ(effect->source, SummarySource::kPValue);
  EXPECT_NEAR(effect->log_lift_se, 0.03747344, 1e-7);
  EXPECT_STREQ(summary_source_name(effect->source), "p_value");
}

TEST(SummaryEffectTest, NothingToDeriveFrom) {
  EXPECT_FALSE(summary_effect(kNaN, 0.1, 0.2, 0.01).has_value());    // no lift
  EXPECT_FALSE(summary_effect(-1.0, -1.2, 0.2, 0.01).has_value());   // lift <= -1
  EXPECT_FALSE(summary_effect(0.1, kNaN, kNaN, kNaN).has_value());   // lift alone
  EXPECT_FALSE(summary_effect(0.1, kNaN, kNaN, 1.0).has_value());    // p = 1
  EXPECT_FALSE(summary_effect(0.0, kNaN, kNaN, 0.3).has_value());    // lift 0, p only
  EXPECT_FALSE(summary_effect(0.1, 0.2, 0.2, kNaN).has_value());     // empty interval
}

}  // namespace
}  // namespace expgraph::analytics
