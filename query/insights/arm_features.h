// The features the forecast model sees for one arm: hashed word unigrams and bigrams of its
// assets' text, the pattern miner's headline features plus length, asset kinds and tags, and the
// test's context (channel, segment lineage, metric) crossed with the non-word features so that
// the model can learn an effect that holds on one channel and not another.
// Used by pair_dataset (training) and learned_forecaster (serving). Pure, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "query/insights/experiment_catalog.h"

namespace expgraph::insights {

struct FeatureOptions {
  bool words = true;            // "w:<word>"
  bool bigrams = true;          // "b:<word> <word>"
  bool headline = true;         // "h:<feature>" and the length features
  bool kinds_and_tags = true;   // "kind:<kind>", "tag:<tag>"
  bool asset_keys = false;      // "asset:<key>" of assets without text (an image id)
  bool context_crosses = true;  // "<context>|<feature>" for the non-word features
  int hash_bits = 18;           // the feature space has 2^hash_bits dimensions
};

struct NamedFeature {
  std::string name;
  double value = 1;
};

// A test's context, the same for all its arms.
struct TestContext {
  std::vector<std::string> channels, segments, metrics;  // segments: with their ancestors
};

// Sparse vector: (index, value), indexes in [1, 2^hash_bits), sorted, unique.
using SparseVector = std::vector<std::pair<uint32_t, float>>;

TestContext test_context(const ExperimentFacts& experiment);

// The lower-cased words of a text (letters, digits, apostrophes and non-ASCII bytes).
std::vector<std::string> text_words(const std::string& text);

// The named features of an arm made of `assets` in `context`.
std::vector<NamedFeature> arm_feature_names(const std::vector<const AssetFacts*>& assets,
                                            const TestContext& context,
                                            const FeatureOptions& options);

// The index a feature name hashes to (never 0: liblinear indexes from 1).
uint32_t feature_index(const std::string& name, int hash_bits);

// Hashes named features into a sparse vector (colliding values add up).
SparseVector hash_features(const std::vector<NamedFeature>& features, int hash_bits);

// Both steps for an arm of the catalog.
SparseVector arm_vector(const ExperimentCatalog& catalog, const ExperimentFacts& experiment,
                        const ArmFacts& arm, const FeatureOptions& options);

}  // namespace expgraph::insights
