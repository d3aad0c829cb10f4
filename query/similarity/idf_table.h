// IdfTable: document frequencies of hashed text features over a corpus, from which the hashing
// embedder derives inverse document frequency weights. Built by whoever owns the corpus (the
// similarity service at start, from the stored texts) and handed to the embedder read-only.
// Not thread-safe for writes; a table shared with an embedder must no longer be modified.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>

namespace expgraph::similarity {

class IdfTable {
 public:
  // Counts one document; `features` are its feature hashes (duplicates are counted once).
  void add_document(std::span<const uint64_t> features);
  // Uncounts a document previously added with the same features.
  void remove_document(std::span<const uint64_t> features);

  // Smoothed idf = ln((1 + N) / (1 + df)) + 1: 1 for a feature in every document, larger for
  // rare ones, finite for unseen ones.
  double idf(uint64_t feature) const;
  uint64_t document_count() const { return document_count_; }
  uint64_t document_frequency(uint64_t feature) const;

 private:
  uint64_t document_count_ = 0;
  std::unordered_map<uint64_t, uint32_t> document_frequency_;
};

}  // namespace expgraph::similarity
