// Bm25Index: in-memory inverted index that ranks documents against a query with Okapi BM25
// over the shared tokenizer's tokens. The lexical half of hybrid search (fused with the vector
// index by rank fusion); derived state, rebuilt from the stored texts at start.
// Thread-safety: thread-safe; concurrent searches share a lock, upsert/remove take it alone.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "query/similarity/scored_id.h"
#include "query/similarity/text_normalizer.h"
#include "query/similarity/writer_priority_mutex.h"

namespace expgraph::similarity {

struct Bm25Options {
  double k1 = 1.2;  // term-frequency saturation
  double b = 0.75;  // document-length normalisation
  TokenizerOptions tokenizer{.remove_stopwords = true};
};

class Bm25Index {
 public:
  explicit Bm25Index(Bm25Options options = {});

  // Indexes `text` as document `id`, replacing its previous text if any.
  void upsert(uint64_t id, std::string_view text);
  // Forgets `id`; returns whether it was present.
  bool remove(uint64_t id);

  // The min(k, matching) documents that share at least one term with `text`, best first;
  // ties broken by ascending id. Each distinct query term counts once:
  //   score(D) = sum_t idf(t) * tf(t,D) * (k1 + 1) / (tf(t,D) + k1 * (1 - b + b * |D| / avgdl))
  //   idf(t)   = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))
  // With `allow_ids`, only those documents are scored (the filter precedes the top-k cut).
  std::vector<ScoredId> search(std::string_view text, size_t k,
                               std::optional<std::span<const uint64_t>> allow_ids = {}) const;

  // How much of the query each of `ids` matches, in [0, 1] (0 for an unknown id): the share of
  // the query's idf mass found in the document,
  //   coverage(D) = sum_{t in q} idf(t) * min(1, bm25_tf(t, D)) / sum_{t in q} idf(t)
  // where bm25_tf is BM25's saturated term frequency (1 for one occurrence in a document of
  // average length). Query terms that occur in no document count with the largest idf, so a
  // query whose distinctive words are nowhere in the corpus covers little of anything. This
  // is BM25 with a fixed maximum, hence comparable across queries, unlike the raw score.
  std::vector<double> coverage(std::string_view text, std::span<const uint64_t> ids) const;

  // coverage() with what the similarity scale also needs: how many distinct terms the query
  // has, and how many of them each document holds.
  struct QueryMatch {
    size_t query_terms = 0;
    std::vector<double> coverage;         // parallel to ids, as coverage() returns it
    std::vector<uint32_t> shared_terms;   // parallel to ids
  };
  QueryMatch match(std::string_view text, std::span<const uint64_t> ids) const;

  // The number of indexed documents.
  size_t size() const;

 private:
  struct Document {
    uint32_t length = 0;             // tokens, after stopword removal
    std::vector<std::string> terms;  // distinct terms, to unlink on replace/remove
  };

  // Caller holds mutex_ exclusively.
  void unlink(uint64_t id);

  const Bm25Options options_;
  mutable WriterPriorityMutex mutex_;  // guards everything below
  std::unordered_map<std::string, std::unordered_map<uint64_t, uint32_t>> postings_;
  std::unordered_map<uint64_t, Document> documents_;
  uint64_t total_length_ = 0;
};

}  // namespace expgraph::similarity
