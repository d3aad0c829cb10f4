// AssetTextIndex: the past assets whose text is (near-)identical to a candidate's, found in the
// catalog itself. Each asset text is a bag of its words (the words arm_features uses), weighted
// by TF-IDF (idf = log(1 + assets / assets with the word), so words every headline shares count
// little), compared by cosine through an inverted index from word to assets. It replaces the
// SimilarityIndex for the forecast's per-candidate lookups: that search filters by type and reads
// every hit's node and context from storage, tens of milliseconds a candidate at the Upworthy
// archive's size, where this takes well under one. Word-count cosine is also what "the same or
// near-identical assets" means for the meta-analytic evidence, whatever embedder is configured
// (a glove cosine of 0.5 holds most pairs of headlines).
// Built once per catalog snapshot (InsightsService keeps it beside the snapshot); after an
// update that changed a few assets, from the previous snapshot's index, reading only the changed
// assets' text (the weights are computed again over all: every idf moves with the number of
// assets). Immutable once built, thread-safe to read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "query/insights/experiment_catalog.h"
#include "query/insights/forecaster.h"

namespace expgraph::insights {

class AssetTextIndex {
 public:
  explicit AssetTextIndex(const ExperimentCatalog& catalog);
  // The index of `catalog`, whose assets are those `previous` was built from except the ones at
  // `changed` (read again, or added after them): only those are read; the rest of the words
  // come from `previous`. Matches exactly what AssetTextIndex(catalog) would.
  AssetTextIndex(const ExperimentCatalog& catalog, const AssetTextIndex& previous,
                 const std::vector<size_t>& changed);

  // The assets sharing at least one word with `text`, by TF-IDF cosine similarity, best first
  // (ties by asset index), at most `k`.
  std::vector<AssetMatch> matches(const std::string& text, size_t k) const;

 private:
  using WordId = uint32_t;
  // Word -> id, shared by the indexes of successive snapshots while no new word appears (then
  // copied and extended): ids are only added, never reused, so words of changed texts stay (with
  // idf 0) until a whole load builds a fresh vocabulary.
  using Vocabulary = std::unordered_map<std::string, WordId>;
  struct Posting {
    size_t asset = 0;
    double weight = 0;  // the word's TF-IDF in the asset over the asset's vector norm
  };
  // Appends the words of `text` with their counts, in the words' order (the order the norms
  // are summed in), to entries_; a new word gets the next id in `growing`, vocabulary_'s own
  // copy, made at the first new word of the build.
  void add_words(const std::string& text, std::shared_ptr<Vocabulary>& growing);
  // Document frequencies, idf, norms and postings from entries_.
  void weigh();
  double unseen_idf() const;

  size_t assets_ = 0;
  std::shared_ptr<const Vocabulary> vocabulary_;
  // Asset a's words: entries_[entry_starts_[a] .. entry_starts_[a + 1]), (word, count).
  std::vector<size_t> entry_starts_;
  std::vector<std::pair<WordId, double>> entries_;
  std::vector<double> idf_;  // by word id; 0 for a word no asset has (any more)
  // Word w's postings, by asset: postings_[posting_starts_[w] .. posting_starts_[w + 1]).
  std::vector<size_t> posting_starts_;
  std::vector<Posting> postings_;
};

}  // namespace expgraph::insights
