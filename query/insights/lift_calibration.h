// Calibration of a ranking model on tests it was not trained on: a temperature for the win
// probabilities (Platt scaling without intercept, as the model is antisymmetric), a slope from
// centred scores to the relative lift against the set's mean, and split-conformal half-widths of
// the lift intervals (quantiles of the absolute errors on the held-out tests, for the lift
// against the set's mean and for the lift against a named control), so that an 80%
// interval holds about 80% of realised lifts when the future resembles the held-out past.
// Used by learned_forecaster and tools/bench. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace expgraph::insights {

// One held-out test: the model's score and the measured rate of each arm.
struct ScoredTest {
  std::vector<double> scores, rates;
};

struct LiftCalibration {
  double temperature = 1;  // P(a beats b) = sigmoid(temperature * (score a - score b))
  double slope = 0;        // expected lift vs the set's mean = slope * (score - mean score)
  std::vector<std::pair<double, double>> half_widths;  // (coverage level, half-width of lift)
  // The same for the lift of one arm against another named as the control.
  std::vector<std::pair<double, double>> control_half_widths;
  size_t arms = 0;  // held-out arms the quantiles rest on

  // The half-width for `level` (the widest known when the level is not stored).
  double half_width(double level) const;
  double control_half_width(double level) const;
};

inline constexpr double kIntervalLevels[] = {0.8, 0.9, 0.95};

LiftCalibration fit_calibration(const std::vector<ScoredTest>& tests);

// P(a beats b).
double win_probability(const LiftCalibration& calibration, double score_a, double score_b);
// P(each arm is the best of the set): softmax of temperature * score; sums to 1.
std::vector<double> best_probabilities(const LiftCalibration& calibration,
                                       const std::vector<double>& scores);
// Expected relative lift of each arm against the mean of `scores`' arms.
std::vector<double> expected_lifts(const LiftCalibration& calibration,
                                   const std::vector<double>& scores);
// Expected relative lift of each arm against arm `control`: (1 + lift) / (1 + control's) - 1.
std::vector<double> expected_lifts_against(const LiftCalibration& calibration,
                                           const std::vector<double>& scores, size_t control);
// Realised relative lift of each rate against the mean rate (0 when the mean is 0).
std::vector<double> realised_lifts(const std::vector<double>& rates);

}  // namespace expgraph::insights
