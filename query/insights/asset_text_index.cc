#include "query/insights/asset_text_index.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <span>

#include "query/insights/arm_features.h"

namespace expgraph::insights {

namespace {

std::map<std::string, double> word_counts(const std::string& text) {
  std::map<std::string, double> counts;
  for (const std::string& word : text_words(text)) counts[word] += 1;
  return counts;
}

}  // namespace

AssetTextIndex::AssetTextIndex(const ExperimentCatalog& catalog)
    : assets_(catalog.assets.size()), vocabulary_(std::make_shared<const Vocabulary>()) {
  entry_starts_.reserve(assets_ + 1);
  entry_starts_.push_back(0);
  std::shared_ptr<Vocabulary> growing;
  for (const AssetFacts& asset : catalog.assets) {
    add_words(asset.text, growing);
    entry_starts_.push_back(entries_.size());
  }
  weigh();
}

AssetTextIndex::AssetTextIndex(const ExperimentCatalog& catalog, const AssetTextIndex& previous,
                               const std::vector<size_t>& changed)
    : assets_(catalog.assets.size()), vocabulary_(previous.vocabulary_) {
  std::vector<bool> read_again(assets_, false);
  for (size_t a : changed) {
    if (a < assets_) read_again[a] = true;
  }
  entries_.reserve(previous.entries_.size());
  entry_starts_.reserve(assets_ + 1);
  entry_starts_.push_back(0);
  const auto& assets = catalog.assets;
  std::shared_ptr<Vocabulary> growing;
  for (size_t a = 0; a < assets_; ++a) {
    if (a < previous.assets_ && !read_again[a]) {
      entries_.insert(
          entries_.end(),
          previous.entries_.begin() + static_cast<std::ptrdiff_t>(previous.entry_starts_[a]),
          previous.entries_.begin() + static_cast<std::ptrdiff_t>(previous.entry_starts_[a + 1]));
    } else {
      add_words(assets[a].text, growing);
    }
    entry_starts_.push_back(entries_.size());
  }
  weigh();
}

void AssetTextIndex::add_words(const std::string& text, std::shared_ptr<Vocabulary>& growing) {
  for (const auto& [word, count] : word_counts(text)) {
    auto known = vocabulary_->find(word);
    WordId id = 0;
    if (known != vocabulary_->end()) {
      id = known->second;
    } else {
      // The first new word copies the vocabulary, which older indexes go on sharing.
      if (!growing) {
        growing = std::make_shared<Vocabulary>(*vocabulary_);
        vocabulary_ = growing;
      }
      id = static_cast<WordId>(growing->size());
      growing->emplace(word, id);
    }
    entries_.emplace_back(id, count);
  }
}

void AssetTextIndex::weigh() {
  const size_t words = vocabulary_->size();
  std::vector<double> documents(words, 0.0);  // word -> assets that have it
  for (const auto& [word, count] : entries_) documents[word] += 1;
  const double total = static_cast<double>(assets_);
  idf_.assign(words, 0.0);
  for (size_t w = 0; w < words; ++w) {
    if (documents[w] > 0) idf_[w] = std::log1p(total / documents[w]);
  }
  // Each asset's norm, its words summed in their order; postings counted per word first, so
  // that they fit in one array, then filled asset by asset (each word's postings by asset).
  std::vector<double> norms(assets_, 0.0);
  posting_starts_.assign(words + 1, 0);
  for (size_t a = 0; a < assets_; ++a) {
    double sum = 0;
    for (size_t i = entry_starts_[a]; i < entry_starts_[a + 1]; ++i) {
      const auto& [word, count] = entries_[i];
      sum += std::pow(count * idf_[word], 2);
    }
    norms[a] = std::sqrt(sum);
    if (norms[a] <= 0) continue;
    for (size_t i = entry_starts_[a]; i < entry_starts_[a + 1]; ++i) {
      ++posting_starts_[entries_[i].first + 1];
    }
  }
  for (size_t w = 0; w < words; ++w) posting_starts_[w + 1] += posting_starts_[w];
  postings_.resize(posting_starts_.back());
  std::vector<size_t> filled(posting_starts_.begin(), posting_starts_.end() - 1);
  for (size_t a = 0; a < assets_; ++a) {
    if (norms[a] <= 0) continue;
    for (size_t i = entry_starts_[a]; i < entry_starts_[a + 1]; ++i) {
      const auto& [word, count] = entries_[i];
      postings_[filled[word]++] = {a, count * idf_[word] / norms[a]};
    }
  }
}

std::vector<AssetMatch> AssetTextIndex::matches(const std::string& text, size_t k) const {
  // The query's weights; a word no asset has gets the weight of a word in one asset of
  // total + 1 (it lowers every similarity, as a new word should).
  std::vector<std::pair<std::span<const Posting>, double>> words;
  double sum = 0;
  for (const auto& [word, count] : word_counts(text)) {
    auto id = vocabulary_->find(word);
    // A word no asset has (any more) weighs as unseen; it has no postings.
    const bool known = id != vocabulary_->end() && idf_[id->second] > 0;
    const double weight = count * (known ? idf_[id->second] : unseen_idf());
    sum += weight * weight;
    if (!known) continue;
    std::span<const Posting> postings(
        postings_.data() + posting_starts_[id->second],
        posting_starts_[id->second + 1] - posting_starts_[id->second]);
    if (!postings.empty()) words.push_back({postings, weight});
  }
  const double norm = std::sqrt(sum);
  // Dense accumulation (one slot per asset, and the list of those touched): common words have
  // thousands of postings, and a hash map there costs more than the rest of the forecast.
  std::vector<double> dot(assets_, 0.0);
  std::vector<size_t> touched;
  for (const auto& [postings, weight] : words) {
    for (const Posting& p : postings) {
      if (dot[p.asset] == 0) touched.push_back(p.asset);
      dot[p.asset] += p.weight * weight / norm;
    }
  }
  std::vector<AssetMatch> out;
  out.reserve(touched.size());
  for (size_t asset : touched) out.push_back({asset, std::min(1.0, dot[asset])});
  auto better = [](const AssetMatch& a, const AssetMatch& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.asset < b.asset;
  };
  if (out.size() > k) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), out.end(), better);
    out.resize(k);
  } else {
    std::sort(out.begin(), out.end(), better);
  }
  return out;
}

double AssetTextIndex::unseen_idf() const { return std::log1p(static_cast<double>(assets_) + 1); }

}  // namespace expgraph::insights
