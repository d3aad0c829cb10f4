#include "query/insights/pair_dataset.h"

#include <algorithm>
#include <cmath>

namespace expgraph::insights {

namespace {

constexpr double kZ95 = 1.959963984540054;

// The arm's rate and the variance of its estimate, when it was measured. On a metric where
// lower is better the rate is the reciprocal of the measured one, so that for every test the
// higher rate is the better arm and lifts keep their scale (10% -> 9% churn is +11%); its
// variance follows by the delta method, and an arm measured at 0 has no reciprocal.
std::optional<DatasetArm> measured_arm(const ArmFacts& arm, bool lower_is_better) {
  const std::optional<double> rate = arm.rate();
  if (!rate || !arm.users || *arm.users <= 0) return std::nullopt;
  const double n = static_cast<double>(*arm.users);
  DatasetArm out;
  out.rate = *rate;
  if (arm.conversions) {
    out.rate_variance = *rate * (1 - *rate) / n;
  } else if (arm.sum_sq) {
    out.rate_variance = std::max(0.0, *arm.sum_sq / n - *rate * *rate) / n;
  }
  if (lower_is_better) {
    if (!(out.rate > 0)) return std::nullopt;
    out.rate_variance /= std::pow(out.rate, 4);
    out.rate = 1 / out.rate;
  }
  return out;
}

}  // namespace

std::vector<DatasetTest> collect_tests(const ExperimentCatalog& catalog, const std::string& from,
                                       const std::string& before, const FeatureOptions& options,
                                       const std::string& ended_before) {
  std::vector<DatasetTest> tests;
  for (size_t i = 0; i < catalog.experiments.size(); ++i) {
    const ExperimentFacts& e = catalog.experiments[i];
    if (!e.is_past() || e.started_at.empty()) continue;
    if (!from.empty() && e.started_at < from) continue;
    if (!before.empty() && e.started_at >= before) continue;
    if (!ended_before.empty() && !e.ended_at.empty() && e.ended_at >= ended_before) continue;
    DatasetTest test;
    test.experiment = i;
    for (size_t a = 0; a < e.arms.size(); ++a) {
      std::optional<DatasetArm> arm = measured_arm(e.arms[a], e.lower_is_better);
      if (!arm) continue;
      arm->arm = a;
      test.arms.push_back(std::move(*arm));
    }
    const std::vector<std::vector<NamedFeature>> names = test_arm_features(catalog, test, options);
    for (size_t a = 0; a < test.arms.size(); ++a) {
      test.arms[a].features = hash_features(names[a], options.hash_bits);
    }
    if (test.arms.size() >= 2) tests.push_back(std::move(test));
  }
  std::stable_sort(tests.begin(), tests.end(), [&](const DatasetTest& a, const DatasetTest& b) {
    return catalog.experiments[a.experiment].started_at <
           catalog.experiments[b.experiment].started_at;
  });
  return tests;
}

std::vector<std::vector<NamedFeature>> test_arm_features(const ExperimentCatalog& catalog,
                                                         const DatasetTest& test,
                                                         const FeatureOptions& options) {
  const ExperimentFacts& e = catalog.experiments[test.experiment];
  std::vector<std::vector<NamedFeature>> names;
  for (const DatasetArm& a : test.arms) {
    names.push_back(catalog_arm_features(catalog, e, e.arms[a.arm], options));
  }
  add_set_features(options, names);
  return names;
}

double difference_z(const DatasetArm& a, const DatasetArm& b) {
  const double variance = a.rate_variance + b.rate_variance;
  return variance > 0 ? (a.rate - b.rate) / std::sqrt(variance) : 0.0;
}

std::vector<DatasetPair> make_pairs(const std::vector<DatasetTest>& tests) {
  std::vector<DatasetPair> pairs;
  for (size_t t = 0; t < tests.size(); ++t) {
    const std::vector<DatasetArm>& arms = tests[t].arms;
    for (size_t i = 0; i < arms.size(); ++i) {
      for (size_t j = i + 1; j < arms.size(); ++j) {
        if (arms[i].rate == arms[j].rate || arms[i].features == arms[j].features) continue;
        const double z = difference_z(arms[i], arms[j]);
        DatasetPair pair;
        pair.test = t;
        pair.first = i;
        pair.second = j;
        pair.first_wins = arms[i].rate > arms[j].rate;
        pair.certainty = std::erf(std::abs(z) / std::sqrt(2.0));
        pair.significant = std::abs(z) >= kZ95;
        pairs.push_back(pair);
      }
    }
  }
  return pairs;
}

}  // namespace expgraph::insights
