// derive_effects_from_counts: arms entered as counts alone get their effect against the control
// (or, without one, the other arms pooled); stored effects and control arms are left alone.
// Expected values: ratios of rates by hand; log-lift SE by the delta method,
// sqrt((1 - p_t) / (n_t p_t) + (1 - p_c) / (n_c p_c)).
#include <gtest/gtest.h>

#include <cmath>

#include "insights_fixture.h"
#include "query/insights/count_effects.h"

namespace expgraph::insights {
namespace {

using testing::arm;

TEST(CountEffectsTest, AgainstTheControlArm) {
  std::vector<ArmFacts> arms = {arm("control", 1000, 100, {}, true), arm("treatment", 1000, 120)};
  derive_effects_from_counts(arms);
  EXPECT_FALSE(arms[0].has_effect());  // the control is the baseline
  ASSERT_TRUE(arms[1].has_effect());
  EXPECT_NEAR(arms[1].lift, 0.2, 1e-12);
  EXPECT_NEAR(arms[1].log_lift, std::log(1.2), 1e-12);
  EXPECT_NEAR(arms[1].log_lift_se, std::sqrt(0.88 / 120 + 0.9 / 100), 1e-12);
  EXPECT_LT(arms[1].ci_low, 0.2);
  EXPECT_GT(arms[1].ci_high, 0.2);
  EXPECT_GT(arms[1].p_value, 0.05);  // 12% against 10% on 1,000 users each
  EXPECT_TRUE(arms[1].derived);
  EXPECT_EQ(arms[1].derived_from, "control_counts");
}

TEST(CountEffectsTest, WithoutAControlAgainstTheOtherArmsPooled) {
  std::vector<ArmFacts> arms = {arm("a", 1000, 100), arm("b", 1000, 150), arm("c", 1000, 50)};
  derive_effects_from_counts(arms);
  for (const ArmFacts& a : arms) {
    ASSERT_TRUE(a.has_effect()) << a.key;
    EXPECT_EQ(a.derived_from, "other_arms_counts");
  }
  EXPECT_NEAR(arms[0].lift, 0.10 / 0.10 - 1, 1e-12);   // b + c: 200 / 2,000
  EXPECT_NEAR(arms[1].lift, 0.15 / 0.075 - 1, 1e-12);  // a + c: 150 / 2,000
  EXPECT_NEAR(arms[2].lift, 0.05 / 0.125 - 1, 1e-12);  // a + b: 250 / 2,000
}

TEST(CountEffectsTest, StoredEffectsAndUncomparableArmsAreLeftAlone) {
  // A stored effect stays; an arm without users, and a continuous arm among binary ones, get
  // none; a zero baseline rate has no relative lift.
  ArmFacts stored = arm("stored", 1000, 130, {}, false, 0.05, 0.02);
  ArmFacts no_users = arm("empty", 0, 0);
  ArmFacts continuous;
  continuous.key = "revenue";
  continuous.users = 100;
  continuous.sum = 500;
  continuous.sum_sq = 4000;
  std::vector<ArmFacts> arms = {arm("control", 1000, 100, {}, true), stored, no_users, continuous};
  derive_effects_from_counts(arms);
  EXPECT_DOUBLE_EQ(arms[1].log_lift, 0.05);
  EXPECT_FALSE(arms[1].derived);
  EXPECT_FALSE(arms[2].has_effect());
  EXPECT_FALSE(arms[3].has_effect());

  std::vector<ArmFacts> zero = {arm("control", 1000, 0, {}, true), arm("t", 1000, 10)};
  derive_effects_from_counts(zero);
  EXPECT_FALSE(zero[1].has_effect());
}

TEST(CountEffectsTest, ContinuousArmsCompareTheirMeans) {
  auto moments = [](std::string key, int64_t users, double sum, double sum_sq, bool control) {
    ArmFacts a;
    a.key = std::move(key);
    a.users = users;
    a.sum = sum;
    a.sum_sq = sum_sq;
    a.is_control = control;
    return a;
  };
  std::vector<ArmFacts> arms = {moments("control", 400, 2000, 14000, true),
                                moments("treatment", 400, 2200, 16000, false)};
  derive_effects_from_counts(arms);
  ASSERT_TRUE(arms[1].has_effect());
  EXPECT_NEAR(arms[1].lift, 5.5 / 5.0 - 1, 1e-12);
  EXPECT_EQ(arms[1].derived_from, "control_counts");
}

}  // namespace
}  // namespace expgraph::insights
