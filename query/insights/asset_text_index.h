// AssetTextIndex: the past assets whose text is (near-)identical to a candidate's, found in the
// catalog itself. Each asset text is a bag of its words (the words arm_features uses), weighted
// by TF-IDF (idf = log(1 + assets / assets with the word), so words every headline shares count
// little), compared by cosine through an inverted index from word to assets. It replaces the
// SimilarityIndex for the forecast's per-candidate lookups: that search filters by type and reads
// every hit's node and context from storage, tens of milliseconds a candidate at the Upworthy
// archive's size, where this takes well under one. Word-count cosine is also what "the same or
// near-identical assets" means for the meta-analytic evidence, whatever embedder is configured
// (a glove cosine of 0.5 holds most pairs of headlines).
// Built once per catalog snapshot (InsightsService keeps it beside the snapshot). Immutable once
// built, thread-safe to read.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/insights/experiment_catalog.h"
#include "query/insights/forecaster.h"

namespace expgraph::insights {

class AssetTextIndex {
 public:
  explicit AssetTextIndex(const ExperimentCatalog& catalog);

  // The assets sharing at least one word with `text`, by TF-IDF cosine similarity, best first
  // (ties by asset index), at most `k`.
  std::vector<AssetMatch> matches(const std::string& text, size_t k) const;

 private:
  struct Posting {
    size_t asset = 0;
    double weight = 0;  // the word's TF-IDF in the asset over the asset's vector norm
  };
  double unseen_idf() const;

  size_t assets_ = 0;
  std::unordered_map<std::string, double> idf_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
};

}  // namespace expgraph::insights
