#include "query/insights/lift_calibration.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace expgraph::insights {

namespace {

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// Log-loss of the pairs' win probabilities at `temperature`.
double pair_log_loss(const std::vector<ScoredTest>& tests, double temperature) {
  double loss = 0;
  for (const ScoredTest& t : tests) {
    for (size_t i = 0; i < t.scores.size(); ++i) {
      for (size_t j = i + 1; j < t.scores.size(); ++j) {
        if (t.rates[i] == t.rates[j]) continue;
        const double d = temperature * (t.scores[i] - t.scores[j]);
        // log(1 + e^-x) computed without overflow.
        const double x = t.rates[i] > t.rates[j] ? d : -d;
        loss += x > 0 ? std::log1p(std::exp(-x)) : -x + std::log1p(std::exp(x));
      }
    }
  }
  return loss;
}

// Split-conformal half-widths: per level, the ceil((n + 1) level)-th smallest absolute error.
std::vector<std::pair<double, double>> conformal_widths(std::vector<double> errors) {
  std::sort(errors.begin(), errors.end());
  std::vector<std::pair<double, double>> out;
  for (double level : kIntervalLevels) {
    double width = 0;
    if (!errors.empty()) {
      const double rank = std::ceil((static_cast<double>(errors.size()) + 1) * level);
      width = errors[std::min(errors.size(), static_cast<size_t>(rank)) - 1];
    }
    out.push_back({level, width});
  }
  return out;
}

double width_for(const std::vector<std::pair<double, double>>& widths, double level) {
  double widest = 0;
  for (const auto& [stored, width] : widths) {
    if (std::abs(stored - level) < 1e-9) return width;
    widest = std::max(widest, width);
  }
  return widest;
}

}  // namespace

double LiftCalibration::half_width(double level) const { return width_for(half_widths, level); }

double LiftCalibration::control_half_width(double level) const {
  return width_for(control_half_widths, level);
}

LiftCalibration fit_calibration(const std::vector<ScoredTest>& tests) {
  LiftCalibration c;
  // Temperature: a one-dimensional convex problem; golden-section search on [0, 1000] (a
  // centred regression's scores are lifts, a few hundredths apart, so it can be large).
  double lo = 0, hi = 1000;
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  for (int step = 0; step < 80; ++step) {
    const double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    if (pair_log_loss(tests, a) < pair_log_loss(tests, b)) {
      hi = b;
    } else {
      lo = a;
    }
  }
  c.temperature = (lo + hi) / 2;
  // Slope: least squares through the origin of realised on centred scores.
  double xy = 0, xx = 0;
  for (const ScoredTest& t : tests) {
    const double centre = mean(t.scores);
    const std::vector<double> realised = realised_lifts(t.rates);
    for (size_t i = 0; i < t.scores.size(); ++i) {
      const double x = t.scores[i] - centre;
      xy += x * realised[i];
      xx += x * x;
    }
  }
  c.slope = xx > 0 ? xy / xx : 0;
  std::vector<double> errors, control_errors;
  for (const ScoredTest& t : tests) {
    const std::vector<double> predicted = expected_lifts(c, t.scores);
    const std::vector<double> realised = realised_lifts(t.rates);
    for (size_t i = 0; i < predicted.size(); ++i) {
      errors.push_back(std::abs(realised[i] - predicted[i]));
    }
    for (size_t j = 0; j < t.rates.size(); ++j) {
      if (t.rates[j] <= 0) continue;
      const std::vector<double> against = expected_lifts_against(c, t.scores, j);
      for (size_t i = 0; i < t.rates.size(); ++i) {
        if (i != j) control_errors.push_back(std::abs(t.rates[i] / t.rates[j] - 1 - against[i]));
      }
    }
  }
  c.arms = errors.size();
  c.half_widths = conformal_widths(std::move(errors));
  c.control_half_widths = conformal_widths(std::move(control_errors));
  return c;
}

double win_probability(const LiftCalibration& calibration, double score_a, double score_b) {
  return sigmoid(calibration.temperature * (score_a - score_b));
}

std::vector<double> best_probabilities(const LiftCalibration& calibration,
                                       const std::vector<double>& scores) {
  if (scores.empty()) return {};
  const double top = *std::max_element(scores.begin(), scores.end());
  std::vector<double> p;
  double sum = 0;
  for (double s : scores) {
    p.push_back(std::exp(calibration.temperature * (s - top)));
    sum += p.back();
  }
  for (double& value : p) value /= sum;
  return p;
}

std::vector<double> expected_lifts(const LiftCalibration& calibration,
                                   const std::vector<double>& scores) {
  const double centre = mean(scores);
  std::vector<double> lifts;
  for (double s : scores) lifts.push_back(calibration.slope * (s - centre));
  return lifts;
}

std::vector<double> expected_lifts_against(const LiftCalibration& calibration,
                                           const std::vector<double>& scores, size_t control) {
  std::vector<double> lifts = expected_lifts(calibration, scores);
  const double base = 1 + lifts[control];
  for (double& lift : lifts) lift = base > 0 ? (1 + lift) / base - 1 : 0;
  return lifts;
}

std::vector<double> realised_lifts(const std::vector<double>& rates) {
  const double centre = mean(rates);
  std::vector<double> lifts;
  for (double r : rates) lifts.push_back(centre > 0 ? r / centre - 1 : 0);
  return lifts;
}

}  // namespace expgraph::insights
