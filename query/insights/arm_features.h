// The features the forecast model sees for one arm: hashed word unigrams and bigrams of its
// assets' text, the pattern miner's headline features plus length, asset kinds and tags, and the
// test's context (channel, segment lineage, metric) crossed with the non-word features so that
// the model can learn an effect that holds on one channel and not another; optionally the
// configured embedder's vector of the text (dense features "e:<i>").
// Used by pair_dataset (training) and learned_forecaster (serving). Pure, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "query/insights/experiment_catalog.h"
#include "query/similarity/embedder.h"

namespace expgraph::insights {

struct FeatureOptions {
  bool words = true;            // "w:<word>"
  bool bigrams = true;          // "b:<word> <word>"
  bool headline = true;         // "h:<feature>" and the length features
  bool kinds_and_tags = true;   // "kind:<kind>", "tag:<tag>"
  bool asset_keys = false;      // "asset:<key>" of assets without text (an image id)
  bool context_crosses = true;  // "<context>|<feature>" for the non-word features
  bool positions = false;       // "first:<word>", "first2:<word> <word>", "last:<word>"
  bool punctuation = false;     // "p:<mark>" per mark class used, "p:sentences" (scaled count)
  // "set:overlap" (mean word overlap with the other candidates of the same test) and
  // "set:unique" (share of its words no other candidate has): how it stands among its rivals.
  bool set_features = false;
  int hash_bits = 18;           // the feature space has 2^hash_bits dimensions
  // "e:<i>" = embedding_scale x the i-th value of the embedder's vector of the arm's text (the
  // vector has L2 norm 1, so each value is small beside the binary features; the scale keeps
  // the regularisation from erasing them). A model trained with it records `embedder_id` and
  // is only used with that embedder.
  bool embedding = false;
  double embedding_scale = 3;
  std::string embedder_id;
  // Not stored: the embedder itself, set by whoever trains or serves (null: no "e:" features).
  const similarity::Embedder* embedder = nullptr;
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

// With options.set_features, adds to each candidate of one test (or forecast request) the
// features that compare it with the others, from their "w:" features.
void add_set_features(const FeatureOptions& options,
                      std::vector<std::vector<NamedFeature>>& candidates);

// The index a feature name hashes to (never 0: liblinear indexes from 1).
uint32_t feature_index(const std::string& name, int hash_bits);

// Hashes named features into a sparse vector (colliding values add up).
SparseVector hash_features(const std::vector<NamedFeature>& features, int hash_bits);

// The feature a contribution to a forecast is reported under, so that people read one entry per
// idea: the embedder's values "e:<i>" (meaningless one by one) together as "e:text", and a
// context-crossed feature "<scope>|<feature>" with its plain <feature>. Its words for people:
// plain_summary's model_feature_label.
std::string explained_feature(const std::string& name);

// The named features of an arm of the catalog.
std::vector<NamedFeature> catalog_arm_features(const ExperimentCatalog& catalog,
                                               const ExperimentFacts& experiment,
                                               const ArmFacts& arm, const FeatureOptions& options);

}  // namespace expgraph::insights
