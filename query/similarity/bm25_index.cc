#include "query/similarity/bm25_index.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <unordered_set>

namespace expgraph::similarity {
namespace {

bool better(const ScoredId& a, const ScoredId& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

}  // namespace

Bm25Index::Bm25Index(Bm25Options options) : options_(std::move(options)) {}

void Bm25Index::unlink(uint64_t id) {
  auto doc = documents_.find(id);
  if (doc == documents_.end()) return;
  for (const std::string& term : doc->second.terms) {
    auto posting = postings_.find(term);
    if (posting == postings_.end()) continue;
    posting->second.erase(id);
    if (posting->second.empty()) postings_.erase(posting);
  }
  total_length_ -= doc->second.length;
  documents_.erase(doc);
}

void Bm25Index::upsert(uint64_t id, std::string_view text) {
  // Tokenise outside the lock: it is the expensive part and touches no shared state.
  const std::vector<std::string> tokens = tokenize(text, options_.tokenizer);
  std::unordered_map<std::string, uint32_t> frequencies;
  for (const std::string& token : tokens) ++frequencies[token];

  std::unique_lock lock(mutex_);
  unlink(id);
  Document& doc = documents_[id];
  doc.length = static_cast<uint32_t>(tokens.size());
  doc.terms.reserve(frequencies.size());
  for (auto& [term, tf] : frequencies) {
    postings_[term][id] = tf;
    doc.terms.push_back(term);
  }
  total_length_ += doc.length;
}

bool Bm25Index::remove(uint64_t id) {
  std::unique_lock lock(mutex_);
  if (documents_.count(id) == 0) return false;
  unlink(id);
  return true;
}

size_t Bm25Index::size() const {
  std::shared_lock lock(mutex_);
  return documents_.size();
}

std::vector<ScoredId> Bm25Index::search(std::string_view text, size_t k,
                                        std::optional<std::span<const uint64_t>> allow_ids) const {
  std::vector<std::string> terms = tokenize(text, options_.tokenizer);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  std::unordered_set<uint64_t> allowed;
  if (allow_ids) allowed.insert(allow_ids->begin(), allow_ids->end());

  std::shared_lock lock(mutex_);
  if (k == 0 || documents_.empty()) return {};
  const double n_docs = static_cast<double>(documents_.size());
  const double average_length = static_cast<double>(total_length_) / n_docs;
  const double k1 = options_.k1;
  const double b = options_.b;

  std::unordered_map<uint64_t, double> scores;
  for (const std::string& term : terms) {
    auto posting = postings_.find(term);
    if (posting == postings_.end()) continue;
    const double n_term = static_cast<double>(posting->second.size());
    const double idf = std::log(1.0 + (n_docs - n_term + 0.5) / (n_term + 0.5));
    for (const auto& [id, tf_count] : posting->second) {
      if (allow_ids && allowed.count(id) == 0) continue;
      const double tf = static_cast<double>(tf_count);
      // average_length > 0 here: a document holding a term has length >= 1.
      const double length = static_cast<double>(documents_.at(id).length);
      scores[id] += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * length / average_length));
    }
  }

  std::vector<ScoredId> hits;
  hits.reserve(scores.size());
  for (const auto& [id, score] : scores) hits.push_back(ScoredId{id, static_cast<float>(score)});
  const size_t top = std::min(k, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(top), hits.end(),
                    better);
  hits.resize(top);
  return hits;
}

std::vector<double> Bm25Index::coverage(std::string_view text,
                                        std::span<const uint64_t> ids) const {
  return match(text, ids).coverage;
}

Bm25Index::QueryMatch Bm25Index::match(std::string_view text,
                                       std::span<const uint64_t> ids) const {
  std::vector<std::string> terms = tokenize(text, options_.tokenizer);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  QueryMatch result;
  result.query_terms = terms.size();
  result.coverage.assign(ids.size(), 0.0);
  result.shared_terms.assign(ids.size(), 0);
  std::vector<double>& covered = result.coverage;

  std::shared_lock lock(mutex_);
  if (terms.empty() || documents_.empty()) return result;
  const double n_docs = static_cast<double>(documents_.size());
  const double average_length = static_cast<double>(total_length_) / n_docs;
  const double k1 = options_.k1;
  const double b = options_.b;
  double total_idf = 0;
  for (const std::string& term : terms) {
    auto posting = postings_.find(term);
    const double n_term =
        posting == postings_.end() ? 0.0 : static_cast<double>(posting->second.size());
    const double idf = std::log(1.0 + (n_docs - n_term + 0.5) / (n_term + 0.5));
    total_idf += idf;
    if (posting == postings_.end()) continue;
    for (size_t i = 0; i < ids.size(); ++i) {
      auto found = posting->second.find(ids[i]);
      if (found == posting->second.end()) continue;
      const double tf = static_cast<double>(found->second);
      const double length = static_cast<double>(documents_.at(ids[i]).length);
      const double saturated =
          tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * length / average_length));
      covered[i] += idf * std::min(1.0, saturated);
      ++result.shared_terms[i];
    }
  }
  if (total_idf <= 0) {
    covered.assign(ids.size(), 0.0);
    return result;
  }
  for (double& value : covered) value = std::min(1.0, value / total_idf);
  return result;
}

}  // namespace expgraph::similarity
