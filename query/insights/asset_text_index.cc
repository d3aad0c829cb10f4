#include "query/insights/asset_text_index.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "query/insights/arm_features.h"

namespace expgraph::insights {

namespace {

std::map<std::string, double> word_counts(const std::string& text) {
  std::map<std::string, double> counts;
  for (const std::string& word : text_words(text)) counts[word] += 1;
  return counts;
}

}  // namespace

AssetTextIndex::AssetTextIndex(const ExperimentCatalog& catalog) : assets_(catalog.assets.size()) {
  std::vector<std::map<std::string, double>> counts;
  std::unordered_map<std::string, double> documents;  // word -> assets that have it
  for (const AssetFacts& asset : catalog.assets) {
    counts.push_back(word_counts(asset.text));
    for (const auto& [word, count] : counts.back()) documents[word] += 1;
  }
  const double total = static_cast<double>(catalog.assets.size());
  for (const auto& [word, df] : documents) idf_[word] = std::log1p(total / df);
  for (size_t a = 0; a < counts.size(); ++a) {
    double sum = 0;
    for (const auto& [word, count] : counts[a]) sum += std::pow(count * idf_[word], 2);
    const double norm = std::sqrt(sum);
    if (norm <= 0) continue;
    for (const auto& [word, count] : counts[a]) {
      postings_[word].push_back({a, count * idf_[word] / norm});
    }
  }
}

std::vector<AssetMatch> AssetTextIndex::matches(const std::string& text, size_t k) const {
  // The query's weights; a word no asset has gets the weight of a word in one asset of
  // total + 1 (it lowers every similarity, as a new word should).
  std::vector<std::pair<const std::vector<Posting>*, double>> words;
  double sum = 0;
  for (const auto& [word, count] : word_counts(text)) {
    auto idf = idf_.find(word);
    const double weight = count * (idf == idf_.end() ? unseen_idf() : idf->second);
    sum += weight * weight;
    auto it = postings_.find(word);
    if (it != postings_.end()) words.push_back({&it->second, weight});
  }
  const double norm = std::sqrt(sum);
  // Dense accumulation (one slot per asset, and the list of those touched): common words have
  // thousands of postings, and a hash map there costs more than the rest of the forecast.
  std::vector<double> dot(assets_, 0.0);
  std::vector<size_t> touched;
  for (const auto& [postings, weight] : words) {
    for (const Posting& p : *postings) {
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
