// Similar past tests: ranks the catalog's past experiments for a draft test by a score that
// combines text similarity (computed by the caller, e.g. from SimilarityIndex), graph proximity
// (shared channel, segment or a nested one, metric, asset kinds, campaign), outcome strength and
// recency, and says which signals matched. Used by the similar-tests recommendation
// and as the evidence base of forecasts. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/insights/experiment_catalog.h"

namespace expgraph::insights {

struct DraftTest {
  std::string hypothesis;
  std::optional<std::string> channel, segment, metric, campaign;
  std::vector<std::string> asset_kinds;
  size_t k = 10;
  std::string as_of;  // YYYY-MM-DD: only tests started before it; recency measured from it
};

// The weights of the four signals (they sum to 1) and of the proximity parts (they sum to 1).
struct SimilarityWeights {
  double text = 0.45, proximity = 0.30, outcome = 0.15, recency = 0.10;
  double channel = 0.25, segment = 0.25, nested_segment = 0.15, metric = 0.20, assets = 0.15,
         campaign = 0.15;
  double recency_half_life_days = 365;
};

struct Recommendation {
  size_t experiment = 0;  // index into the catalog
  double score = 0;
  double text = 0, proximity = 0, outcome = 0, recency = 0;  // each in [0, 1]
  std::vector<std::string> matched;  // "text", "channel", "segment", "nested_segment", ...
  std::optional<size_t> best_arm;    // the arm with the strongest evidence (max |z|)...
  // ...on this metric: the draft's when the test has results on it, else the test's primary
  // metric. best_arm indexes experiment.arms_on(result_metric).
  std::string result_metric;
};

// Text scores: experiment index -> similarity in [0, 1]. Returns at most draft.k past tests
// with a score > 0, best first (ties by key).
std::vector<Recommendation> recommend_similar_tests(const ExperimentCatalog& catalog,
                                                    const DraftTest& draft,
                                                    const std::unordered_map<size_t, double>& text,
                                                    const SimilarityWeights& weights = {});

// Days from `from` to `to` (YYYY-MM-DD, possibly with a time after it); nullopt when either is
// not a date.
std::optional<int> days_between(const std::string& from, const std::string& to);
// `date` (YYYY-MM-DD) moved by `days`; "" when it is not a date.
std::string add_days(const std::string& date, int days);

}  // namespace expgraph::insights
