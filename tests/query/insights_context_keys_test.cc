// closest_keys (the suggestions of an unknown context key) and the plain-language sentences of
// insight answers.
#include <gtest/gtest.h>

#include "query/insights/context_keys.h"
#include "query/insights/plain_summary.h"

namespace expgraph::insights {
namespace {

TEST(ClosestKeysTest, PunctuationAndCaseDoNotCount) {
  const std::vector<std::string> channels = {"email", "web", "paid_social", "push", "sms"};
  EXPECT_EQ(closest_keys("e-mail", channels, 5), std::vector<std::string>{"email"});
  EXPECT_EQ(closest_keys("Paid Social", channels, 5).front(), "paid_social");
  EXPECT_EQ(closest_keys("pushes", channels, 1), std::vector<std::string>{"push"});
}

TEST(ClosestKeysTest, ContainmentAndDistanceOrderAndFarKeysAreLeftOut) {
  const std::vector<std::string> segments = {"all_customers", "smb", "smb_new", "lapsed"};
  // "lapsed_buyers" contains "lapsed": suggested although 7 edits away.
  EXPECT_EQ(closest_keys("lapsed_buyers", segments, 5).front(), "lapsed");
  const std::vector<std::string> smb = closest_keys("smbnew", segments, 5);
  ASSERT_GE(smb.size(), 2u);
  EXPECT_EQ(smb[0], "smb_new");  // distance 0 after folding
  EXPECT_TRUE(closest_keys("opens", {"conversion", "ctr", "unsubscribe"}, 5).empty());
  EXPECT_EQ(closest_keys("x", {"a", "b", "c"}, 2).size(), 0u);
}

TEST(PlainSummaryTest, PercentRoundsToTwoSignificantDigits) {
  EXPECT_EQ(percent(0.1234), "+12%");
  EXPECT_EQ(percent(-0.0345), "-3.5%");
  EXPECT_EQ(percent(0.00521), "+0.52%");
  EXPECT_EQ(percent(0.0), "+0%");
  EXPECT_EQ(percent(std::nan("")), "n/a");
}

TEST(PlainSummaryTest, PatternSentenceReadsLikeTheIssue) {
  EXPECT_EQ(pattern_sentence("headline:question", 810, -0.12, -0.14, -0.10, 0.80),
            "Headlines phrased as a question lost in 810 tests: -12% (95% CI -14% to -10%), "
            "consistent across tests: no (I² 0.80)");
  EXPECT_EQ(pattern_sentence("segment:lapsed", 3, 0.08, -0.01, 0.17, 0.1),
            "Treatments on segment lapsed made no clear difference in 3 tests: +8.0% (95% CI "
            "-1.0% to +17%), consistent across tests: yes (I² 0.10)");
}

TEST(PlainSummaryTest, TestResultSentenceSaysWhatTheEffectRestsOn) {
  EXPECT_EQ(test_result_sentence("Win-back SMS", "conversion", 0.473, 0.197, 0.749, 4.4e-5,
                                 std::nullopt),
            "Win-back SMS: +47% (95% CI +20% to +75%, p 4.4e-05) on conversion, significant");
  EXPECT_EQ(test_result_sentence("Urgent subject", "conversion", 0.08, std::nan(""),
                                 std::nan(""), 0.04, std::string("p_value")),
            "Urgent subject: +8.0% (p 0.04) on conversion, significant, effect derived from the "
            "reported p-value");
  EXPECT_EQ(test_result_sentence("X", "ctr", std::nan(""), 0, 0, 0, std::nullopt),
            "X: no result on ctr");
}

}  // namespace
}  // namespace expgraph::insights
