#include "query/similarity/idf_table.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace expgraph::similarity {
namespace {

std::vector<uint64_t> unique_features(std::span<const uint64_t> features) {
  std::vector<uint64_t> unique(features.begin(), features.end());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  return unique;
}

}  // namespace

void IdfTable::add_document(std::span<const uint64_t> features) {
  ++document_count_;
  for (uint64_t feature : unique_features(features)) ++document_frequency_[feature];
}

void IdfTable::remove_document(std::span<const uint64_t> features) {
  if (document_count_ > 0) --document_count_;
  for (uint64_t feature : unique_features(features)) {
    auto it = document_frequency_.find(feature);
    if (it == document_frequency_.end()) continue;
    if (--it->second == 0) document_frequency_.erase(it);
  }
}

uint64_t IdfTable::document_frequency(uint64_t feature) const {
  auto it = document_frequency_.find(feature);
  return it == document_frequency_.end() ? 0 : it->second;
}

double IdfTable::idf(uint64_t feature) const {
  const double n = static_cast<double>(document_count_);
  const double df = static_cast<double>(document_frequency(feature));
  return std::log((1.0 + n) / (1.0 + df)) + 1.0;
}

}  // namespace expgraph::similarity
