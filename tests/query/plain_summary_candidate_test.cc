// candidate_sentence: a forecast candidate in plain words, with hand-written expected sentences.
#include <gtest/gtest.h>

#include "query/insights/plain_summary.h"

namespace expgraph::insights {
namespace {

TEST(CandidateSentenceTest, ModelAndPastArms) {
  CandidateFacts facts;
  facts.name = "Countdown timer";
  facts.rank = 1;
  facts.candidates = 3;
  facts.has_evidence = true;
  facts.p_best = 0.62;
  facts.expected_lift = 0.031;
  facts.expected_low = -0.01;
  facts.expected_high = 0.072;
  facts.against = "the set mean";
  facts.lift = 0.04;
  facts.ci_low = 0.01;
  facts.ci_high = 0.07;
  facts.past_tests = 5;
  EXPECT_EQ(candidate_sentence(facts),
            "Countdown timer (rank 1 of 3): 62% chance to be best; expected +3.1% (90% interval "
            "-1.0% to +7.2%) against the set mean; past arms with similar text: +4.0% (95% CI "
            "+1.0% to +7.0%) in 5 tests");
}

TEST(CandidateSentenceTest, WithoutAModelOrEnoughPastArms) {
  CandidateFacts facts;
  facts.name = "Plain";
  facts.rank = 2;
  facts.candidates = 2;
  facts.has_evidence = true;
  facts.past_tests = 1;
  EXPECT_EQ(candidate_sentence(facts),
            "Plain (rank 2 of 2): too few past arms with similar text for an estimate of its own "
            "(1 test)");
  // Without evidence it says why: how many past tests fell short of how many, and whether a
  // model answered.
  facts.has_evidence = false;
  facts.min_tests = 3;
  EXPECT_EQ(candidate_sentence(facts),
            "Plain (rank 2 of 2): no evidence (1 past test used similar text, an estimate needs "
            "3; no trained model yet), ranked after every candidate with evidence");
  facts.past_tests = 0;
  facts.model = true;
  EXPECT_EQ(candidate_sentence(facts),
            "Plain (rank 2 of 2): no evidence (no past test used similar text; the model knows "
            "none of its words), ranked after every candidate with evidence");
}

TEST(ModelFeatureLabelTest, SaysWhatEachKindOfFeatureMeans) {
  EXPECT_EQ(model_feature_label("w:you"), "the word \"you\"");
  EXPECT_EQ(model_feature_label("b:why you"), "the words \"why you\"");
  EXPECT_EQ(model_feature_label("first2:here's why"), "opening with \"here's why\"");
  EXPECT_EQ(model_feature_label("last:video"), "ending with \"video\"");
  EXPECT_EQ(model_feature_label("h:number"), "a number");
  EXPECT_EQ(model_feature_label("h:words"), "its length in words");
  EXPECT_EQ(model_feature_label("h:new_one"), "the headline feature new_one");
  EXPECT_EQ(model_feature_label("p:quote"), "a quotation");
  EXPECT_EQ(model_feature_label("kind:image"), "an asset of kind image");
  EXPECT_EQ(model_feature_label("set:unique"), "its words no other candidate uses");
  EXPECT_EQ(model_feature_label("e:text"), "its meaning as a whole (word vectors)");
  EXPECT_EQ(model_feature_label("unknown"), "unknown");
}

}  // namespace
}  // namespace expgraph::insights
