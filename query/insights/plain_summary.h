// Plain-language sentences for insight answers: what a planner reads beside the full-precision
// JSON ("Headlines phrased as a question lost in 810 tests: -12% (95% CI -14% to -10%),
// consistent across tests: no (I² 0.80)"). Used by InsightsService and the CLI's tables.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

namespace expgraph::insights {

// "+12%", "-3.4%", "+0.52%": a relative lift in percent, with a sign, rounded to two
// significant digits (at least the units); "n/a" for NaN.
std::string percent(double lift);

// "Headlines phrased as a question", "Arms with a video asset", "Tests on segment lapsed", ...
// for a pattern feature ("headline:question", "asset_kind:video", "segment:lapsed").
std::string feature_label(const std::string& feature);

// What a feature of the forecast model means, as a phrase that reads in a list ("pushed up by
// the word \"why\", a question, its meaning as a whole (word vectors)"), for an
// explained_feature (arm_features.h).
std::string model_feature_label(const std::string& explained);

// "<label> won|lost|made no clear difference in N tests: +12% (95% CI +8% to +16%),
// consistent across tests: yes|no (I² 0.12)"; the verdict follows the interval.
std::string pattern_sentence(const std::string& feature, size_t tests, double lift, double ci_low,
                             double ci_high, double i2);

// Where a derived effect came from (ArmFacts::derived_from), as a clause: "effect derived from
// the reported interval", "... p-value", "effect computed from the arms' counts", ...
std::string derived_effect_phrase(const std::string& derived_from);

// "<name>: +12% (95% CI +8% to +16%, p 0.003) on conversion, significant|not significant
// [, <derived_effect_phrase>]"; "<name>: no result on <metric>" without a lift.
std::string test_result_sentence(const std::string& name, const std::string& metric, double lift,
                                 double ci_low, double ci_high, double p_value,
                                 const std::optional<std::string>& derived_from);

// What a forecast knows of one candidate variant, for its sentence.
struct CandidateFacts {
  std::string name;
  size_t rank = 0;        // 1 = first
  size_t candidates = 0;  // how many were ranked
  bool has_evidence = false;
  // The meta-analytic estimate from past arms with similar text, when there is one.
  std::optional<double> lift, ci_low, ci_high;
  size_t past_tests = 0;
  size_t min_tests = 0;  // the past tests an estimate of its own needs
  bool model = false;    // a learned model answered (even when it knows none of the words)
  // The learned model's prediction, when a model answered.
  std::optional<double> p_best;
  std::optional<double> expected_lift, expected_low, expected_high;  // 90% interval
  std::string against;  // "the set mean" or "control <name>"
};

// "Countdown timer (rank 1 of 3): 62% chance to be best; expected +3.1% (90% interval -1.0% to
// +7.2%) against the set mean; past arms with similar text: +4.0% (95% CI +1.0% to +7.0%) in 5
// tests", or "... : no evidence (1 past test used similar text, an estimate needs 3; the model
// knows none of its words), ranked after every candidate with evidence".
std::string candidate_sentence(const CandidateFacts& facts);

}  // namespace expgraph::insights
