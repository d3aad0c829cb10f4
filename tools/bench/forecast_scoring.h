// Scoring of forecasts for the forward evaluations in tools/bench: per-test clustered means
// with 95% intervals (pairs and arms of one test are not independent, so the standard error
// is the cluster-robust one over tests), and the figures the forecast issue asks for: top-1 hit
// rate, pairwise accuracy, log-loss and Brier score of win probabilities, interval coverage.
// Header-only, single-threaded.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace expgraph::bench {

inline constexpr double kZ95 = 1.959963984540054;

// A mean over items grouped by test, with a cluster-robust standard error.
struct ClusteredMean {
  std::vector<double> sums, counts;  // per test
  double sum = 0, count = 0;

  void add_test(double test_sum, double test_count) {
    if (test_count == 0) return;
    sums.push_back(test_sum);
    counts.push_back(test_count);
    sum += test_sum;
    count += test_count;
  }
  double mean() const { return count > 0 ? sum / count : NAN; }
  double se() const {
    const double m = mean(), t = static_cast<double>(sums.size());
    if (t < 2) return NAN;
    double s = 0;
    for (size_t i = 0; i < sums.size(); ++i) s += std::pow(sums[i] - m * counts[i], 2);
    return std::sqrt(t / (t - 1) * s) / count;
  }
  std::string text() const {
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%.4f (95%% CI %.4f..%.4f, n=%.0f)", mean(),
                  mean() - kZ95 * se(), mean() + kZ95 * se(), count);
    return buffer;
  }
};

// The difference a - b of two clustered means over the same tests in the same order (two
// forecasters scored on one walk), as a clustered mean itself: its CI is the paired one, much
// narrower than the two CIs side by side when the forecasters agree on most tests. Empty when
// the two were not scored on the same tests.
inline ClusteredMean paired_difference(const ClusteredMean& a, const ClusteredMean& b) {
  ClusteredMean d;
  if (a.sums.size() != b.sums.size()) return d;
  for (size_t i = 0; i < a.sums.size(); ++i) {
    if (a.counts[i] != b.counts[i]) return ClusteredMean();
    d.add_test(a.sums[i] - b.sums[i], a.counts[i]);
  }
  return d;
}

// The figures of one forecaster over the evaluated tests.
struct ForecastScore {
  ClusteredMean top1, chance, top1_minus_chance;  // per test
  ClusteredMean accuracy_all, accuracy_significant;
  ClusteredMean log_loss, base_log_loss, log_loss_gain;  // gain = base - model (> 0 is better)
  ClusteredMean brier, brier_gain;                       // base Brier is 0.25
  ClusteredMean cover80, cover95;

  // `credit`: share of the top pick(s) that were the best arm; `chance`: |best| / n.
  void add_top1(double credit, double chance_value) {
    top1.add_test(credit, 1);
    chance.add_test(chance_value, 1);
    top1_minus_chance.add_test(credit - chance_value, 1);
  }

  void print(const std::string& name) const {
    std::printf("[%s] top-1 hit rate %s; random %.4f; difference %s\n", name.c_str(),
                top1.text().c_str(), chance.mean(), top1_minus_chance.text().c_str());
    if (accuracy_all.count > 0) {
      std::printf("[%s] pairwise accuracy: all pairs %s; significant pairs %s\n", name.c_str(),
                  accuracy_all.text().c_str(), accuracy_significant.text().c_str());
    }
    if (log_loss.count > 0) {
      std::printf(
          "[%s] log-loss %s vs base rate %.4f (gain %s); Brier %s vs base 0.2500 (gain %s)\n",
          name.c_str(), log_loss.text().c_str(), base_log_loss.mean(), log_loss_gain.text().c_str(),
          brier.text().c_str(), brier_gain.text().c_str());
    }
    if (cover80.count > 0) {
      std::printf("[%s] lift interval coverage: 80%% -> %s; 95%% -> %s\n", name.c_str(),
                  cover80.text().c_str(), cover95.text().c_str());
    }
  }
};

}  // namespace expgraph::bench
