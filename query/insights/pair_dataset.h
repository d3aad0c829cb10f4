// The forecast model's training data: the concluded experiments started in a window of dates,
// each arm with its measured rate on the primary metric and its feature vector, and the
// within-test pairs of arms whose rates differ, labelled by which arm won and weighted by how
// certain the difference is. Used by learned_forecaster and tools/bench. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "query/insights/arm_features.h"
#include "query/insights/experiment_catalog.h"

namespace expgraph::insights {

struct DatasetArm {
  size_t arm = 0;            // index into the experiment's arms
  // conversions / users (or mean) on the primary metric; its reciprocal when lower is better
  // there (ExperimentFacts::lower_is_better), so that the higher rate is always the better arm
  double rate = 0;
  double rate_variance = 0;  // of the rate's estimate
  SparseVector features;
};

struct DatasetTest {
  size_t experiment = 0;  // index into ExperimentCatalog::experiments
  std::vector<DatasetArm> arms;
};

struct DatasetPair {
  size_t test = 0;               // index into the tests
  size_t first = 0, second = 0;  // indexes into the test's arms
  bool first_wins = false;
  double certainty = 0;      // 2 Phi(|z|) - 1 of the difference: 0 for a coin flip, 1 for sure
  bool significant = false;  // |z| >= 1.96
};

// Concluded (or stopped) experiments started in [from, before) ("" = unbounded) with at least
// two arms measured on the primary metric, in start order. With `ended_before` set, also only
// those whose results were known by then: an experiment with an `ended_at` on or after it is
// left out (one started before a cut-off may end after it).
std::vector<DatasetTest> collect_tests(const ExperimentCatalog& catalog, const std::string& from,
                                       const std::string& before, const FeatureOptions& options,
                                       const std::string& ended_before = "");

// The named features of `test`'s arms (before hashing), the set features among them included:
// what a model trains on and what the walk-forward evaluation scores.
std::vector<std::vector<NamedFeature>> test_arm_features(const ExperimentCatalog& catalog,
                                                         const DatasetTest& test,
                                                         const FeatureOptions& options);

// Every within-test pair of arms with different rates and different features.
std::vector<DatasetPair> make_pairs(const std::vector<DatasetTest>& tests);

// z of the difference of two measured arms' rates (unpooled standard error); 0 without variance.
double difference_z(const DatasetArm& a, const DatasetArm& b);

}  // namespace expgraph::insights
